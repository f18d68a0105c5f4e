/* mknod: make device nodes (the host's disk, memory, a tty) in /box and
 * /tmp. Even made, nodev would keep them dead; they must not be made. */
#include "attack.h"
#include <sys/sysmacros.h>
#include "../progs/hostile.h"

int main(void)
{
	denied(mknod("/box/sda", S_IFBLK | 0666, makedev(8, 0)), "mknod /box/sda (block 8:0)");
	denied(mknod("/box/vda", S_IFBLK | 0666, makedev(253, 0)), "mknod /box/vda (block 253:0)");
	denied(mknod("/tmp/mem", S_IFCHR | 0666, makedev(1, 1)), "mknod /tmp/mem (char 1:1)");
	denied(mknod("/dev/shm/tty", S_IFCHR | 0666, makedev(4, 1)), "mknod /dev/shm/tty (char 4:1)");
	denied(mknod("/box/null", S_IFCHR | 0666, makedev(1, 3)), "mknod /box/null (char 1:3)");
	printf("mkfifo /box/fifo (harmless): %s\n", mkfifo("/box/fifo", 0600) ? strerrorname_np(errno) : "made");
	return verdict();
}
