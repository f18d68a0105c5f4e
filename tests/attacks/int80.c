/* int80: i386 system calls from a 64-bit process via int $0x80, where the
 * numbers differ (26 is ptrace there, 20 getpid). */
#include "attack.h"
#include "../progs/hostile.h"

int main(void)
{
	long rc;

	__asm__ volatile ("int $0x80" : "=a"(rc) : "a"(20L) : "memory");
	printf("reached: i386 getpid returned %ld\n", rc);
	return 0;
}
