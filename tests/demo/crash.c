/* crash: writes through a null pointer. Expected: status signal, SIGSEGV. */
#include "../progs/hostile.h"

int main(void)
{
	puts("about to write through a null pointer");
	fflush(stdout);
	*(volatile int *)0 = 1;
	return 0;
}
