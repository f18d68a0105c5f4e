/* problem.c: load an ICPC/Kattis problem package (see problem.h).
 *
 * MUST rules, for a package that may be hostile:
 * - every path in the package is opened with s_open, beneath the package
 *   directory's fd (openat2 RESOLVE_BENEATH), never by a joined string;
 * - every directory entry's name passes s_name_ok before anything else;
 * - only regular files and directories are used, and a symbolic link to a
 *   directory is refused (no loops);
 * - every count has a cap (problem.h), every copy checks its size, and every
 *   message is made printable ASCII before it leaves (s_fail, s_warn);
 * - nothing asserts on the package: each fault is an error with its path.
 * Where a rule comes from: [L] the legacy spec, [D] the 2023-07-draft spec,
 * [PT] problemtools (the reference implementation) where the specs are
 * silent, [JB] judgebox's own choice.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <yaml.h>

#include "problem.h"

#define MAX_TIME_S 3600.0	/* [JB] a time limit above an hour is a typo */
#define MAX_REQ_FILE 4096	/* [JB] NAME.req */
#define MAX_VSRC_DEPTH 8	/* [JB] directories inside the validator */
#define MAX_YAML_DEPTH 64	/* [JB] collections nested in one YAML file */
#define MAX_YAML_EVENTS 100000	/* [JB] nodes (and ends) in one YAML file */

typedef struct s_ent {
	char name[256];
	bool dir;
	uint64_t size;
} s_ent;

typedef struct s_item {
	char name[256];		/* a group's directory, or a test's base name */
	bool group;
} s_item;

typedef struct s_ctx {
	problem *p;
	int pkg;		/* the package directory */
	bool v2;		/* 2023-07-draft */
	bool no_openat2;	/* then no symbolic link is followed */
	bool failed, warn_full;
	char *err;
	size_t errlen;
	yaml_document_t *doc;	/* the YAML document being read */
	const char *file;	/* its path in the package */
	double yaml_tl;		/* problem.yaml limits.time_limit, 0 if none */
	prob_group root;	/* data/'s values before data/testdata.yaml */
	bool root_ff_set;	/* data/ set full_feedback [D] */
	size_t tcap, gcap, icap, vcap;
} s_ctx;

#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

/* ---- Errors and warnings ---------------------------------------------- */

/* Make s printable ASCII: control bytes and non-ASCII become '?'. */
static void s_printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

/* Record "path: what" as the error (the first one wins); -1. */
static int __attribute__((format(printf, 3, 4)))
s_fail(s_ctx *c, const char *path, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	if (c->failed)
		return -1;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (c->err && c->errlen) {
		snprintf(c->err, c->errlen, "%s: %s", path, what);
		s_printable(c->err);
	}
	return -1;
}

/* Add "path: what\n" to the warnings, or "...\n" once they are full. */
static void __attribute__((format(printf, 3, 4)))
s_warn(s_ctx *c, const char *path, const char *fmt, ...)
{
	problem *p = c->p;
	size_t n = strlen(p->warnings), k;
	char what[400], line[700];
	va_list ap;

	p->nwarnings++;
	if (c->warn_full)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(line, sizeof line, "%s: %s", path, what);
	s_printable(line);
	k = strlen(line);
	if (n + k + 2 + 5 <= sizeof p->warnings) {
		memcpy(p->warnings + n, line, k);
		memcpy(p->warnings + n + k, "\n", 2);
		return;
	}
	c->warn_full = true;
	memcpy(p->warnings + n, "...\n", 5);
}

/* ---- Strings and names ------------------------------------------------ */

/* Copy src into dst[size]: 0, or -1 when it does not fit. */
static int s_copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

/* dst = a "/" b, or b alone when a is empty: 0, or -1 when it does not fit. */
static int s_join(char *dst, size_t size, const char *a, const char *b)
{
	int n = *a ? snprintf(dst, size, "%s/%s", a, b) : snprintf(dst, size, "%s", b);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Append word to the space-separated list dst[size]: 0, or -1 when full. */
static int s_append(char *dst, size_t size, const char *word)
{
	size_t n = strlen(dst), k = strlen(word);

	if (n + (n > 0) + k >= size)
		return -1;
	if (n)
		dst[n++] = ' ';
	memcpy(dst + n, word, k + 1);
	return 0;
}

/* True when the space-separated list has word. */
static bool s_has_word(const char *list, const char *word)
{
	size_t k = strlen(word);

	for (const char *s = list; (s = strstr(s, word)); s += k)
		if ((s == list || s[-1] == ' ') && (s[k] == ' ' || !s[k]))
			return true;
	return false;
}

/* True when s is one of the NULL-terminated list. */
static bool s_in(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* True when s ends with suffix (and has something before it). */
static bool s_ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && !strcmp(s + n - k, suffix);
}

/* [JB] a path component: [A-Za-z0-9._-]{1,255}, not starting with '.' or
 * '-' (so never "." or "..", an option, or a hidden file). */
static bool s_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n && n <= 255 && s[0] != '.' && s[0] != '-' &&
	       strspn(s, NAME_CHARS) == n;
}

/* A float: decimal, or +-inf / .inf; no NaN, no hex, no overflow. */
static int s_parse_num(const char *v, double *out)
{
	const char *s = v + (*v == '+' || *v == '-');
	char *end;
	double d;

	if (!strcasecmp(s, "inf") || !strcasecmp(s, ".inf") || !strcasecmp(s, "infinity")) {
		*out = *v == '-' ? -INFINITY : INFINITY;
		return 0;
	}
	if (!*s || !(isdigit((unsigned char)*s) || *s == '.') || strpbrk(s, "xXnNiI"))
		return -1;
	errno = 0;
	d = strtod(v, &end);
	if (*end || (errno == ERANGE && isinf(d)))
		return -1;
	*out = d;
	return 0;
}

/* The full path of rel (the package directory joined), or an error. */
static int s_full(s_ctx *c, const char *rel, char *dst, size_t size)
{
	if (s_join(dst, size, c->p->dir, rel) < 0)
		return s_fail(c, rel, "path too long (%zu bytes with the package directory)",
			      size - 1);
	return 0;
}

/* Room for element n of arr (capacity *cap elements of size): the array,
 * perhaps moved, or NULL (arr still valid) when out of memory. */
static void *s_grow(void *arr, size_t n, size_t *cap, size_t size)
{
	size_t nc = *cap ? *cap * 2 : 16;
	void *b;

	if (n < *cap)
		return arr;
	b = realloc(arr, nc * size);
	if (b)
		*cap = nc;
	return b;
}

/* ---- Opening files beneath the package -------------------------------- */

/* openat2 beneath the package: symbolic links followed only while they stay
 * inside it; /proc magic links never. */
static int s_openat2(s_ctx *c, const char *rel, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(unsigned)(flags | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, c->pkg, rel, &how, sizeof how);
}

/* Without openat2: rel component by component, no symbolic link followed
 * (a final one opened with O_PATH is returned as itself: callers fstat). */
static int s_open_nofollow(s_ctx *c, const char *rel, int flags)
{
	char buf[1024], *save, *comp, *next;
	int fd = c->pkg, nfd, e;

	if (s_copy(buf, sizeof buf, rel) < 0 || !(comp = strtok_r(buf, "/", &save))) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (; comp; comp = next) {
		next = strtok_r(NULL, "/", &save);
		nfd = openat(fd, comp, (next ? O_PATH | O_DIRECTORY : flags) | O_NOFOLLOW |
			     O_CLOEXEC);
		e = errno;
		if (fd != c->pkg)
			close(fd);
		if (nfd < 0) {
			errno = e;
			return -1;
		}
		fd = nfd;
	}
	return fd;
}

/* Open rel beneath the package: an fd, or -1 with errno (EXDEV: a symbolic
 * link leads out). Falls back to following no link where openat2 is missing
 * (ENOSYS) or filtered (EPERM). */
static int s_open(s_ctx *c, const char *rel, int flags)
{
	if (!c->no_openat2) {
		int fd = s_openat2(c, rel, flags);

		if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
			return fd;
		c->no_openat2 = true;
	}
	return s_open_nofollow(c, rel, flags);
}

/* The error for rel that s_open could not open. */
static int s_open_fail(s_ctx *c, const char *rel, int e)
{
	if (e == EXDEV)
		return s_fail(c, rel, "a symbolic link leads out of the package");
	if (e == ENOTDIR && c->no_openat2)
		return s_fail(c, rel, "not a directory, or a symbolic link (none are followed: "
			      "no openat2 here)");
	if (e == ELOOP)
		return s_fail(c, rel, "symbolic link not followed (%s)", c->no_openat2 ?
			      "none are: no openat2 here" : "a loop or a /proc link");
	return s_fail(c, rel, "%s", strerror(e));
}

/* fstat of rel, symbolic links inside the package followed: 1, 0 when it
 * does not exist, -1 on error. */
static int s_stat(s_ctx *c, const char *rel, struct stat *st)
{
	int fd = s_open(c, rel, O_PATH), rc;

	if (fd < 0)
		return errno == ENOENT ? 0 : s_open_fail(c, rel, errno);
	rc = fstat(fd, st);
	close(fd);
	if (rc < 0)
		return s_fail(c, rel, "%s", strerror(errno));
	if (S_ISLNK(st->st_mode))
		return s_open_fail(c, rel, ELOOP);
	return 1;
}

/* Read the open regular file fd, at most max bytes, into a new *buf. */
static int s_read_fd(s_ctx *c, const char *rel, int fd, size_t max, char **buf, size_t *len)
{
	struct stat st;
	size_t n = 0;
	ssize_t k;
	char *b;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return s_fail(c, rel, "not a regular file");
	if (!(b = malloc(max + 1)))
		return s_fail(c, rel, "out of memory");
	while ((k = read(fd, b + n, max + 1 - n)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 || (n += (size_t)k) > max) {
			free(b);
			return k < 0 ? s_fail(c, rel, "%s", strerror(errno))
				     : s_fail(c, rel, "larger than %zu bytes", max);
		}
	}
	b[n] = 0;
	*buf = b;
	*len = n;
	return 1;
}

/* Read the regular file rel (at most max bytes) into a NUL-terminated *buf,
 * the caller's to free: 1, 0 when it does not exist, -1 on error. */
