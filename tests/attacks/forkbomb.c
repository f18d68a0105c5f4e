/* forkbomb: every process forks forever. The pids cgroup caps the box; the
 * bomb then spins on failing forks until the CPU or wall limit ends it. */
#include "attack.h"
#include "../progs/hostile.h"

int main(void)
{
	for (;;)
		fork();
}
