/* setns: join another namespace: init's are out of reach (non-dumpable), so
 * try one's own, which is the call the policy forbids. */
#include "attack.h"
#include <sched.h>
#include "../progs/hostile.h"

int main(void)
{
	denied(open("/proc/1/ns/mnt", O_RDONLY), "open init's mount namespace");
	int fd = open("/proc/self/ns/net", O_RDONLY);
	long rc = setns(fd, 0);
	printf("reached: setns returned %ld (%s)\n", rc, strerrorname_np(errno));
	return 0;
}
