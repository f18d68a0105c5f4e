/* box.c: the pool of boxes, each driving judgebox-helper(8).
 *
 * A box's life is a table of phases; every phase but IDLE has one helper
 * child, watched through a pidfd in the loop's zmq_poll. A job's steps:
 *
 *   IDLE --start--> COMPILE --ok--> CLEAN_MID --> RUN --> CLEAN --> IDLE
 *        (cached or interpreted) ----------------> RUN
 *
 * The box holds files the job wrote: they are hostile. They are read only
 * through openat(O_NOFOLLOW) on regular files, with size caps, and only to
 * copy compile artifacts. Program output never touches the box: stdout and
 * stderr are files in the daemon's state directory (state_dir/io/N, never
 * under the helper's box_root) passed as fds 1 and 2.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/openat2.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "compare.h"
#include "jbd.h"

#define ARTIFACTS_MAX	(128u << 20)	/* bytes a compile may leave for the run */

/* P_BROKEN: `clean` failed three times running; the box is left out of
 * service (and logged) rather than reused with what a job left in it. */
enum phase { P_IDLE, P_CLEAN, P_COMPILE, P_CLEAN_MID, P_RUN, P_BROKEN,
	     P_VCOMPILE, P_CHECK };

typedef struct box {
	unsigned n;			/* the helper's box number */
	enum phase phase;
	pid_t pid;
	int pidfd, resfd;		/* the child; its result pipe */
	bool has_job, killed;
	int clean_fails;
	jobspec_t js;
	const lang_t *lang;
	step_t comp, run;
	char *cout;			/* compile output, capped */
	size_t cout_len;
	uint64_t cout_bytes, cache_key, cache_entry;
	mp_doc spec;			/* {files, stdin, args, ...} */
	/* A `test` job (PROTOCOL.md 14): its tests, run one by one from the
	 * one compile; the first failure's verdict and name. */
	const msgpack_object *tests;
	const msgpack_object *desc;	/* submit: the problem; tests are files */
	mp_doc ddoc;			/* ... read from its snapshot's desc.mp */
	char *dbuf;
	unsigned test_idx, ntests;
	bool all;
	double *scores;			/* submit: each test's score */
	signed char *vrank;		/* submit: each test's verdict (s_ranks) */
	unsigned char *passed;		/* submit: each test accepted */
	compare_opts cmp;
	char verdict[24], first_fail[260], fail_status[32];
	int state;			/* the last state stored by the box */
	int (*next)(struct box *);	/* what follows a CLEAN_MID */
	/* The problem's output validator (PROTOCOL.md 14.4), or NULL: its
	 * language and files, its compile cache entry, and its step. */
	const msgpack_object *val, *vfiles;
	const lang_t *vlang;
	uint64_t vcache_key, vcache_entry;
	step_t chk;
	/* Interactive problems: the validator runs at the same time, in the
	 * box's peer; which of the two ended (1 program, 2 validator). */
	bool interactive;
	int ended, first;
	int gate[4];			/* the daemon's ends of the two pipes, or -1 */
} box_t;

static const conf_t *C;
static box_t *s_boxes;
/* Each box's peer: a second helper box (numbered after the pool) where an
 * interactive problem's validator runs; it never holds a job. */
static box_t *s_peers;
static bool s_peers_ok;
static unsigned s_nboxes;
extern char **environ;

/* ---- spawning the helper ---- */

static char *s_path(const box_t *b, const char *name)
{
	static char p[1024];
	snprintf(p, sizeof p, "%s/io/%u/%s", C->state_dir, b->n, name);
	return p;
}

/* The running helper's pid, so that a daemon restarted after kill -9 can
 * end what its predecessor left in the box (s_kill_stale). */
static void s_write_pid(const box_t *b)
{
	FILE *f = fopen(s_path(b, "helper.pid"), "we");
	if (f) {
		fprintf(f, "%d\n", (int)b->pid);
		fclose(f);
	}
}

/* A helper of a previous daemon still in box b: kill it (it runs with our
 * real uid, so we may), which kills its box; the box's lock goes with it. */
static void s_kill_stale(const box_t *b)
{
	FILE *f = fopen(s_path(b, "helper.pid"), "re");
	int pid = 0;
	char path[64], cmd[256] = "";
	if (!f)
		return;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
	f = pid > 1 ? fopen(path, "re") : NULL;
	if (!f)
		return;
	size_t n = fread(cmd, 1, sizeof cmd - 1, f);
	fclose(f);
	cmd[n] = 0;
	if (!strcmp(cmd, "judgebox-helper")) {
		jlog(LOG_NOTICE, "box %u: ending helper %d left by a previous daemon",
		     b->n, pid);
		kill(pid, SIGKILL);
	}
}

/* Start the helper with argv; fds 0-2 as given (-1: /dev/null). */
static int s_spawn(box_t *b, char *const argv[], int in, int out, int err)
{
	int pfd[2], null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || pipe2(pfd, O_CLOEXEC | O_NONBLOCK) < 0)
		return jlog(LOG_ERR, "box %u: %m", b->n), -1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in >= 0 ? in : null, 0);
	posix_spawn_file_actions_adddup2(&fa, out >= 0 ? out : null, 1);
	posix_spawn_file_actions_adddup2(&fa, err >= 0 ? err : null, 2);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 3);
	char *envp[] = { "PATH=/usr/bin:/bin", NULL };
	int r = posix_spawn(&b->pid, C->helper, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(null);
	close(pfd[1]);
	if (r) {
		close(pfd[0]);
		errno = r;
		return jlog(LOG_ERR, "%s: %m", C->helper), -1;
	}
	b->resfd = pfd[0];
	s_write_pid(b);
	b->pidfd = (int)syscall(SYS_pidfd_open, b->pid, 0);
	if (b->pidfd < 0) {
		jlog(LOG_ERR, "pidfd_open: %m");
		kill(b->pid, SIGKILL);
		waitpid(b->pid, NULL, 0);
		close(b->resfd);
		return -1;
	}
	return 0;
}

