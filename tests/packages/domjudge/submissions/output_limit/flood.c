/* Hostile: refuses to run anywhere but in a judgebox jail (as tests/progs/hostile.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void refuse_outside_jail(void)
{
	if (getuid() == 0 || geteuid() == 0 || getpid() > 64) {
		fprintf(stderr, "refusing to run: this program runs only inside a judgebox jail\n");
		_exit(99);
	}
}

/* DOMjudge's output_limit/: writes without end (the limit is 1 MiB). */
int main(void)
{
	static char buf[1 << 16];
	memset(buf, 'y', sizeof buf);
	for (;;)
		if (write(1, buf, sizeof buf) < 0)
			return 1;
}
