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
#include <iostream>

// Prints without end (the output limit is 8 MiB).
int main()
{
	for (;;)
		std::cout << "1234567890123456789012345678901234567890\n";
}
