/* clone_userns: a child in a new user namespace, by clone3 (whose flags the
 * filter cannot read: it must fail with ENOSYS) and then by clone. */
#include "attack.h"
#include <sched.h>
#include <linux/sched.h>
#include "../progs/hostile.h"

int main(void)
{
	struct clone_args ca = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
	long rc = syscall(SYS_clone3, &ca, sizeof ca);

	if (rc == 0)
		_exit(0);
	denied(rc, "clone3(CLONE_NEWUSER)");
	rc = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	if (rc == 0)
		_exit(0);
	printf("reached: clone returned %ld (%s)\n", rc, strerrorname_np(errno));
	return 0;
}
