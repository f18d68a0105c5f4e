/* ops_sessions.c: sessions, an editor's backend (PROTOCOL.md 18):
 * session_create, _update, _get, _list, _delete, _run and _history.
 *
 * A session belongs to the user who made it: anyone else, admins too, gets
 * not_found, as for a session that never was or has expired. Every field
 * is checked before anything is written; an update is one UPDATE, in the
 * turn's transaction, so it is durable when its reply leaves. A run goes
 * the way of every run (ops_run.c), with the session's files as they are
 * at that moment; the job's spec and the session's history record the
 * version.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "ops.h"
#include "session.h"

#define PAGE_MAX	100	/* sessions or runs in one page */

/* Sessions used before this are expired (session_idle_s 0: never). */
static int64_t s_cutoff(const ctx_t *c, int64_t now)
{
	uint64_t idle = c->s->conf->session_idle_s;
	return idle ? now - (int64_t)idle * 1000 : INT64_MIN;
}

static void s_not_found(const ctx_t *c, uint64_t id)
{
	reply_error(c->r, "not_found", "id", NULL, NULL, "session %" PRIu64 " not found", id);
}

static void s_store_error(const ctx_t *c)
{
	reply_error(c->r, "unavailable", NULL, NULL, NULL, "the store cannot be written");
}

/* The required session id. */
static int s_id(const ctx_t *c, uint64_t *id)
{
	int r = rq_uint(c, "id", 1, MAX_INT53, id);
	if (r == 0)
		rq_bad(c, "id", "is required");
	return r > 0 ? 0 : -1;
}

/* A cap broken: bad_request naming the setting and its value. */
static int s_cap(const ctx_t *c, const char *field, const char *what, const char *key,
		 uint64_t cap)
{
	reply_error(c->r, "bad_request", field, &cap, NULL,
		    "%s: %s the cap of %" PRIu64 " (%s)", field, what, cap, key);
	return -1;
}

/* Does name a clash with name b: the same, or one a directory of the other? */
static bool s_clash(const char *a, size_t an, const char *b, size_t bn)
{
	size_t n = an < bn ? an : bn;
	if (memcmp(a, b, n))
		return false;
	return an == bn || (an > bn ? a : b)[n] == '/';
}

/* files[i] {name, content}: checked, written as [name, content]. */
static int s_file_in(const ctx_t *c, const msgpack_object *f, uint32_t i, sess_t *s, mp_w *w)
{
	const conf_t *g = c->s->conf;
	const msgpack_object *e = &f->via.array.ptr[i];
	bool map = e->type == MSGPACK_OBJECT_MAP;
	const char *np, *p, *op;
	size_t nn, n, on;
	char field[40];
	snprintf(field, sizeof field, "files.%u.name", i);
	if (!map || !mp_as_str(mp_get(e, "name"), &np, &nn) || !rq_file_name_ok(np, nn))
		return rq_bad(c, field, "a relative path of [A-Za-z0-9._+-] components, "
			      "not starting with '.' or '-'"), -1;
	for (uint32_t j = 0; j < i; j++)
		if (mp_as_str(mp_get(&f->via.array.ptr[j], "name"), &op, &on) &&
		    s_clash(np, nn, op, on))
			return rq_bad(c, field, "duplicates another file or its directory"), -1;
	snprintf(field, sizeof field, "files.%u.content", i);
	if (!mp_as_bin(mp_get(e, "content"), &p, &n))
		return rq_bad(c, field, "must be bin"), -1;
	if (n > g->session_max_file)
		return s_cap(c, field, "a file over", "session_max_file", g->session_max_file);
	if ((s->bytes += n) > g->session_max_total)
		return s_cap(c, "files", "all files together over", "session_max_total",
			     g->session_max_total);
	mp_w_array(w, 2);
	mp_w_strn(w, np, nn);
	mp_w_bin(w, p, n);
	return 0;
}

/* The request's files into w as a session stores them:
 * {"files": [[name, content], ...]}; their count and size into s. */
static int s_files_in(const ctx_t *c, sess_t *s, mp_w *w)
{
	const msgpack_object *f = mp_get(c->m, "files");
	if (!f || f->type != MSGPACK_OBJECT_ARRAY)
		return rq_bad(c, "files", "an array of {name, content}"), -1;
	if (f->via.array.size > c->s->conf->session_max_files)
		return s_cap(c, "files", "more files than", "session_max_files",
			     c->s->conf->session_max_files);
	s->nfiles = f->via.array.size;
	s->bytes = 0;
	mp_w_map(w, 1);
	mp_w_str(w, "files");
	mp_w_array(w, f->via.array.size);
	for (uint32_t i = 0; i < f->via.array.size; i++)
		if (s_file_in(c, f, i, s, w))
			return -1;
	return mp_w_ok(w) ? 0 : (reply_error(c->r, "internal", NULL, NULL, NULL,
					     "out of memory"), -1);
}

