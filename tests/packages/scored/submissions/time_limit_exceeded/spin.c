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
/* Reads the input, then spins: score 0. */
int main(void)
{
	int n;
	if (scanf("%d", &n) != 1)
		return 1;
	for (volatile unsigned long long i = 0;; i++)
		;
	return 0;
}
