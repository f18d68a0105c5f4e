/* jobs.c: the commands on jobs that exist: watch, status (get), cancel,
 * history; and the paged listing that history and problem list share.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include "cli.h"

/* A time of the daemon's (ms since the epoch) in local time; "-" if none. */
static void s_fmt_time(uint64_t ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (!ms || !localtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, size, "-");
}

/* "job ID  STATE  LANG  user USER  label LABEL  created TIME" */
static void s_print_header(const msgpack_object *job)
{
	char state[32], lang[64], user[300], label[300], created[32];
	s_fmt_time(rd_u64(job, "created_at", 0), created, sizeof created);
	printf("job %" PRIu64 "  %s  %s  user %s", rd_u64(job, "id", 0),
	       rd_str(job, "state", state, sizeof state, "?"),
	       rd_str(job, "lang", lang, sizeof lang, "?"),
	       rd_str(job, "user", user, sizeof user, "?"));
	if (rd_str(job, "label", label, sizeof label, NULL))
		printf("  label %s", label);
	printf("  created %s\n", created);
}

/* The job's files (status --source), each after a "==> NAME <==" line. */
static void s_print_files(const msgpack_object *job)
{
	const msgpack_object *files = rd_array(job, "files");
	char name[300];
	for (uint32_t i = 0; files && i < files->via.array.size; i++) {
		const msgpack_object *f = &files->via.array.ptr[i];
		if (f->type != MSGPACK_OBJECT_MAP)
			continue;
		printf("==> %s <==\n", rd_str(f, "name", name, sizeof name, "?"));
		write_bin(stdout, f, "content");
	}
}

/* ---- commands on one job ---- */

/* The job id operand. */
static int s_job_id(const cli_t *x, uint64_t *id)
{
	if (cli_parse_uint(x->o.operands[0], 1, MAX_ID, id))
		return RC_OK;
	return cli_usage("not a job id", x->o.operands[0]);
}

/* watch ID: progress on stderr, then the job as run prints it. */
int cmd_watch(cli_t *x)
{
	uint64_t id;
	in_t in = { 0 };
	const msgpack_object *job = NULL;
	progress_t p = { .show = !x->o.quiet, .inplace = x->tty };
	int rc = s_job_id(x, &id);
	if (rc == RC_OK)
		rc = job_follow(x, id, &p, &in, &job, false);
	progress_end(&p);
	if (rc == RC_OK)
		rc = show_job(x, job);
	in_free(&in);
	return rc;
}

/* status ID (get ID): a header line, then as run; --source adds the files. */
int cmd_status(cli_t *x)
{
	uint64_t id;
	in_t in = { 0 };
	const msgpack_object *job = NULL;
	int rc = s_job_id(x, &id);
	if (rc == RC_OK)
		rc = job_get(x, id, true, &in, &job);
	if (rc == RC_OK && !x->o.json)
		s_print_header(job);
	if (rc == RC_OK)
		rc = show_job(x, job);
	if ((rc == RC_OK || rc == RC_STATUS) && !x->o.json)
		s_print_files(job);
	in_free(&in);
	return rc;
}

/* cancel ID: exit 0 whether this request cancelled it or it had ended. */
int cmd_cancel(cli_t *x)
{
	uint64_t id;
	in_t in = { 0 };
	char state[32];
	int rc = s_job_id(x, &id);
	if (rc == RC_OK) {
		req_t r;
		req_begin(&r, "cancel");
		req_kuint(&r, "id", id);
		rc = conn_call(x, &r, conn_timeout(x), &in);
	}
	if (rc == RC_OK && x->o.json)
		json_fields(in.root);
	else if (rc == RC_OK && rd_bool(in.root, "cancelled"))
		printf("job %" PRIu64 " cancelled\n", id);
	else if (rc == RC_OK)
		printf("job %" PRIu64 " had already ended: %s\n", id,
		       rd_str(rd_map(in.root, "job"), "state", state, sizeof state, "?"));
	in_free(&in);
	return rc;
}

