/* burn_procs N: N processes spin for ever; the parent just waits. The CPU
 * limit is on the whole box, so it lands when the sum reaches it. */
#include "attack.h"
#include "../progs/hostile.h"

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;

	for (int i = 0; i < n; i++)
		if (fork() == 0)
			spin(-1);
	while (wait(NULL) > 0)
		;
	puts("reached: children finished");
	return 0;
}
