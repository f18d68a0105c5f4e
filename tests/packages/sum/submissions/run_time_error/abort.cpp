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
#include <stdexcept>

// An uncaught exception: std::terminate, abort(), SIGABRT.
int main()
{
	long long a, b;
	std::cin >> a >> b;
	throw std::runtime_error("no sum today");
}
