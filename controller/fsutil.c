/* fsutil.c: see fsutil.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fsutil.h"

#define DIR_DEPTH	8	/* the deepest tree the daemon makes (artifacts) */

int fd_copy(int from, int to)
{
	struct stat st;
	if (fstat(from, &st) || !S_ISREG(st.st_mode))
		return errno = EINVAL, -1;
	loff_t off = 0;
	bool plain = false;
	while (off < st.st_size) {
		size_t left = (size_t)(st.st_size - off);
		ssize_t n = plain ? sendfile(to, from, &off, left) :
			copy_file_range(from, &off, to, NULL, left, 0);
		if (n < 0 && !plain && (errno == EXDEV || errno == EINVAL ||
					 errno == ENOSYS || errno == EOPNOTSUPP)) {
			plain = true;		/* another file system: copy it */
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? (errno = EIO, -1) : -1;
	}
	return 0;
}

void dir_empty(int d, int depth)
{
	DIR *dd = fdopendir(d);
	struct dirent *e;
	if (!dd)
		return (void)close(d);
	while ((e = readdir(dd))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(d, e->d_name, 0) == 0 || errno != EISDIR || depth > DIR_DEPTH)
			continue;
		int sub = openat(d, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0)
			dir_empty(sub, depth + 1);
		unlinkat(d, e->d_name, AT_REMOVEDIR);
	}
	closedir(dd);
}

int dir_remove(const char *path)
{
	int d = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d < 0)
		return -1;
	dir_empty(d, 0);
	return rmdir(path);
}

/* Without openat2: rel component by component, no symbolic link followed. */
static int s_open_nofollow(int dirfd, const char *rel, int flags)
{
	char buf[1024], *save, *comp, *next;
	int fd = dirfd, nfd, e;
	if (strlen(rel) >= sizeof buf)
		return errno = ENAMETOOLONG, -1;
	strcpy(buf, rel);
	if (!(comp = strtok_r(buf, "/", &save)))
		return errno = EINVAL, -1;
	for (; comp; comp = next) {
		next = strtok_r(NULL, "/", &save);
		if (!strcmp(comp, ".."))
			nfd = -1, errno = EXDEV;
		else
			nfd = openat(fd, comp, (next ? O_PATH | O_DIRECTORY : flags) |
				     O_NOFOLLOW | O_CLOEXEC);
		e = errno;
		if (fd != dirfd)
			close(fd);
		if (nfd < 0)
			return errno = e, -1;
		fd = nfd;
	}
	return fd;
}

/* openat2 where the kernel has it (5.6); where it is missing (ENOSYS) or
 * filtered (EPERM), no link is followed at all. */
int openat_beneath(int dirfd, const char *rel, int flags)
{
	struct open_how how = { .flags = (uint64_t)(unsigned)(flags | O_CLOEXEC),
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
	if (*rel == '/')
		return errno = EINVAL, -1;
	int fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
	if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
		return fd;
	return s_open_nofollow(dirfd, rel, flags);
}

bool openat2_usable(int dirfd)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_BENEATH };
	int fd = (int)syscall(SYS_openat2, dirfd, ".", &how, sizeof how);
	if (fd >= 0)
		close(fd);
	return fd >= 0 || (errno != ENOSYS && errno != EPERM);
}

int open_beneath(const char *dir, const char *path, int flags)
{
	size_t n = strlen(dir);
	if (!n || strncmp(path, dir, n) || path[n] != '/')
		return errno = EINVAL, -1;
	int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd = d < 0 ? -1 : openat_beneath(d, path + n + 1, flags);
	if (d >= 0) {
		int e = errno;
		close(d);
		errno = e;
	}
	return fd;
}

int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w, n -= (size_t)w;
	}
	return 0;
}

uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	while (n--)
		h = (h ^ *c++) * 0x100000001b3ull;
	return h;
}
