/* rawsys: the denied calls again, by number, with junk in the upper halves
 * of 32-bit arguments, and from a second thread: the filter must see
 * through all of it. MODE picks the call. */
#include "attack.h"
#include <pthread.h>
#include <sched.h>
#include "../progs/hostile.h"

static const char *mode;

static void *attack(void *arg)
{
	long rc = -1;
	(void)arg;
	if (!strcmp(mode, "clone-highbits"))      /* CLONE_NEWUSER with bit 32 set */
		rc = syscall(SYS_clone, 0x100000000UL | CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	else if (!strcmp(mode, "thread-ptrace"))
		rc = syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0);
	if (rc == 0)
		_exit(0);
	printf("reached: %s returned %ld (%s)\n", mode, rc, strerrorname_np(errno));
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	mode = argc > 1 ? argv[1] : "thread-ptrace";
	pthread_create(&t, NULL, attack, NULL);
	pthread_join(t, NULL);
	return 0;
}
