/* problem_fs.c: the problem loader's only way into the package: files
 * opened and directories listed beneath the package directory's fd, by
 * fsutil.c's openat_beneath: openat2(RESOLVE_BENEATH) where the kernel has
 * it and no symbolic link followed where it does not (problem.c has the
 * MUST rules). Every entry of a listed directory is checked: its name,
 * and that it is a regular file or a directory.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "problem_int.h"

/* ---- Opening files beneath the package -------------------------------- */

/* The full path of rel (the package directory joined), or an error. */
int p_full(p_ctx *c, const char *rel, char *dst, size_t size)
{
	if (p_join(dst, size, c->p->dir, rel) < 0)
		return p_fail(c, rel, "path too long (%zu bytes with the package directory)",
			      size - 1);
	return 0;
}

/* Open rel beneath the package with fsutil.c's openat_beneath: an fd, or
 * -1 with errno (EXDEV: a symbolic link leads out). Where openat2 is
 * missing (ENOSYS) or filtered (EPERM), it follows no link at all. */
int p_open(p_ctx *c, const char *rel, int flags)
{
	return openat_beneath(c->pkg, rel, flags);
}

/* The error for rel that p_open could not open. */
static int s_open_fail(p_ctx *c, const char *rel, int e)
{
	if (e == EXDEV)
		return p_fail(c, rel, "a symbolic link leads out of the package");
	if (e == ENOTDIR && !openat2_usable(c->pkg))
		return p_fail(c, rel, "not a directory, or a symbolic link (none are followed: "
			      "no openat2 here)");
	if (e == ELOOP)
		return p_fail(c, rel, "symbolic link not followed (%s)", !openat2_usable(c->pkg) ?
			      "none are: no openat2 here" : "a loop or a /proc link");
	return p_fail(c, rel, "%s", strerror(e));
}

/* fstat of rel, symbolic links inside the package followed: 1, 0 when it
 * does not exist, -1 on error. Without openat2 a final link opened with
 * O_PATH comes back as itself (openat_beneath's walk): refused here. */
int p_stat(p_ctx *c, const char *rel, struct stat *st)
{
	int fd = p_open(c, rel, O_PATH), rc;

	if (fd < 0)
		return errno == ENOENT ? 0 : s_open_fail(c, rel, errno);
	rc = fstat(fd, st);
	close(fd);
	if (rc < 0)
		return p_fail(c, rel, "%s", strerror(errno));
	if (S_ISLNK(st->st_mode))
		return s_open_fail(c, rel, ELOOP);
	return 1;
}

/* Read the open regular file fd, at most max bytes, into a new *buf. */
static int s_read_fd(p_ctx *c, const char *rel, int fd, size_t max, char **buf, size_t *len)
{
	struct stat st;
	size_t n = 0;
	ssize_t k;
	char *b;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return p_fail(c, rel, "not a regular file");
	if (!(b = malloc(max + 1)))
		return p_fail(c, rel, "out of memory");
	while ((k = read(fd, b + n, max + 1 - n)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 || (n += (size_t)k) > max) {
			free(b);
			return k < 0 ? p_fail(c, rel, "%s", strerror(errno))
				     : p_fail(c, rel, "larger than %zu bytes", max);
		}
	}
	b[n] = 0;
	*buf = b;
	*len = n;
	return 1;
}

/* Read the regular file rel (at most max bytes) into a NUL-terminated *buf,
 * the caller's to free: 1, 0 when it does not exist, -1 on error. */
int p_read(p_ctx *c, const char *rel, size_t max, char **buf, size_t *len)
{
	struct stat st;
	int rc = p_stat(c, rel, &st), fd;

	if (rc <= 0)
		return rc;
	if (!S_ISREG(st.st_mode))
		return p_fail(c, rel, "not a regular file");
	if ((uint64_t)st.st_size > max)
		return p_fail(c, rel, "larger than %zu bytes", max);
	if ((fd = p_open(c, rel, O_RDONLY | O_NONBLOCK)) < 0)
		return s_open_fail(c, rel, errno);
	rc = s_read_fd(c, rel, fd, max, buf, len);
	close(fd);
	return rc;
}

/* ---- Directories ------------------------------------------------------ */

