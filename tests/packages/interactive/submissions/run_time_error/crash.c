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

/* Reads the first reply, then writes through a null pointer: SIGSEGV. */
int main(void)
{
	char reply[32];
	printf("500\n");
	fflush(stdout);
	if (scanf("%31s", reply) != 1 || !strcmp(reply, "correct"))
		return 0;
	volatile int *p = NULL;
	*p = 1;
	return 0;
}