/* Run the helper to completion (start-up only): its exit code. */
static int s_spawn_wait(box_t *b, char *const argv[])
{
	if (s_spawn(b, argv, -1, -1, 2))	/* its messages to our log */
		return -1;
	int st;
	while (waitpid(b->pid, &st, 0) < 0 && errno == EINTR)
		;
	close(b->pidfd), close(b->resfd);
	b->pidfd = b->resfd = -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int s_clean(box_t *b, enum phase next)
{
	char num[16];
	snprintf(num, sizeof num, "%u", b->n);
	char *argv[] = { "judgebox-helper", "clean", num, NULL };
	b->phase = next;
	return s_spawn(b, argv, -1, -1, 2);
}

/* ---- files into and out of the box ---- */

static int s_boxdir(const box_t *b)
{
	char p[700];
	snprintf(p, sizeof p, "%s/%u/box", C->box_root, b->n);
	return open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static int s_write_all(int fd, const char *p, size_t n)
{
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

/* Write one file under dir; name was validated (ops.c), may hold '/'. */
static int s_put(int dir, const char *name, size_t nlen, const char *p,
		 size_t n, mode_t mode)
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
	int r = fchmod(fd, mode) || s_write_all(fd, p, n);
	return close(fd) || r ? -1 : 0;
}

/* Source files ([[name, bin], ...]) into the box. */
static int s_put_files(box_t *b, const msgpack_object *f)
{
	int dir = s_boxdir(b), r = dir < 0 ? -1 : 0;
	for (uint32_t i = 0; !r && i < f->via.array.size; i++) {
		const msgpack_object *e = f->via.array.ptr[i].via.array.ptr;
		r = s_put(dir, e[0].via.str.ptr, e[0].via.str.size,
			  e[1].via.bin.ptr, e[1].via.bin.size, 0666);
	}
	if (dir >= 0)
		close(dir);
	return r;
}

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
static int s_copy_tree(int from, int to, const lang_t *filter, int depth,
		       uint64_t *total, unsigned *files)
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
		struct stat st;
		if (fd < 0 || fstat(fd, &st) || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		if ((*total += (uint64_t)st.st_size) > ARTIFACTS_MAX ||
		    ++*files > ARTIFACT_FILES || (S_ISDIR(st.st_mode) && depth >= ARTIFACT_DEPTH)) {
			close(fd);
			r = -2;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			int sub = mkdirat(to, e->d_name, 0777) || fchmodat(to, e->d_name, 0777, 0) ? -1 :
				  openat(to, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			r = sub < 0 ? -1 : s_copy_tree(fd, sub, NULL, depth + 1, total, files);
			if (sub >= 0)
				close(sub);
			close(fd);
			continue;
		}
		char *buf = malloc((size_t)st.st_size + 1);
		ssize_t got = buf ? pread(fd, buf, (size_t)st.st_size, 0) : -1;
		r = got != st.st_size ? -1 :
			s_put(to, e->d_name, strlen(e->d_name), buf, (size_t)got,
			      (st.st_mode & 0111) ? 0777 : 0666);
		free(buf);
		close(fd);
	}
	closedir(d);
	return r;
}

static int s_copy_dir(int from, int to, const lang_t *filter)
{
	uint64_t total = 0;
	unsigned files = 0;
	return s_copy_tree(from, to, filter, 0, &total, &files);
}

static int s_cache_dir(uint64_t entry, bool create)
{
	char p[700];
	snprintf(p, sizeof p, "%s/cache/%" PRIu64, C->state_dir, entry);
	if (create && mkdir(p, 0750) < 0 && errno != EEXIST)
		return -1;
	return open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Empty directory d (ours: the cache), subdirectories included; closes d. */
static void s_empty(int d, int depth)
{
	DIR *dd = fdopendir(d);
	struct dirent *e;
	if (!dd)
		return (void)close(d);
	while ((e = readdir(dd))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(d, e->d_name, 0) == 0 || errno != EISDIR || depth > ARTIFACT_DEPTH)
			continue;
		int sub = openat(d, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0)
			s_empty(sub, depth + 1);
		unlinkat(d, e->d_name, AT_REMOVEDIR);
	}
	closedir(dd);
}

int dir_remove(const char *path)
{
	int d = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d < 0)
		return -1;
	s_empty(d, 0);
	return rmdir(path);
}

static void s_cache_drop(uint64_t entry)
{
	char p[700];
	snprintf(p, sizeof p, "%s/cache/%" PRIu64, C->state_dir, entry);
	dir_remove(p);
}

/* ---- the steps ---- */

/* Expand {source} {stem} {memory_mb} {heap_mb} {procs} in a command. */
static void s_expand(char *dst, size_t size, const char *src, const lang_t *l,
		     const limits_t lim)
{
	uint64_t mb = lim[L_MEM] / 1024, heap = mb * 3 / 4;
	char stem[65];
	snprintf(stem, sizeof stem, "%.*s", (int)strcspn(l->source, "."), l->source);
	size_t k = 0;
	while (*src && k + 1 < size) {
		char v[80] = "";
		const char *end = *src == '{' ? strchr(src, '}') : NULL;
		size_t n = end ? (size_t)(end - src + 1) : 0;
		if (n == 8 && !strncmp(src, "{source}", n))
			snprintf(v, sizeof v, "%s", l->source);
		else if (n == 6 && !strncmp(src, "{stem}", n))
			snprintf(v, sizeof v, "%s", stem);
		else if (n == 11 && !strncmp(src, "{memory_mb}", n))
			snprintf(v, sizeof v, "%" PRIu64, mb);
		else if (n == 9 && !strncmp(src, "{heap_mb}", n))
			snprintf(v, sizeof v, "%" PRIu64, heap < 16 ? 16 : heap);
		else if (n == 7 && !strncmp(src, "{procs}", n))
			snprintf(v, sizeof v, "%" PRIu64, lim[L_PROCS]);
		else
			n = 0;
		if (!n) {
			dst[k++] = *src++;
			continue;
		}
		k += (size_t)snprintf(dst + k, size - k, "%s", v);
		if (k >= size)
			k = size - 1;
		src += n;
	}
	dst[k] = 0;
}

/* argv entries besides the job's args: the helper's options (at most 22),
 * /bin/sh -c, and the run command's words (at most 64). */
#define ARGV_FIXED 96
/* The helper's argv for a run step; words point into buf. */
static int s_argv(box_t *b, const lang_t *l, char **argv, char *buf,
		  size_t size, const limits_t lim, const char *policy,
		  const char *cmd, bool shell, char *const *xargs)
{
	static const char *const opt[L_OUTPUT] = {
		"cpu-ms", "wall-ms", "memory-kb", "procs", "fsize-kb",
		"stack-kb", "nofile", "tmp-kb" };
	int n = 0;
	size_t k = 0;
#define ADD(...) (argv[n++] = buf + k, \
	k += (size_t)snprintf(buf + k, size - k, __VA_ARGS__) + 1)
	ADD("judgebox-helper"), ADD("run"), ADD("%u", b->n);
	for (int i = 0; i < L_OUTPUT; i++)
		ADD("--%s=%" PRIu64, opt[i], lim[i]);
	ADD("--policy=%s", policy), ADD("--result-fd=3");
	for (int i = 0; i < l->nenv; i++)
		ADD("--env=%s", l->env[i]);
	ADD("--");
	if (k >= size)
		return -1;
	if (shell) {
		argv[n++] = "/bin/sh", argv[n++] = "-c";
		argv[n++] = buf + k;
		s_expand(buf + k, size - k, cmd, l, lim);
		argv[n] = NULL;
		return 0;
	}
	char *words = buf + k, *save, *t;
	s_expand(words, size - k, cmd, l, lim);
	size_t wlen = strlen(words);
	for (t = strtok_r(words, " ", &save); t && n < ARGV_FIXED - 1;
	     t = strtok_r(NULL, " ", &save))
		argv[n++] = t;
	k += wlen + 1;
	while (xargs && *xargs && n < ARGV_FIXED + 40)
		argv[n++] = *xargs++;
	const msgpack_object *a = xargs ? NULL : mp_get(b->spec.root, "args");
	for (uint32_t i = 0; a && i < a->via.array.size; i++) {
		const msgpack_object_str *w = &a->via.array.ptr[i].via.str;
		if (k + w->size + 1 > size)
			return -1;
		argv[n++] = memcpy(buf + k, w->ptr, w->size);
		k += w->size;
		buf[k++] = 0;
	}
	argv[n] = NULL;
	return 0;
#undef ADD
}

static int s_open_out(box_t *b, const char *name)
{
	return open(s_path(b, name), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600);
}

/* Compile the sources in the box: the job's program (P_COMPILE, output to
 * compile.out) or the problem's output validator (P_VCOMPILE). */
static int s_start_compile(box_t *b, const lang_t *l, enum phase ph)
{
	char *argv[ARGV_FIXED + 1], buf[4096];
	limits_t lim;
	for (int i = 0; i < L_COUNT; i++) {
		lim[i] = l->has_climits[i] ? l->climits[i] : C->cdef[i];
		if (lim[i] > C->hceil[i])	/* the helper would refuse the run */
			lim[i] = C->hceil[i];
	}
	if (s_argv(b, l, argv, buf, sizeof buf, lim, "default", l->compile,
		   true, NULL))
		return -1;
	int out = s_open_out(b, ph == P_COMPILE ? "compile.out" : "vcompile.out");
	if (out < 0)
		return -1;
	b->phase = ph;
	int r = s_spawn(b, argv, -1, out, out);
	close(out);
	return r;
}

/* A problem's test file (entry k of the test: 3 input, 4 answer), opened
 * as the daemon, read-only, never through a final symlink. The package is
 * the administrator's; its input goes to the job as a descriptor, so a
 * 100 MiB test is never held in memory. */
int open_beneath(const char *dir, const char *path, int flags)
{
	size_t n = strlen(dir);
	if (!n || strncmp(path, dir, n) || path[n] != '/')
		return errno = EINVAL, -1;
	int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC),
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
	int fd = d < 0 ? -1 : (int)syscall(SYS_openat2, d, path + n + 1, &how, sizeof how);
	if (d >= 0)
		close(d);
	return fd;
}

/* A test's file: beneath the problem's snapshot (ops.c; for jobs of 0.2.0,
 * the package itself, as problem.c read it at import). */
static int s_test_file(box_t *b, int k)
{
	char path[600], dir[520];
	if (!mp_str_copy(&b->tests->via.array.ptr[b->test_idx].via.array.ptr[k],
			 path, sizeof path) || !mp_str_copy(mp_get(b->desc, "dir"), dir, sizeof dir))
		return -1;
	return open_beneath(dir, path, O_RDONLY);
}

static void s_tested(box_t *b);

static int s_start_run(box_t *b)
{
	const msgpack_object *a = mp_get(b->spec.root, "args");
	size_t size = 8192;
	for (uint32_t i = 0; i < a->via.array.size; i++)
		size += a->via.array.ptr[i].via.str.size + 1;
	char *buf = malloc(size);
	char **argv = calloc(ARGV_FIXED + a->via.array.size + 1, sizeof *argv);
	if (!buf || !argv || s_argv(b, b->lang, argv, buf, size, b->js.lim,
				    b->lang->policy, b->lang->run, false, NULL))
		return free(buf), free(argv), -1;
	const msgpack_object *in = b->tests && !b->desc ?
		&b->tests->via.array.ptr[b->test_idx].via.array.ptr[1] :
		mp_get(b->spec.root, "stdin");
	int fin = b->desc ? s_test_file(b, 3) : s_open_out(b, "stdin");
	if (b->desc && fin < 0) {	/* the package changed: not the contestant's fault */
		memset(&b->run, 0, sizeof b->run);
		snprintf(b->run.status, sizeof b->run.status, "internal_error");
		snprintf(b->run.message, sizeof b->run.message,
			 "cannot open the test's input beneath the package: %s", strerror(errno));
		free(buf), free(argv);
		s_tested(b);
		return 0;
	}
	int out = s_open_out(b, "stdout"), err = s_open_out(b, "stderr");
	int r = fin < 0 || out < 0 || err < 0 ? -1 : b->desc ? 0 :
		s_write_all(fin, in->via.bin.ptr, in->via.bin.size);
	if (!r && lseek(fin, 0, SEEK_SET) == 0) {
		b->phase = P_RUN;
		r = s_spawn(b, argv, fin, out, err);
	}
	free(buf);
	free(argv);
	if (fin >= 0)
		close(fin);
	if (out >= 0)
		close(out);
	if (err >= 0)
		close(err);
	return r;
}

/* A program into a clean box: its cached artifacts, or its sources. */
static int s_load_prog(box_t *b, const lang_t *l, const msgpack_object *files,
		       uint64_t entry)
{
	if (!*l->compile)
		return s_put_files(b, files);
	int from = s_cache_dir(entry, false), to = s_boxdir(b);
	int r = from < 0 || to < 0 ? -1 : s_copy_dir(from, to, NULL);
	if (from >= 0)
		close(from);
	if (to >= 0)
		close(to);
	return r;
}

static int s_start_interact(box_t *b);

/* The run step in a clean box. */
static int s_to_run(box_t *b)
{
	if (b->interactive)
		return s_start_interact(b);
	if (s_load_prog(b, b->lang, mp_get(b->spec.root, "files"), b->cache_entry))
		return -1;
	return s_start_run(b);
}

/* FNV-1a over the language's compile recipe and the files: the cache key.
 * A hit is confirmed by comparing the whole blob (store_cache_find). */
static uint64_t s_fnv(const void *p, size_t n, uint64_t h)
{
	const unsigned char *c = p;
	while (n--)
		h = (h ^ *c++) * 0x100000001b3ull;
	return h;
}

