/* fsutil.h: files the daemon handles itself: copying, removing its own
 * trees, opening beneath a directory, writing whole buffers. No policy:
 * who may read what is decided by the callers.
 */
#ifndef JUDGEBOX_FSUTIL_H
#define JUDGEBOX_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Copy the whole regular file from (from its start, whatever its offset)
 * to to's offset: copy_file_range, or sendfile across file systems. */
int fd_copy(int from, int to);
/* Remove directory path and what it holds (our own: the compile cache, the
 * problem snapshots), never following a link. */
int dir_remove(const char *path);
/* Empty the directory d (ours), at most depth levels down; closes d. */
void dir_empty(int d, int depth);
/* Open path, which must lie under dir, with no link in it leading out of
 * dir: openat2(RESOLVE_BENEATH), or on a kernel without openat2 a walk of
 * its components with O_NOFOLLOW. -1 with errno (EINVAL: not under dir). */
int open_beneath(const char *dir, const char *path, int flags);
/* The same relative to an open directory: rel must be relative. */
int openat_beneath(int dirfd, const char *rel, int flags);
/* Whether openat_beneath follows links that stay beneath dirfd (openat2
 * works here), or none at all (its fallback): for error messages. */
bool openat2_usable(int dirfd);
/* write(2) all of p, retrying on EINTR: 0 or -1. */
int write_all(int fd, const void *p, size_t n);
/* FNV-1a of p[0..n), continuing from h (start with FNV_OFFSET). */
#define FNV_OFFSET	0xcbf29ce484222325ull
uint64_t fnv1a(uint64_t h, const void *p, size_t n);

#endif
