/* admin.c: the admins' commands (PROTOCOL.md 19): violations (the
 * security-violation log, paged), flags, unflag USER, metrics.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"

/* --since/--until: milliseconds since the epoch (digits), or an age
 * before now: N followed by s, m, h or d ("90m", "2d"). 0 on success. */
static int s_time(const char *opt, const char *arg, uint64_t *ms, uint64_t *age)
{
	char *end;
	unsigned long long n = strtoull(arg, &end, 10);
	static const struct { char u; uint64_t ms; } units[] = {
		{ 's', 1000 }, { 'm', 60000 }, { 'h', 3600000 }, { 'd', 86400000 } };
	if (end == arg || *arg == '-')
		return cli_usage(opt, arg);
	if (!*end) {
		*ms = n, *age = 0;
		return n ? RC_OK : cli_usage(opt, arg);
	}
	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (end[0] == units[i].u && !end[1] && n && n < (1ull << 53) / units[i].ms) {
			*age = n * units[i].ms;
			*ms = (uint64_t)cli_now() - *age;
			return RC_OK;
		}
	return cli_usage(opt, arg);
}

static void s_fmt_time(uint64_t ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (!ms || !localtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, size, "-");
}

/* ---- violations ---- */

/* "ID TIME JOB[/TEST] USER LANG POLICY SYSCALL(ARGS)" */
static void s_viol_line(const msgpack_object *v)
{
	char at[32], user[300], lang[64], pol[100], sc[100], job[48];
	const msgpack_object *args = rd_array(v, "args");
	s_fmt_time(rd_u64(v, "at", 0), at, sizeof at);
	uint64_t test = rd_u64(v, "test", UINT64_MAX);
	if (test != UINT64_MAX)
		snprintf(job, sizeof job, "%" PRIu64 "/%" PRIu64, rd_u64(v, "job", 0), test);
	else
		snprintf(job, sizeof job, "%" PRIu64, rd_u64(v, "job", 0));
	printf("%-6" PRIu64 " %-19s %-10s %-12s %-8s %-8s %s(", rd_u64(v, "id", 0), at, job,
	       rd_str(v, "user", user, sizeof user, "?"), rd_str(v, "lang", lang, sizeof lang, "?"),
	       rd_str(v, "policy", pol, sizeof pol, "?"), rd_str(v, "syscall", sc, sizeof sc, "?"));
	for (uint32_t i = 0; args && i < args->via.array.size; i++) {
		const msgpack_object *a = &args->via.array.ptr[i];
		if (a->type == MSGPACK_OBJECT_STR)
			printf("%s%.*s", i ? ", " : "", (int)a->via.str.size, a->via.str.ptr);
	}
	puts(")");
}

static void s_build_viol(const cli_t *x, req_t *r, const char *cursor)
{
	uint64_t ms, age;
	req_begin(r, "violations");
	if (x->o.user)
		req_kstr(r, "user", x->o.user);
	if (x->o.since && s_time("--since", x->o.since, &ms, &age) == RC_OK)
		req_kuint(r, "since", ms);
	if (x->o.until && s_time("--until", x->o.until, &ms, &age) == RC_OK)
		req_kuint(r, "until", ms);
	if (x->o.limit)
		req_kuint(r, "limit", x->o.limit);
	if (*cursor)
		req_kstr(r, "cursor", cursor);
}

/* violations [--user U] [--since T] [--until T]: newest first, paged. */
int cmd_violations(cli_t *x)
{
	static const lister_t l = { "violations", s_build_viol, s_viol_line };
	uint64_t ms, age;
	if ((x->o.since && s_time("--since: a time in ms or an age (90m, 2d)", x->o.since,
				  &ms, &age)) ||
	    (x->o.until && s_time("--until: a time in ms or an age (90m, 2d)", x->o.until,
				  &ms, &age)))
		return RC_USAGE;
	if (!x->o.json)
		printf("%-6s %-19s %-10s %-12s %-8s %-8s %s\n", "ID", "TIME", "JOB", "USER",
		       "LANG", "POLICY", "SYSCALL");
	return list_pages(x, &l);
}

/* ---- flags, unflag ---- */

