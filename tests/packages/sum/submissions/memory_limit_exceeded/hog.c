/* Hostile: refuses to run anywhere but in a judgebox jail (as tests/progs/hostile.h). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void refuse_outside_jail(void)
{
	if (getuid() == 0 || geteuid() == 0 || getpid() > 64) {
		fprintf(stderr, "refusing to run: this program runs only inside a judgebox jail\n");
		_exit(99);
	}
}
#include <string.h>

/* Allocates 1 MiB at a time, without bound, and touches every byte. */
int main(void)
{
	for (;;) {
		char *p = malloc(1 << 20);
		if (!p)
			return 1;
		memset(p, 1, 1 << 20);
	}
}
