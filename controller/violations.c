/* violations.c: see violations.h.
 *
 * The syslog lines are written when the jail's report is handled, before
 * the turn's commit: the violation happened whether or not the store
 * keeps it. The events go through the outbox, after the commit, like
 * every event. Events carry no user name (PROTOCOL.md 11: anyone who can
 * connect to the events socket can subscribe); the flags operation, for
 * admins, says who.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "violations.h"

struct viol {
	const conf_t *c;
	store_t *st;
	outbox_t *out;
	metrics_t *m;
	int64_t next_prune;		/* monotonic ms */
};

viol_t *viol_new(const conf_t *c, store_t *st, outbox_t *out, metrics_t *m)
{
	viol_t *self = calloc(1, sizeof *self);
	if (!self)
		return NULL;
	self->c = c, self->st = st, self->out = out, self->m = m;
	self->next_prune = mono_ms();		/* once at start, then on the timer */
	return self;
}

void viol_destroy(viol_t **p)
{
	free(*p);
	*p = NULL;
}

/* A value for a key=value line: what a log pipeline can split on spaces
 * (the names are checked where they come from; this is the last guard). */
static const char *s_safe(const char *v, char *buf, size_t size)
{
	size_t i = 0;
	for (; v && v[i] && i + 1 < size; i++)
		buf[i] = strchr(" \t\n\r=\"\\", v[i]) || (unsigned char)v[i] < 32 ||
			 (unsigned char)v[i] > 126 ? '_' : v[i];
	buf[i] = 0;
	return i ? buf : "-";
}

/* The helper's args ("0x10,0x2a,0,...") as the wire shows them: 0 is 0x0. */
static const char *s_args(const char *args, char *buf, size_t size)
{
	char a[256], *save, *t;
	size_t n = 0;
	snprintf(a, sizeof a, "%s", args ? args : "");
	*buf = 0;
	for (t = strtok_r(a, ",", &save); t && n + 1 < size; t = strtok_r(NULL, ",", &save))
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "," : "",
				      strcmp(t, "0") ? t : "0x0");
	return buf;
}

/* The authpriv line of one violation (judgeboxd(8), SECURITY LOG). */
static void s_log_violation(const audit_job_t *j, int test, const char *policy,
			    const char *syscall, const char *args)
{
	char u[80], l[40], p[80], s[80], a[200], b[200], t[16] = "-";
	if (test >= 0)
		snprintf(t, sizeof t, "%d", test);
	syslog(LOG_AUTHPRIV | LOG_WARNING, "security: event=violation job=%" PRIu64
	       " test=%s user=%s lang=%s policy=%s syscall=%s args=%s", j->id, t,
	       s_safe(j->user, u, sizeof u), s_safe(j->lang, l, sizeof l),
	       s_safe(policy, p, sizeof p), s_safe(syscall, s, sizeof s),
	       s_safe(s_args(args, b, sizeof b), a, sizeof a));
}

/* security.violation. {event, job, test, lang, policy, syscall, at} */
static void s_event_violation(viol_t *self, const audit_viol_t *v)
{
	mp_w w;
	mp_w_init(&w);
	mp_w_map(&w, v->test >= 0 ? 7 : 6);
	mp_w_kstr(&w, "event", "violation");
	mp_w_kuint(&w, "job", v->job);
	if (v->test >= 0)
		mp_w_kuint(&w, "test", (uint64_t)v->test);
	mp_w_kstr(&w, "lang", v->lang);
	mp_w_kstr(&w, "policy", v->policy);
	mp_w_kstr(&w, "syscall", v->syscall);
	mp_w_kuint(&w, "at", (uint64_t)v->at);
	outbox_event(self->out, "security.violation.", &w);
}

int viol_record(viol_t *self, const audit_job_t *j, int test, const char *syscall,
		const char *args, int64_t now)
{
	const lang_t *l = conf_lang(self->c, j->lang);
	const char *policy = l ? l->policy : "unknown";
	audit_viol_t v = { now, j->id, test, j->user, j->lang, policy, syscall, args };
	store_begin(self->st);
	int r = audit_viol_add(self->st, &v);
	if (r == 0)
		return 0;		/* already recorded (the job's end seen twice) */
	s_log_violation(j, test, policy, syscall, args);
	metrics_violation(self->m, policy, syscall);
	s_event_violation(self, &v);
	return 1;
}

/* security.flag. {event, violations, threshold, window_ms, action, at} */
static void s_event_flag(viol_t *self, int64_t n, int64_t now)
{
	mp_w w;
	mp_w_init(&w);
	mp_w_map(&w, 6);
	mp_w_kstr(&w, "event", "flag");
	mp_w_kuint(&w, "violations", (uint64_t)n);
	mp_w_kuint(&w, "threshold", self->c->violations_per_hour);
	mp_w_kuint(&w, "window_ms", VIOL_WINDOW_MS);
	mp_w_kstr(&w, "action", self->c->violation_block ? "block" : "flag");
	mp_w_kuint(&w, "at", (uint64_t)now);
	outbox_event(self->out, "security.flag.", &w);
}

void viol_check_user(viol_t *self, const char *user, int64_t now)
{
	audit_flag_t f = { 0 };
	int has = audit_flag_get(self->st, user, &f);
	if (has < 0 || (has && f.active))
		return;
	/* An admin's clearing starts the count again. */
	int64_t since = now - VIOL_WINDOW_MS;
	if (has && f.cleared_at > since)
		since = f.cleared_at;
	int64_t n = audit_viol_count(self->st, user, since);
	if (n <= (int64_t)self->c->violations_per_hour)
		return;
	bool block = self->c->violation_block;
	if (audit_flag_set(self->st, user, now, (uint64_t)n, block))
		return;
	char u[80];
	syslog(LOG_AUTHPRIV | LOG_WARNING, "security: event=flag user=%s violations=%" PRId64
	       " window_s=%d threshold=%" PRIu64 " action=%s", s_safe(user, u, sizeof u), n,
	       VIOL_WINDOW_MS / 1000, self->c->violations_per_hour, block ? "block" : "flag");
	s_event_flag(self, n, now);
}

bool viol_blocked(viol_t *self, const char *user)
{
	audit_flag_t f;
	return audit_flag_get(self->st, user, &f) == 1 && f.active && f.blocked;
}

int viol_unflag(viol_t *self, const char *user, const char *by, int64_t now)
{
	if (store_begin(self->st))
		return -1;
	int r = audit_flag_clear(self->st, user, by, now);
	if (r == 1) {
		char u[80], b[80];
		syslog(LOG_AUTHPRIV | LOG_NOTICE, "security: event=unflag user=%s by=%s",
		       s_safe(user, u, sizeof u), s_safe(by, b, sizeof b));
	}
	return r;
}

bool viol_prune_due(viol_t *self, int64_t mono)
{
	if (mono < self->next_prune)
		return false;
	uint64_t every = self->c->prune_every_ms < 100 ? 100 : self->c->prune_every_ms;
	self->next_prune = mono + (int64_t)every;
	return true;
}

int64_t viol_prune_next(const viol_t *self)
{
	return self->next_prune;
}

int64_t viol_prune(viol_t *self, int64_t now)
{
	if (store_begin(self->st))
		return -1;
	int64_t n = audit_prune(self->st, now, self->c->violations_days, self->c->traces_days);
	if (n > 0)
		jlog(LOG_INFO, "retention: %" PRId64 " old violations and failure traces removed", n);
	return n;
}