int cmd_flags(cli_t *x)
{
	req_t r;
	in_t in = { 0 };
	req_begin(&r, "flags");
	int rc = conn_call(x, &r, conn_timeout(x), &in);
	const msgpack_object *f = rc == RC_OK ? rd_array(in.root, "flags") : NULL;
	if (rc == RC_OK && x->o.json)
		json_fields(in.root);
	else if (rc == RC_OK) {
		char act[16], user[300], at[32];
		printf("more than %" PRIu64 " violations in an hour: %s\n",
		       rd_u64(in.root, "threshold", 0), rd_str(in.root, "action", act, sizeof act, "?"));
		printf("%-20s %-6s %-10s %s\n", "USER", "ACTION", "VIOLATIONS", "FLAGGED");
		for (uint32_t i = 0; f && i < f->via.array.size; i++) {
			const msgpack_object *e = &f->via.array.ptr[i];
			s_fmt_time(rd_u64(e, "at", 0), at, sizeof at);
			printf("%-20s %-6s %-10" PRIu64 " %s\n", rd_str(e, "user", user, sizeof user, "?"),
			       rd_str(e, "action", act, sizeof act, "?"), rd_u64(e, "violations", 0), at);
		}
	}
	in_free(&in);
	return rc;
}

int cmd_unflag(cli_t *x)
{
	req_t r;
	in_t in = { 0 };
	req_begin(&r, "unflag");
	req_kstr(&r, "user", x->o.operands[0]);
	int rc = conn_call(x, &r, conn_timeout(x), &in);
	if (rc == RC_OK && x->o.json)
		json_fields(in.root);
	else if (rc == RC_OK)
		printf("%s: flag cleared\n", x->o.operands[0]);
	in_free(&in);
	return rc;
}

/* ---- metrics ---- */

/* The period's figures, then the Prometheus text. */
static void s_metrics_print(const msgpack_object *m)
{
	const msgpack_object *langs = rd_array(m, "languages"), *t = NULL;
	uint64_t jobs = rd_u64(m, "jobs", 0);
	printf("last %" PRIu64 " s: %" PRIu64 " jobs ended, %" PRIu64 " succeeded",
	       rd_u64(m, "period_ms", 0) / 1000, jobs, rd_u64(m, "succeeded", 0));
	if (jobs)
		printf(" (%.1f%%)", 100 * rd_float(m, "success_rate", 0));
	puts("");
	for (uint32_t i = 0; langs && i < langs->via.array.size; i++) {
		const msgpack_object *l = &langs->via.array.ptr[i];
		char id[64];
		uint64_t n = rd_u64(l, "jobs", 0);
		printf("  %-12s %6" PRIu64 " jobs  %5.1f%%  %" PRIu64 " succeeded\n",
		       rd_str(l, "lang", id, sizeof id, "?"), n, jobs ? 100.0 * (double)n / (double)jobs : 0,
		       rd_u64(l, "succeeded", 0));
	}
	for (uint32_t i = 0; m->type == MSGPACK_OBJECT_MAP && i < m->via.map.size; i++) {
		const msgpack_object_kv *kv = &m->via.map.ptr[i];
		if (kv->key.type == MSGPACK_OBJECT_STR && kv->key.via.str.size == 4 &&
		    !memcmp(kv->key.via.str.ptr, "text", 4) && kv->val.type == MSGPACK_OBJECT_STR)
			t = &kv->val;
	}
	if (t)
		printf("\n%.*s", (int)t->via.str.size, t->via.str.ptr);
}

/* metrics [--since AGE]: the figures of the last AGE (default 1h). */
int cmd_metrics(cli_t *x)
{
	req_t r;
	in_t in = { 0 };
	uint64_t ms, age = 0;
	if (x->o.until)
		return cli_usage("metrics takes --since AGE only", x->o.until);
	if (x->o.since && s_time("--since: an age (90m, 2d)", x->o.since, &ms, &age))
		return RC_USAGE;
	if (x->o.since && !age)
		return cli_usage("--since: an age (90m, 2d), not a time", x->o.since);
	req_begin(&r, "metrics");
	if (age)
		req_kuint(&r, "period_ms", age);
	int rc = conn_call(x, &r, conn_timeout(x), &in);
	if (rc == RC_OK && x->o.json)
		json_fields(in.root);
	else if (rc == RC_OK)
		s_metrics_print(in.root);
	in_free(&in);
	return rc;
}
