/* escape: tries to make a user namespace, the first step of many container
 * escapes. Expected: killed at once, status violation, syscall unshare. */
#define _GNU_SOURCE
#include <sched.h>
#include "../progs/hostile.h"

int main(void)
{
	puts("trying unshare(CLONE_NEWUSER)");
	fflush(stdout);
	unshare(CLONE_NEWUSER);
	puts("still here: the jail did not stop me");
	return 1;
}
