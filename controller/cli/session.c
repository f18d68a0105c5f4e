/* session.c: judgebox session new|edit|run|show|history|list|rm, an
 * editor's session from the command line (PROTOCOL.md 18, judgebox(1)).
 * A session's files are kept by their base names; edit sends them back
 * with the version they were edited from, so that an edit made meanwhile
 * elsewhere is never overwritten (conflict: exit 3, the edited files are
 * kept).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"

/* The session id operand (the one after the subcommand). */
static int s_sid(const cli_t *x, uint64_t *id)
{
	if (cli_parse_uint(x->o.operands[1], 1, MAX_ID, id))
		return RC_OK;
	return cli_usage("not a session id", x->o.operands[1]);
}

/* files: [{name, content}] of the command line's operands from index first,
 * by base name; with one file and source, under that name (the language's
 * entry file). */
int session_add_files(cli_t *x, req_t *r, int first, const char *source)
{
	int n = x->o.noperands - first, rc = RC_OK;
	for (int i = first; i < x->o.noperands; i++)
		for (int k = first; k < i; k++)
			if (!strcmp(cli_basename(x->o.operands[i]), cli_basename(x->o.operands[k])))
				return cli_usage("two files with the same name", x->o.operands[i]);
	req_key(r, "files");
	mp_w_array(&r->w, (uint32_t)n);
	for (int i = first; i < x->o.noperands && rc == RC_OK; i++) {
		char *buf;
		size_t len;
		if ((rc = cli_slurp(x->o.operands[i], &buf, &len)) != RC_OK)
			break;
		mp_w_map(&r->w, 2);
		mp_w_kstr(&r->w, "name", n == 1 && source && *source ? source :
			  cli_basename(x->o.operands[i]));
		mp_w_kbin(&r->w, "content", buf, len);
		free(buf);
	}
	return rc;
}

/* A session's one-line summary, as new, edit and list print it. */
static void s_line(const msgpack_object *s)
{
	char lang[64];
	printf("%-8" PRIu64 " %-10s v%-6" PRIu64 " %3" PRIu64 " file%s %8" PRIu64 " bytes\n",
	       rd_u64(s, "id", 0), rd_str(s, "lang", lang, sizeof lang, "?"),
	       rd_u64(s, "version", 0), rd_u64(s, "nfiles", 0),
	       rd_u64(s, "nfiles", 0) == 1 ? " " : "s", rd_u64(s, "bytes", 0));
}

/* Send r; print the reply's session (JSON, or "ID" for new, else a line). */
static int s_call_session(cli_t *x, req_t *r, bool id_only)
{
	in_t in = { 0 };
	int rc = conn_call(x, r, conn_timeout(x), &in);
	const msgpack_object *s = rc == RC_OK ? rd_map(in.root, "session") : NULL;
	if (rc == RC_OK && !s) {
		fputs("judgebox: reply without a session\n", stderr);
		rc = RC_INTERNAL;
	}
	if (rc == RC_OK && x->o.json)
		json_fields(in.root);
	else if (rc == RC_OK && id_only)
		printf("%" PRIu64 "\n", rd_u64(s, "id", 0));
	else if (rc == RC_OK)
		s_line(s);
	in_free(&in);
	return rc;
}

/* session new (-l LANG [--template NAME] | FILE... [-l LANG]): its id. */
int cmd_session_new(cli_t *x)
{
	lang_t lang = { 0 };
	req_t r;
	int rc = RC_OK;
	if (x->o.noperands == 1 && !x->o.lang)
		return cli_usage("session new: -l LANG (a template), or files", NULL);
	if (x->o.noperands > 1 && x->o.template_name)
		return cli_usage("session new: --template or files, not both", NULL);
	x->files = x->o.operands + 1;
	x->nfiles = x->o.noperands - 1;
	if (x->nfiles)
		rc = lang_resolve(x, &lang);
	else
		snprintf(lang.id, sizeof lang.id, "%s", x->o.lang);
	if (rc != RC_OK)
		return rc;
	req_begin(&r, "session_create");
	req_kstr(&r, "lang", lang.id);
	if (x->o.template_name)
		req_kstr(&r, "template", x->o.template_name);
	if (x->nfiles && (rc = session_add_files(x, &r, 1, lang.source)) != RC_OK)
		return mp_w_free(&r.w), rc;
	return s_call_session(x, &r, true);
}

/* session_get of id: the reply in in, its session in *s. */
int session_get(cli_t *x, uint64_t id, in_t *in, const msgpack_object **s)
{
	req_t r;
	req_begin(&r, "session_get");
	req_kuint(&r, "id", id);
	int rc = conn_call(x, &r, conn_timeout(x), in);
	if (rc == RC_OK && !(*s = rd_map(in->root, "session"))) {
		fputs("judgebox: reply without a session\n", stderr);
		rc = RC_INTERNAL;
	}
	return rc;
}

