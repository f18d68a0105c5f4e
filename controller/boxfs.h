/* boxfs.h: files into a box's directory (boxfs.c). The box is the job's:
 * what it holds is hostile, so every file is created anew (O_EXCL), never
 * through a link (O_NOFOLLOW), with its mode set explicitly (the box's
 * programs run under other uids).
 */
#ifndef JUDGEBOX_BOXFS_H
#define JUDGEBOX_BOXFS_H

#include <stddef.h>
#include <sys/types.h>

#include "../proto/mp.h"

/* Write p[0..n) as file name (nlen bytes, validated by ops.c; may hold
 * '/': the directories are made, mode 0777) under dir, with mode. 0 or -1. */
int boxfs_put(int dir, const char *name, size_t nlen, const void *p, size_t n,
	      mode_t mode);
/* Source files ([[name, bin], ...]) under dir (-1: fails), mode 0666. */
int boxfs_put_files(int dir, const msgpack_object *files);
/* A copy of the whole regular file fd as name under dir, mode 0644. */
int boxfs_copy_in(int dir, const char *name, int fd);

#endif
