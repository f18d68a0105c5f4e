/* cache.c: the compile cache (cache.h).
 *
 * The box holds files the job wrote: they are hostile. They are read only
 * through openat(O_NOFOLLOW) on regular files, with size caps, and only to
 * copy compile artifacts.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boxfs.h"
#include "cache.h"
#include "fsutil.h"

struct cache {
	const conf_t *c;
	store_t *st;
};

cache_t *cache_new(const conf_t *c, store_t *st)
{
	char p[700];
	cache_t *self = calloc(1, sizeof *self);
	if (!self)
		return NULL;
	self->c = c, self->st = st;
	snprintf(p, sizeof p, "%s/cache", c->state_dir);
	mkdir(p, 0700);
	return self;
}

void cache_destroy(cache_t **p)
{
	free(*p);
	*p = NULL;
}

/* ---- artifacts ---- */

static bool s_is_artifact(const lang_t *l, const char *name)
{
	char pats[sizeof l->artifacts], *save, *t;
	strcpy(pats, l->artifacts);
	for (t = strtok_r(pats, " ", &save); t; t = strtok_r(NULL, " ", &save))
		if (!fnmatch(t, name, FNM_PERIOD))
			return true;
	return false;
}

/* Copy regular files and directories between directories: from the box
 * (hostile: no symlinks, no devices, size- and count-capped) to the cache,
 * or back. filter: the language's artifacts, matched against the names at
 * the top; a matching directory is copied whole (a Java package, a
 * Python package). */
#define ARTIFACT_FILES 4096
#define ARTIFACT_DEPTH 8
typedef struct tree {
	uint64_t total;
	unsigned files;
} tree_t;

static int s_copy_tree(int from, int to, const lang_t *filter, int depth, tree_t *t);

