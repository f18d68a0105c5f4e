/* membomb: allocate and touch memory without end: the memory cgroup's OOM
 * killer stops it (swap is off for the box). */
#include "attack.h"
#include "../progs/hostile.h"

int main(void)
{
	for (long mib = 1;; mib++) {
		char *p = malloc(1 << 20);
		if (!p) {
			printf("reached malloc failure after %ld MiB\n", mib);
			return 3;
		}
		memset(p, 1, 1 << 20);
	}
}
