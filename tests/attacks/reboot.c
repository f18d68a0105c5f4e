/* reboot: with a wrong magic number, so that it could do nothing even if
 * the filter and the missing capability both failed. */
#include "attack.h"
#include <linux/reboot.h>
#include "../progs/hostile.h"

int main(void)
{
	long rc = syscall(SYS_reboot, 0, 0, LINUX_REBOOT_CMD_CAD_OFF, NULL);
	printf("reached: reboot returned %ld (%s)\n", rc, strerrorname_np(errno));
	return 0;
}
