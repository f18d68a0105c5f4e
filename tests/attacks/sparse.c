/* sparse MODE: a file far larger than the limit, without the bytes: a write
 * at 1 TiB (seek), or fallocate of 1 GiB. RLIMIT_FSIZE stops both. */
#include "attack.h"
#include "../progs/hostile.h"

int main(int argc, char **argv)
{
	int fd = open("/box/sparse", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	long rc;

	if (fd < 0)
		return 2;
	if (argc > 1 && !strcmp(argv[1], "fallocate"))
		rc = fallocate(fd, 0, 0, 1L << 30);
	else
		rc = pwrite(fd, "x", 1, 1L << 40);
	printf("reached: %s returned %ld (%s)\n", argc > 1 ? argv[1] : "pwrite", rc,
		rc < 0 ? strerrorname_np(errno) : "ok");
	return 0;
}
