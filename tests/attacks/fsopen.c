/* fsopen: the new mount API, which a filter on mount(2) alone would miss. */
#include "attack.h"
#include "../progs/hostile.h"

int main(void)
{
	long rc = syscall(SYS_fsopen, "tmpfs", 0);
	printf("reached: fsopen returned %ld (%s)\n", rc, strerrorname_np(errno));
	rc = syscall(SYS_open_tree, AT_FDCWD, "/box", 1 /* OPEN_TREE_CLONE */);
	printf("reached: open_tree returned %ld (%s)\n", rc, strerrorname_np(errno));
	return 0;
}
