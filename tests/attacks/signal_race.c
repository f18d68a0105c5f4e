/* signal_race [MODE]: race the supervisor and the box's init with signals.
 * race [N]: N children (8) fork as fast as they can and spray every
 *   catchable signal at everyone (-1), at init and at the job, whose mask
 *   and handlers ignore them; then the job exits 42. The verdict must be
 *   exit/42.
 * suicide: a child SIGKILLs the job while it sleeps: the verdict is signal/9.
 * stop: the job stops itself; only the wall limit can end that. */
#include "attack.h"
#include "../progs/hostile.h"

static void spray(pid_t job, int rounds)
{
	for (int r = 0; r < rounds; r++)
		for (int sig = 1; sig < SIGRTMAX; sig++) {
			if (sig == SIGKILL || sig == SIGSTOP || (sig > 31 && sig < SIGRTMIN))
				continue;       /* 32, 33: glibc's own, which a job cannot ignore */
			kill(-1, sig);
			kill(1, sig);
			kill(job, sig);
			if (sig % 4 == 0 && fork() == 0)
				_exit(sig);
		}
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "race";
	pid_t job = getpid();
	int sprayers = argc > 2 ? atoi(argv[2]) : 8;
	sigset_t all;

	if (!strcmp(mode, "stop"))
		raise(SIGSTOP);
	if (!strcmp(mode, "suicide")) {
		if (fork() == 0) {
			usleep(20000);
			kill(job, SIGKILL);
			_exit(0);
		}
		for (;;)
			pause();
	}
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	for (int i = 0; i < sprayers; i++)
		if (fork() == 0) {
			for (int s = 1; s < NSIG; s++)
				signal(s, SIG_IGN);
			spray(job, 2);
			_exit(0);
		}
	for (int i = 0; i < 100; i++) {     /* fork churn while the signals fly */
		pid_t p = fork();
		if (p == 0)
			_exit(7);
		if (p > 0)
			waitpid(p, NULL, 0);
		kill(1, SIGCHLD);
	}
	while (wait(NULL) > 0)
		;
	puts("exiting 42");
	return 42;
}