/* Template name's program for language l, read from the templates
 * directory (templates_dir, else "templates" beside languages_dir):
 * NAME plus the extension of l's source, e.g. c.c, java.java. */
static char *s_template_read(const ctx_t *c, const lang_t *l, const char *name, size_t *len)
{
	const conf_t *g = c->s->conf;
	const char *ext = strrchr(l->source, '.');
	char path[1200];
	if (*g->templates_dir)
		snprintf(path, sizeof path, "%s/%s%s", g->templates_dir, name, ext ? ext : "");
	else
		snprintf(path, sizeof path, "%s/../templates/%s%s", g->languages_dir, name,
			 ext ? ext : "");
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	size_t cap = g->session_max_file;
	char *buf = fd >= 0 ? malloc(cap + 1) : NULL;
	ssize_t n = buf ? read(fd, buf, cap + 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n < 0 || (size_t)n > cap)
		return free(buf), NULL;
	*len = (size_t)n;
	return buf;
}

/* template: a name (absent: the language's id) into w as stored files. */
static int s_template(const ctx_t *c, const lang_t *l, sess_t *s, mp_w *w)
{
	char name[65];
	int r = rq_str(c, "template", 1, 64, name);
	if (r < 0)
		return -1;
	if (r == 0)
		snprintf(name, sizeof name, "%s", l->id);
	else if (!rq_problem_id_ok(name))	/* the same alphabet as problem ids */
		return rq_bad(c, "template", "a name of [a-z0-9][a-z0-9_-]{0,63}"), -1;
	size_t len;
	char *p = s_template_read(c, l, name, &len);
	if (!p) {
		reply_error(c->r, "not_found", "template", NULL, NULL,
			    "template: no template %s for %s", name, l->id);
		return -1;
	}
	s->nfiles = 1;
	s->bytes = len;
	mp_w_map(w, 1);
	mp_w_str(w, "files");
	mp_w_array(w, 1);
	mp_w_array(w, 2);
	mp_w_str(w, l->source);
	mp_w_bin(w, p, len);
	free(p);
	return 0;
}

/* A session as the wire shows it; with its files ({name, content}) if
 * s->files is loaded. */
static void s_write(mp_w *w, const conf_t *g, const sess_t *s)
{
	size_t m = mp_w_map_begin(w);
	uint32_t n = 7;
	mp_w_kuint(w, "id", s->id);
	mp_w_kstr(w, "lang", s->lang);
	mp_w_kuint(w, "version", s->version);
	mp_w_kuint(w, "created_at", (uint64_t)s->created_at);
	mp_w_kuint(w, "updated_at", (uint64_t)s->updated_at);
	mp_w_kuint(w, "nfiles", s->nfiles);
	mp_w_kuint(w, "bytes", s->bytes);
	if (g->session_idle_s) {
		mp_w_kuint(w, "expires_at", (uint64_t)s->used_at + g->session_idle_s * 1000);
		n++;
	}
	mp_doc d;
	char err[128];
	const msgpack_object *f = NULL;
	if (s->files && !mp_parse(&d, s->files, s->files_len, false, err, sizeof err))
		f = mp_get(d.root, "files");
	if (f && f->type == MSGPACK_OBJECT_ARRAY) {
		mp_w_str(w, "files");
		render_files(w, f);
		n++;
	}
	if (s->files)
		mp_doc_free(&d);
	mp_w_map_end(w, m, n);
}

/* Reply {session: ...} with session id of the caller as stored now. */
static void s_reply_session(const ctx_t *c, uint64_t id, bool files)
{
	sess_t s;
	int r = session_load(c->s->store, id, c->r->user, INT64_MIN, files, &s);
	if (r)
		return r > 0 ? s_not_found(c, id) : s_store_error(c);
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_str(&rp.w, "session");
	s_write(&rp.w, c->s->conf, &s);
	rp.n++;
	sess_free(&s);
	reply_send(c->r, &rp);
}

