/* umount: detach the read-only /proc/sys bind to uncover the writable
 * /proc/sys below it. */
#include "attack.h"
#include <sys/mount.h>
#include "../progs/hostile.h"

int main(void)
{
	long rc = umount2("/proc/sys", MNT_DETACH);
	printf("reached: umount2 returned %ld (%s)\n", rc, strerrorname_np(errno));
	return 0;
}
