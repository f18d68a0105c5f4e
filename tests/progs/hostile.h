/* hostile.h: every test program includes this. They are hostile (fork bombs,
 * kill(-1), disk fillers), so they refuse to run anywhere but in a judgebox
 * jail: as a non-root uid, as one of the first processes of a fresh pid
 * namespace. A harness slip cannot start them on the host. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void refuse_outside_jail(void)
{
	if (getuid() == 0 || geteuid() == 0 || getpid() > 64) {
		fprintf(stderr, "refusing to run: test programs run only inside a judgebox jail\n");
		_exit(99);
	}
}
