/* snapshot.c: problem snapshots.
 *
 * An import copies the package's test files into the daemon's state:
 * state_dir/problems/ID.STAMP/N.in and N.ans. Judging and problem_get read
 * the snapshot, never the package: editing or removing the package
 * changes nothing until the next import, and a job accepted before a
 * re-import is judged against the data it was accepted with. A snapshot
 * that no committed problem and no unfinished job names is removed after
 * the commit of an import, and at start-up (snapshot_gc). The copy blocks the loop for as long as
 * it takes (copy_file_range: a reflink where the file system has them). */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "snapshot.h"

/* Copy p's tests into a new snapshot, dir (512 bytes); p's test paths
 * then name it. */
int snapshot_make(const conf_t *c, problem *p, char *dir, char *err, size_t errlen)
{
	char path[600];
	snprintf(path, sizeof path, "%s/problems", c->state_dir);
	mkdir(path, 0700);
	if ((size_t)snprintf(dir, 512, "%s/%s.%" PRId64, path, p->id, now_ms()) >= 450)
		return snprintf(err, errlen, "the state directory's name is too long"), -1;
	if (mkdir(dir, 0700))
		return snprintf(err, errlen, "%.400s: %s", dir, strerror(errno)), -1;
	size_t n = strlen(p->dir);
	for (int i = 0; i < p->ntests; i++)
		for (int k = 0; k < 2; k++) {
			char *src = k ? p->tests[i].ans : p->tests[i].in;
			snprintf(path, sizeof path, "%s/%d.%s", dir, i, k ? "ans" : "in");
			int from = open_beneath(p->dir, src, O_RDONLY | O_NONBLOCK), to = -1;
			int r = from < 0 || (to = open(path, O_WRONLY | O_CREAT | O_EXCL |
						     O_CLOEXEC, 0600)) < 0 || fd_copy(from, to);
			int e = errno;
			if (to >= 0 && close(to))
				r = 1, e = errno;
			if (from >= 0)
				close(from);
			if (r) {
				snprintf(err, errlen, "%.300s: cannot copy it into the daemon's state: %s",
					 src + (strncmp(src, p->dir, n) ? 0 : n + 1), strerror(e));
				dir_remove(dir);
				return -1;
			}
			snprintf(src, sizeof p->tests[i].in, "%.500s", path);
		}
	return 0;
}

/* The description beside the tests (desc.mp): a submission names only its
 * snapshot, and the box reads the description from there (box.c), so a
 * job stores a path, not the problem's tests and validator sources. */
int snapshot_write_desc(const char *dir, const void *desc, size_t len)
{
	char path[600];
	snprintf(path, sizeof path, "%s/desc.mp", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	int r = write_all(fd, desc, len);
	return close(fd) || r ? -1 : 0;
}

/* The snapshot directory a problem description names, into a list. */
static void s_gc_keep(char (**keep)[512], size_t *n, const void *desc, size_t len)
{
	mp_doc d;
	char err[64], *dir;
	char (*k)[512] = realloc(*keep, (*n + 1) * sizeof **keep);
	if (!k)
		return;
	*keep = k;
	if (mp_parse(&d, desc, len, false, err, sizeof err))
		return;
	const msgpack_object *desc_o = mp_get(d.root, "desc"), *snap = mp_get(d.root, "snap");
	dir = k[*n];
	if (mp_str_copy(snap ? snap : mp_get(desc_o ? desc_o : d.root, "dir"), dir, sizeof k[*n]))
		++*n;
	mp_doc_free(&d);
}

typedef struct { char (*keep)[512]; size_t n; store_t *st; } gc_t;

static void s_gc_job(void *arg, uint64_t id, const char *user, int state, uint64_t attempt)
{
	gc_t *g = arg;
	jobspec_t js;
	(void)user, (void)state, (void)attempt;
	if (store_load_spec(g->st, id, &js) == 0) {
		s_gc_keep(&g->keep, &g->n, js.spec, js.spec_len);
		jobspec_free(&js);
	}
}

void snapshot_gc(const conf_t *c, store_t *st)
{
	gc_t g = { NULL, 0, st };
	char ids[64][65], after[65] = "", path[600];
	int k;
	do {
		k = store_problem_ids(st, after, ids, 64);
		for (int i = 0; i < k; i++) {
			size_t len;
			char *desc = store_problem_get(st, ids[i], &len);
			if (desc)
				s_gc_keep(&g.keep, &g.n, desc, len);
			free(desc);
		}
		if (k > 0)
			snprintf(after, sizeof after, "%s", ids[k - 1]);
	} while (k == 64);
	store_each_active(st, s_gc_job, &g);
	snprintf(path, sizeof path, "%s/problems", c->state_dir);
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char full[1200];
		bool kept = e->d_name[0] == '.';
		snprintf(full, sizeof full, "%s/%s", path, e->d_name);
		for (size_t i = 0; i < g.n && !kept; i++)
			kept = !strcmp(g.keep[i], full);
		if (!kept && dir_remove(full) == 0)
			jlog(LOG_INFO, "removed problem snapshot %s (nothing needs it)", e->d_name);
	}
	if (d)
		closedir(d);
	free(g.keep);
}