/* ---- history, and paged listings ---- */

/* "ID STATE STATUS LANG CREATED LABEL" */
static void s_history_line(const msgpack_object *job)
{
	char state[32], status[64], lang[64], label[300], created[32];
	s_fmt_time(rd_u64(job, "created_at", 0), created, sizeof created);
	/* The label last: it may be long (problem verify's are). */
	printf("%-8" PRIu64 " %-10s %-14s %-10s %-19s %s\n", rd_u64(job, "id", 0),
	       rd_str(job, "state", state, sizeof state, "?"),
	       rd_str(rd_map(job, "result"), "status", status, sizeof status, "-"),
	       rd_str(job, "lang", lang, sizeof lang, "?"), created,
	       rd_str(job, "label", label, sizeof label, "-"));
}

/* One list request: the filters, the page size and the cursor. */
static void s_build_list(const cli_t *x, req_t *r, const char *cursor)
{
	req_begin(r, "list");
	if (x->o.user)
		req_kstr(r, "user", x->o.user);
	if (x->o.nstates) {
		req_key(r, "state");
		mp_w_array(&r->w, (uint32_t)x->o.nstates);
		for (int i = 0; i < x->o.nstates; i++)
			mp_w_str(&r->w, x->o.states[i]);
	}
	if (x->o.lang)
		req_kstr(r, "lang", x->o.lang);
	if (x->o.label)
		req_kstr(r, "label", x->o.label);
	if (x->o.limit)
		req_kuint(r, "limit", x->o.limit);
	if (*cursor)
		req_kstr(r, "cursor", cursor);
}

/* One page; *cursor becomes its next, or "". */
static int s_page(cli_t *x, const lister_t *l, char *cursor, size_t size, int *count)
{
	req_t r;
	in_t in = { 0 };
	l->build(x, &r, cursor);
	int rc = conn_call(x, &r, conn_timeout(x), &in);
	const msgpack_object *items = rc == RC_OK ? rd_array(in.root, l->key) : NULL;
	if (rc == RC_OK && !items) {
		fprintf(stderr, "judgebox: reply without %s\n", l->key);
		rc = RC_INTERNAL;
	}
	for (uint32_t i = 0; items && i < items->via.array.size; i++) {
		const msgpack_object *it = &items->via.array.ptr[i];
		if (x->o.json) {
			fputs((*count)++ ? "," : "", stdout);
			json_value(stdout, it);
		} else if (it->type == MSGPACK_OBJECT_MAP)
			l->line(it);
	}
	if (rc == RC_OK && !rd_str(in.root, "next", cursor, size, NULL))
		*cursor = '\0';
	in_free(&in);
	return rc;
}

/* Every page asked for (one, or with --all all), as lines or one JSON
 * document {"KEY": [...], "next": ...}. */
int list_pages(cli_t *x, const lister_t *l)
{
	char cursor[512];
	int rc, count = 0;
	snprintf(cursor, sizeof cursor, "%s", x->o.cursor ? x->o.cursor : "");
	if (x->o.json)
		printf("{\"%s\":[", l->key);
	do
		rc = s_page(x, l, cursor, sizeof cursor, &count);
	while (rc == RC_OK && x->o.all && *cursor);
	if (x->o.json) {
		fputs("]", stdout);
		if (rc == RC_OK && *cursor) {
			fputs(",\"next\":", stdout);
			json_bytes(stdout, cursor, strlen(cursor));
		}
		puts("}");
	} else if (rc == RC_OK && *cursor)
		fprintf(stderr, "judgebox: more %s: --all, or --cursor %s\n", l->key, cursor);
	return rc;
}

/* history: newest first. */
int cmd_history(cli_t *x)
{
	static const lister_t l = { "jobs", s_build_list, s_history_line };
	if (!x->o.json)
		printf("%-8s %-10s %-14s %-10s %-19s %s\n", "ID", "STATE", "STATUS",
		       "LANG", "CREATED", "LABEL");
	return list_pages(x, &l);
}