/* session show ID: a summary line, then each file after "==> NAME <==". */
int cmd_session_show(cli_t *x)
{
	uint64_t id;
	in_t in = { 0 };
	const msgpack_object *s = NULL, *files;
	char name[300];
	int rc = s_sid(x, &id);
	if (rc == RC_OK)
		rc = session_get(x, id, &in, &s);
	if (rc == RC_OK && x->o.json)
		json_fields(in.root);
	else if (rc == RC_OK) {
		s_line(s);
		files = rd_array(s, "files");
		for (uint32_t i = 0; files && i < files->via.array.size; i++) {
			const msgpack_object *f = &files->via.array.ptr[i];
			printf("==> %s <==\n", rd_str(f, "name", name, sizeof name, "?"));
			write_bin(stdout, f, "content");
		}
	}
	in_free(&in);
	return rc;
}

/* session rm ID */
int cmd_session_rm(cli_t *x)
{
	uint64_t id;
	in_t in = { 0 };
	req_t r;
	int rc = s_sid(x, &id);
	if (rc != RC_OK)
		return rc;
	req_begin(&r, "session_delete");
	req_kuint(&r, "id", id);
	rc = conn_call(x, &r, conn_timeout(x), &in);
	if (rc == RC_OK && x->o.json)
		json_fields(in.root);
	else if (rc == RC_OK)
		printf("session %" PRIu64 " removed\n", id);
	in_free(&in);
	return rc;
}

/* session run ID [-i FILE | --stdin-text T] [LIMITS] [--label L] [--idem K]
 * [-- ARG...]: the run's job followed (or waited for) to its end, and
 * printed as run prints it. */
int cmd_session_run(cli_t *x)
{
	uint64_t id;
	in_t in = { 0 };
	req_t r;
	const msgpack_object *job = NULL;
	progress_t p = { .show = x->tty && !x->o.quiet, .inplace = true };
	int rc = s_sid(x, &id);
	if (rc != RC_OK)
		return rc;
	req_begin(&r, "session_run");
	req_kuint(&r, "id", id);
	if ((rc = run_add_options(x, &r)) != RC_OK)
		return mp_w_free(&r.w), rc;
	rc = run_send(x, &r, false, &in, &job);
	if (rc == RC_OK && !x->o.quiet && !x->o.json)
		fprintf(stderr, "judgebox: session %" PRIu64 " version %" PRIu64 ": job %"
			PRIu64 "\n", id, rd_u64(rd_map(in.root, "session"), "version", 0),
			rd_u64(job, "id", 0));
	return job_finish(x, rc, &p, &in, &job, false);
}

/* ---- history, list ---- */

static void s_build_history(const cli_t *x, req_t *r, const char *cursor)
{
	uint64_t id = 0;
	cli_parse_uint(x->o.operands[1], 1, MAX_ID, &id);
	req_begin(r, "session_history");
	req_kuint(r, "id", id);
	if (x->o.limit)
		req_kuint(r, "limit", x->o.limit);
	if (*cursor)
		req_kstr(r, "cursor", cursor);
}

/* "JOB VERSION STATE STATUS CREATED" */
static void s_history_line(const msgpack_object *run)
{
	const msgpack_object *job = rd_map(run, "job");
	char es[32], status[64], created[32];
	time_t t = (time_t)(rd_u64(job, "created_at", 0) / 1000);
	struct tm tm;
	if (!t || !localtime_r(&t, &tm) || !strftime(created, sizeof created, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(created, sizeof created, "-");
	printf("%-8" PRIu64 " v%-6" PRIu64 " %-10s %-14s %s\n", rd_u64(job, "id", 0),
	       rd_u64(run, "version", 0), rd_str(run, "editor_state", es, sizeof es, "?"),
	       rd_str(rd_map(job, "result"), "status", status, sizeof status, "-"), created);
}

/* session history ID: its runs, newest first. */
int cmd_session_history(cli_t *x)
{
	static const lister_t l = { "runs", s_build_history, s_history_line };
	uint64_t id;
	int rc = s_sid(x, &id);
	if (rc != RC_OK)
		return rc;
	if (!x->o.json)
		printf("%-8s %-7s %-10s %-14s %s\n", "JOB", "VERSION", "STATE", "STATUS", "CREATED");
	return list_pages(x, &l);
}

static void s_build_list(const cli_t *x, req_t *r, const char *cursor)
{
	req_begin(r, "session_list");
	if (x->o.limit)
		req_kuint(r, "limit", x->o.limit);
	if (*cursor)
		req_kstr(r, "cursor", cursor);
}

/* session list: mine, newest first. */
int cmd_session_list(cli_t *x)
{
	static const lister_t l = { "sessions", s_build_list, s_line };
	if (!x->o.json)
		printf("%-8s %-10s %-7s %9s %14s\n", "ID", "LANG", "VERSION", "FILES", "SIZE");
	return list_pages(x, &l);
}
