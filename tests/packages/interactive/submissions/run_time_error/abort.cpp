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
#include <string>

// Reads the first reply, then throws: std::terminate, SIGABRT.
int main()
{
	std::string reply;
	std::cout << 500 << std::endl;
	if (!(std::cin >> reply) || reply == "correct")
		return 0;
	throw std::runtime_error("crash after the first reply");
}
