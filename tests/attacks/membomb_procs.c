/* membomb_procs: N processes each touch M MiB: each stays small, together
 * they pass the box's limit. The cgroup counts them all. */
#include "attack.h"
#include "../progs/hostile.h"

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 8;
	size_t mib = argc > 2 ? (size_t)atol(argv[2]) : 16;

	for (int i = 0; i < n; i++)
		if (fork() == 0) {
			volatile char *p = malloc(mib << 20);
			for (size_t k = 0; p && k < mib << 20; k += 4096)
				p[k] = 1;
			pause();
			_exit(0);
		}
	sleep(1);
	puts("reached: all children hold their memory");
	return 0;
}
