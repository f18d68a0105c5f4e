/* run.c: run and submit, and the parts of their request that test and
 * judge share (the program's files, its stdin, arguments and limits).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cli.h"

/* A name the daemon takes as a file's (PROTOCOL.md 7.1): [A-Za-z0-9._+-],
 * not starting with '.' or '-', at most 64 bytes. */
static bool s_name_ok(const char *b)
{
	size_t n = strlen(b);
	if (!n || n > 64 || *b == '.' || *b == '-')
		return false;
	return strspn(b, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789._+-") == n;
}

/* Does base name b match [mM][aA][iI][nN].* ? */
static bool s_is_main_name(const char *b)
{
	return !strncasecmp(b, "main.", 5);
}

/* The entry point of the program's files, by the Kattis format's rule (as
 * problemtools runs a submission): its one source file; else the one
 * named [mM][aA][iI][nN].*; else the source file first in byte order.
 * Other files come along. NULL if no file is a source of lang. */
static const char *s_entry(const cli_t *x, const lang_t *lang)
{
	const char *one = NULL, *main = NULL, *least = NULL;
	int nsrc = 0;
	for (int i = 0; i < x->nfiles; i++) {
		const char *b = cli_basename(x->files[i]);
		if (!lang_is_source(lang, b))
			continue;
		nsrc++;
		one = b;
		if (s_is_main_name(b) && (!main || strcmp(b, main) < 0))
			main = b;
		if (!least || strcmp(b, least) < 0)
			least = b;
	}
	return nsrc == 1 ? one : main ? main : least;
}

/* With several files, the names must differ and one must be a source
 * file: the entry point, into *entry. */
static int s_check_names(const cli_t *x, const lang_t *lang, const char **entry)
{
	for (int i = 0; i < x->nfiles; i++) {
		const char *b = cli_basename(x->files[i]);
		for (int k = 0; k < i; k++)
			if (!strcmp(b, cli_basename(x->files[k])))
				return cli_usage("two files with the same name", b);
	}
	if ((*entry = s_entry(x, lang)))
		return RC_OK;
	fprintf(stderr, "judgebox: no file is a source file of %s, so none can be the "
		"entry point\n", lang->id);
	return RC_USAGE;
}

/* The source: one file as source, several as files (their base names);
 * main names the entry point where it is not the language's source name
 * (one file keeps its own name, as problemtools and DOMjudge keep it, if
 * the daemon can take it as a file name). */
int run_add_sources(cli_t *x, req_t *r, const lang_t *lang)
{
	const char *entry = NULL;
	int rc = x->nfiles > 1 ? s_check_names(x, lang, &entry) : RC_OK;
	if (rc != RC_OK)
		return rc;
	if (x->nfiles == 1 && s_name_ok(cli_basename(x->files[0])))
		entry = cli_basename(x->files[0]);
	if (entry && strcmp(entry, lang->source))
		req_kstr(r, "main", entry);
	if (x->nfiles > 1) {
		req_key(r, "files");
		mp_w_array(&r->w, (uint32_t)x->nfiles);
	}
	for (int i = 0; i < x->nfiles && rc == RC_OK; i++) {
		char *buf;
		size_t len;
		if ((rc = cli_slurp(x->files[i], &buf, &len)) != RC_OK)
			break;
		if (x->nfiles == 1)
			req_key(r, "source");
		else {
			mp_w_map(&r->w, 2);
			mp_w_kstr(&r->w, "name", cli_basename(x->files[i]));
			mp_w_str(&r->w, "content");
		}
		mp_w_bin(&r->w, buf, len);
		free(buf);
	}
	return rc;
}

/* stdin, args, limits, label, idem. */
int run_add_options(cli_t *x, req_t *r)
{
	if (x->o.stdin_text) {
		req_key(r, "stdin");
		mp_w_bin(&r->w, x->o.stdin_text, strlen(x->o.stdin_text));
	} else if (x->o.stdin_file) {
		char *buf;
		size_t len;
		int rc = cli_slurp(x->o.stdin_file, &buf, &len);
		if (rc != RC_OK)
			return rc;
		req_key(r, "stdin");
		mp_w_bin(&r->w, buf, len);
		free(buf);
	}
	if (x->o.nargs) {
		req_key(r, "args");
		mp_w_array(&r->w, (uint32_t)x->o.nargs);
		for (int i = 0; i < x->o.nargs; i++)
			mp_w_str(&r->w, x->o.args[i]);
	}
	if (x->o.seen & F_LIMITS) {
		size_t mark;
		uint32_t n = 0;
		req_key(r, "limits");
		mark = mp_w_map_begin(&r->w);
		for (int i = 0; i < L_COUNT; i++)
			if (x->o.limits[i]) {
				mp_w_kuint(&r->w, wire_limit_names[i], x->o.limits[i]);
				n++;
			}
		mp_w_map_end(&r->w, mark, n);
	}
	if (x->o.label)
		req_kstr(r, "label", x->o.label);
	if (x->o.idem)
		req_kstr(r, "idem", x->o.idem);
	return RC_OK;
}

/* Build a run request from the command line. */
static int s_build_run(cli_t *x, req_t *r)
{
	lang_t lang;
	int rc = lang_pick(x, &lang);
	if (rc != RC_OK)
		return rc;
	req_begin(r, "run");
	req_kstr(r, "lang", lang.id);
	if ((rc = run_add_sources(x, r, &lang)) == RC_OK)
		rc = run_add_options(x, r);
	if (rc != RC_OK)
		mp_w_free(&r->w);
	return rc;
}

/* Send r, a request that makes a job (run, submit, test), waiting for
 * the job's end if wait; the job is left in in. */
int run_send(cli_t *x, req_t *r, bool wait, in_t *in, const msgpack_object **job)
{
	int rc = conn_call(x, r, wait ? conn_wait_timeout(x) : conn_timeout(x), in);
	if (rc == RC_NOANSWER)
		fputs("judgebox: the job may have been accepted: see judgebox history\n", stderr);
	if (rc == RC_OK && !(*job = rd_map(in->root, "job"))) {
		fputs("judgebox: reply without a job\n", stderr);
		rc = RC_INTERNAL;
	}
	return rc;
}

/* Send the run; its job (queued, or ended if wait) is left in in. */
static int s_send_run(cli_t *x, bool wait, in_t *in, const msgpack_object **job)
{
	req_t r;
	int rc = s_build_run(x, &r);
	if (rc != RC_OK)
		return rc;
	if (wait)
		req_wait(x, &r);
	return run_send(x, &r, wait, in, job);
}

/* run: with progress (stderr a terminal), submit and follow the events;
 * without, one run with wait. Either way, print the ended job. */
int cmd_run(cli_t *x)
{
	in_t in = { 0 };
	const msgpack_object *job = NULL;
	progress_t p = { .show = x->tty && !x->o.quiet, .inplace = true };
	int rc = s_send_run(x, !p.show, &in, &job);
	return job_finish(x, rc, &p, &in, &job, false);
}

/* submit: run without wait; print the id (with --json, the job). */
int cmd_submit(cli_t *x)
{
	in_t in = { 0 };
	const msgpack_object *job = NULL;
	int rc = s_send_run(x, false, &in, &job);
	if (rc == RC_OK && x->o.json) {
		json_value(stdout, job);
		putchar('\n');
	} else if (rc == RC_OK) {
		printf("%" PRIu64 "\n", rd_u64(job, "id", 0));
		if (rd_bool(in.root, "dup"))
			fputs("judgebox: this idem key was used before: that job, not a new one\n",
			      stderr);
	}
	in_free(&in);
	return rc;
}