static char *s_cache_blob(const lang_t *l, const msgpack_object *files, size_t *len)
{
	mp_w w;
	mp_w_init(&w);
	mp_w_array(&w, 4);
	mp_w_str(&w, l->id);
	mp_w_str(&w, l->compile);
	mp_w_str(&w, l->version);
	mp_w_object(&w, files);
	if (!mp_w_ok(&w))
		return mp_w_free(&w), NULL;
	return mp_w_take(&w, len);
}

/* The job's state, stored and published once per change. */
static void s_state(box_t *b, int state)
{
	if (b->state == state)
		return;
	store_begin();
	store_set_state(b->js.id, state, false);
	job_state_changed(b->js.id);
	b->state = state;
}

/* Look a program up in the compile cache: 1 with *entry, 0 (with *key
 * set) if it must be compiled, -1 on error. */
static int s_cached(const lang_t *l, const msgpack_object *files,
		    uint64_t *key, uint64_t *entry)
{
	size_t len;
	char *blob = s_cache_blob(l, files, &len);
	if (!blob)
		return -1;
	*key = s_fnv(blob, len, 0xcbf29ce484222325ull);
	int hit = store_cache_find(*key, blob, len, entry);
	free(blob);
	int dir = hit > 0 ? s_cache_dir(*entry, false) : -1;
	if (hit > 0 && dir < 0) {	/* the files are gone: build again */
		store_cache_drop(*entry);
		hit = 0;
	}
	if (dir >= 0)
		close(dir);
	return hit < 0 ? -1 : hit > 0;
}

/* The job's program: compiled, or found in the cache, then run. */
static int s_begin_prog(box_t *b)
{
	const msgpack_object *files = mp_get(b->spec.root, "files");
	store_begin();
	int hit = *b->lang->compile ? s_cached(b->lang, files, &b->cache_key,
					       &b->cache_entry) : 1;
	if (hit < 0)
		return -1;
	if (hit) {
		s_state(b, S_RUNNING);
		return s_to_run(b);
	}
	s_state(b, S_COMPILING);
	return s_put_files(b, files) ? -1 : s_start_compile(b, b->lang, P_COMPILE);
}

/* A job's first step: the problem's output validator, when it has one
 * that is not yet in the compile cache, is compiled first. */
static int s_begin(box_t *b)
{
	store_begin();
	b->state = -1;
	if (!b->val || !*b->vlang->compile)
		return s_begin_prog(b);
	int hit = s_cached(b->vlang, b->vfiles, &b->vcache_key, &b->vcache_entry);
	if (hit < 0)
		return -1;
	if (hit)
		return s_begin_prog(b);
	s_state(b, S_COMPILING);
	return s_put_files(b, b->vfiles) ? -1 : s_start_compile(b, b->vlang, P_VCOMPILE);
}

/* ---- results ---- */

static void s_parse_record(char *buf, step_t *s)
{
	memset(s, 0, sizeof *s);
	char *save, *line;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *v = strchr(line, '=');
		if (!v)
			continue;
		*v++ = 0;
		struct { const char *k; uint64_t *dst; } u[] = {
			{ "exitcode", &s->exit_code }, { "signal", &s->signal },
			{ "cpu_us", &s->cpu_us }, { "wall_us", &s->wall_us },
			{ "memory_kb", &s->memory_kb } };
		for (size_t i = 0; i < 5; i++)
			if (!strcmp(line, u[i].k))
				*u[i].dst = strtoull(v, NULL, 10);
		if (!strcmp(line, "status"))
			snprintf(s->status, sizeof s->status, "%s", v);
		else if (!strcmp(line, "syscall"))
			snprintf(s->syscall, sizeof s->syscall, "%s", v);
		else if (!strcmp(line, "args"))
			snprintf(s->args, sizeof s->args, "%s", v);
		else if (!strcmp(line, "message"))
			snprintf(s->message, sizeof s->message, "%s", v);
	}
	s->ran = *s->status != 0;
}

/* The first cap bytes of an output file, and its size. */
static char *s_read_out(box_t *b, const char *name, uint64_t cap,
			size_t *len, uint64_t *bytes)
{
	int fd = open(s_path(b, name), O_RDONLY | O_CLOEXEC);
	struct stat st;
	*len = 0, *bytes = 0;
	if (fd < 0 || fstat(fd, &st))
		return fd >= 0 ? close(fd), NULL : NULL;
	*bytes = (uint64_t)st.st_size;
	size_t want = *bytes < cap ? (size_t)*bytes : (size_t)cap;
	char *p = malloc(want + 1);
	ssize_t got = p ? pread(fd, p, want, 0) : -1;
	close(fd);
	*len = got > 0 ? (size_t)got : 0;
	return p;
}

static void s_gate_drop(box_t *b);

static void s_release(box_t *b)
{
	s_gate_drop(b);
	mp_doc_free(&b->ddoc);
	memset(&b->ddoc, 0, sizeof b->ddoc);
	free(b->dbuf);
	b->dbuf = NULL;
	free(b->scores);
	free(b->passed);
	free(b->vrank);
	b->vrank = NULL;
	b->scores = NULL;
	b->passed = NULL;
	free(b->run.out), free(b->run.err), free(b->cout);
	b->run.out = b->run.err = b->cout = NULL;
	mp_doc_free(&b->spec);
	jobspec_free(&b->js);
	b->has_job = false;
}

/* The job is over in this box: store what happened, then clean. */
static double s_grade_job(box_t *b);

/* Requirement coverage (our extension, problem.h): an id is covered when
 * every test that carries it ran and was accepted. */
