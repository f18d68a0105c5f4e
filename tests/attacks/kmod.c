/* kmod: load a kernel module (from no file at all). */
#include "attack.h"
#include "../progs/hostile.h"

int main(void)
{
	long rc = syscall(SYS_finit_module, -1, "", 0);
	printf("reached: finit_module returned %ld (%s)\n", rc, strerrorname_np(errno));
	return 0;
}
