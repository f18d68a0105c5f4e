/* problem.c: the problem commands but verify (verify.c): import, show
 * and list (PROTOCOL.md 14.4).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"

/* Import DIR as problem id; the reply is left in in, its problem in *p.
 * DIR goes as an absolute path. A relative DIR must exist here; an
 * absolute one that does not is sent as it is (it names a directory on
 * the daemon's host, which may be another). */
int problem_import(cli_t *x, const char *id, const char *dir, in_t *in,
		   const msgpack_object **p)
{
	char *abs = realpath(dir, NULL);
	struct stat st;
	req_t r;
	memset(in, 0, sizeof *in);
	if (!abs && *dir != '/') {
		fprintf(stderr, "judgebox: %s: %s\n", dir, strerror(errno));
		return RC_USAGE;
	}
	if (abs && (stat(abs, &st) != 0 || !S_ISDIR(st.st_mode))) {
		fprintf(stderr, "judgebox: %s: not a directory (a problem package is one)\n", dir);
		free(abs);
		return RC_USAGE;
	}
	req_begin(&r, "problem_import");
	req_kuint(&r, "v", PROTO_V);
	req_kstr(&r, "problem", id);
	req_kstr(&r, "path", abs ? abs : dir);
	free(abs);
	/* The daemon reads the package before it answers: a waiting request. */
	int rc = conn_call(x, &r, conn_wait_timeout(x), in);
	if (rc == RC_OK && !(*p = rd_map(in->root, "problem"))) {
		fputs("judgebox: reply without a problem\n", stderr);
		rc = RC_INTERNAL;
	}
	return rc;
}

/* The package's warnings on stderr: one per line, each "FILE: what",
 * every one whole however many there are. */
void problem_warnings(const msgpack_object *p)
{
	const char *s, *nl;
	size_t n;
	if (!p || !mp_as_str(mp_get(p, "warnings"), &s, &n))
		return;
	for (const char *end = s + n; s < end; s = nl + 1) {
		if (!(nl = memchr(s, '\n', (size_t)(end - s))))
			nl = end;
		if (nl > s)
			fprintf(stderr, "judgebox: warning: %.*s\n", (int)(nl - s), s);
	}
}

/* problem import ID DIR */
int cmd_problem_import(cli_t *x)
{
	const char *id = x->o.operands[1];
	const msgpack_object *p = NULL;
	char name[300];
	in_t in;
	int rc = problem_import(x, id, x->o.operands[2], &in, &p);
	if (rc == RC_OK && x->o.json)
		json_fields(in.root);
	else if (rc == RC_OK)
		printf("imported %s: %s, %" PRIu64 " tests\n", id,
		       rd_str(p, "name", name, sizeof name, "?"), rd_u64(p, "tests", 0));
	if (rc == RC_OK)
		problem_warnings(p);
	in_free(&in);
	return rc;
}

/* A sample file's bytes, ended by a newline if they are not. */
static void s_print_sample(const msgpack_object *sample, const char *key)
{
	const char *p;
	size_t n;
	if (mp_as_bin(mp_get(sample, key), &p, &n) && n) {
		fwrite(p, 1, n, stdout);
		if (p[n - 1] != '\n')
			putchar('\n');
	}
}

/* problem show's text: the problem's figures, then its samples. */
static void s_problem_print(const msgpack_object *p)
{
	const msgpack_object *l = rd_map(p, "limits"), *samples = rd_array(p, "samples");
	char id[80], name[300], type[32], net[16], mem[32], out[32], sname[TEST_SHOW_MAX + 1];
	uint32_t ns = samples ? samples->via.array.size : 0;
	printf("problem %s  %s\n", rd_str(p, "id", id, sizeof id, "?"),
	       rd_str(p, "name", name, sizeof name, "?"));
	printf("type    %s\n", rd_str(p, "type", type, sizeof type, "?"));
	if (!strcmp(rd_str(p, "network", net, sizeof net, "none"), "loopback"))
		printf("network loopback (lo up in each run of a submission)\n");
	fmt_mem(rd_u64(l, "memory_kb", 0), mem, sizeof mem);
	fmt_mem(rd_u64(l, "fsize_kb", 0), out, sizeof out);
	printf("limits  cpu %" PRIu64 " ms  memory %s  output %s\n", rd_u64(l, "cpu_ms", 0),
	       mem, out);
	printf("tests   %" PRIu64 " (%" PRIu32 " sample%s)\n", rd_u64(p, "tests", 0), ns,
	       ns == 1 ? "" : "s");
	for (uint32_t i = 0; i < ns; i++) {
		const msgpack_object *sm = &samples->via.array.ptr[i];
		if (sm->type != MSGPACK_OBJECT_MAP)
			continue;
		rd_str(sm, "name", sname, sizeof sname, "?");
		printf("==> %s.in <==\n", sname);
		s_print_sample(sm, "input");
		printf("==> %s.ans <==\n", sname);
		s_print_sample(sm, "answer");
	}
}

/* problem show ID: the problem without its secret tests. */
int cmd_problem_show(cli_t *x)
{
	req_t r;
	in_t in = { 0 };
	req_begin(&r, "problem_get");
	req_kuint(&r, "v", PROTO_V);
	req_kstr(&r, "problem", x->o.operands[1]);
	int rc = conn_call(x, &r, conn_timeout(x), &in);
	const msgpack_object *p = rc == RC_OK ? rd_map(in.root, "problem") : NULL;
	if (rc == RC_OK && !p) {
		fputs("judgebox: reply without a problem\n", stderr);
		rc = RC_INTERNAL;
	}
	if (rc == RC_OK && x->o.json)
		json_fields(in.root);
	else if (rc == RC_OK)
		s_problem_print(p);
	in_free(&in);
	return rc;
}
/* One problem_list request: the page size and the cursor. */
static void s_problem_build(const cli_t *x, req_t *r, const char *cursor)
{
	req_begin(r, "problem_list");
	req_kuint(r, "v", PROTO_V);
	if (x->o.limit)
		req_kuint(r, "limit", x->o.limit);
	if (*cursor)
		req_kstr(r, "cursor", cursor);
}

/* A problem's id. */
static void s_problem_line(const msgpack_object *p)
{
	char id[80];
	if (rd_str(p, "id", id, sizeof id, NULL))
		puts(id);
}

/* problem list: ids in id order. */
int cmd_problem_list(cli_t *x)
{
	static const lister_t l = { "problems", s_problem_build, s_problem_line };
	return list_pages(x, &l);
}
