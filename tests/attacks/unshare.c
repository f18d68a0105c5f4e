/* unshare: a new user namespace, where the job would be root. */
#include "attack.h"
#include <sched.h>
#include "../progs/hostile.h"

int main(void)
{
	long rc = unshare(CLONE_NEWUSER);
	printf("reached: unshare returned %ld (%s)\n", rc, strerrorname_np(errno));
	return 0;
}
