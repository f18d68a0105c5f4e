/* fds_env NAME: what the job inherits: its open descriptors (0-2 only: the
 * test opens more before calling the helper, and the result record's fd is
 * 3), and its environment (the helper's three variables only: the test
 * sets NAME to a secret). */
#include "attack.h"
#include <dirent.h>
#include "../progs/hostile.h"

extern char **environ;

int main(int argc, char **argv)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int open_fds = 0;

	printf("fds:");
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			printf(" %s", e->d_name);
	printf("\n");
	for (int fd = 3; fd < 1024; fd++)
		if (fd != dirfd(d) && fcntl(fd, F_GETFD) >= 0)
			open_fds++;
	printf("open fds above 2: %d\n", open_fds);
	denied(write(3, "status=ok\n", 10), "forge the result record on fd 3");
	denied(write(5, "x", 1), "write to the caller's fd 5");
	printf("env:");
	for (char **v = environ; *v; v++)
		printf(" %.*s", (int)strcspn(*v, "="), *v);
	printf("\n");
	errno = ENOENT;
	if (argc > 1)
		denied(getenv(argv[1]) ? 0 : -1, "find %s in the environment", argv[1]);
	denied(open("/proc/1/environ", O_RDONLY), "read init's environment");
	return verdict();
}
