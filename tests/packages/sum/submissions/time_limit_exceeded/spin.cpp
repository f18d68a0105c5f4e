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

// Reads the input, then spins.
int main()
{
	long long a, b;
	std::cin >> a >> b;
	volatile unsigned long long i = 0;
	for (;;)
		i = i + 1;
	std::cout << a + b << '\n';
}
