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

/* Encodes right, then spins on pass 2 until its CPU time runs out. */
#include <string.h>

int main(void)
{
	char word[16];
	unsigned long long c = 0;
	int n, a[6];
	if (scanf("%15s", word) != 1)
		return 1;
	if (strcmp(word, "encode"))
		for (volatile unsigned long long i = 0;; i++)
			;
	if (scanf("%d", &n) != 1 || n < 1 || n > 6)
		return 1;
	for (int i = 0; i < n; i++)
		if (scanf("%d", &a[i]) != 1)
			return 1;
	for (int i = n - 1; i >= 0; i--)
		c = c * 1001 + (unsigned long long)a[i];
	printf("%llu\n", c * 7 + (unsigned long long)n);
	return 0;
}
