#define _GNU_SOURCE
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
#include <sched.h>

/* Asks for a new user namespace: a forbidden system call. */
int main(void)
{
	if (unshare(CLONE_NEWUSER) == 0)
		puts("unshared");
	return 0;
}