static int s_read(s_ctx *c, const char *rel, size_t max, char **buf, size_t *len)
{
	struct stat st;
	int rc = s_stat(c, rel, &st), fd;

	if (rc <= 0)
		return rc;
	if (!S_ISREG(st.st_mode))
		return s_fail(c, rel, "not a regular file");
	if ((uint64_t)st.st_size > max)
		return s_fail(c, rel, "larger than %zu bytes", max);
	if ((fd = s_open(c, rel, O_RDONLY | O_NONBLOCK)) < 0)
		return s_open_fail(c, rel, errno);
	rc = s_read_fd(c, rel, fd, max, buf, len);
	close(fd);
	return rc;
}

/* ---- Directories ------------------------------------------------------ */

/* qsort order of entries: byte order of names. */
static int s_ent_cmp(const void *a, const void *b)
{
	return strcmp(((const s_ent *)a)->name, ((const s_ent *)b)->name);
}

/* The entry called name in the sorted ents, or NULL. */
static const s_ent *s_find(const s_ent *ents, size_t n, const char *name)
{
	s_ent key;

	if (s_copy(key.name, sizeof key.name, name) < 0)
		return NULL;
	return bsearch(&key, ents, n, sizeof *ents, s_ent_cmp);
}

/* The regular file base + ext in ents, or NULL. */
static const s_ent *s_find_file(const s_ent *ents, size_t n, const char *base, const char *ext)
{
	char name[300];
	const s_ent *e;

	snprintf(name, sizeof name, "%s%s", base, ext);
	e = s_find(ents, n, name);
	return e && !e->dir ? e : NULL;
}

/* The type of entry name of directory dir (fd dfd): a symbolic link is
 * followed inside the package, and must not lead to a directory. */
static int s_ent_type(s_ctx *c, const char *rel, int dfd, const char *name, struct stat *st)
{
	int rc;

	if (fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) < 0)
		return s_fail(c, rel, "%s", strerror(errno));
	if (!S_ISLNK(st->st_mode))
		return 0;
	if ((rc = s_stat(c, rel, st)) <= 0)
		return rc < 0 ? -1 : s_fail(c, rel, "dangling symbolic link");
	if (S_ISDIR(st->st_mode))
		return s_fail(c, rel, "symbolic link to a directory: not followed");
	return 0;
}

/* Check entry e of directory dir (fd dfd): its name, then its type and
 * size, a symbolic link followed inside the package. */
static int s_ent_check(s_ctx *c, const char *dir, int dfd, s_ent *e)
{
	char rel[1024];
	struct stat st;

	if (!s_name_ok(e->name))
		return s_fail(c, dir, "bad name \"%s\": only [A-Za-z0-9._-], not starting with "
			      "'.' or '-'", e->name);
	if (s_join(rel, sizeof rel, dir, e->name) < 0)
		return s_fail(c, dir, "path too long");
	if (s_ent_type(c, rel, dfd, e->name, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return s_fail(c, rel, "not a regular file or directory");
	e->dir = S_ISDIR(st.st_mode);
	e->size = (uint64_t)st.st_size;
	return 0;
}

/* The names in open directory d (rel), at most PROB_MAX_DIRENTS, into *ents. */
static int s_readdir(s_ctx *c, const char *rel, DIR *d, s_ent **ents, size_t *n)
{
	struct dirent *de;
	size_t cap = 0;
	s_ent *a;

	while ((errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (*n >= PROB_MAX_DIRENTS)
			return s_fail(c, rel, "more than %d entries", PROB_MAX_DIRENTS);
		if (!(a = s_grow(*ents, *n, &cap, sizeof **ents)))
			return s_fail(c, rel, "out of memory");
		*ents = a;
		if (s_copy(a[*n].name, sizeof a->name, de->d_name) < 0)
			return s_fail(c, rel, "a name longer than 255 bytes");
		(*n)++;
	}
	return errno ? s_fail(c, rel, "%s", strerror(errno)) : 0;
}

/* The entries of directory rel, sorted, then checked in that order (so the
 * error is the same whatever readdir's order): 0 or -1. *ents is the
 * caller's to free (NULL when empty). */
static int s_list(s_ctx *c, const char *rel, s_ent **ents, size_t *n)
{
	int fd = s_open(c, rel, O_RDONLY | O_DIRECTORY), rc;
	DIR *d;

	*ents = NULL;
	*n = 0;
	if (fd < 0)
		return s_open_fail(c, rel, errno);
	if (!(d = fdopendir(fd))) {
		close(fd);
		return s_fail(c, rel, "%s", strerror(errno));
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

/* ---- YAML ------------------------------------------------------------- */

/* The parser's error as "FILE:LINE:COL: what". */
static int s_yaml_err(s_ctx *c, const char *rel, const yaml_parser_t *ps)
{
	char where[600];

	if (ps->error == YAML_MEMORY_ERROR)
		return s_fail(c, rel, "out of memory");
	snprintf(where, sizeof where, "%s:%zu:%zu", rel, ps->problem_mark.line + 1,
		 ps->problem_mark.column + 1);
	if (!ps->context)
		return s_fail(c, where, "%s", ps->problem ? ps->problem : "malformed YAML");
	return s_fail(c, where, "%s (%s)", ps->problem ? ps->problem : "malformed YAML",
		      ps->context);
}

/* A first pass over buf's events, stopping at MAX_YAML_DEPTH levels or
 * MAX_YAML_EVENTS events: libyaml's scanner is quadratic in flow nesting
 * (800 KB of '[' took 8 minutes), so a hostile file is cut short here, where
 * the scanner has looked at most about 1 KB ahead. */
static int s_yaml_precheck(s_ctx *c, const char *rel, const char *buf, size_t len)
{
	yaml_event_type_t t = YAML_NO_EVENT;
	int depth = 0, rc = 0;
	long events = 0;
	yaml_parser_t ps;
	yaml_event_t ev;
	char where[600];

	if (!yaml_parser_initialize(&ps))
		return s_fail(c, rel, "out of memory");
	yaml_parser_set_input_string(&ps, (const unsigned char *)buf, len);
	while (rc == 0 && t != YAML_STREAM_END_EVENT) {
		if (!yaml_parser_parse(&ps, &ev)) {
			rc = s_yaml_err(c, rel, &ps);
			break;
		}
		t = ev.type;
		snprintf(where, sizeof where, "%s:%zu", rel, ev.start_mark.line + 1);
		yaml_event_delete(&ev);
		depth += t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT;
		depth -= t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT;
		if (depth > MAX_YAML_DEPTH)
			rc = s_fail(c, where, "YAML nested deeper than %d levels", MAX_YAML_DEPTH);
		else if (++events > MAX_YAML_EVENTS)
			rc = s_fail(c, where, "more than %d YAML nodes", MAX_YAML_EVENTS);
	}
	yaml_parser_delete(&ps);
	return rc;
}

/* Parse buf into doc, refusing a second document: 1 or -1. */
static int s_yaml_parse(s_ctx *c, const char *rel, const char *buf, size_t len,
			yaml_document_t *doc)
{
	yaml_document_t more;
	yaml_parser_t ps;
	int rc = 1;

	if (s_yaml_precheck(c, rel, buf, len) < 0)
		return -1;
	if (!yaml_parser_initialize(&ps))
		return s_fail(c, rel, "out of memory");
	yaml_parser_set_input_string(&ps, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&ps, doc)) {
		rc = s_yaml_err(c, rel, &ps);
	} else if (!yaml_parser_load(&ps, &more)) {
		rc = s_yaml_err(c, rel, &ps);
		yaml_document_delete(doc);
	} else {
		if (yaml_document_get_root_node(&more)) {
			rc = s_fail(c, rel, "more than one YAML document");
			yaml_document_delete(doc);
		}
		yaml_document_delete(&more);
	}
	yaml_parser_delete(&ps);
	return rc;
}

/* True for a null scalar: "", "~" or null, unquoted. */
static bool s_null(const yaml_node_t *n)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)n->data.scalar.value;
	return !*v || !strcmp(v, "~") || !strcasecmp(v, "null");
}

/* Load the YAML file rel: 1 with *root its top mapping (NULL when the file
 * is empty), 0 when it does not exist, -1 on error. On 1 the document is
 * the current one (c->doc, c->file) until s_yaml_close. */
static int s_yaml_open(s_ctx *c, const char *rel, yaml_document_t *doc, yaml_node_t **root)
{
	size_t len;
	char *buf;
	int rc = s_read(c, rel, PROB_MAX_YAML, &buf, &len);

	if (rc <= 0)
		return rc;
	rc = s_yaml_parse(c, rel, buf, len, doc);
	free(buf);
	if (rc < 0)
		return -1;
	*root = yaml_document_get_root_node(doc);
	if (*root && s_null(*root))
		*root = NULL;
	if (*root && (*root)->type != YAML_MAPPING_NODE) {
		yaml_document_delete(doc);
		return s_fail(c, rel, "not a YAML map");
	}
	c->doc = doc;
	c->file = rel;
	return 1;
}

/* Done with the current document. */
static void s_yaml_close(s_ctx *c, yaml_document_t *doc)
{
	yaml_document_delete(doc);
	c->doc = NULL;
	c->file = NULL;
}

/* Node id of the current document. */
static yaml_node_t *s_node(s_ctx *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

/* The error "FILE:LINE: key: what" at node n. */
static int __attribute__((format(printf, 4, 5)))
s_yfail(s_ctx *c, const yaml_node_t *n, const char *key, const char *fmt, ...)
{
	char where[600], what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(where, sizeof where, "%s:%zu", c->file, n->start_mark.line + 1);
	return s_fail(c, where, "%s: %s", key, what);
}

/* The value of key in mapping map, or NULL when absent or null. */
static yaml_node_t *s_get(s_ctx *c, const yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *a = map->data.mapping.pairs.start; a < map->data.mapping.pairs.top;
	     a++) {
		yaml_node_t *k = s_node(c, a->key), *v = s_node(c, a->value);

		if (k && k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, key))
			return v && !s_null(v) ? v : NULL;
	}
	return NULL;
}

/* Check map (named what): a mapping of distinct string keys; keys not in
 * known (NULL: any key) are warnings [L][D]. */
static int s_keys(s_ctx *c, const yaml_node_t *map, const char *what, const char *const *known)
{
	yaml_node_pair_t *a, *b, *start;
	char where[600];

	if (map->type != YAML_MAPPING_NODE)
		return s_yfail(c, map, what, "not a map");
	start = map->data.mapping.pairs.start;
	if (map->data.mapping.pairs.top - start > 1000)
		return s_yfail(c, map, what, "more than 1000 keys");
	for (a = start; a < map->data.mapping.pairs.top; a++) {
		yaml_node_t *k = s_node(c, a->key);
		const char *name;

		if (!k || k->type != YAML_SCALAR_NODE)
			return s_yfail(c, map, what, "a key that is not a string");
		name = (const char *)k->data.scalar.value;
		for (b = start; b < a; b++)
			if (!strcmp((char *)s_node(c, b->key)->data.scalar.value, name))
				return s_yfail(c, k, name, "given twice");
		snprintf(where, sizeof where, "%s:%zu", c->file, k->start_mark.line + 1);
		if (known && !s_in(name, known))
			s_warn(c, where, "unknown key %s%s%s: ignored", what, *what ? "." : "",
			       name);
	}
	return 0;
}

/* A scalar's text, or NULL after an error (not a scalar, or a NUL in it). */
static const char *s_text(s_ctx *c, const yaml_node_t *n, const char *key)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE) {
		s_yfail(c, n, key, "not a string");
		return NULL;
	}
	v = (const char *)n->data.scalar.value;
	if (strlen(v) != n->data.scalar.length) {
		s_yfail(c, n, key, "has a NUL byte");
		return NULL;
	}
	return v;
}

