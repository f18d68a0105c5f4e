/* memhog: allocates and touches 1 MiB blocks without end. Expected under
 * --memory-kb: status memory_limit (the cgroup's OOM killer). */
#include <string.h>
#include "../progs/hostile.h"

int main(void)
{
	long mib = 0;

	puts("allocating 1 MiB blocks until the memory limit stops me");
	fflush(stdout);
	for (;;) {
		char *p = malloc(1 << 20);
		if (!p) {
			printf("malloc failed after %ld MiB\n", mib);
			return 1;
		}
		memset(p, 0x5a, 1 << 20);
		mib++;
	}
}
