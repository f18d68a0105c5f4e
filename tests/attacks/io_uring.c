/* io_uring: its own path to nearly every file and socket operation, past
 * any per-syscall filter. */
#include "attack.h"
#include <linux/io_uring.h>
#include "../progs/hostile.h"

int main(void)
{
	struct io_uring_params p = { 0 };
	long rc = syscall(SYS_io_uring_setup, 8, &p);
	printf("reached: io_uring_setup returned %ld (%s)\n", rc, strerrorname_np(errno));
	return 0;
}
