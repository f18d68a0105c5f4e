/* cpuhog: spins forever. Expected under --cpu-ms: status cpu_limit. */
#include "../progs/hostile.h"

int main(void)
{
	volatile unsigned long n = 0;

	puts("spinning until the CPU limit stops me");
	fflush(stdout);
	for (;;)
		n++;
}