static void s_requirements(box_t *b)
{
	enum { MAXR = 256 };
	char ids[MAXR][64];
	bool covered[MAXR];
	unsigned n = 0, ncov = 0;
	for (unsigned i = 0; i < b->ntests; i++) {
		char reqs[520], *save, *t;
		const msgpack_object *e = b->tests->via.array.ptr[i].via.array.ptr;
		if (b->tests->via.array.ptr[i].via.array.size < 8 ||
		    !mp_str_copy(&e[7], reqs, sizeof reqs))
			continue;
		for (t = strtok_r(reqs, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
			unsigned k;
			for (k = 0; k < n && strcmp(ids[k], t); k++)
				;
			if (k == n && n < MAXR && strlen(t) < 64)
				strcpy(ids[n], t), covered[n++] = true;
			if (k < n && !b->passed[i])
				covered[k] = false;
		}
	}
	if (!n)
		return;
	for (unsigned k = 0; k < n; k++)
		ncov += covered[k];
	mp_w w;
	mp_w_init(&w);
	mp_w_map(&w, 3);
	mp_w_kuint(&w, "total", n);
	mp_w_kuint(&w, "covered", ncov);
	mp_w_str(&w, "missing");
	mp_w_array(&w, n - ncov);
	for (unsigned k = 0; k < n; k++)
		if (!covered[k])
			mp_w_str(&w, ids[k]);
	if (mp_w_ok(&w))
		store_set_blob(b->js.id, "requirements", w.buf, w.len);
	mp_w_free(&w);
}

static void s_finish(box_t *b, int state, const char *status,
		     const char *message)
{
	uint64_t id = b->js.id;
	store_begin();
	if (state == S_QUEUED) {
		uint64_t attempt = b->js.attempt;
		if (attempt >= C->max_attempts)
			state = S_FAILED;
		else
			store_set_state(id, S_QUEUED, true);
	}
	if (state == S_QUEUED && b->tests)
		store_tests_clear(id);		/* the next attempt starts over */
	if (state != S_QUEUED)
		store_set_result(id, state, &b->comp, state == S_FAILED ||
				 b->tests ? NULL : &b->run, status, message,
				 b->cout_bytes, b->cout, b->cout_len);
	bool scoring = false;
	if (state == S_JUDGED && b->desc && mp_as_bool(mp_get(b->desc, "scoring"), &scoring) &&
	    scoring && strcmp(status, "compile_error") && strcmp(b->verdict, "judge_error"))
		store_set_score(id, s_grade_job(b));
	if (state == S_JUDGED && b->desc && strcmp(status, "compile_error"))
		s_requirements(b);
	if (state == S_JUDGED && b->tests)
		store_set_verdict(id, !strcmp(status, "compile_error") ?
				  "compile_error" : *b->verdict ? b->verdict :
				  "accepted", *b->first_fail ? b->first_fail : NULL,
				  b->ntests);
	job_state_changed(id);
	char user[NAME_MAX_LEN + 1];
	snprintf(user, sizeof user, "%s", b->js.user);
	s_release(b);
	if (s_clean(b, P_CLEAN))
		b->phase = P_IDLE;	/* the next run's helper cleans the stale box */
	job_left(id, user, state == S_QUEUED);
}

static void s_helper_failed(box_t *b, const char *what, const step_t *s)
{
	char msg[512];
	snprintf(msg, sizeof msg, "%s: %s", what,
		 s && *s->message ? s->message : "judgebox-helper failed");
	jlog(LOG_ERR, "job %" PRIu64 " box %u: %s", b->js.id, b->n, msg);
	b->run.ran = false;
	s_finish(b, S_QUEUED, "internal_error", msg);
}

/* A compile step succeeded: its artifacts from the box into a new cache
 * entry. 0, -2 if they are over ARTIFACTS_MAX (the entry is dropped), -1. */
static int s_cache_store(box_t *b, const lang_t *l, const msgpack_object *files,
			 uint64_t key, uint64_t *entry)
{
	size_t len, nev = 16;
	uint64_t ev[16];
	char *blob = s_cache_blob(l, files, &len);
	int from = s_boxdir(b), to = -1;
	store_begin();
	if (blob && !store_cache_add(key, blob, len, entry, C->cache_entries,
				     ev, &nev)) {
		for (size_t i = 0; i < nev; i++)
			s_cache_drop(ev[i]);
		to = s_cache_dir(*entry, true);
	}
	free(blob);
	int r = from < 0 || to < 0 ? -1 : s_copy_dir(from, to, l);
	if (from >= 0)
		close(from);
	if (to >= 0)
		close(to);
	if (r == -2) {
		store_cache_drop(*entry);
		s_cache_drop(*entry);
	}
	return r;
}

static void s_compiled(box_t *b, int code, char *rec)
{
	step_t *s = &b->comp;
	s_parse_record(rec, s);
	b->cout = s_read_out(b, "compile.out", C->compile_output_kb * 1024,
			     &b->cout_len, &b->cout_bytes);
	if (code != 0 || !s->ran || !strcmp(s->status, "internal_error"))
		return s_helper_failed(b, "compile", s);
	if (strcmp(s->status, "ok")) {
		b->comp.ran = true;
		return s_finish(b, S_JUDGED, "compile_error", NULL);
	}
	int r = s_cache_store(b, b->lang, mp_get(b->spec.root, "files"),
			      b->cache_key, &b->cache_entry);
	if (r == -2) {
		b->comp.ran = true;
		return s_finish(b, S_JUDGED, "compile_error",
				"the compiler left more than 128 MiB, 4096 files or 8 "
				"levels of directories for the run");
	}
	b->next = s_to_run;
	if (r || s_clean(b, P_CLEAN_MID))
		return s_helper_failed(b, "compile cache", NULL);
	s_state(b, S_RUNNING);
}

/* The problem's output validator compiled. If it does not compile, the
 * job's verdict is judge_error: the package is at fault, not the
 * contestant; the compiler's first words go into the message. */
static void s_vcompiled(box_t *b, int code, char *rec)
{
	step_t s;
	char msg[512];
	s_parse_record(rec, &s);
	if (code != 0 || !s.ran || !strcmp(s.status, "internal_error"))
		return s_helper_failed(b, "compile the output validator", &s);
	if (strcmp(s.status, "ok")) {
		size_t n;
		uint64_t bytes;
		char *out = s_read_out(b, "vcompile.out", 300, &n, &bytes);
		snprintf(msg, sizeof msg, "the output validator does not compile (%s): %.*s",
			 s.status, (int)n, out ? out : "");
		free(out);
		snprintf(b->verdict, sizeof b->verdict, "judge_error");
		return s_finish(b, S_JUDGED, "judge_error", msg);
	}
	int r = s_cache_store(b, b->vlang, b->vfiles, b->vcache_key, &b->vcache_entry);
	if (r == -2) {
		snprintf(b->verdict, sizeof b->verdict, "judge_error");
		return s_finish(b, S_JUDGED, "judge_error",
				"the output validator's build left more than 128 MiB");
	}
	b->next = s_begin_prog;
	if (r || s_clean(b, P_CLEAN_MID))
		return s_helper_failed(b, "compile cache", NULL);
}

/* A problem test's comparison: the default output validator with the
 * problem's validator_flags and the test's own flags. */
static int s_test_flags(box_t *b, char *msg, size_t size)
{
	char flags[600] = "", tf[256] = "";
	mp_str_copy(mp_get(b->desc, "flags"), flags, sizeof flags);
	mp_str_copy(&b->tests->via.array.ptr[b->test_idx].via.array.ptr[5], tf, sizeof tf);
	if (*tf)
		snprintf(flags + strlen(flags), sizeof flags - strlen(flags), " %s", tf);
	compare_opts_default(&b->cmp);
	if (compare_opts_from_flags(flags, &b->cmp, msg, size))
		return errno = EINVAL, -1;
	return 0;
}

/* The verdict of a test run from the helper's status (PROTOCOL.md 14.1);
 * for a clean exit, the comparison of its output with the answer. */
static const char *s_run_verdict(const step_t *s)
{
	static const struct { const char *status, *verdict; } map[] = {
		{ "cpu_limit", "time_limit" }, { "wall_limit", "time_limit" },
		{ "memory_limit", "memory_limit" }, { "file_limit", "output_limit" },
		{ "exit", "runtime_error" }, { "signal", "runtime_error" },
		{ "violation", "security_violation" },
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (!strcmp(s->status, map[i].status))
			return map[i].verdict;
	return NULL;
}

static const char *s_verdict(box_t *b, const step_t *s, char *msg, size_t size)
{
	const char *v = s_run_verdict(s);
	if (v)
		return v;
	if (strcmp(s->status, "ok"))
		return snprintf(msg, size, "%s", s->message), "judge_error";
	const msgpack_object *ans =
		&b->tests->via.array.ptr[b->test_idx].via.array.ptr[2];
	int out = open(s_path(b, "stdout"), O_RDONLY | O_CLOEXEC);
	int af = b->desc ? s_test_file(b, 4) : s_open_out(b, "answer");
	compare_result r;
	int bad = out < 0 || af < 0 || (!b->desc &&
		  (s_write_all(af, ans->via.bin.ptr, ans->via.bin.size) ||
		   lseek(af, 0, SEEK_SET) != 0)) ||
		  (b->desc && s_test_flags(b, msg, size)) ||
		  compare_fds(out, af, &b->cmp, &r);
	if (out >= 0)
		close(out);
	if (af >= 0)
		close(af);
	if (bad)
		return snprintf(msg, size, "cannot compare: %s", strerror(errno)),
		       "judge_error";
	snprintf(msg, size, "%s", r.message);
	return r.accepted ? "accepted" : "wrong_answer";
}

/* ---- grading (the legacy default grader; PROTOCOL.md 14.4) ----
 *
 * A group's sub-results are its tests and its subgroups, mixed, in judging
 * order (a group's tests are contiguous: its subtree). Samples never count.
 * A test that did not run counts as rejected (reject_score) and has no
 * verdict. With on_reject: break, the sub-results after the first
 * rejected one do not count. The verdict: worst_error (the first of the
 * ranks below present), first_error, or always_accept; with
 * accept_if_any_accepted, accepted if any sub-result is. The score: sum,
 * avg, min or max of the sub-results' scores, cut to the group's range. */

/* worst_error's order (legacy spec: JE, IF, RTE, MLE, TLE, OLE, WA); a
 * security violation ranks with RTE, a presentation error after WA. */
static const char *const s_ranks[] = {
	"accepted", "judge_error", "security_violation", "runtime_error",
	"memory_limit", "time_limit", "output_limit", "wrong_answer",
	"presentation_error",
};
#define RANK_NOT_RUN 99

static int s_rank(const char *v)
{
	for (int i = 0; i < (int)(sizeof s_ranks / sizeof *s_ranks); i++)
		if (!strcmp(v, s_ranks[i]))
			return i;
	return 1;
}

/* Group g's entry: [path, parent, aggregation, accept_score, reject_score,
 * sample, range_min, range_max, on_reject_break, verdict_mode,
 * accept_if_any_accepted, first_test, ntests] (the first eight in problems
 * imported by judgebox 0.2.0). */
static const msgpack_object *s_gent(box_t *b, uint64_t g, uint32_t *n)
{
	const msgpack_object *gs = mp_get(b->desc, "groups");
	*n = g < gs->via.array.size ? gs->via.array.ptr[g].via.array.size : 0;
	return *n >= 8 ? gs->via.array.ptr[g].via.array.ptr : NULL;
}

static uint64_t s_tgroup(box_t *b, unsigned i)
{
	uint64_t gi = 0;
	mp_as_uint(&b->tests->via.array.ptr[i].via.array.ptr[1], &gi);
	return gi;
}

/* A field of test i's group: 3 accept_score, 4 reject_score. */
static double s_group_field(box_t *b, unsigned i, int k)
{
	uint32_t n;
	const msgpack_object *e = s_gent(b, s_tgroup(b, i), &n);
	double v = 0;
	if (e)
		mp_as_float(&e[k], &v);
	return v;
}

/* The parent of group g, -1 for data/. */
static int64_t s_parent(box_t *b, uint64_t g)
{
	uint32_t n;
	const msgpack_object *e = s_gent(b, g, &n);
	return !e || e[1].type != MSGPACK_OBJECT_POSITIVE_INTEGER ? -1 : (int64_t)e[1].via.u64;
}

/* Group g's tests: [*first, *end). */
static void s_range(box_t *b, uint64_t g, unsigned *first, unsigned *end)
{
	uint32_t n;
	const msgpack_object *e = s_gent(b, g, &n);
	uint64_t f, c;
	if (e && n >= 13 && mp_as_uint(&e[11], &f) && mp_as_uint(&e[12], &c) &&
	    f + c <= b->ntests) {
		*first = (unsigned)f, *end = (unsigned)(f + c);
		return;
	}
	*first = b->ntests, *end = 0;		/* older problems: find it */
	for (unsigned i = 0; i < b->ntests; i++)
		for (int64_t h = (int64_t)s_tgroup(b, i); h >= 0; h = s_parent(b, (uint64_t)h))
			if ((uint64_t)h == g) {
				*first = i < *first ? i : *first, *end = i + 1;
				break;
			}
	if (*end == 0)
		*first = 0;
}

static bool s_gbool(const msgpack_object *e, uint32_t n, uint32_t k)
{
	bool v = false;
	return e && n > k && mp_as_bool(&e[k], &v) && v;
}

/* Grade group g: its verdict rank (RANK_NOT_RUN if nothing in it ran)
 * into rank[g], its score into score[g]. */
static void s_grade(box_t *b, uint64_t g, int *rank, double *score)
{
	uint32_t n;
	const msgpack_object *e = s_gent(b, g, &n);
	unsigned first, end;
	s_range(b, g, &first, &end);
	bool brk = s_gbool(e, n, 8), any_ac = false;
	const char *mode = "worst_error";
	char mbuf[16];
	if (e && n > 9 && mp_str_copy(&e[9], mbuf, sizeof mbuf))
		mode = mbuf;
	int first_err = 0, worst = RANK_NOT_RUN, count = 0, judged = 0;
	double acc = 0;
	for (unsigned i = first; i < end; i++) {
		uint64_t gi = s_tgroup(b, i);
		int r;
		double sc;
		if (gi == g) {
			r = b->vrank[i];
			sc = isnan(b->scores[i]) ? s_group_field(b, i, 4) : b->scores[i];
		} else {
			uint64_t h = gi;	/* the child of g that holds test i */
			while (s_parent(b, h) >= 0 && (uint64_t)s_parent(b, h) != g)
				h = (uint64_t)s_parent(b, h);
			unsigned hf, he;
			s_range(b, h, &hf, &he);
			i = he > i ? he - 1 : i;
			uint32_t hn;
			const msgpack_object *hent = s_gent(b, h, &hn);
			if (s_gbool(hent, hn, 5))
				continue;		/* samples */
			s_grade(b, h, rank, score);
			r = rank[h], sc = score[h];
		}
		acc = !count ? sc : e && mp_str_eq(&e[2], "min") ? fmin(acc, sc) :
		      e && mp_str_eq(&e[2], "max") ? fmax(acc, sc) : acc + sc;
		count++;
		if (r == RANK_NOT_RUN)
			continue;
		judged++;
		any_ac |= r == 0;
		if (r && !first_err)
			first_err = r;
		if (r && r < worst)
			worst = r;
		if (r && brk)
			break;
	}
	if (e && mp_str_eq(&e[2], "avg") && count)
		acc /= count;
	double lo = -1e300, hi = 1e300;		/* testdata.yaml range */
	if (e) {
		mp_as_float(&e[6], &lo);
		mp_as_float(&e[7], &hi);
	}
	score[g] = !count ? 0 : acc < lo ? lo : acc > hi ? hi : acc;
	rank[g] = !judged ? RANK_NOT_RUN :
		  (s_gbool(e, n, 10) && any_ac) || !strcmp(mode, "always_accept") ? 0 :
		  !strcmp(mode, "first_error") ? first_err :
		  worst == RANK_NOT_RUN ? 0 : worst;
}

/* Grade the job: its score, and each group's {name, score, verdict} for
 * the result (PROTOCOL.md 14.4). Returns data/'s score. */
static double s_grade_job(box_t *b)
{
	const msgpack_object *gs = mp_get(b->desc, "groups");
	uint32_t ng = gs ? gs->via.array.size : 0;
	int *rank = calloc(ng + 1, sizeof *rank);
	double *score = calloc(ng + 1, sizeof *score), root = 0;
	if (!rank || !score || !ng)
		return free(rank), free(score), 0;
	for (uint32_t g = 0; g < ng; g++)
		rank[g] = -1;
	s_grade(b, 0, rank, score);
	root = score[0];
	mp_w w;
	mp_w_init(&w);
	size_t m = mp_w_array_begin(&w);
	uint32_t k = 0;
	for (uint32_t g = 1; g < ng; g++) {
		uint32_t n;
		const msgpack_object *e = s_gent(b, g, &n);
		if (!e || rank[g] < 0)
			continue;
		mp_w_map(&w, 3);
		mp_w_str(&w, "name");
		mp_w_object(&w, &e[0]);
		mp_w_str(&w, "score");
		mp_w_float(&w, score[g]);
		mp_w_kstr(&w, "verdict", rank[g] == RANK_NOT_RUN ? "not_run" : s_ranks[rank[g]]);
		k++;
	}
	mp_w_array_end(&w, m, k);
	if (mp_w_ok(&w))
		store_set_blob(b->js.id, "groups", w.buf, w.len);
	mp_w_free(&w);
	free(rank);
	free(score);
	return root;
}

/* After test i was rejected in a scoring problem: where judging goes on.
 * Its group stops (on_reject: break), and so does each enclosing group
 * that breaks too; samples never stop anything. */
static unsigned s_after_reject(box_t *b, unsigned i)
{
	uint64_t g = s_tgroup(b, i);
	int64_t stop = -1;
	uint32_t n;
	const msgpack_object *e = s_gent(b, g, &n);
	if (s_gbool(e, n, 5))
		return i + 1;
	for (int64_t h = (int64_t)g; h >= 0; h = s_parent(b, (uint64_t)h)) {
		e = s_gent(b, (uint64_t)h, &n);
		if (!s_gbool(e, n, 8))
			break;
		stop = h;
	}
	if (stop < 0)
		return i + 1;
	unsigned f, end;
	s_range(b, (uint64_t)stop, &f, &end);
	return end > i ? end : i + 1;
}

/* One test was judged: store and publish its result (score: the test's
 * score from the output validator, or NAN for its group's), then the next
 * test or the end. */
static void s_judged(box_t *b, const char *v, const char *msg, double score)
{
	const msgpack_object_str *name =
		&b->tests->via.array.ptr[b->test_idx].via.array.ptr[0].via.str;
	char nm[260];
	snprintf(nm, sizeof nm, "%.*s", (int)name->size, name->ptr);
	store_begin();
	if (store_test_result(b->js.id, b->test_idx, nm, v, &b->run, msg))
		job_test_event(b->js.id, b->test_idx, b->ntests);
	bool accepted = !strcmp(v, "accepted");
	if (b->scores) {
		b->scores[b->test_idx] = !isnan(score) ? score :
			s_group_field(b, b->test_idx, accepted ? 3 : 4);
		b->passed[b->test_idx] = accepted;
		b->vrank[b->test_idx] = (signed char)s_rank(v);
	}
	if (!accepted && !*b->verdict) {
		snprintf(b->verdict, sizeof b->verdict, "%s", v);
		snprintf(b->first_fail, sizeof b->first_fail, "%s", nm);
		snprintf(b->fail_status, sizeof b->fail_status, "%s",
			 strcmp(v, "judge_error") ? b->run.status : "judge_error");
	}
	b->next = s_to_run;
	bool scoring = false;
	if (b->desc)
		mp_as_bool(mp_get(b->desc, "scoring"), &scoring);
	b->test_idx = !accepted && scoring && !b->all ?
		s_after_reject(b, b->test_idx) : b->test_idx + 1;
	if (b->test_idx < b->ntests && (accepted || b->all || scoring)) {
		if (s_clean(b, P_CLEAN_MID))
			s_helper_failed(b, "clean", NULL);
		return;
	}
	s_finish(b, S_JUDGED, *b->fail_status ? b->fail_status : "ok", NULL);
}

/* One test ran: its verdict from the run and the built-in comparison. */
static void s_tested(box_t *b)
{
	char msg[256] = "";
	const char *v = s_verdict(b, &b->run, msg, sizeof msg);
	s_judged(b, v, msg, NAN);
}

/* A program that ignores SIGXFSZ (CPython does) fails its write at
 * fsize_kb and exits on its own, or (Java's PrintStream swallows the
 * error) goes on until a time limit: if stdout or stderr reached the
 * limit, the run's status is file_limit all the same, the first limit it
 * hit. */
static void s_file_limit(box_t *b, step_t *s)
{
	struct stat st;
	uint64_t lim = b->js.lim[L_FSIZE] * 1024;
	if (strcmp(s->status, "exit") && strcmp(s->status, "signal") &&
	    strcmp(s->status, "cpu_limit") && strcmp(s->status, "wall_limit"))
		return;
	if ((stat(s_path(b, "stdout"), &st) == 0 && (uint64_t)st.st_size >= lim) ||
	    (stat(s_path(b, "stderr"), &st) == 0 && (uint64_t)st.st_size >= lim))
		snprintf(s->status, sizeof s->status, "file_limit");
}

/* ---- the output validator (PROTOCOL.md 14.4) ----
 *
 * It runs in the box after the program's run, once `clean` has emptied
 * it: the contestant's files are gone, so the program cannot leave
 * anything for the validator. Its inputs are copies in /box: judge_in
 * and judge_ans, and for a testlib checker team_out; a Kattis validator
 * reads the team's output on stdin and writes into /box/feedback/. */

/* Copy what fd holds into the box as name (mode 0644), by sendfile. */
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

static int s_copy_in(int dir, const char *name, int fd)
{
	int to = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			O_CLOEXEC, 0644);
	int r = to < 0 || fchmod(to, 0644) || fd_copy(fd, to) ? -1 : 0;
	if (to >= 0 && close(to))
		r = -1;
	return r;
}

/* /box/feedback/ with judgemessage.txt and score.txt made by us, mode
 * 0666: the validator (another uid, umask 077) writes into them, and we
 * can read them. One that replaces them instead leaves us no message. */
static int s_feedback_dir(int dir)
{
	if (mkdirat(dir, "feedback", 0777) || fchmodat(dir, "feedback", 0777, 0))
		return -1;
	int fb = openat(dir, "feedback", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int r = fb < 0 || s_put(fb, "judgemessage.txt", 16, "", 0, 0666) ||
		s_put(fb, "score.txt", 9, "", 0, 0666) ||
		s_put(fb, "score_multiplier.txt", 20, "", 0, 0666);
	if (fb >= 0)
		close(fb);
	return r ? -1 : 0;
}

/* The validator's limits (the problem's validation limits, the rest the
 * daemon's defaults, all cut to the ceilings) and its arguments. */
typedef struct vrun {
	limits_t lim;
	char flags[600];
	char *xa[40];
} vrun_t;

static void s_vrun(box_t *b, bool testlib, vrun_t *v)
{
	static const struct { const char *k; int i; } vl[] = {
		{ "cpu_ms", L_CPU }, { "memory_kb", L_MEM }, { "fsize_kb", L_FSIZE } };
	char tf[256] = "", *save, *t;
	int nx = 0;
	memcpy(v->lim, C->def, sizeof v->lim);
	for (size_t i = 0; i < 3; i++)
		mp_as_uint(mp_get(b->val, vl[i].k), &v->lim[vl[i].i]);
	v->lim[L_WALL] = v->lim[L_CPU] * 2 + 1000;
	for (int i = 0; i < L_COUNT; i++)
		if (v->lim[i] > C->hceil[i])
			v->lim[i] = C->hceil[i];
	v->xa[nx++] = "/box/judge_in";
	if (testlib) {
		v->xa[nx++] = "/box/team_out", v->xa[nx++] = "/box/judge_ans";
		v->xa[nx] = NULL;
		return;
	}
	v->xa[nx++] = "/box/judge_ans", v->xa[nx++] = "/box/feedback/";
	*v->flags = 0;
	mp_str_copy(mp_get(b->desc, "flags"), v->flags, sizeof v->flags);
	mp_str_copy(&b->tests->via.array.ptr[b->test_idx].via.array.ptr[5], tf, sizeof tf);
	if (*tf)
		snprintf(v->flags + strlen(v->flags), sizeof v->flags - strlen(v->flags), " %s", tf);
	for (t = strtok_r(v->flags, " ", &save); t && nx < 39; t = strtok_r(NULL, " ", &save))
		v->xa[nx++] = t;
	v->xa[nx] = NULL;
}

static int s_start_check(box_t *b)
{
	bool testlib = mp_str_eq(mp_get(b->val, "style"), "testlib");
	int dir = -1, in = -1, ans = -1, out = -1, cout = -1, cerr = -1, r = -1;
	char *argv[ARGV_FIXED + 41], buf[8192];
	vrun_t v;
	s_vrun(b, testlib, &v);
	if (s_load_prog(b, b->vlang, b->vfiles, b->vcache_entry) ||
	    (dir = s_boxdir(b)) < 0 || (in = s_test_file(b, 3)) < 0 ||
	    (ans = s_test_file(b, 4)) < 0 ||
	    (out = open(s_path(b, "stdout"), O_RDONLY | O_CLOEXEC)) < 0 ||
	    s_copy_in(dir, "judge_in", in) || s_copy_in(dir, "judge_ans", ans) ||
	    (testlib ? s_copy_in(dir, "team_out", out) : s_feedback_dir(dir)) ||
	    (cout = s_open_out(b, "check.out")) < 0 || (cerr = s_open_out(b, "check.err")) < 0 ||
	    s_argv(b, b->vlang, argv, buf, sizeof buf, v.lim, b->vlang->policy,
		   b->vlang->run, false, v.xa))
		goto done;
	b->phase = P_CHECK;
	r = s_spawn(b, argv, testlib ? -1 : out, cout, cerr);
done:
	if (r)
		jlog(LOG_ERR, "job %" PRIu64 " box %u: cannot start the output validator: %m",
		     b->js.id, b->n);
	for (int *f = (int[]){ dir, in, ans, out, cout, cerr, -2 }; *f != -2; f++)
		if (*f >= 0)
			close(*f);
	return r;
}

/* The first line of a file the validator wrote in the box, or of one of
 * its outputs: never through a link, at most size - 1 bytes. */
static void s_feedback(box_t *b, const char *name, char *dst, size_t size)
{
	int dir = -1, fd;
	struct stat st;
	*dst = 0;
	if (name[0] == '/')
		fd = open(s_path(b, name + 1), O_RDONLY | O_CLOEXEC);
	else {
		int top = s_boxdir(b);
		dir = top < 0 ? -1 : openat(top, "feedback", O_RDONLY | O_DIRECTORY |
					    O_NOFOLLOW | O_CLOEXEC);
		if (top >= 0)
			close(top);
		fd = dir < 0 ? -1 : openat(dir, name, O_RDONLY | O_NOFOLLOW |
					   O_NONBLOCK | O_CLOEXEC);
	}
	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode)) {
		ssize_t n = pread(fd, dst, size - 1, 0);
		dst[n > 0 ? n : 0] = 0;
		dst[strcspn(dst, "\n")] = 0;
	}
	if (fd >= 0)
		close(fd);
	if (dir >= 0)
		close(dir);
}

