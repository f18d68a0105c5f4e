/* mount: mount a tmpfs over /tmp (a violation under the default policy;
 * without it, no capability would allow it). */
#include "attack.h"
#include <sys/mount.h>
#include "../progs/hostile.h"

int main(void)
{
	long rc = mount("none", "/tmp", "tmpfs", 0, NULL);
	printf("reached: mount returned %ld (%s)\n", rc, strerrorname_np(errno));
	return 0;
}
