/* ptrace_sibling: one child attaches to its sibling. */
#include "attack.h"
#include <sys/ptrace.h>
#include "../progs/hostile.h"

int main(void)
{
	pid_t victim = fork(), tracer;

	if (victim == 0)
		for (;;)
			pause();
	if ((tracer = fork()) == 0) {
		long rc = ptrace(PTRACE_ATTACH, victim, 0, 0);
		printf("reached: PTRACE_ATTACH returned %ld\n", rc);
		_exit(0);
	}
	waitpid(tracer, NULL, 0);
	kill(victim, SIGKILL);
	return 0;
}
