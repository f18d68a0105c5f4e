/* kill_all: kill(-1, SIGKILL), with children of its own to lose. Host
 * processes (one even running under this box's uid) must not be reached:
 * the pid namespace holds only the box. Then the box's init: kill(1) from
 * inside its namespace is ignored. */
#include "attack.h"
#include "../progs/hostile.h"

int main(void)
{
	int killed = 0, st;

	for (int i = 0; i < 5; i++)
		if (fork() == 0)
			for (;;)
				pause();
	signal(SIGTERM, SIG_IGN);
	printf("kill(-1, SIGKILL) returned %d\n", kill(-1, SIGKILL));
	while (wait(&st) > 0)
		killed += WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
	printf("own children killed: %d\n", killed);
	kill(1, SIGKILL);
	kill(1, SIGTERM);
	usleep(50000);
	printf("init %s\n", (kill(1, 0) == 0 || errno == EPERM) && getppid() == 1 ? "still alive" : "gone");
	puts("the job survived its own kill(-1)");
	return 0;
}
