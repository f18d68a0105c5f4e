/* perf: perf_event_open on itself (side channels, a long CVE list). */
#include "attack.h"
#include <linux/perf_event.h>
#include "../progs/hostile.h"

int main(void)
{
	struct perf_event_attr a = { .type = PERF_TYPE_SOFTWARE, .size = sizeof a,
		.config = PERF_COUNT_SW_CPU_CLOCK, .exclude_kernel = 1 };
	long rc = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	printf("reached: perf_event_open returned %ld (%s)\n", rc, strerrorname_np(errno));
	return 0;
}