/* The session's language: configured, and its toolchain here. */
static const lang_t *s_lang(const ctx_t *c, const char *id)
{
	const lang_t *l = conf_lang(c->s->conf, id);
	if (!l)
		reply_error(c->r, "bad_request", "lang", NULL, NULL,
			    "lang: unknown language '%s' (see languages)", id);
	else if (!l->available)
		reply_error(c->r, "unavailable", "lang", NULL, NULL,
			    "lang: %s is not available on this host: %s", id, l->reason);
	return l && l->available ? l : NULL;
}

void op_session_create(const ctx_t *c)
{
	sess_t s = { 0 };
	mp_w w;
	const lang_t *l;
	uint64_t id;
	int64_t now = now_ms();
	if (rq_str_req(c, "lang", 1, 32, s.lang) < 0 || !(l = s_lang(c, s.lang)))
		return;
	if (mp_get(c->m, "template") && mp_get(c->m, "files"))
		return rq_bad(c, "template", "give a template or files, not both");
	snprintf(s.user, sizeof s.user, "%s", c->r->user);
	mp_w_init(&w);
	int r = mp_get(c->m, "files") ? s_files_in(c, &s, &w) : s_template(c, l, &s, &w);
	if (r == 0) {
		s.files = w.buf, s.files_len = w.len;
		if (store_begin(c->s->store) || session_expire(c->s->store, s_cutoff(c, now)) < 0 ||
		    session_insert(c->s->store, &s, now, &id))
			r = -1, s_store_error(c);
	}
	mp_w_free(&w);
	if (r == 0)
		s_reply_session(c, id, false);
}

void op_session_update(const ctx_t *c)
{
	sess_t s = { 0 };
	uint64_t base, version;
	mp_w w;
	int64_t now = now_ms();
	if (s_id(c, &s.id))
		return;
	int r = rq_uint(c, "base_version", 1, MAX_INT53, &base);
	if (r == 0)
		rq_bad(c, "base_version", "is required (the version these files were edited from)");
	if (r <= 0)
		return;
	snprintf(s.user, sizeof s.user, "%s", c->r->user);
	mp_w_init(&w);
	if (s_files_in(c, &s, &w))
		return mp_w_free(&w);
	s.files = w.buf, s.files_len = w.len;
	r = store_begin(c->s->store) ? -1 :
	    session_update(c->s->store, &s, base, now, s_cutoff(c, now), &version);
	mp_w_free(&w);
	if (r == 0)
		s_reply_session(c, s.id, false);
	else if (r == 1)
		reply_error(c->r, "conflict", "base_version", NULL, NULL,
			    "base_version: %" PRIu64 " is stale: session %" PRIu64
			    " is at version %" PRIu64, base, s.id, version);
	else if (r == 2)
		s_not_found(c, s.id);
	else
		s_store_error(c);
}

void op_session_get(const ctx_t *c)
{
	uint64_t id;
	sess_t s;
	if (s_id(c, &id))
		return;
	int r = session_load(c->s->store, id, c->r->user, s_cutoff(c, now_ms()), false, &s);
	if (r)
		return r > 0 ? s_not_found(c, id) : s_store_error(c);
	s_reply_session(c, id, true);
}

void op_session_delete(const ctx_t *c)
{
	uint64_t id;
	if (s_id(c, &id))
		return;
	int r = store_begin(c->s->store) ? -1 :
		session_delete(c->s->store, id, c->r->user, s_cutoff(c, now_ms()));
	if (r <= 0)
		return r == 0 ? s_not_found(c, id) : s_store_error(c);
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_kbool(&rp.w, "deleted", true);
	rp.n++;
	reply_send(c->r, &rp);
}

/* limit (1 ... 100, default 20) and cursor (PREFIX then an id) of a page:
 * *before 0 from the newest. */
static int s_page(const ctx_t *c, char prefix, uint64_t *limit, uint64_t *before)
{
	char cursor[65];
	int k;
	*limit = 20, *before = 0;
	if (rq_uint(c, "limit", 1, PAGE_MAX, limit) < 0 ||
	    (k = rq_str(c, "cursor", 1, 64, cursor)) < 0)
		return -1;
	if (k == 0)
		return 0;
	unsigned long long b;
	int end = 0;
	if (cursor[0] != prefix || sscanf(cursor + 1, "%llu%n", &b, &end) != 1 ||
	    cursor[1 + end] || b == 0)
		return rq_bad(c, "cursor", "not a cursor of this listing"), -1;
	*before = b;
	return 0;
}

static void s_next(reply_t *rp, char prefix, uint64_t last)
{
	char next[32];
	snprintf(next, sizeof next, "%c%" PRIu64, prefix, last);
	mp_w_kstr(&rp->w, "next", next);
	rp->n++;
}