/* The validator's verdict. Kattis: exit 42 accepted, 43 wrong answer,
 * feedback/judgemessage.txt, feedback/score.txt (validation: custom
 * score). testlib: exit 0 OK, 1 WA, 2 PE, 3 fail, 7 points (stderr
 * "points X ..." or "X ..."). Anything else is the problem's fault:
 * judge_error, never the contestant's. */
static const char *s_check_verdict(box_t *b, box_t *in, char *msg, size_t size,
				   double *score_out)
{
	step_t *s = &b->chk;
	bool testlib = mp_str_eq(mp_get(b->val, "style"), "testlib"), vscore = false, v2 = false;
	char num[64] = "", *end;
	double score = NAN;
	const char *v = "judge_error";
	mp_as_bool(mp_get(b->val, "score"), &vscore);
	mp_as_bool(mp_get(b->val, "score_v2"), &v2);
	s_feedback(in, testlib ? "/check.err" : "judgemessage.txt", msg, size);
	uint64_t e = s->exit_code;
	bool exited = !strcmp(s->status, "ok") || !strcmp(s->status, "exit");
	if (exited && !testlib && (e == 42 || e == 43)) {
		v = e == 42 ? "accepted" : "wrong_answer";
		if (v2 && e == 42) {		/* both optional; the multiplier of the test's max */
			s_feedback(in, "score_multiplier.txt", num, sizeof num);
			double m = strtod(num, &end);
			if (end != num && isfinite(m) && m >= 0 && m <= 1)
				score = m * s_group_field(b, b->test_idx, 3);
			s_feedback(in, "score.txt", num, sizeof num);
			double sc = strtod(num, &end);
			if (end != num && isfinite(sc) && sc >= 0)
				score = sc;
		} else if (vscore && e == 42) {
			s_feedback(in, "score.txt", num, sizeof num);
			score = strtod(num, &end);
			if (end == num || !isfinite(score)) {
				v = "judge_error", score = NAN;
				snprintf(msg, size, "the output validator accepted "
					 "without a number in score.txt");
			}
		}
	} else if (exited && testlib && e <= 2) {
		v = e == 0 ? "accepted" : e == 1 ? "wrong_answer" : "presentation_error";
	} else if (exited && testlib && e == 7) {
		const char *p = strncmp(msg, "points ", 7) ? msg : msg + 7;
		score = strtod(p, &end);
		bool scoring = false;
		mp_as_bool(mp_get(b->desc, "scoring"), &scoring);
		if (end == p || !isfinite(score) || !scoring) {
			score = NAN;
			snprintf(msg, size, "the checker gave points (exit 7) %s",
				 scoring ? "without a number" : "for a pass-fail problem");
		} else
			v = score > 0 ? "accepted" : "wrong_answer";
	} else {
		char what[96];
		if (exited)
			snprintf(what, sizeof what, "exit %" PRIu64, e);
		else if (!strcmp(s->status, "signal"))
			snprintf(what, sizeof what, "signal %" PRIu64, s->signal);
		else
			snprintf(what, sizeof what, "%s", s->status);
		char m2[400];
		snprintf(m2, sizeof m2, "the %s failed (%s)%s%.180s",
			 testlib ? "checker" : "output validator", what, *msg ? ": " : "", msg);
		snprintf(msg, size, "%.255s", m2);
	}
	*score_out = score;
	return v;
}

