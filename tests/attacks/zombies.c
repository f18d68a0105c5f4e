/* zombies: leave 10 unreaped zombies and 6 orphans behind (daemonised, in
 * their own sessions, ignoring every signal; half of them spinning), then
 * exit 0 at once. Nothing of the box may outlive the job. */
#include "attack.h"
#include "../progs/hostile.h"

int main(void)
{
	for (int i = 0; i < 10; i++)
		if (fork() == 0)
			_exit(0);               /* never reaped by us */
	for (int i = 0; i < 6; i++)
		if (fork() == 0) {
			setsid();
			if (fork() != 0)
				_exit(0);
			for (int sig = 1; sig < NSIG; sig++)
				signal(sig, SIG_IGN);
			if (i % 2)
				spin(-1);
			for (;;)
				pause();
		}
	usleep(100000);                 /* let the orphans get going */
	puts("leaving zombies and orphans behind");
	return 0;
}