/* qsort order of entries: byte order of names. */
static int s_ent_cmp(const void *a, const void *b)
{
	return strcmp(((const p_ent *)a)->name, ((const p_ent *)b)->name);
}

/* The entry called name in the sorted ents, or NULL. */
static const p_ent *s_find(const p_ent *ents, size_t n, const char *name)
{
	p_ent key;

	if (p_copy(key.name, sizeof key.name, name) < 0)
		return NULL;
	return bsearch(&key, ents, n, sizeof *ents, s_ent_cmp);
}

/* The regular file base + ext in ents, or NULL. */
const p_ent *p_find_file(const p_ent *ents, size_t n, const char *base, const char *ext)
{
	char name[300];
	const p_ent *e;

	snprintf(name, sizeof name, "%s%s", base, ext);
	e = s_find(ents, n, name);
	return e && !e->dir ? e : NULL;
}

/* The type of entry name of directory dir (fd dfd): a symbolic link is
 * followed inside the package, and must not lead to a directory. */
static int s_ent_type(p_ctx *c, const char *rel, int dfd, const char *name, struct stat *st)
{
	int rc;

	if (fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) < 0)
		return p_fail(c, rel, "%s", strerror(errno));
	if (!S_ISLNK(st->st_mode))
		return 0;
	if ((rc = p_stat(c, rel, st)) <= 0)
		return rc < 0 ? -1 : p_fail(c, rel, "dangling symbolic link");
	if (S_ISDIR(st->st_mode))
		return p_fail(c, rel, "symbolic link to a directory: not followed");
	return 0;
}

/* Check entry e of directory dir (fd dfd): its name, then its type and
 * size, a symbolic link followed inside the package. */
static int s_ent_check(p_ctx *c, const char *dir, int dfd, p_ent *e)
{
	char rel[1024];
	struct stat st;

	if (!p_name_ok(e->name))
		return p_fail(c, dir, "bad name \"%s\": only [A-Za-z0-9._-], not starting with "
			      "'.' or '-'", e->name);
	if (p_join(rel, sizeof rel, dir, e->name) < 0)
		return p_fail(c, dir, "path too long");
	if (s_ent_type(c, rel, dfd, e->name, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return p_fail(c, rel, "not a regular file or directory");
	e->dir = S_ISDIR(st.st_mode);
	e->size = (uint64_t)st.st_size;
	return 0;
}

/* The names in open directory d (rel), at most PROB_MAX_DIRENTS, into *ents. */
static int s_readdir(p_ctx *c, const char *rel, DIR *d, p_ent **ents, size_t *n)
{
	struct dirent *de;
	size_t cap = 0;
	p_ent *a;

	while ((errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (*n >= PROB_MAX_DIRENTS)
			return p_fail(c, rel, "more than %d entries", PROB_MAX_DIRENTS);
		if (!(a = p_grow(*ents, *n, &cap, sizeof **ents)))
			return p_fail(c, rel, "out of memory");
		*ents = a;
		if (p_copy(a[*n].name, sizeof a->name, de->d_name) < 0)
			return p_fail(c, rel, "a name longer than 255 bytes");
		(*n)++;
	}
	return errno ? p_fail(c, rel, "%s", strerror(errno)) : 0;
}

/* The entries of directory rel, sorted, then checked in that order (so the
 * error is the same whatever readdir's order): 0 or -1. *ents is the
 * caller's to free (NULL when empty). */
int p_list(p_ctx *c, const char *rel, p_ent **ents, size_t *n)
{
	int fd = p_open(c, rel, O_RDONLY | O_DIRECTORY), rc;
	DIR *d;

	*ents = NULL;
	*n = 0;
	if (fd < 0)
		return s_open_fail(c, rel, errno);
	if (!(d = fdopendir(fd))) {
		close(fd);
		return p_fail(c, rel, "%s", strerror(errno));
	}
	rc = s_readdir(c, rel, d, ents, n);
	if (rc == 0 && *n)
		qsort(*ents, *n, sizeof **ents, s_ent_cmp);
	for (size_t i = 0; rc == 0 && i < *n; i++)
		rc = s_ent_check(c, rel, dirfd(d), &(*ents)[i]);
	closedir(d);
	if (rc < 0) {
		free(*ents);
		*ents = NULL;
		*n = 0;
	}
	return rc;
}