void op_session_list(const ctx_t *c)
{
	uint64_t limit, before, ids[PAGE_MAX + 1];
	int64_t cut = s_cutoff(c, now_ms());
	if (s_page(c, 's', &limit, &before))
		return;
	int n = session_ids(c->s->store, c->r->user, cut, before, ids, (int)limit + 1);
	if (n < 0)
		return s_store_error(c);
	bool more = n > (int)limit;
	n = more ? (int)limit : n;
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_str(&rp.w, "sessions");
	size_t m = mp_w_array_begin(&rp.w);
	uint32_t k = 0;
	for (int i = 0; i < n; i++) {
		sess_t s;
		if (session_load(c->s->store, ids[i], c->r->user, cut, false, &s))
			continue;
		s_write(&rp.w, c->s->conf, &s);
		k++;
	}
	mp_w_array_end(&rp.w, m, k);
	rp.n++;
	if (more)
		s_next(&rp, 's', ids[n - 1]);
	reply_send(c->r, &rp);
}

void op_session_run(const ctx_t *c)
{
	uint64_t id, job;
	sess_t s;
	const lang_t *l;
	int64_t now = now_ms();
	if (s_id(c, &id))
		return;
	int r = session_load(c->s->store, id, c->r->user, s_cutoff(c, now), true, &s);
	if (r)
		return r > 0 ? s_not_found(c, id) : s_store_error(c);
	run_src_t src = { s.files, s.files_len, id, s.version };
	r = (l = s_lang(c, s.lang)) ? ops_run_session(c, l, &src, &job) : -1;
	sess_free(&s);
	if (r < 0)
		return;
	if (r == 0 && session_add_run(c->s->store, id, job, src.version, now))
		return s_store_error(c);	/* the turn's commit may still keep the job */
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_str(&rp.w, "session");
	mp_w_map(&rp.w, 2);
	mp_w_kuint(&rp.w, "id", id);
	mp_w_kuint(&rp.w, "version", src.version);
	if (r == 1)
		mp_w_kbool(&rp.w, "dup", true), rp.n++;
	mp_w_str(&rp.w, "job");
	rp.n += 2;
	if (store_write_job(c->s->store, &rp.w, job, 0))
		return mp_w_free(&rp.w), reply_error(c->r, "internal", NULL, NULL, NULL,
						     "cannot read job");
	reply_send(c->r, &rp);
}

/* What an editor front-end calls a job's state (PROTOCOL.md 18.8). */
static const char *s_editor_state(int state, const char *status)
{
	if (state == S_QUEUED)
		return "QUEUED";
	if (state == S_COMPILING || state == S_RUNNING)
		return "RUNNING";
	if (state != S_JUDGED)
		return "FAILED";
	if (!strcmp(status, "cpu_limit") || !strcmp(status, "wall_limit"))
		return "TIMEOUT";
	return !strcmp(status, "ok") ? "COMPLETED" : "FAILED";
}

void op_session_history(const ctx_t *c)
{
	uint64_t id, limit, before;
	sess_run_t runs[PAGE_MAX + 1];
	sess_t s;
	if (s_id(c, &id) || s_page(c, 'h', &limit, &before))
		return;
	int r = session_load(c->s->store, id, c->r->user, s_cutoff(c, now_ms()), false, &s);
	if (r)
		return r > 0 ? s_not_found(c, id) : s_store_error(c);
	int n = session_runs(c->s->store, id, before, runs, (int)limit + 1);
	if (n < 0)
		return s_store_error(c);
	bool more = n > (int)limit;
	n = more ? (int)limit : n;
	reply_t rp;
	reply_start(&rp, c->r, true);
	mp_w_str(&rp.w, "runs");
	mp_w_array(&rp.w, (uint32_t)n);
	rp.n++;
	for (int i = 0; i < n; i++) {
		mp_w_map(&rp.w, 3);
		mp_w_kuint(&rp.w, "version", runs[i].version);
		mp_w_kstr(&rp.w, "editor_state", s_editor_state(runs[i].state, runs[i].status));
		mp_w_str(&rp.w, "job");
		if (store_write_job(c->s->store, &rp.w, runs[i].job, JW_SUMMARY))
			return mp_w_free(&rp.w), reply_error(c->r, "internal", NULL, NULL,
							     NULL, "cannot read job");
	}
	if (more)
		s_next(&rp, 'h', runs[n - 1].job);
	reply_send(c->r, &rp);
}
