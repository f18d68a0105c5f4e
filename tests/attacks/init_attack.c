/* init_attack MODE: tries to reach the box's init through the permission
 * checks that compare uids (init keeps ids the job does not have).
 * rlimit: lower init's RLIMIT_CPU to 0 (SIGKILL once it is on a CPU at a
 *   tick), then keep init busy reaping orphans, then exit 5.
 * sched: make init SCHED_IDLE and nice 19, leave two orphans spinning on
 *   the CPUs at normal priority, then exit 5.
 * The verdict must still be exit/5. */
#include "attack.h"
#include <sched.h>
#include <sys/resource.h>
#include "../progs/hostile.h"

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "rlimit";

	if (!strcmp(mode, "rlimit")) {
		struct rlimit zero = { 0, 0 };
		printf("prlimit(init, RLIMIT_CPU, 0): %s\n",
			prlimit(1, RLIMIT_CPU, &zero, NULL) == 0 ? "done" : strerrorname_np(errno));
		printf("prlimit(init, RLIMIT_NOFILE, 0): %s\n",
			prlimit(1, RLIMIT_NOFILE, &zero, NULL) == 0 ? "done" : strerrorname_np(errno));
	} else {
		struct sched_param p = { 0 };
		printf("init SCHED_IDLE: %s\n", sched_setscheduler(1, SCHED_IDLE, &p) == 0 ? "done" : strerrorname_np(errno));
		printf("init nice 19: %s\n", setpriority(PRIO_PROCESS, 1, 19) == 0 ? "done" : strerrorname_np(errno));
		for (int i = 0; i < 2; i++)
			if (fork() == 0) {
				if (fork() == 0)
					spin(-1);
				_exit(0);
			}
	}
	for (int i = 0; i < (strcmp(mode, "rlimit") ? 200 : 1000); i++)   /* orphans, for init to reap */
		if (fork() == 0) {
			if (fork() == 0)
				_exit(0);
			_exit(0);
		} else
			wait(NULL);
	puts("exiting 5");
	return 5;
}