/* One entry of s_copy_tree's from, name, open as fd (closed here). */
static int s_copy_one(int fd, int to, const char *name, int depth, tree_t *t)
{
	struct stat st;
	int r;
	if (fstat(fd, &st) || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
		return close(fd), 0;
	if ((t->total += (uint64_t)st.st_size) > ARTIFACTS_MAX ||
	    ++t->files > ARTIFACT_FILES || (S_ISDIR(st.st_mode) && depth >= ARTIFACT_DEPTH))
		return close(fd), -2;
	if (S_ISDIR(st.st_mode)) {
		int sub = mkdirat(to, name, 0777) || fchmodat(to, name, 0777, 0) ? -1 :
			  openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		r = sub < 0 ? -1 : s_copy_tree(fd, sub, NULL, depth + 1, t);
		if (sub >= 0)
			close(sub);
		return close(fd), r;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	ssize_t got = buf ? pread(fd, buf, (size_t)st.st_size, 0) : -1;
	r = got != st.st_size ? -1 :
		boxfs_put(to, name, strlen(name), buf, (size_t)got,
			  (st.st_mode & 0111) ? 0777 : 0666);
	free(buf);
	close(fd);
	return r;
}

static int s_copy_tree(int from, int to, const lang_t *filter, int depth, tree_t *t)
{
	DIR *d = fdopendir(dup(from));
	if (!d)
		return -1;
	struct dirent *e;
	int r = 0;
	while (!r && (e = readdir(d))) {
		if (e->d_name[0] == '.' || (filter && !s_is_artifact(filter, e->d_name)))
			continue;
		int fd = openat(from, e->d_name, O_RDONLY | O_NOFOLLOW |
				O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0)
			r = s_copy_one(fd, to, e->d_name, depth, t);
	}
	closedir(d);
	return r;
}

static int s_copy_dir(int from, int to, const lang_t *filter)
{
	tree_t t = { 0, 0 };
	return s_copy_tree(from, to, filter, 0, &t);
}

/* ---- entries ----
 *
 * An entry's directory is whole only with its COMPLETE file, made after
 * the last artifact was copied (a name s_copy_tree never copies): a copy
 * cut short (a full disk, a crash) is never used, and is built again. */
#define COMPLETE ".complete"

static void s_drop(const cache_t *self, uint64_t entry)
{
	char p[700];
	snprintf(p, sizeof p, "%s/cache/%" PRIu64, self->c->state_dir, entry);
	dir_remove(p);
}

/* Entry's directory: create: a new, empty one (what a turn that was not
 * committed left under the same number goes); else a whole one. */
static int s_dir(const cache_t *self, uint64_t entry, bool create)
{
	char p[700];
	struct stat st;
	snprintf(p, sizeof p, "%s/cache/%" PRIu64, self->c->state_dir, entry);
	if (create)
		s_drop(self, entry);
	if (create && mkdir(p, 0750) < 0)
		return -1;
	int fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && !create && fstatat(fd, COMPLETE, &st, AT_SYMLINK_NOFOLLOW))
		return close(fd), -1;
	return fd;
}

/* The key's blob: the language's recipe, the files, and the entry file
 * when the job names one (the same files built from another entry point
 * are another program; without it the blob is as before, so entries made
 * before the main field still match). */
static char *s_blob(const lang_t *l, const msgpack_object *files,
		    const msgpack_object *main, size_t *len)
{
	mp_w w;
	mp_w_init(&w);
	mp_w_array(&w, main ? 5 : 4);
	mp_w_str(&w, l->id);
	mp_w_str(&w, l->compile);
	mp_w_str(&w, l->version);
	mp_w_object(&w, files);
	if (main)
		mp_w_object(&w, main);
	if (!mp_w_ok(&w))
		return mp_w_free(&w), NULL;
	return mp_w_take(&w, len);
}

int cache_lookup(cache_t *self, const lang_t *l, const msgpack_object *files,
		 const msgpack_object *main, uint64_t *key, uint64_t *entry)
{
	size_t len;
	char *blob = s_blob(l, files, main, &len);
	if (!blob)
		return -1;
	*key = fnv1a(FNV_OFFSET, blob, len);
	int hit = store_cache_find(self->st, *key, blob, len, entry);
	free(blob);
	int dir = hit > 0 ? s_dir(self, *entry, false) : -1;
	if (hit > 0 && dir < 0) {	/* the files are gone, or not whole: build again */
		store_cache_drop(self->st, *entry);
		s_drop(self, *entry);
		hit = 0;
	}
	if (dir >= 0)
		close(dir);
	return hit < 0 ? -1 : hit > 0;
}

int cache_store(cache_t *self, const lang_t *l, const msgpack_object *files,
		const msgpack_object *main, uint64_t key, int from, uint64_t *entry)
{
	size_t len, nev = 16;
	uint64_t ev[16];
	char *blob = s_blob(l, files, main, &len);
	int to = -1;
	bool added = false;
	store_begin(self->st);
	if (blob && !store_cache_add(self->st, key, blob, len, entry,
				     self->c->cache_entries, ev, &nev)) {
		for (size_t i = 0; i < nev; i++)
			s_drop(self, ev[i]);
		to = s_dir(self, *entry, true);
		added = true;
	}
	free(blob);
	int r = from < 0 || to < 0 ? -1 : s_copy_dir(from, to, l);
	if (!r)
		r = boxfs_put(to, COMPLETE, strlen(COMPLETE), "", 0, 0600);
	if (to >= 0)
		close(to);
	if (r && added) {	/* over the caps, or cut short: never used */
		int e = errno;
		store_cache_drop(self->st, *entry);
		s_drop(self, *entry);
		errno = e;
	}
	return r;
}

int cache_load(cache_t *self, const lang_t *l, const msgpack_object *files,
	       uint64_t entry, int to)
{
	if (!*l->compile)
		return boxfs_put_files(to, files);
	int from = s_dir(self, entry, false);
	int r = from < 0 || to < 0 ? -1 : s_copy_dir(from, to, NULL);
	if (from >= 0)
		close(from);
	return r;
}
