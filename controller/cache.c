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

/* The artifacts of the entries used last, kept in memory: a run then
 * writes its program into the box from there, without listing and reading
 * the entry's directory again (a compiled program is run many times in a
 * row). Only entries of a few regular files at the top, up to MEMO_BYTES
 * in all; others are copied from their directory every time (whole:
 * false). An entry's memo goes with its directory (s_drop). */
#define MEMO_SLOTS	4
#define MEMO_FILES	8
#define MEMO_BYTES	(4u << 20)

typedef struct memo_file {
	char name[256];
	mode_t mode;
	char *buf;
	size_t len;
} memo_file;

typedef struct memo {
	uint64_t entry;		/* 0: an empty slot */
	bool whole;		/* its files are here */
	unsigned n;
	uint64_t used;		/* self->tick when it was used last */
	memo_file f[MEMO_FILES];
} memo_t;

struct cache {
	const conf_t *c;
	store_t *st;
	memo_t memo[MEMO_SLOTS];
	uint64_t tick;
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

static void s_memo_clear(memo_t *m)
{
	for (unsigned i = 0; i < m->n; i++)
		free(m->f[i].buf);
	memset(m, 0, sizeof *m);
}

void cache_destroy(cache_t **p)
{
	cache_t *self = *p;
	if (!self)
		return;
	for (int i = 0; i < MEMO_SLOTS; i++)
		s_memo_clear(&self->memo[i]);
	free(self);
	*p = NULL;
}

/* ---- the memo ---- */

static memo_t *s_memo_find(cache_t *self, uint64_t entry)
{
	for (int i = 0; entry && i < MEMO_SLOTS; i++)
		if (self->memo[i].entry == entry) {
			self->memo[i].used = ++self->tick;
			return &self->memo[i];
		}
	return NULL;
}

static void s_memo_forget(cache_t *self, uint64_t entry)
{
	for (int i = 0; i < MEMO_SLOTS; i++)
		if (self->memo[i].entry == entry)
			s_memo_clear(&self->memo[i]);
}

/* The regular file fd (closed here) as m's next file; false if m cannot
 * hold it. */
static bool s_memo_add(memo_t *m, int fd, const char *name, size_t *total)
{
	struct stat st;
	memo_file *f = &m->f[m->n];
	bool ok = m->n < MEMO_FILES && strlen(name) < sizeof f->name &&
		  !fstat(fd, &st) && S_ISREG(st.st_mode) &&
		  (*total += (size_t)st.st_size) <= MEMO_BYTES &&
		  (f->buf = malloc((size_t)st.st_size + 1));
	if (ok && pread(fd, f->buf, (size_t)st.st_size, 0) != st.st_size) {
		free(f->buf);
		ok = false;
	}
	close(fd);
	if (!ok)
		return false;
	strcpy(f->name, name);
	f->len = (size_t)st.st_size;
	f->mode = (st.st_mode & 0111) ? 0777 : 0666;
	m->n++;
	return true;
}

/* Entry's directory from into the least recently used slot: whole if
 * its files fit, else marked so that it is copied from the directory. */
static memo_t *s_memo_fill(cache_t *self, int from, uint64_t entry)
{
	memo_t *m = &self->memo[0];
	for (int i = 1; i < MEMO_SLOTS; i++)
		if (self->memo[i].used < m->used)
			m = &self->memo[i];
	s_memo_clear(m);
	m->entry = entry, m->used = ++self->tick;
	DIR *d = fdopendir(dup(from));
	if (!d)
		return s_memo_clear(m), NULL;
	struct dirent *e;
	size_t total = 0;
	bool ok = true;
	while (ok && (e = readdir(d)))
		if (e->d_name[0] != '.')
			ok = s_memo_add(m, openat(from, e->d_name, O_RDONLY | O_NOFOLLOW |
						   O_NONBLOCK | O_CLOEXEC), e->d_name, &total);
	rewinddir(d);		/* its offset is from's too: s_copy_dir reads it next */
	closedir(d);
	if (!ok) {
		s_memo_clear(m);
		m->entry = entry, m->used = self->tick;	/* whole: false */
	}
	m->whole = ok;
	return m;
}

static int s_memo_put(const memo_t *m, int to)
{
	int r = 0;
	for (unsigned i = 0; !r && i < m->n; i++)
		r = boxfs_put(to, m->f[i].name, strlen(m->f[i].name), m->f[i].buf,
			      m->f[i].len, m->f[i].mode);
	return r;
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

static void s_drop(cache_t *self, uint64_t entry)
{
	char p[700];
	s_memo_forget(self, entry);
	snprintf(p, sizeof p, "%s/cache/%" PRIu64, self->c->state_dir, entry);
	dir_remove(p);
}

/* Entry's directory: create: a new, empty one (what a turn that was not
 * committed left under the same number goes); else a whole one. */
static int s_dir(cache_t *self, uint64_t entry, bool create)
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

/* Whether entry's directory is whole: its files are in the memo, or its
 * COMPLETE file is there (one stat: the directory is ours, beneath the
 * state directory, which only the daemon's user may enter). */
static bool s_whole(cache_t *self, uint64_t entry)
{
	char p[700];
	struct stat st;
	const memo_t *m = s_memo_find(self, entry);
	if (m && m->whole)
		return true;
	snprintf(p, sizeof p, "%s/cache/%" PRIu64 "/" COMPLETE, self->c->state_dir, entry);
	return !fstatat(AT_FDCWD, p, &st, AT_SYMLINK_NOFOLLOW) && S_ISREG(st.st_mode);
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
	if (hit > 0 && !s_whole(self, *entry)) {	/* the files are gone, or not whole: build again */
		store_cache_drop(self->st, *entry);
		s_drop(self, *entry);
		hit = 0;
	}
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
	if (to < 0)
		return -1;
	memo_t *m = s_memo_find(self, entry);
	if (m && m->whole)
		return s_memo_put(m, to);
	int from = s_dir(self, entry, false);
	if (from >= 0 && !m)
		m = s_memo_fill(self, from, entry);
	int r = from < 0 ? -1 : m && m->whole ? s_memo_put(m, to) : s_copy_dir(from, to, NULL);
	if (from >= 0)
		close(from);
	return r;
}
