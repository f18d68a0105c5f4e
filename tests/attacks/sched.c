/* sched: take the CPU from everyone else: real-time scheduling (a busy
 * SCHED_FIFO thread starves the host's CPU, the supervisor's included),
 * negative nice, real-time I/O priority, and every CPU in the affinity mask. */
#include "attack.h"
#include <sched.h>
#include <sys/resource.h>
#include "../progs/hostile.h"

int main(void)
{
	struct sched_param p = { .sched_priority = 99 };
	cpu_set_t all;

	denied(sched_setscheduler(0, SCHED_FIFO, &p), "SCHED_FIFO 99");
	p.sched_priority = 1;
	denied(sched_setscheduler(0, SCHED_RR, &p), "SCHED_RR 1");
	denied(setpriority(PRIO_PROCESS, 0, -20), "nice -20");
	denied(syscall(SYS_ioprio_set, 1, 0, (1 << 13) | 0), "ioprio real-time");
	CPU_ZERO(&all);
	for (int i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &all);
	printf("widen affinity (harmless: a box is not pinned by affinity): %s\n",
		sched_setaffinity(0, sizeof all, &all) ? strerrorname_np(errno) : "done");
	return verdict();
}
