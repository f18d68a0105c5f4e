/* sgid: /box is the controller group's (setgid directory): files made in it
 * get that group. Give one the setgid bit, or hand a file to root or to that
 * group, so that it runs with the controller's group later. */
#include "attack.h"
#include "../progs/hostile.h"

int main(void)
{
	struct stat st;
	int fd = open("/box/sgid", O_WRONLY | O_CREAT | O_TRUNC, 0755);

	fstat(fd, &st);
	printf("group of a new file in /box: %u\n", st.st_gid);
	fchmod(fd, 06755);
	fstat(fd, &st);
	errno = EPERM;                  /* the kernel drops the bit silently */
	denied(st.st_mode & S_ISGID ? 0 : -1, "set-group-ID bit on a file of the controller's group");
	denied(fchown(fd, 0, 0), "chown the file to root");
	denied(fchown(fd, (uid_t)-1, 0), "chgrp the file to root");
	close(fd);
	return verdict();
}