/* A string into dst[size]. */
static int s_str(s_ctx *c, const yaml_node_t *n, const char *key, char *dst, size_t size)
{
	const char *v = s_text(c, n, key);

	if (!v)
		return -1;
	if (s_copy(dst, size, v) < 0)
		return s_yfail(c, n, key, "longer than %zu bytes", size - 1);
	return 0;
}

/* A number within [min, max]. */
static int s_num(s_ctx *c, const yaml_node_t *n, const char *key, double min, double max,
		 double *out)
{
	const char *v = s_text(c, n, key);

	if (!v)
		return -1;
	if (s_parse_num(v, out) < 0)
		return s_yfail(c, n, key, "not a number");
	if (!(*out >= min && *out <= max))
		return s_yfail(c, n, key, "not within [%g, %g]", min, max);
	return 0;
}

/* An unsigned integer within [min, max]. */
static int s_uint(s_ctx *c, const yaml_node_t *n, const char *key, uint64_t min, uint64_t max,
		  uint64_t *out)
{
	const char *v = s_text(c, n, key);
	unsigned long long u;
	char *end;

	if (!v)
		return -1;
	errno = 0;
	u = strtoull(v, &end, 10);
	if (!isdigit((unsigned char)*v) || *end || errno)
		return s_yfail(c, n, key, "not an integer");
	if (u < min || u > max)
		return s_yfail(c, n, key, "not within [%llu, %llu]", (unsigned long long)min,
			       (unsigned long long)max);
	*out = u;
	return 0;
}

/* A boolean: true or false (any case). */
static int s_bool(s_ctx *c, const yaml_node_t *n, const char *key, bool *out)
{
	const char *v = s_text(c, n, key);

	if (!v)
		return -1;
	if (strcasecmp(v, "true") && strcasecmp(v, "false"))
		return s_yfail(c, n, key, "not true or false");
	*out = !strcasecmp(v, "true");
	return 0;
}

/* A string, or a sequence of strings joined by single spaces, into dst. */
static int s_words(s_ctx *c, const yaml_node_t *n, const char *key, char *dst, size_t size)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return s_str(c, n, key, dst, size);
	dst[0] = 0;
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top;
	     i++) {
		const char *v = s_text(c, s_node(c, *i), key);

		if (!v)
			return -1;
		if (s_append(dst, size, v) < 0)
			return s_yfail(c, n, key, "longer than %zu bytes", size - 1);
	}
	return 0;
}

/* ---- Requirement ids [JB] --------------------------------------------- */

/* Add requirement id to the list reqs[size] unless there. */
static int s_req_add(s_ctx *c, const char *where, char *reqs, size_t size, const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 64 || strspn(id, NAME_CHARS ":") != n)
		return s_fail(c, where, "bad requirement id \"%s\": 1 to 64 of [A-Za-z0-9._:-]",
			      id);
	if (s_has_word(reqs, id))
		return 0;
	if (s_append(reqs, size, id) < 0)
		return s_fail(c, where, "requirement ids longer than %zu bytes", size - 1);
	return 0;
}