static void s_checked(box_t *b, int code, char *rec)
{
	char msg[256] = "";
	double score;
	s_parse_record(rec, &b->chk);
	if (code != 0 || !b->chk.ran || !strcmp(b->chk.status, "internal_error"))
		return s_helper_failed(b, "output validator", &b->chk);
	const char *v = s_check_verdict(b, b, msg, sizeof msg, &score);
	s_judged(b, v, msg, score);
}

/* ---- interactive problems (PROTOCOL.md 14.4) ----
 *
 * The program runs in its box and the validator in the box's peer, at the
 * same time, each in its own jail, connected by two pipes: the program's
 * stdout is the validator's stdin and the validator's stdout the
 * program's stdin. Neither can hang the judge: when one ends, the other
 * sees EOF or EPIPE, and each has its own limits. The program's figures
 * are its own. Kattis semantics for the verdict: whichever ended first
 * decides; the validator's wrong_answer wins over a failure of the program
 * that came after it (typically SIGPIPE or EOF, because the validator had
 * stopped).
 *
 * Which ended first is known for sure, because the daemon holds the gate:
 * it keeps its own copies of both ends of both pipes until it has reaped
 * one side. Until then neither side can see EOF or EPIPE: the survivor of
 * the first end blocks instead of failing because of it. Reaping the first
 * side drops the gate, and only then can the other side learn of it. Two
 * sides reaped in one loop turn ended on their own, each unaware of the
 * other: the program's failure is then its own and stands. */
static void s_gate_drop(box_t *b)
{
	for (int i = 0; i < 4; i++)
		if (b->gate[i] >= 0)
			close(b->gate[i]), b->gate[i] = -1;
}

static void s_interacted(box_t *b)
{
	box_t *pb = &s_peers[b - s_boxes];
	char msg[256] = "";
	double score = NAN;
	const char *pv = s_run_verdict(&b->run), *v;
	bool pipe_v = !strcmp(b->chk.status, "signal") && b->chk.signal == SIGPIPE;
	int first = b->first;
	const char *vv = s_check_verdict(b, pb, msg, sizeof msg, &score);
	if (pv && first == 1)
		v = pv, *msg = 0, score = NAN;		/* the program failed first */
	else if (pipe_v && !pv)
		v = "wrong_answer", score = NAN,
		snprintf(msg, sizeof msg, "the program ended while the validator was "
			 "still writing to it");
	else if (strcmp(vv, "accepted"))
		v = vv;					/* wrong_answer or judge_error */
	else if (pv)
		v = pv, *msg = 0, score = NAN;
	else
		v = vv;
	s_judged(b, v, msg, score);
}

