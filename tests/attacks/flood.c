/* flood [FD]: write to FD (stdout) as fast as possible, for ever. When the
 * output is a file, the file size limit (SIGXFSZ) ends it. */
#include "attack.h"
#include "../progs/hostile.h"

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	int fd = argc > 1 ? atoi(argv[1]) : 1;

	memset(buf, 'A', sizeof buf);
	for (;;)
		if (write(fd, buf, sizeof buf) < 0) {
			printf("reached write error: %s\n", strerrorname_np(errno));
			return 3;
		}
}