/* A group's `requirements`: a list of ids, or one string of them. */
static int s_req_yaml(s_ctx *c, const yaml_node_t *n, char *reqs, size_t size)
{
	char buf[1024], where[600], *save, *w;

	if (s_words(c, n, "requirements", buf, sizeof buf) < 0)
		return -1;
	snprintf(where, sizeof where, "%s:%zu: requirements", c->file, n->start_mark.line + 1);
	for (w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		if (s_req_add(c, where, reqs, size, w) < 0)
			return -1;
	return 0;
}

/* A test's NAME.req: one id a line; blank lines and '#' comments skipped. */
static int s_req_file(s_ctx *c, const char *rel, char *reqs, size_t size)
{
	char *buf, *line, *next, where[1100];
	size_t len;
	int rc = s_read(c, rel, MAX_REQ_FILE, &buf, &len), ln = 0;

	if (rc <= 0)
		return rc;
	if (memchr(buf, 0, len))
		rc = s_fail(c, rel, "has a NUL byte");
	for (line = buf; rc > 0 && line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		ln++;
		line += strspn(line, " \t\r");
		for (char *e = line + strlen(line); e > line && strchr(" \t\r", e[-1]); )
			*--e = 0;
		snprintf(where, sizeof where, "%s:%d", rel, ln);
		if (*line && *line != '#' && s_req_add(c, where, reqs, size, line) < 0)
			rc = -1;
	}
	free(buf);
	return rc < 0 ? -1 : 0;
}

/* ---- problem.yaml ----------------------------------------------------- */

static const char *const s_keys_legacy[] = {	/* [L] */
	"problem_format_version", "type", "name", "uuid", "author", "source",
	"source_url", "license", "rights_owner", "limits", "validation",
	"validator_flags", "grading", "keywords", "checker_style", NULL,
};
static const char *const s_keys_v2[] = {	/* [D] */
	"problem_format_version", "type", "name", "uuid", "version", "credits",
	"source", "license", "rights_owner", "embargo_until", "limits",
	"keywords", "languages", "allow_file_writing", "constants",
	"checker_style", NULL,
};
static const char *const s_limits_legacy[] = {	/* [L]; time_limit [JB] */
	"time_multiplier", "time_safety_margin", "memory", "output", "code",
	"compilation_time", "compilation_memory", "validation_time",
	"validation_memory", "validation_output", "time_limit", NULL,
};
static const char *const s_limits_v2[] = {	/* [D] */
	"time_multipliers", "time_limit", "time_resolution", "memory", "output",
	"code", "compilation_time", "compilation_memory", "validation_time",
	"validation_memory", "validation_output", "validation_passes", NULL,
};
static const char *const s_multipliers[] = { "ac_to_time_limit", "time_limit_to_tle", NULL };
static const char *const s_grading_keys[] = {	/* [L]; the last four deprecated [PT] */
	"objective", "show_test_data_groups", "accept_score", "reject_score",
	"range", "on_reject", NULL,
};
static const char *const s_types[] = {	/* [D], in bit order */
	"pass-fail", "scoring", "multi-pass", "interactive", "submit-answer", NULL,
};

/* The integer limits, both versions; validation_passes is [D] only. */
static const struct {
	const char *key;
	size_t off;
	uint64_t min, max, def;
} s_ilimits[] = {
	{ "memory", offsetof(problem, memory_mb), 1, 1 << 20, PROB_DEFAULT_MEMORY_MB },
	{ "output", offsetof(problem, output_mb), 1, 1 << 20, PROB_DEFAULT_OUTPUT_MB },
	{ "code", offsetof(problem, code_kb), 1, 1 << 30, 128 },
	{ "compilation_time", offsetof(problem, compilation_time_s), 1, 86400, 60 },
	{ "compilation_memory", offsetof(problem, compilation_memory_mb), 1, 1 << 20, 2048 },
	{ "validation_time", offsetof(problem, validation_time_s), 1, 86400, 60 },
	{ "validation_memory", offsetof(problem, validation_memory_mb), 1, 1 << 20, 2048 },
	{ "validation_output", offsetof(problem, validation_output_mb), 1, 1 << 20, 8 },
	{ "validation_passes", offsetof(problem, validation_passes), 2, 1000, 2 },
};

/* The integer limit i of p. */
static uint64_t *s_ilimit(problem *p, size_t i)
{
	return (uint64_t *)(void *)((char *)p + s_ilimits[i].off);
}

/* Every default: the specs' limits, and data/'s testdata values [L][D]. */
static void s_defaults(s_ctx *c)
{
	problem *p = c->p;
	prob_group *g = &c->root;

	for (size_t i = 0; i < sizeof s_ilimits / sizeof *s_ilimits; i++)
		*s_ilimit(p, i) = s_ilimits[i].def;
	p->time_multiplier = 5, p->time_safety_margin = 2;
	p->ac_to_time_limit = 2, p->time_limit_to_tle = 1.5, p->time_resolution = 1;
	g->parent = -1;
	g->accept_score = 1, g->reject_score = 0;
	g->range_min = -INFINITY, g->range_max = INFINITY;
	g->on_reject_break = true;
	g->max_score = NAN;
}

/* problem_format_version: absent, legacy or legacy-icpc [L]; 2023-07-draft
 * [D], also as 2023-07 (problemtools' name) or draft. */
static int s_version(s_ctx *c, const yaml_node_t *root)
{
	static const char *const v2[] = { "2023-07-draft", "2023-07", "draft", NULL };
	yaml_node_t *n = s_get(c, root, "problem_format_version");
	const char *v = n ? s_text(c, n, "problem_format_version") : "legacy";

	if (!v)
		return -1;
	c->v2 = s_in(v, v2);
	c->p->format = c->v2 ? PROB_2023_07 : PROB_LEGACY;
	if (!c->v2 && strcmp(v, "legacy") && strcmp(v, "legacy-icpc"))
		return s_yfail(c, n, "problem_format_version",
			       "%s is not supported (legacy, legacy-icpc, 2023-07-draft)", v);
	return 0;
}

/* name: a string [L][D], or a map language -> name [D]: "en", else the
 * first. Absent: the id ([D] requires a name: a warning). */
static int s_name(s_ctx *c, const yaml_node_t *n)
{
	problem *p = c->p;

	if (!n) {
		if (c->v2)
			s_warn(c, "problem.yaml", "no name (2023-07-draft requires one): the id");
		return s_copy(p->name, sizeof p->name, p->id);
	}
	if (n->type == YAML_MAPPING_NODE) {
		const yaml_node_t *en;

		if (s_keys(c, n, "name", NULL) < 0)
			return -1;
		if (n->data.mapping.pairs.start == n->data.mapping.pairs.top)
			return s_yfail(c, n, "name", "an empty map");
		en = s_get(c, n, "en");
		n = en ? en : s_node(c, n->data.mapping.pairs.start->value);
	}
	return s_str(c, n, "name", p->name, sizeof p->name);
}

/* [L] validation: default, or custom followed by any of score, interactive. */
static int s_validation(s_ctx *c, const yaml_node_t *n)
{
	problem *p = c->p;
	char buf[64], *save, *w;

	if (s_str(c, n, "validation", buf, sizeof buf) < 0)
		return -1;
	w = strtok_r(buf, " \t", &save);
	if (!w || (strcmp(w, "default") && strcmp(w, "custom")))
		return s_yfail(c, n, "validation", "must begin with default or custom");
	p->custom_validation = !strcmp(w, "custom");
	while ((w = strtok_r(NULL, " \t", &save))) {
		if (!p->custom_validation || (strcmp(w, "score") && strcmp(w, "interactive")))
			return s_yfail(c, n, "validation", "%s: only custom takes score or "
				       "interactive", w);
		p->validator_score |= !strcmp(w, "score");
		p->interactive |= !strcmp(w, "interactive");
	}
	if (p->validator_score && !p->scoring)
		return s_yfail(c, n, "validation", "custom score is only for scoring problems");
	return 0;
}

/* [L] type (pass-fail | scoring), validation, validator_flags. */
static int s_type_legacy(s_ctx *c, const yaml_node_t *root)
{
	problem *p = c->p;
	const yaml_node_t *t = s_get(c, root, "type"), *v = s_get(c, root, "validation"),
			  *f = s_get(c, root, "validator_flags");
	char type[32] = "pass-fail";

	if (t && s_str(c, t, "type", type, sizeof type) < 0)
		return -1;
	p->scoring = !strcmp(type, "scoring");
	if (!p->scoring && strcmp(type, "pass-fail"))
		return s_yfail(c, t, "type", "%s: not pass-fail or scoring", type);
	if (v && s_validation(c, v) < 0)
		return -1;
	if (f && s_str(c, f, "validator_flags", p->validator_flags, sizeof p->validator_flags) < 0)
		return -1;
	return 0;
}

/* One [D] type word into the bit set *seen. */
static int s_type_word(s_ctx *c, const yaml_node_t *n, unsigned *seen)
{
	const char *v = s_text(c, n, "type");

	if (!v)
		return -1;
	for (unsigned i = 0; s_types[i]; i++)
		if (!strcmp(v, s_types[i])) {
			if (*seen & 1u << i)
				return s_yfail(c, n, "type", "%s given twice", v);
			*seen |= 1u << i;
			return 0;
		}
	return s_yfail(c, n, "type", "unknown type %s", v);
}

/* [D] type: a string or a non-empty list; pass-fail and scoring exclude
 * each other; submit-answer is refused [JB]. */
static int s_type_v2(s_ctx *c, const yaml_node_t *n)
{
	problem *p = c->p;
	unsigned seen = 0;

	if (!n)
		return 0;
	if (n->type != YAML_SEQUENCE_NODE && s_type_word(c, n, &seen) < 0)
		return -1;
	if (n->type == YAML_SEQUENCE_NODE) {
		if (n->data.sequence.items.start == n->data.sequence.items.top)
			return s_yfail(c, n, "type", "an empty list");
		for (yaml_node_item_t *i = n->data.sequence.items.start;
		     i < n->data.sequence.items.top; i++)
			if (s_type_word(c, s_node(c, *i), &seen) < 0)
				return -1;
	}
	if ((seen & 3) == 3)
		return s_yfail(c, n, "type", "pass-fail and scoring together");
	if (seen & 16)
		return s_yfail(c, n, "type", "submit-answer problems are not supported");
	p->scoring = seen & 2, p->multipass = seen & 4, p->interactive = seen & 8;
	return 0;
}

/* An optional number under key of map (named prefix.key in messages),
 * within [min, max], into *out. */
static int s_getnum(s_ctx *c, const yaml_node_t *map, const char *prefix, const char *key,
		    double min, double max, double *out)
{
	const yaml_node_t *v = s_get(c, map, key);
	char what[128];

	snprintf(what, sizeof what, "%s%s%s", prefix, *prefix ? "." : "", key);
	return v ? s_num(c, v, what, min, max, out) : 0;
}

/* [L] time_multiplier, time_safety_margin; time_limit, not in the spec,
 * taken with a warning [JB]. */
static int s_limits_legacy_time(s_ctx *c, const yaml_node_t *n)
{
	problem *p = c->p;
	const yaml_node_t *tl = s_get(c, n, "time_limit");
	char where[600];

	if (s_getnum(c, n, "limits", "time_multiplier", 1e-3, 1000, &p->time_multiplier) < 0 ||
	    s_getnum(c, n, "limits", "time_safety_margin", 1e-3, 1000,
		     &p->time_safety_margin) < 0 ||
	    s_getnum(c, n, "limits", "time_limit", 1e-3, MAX_TIME_S, &c->yaml_tl) < 0)
		return -1;
	if (tl) {
		snprintf(where, sizeof where, "%s:%zu", c->file, tl->start_mark.line + 1);
		s_warn(c, where, "limits.time_limit is not in the legacy spec: used");
	}
	return 0;
}

/* [D] time_multipliers {ac_to_time_limit, time_limit_to_tle}, time_limit,
 * time_resolution. */
static int s_limits_v2_time(s_ctx *c, const yaml_node_t *n)
{
	problem *p = c->p;
	const yaml_node_t *m = s_get(c, n, "time_multipliers");
	const char *tm = "limits.time_multipliers";

	if (m && (s_keys(c, m, tm, s_multipliers) < 0 ||
		  s_getnum(c, m, tm, "ac_to_time_limit", 1, 1000, &p->ac_to_time_limit) < 0 ||
		  s_getnum(c, m, tm, "time_limit_to_tle", 1, 1000, &p->time_limit_to_tle) < 0))
		return -1;
	if (s_getnum(c, n, "limits", "time_limit", 1e-3, MAX_TIME_S, &c->yaml_tl) < 0 ||
	    s_getnum(c, n, "limits", "time_resolution", 1e-6, 60, &p->time_resolution) < 0)
		return -1;
	if (s_get(c, n, "validation_passes") && !p->multipass)
		s_warn(c, c->file, "limits.validation_passes is for multi-pass problems: ignored");
	return 0;
}

/* limits [L][D]: the integer ones, then the time ones. */
static int s_limits(s_ctx *c, const yaml_node_t *n)
{
	char key[64];

	if (!n)
		return 0;
	if (s_keys(c, n, "limits", c->v2 ? s_limits_v2 : s_limits_legacy) < 0)
		return -1;
	for (size_t i = 0; i < sizeof s_ilimits / sizeof *s_ilimits; i++) {
		const yaml_node_t *v = s_get(c, n, s_ilimits[i].key);

		snprintf(key, sizeof key, "limits.%s", s_ilimits[i].key);
		if (v && (c->v2 || strcmp(s_ilimits[i].key, "validation_passes")) &&
		    s_uint(c, v, key, s_ilimits[i].min, s_ilimits[i].max, s_ilimit(c->p, i)) < 0)
			return -1;
	}
	return c->v2 ? s_limits_v2_time(c, n) : s_limits_legacy_time(c, n);
}

/* range: "MIN MAX", each a float or +-inf [L]. */
static int s_range(s_ctx *c, const yaml_node_t *v, const char *key, prob_group *g)
{
	char buf[128], *save, *a, *b;
	double lo, hi;

	if (s_str(c, v, key, buf, sizeof buf) < 0)
		return -1;
	a = strtok_r(buf, " \t", &save);
	b = a ? strtok_r(NULL, " \t", &save) : NULL;
	if (!b || strtok_r(NULL, " \t", &save) || s_parse_num(a, &lo) < 0 ||
	    s_parse_num(b, &hi) < 0)
		return s_yfail(c, v, key, "not two numbers \"MIN MAX\"");
	if (lo > hi)
		return s_yfail(c, v, key, "minimum above maximum");
	g->range_min = lo, g->range_max = hi;
	return 0;
}

/* on_reject: break | continue [L]; in problem.yaml grading also first_error
 * (break) and grade (continue), deprecated [PT]. */
static int s_on_reject(s_ctx *c, const yaml_node_t *v, const char *key, prob_group *g)
{
	char buf[32];

	if (s_str(c, v, key, buf, sizeof buf) < 0)
		return -1;
	if (!strcmp(buf, "break") || !strcmp(buf, "first_error"))
		g->on_reject_break = true;
	else if (!strcmp(buf, "continue") || !strcmp(buf, "grade"))
		g->on_reject_break = false;
	else
		return s_yfail(c, v, key, "not break or continue");
	return 0;
}

/* accept_score, reject_score, range of map (named prefix.key) into g. */
static int s_scores(s_ctx *c, const yaml_node_t *map, const char *prefix, prob_group *g)
{
	const yaml_node_t *r = s_get(c, map, "range");
	char kr[64];

	snprintf(kr, sizeof kr, "%s%srange", prefix, *prefix ? "." : "");
	if (s_getnum(c, map, prefix, "accept_score", -1e300, 1e300, &g->accept_score) < 0 ||
	    s_getnum(c, map, prefix, "reject_score", -1e300, 1e300, &g->reject_score) < 0)
		return -1;
	return r ? s_range(c, r, kr, g) : 0;
}

/* [L] problem.yaml grading: objective (min | max), show_test_data_groups;
 * accept_score, reject_score, range, on_reject are deprecated there and
 * become data/'s defaults (problemtools applies them to every group) [PT]. */
static int s_grading_legacy(s_ctx *c, const yaml_node_t *n)
{
	const yaml_node_t *o, *r, *s;
	char obj[8] = "max";
	bool show;

	if (!n)
		return 0;
	if (s_keys(c, n, "grading", s_grading_keys) < 0)
		return -1;
	if (!c->p->scoring)
		s_warn(c, c->file, "grading is for scoring problems");
	if ((o = s_get(c, n, "objective")) && s_str(c, o, "grading.objective", obj, sizeof obj) < 0)
		return -1;
	if (strcmp(obj, "min") && strcmp(obj, "max"))
		return s_yfail(c, o, "grading.objective", "not min or max");
	c->p->minimize = !strcmp(obj, "min");
	if ((s = s_get(c, n, "show_test_data_groups")) &&
	    s_bool(c, s, "grading.show_test_data_groups", &show) < 0)
		return -1;
	if ((r = s_get(c, n, "on_reject")) && s_on_reject(c, r, "grading.on_reject", &c->root) < 0)
		return -1;
	return s_scores(c, n, "grading", &c->root);
}

/* [JB] checker_style: kattis (the default) or testlib: the output
 * validator follows testlib's conventions (checker input output answer;
 * exit 0 OK, 1 WA, 2 PE, 3 fail, 7 points), as Polygon's checkers do. */
static int s_checker_style(s_ctx *c, const yaml_node_t *n)
{
	char buf[16];

	if (!n)
		return 0;
	if (s_str(c, n, "checker_style", buf, sizeof buf) < 0)
		return -1;
	if (strcmp(buf, "kattis") && strcmp(buf, "testlib"))
		return s_yfail(c, n, "checker_style", "%s: not kattis or testlib", buf);
	c->p->testlib = !strcmp(buf, "testlib");
	if (c->p->testlib && (c->p->interactive || c->p->multipass))
		return s_yfail(c, n, "checker_style", "testlib checkers judge batch problems only");
	return 0;
}

/* problem.yaml's top-level map (NULL: an empty file, all defaults). */
static int s_problem_root(s_ctx *c, const yaml_node_t *root)
{
	if (s_version(c, root) < 0)
		return -1;
	if (root && s_keys(c, root, "", c->v2 ? s_keys_v2 : s_keys_legacy) < 0)
		return -1;
	if (s_name(c, s_get(c, root, "name")) < 0)
		return -1;
	if (c->v2 && !s_get(c, root, "uuid"))
		s_warn(c, "problem.yaml", "no uuid (2023-07-draft requires one)");
	if (c->v2 ? s_type_v2(c, s_get(c, root, "type")) < 0 : s_type_legacy(c, root) < 0)
		return -1;
	if (s_limits(c, s_get(c, root, "limits")) < 0)
		return -1;
	if (s_checker_style(c, s_get(c, root, "checker_style")) < 0)
		return -1;
	return c->v2 ? 0 : s_grading_legacy(c, s_get(c, root, "grading"));
}

/* problem.yaml, required in both versions [L][D]. */
static int s_problem_yaml(s_ctx *c)
{
	yaml_document_t doc;
	yaml_node_t *root;
	int rc = s_yaml_open(c, "problem.yaml", &doc, &root);

	if (rc <= 0)
		return rc < 0 ? -1 : s_fail(c, "problem.yaml", "missing");
	rc = s_problem_root(c, root);
	s_yaml_close(c, &doc);
	return rc;
}

/* The time limit: problem.yaml limits.time_limit [D] ([JB] in legacy), else
 * .timelimit (a DOMjudge/BAPCtools convention) [JB], else our default. */
static int s_time_limit(s_ctx *c)
{
	problem *p = c->p;
	double d = 0;
	size_t len;
	char *buf;
	int rc = s_read(c, ".timelimit", 64, &buf, &len);

	if (rc < 0)
		return -1;
	if (rc > 0) {
		buf[strcspn(buf, " \t\r\n")] = 0;
		rc = s_parse_num(buf, &d) < 0 || !(d >= 1e-3 && d <= MAX_TIME_S) ? -1 : 1;
		free(buf);
		if (rc < 0)
			return s_fail(c, ".timelimit", "not a number of seconds within [0.001, %g]",
				      MAX_TIME_S);
	}
	p->time_limit_s = c->yaml_tl > 0 ? c->yaml_tl : rc > 0 ? d : PROB_DEFAULT_TIME_S;
	s_copy(p->time_limit_from, sizeof p->time_limit_from,
	       c->yaml_tl > 0 ? "problem.yaml" : rc > 0 ? ".timelimit" : "default");
	if (c->yaml_tl > 0 && rc > 0)
		s_warn(c, ".timelimit", "ignored: problem.yaml has limits.time_limit");
	if (!(c->yaml_tl > 0) && rc == 0)
		s_warn(c, "problem.yaml", "no time limit (limits.time_limit or .timelimit): %g s",
		       PROB_DEFAULT_TIME_S);
	return 0;
}

/* ---- The output validator --------------------------------------------- */

/* Source languages by extension (judgebox's languages.d ids) [L][D]. */
static const struct {
	const char *ext, *lang;
} s_langs[] = {
	{ ".c", "c" }, { ".cc", "cpp" }, { ".cpp", "cpp" }, { ".cxx", "cpp" },
	{ ".C", "cpp" }, { ".py", "python3" }, { ".py3", "python3" },
	{ ".py2", "python2" }, { ".java", "java" }, { ".kt", "kotlin" },
	{ ".go", "go" }, { ".rs", "rust" }, { ".cs", "csharp" },
	{ ".js", "javascript" }, { ".ts", "typescript" }, { ".pas", "pascal" },
	{ ".pp", "pascal" }, { ".hs", "haskell" }, { ".rb", "ruby" },
	{ ".php", "php" }, { ".h", "header" }, { ".hh", "header" },
	{ ".hpp", "header" }, { ".hxx", "header" }, { ".sh", "sh" },
};

/* The language of file name by its extension; "script" for build and run. */
static const char *s_src_lang(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (!strcmp(name, "build") || !strcmp(name, "run"))
		return "script";
	for (size_t i = 0; dot && i < sizeof s_langs / sizeof *s_langs; i++)
		if (!strcmp(dot, s_langs[i].ext))
			return s_langs[i].lang;
	return "";
}

/* [L] a .py file is Python 2 when its first line matches ^#!.*python2. */
static bool s_python2(s_ctx *c, const char *rel)
{
	char head[128] = "";
	ssize_t k;
	int fd = s_open(c, rel, O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		return false;
	k = read(fd, head, sizeof head - 1);
	close(fd);
	head[k > 0 ? k : 0] = 0;
	head[strcspn(head, "\n")] = 0;
	return !strncmp(head, "#!", 2) && strstr(head, "python2");
}

/* Record validator source file rel as path (relative to the program). */
static int s_src_add(s_ctx *c, const char *rel, const char *path)
{
	problem *p = c->p;
	prob_src *a;

	if (p->nvsrc >= PROB_MAX_VSRC)
		return s_fail(c, rel, "more than %d files in the output validator", PROB_MAX_VSRC);
	if (!(a = s_grow(p->vsrc, (size_t)p->nvsrc, &c->vcap, sizeof *a)))
		return s_fail(c, rel, "out of memory");
	p->vsrc = a;
	a += p->nvsrc++;
	if (s_copy(a->path, sizeof a->path, path) < 0)
		return s_fail(c, rel, "path too long");
	s_copy(a->lang, sizeof a->lang, s_src_lang(path));
	if (!c->v2 && !strcmp(a->lang, "python3") && s_python2(c, rel))
		s_copy(a->lang, sizeof a->lang, "python2");
	return 0;
}

/* The files of validator directory base (sub: where in it), recursively. */
static int s_src_walk(s_ctx *c, const char *base, const char *sub, int depth)
{
	char dir[1024], rel[1024], path[1024];
	size_t n;
	s_ent *e;
	int rc = 0;

	if (depth > MAX_VSRC_DEPTH)
		return s_fail(c, base, "directories nested deeper than %d levels", MAX_VSRC_DEPTH);
	if (s_join(dir, sizeof dir, base, sub) < 0 || s_list(c, dir, &e, &n) < 0)
		return s_fail(c, base, "path too long");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (s_join(path, sizeof path, sub, e[i].name) < 0 ||
		    s_join(rel, sizeof rel, base, path) < 0)
			rc = s_fail(c, dir, "path too long");
		else if (e[i].dir)
			rc = s_src_walk(c, base, path, depth + 1);
		else
			rc = s_src_add(c, rel, path);
	}
	free(e);
	return rc;
}

/* True when sources in languages a and b make one program (C with C++ is C++). */
static bool s_lang_fits(const char *a, const char *b)
{
	return !strcmp(a, b) || (!strcmp(a, "c") && !strcmp(b, "cpp")) ||
	       (!strcmp(a, "cpp") && !strcmp(b, "c"));
}

/* The program's language: "script" with build or run [L][D], else the one
 * language of its sources [JB]. */
static int s_prog_lang(s_ctx *c, const char *rel)
{
	static const char *const not_prog[] = { "", "header", "sh", NULL };
	problem *p = c->p;
	const char *lang = NULL;

	for (int i = 0; i < p->nvsrc; i++)
		if (!strcmp(p->vsrc[i].lang, "script"))
			return s_copy(p->validator_lang, sizeof p->validator_lang, "script");
	for (int i = 0; i < p->nvsrc; i++) {
		const char *l = p->vsrc[i].lang;

		if (s_in(l, not_prog))
			continue;
		if (lang && !s_lang_fits(lang, l))
			return s_fail(c, rel, "sources in both %s and %s: which language?", lang, l);
		if (!lang || !strcmp(l, "cpp"))
			lang = l;
	}
	if (!lang)
		return s_fail(c, rel, "no source file in a known language");
	return s_copy(p->validator_lang, sizeof p->validator_lang, lang);
}

/* The output validator program at rel: a file, or a directory of files. */
static int s_program(s_ctx *c, const char *rel)
{
	problem *p = c->p;
	const char *base = strrchr(rel, '/');
	struct stat st;
	int rc = s_stat(c, rel, &st);

	if (rc <= 0)
		return rc < 0 ? -1 : s_fail(c, rel, "missing");
	if (s_full(c, rel, p->validator_path, sizeof p->validator_path) < 0)
		return -1;
	p->custom_validation = true;
	if (S_ISDIR(st.st_mode))
		rc = s_src_walk(c, rel, "", 0);
	else
		rc = S_ISREG(st.st_mode) ? s_src_add(c, rel, base ? base + 1 : rel)
					 : s_fail(c, rel, "not a regular file or directory");
	return rc < 0 ? -1 : s_prog_lang(c, rel);
}

/* The one program in directory dir (legacy output_validators/): 1 with its
 * path in rel, 0 when dir is missing or empty, -1 when there are several. */
static int s_one_program(s_ctx *c, const char *dir, char *rel, size_t size)
{
	struct stat st;
	size_t n = 0;
	s_ent *e = NULL;
	int rc = s_stat(c, dir, &st);

	if (rc <= 0)
		return rc;
	if (!S_ISDIR(st.st_mode))
		return s_fail(c, dir, "not a directory");
	if (s_list(c, dir, &e, &n) < 0)
		return -1;
	rc = n == 0 ? 0 : 1;
	if (n > 1)
		rc = s_fail(c, dir, "%zu output validators: judgebox runs exactly one", n);
	if (rc > 0 && s_join(rel, size, dir, e[0].name) < 0)
		rc = s_fail(c, dir, "path too long");
	free(e);
	return rc;
}

/* [L] output_validators/ holds one program, used when validation is custom
 * (several are allowed by the spec; judgebox runs one [JB]). */
static int s_validator_legacy(s_ctx *c)
{
	struct stat st;
	char rel[600];
	int rc;

	if (!c->p->custom_validation) {
		if ((rc = s_stat(c, "output_validators", &st)) > 0)
			s_warn(c, "output_validators", "ignored: validation is default");
		return rc < 0 ? -1 : 0;
	}
	if ((rc = s_one_program(c, "output_validators", rel, sizeof rel)) < 0)
		return -1;
	if (rc == 0)
		return s_fail(c, "output_validators", "validation is custom, but there is no "
			      "output validator");
	return s_program(c, rel);
}

/* [D] output_validator/, or [JB] output_validator.<ext>, or the earlier
 * drafts' output_validators/: 1 with rel set, 0 when there is none. */
static int s_find_v2(s_ctx *c, char *rel, size_t size)
{
	struct stat st;
	int rc = s_stat(c, "output_validator", &st);

	if (rc != 0) {
		s_copy(rel, size, "output_validator");
		return rc < 0 ? -1 : S_ISDIR(st.st_mode) ? 1 : s_fail(c, rel, "not a directory");
	}
	for (size_t i = 0; i < sizeof s_langs / sizeof *s_langs; i++) {
		snprintf(rel, size, "output_validator%s", s_langs[i].ext);
		if (strcmp(s_langs[i].lang, "header") && (rc = s_stat(c, rel, &st)) != 0)
			return rc < 0 ? -1 : 1;
	}
	if ((rc = s_one_program(c, "output_validators", rel, size)) > 0)
		s_warn(c, "output_validators", "the legacy name (2023-07-draft: "
		       "output_validator/)");
	return rc;
}

/* [D] the output validator, required by interactive and multi-pass problems. */
static int s_validator_v2(s_ctx *c)
{
	problem *p = c->p;
	char rel[600];
	int rc = s_find_v2(c, rel, sizeof rel);

	if (rc < 0 || (rc > 0 && s_program(c, rel) < 0))
		return -1;
	if (rc == 0 && (p->interactive || p->multipass))
		return s_fail(c, "output_validator", "missing: %s problems need one",
			      p->interactive ? "interactive" : "multi-pass");
	return 0;
}

/* ---- Test group configuration ----------------------------------------- */

static const char *const s_td_legacy[] = {	/* [L]; requirements [JB] */
	"on_reject", "grading", "grader_flags", "input_validator_flags",
	"output_validator_flags", "accept_score", "reject_score", "range",
	"requirements", NULL,
};
static const char *const s_td_v2[] = {	/* [D] over its life; requirements [JB] */
	"scoring", "max_score", "score_aggregation", "require_pass",
	"input_validator_args", "output_validator_args", "input_validator_flags",
	"output_validator_flags", "static_validation", "full_feedback", "hint",
	"description", "requirements", NULL,
};
static const char *const s_scoring_keys[] = { "score", "aggregation", "require_pass", NULL };
static const char *const s_verdict_modes[] = {
	"worst_error", "first_error", "always_accept", NULL,
};
static const char *const s_score_modes[] = { "sum", "avg", "min", "max", NULL };

/* [L] the default grader's flags, from the group's (inherited) grader_flags:
 * the last of conflicting modes wins; ignore_sample only counts on data/. */
static int s_grader_flags(s_ctx *c, prob_group *g, const char *where)
{
	char buf[256], *save, *w;

	s_copy(g->aggregation, sizeof g->aggregation, "sum");
	s_copy(g->verdict_mode, sizeof g->verdict_mode, "worst_error");
	g->accept_if_any_accepted = g->ignore_sample = false;
	s_copy(buf, sizeof buf, g->grader_flags);
	for (w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (s_in(w, s_verdict_modes))
			s_copy(g->verdict_mode, sizeof g->verdict_mode, w);
		else if (s_in(w, s_score_modes))
			s_copy(g->aggregation, sizeof g->aggregation, w);
		else if (!strcmp(w, "ignore_sample"))
			g->ignore_sample = g->depth == 0;
		else if (!strcmp(w, "accept_if_any_accepted"))
			g->accept_if_any_accepted = true;
		else
			return s_fail(c, where, "grader_flags: unknown flag %s", w);
	}
	return 0;
}

/* [L] input_validator_flags / output_validator_flags: a string, or a map
 * {name, flags}; judgebox keeps the flags [JB]. */
static int s_vflags_legacy(s_ctx *c, const yaml_node_t *v, const char *key, char *dst, size_t size)
{
	static const char *const keys[] = { "name", "flags", NULL };
	const yaml_node_t *f;

	if (v->type != YAML_MAPPING_NODE)
		return s_str(c, v, key, dst, size);
	if (s_keys(c, v, key, keys) < 0)
		return -1;
	dst[0] = 0;
	return (f = s_get(c, v, "flags")) ? s_str(c, f, key, dst, size) : 0;
}

/* [L] grading: default; custom graders are refused [JB]. */
static int s_grading_mode(s_ctx *c, const yaml_node_t *v)
{
	char buf[16];

	if (s_str(c, v, "grading", buf, sizeof buf) < 0)
		return -1;
	if (!strcmp(buf, "custom"))
		return s_yfail(c, v, "grading", "custom graders are not supported");
	return strcmp(buf, "default") ? s_yfail(c, v, "grading", "not default or custom") : 0;
}

/* The [L] scoring keys: for scoring problems only (else a warning). */
static int s_td_scores(s_ctx *c, prob_group *g, const yaml_node_t *m)
{
	static const char *const keys[] = { "accept_score", "reject_score", "range", NULL };
	bool any = false;

	for (int i = 0; keys[i]; i++)
		any |= s_get(c, m, keys[i]) != NULL;
	if (any && !c->p->scoring) {
		s_warn(c, c->file, "accept_score, reject_score and range are for scoring "
		       "problems: ignored");
		return 0;
	}
	return s_scores(c, m, "", g);
}

/* A legacy testdata.yaml's keys over what group g inherited [L]. */
static int s_td_apply_legacy(s_ctx *c, prob_group *g, const yaml_node_t *m)
{
	const yaml_node_t *v;

	if (s_keys(c, m, "", s_td_legacy) < 0)
		return -1;
	if ((v = s_get(c, m, "on_reject")) && s_on_reject(c, v, "on_reject", g) < 0)
		return -1;
	if ((v = s_get(c, m, "grading")) && s_grading_mode(c, v) < 0)
		return -1;
	if ((v = s_get(c, m, "grader_flags")) &&
	    s_str(c, v, "grader_flags", g->grader_flags, sizeof g->grader_flags) < 0)
		return -1;
	if (v && g->depth > 0 && s_has_word(g->grader_flags, "ignore_sample"))
		s_warn(c, c->file, "grader_flags: ignore_sample only counts in data/testdata.yaml");
	if ((v = s_get(c, m, "input_validator_flags")) &&
	    s_vflags_legacy(c, v, "input_validator_flags", g->input_validator_flags,
			    sizeof g->input_validator_flags) < 0)
		return -1;
	if ((v = s_get(c, m, "output_validator_flags")) &&
	    s_vflags_legacy(c, v, "output_validator_flags", g->output_validator_flags,
			    sizeof g->output_validator_flags) < 0)
		return -1;
	return s_td_scores(c, g, m);
}

/* [D] score: a non-negative number or unbounded; a subgroup of secret is
 * unbounded only when secret is. */
static int s_max_score(s_ctx *c, const yaml_node_t *v, prob_group *g)
{
	const prob_group *a = g;
	const char *t = s_text(c, v, "max_score");

	if (!t)
		return -1;
	if (strcmp(t, "unbounded"))
		return s_num(c, v, "max_score", 0, 1e300, &g->max_score);
	g->max_score = INFINITY;
	while (a->depth > 1)
		a = &c->p->groups[a->parent];
	if (a != g && isfinite(a->max_score))
		return s_yfail(c, v, "max_score", "unbounded, but secret is not");
	return 0;
}

/* [D] aggregation: pass-fail | sum | min. */
static int s_aggregation(s_ctx *c, const yaml_node_t *v, prob_group *g)
{
	static const char *const modes[] = { "pass-fail", "sum", "min", NULL };
	char buf[16];

	if (s_str(c, v, "score_aggregation", buf, sizeof buf) < 0)
		return -1;
	if (!s_in(buf, modes))
		return s_yfail(c, v, "score_aggregation", "not pass-fail, sum or min");
	return s_copy(g->aggregation, sizeof g->aggregation, buf);
}

/* [D] the scoring keys, not inherited: flat max_score, score_aggregation,
 * require_pass (the final draft's names), or the map `scoring` {score,
 * aggregation, require_pass} (the 2024-25 drafts'). Secret and below only. */
static int s_td_scoring_v2(s_ctx *c, prob_group *g, const yaml_node_t *m)
{
	const yaml_node_t *s = s_get(c, m, "scoring"), *score = s_get(c, m, "max_score"),
			  *agg = s_get(c, m, "score_aggregation"),
			  *req = s_get(c, m, "require_pass");

	if (s && s_keys(c, s, "scoring", s_scoring_keys) < 0)
		return -1;
	score = score ? score : s_get(c, s, "score");
	agg = agg ? agg : s_get(c, s, "aggregation");
	req = req ? req : s_get(c, s, "require_pass");
	if (!score && !agg && !req)
		return 0;
	if (strncmp(g->path, "secret", 6) || (g->path[6] && g->path[6] != '/') || !c->p->scoring) {
		s_warn(c, c->file, "scoring keys are for secret groups of scoring problems: "
		       "ignored");
		return 0;
	}
	if ((agg && s_aggregation(c, agg, g) < 0) || (score && s_max_score(c, score, g) < 0))
		return -1;
	return req ? s_words(c, req, "require_pass", g->require_pass, sizeof g->require_pass) : 0;
}

/* [D] input_validator_args: a string or list; a map per validator is not
 * kept (a warning) [JB]. Earlier drafts: input_validator_flags. */
static int s_td_input_v2(s_ctx *c, prob_group *g, const yaml_node_t *m)
{
	const yaml_node_t *v = s_get(c, m, "input_validator_args");

	char *dst = g->input_validator_flags;
	size_t size = sizeof g->input_validator_flags;

	if (!v && (v = s_get(c, m, "input_validator_flags")))
		return s_str(c, v, "input_validator_flags", dst, size);
	if (v && v->type == YAML_MAPPING_NODE) {
		s_warn(c, c->file, "input_validator_args per validator: not recorded");
		return 0;
	}
	return v ? s_words(c, v, "input_validator_args", dst, size) : 0;
}

/* A 2023-07 test_group.yaml's keys over what group g inherited [D]. */
static int s_td_apply_v2(s_ctx *c, prob_group *g, const yaml_node_t *m)
{
	char *of = g->output_validator_flags;
	size_t size = sizeof g->output_validator_flags;
	const yaml_node_t *v;
	bool b = true;

	if (s_keys(c, m, "", s_td_v2) < 0 || s_td_scoring_v2(c, g, m) < 0 ||
	    s_td_input_v2(c, g, m) < 0)
		return -1;
	if ((v = s_get(c, m, "output_validator_args")) &&
	    s_words(c, v, "output_validator_args", of, size) < 0)
		return -1;
	if (!v && (v = s_get(c, m, "output_validator_flags")) &&
	    s_str(c, v, "output_validator_flags", of, size) < 0)
		return -1;
	if ((v = s_get(c, m, "full_feedback")) &&
	    s_bool(c, v, "full_feedback", &g->full_feedback) < 0)
		return -1;
	c->root_ff_set |= v && g->depth == 0;
	if (!(v = s_get(c, m, "static_validation")))
		return 0;
	if (v->type == YAML_SCALAR_NODE && s_bool(c, v, "static_validation", &b) < 0)
		return -1;
	return b ? s_yfail(c, v, "static_validation", "static validation is not supported") : 0;
}

/* [D] what follows from a group's scoring: on_reject (break unless sum or
 * min [PT]); a pass-fail group is bounded, and so are its subgroups. */
static int s_derive_v2(s_ctx *c, prob_group *g, const char *where)
{
	const prob_group *up = g->parent >= 0 ? &c->p->groups[g->parent] : NULL;

	g->on_reject_break = strcmp(g->aggregation, "sum") && strcmp(g->aggregation, "min");
	if (!strcmp(g->aggregation, "pass-fail") && isinf(g->max_score))
		return s_fail(c, where, "a pass-fail group must have a bounded score");
	if (up && !strcmp(up->aggregation, "pass-fail") && strcmp(g->aggregation, "pass-fail"))
		return s_fail(c, where, "subgroups of a pass-fail group must be pass-fail");
	return 0;
}

/* Apply the group's own yaml file rel (may be empty) to g. */
static int s_td_load(s_ctx *c, prob_group *g, const char *rel)
{
	yaml_document_t doc;
	yaml_node_t *root;
	int rc = s_yaml_open(c, rel, &doc, &root);

	if (rc <= 0)
		return rc;
	if (s_full(c, rel, g->config, sizeof g->config) < 0) {
		s_yaml_close(c, &doc);
		return -1;
	}
	rc = !root ? 0 : c->v2 ? s_td_apply_v2(c, g, root) : s_td_apply_legacy(c, g, root);
	if (rc == 0 && root && (root = s_get(c, root, "requirements")))
		rc = s_req_yaml(c, root, g->reqs, sizeof g->reqs);
	s_yaml_close(c, &doc);
	return rc;
}

/* Which yaml file configures group directory dir: [L] testdata.yaml; [D]
 * test_group.yaml, or testdata.yaml (earlier drafts), not both. 1 with its
 * path in rel, 0 when none. */
static int s_td_file(s_ctx *c, const char *dir, char *rel, size_t size)
{
	char alt[1024];
	struct stat st;
	int has, has_alt;

	if (s_join(rel, size, dir, c->v2 ? "test_group.yaml" : "testdata.yaml") < 0 ||
	    s_join(alt, sizeof alt, dir, c->v2 ? "testdata.yaml" : "test_group.yaml") < 0)
		return s_fail(c, dir, "path too long");
	if ((has = s_stat(c, rel, &st)) < 0 || (has_alt = s_stat(c, alt, &st)) < 0)
		return -1;
	if (has && has_alt && c->v2)
		return s_fail(c, dir, "both test_group.yaml and testdata.yaml");
	if (has_alt && !c->v2)
		s_warn(c, alt, "ignored: legacy packages use testdata.yaml");
	if (!has && has_alt && c->v2)
		return s_copy(rel, size, alt) < 0 ? -1 : 1;
	return has;
}

/* Group gi's configuration: its own file over what it inherited, then what
 * follows from it. */
static int s_group_config(s_ctx *c, const char *dir, int gi)
{
	char rel[1024];
	prob_group *g = &c->p->groups[gi];
	int rc = s_td_file(c, dir, rel, sizeof rel);

	if (rc < 0 || (rc > 0 && s_td_load(c, g, rel) < 0))
		return -1;
	if (rc == 0)
		s_copy(rel, sizeof rel, dir);
	if (c->v2)
		return s_derive_v2(c, g, rel);
	if (s_grader_flags(c, g, rel) < 0)
		return -1;
	if (g->ignore_sample && g->on_reject_break)
		s_warn(c, rel, "ignore_sample with on_reject: break may leave secret unjudged");
	return 0;
}

/* ---- Test data -------------------------------------------------------- */

/* Append group path under parent: every value inherited key by key ([L][D]
 * as problemtools reads them [PT]), except the [D] scoring keys, which take
 * their defaults (secret: sum, 100; below it pass-fail; full_feedback true
 * in sample unless data/ set it). Its index, or -1. */
static int s_group_new(s_ctx *c, const char *dir, const char *path, int parent, int depth)
{
	problem *p = c->p;
	prob_group *g;

	if (p->ngroups >= PROB_MAX_GROUPS)
		return s_fail(c, dir, "more than %d test groups", PROB_MAX_GROUPS);
	if (!(g = s_grow(p->groups, (size_t)p->ngroups, &c->gcap, sizeof *g)))
		return s_fail(c, dir, "out of memory");
	p->groups = g;
	g += p->ngroups;
	*g = parent < 0 ? c->root : p->groups[parent];
	if (s_copy(g->path, sizeof g->path, path) < 0)
		return s_fail(c, dir, "group path longer than %zu bytes", sizeof g->path - 1);
	g->parent = parent, g->depth = depth;
	g->first_test = p->ntests, g->ntests = 0;
	g->config[0] = 0;
	if (c->v2) {
		bool secret = !strcmp(path, "secret") && p->scoring;

		s_copy(g->aggregation, sizeof g->aggregation,
		       secret ? "sum" : depth ? "pass-fail" : "");
		g->max_score = secret ? 100 : NAN;
		g->require_pass[0] = 0;
		if (depth == 1 && !c->root_ff_set)
			g->full_feedback = !strcmp(path, "sample");
	}
	return p->ngroups++;
}

/* [D] test case configuration NAME.yaml: output_validator_args override the
 * group's; args (for the submission) are refused [JB]; the rest is unused. */
static int s_test_yaml_root(s_ctx *c, const yaml_node_t *m, prob_test *t)
{
	static const char *const keys[] = {
		"args", "output_validator_args", "input_validator_args",
		"full_feedback", "hint", "description", NULL,
	};
	const yaml_node_t *v;
	char args[256];

	if (!m)
		return 0;
	if (s_keys(c, m, "", keys) < 0)
		return -1;
	if ((v = s_get(c, m, "args")) && s_words(c, v, "args", args, sizeof args) < 0)
		return -1;
	if (v && *args)
		return s_yfail(c, v, "args", "arguments to submissions are not supported");
	v = s_get(c, m, "output_validator_args");
	return v ? s_words(c, v, "output_validator_args", t->output_validator_flags,
			   sizeof t->output_validator_flags) : 0;
}

/* Read the [D] test case configuration rel into t. */
static int s_test_yaml(s_ctx *c, const char *rel, prob_test *t)
{
	yaml_document_t doc;
	yaml_node_t *root;
	int rc = s_yaml_open(c, rel, &doc, &root);

	if (rc <= 0)
		return rc;
	rc = s_test_yaml_root(c, root, t);
	s_yaml_close(c, &doc);
	return rc;
}

/* The full paths of BASE.in, .ans, and .interaction (if any) of dir. */
static int s_test_paths(s_ctx *c, const char *dir, const char *base, const s_ent *ia, prob_test *t)
{
	char rel[1024];

	snprintf(rel, sizeof rel, "%s/%s.in", dir, base);
	if (s_full(c, rel, t->in, sizeof t->in) < 0)
		return -1;
	snprintf(rel, sizeof rel, "%s/%s.ans", dir, base);
	if (s_full(c, rel, t->ans, sizeof t->ans) < 0)
		return -1;
	snprintf(rel, sizeof rel, "%s/%s.interaction", dir, base);
	return ia ? s_full(c, rel, t->interaction, sizeof t->interaction) : 0;
}

/* Append test t. */
static int s_test_add(s_ctx *c, const char *where, const prob_test *t)
{
	problem *p = c->p;
	prob_test *a;

	if (p->ntests >= PROB_MAX_TESTS)
		return s_fail(c, where, "more than %d test cases", PROB_MAX_TESTS);
	if (!(a = s_grow(p->tests, (size_t)p->ntests, &c->tcap, sizeof *a)))
		return s_fail(c, where, "out of memory");
	p->tests = a;
	a[p->ntests++] = *t;
	return 0;
}

/* Test BASE of group gi in directory dir: BASE.in and BASE.ans [L][D], with
 * BASE.interaction, BASE.req [JB] and BASE.yaml [D] when present. */
static int s_test(s_ctx *c, const char *dir, int gi, const char *base, const s_ent *e, size_t n)
{
	const prob_group *g = &c->p->groups[gi];
	const s_ent *in = s_find_file(e, n, base, ".in"), *ans = s_find_file(e, n, base, ".ans"),
		    *ia = s_find_file(e, n, base, ".interaction");
	char rel[1024];
	prob_test t;

	memset(&t, 0, sizeof t);
	snprintf(rel, sizeof rel, "%s/%s.in", dir, base);
	if (!in || !ans)
		return s_fail(c, rel, "no %s.ans", base);
	if (c->v2 && !strcmp(base, "test_group"))
		return s_fail(c, rel, "a test case must not be called test_group");
	if (s_join(t.name, sizeof t.name, g->path, base) < 0)
		return s_fail(c, rel, "test name longer than %zu bytes", sizeof t.name - 1);
	memcpy(t.group, g->path, sizeof t.group);
	t.gidx = gi;
	t.sample = !strncmp(g->path, "sample", 6) && (!g->path[6] || g->path[6] == '/');
	t.in_size = in->size, t.ans_size = ans->size;
	memcpy(t.reqs, g->reqs, sizeof t.reqs);
	memcpy(t.output_validator_flags, g->output_validator_flags,
	       sizeof g->output_validator_flags);
	if (s_test_paths(c, dir, base, ia, &t) < 0)
		return -1;
	if (!ia && t.sample && c->p->interactive && !c->v2)
		s_warn(c, rel, "no .interaction (legacy: interactive samples need one)");
	snprintf(rel, sizeof rel, "%s/%s.req", dir, base);
	if (s_find_file(e, n, base, ".req") && s_req_file(c, rel, t.reqs, sizeof t.reqs) < 0)
		return -1;
	snprintf(rel, sizeof rel, "%s/%s.yaml", dir, base);
	if (c->v2 && s_find_file(e, n, base, ".yaml") && s_test_yaml(c, rel, &t) < 0)
		return -1;
	snprintf(rel, sizeof rel, "%s/%s.in", dir, base);
	return s_test_add(c, rel, &t);
}

/* Record rel as a statement-only interactive sample [L][D]. */
static int s_interaction(s_ctx *c, const char *rel)
{
	problem *p = c->p;
	char (*a)[512];

	if (!(a = s_grow(p->interactions, (size_t)p->ninteractions, &c->icap, sizeof *a)))
		return s_fail(c, rel, "out of memory");
	p->interactions = a;
	return s_full(c, rel, a[p->ninteractions++], sizeof *a);
}

/* A file of group gi that is not a test's .in: config files and extras
 * pass; .ans, .req, .yaml, .interaction without .in are warnings, except a
 * statement-only .interaction in an interactive problem's data/sample. */
static int s_loose_file(s_ctx *c, const char *dir, int gi, const char *name, const s_ent *e,
			size_t n)
{
	static const char *const exts[] = { ".ans", ".req", ".interaction", ".yaml", NULL };
	char rel[1024], base[256];
	const char *dot = strrchr(name, '.');

	if (!strcmp(name, "testdata.yaml") || !strcmp(name, "test_group.yaml") || !dot ||
	    !s_in(dot, exts) || (!strcmp(dot, ".yaml") && !c->v2))
		return 0;
	snprintf(base, sizeof base, "%.*s", (int)(dot - name), name);
	snprintf(rel, sizeof rel, "%s/%s", dir, name);
	if (s_find_file(e, n, base, ".in"))
		return 0;
	if (!strcmp(dot, ".interaction") && (c->p->interactive || c->p->multipass) &&
	    !strcmp(c->p->groups[gi].path, "sample"))
		return s_interaction(c, rel);
	s_warn(c, rel, "no %s.in: ignored", base);
	return 0;
}

/* A subdirectory of group gi: 1 when it is a group, 0 to skip. data/ has
 * sample and secret [L][D] ([D] also invalid_input, invalid_output,
 * valid_output, which judging does not use); [D] sample has no subgroups,
 * and NAME.files (files for the submission) is refused [JB]. */
static int s_subdir(s_ctx *c, const char *dir, int gi, const char *name)
{
	static const char *const v2_extra[] = {
		"invalid_input", "invalid_output", "valid_output", NULL,
	};
	const prob_group *g = &c->p->groups[gi];
	char rel[1024];

	snprintf(rel, sizeof rel, "%s/%s", dir, name);
	if (g->depth == 0) {
		if (!strcmp(name, "sample") || !strcmp(name, "secret"))
			return 1;
		if (!c->v2 || !s_in(name, v2_extra))
			s_warn(c, rel, "not sample or secret: ignored");
		return 0;
	}
	if (c->v2 && s_ends(name, ".files"))
		return s_fail(c, rel, "files for submissions are not supported");
	if (c->v2 && !strcmp(g->path, "sample"))
		return s_fail(c, rel, "data/sample must not have test groups (2023-07-draft)");
	return 1;
}

/* qsort order of items: byte order of base names [L][D]. */
static int s_item_cmp(const void *a, const void *b)
{
	return strcmp(((const s_item *)a)->name, ((const s_item *)b)->name);
}

/* The items of group gi into it[*k], sorted: its tests (by their .in) and
 * subgroups; the other files checked. */
static int s_items(s_ctx *c, const char *dir, int gi, const s_ent *e, size_t n, s_item *it,
		   size_t *k)
{
	int rc = 0;
	bool root = c->p->groups[gi].depth == 0;

	*k = 0;
	for (size_t i = 0; rc >= 0 && i < n; i++) {
		const char *name = e[i].name;
		bool test = !e[i].dir && !root && s_ends(name, ".in");

		if (e[i].dir ? (rc = s_subdir(c, dir, gi, name)) > 0 : test) {
			it[*k].group = e[i].dir;
			snprintf(it[(*k)++].name, sizeof it->name, "%.*s",
				 (int)(strlen(name) - (test ? 3 : 0)), name);
		} else if (!e[i].dir && root && strcmp(name, "testdata.yaml") &&
			   strcmp(name, "test_group.yaml")) {
			s_warn(c, dir, "%s: not in sample or secret: ignored", name);
		} else if (!e[i].dir) {
			rc = s_loose_file(c, dir, gi, name, e, n);
		}
	}
	if (rc < 0)
		return -1;
	qsort(it, *k, sizeof *it, s_item_cmp);
	for (size_t i = 1; i < *k; i++)
		if (!strcmp(it[i].name, it[i - 1].name))
			return s_fail(c, dir, "%s is both a test case and a test group",
				      it[i].name);
	return 0;
}

static int s_group(s_ctx *c, const char *dir, const char *path, int parent, int depth);

/* Walk the items of group gi in order: subgroups recursively, tests. */
static int s_walk(s_ctx *c, const char *dir, int gi, const s_ent *e, size_t n)
{
	size_t k = 0;
	s_item *it = malloc((n ? n : 1) * sizeof *it);
	int rc = it ? s_items(c, dir, gi, e, n, it, &k) : s_fail(c, dir, "out of memory");
	char sub[1024], path[1024];

	for (size_t i = 0; rc == 0 && i < k; i++) {
		if (!it[i].group) {
			rc = s_test(c, dir, gi, it[i].name, e, n);
			continue;
		}
		if (s_join(sub, sizeof sub, dir, it[i].name) < 0 ||
		    s_join(path, sizeof path, c->p->groups[gi].path, it[i].name) < 0)
			rc = s_fail(c, dir, "path too long");
		else
			rc = s_group(c, sub, path, gi, c->p->groups[gi].depth + 1);
	}
	free(it);
	return rc;
}

/* Group directory dir ("data/secret/g1") as path ("secret/g1") under
 * parent: its configuration, then its items. */
static int s_group(s_ctx *c, const char *dir, const char *path, int parent, int depth)
{
	int gi, rc;
	size_t n;
	s_ent *e;

	if (depth > PROB_MAX_DEPTH)
		return s_fail(c, dir, "test groups nested deeper than %d levels", PROB_MAX_DEPTH);
	if ((gi = s_group_new(c, dir, path, parent, depth)) < 0 || s_group_config(c, dir, gi) < 0)
		return -1;
	if (s_list(c, dir, &e, &n) < 0)
		return -1;
	rc = s_walk(c, dir, gi, e, n);
	free(e);
	c->p->groups[gi].ntests = c->p->ntests - c->p->groups[gi].first_test;
	return rc;
}

/* data/: sample (optional) and secret (with at least one test) [L][D]. */
static int s_data(s_ctx *c)
{
	struct stat st;
	int rc = s_stat(c, "data/secret", &st);

	if (rc < 0)
		return -1;
	if (rc == 0 || !S_ISDIR(st.st_mode))
		return s_fail(c, "data/secret", "%s", rc ? "not a directory" : "missing");
	if (s_group(c, "data", "", -1, 0) < 0)
		return -1;
	for (int i = 0; i < c->p->ngroups; i++)
		if (!strcmp(c->p->groups[i].path, "secret") && c->p->groups[i].ntests == 0)
			return s_fail(c, "data/secret", "no test cases");
	return 0;
}

/* ---- Loading ---------------------------------------------------------- */

/* The id: [a-z0-9][a-z0-9_-]{0,63} (PROTOCOL.md 14.2). */
static int s_set_id(s_ctx *c, const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (n == 0 || n > 64 || !(islower((unsigned char)*id) || isdigit((unsigned char)*id)) ||
	    strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n)
		return s_fail(c, "problem id", "must match [a-z0-9][a-z0-9_-]{0,63}");
	memcpy(c->p->id, id, n + 1);
	return 0;
}

/* The package directory: opened once; every path is resolved beneath it. */
static int s_open_pkg(s_ctx *c, const char *dir)
{
	problem *p = c->p;
	size_t n = dir ? strlen(dir) : 0;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 0 || n >= sizeof p->dir - 64)
		return s_fail(c, "package", "directory name empty or too long");
	memcpy(p->dir, dir, n);
	p->dir[n] = 0;
	if ((c->pkg = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return s_fail(c, p->dir, "%s", strerror(errno));
	return 0;
}

/* Everything, in order. */
static int s_load(s_ctx *c, const char *pkgdir, const char *id)
{
	if (s_set_id(c, id) < 0 || s_open_pkg(c, pkgdir) < 0)
		return -1;
	s_defaults(c);
	if (s_problem_yaml(c) < 0 || s_time_limit(c) < 0)
		return -1;
	if ((c->v2 ? s_validator_v2(c) : s_validator_legacy(c)) < 0)
		return -1;
	if (c->p->testlib && !c->p->custom_validation)
		return s_fail(c, "problem.yaml", "checker_style: testlib, but no output validator is used");
	return s_data(c);
}

int problem_load(const char *pkgdir, const char *id, problem *p, char *err, size_t errlen)
{
	s_ctx c = { .p = p, .pkg = -1, .err = err, .errlen = errlen };
	int rc;

	memset(p, 0, sizeof *p);
	if (err && errlen)
		err[0] = 0;
	rc = s_load(&c, pkgdir, id);
	if (c.pkg >= 0)
		close(c.pkg);
	if (rc < 0)
		problem_free(p);
	return rc < 0 ? -1 : 0;
}

void problem_free(problem *p)
{
	if (!p)
		return;
	free(p->groups);
	free(p->tests);
	free(p->vsrc);
	free(p->interactions);
	p->groups = NULL, p->tests = NULL, p->vsrc = NULL, p->interactions = NULL;
	p->ngroups = p->ntests = p->nvsrc = p->ninteractions = 0;
}
