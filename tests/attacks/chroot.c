/* chroot: the classic chroot escape starts with a chroot of one's own. */
#include "attack.h"
#include "../progs/hostile.h"

int main(void)
{
	mkdir("/box/jail", 0755);
	long rc = chroot("/box/jail");
	printf("reached: chroot returned %ld (%s)\n", rc, strerrorname_np(errno));
	return 0;
}
