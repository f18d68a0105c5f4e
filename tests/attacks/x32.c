/* x32: getpid through the x32 ABI (syscall number | 0x40000000), which a
 * filter written for x86-64 numbers would not match. */
#include "attack.h"
#include "../progs/hostile.h"

int main(void)
{
	long rc;

	__asm__ volatile ("syscall" : "=a"(rc) : "a"(0x40000000L | 39) : "rcx", "r11", "memory");
	printf("reached: x32 getpid returned %ld\n", rc);
	return 0;
}
