/* sleeper: block every signal it can, ignore the rest, and wait for ever.
 * Only the wall clock limit (and SIGKILL) can end it. */
#include "attack.h"
#include "../progs/hostile.h"

int main(void)
{
	sigset_t all;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_IGN);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	for (;;)
		pause();
}
