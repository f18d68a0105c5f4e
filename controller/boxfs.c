/* boxfs.c: files into a box's directory (boxfs.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boxfs.h"
#include "fsutil.h"

int boxfs_put(int dir, const char *name, size_t nlen, const void *p, size_t n,
	      mode_t mode)
{
	char path[256];
	if (nlen >= sizeof path)
		return -1;
	memcpy(path, name, nlen);
	path[nlen] = 0;
	for (char *s = path; (s = strchr(s, '/')); *s++ = '/') {
		*s = 0;
		if (mkdirat(dir, path, 0777) < 0 && errno != EEXIST)
			return -1;
		if (fchmodat(dir, path, 0777, 0) < 0)
			return -1;
	}
	int fd = openat(dir, path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	int r = fchmod(fd, mode) || write_all(fd, p, n);
	return close(fd) || r ? -1 : 0;
}

int boxfs_put_files(int dir, const msgpack_object *files)
{
	int r = dir < 0 ? -1 : 0;
	for (uint32_t i = 0; !r && i < files->via.array.size; i++) {
		const msgpack_object *e = files->via.array.ptr[i].via.array.ptr;
		r = boxfs_put(dir, e[0].via.str.ptr, e[0].via.str.size,
			      e[1].via.bin.ptr, e[1].via.bin.size, 0666);
	}
	return r;
}

int boxfs_copy_in(int dir, const char *name, int fd)
{
	int to = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			O_CLOEXEC, 0644);
	int r = to < 0 || fchmod(to, 0644) || fd_copy(fd, to) ? -1 : 0;
	if (to >= 0 && close(to))
		r = -1;
	return r;
}
