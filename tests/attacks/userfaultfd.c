/* userfaultfd: the tool of choice for widening kernel race windows. */
#include "attack.h"
#include "../progs/hostile.h"

int main(void)
{
	long rc = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	printf("reached: userfaultfd returned %ld (%s)\n", rc, strerrorname_np(errno));
	denied(open("/dev/userfaultfd", O_RDWR), "open /dev/userfaultfd");
	return 0;
}
