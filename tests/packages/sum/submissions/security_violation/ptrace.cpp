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
#include <sys/ptrace.h>

// ptrace: a forbidden system call.
int main()
{
	ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
	return 0;
}