/* One side of an interaction ended (1 program, 2 validator): the first
 * drops the gate, unless the other has ended too (its helper is already
 * reaped, or waits to be): then the program came first. The second one's
 * end judges the test. */
static void s_side_ended(box_t *b, int side)
{
	if (!b->ended) {
		box_t *other = side == 1 ? &s_peers[b - s_boxes] : b;
		struct pollfd q = { .fd = other->pidfd, .events = POLLIN };
		b->first = other->pidfd >= 0 && poll(&q, 1, 0) == 1 ? 1 : side;
		s_gate_drop(b);
	}
	if ((b->ended |= side) == 3)
		s_interacted(b);
}

/* Clean the peer (it may still hold the last test's validator: end it
 * first); this blocks the loop for one `clean`, about 5 ms. */
static int s_peer_clean(box_t *pb)
{
	if (pb->pidfd >= 0) {
		syscall(SYS_pidfd_send_signal, pb->pidfd, SIGKILL, NULL, 0);
		waitpid(pb->pid, NULL, 0);
		close(pb->pidfd), close(pb->resfd);
		pb->pidfd = pb->resfd = -1;
	}
	char num[16];
	snprintf(num, sizeof num, "%u", pb->n);
	char *argv[] = { "judgebox-helper", "clean", num, NULL };
	pb->phase = P_IDLE;
	return s_spawn_wait(pb, argv) ? -1 : 0;
}

static int s_start_interact(box_t *b)
{
	box_t *pb = &s_peers[b - s_boxes];
	int dir = -1, in = -1, ans = -1, err = -1, cerr = -1, r = -1;
	int tov[2] = { -1, -1 }, top[2] = { -1, -1 };	/* to validator, to program */
	char *argv[ARGV_FIXED + 41], buf[8192];
	vrun_t v;
	s_vrun(b, false, &v);
	b->ended = b->first = 0;
	s_gate_drop(b);
	memset(&b->run, 0, sizeof b->run);
	memset(&b->chk, 0, sizeof b->chk);
	if (!s_peers_ok || s_peer_clean(pb) ||
	    s_load_prog(pb, b->vlang, b->vfiles, b->vcache_entry) ||
	    s_load_prog(b, b->lang, mp_get(b->spec.root, "files"), b->cache_entry) ||
	    (dir = s_boxdir(pb)) < 0 || (in = s_test_file(b, 3)) < 0 ||
	    (ans = s_test_file(b, 4)) < 0 || s_copy_in(dir, "judge_in", in) ||
	    s_copy_in(dir, "judge_ans", ans) || s_feedback_dir(dir) ||
	    (cerr = s_open_out(pb, "check.err")) < 0 || (err = s_open_out(b, "stderr")) < 0 ||
	    pipe2(tov, O_CLOEXEC) || pipe2(top, O_CLOEXEC) ||
	    s_argv(pb, b->vlang, argv, buf, sizeof buf, v.lim, b->vlang->policy,
		   b->vlang->run, false, v.xa))
		goto done;
	pb->phase = P_CHECK;
	if (s_spawn(pb, argv, tov[0], top[1], cerr))
		goto done;
	char *pargv[ARGV_FIXED + 1], pbuf[8192];
	static char *const none[] = { NULL };
	b->phase = P_RUN;
	if (s_argv(b, b->lang, pargv, pbuf, sizeof pbuf, b->js.lim, b->lang->policy,
		   b->lang->run, false, none) || s_spawn(b, pargv, top[0], tov[1], err)) {
		syscall(SYS_pidfd_send_signal, pb->pidfd, SIGKILL, NULL, 0);
		goto done;
	}
	r = 0;
	memcpy(b->gate, (int[]){ tov[0], tov[1], top[0], top[1] }, sizeof b->gate);
	tov[0] = tov[1] = top[0] = top[1] = -1;	/* held until one side ends */
done:
	if (r)
		jlog(LOG_ERR, "job %" PRIu64 " box %u: cannot start the interaction%s",
		     b->js.id, b->n, s_peers_ok ? "" : ": the helper has no peer boxes "
		     "(its `boxes` must be at least first_box + 2 x boxes)");
	for (int *f = (int[]){ dir, in, ans, err, cerr, tov[0], tov[1], top[0], top[1], -2 };
	     *f != -2; f++)
		if (*f >= 0)
			close(*f);
	return r;
}

/* The peer's validator ended. */
static void s_peer_reaped(box_t *b, int code, char *rec)
{
	s_parse_record(rec, &b->chk);
	if (!b->has_job || b->killed || !b->interactive)
		return;
	if (code != 0 || !b->chk.ran || !strcmp(b->chk.status, "internal_error")) {
		b->ended |= 2;		/* s_ran sees that the helper failed */
		snprintf(b->chk.status, sizeof b->chk.status, "internal_error");
		if (b->ended == 3)
			s_helper_failed(b, "interactive validator", &b->chk);
		return;
	}
	s_side_ended(b, 2);
}

static void s_ran(box_t *b, int code, char *rec)
{
	step_t *s = &b->run;
	s_parse_record(rec, s);
	if (code != 0 || !s->ran || !strcmp(s->status, "internal_error"))
		return s_helper_failed(b, "run", s);
	s_file_limit(b, s);
	if (b->interactive) {
		if (!strcmp(b->chk.status, "internal_error") && (b->ended & 2))
			return s_helper_failed(b, "interactive validator", &b->chk);
		return s_side_ended(b, 1);
	}
	if (b->tests && b->val && !strcmp(s->status, "ok")) {
		b->next = s_start_check;	/* the validator, in the cleaned box */
		if (s_clean(b, P_CLEAN_MID))
			s_helper_failed(b, "clean", NULL);
		return;
	}
	if (b->tests)
		return s_tested(b);
	uint64_t cap = b->js.lim[L_OUTPUT] * 1024;
	s->out = s_read_out(b, "stdout", cap, &s->out_len, &s->out_bytes);
	s->err = s_read_out(b, "stderr", cap, &s->err_len, &s->err_bytes);
	s_finish(b, S_JUDGED, s->status, NULL);
}

/* A helper child ended: move the box on by its phase. */
static void s_reaped(box_t *b, int code, char *rec)
{
	enum phase p = b->phase;
	if (b->killed && b->has_job) {
		char user[NAME_MAX_LEN + 1];
		uint64_t id = b->js.id;
		snprintf(user, sizeof user, "%s", b->js.user);
		s_release(b);
		b->killed = false;
		if (p != P_CLEAN_MID && s_clean(b, P_CLEAN) == 0) {
			job_left(id, user, false);
			return;
		}
		b->phase = P_IDLE;
		job_left(id, user, false);
		return;
	}
	switch (p) {
	case P_CLEAN:
		if (code && ++b->clean_fails < 3) {
			jlog(LOG_ERR, "box %u: clean failed (exit %d); again", b->n, code);
			if (s_clean(b, P_CLEAN) == 0)
				break;
		}
		if (code) {
			jlog(LOG_CRIT, "box %u: clean keeps failing; out of service", b->n);
			b->phase = P_BROKEN;
			break;
		}
		b->clean_fails = 0;
		b->phase = P_IDLE;	/* the loop's next turn schedules it */
		break;
	case P_BROKEN:
	case P_CLEAN_MID:
		if (code || !b->next || b->next(b))
			s_helper_failed(b, "clean", NULL);
		break;
	case P_COMPILE:
		s_compiled(b, code, rec);
		break;
	case P_VCOMPILE:
		s_vcompiled(b, code, rec);
		break;
	case P_CHECK:
		s_checked(b, code, rec);
		break;
	case P_RUN:
		s_ran(b, code, rec);
		break;
	case P_IDLE:
		break;
	}
}

/* A pidfd fired: reap the child, take its record, move the box on. */
void box_ready(int fd)
{
	for (unsigned i = 0; s_peers && i < s_nboxes; i++) {
		box_t *pb = &s_peers[i];
		if (pb->pidfd != fd)
			continue;
		int st;
		if (waitpid(pb->pid, &st, WNOHANG) <= 0)
			return;
		char rec[4096];
		ssize_t n = read(pb->resfd, rec, sizeof rec - 1);
		rec[n > 0 ? n : 0] = 0;
		close(pb->pidfd), close(pb->resfd);
		pb->pidfd = pb->resfd = -1;
		pb->phase = P_IDLE;
		s_peer_reaped(&s_boxes[i], WIFEXITED(st) ? WEXITSTATUS(st) :
			      128 + WTERMSIG(st), rec);
		return;
	}
	for (unsigned i = 0; i < s_nboxes; i++) {
		box_t *b = &s_boxes[i];
		if (b->pidfd != fd || b->phase == P_IDLE)
			continue;
		int st;
		if (waitpid(b->pid, &st, WNOHANG) <= 0)
			return;
		int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		char rec[4096];
		ssize_t n = read(b->resfd, rec, sizeof rec - 1);
		rec[n > 0 ? n : 0] = 0;
		close(b->pidfd), close(b->resfd);
		b->pidfd = b->resfd = -1;
		s_reaped(b, code, rec);
		return;
	}
}

/* A submission's problem: the desc.mp of the snapshot its spec names
 * (ops.c), ours, read whole (its size is the problem's: tests and the
 * validator's sources, at most a few MiB). */
static int s_load_desc(box_t *b, char *why, size_t size)
{
	char path[600], err[160];
	struct stat st;
	if (!mp_str_copy(mp_get(b->spec.root, "snap"), path, sizeof path - 8))
		return snprintf(why, size, "the stored job names no problem"), -1;
	strcat(path, "/desc.mp");
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n = -1;
	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode) &&
	    (b->dbuf = malloc((size_t)st.st_size + 1)))
		n = read(fd, b->dbuf, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
	if (n < 0 || n != st.st_size)
		return snprintf(why, size, "%s: %s", path, n < 0 ? strerror(errno) :
				"short read"), -1;
	if (mp_parse(&b->ddoc, b->dbuf, (size_t)n, false, err, sizeof err))
		return snprintf(why, size, "%s: %s", path, err), -1;
	b->desc = b->ddoc.root;
	return 0;
}

