/* keyctl: the kernel keyring (shared per uid, and a rich attack surface). */
#include "attack.h"
#include <linux/keyctl.h>
#include "../progs/hostile.h"

int main(void)
{
	long rc = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, "judgebox");
	printf("reached: keyctl returned %ld (%s)\n", rc, strerrorname_np(errno));
	rc = syscall(SYS_add_key, "user", "judgebox", "x", 1, KEY_SPEC_USER_KEYRING);
	printf("reached: add_key returned %ld (%s)\n", rc, strerrorname_np(errno));
	return 0;
}