/* A `test` job's tests, comparison and mode, from its spec. */
static int s_test_setup(box_t *b, char *why, size_t size)
{
	char field[48], err[160];
	b->tests = b->desc = b->val = b->vfiles = NULL;
	b->vlang = NULL;
	b->interactive = false;
	b->test_idx = b->ntests = 0;
	*b->verdict = *b->first_fail = *b->fail_status = 0;
	if (mp_str_eq(mp_get(b->spec.root, "kind"), "submit")) {
		b->desc = mp_get(b->spec.root, "desc");	/* jobs of judgebox 0.2.0 */
		if (!b->desc && s_load_desc(b, why, size))
			return -1;
		b->tests = b->desc ? mp_get(b->desc, "tests") : NULL;
		b->ntests = b->tests ? b->tests->via.array.size : 0;
		b->all = mp_str_eq(mp_get(b->spec.root, "mode"), "all");
		b->scores = calloc(b->ntests + 1, sizeof *b->scores);
		b->passed = calloc(b->ntests + 1, 1);
		b->vrank = calloc(b->ntests + 1, 1);
		if (!b->tests || !b->ntests || !b->scores || !b->passed || !b->vrank)
			return snprintf(why, size, "the problem has no tests"), -1;
		for (unsigned i = 0; i < b->ntests; i++)
			b->scores[i] = NAN, b->vrank[i] = RANK_NOT_RUN;
		const msgpack_object *v = mp_get(b->desc, "validator");
		if (!v || v->type != MSGPACK_OBJECT_MAP)
			return 0;
		char vl[33] = "";
		mp_str_copy(mp_get(v, "lang"), vl, sizeof vl);
		b->val = v;
		b->vfiles = mp_get(v, "files");
		mp_as_bool(mp_get(v, "interactive"), &b->interactive);
		b->vlang = conf_lang(C, vl);
		if (!b->vlang || !b->vlang->available || !b->vfiles ||
		    b->vfiles->type != MSGPACK_OBJECT_ARRAY)
			return snprintf(why, size, "the output validator's language %s "
					"is not available", vl), -1;
		return 0;
	}
	if (!mp_str_eq(mp_get(b->spec.root, "kind"), "test"))
		return 0;
	b->tests = mp_get(b->spec.root, "tests");
	b->ntests = b->tests ? b->tests->via.array.size : 0;
	b->all = mp_str_eq(mp_get(b->spec.root, "mode"), "all");
	compare_opts_default(&b->cmp);
	const msgpack_object *c = mp_get(b->spec.root, "compare");
	if (c && c->via.map.size &&
	    compare_opts_from(c, &b->cmp, field, sizeof field, err, sizeof err))
		return snprintf(why, size, "%s: %s", field, err), -1;
	return 0;
}

/* ---- the pool ---- */

int box_start(jobspec_t *js)
{
	box_t *b = NULL;
	for (unsigned i = 0; i < s_nboxes && !b; i++)
		if (s_boxes[i].phase == P_IDLE)
			b = &s_boxes[i];
	if (!b)
		return -1;
	char err[128];
	b->js = *js;
	memset(js, 0, sizeof *js);
	b->has_job = true;
	b->killed = false;
	memset(&b->comp, 0, sizeof b->comp);
	memset(&b->run, 0, sizeof b->run);
	b->cout_bytes = 0;
	b->lang = conf_lang(C, b->js.lang);
	char why[400] = "";
	if (!b->lang)
		snprintf(why, sizeof why, "language %s is no longer configured",
			 b->js.lang);
	else if (!b->lang->available)
		snprintf(why, sizeof why, "language %s is not available on this "
			 "host: %s", b->js.lang, b->lang->reason);
	else if (mp_parse(&b->spec, b->js.spec, b->js.spec_len, false, err,
			  sizeof err))
		snprintf(why, sizeof why, "the stored job is unreadable: %s", err);
	else
		s_test_setup(b, why, sizeof why);
	if (*why) {
		mp_doc_free(&b->spec);
		memset(&b->spec, 0, sizeof b->spec);
		s_finish(b, S_FAILED, "internal_error", why);
		return 0;
	}
	if (s_begin(b))
		s_helper_failed(b, "start", NULL);
	return 0;
}

bool box_kill(uint64_t id)
{
	for (unsigned i = 0; i < s_nboxes; i++) {
		box_t *b = &s_boxes[i];
		if (!b->has_job || b->js.id != id)
			continue;
		b->killed = true;
		if (b->phase != P_CLEAN_MID && b->pidfd >= 0)
			syscall(SYS_pidfd_send_signal, b->pidfd, SIGKILL, NULL, 0);
		if (s_peers && s_peers[i].pidfd >= 0)
			syscall(SYS_pidfd_send_signal, s_peers[i].pidfd, SIGKILL, NULL, 0);
		return true;
	}
	return false;
}

void box_requeue_all(void)
{
	for (unsigned i = 0; i < s_nboxes; i++) {
		box_t *b = &s_boxes[i];
		if (!b->has_job || b->killed)
			continue;
		store_begin();
		if (store_set_state(b->js.id, S_QUEUED, true))
			job_state_changed(b->js.id);
		box_kill(b->js.id);
	}
}

size_t box_pollfds(int *fds, size_t max)
{
	size_t n = 0;
	for (unsigned i = 0; i < s_nboxes && n < max; i++) {
		if (s_boxes[i].pidfd >= 0)
			fds[n++] = s_boxes[i].pidfd;
		if (s_peers && s_peers[i].pidfd >= 0 && n < max)
			fds[n++] = s_peers[i].pidfd;
	}
	return n;
}

int box_active_count(void)
{
	int n = 0;
	for (unsigned i = 0; i < s_nboxes; i++)
		n += s_boxes[i].phase != P_IDLE && s_boxes[i].phase != P_BROKEN;
	return n;
}

int box_free_count(void)
{
	int n = 0;
	for (unsigned i = 0; i < s_nboxes; i++)
		n += s_boxes[i].phase == P_IDLE;
	return n;
}

int box_total(void)
{
	return (int)s_nboxes;
}

int box_init(const conf_t *c)
{
	C = c;
	char p[700];
	snprintf(p, sizeof p, "%s/io", c->state_dir);
	mkdir(p, 0700);
	snprintf(p, sizeof p, "%s/cache", c->state_dir);
	mkdir(p, 0700);
	s_boxes = calloc(c->boxes, sizeof *s_boxes);
	if (!s_boxes)
		return -1;
	s_nboxes = c->boxes;
	s_peers = calloc(c->boxes, sizeof *s_peers);
	if (!s_peers)
		return -1;
	s_peers_ok = true;
	for (unsigned i = 0; i < s_nboxes; i++) {
		box_t *pb = &s_peers[i];
		pb->n = c->first_box + c->boxes + i;
		pb->pidfd = pb->resfd = -1;
		for (int k = 0; k < 4; k++)
			s_boxes[i].gate[k] = pb->gate[k] = -1;
		pb->lang = NULL;
	}
	char *setup[] = { "judgebox-helper", "setup", NULL };
	for (unsigned i = 0; i < s_nboxes; i++) {
		box_t *b = &s_boxes[i];
		b->n = c->first_box + i;
		b->pidfd = b->resfd = -1;
		snprintf(p, sizeof p, "%s/io/%u", c->state_dir, b->n);
		mkdir(p, 0700);
		s_kill_stale(b);
		if (i == 0 && s_spawn_wait(b, setup)) {
			jlog(LOG_ERR, "%s setup failed", c->helper);
			return -1;
		}
		char num[16];
		snprintf(num, sizeof num, "%u", b->n);
		char *clean[] = { "judgebox-helper", "clean", num, NULL };
		int r = s_spawn_wait(b, clean);
		for (int t = 0; r == 75 && t < 100; t++) {	/* a killed stale helper */
			usleep(50000);
			r = s_spawn_wait(b, clean);
		}
		if (r) {
			jlog(LOG_ERR, "%s clean %u failed (exit %d)", c->helper,
			     b->n, r);
			return -1;
		}
		/* The peer: a box the helper refuses (its `boxes` is too small)
		 * only makes interactive problems fail, with that reason. */
		box_t *pb = &s_peers[i];
		snprintf(p, sizeof p, "%s/io/%u", c->state_dir, pb->n);
		mkdir(p, 0700);
		s_kill_stale(pb);
		if (s_peers_ok && s_peer_clean(pb)) {
			jlog(LOG_WARNING, "%s clean %u failed: interactive problems are "
			     "unavailable", c->helper, pb->n);
			s_peers_ok = false;
		}
	}
	return 0;
}

/* Kill every child and wait: used on exit after a drain. */
void box_shutdown(void)
{
	for (unsigned i = 0; i < s_nboxes; i++) {
		box_t *b = &s_boxes[i];
		if (b->phase == P_IDLE || b->pidfd < 0)
			continue;
		if (b->phase != P_CLEAN && b->phase != P_CLEAN_MID)
			syscall(SYS_pidfd_send_signal, b->pidfd, SIGKILL, NULL, 0);
		waitpid(b->pid, NULL, 0);
		close(b->pidfd), close(b->resfd);
		if (b->has_job)
			s_release(b);
	}
	for (unsigned i = 0; s_peers && i < s_nboxes; i++)
		if (s_peers[i].pidfd >= 0) {
			syscall(SYS_pidfd_send_signal, s_peers[i].pidfd, SIGKILL, NULL, 0);
			waitpid(s_peers[i].pid, NULL, 0);
			close(s_peers[i].pidfd), close(s_peers[i].resfd);
		}
	free(s_peers);
	s_peers = NULL;
	free(s_boxes);
	s_boxes = NULL;
	s_nboxes = 0;
}
