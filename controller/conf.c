/* conf.c: judgeboxd.conf(5) and the language files (judgebox-languages(5)).
 *
 * Both are `key = value` lines written by the administrator. A bad line is
 * an error with file:line, and the daemon refuses to start: a typo in a limit
 * must not silently become the default. A language whose toolchain is missing
 * is not an error: it is listed as unavailable, with the reason.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"

/* Shipped defaults and ceilings (PROTOCOL.md 7.6); conf and helper.conf may
 * lower the ceilings. */
static const limits_t s_def = { 1000, 3000, 262144, 64, 65536, 262144, 64,
				 65536, 0, 64 };	/* cpu_share 0: helper.conf's */
static const limits_t s_ceil = { 60000, 120000, 4194304, 1024, 1048576,
				 4194304, 1024, 1048576, 1000000, 1024 };
static const limits_t s_cdef = { 30000, 60000, 1048576, 256, 262144, 262144,
				 256, 262144, 0, 64 };

/* Split "key = value" in place; false for blank and comment lines. */
static bool s_split(char *line, char **key, char **val)
{
	char *e = line + strcspn(line, "\n");
	*e = 0;
	while (e > line && isspace((unsigned char)e[-1]))
		*--e = 0;
	while (isspace((unsigned char)*line))
		line++;
	if (!*line || *line == '#')
		return false;
	*key = line;
	char *eq = strchr(line, '=');
	if (!eq) {
		*val = NULL;
		return true;
	}
	char *k = eq;
	while (k > line && isspace((unsigned char)k[-1]))
		k--;
	*k = 0;
	eq++;
	while (isspace((unsigned char)*eq))
		eq++;
	*val = eq;
	return true;
}

static int s_uint(const char *v, uint64_t max, uint64_t *out)
{
	char *end;
	if (!v || !isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || *end || n > max)
		return -1;
	*out = n;
	return 0;
}

static int s_copy(char *dst, size_t size, const char *v)
{
	if (!v || strlen(v) >= size)
		return -1;
	strcpy(dst, v);
	return 0;
}

/* "limit NAME DEFAULT CEILING" */
static int s_limit_line(conf_t *c, const char *rest)
{
	char name[32];
	unsigned long long d, m;
	int n = 0;
	if (sscanf(rest, "%31s %llu %llu %n", name, &d, &m, &n) != 3 ||
	    rest[n] || d == 0 || d > m || strchr(rest + strlen(name), '-'))
		return -1;	/* strtoull would take "-1" for 2^64 - 1 */
	int i = wire_limit_index(name);
	if (i < 0)
		return -1;
	c->def[i] = d;
	c->ceil[i] = m;
	return 0;
}

/* "compile_limit NAME VALUE": the compile step's default (languages may
 * set their own); helper.conf's ceiling still applies. */
static int s_compile_limit_line(conf_t *c, const char *rest)
{
	char name[32];
	unsigned long long v;
	int n = 0;
	if (sscanf(rest, "%31s %llu %n", name, &v, &n) != 2 || rest[n] || v == 0 ||
	    strchr(rest + strlen(name), '-'))
		return -1;
	int i = wire_limit_index(name);
	if (i < 0 || i == L_OUTPUT)
		return -1;
	c->cdef[i] = v;
	return 0;
}

/* admins: user names (PROTOCOL.md 3.3), separated by spaces or commas. */
static bool s_admins_ok(const char *v)
{
	for (const char *p = v; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_.-: ,", *p))
			return false;
	return true;
}

struct ukey {
	const char *name;
	size_t off;
	uint64_t max;
};
#define UK(n, m) { #n, offsetof(conf_t, n), m }
static const struct ukey s_ukeys[] = {
	UK(queue_capacity, 1000000), UK(queue_per_user, 1000000),
	UK(max_waits, 100000), UK(max_attempts, 100), UK(history_days, 36500),
	UK(retry_ms, 3600000), UK(retry_max_ms, 86400000), UK(min_free_kb, 1u << 30),
	UK(drain_ms, 3600000), UK(cache_entries, 100000),
	UK(max_request, 1u << 30), UK(max_source, 1u << 30),
	UK(max_files, 1024), UK(max_files_total, 1u << 30),
	UK(max_stdin, 1u << 30), UK(max_args, 1024),
	UK(compile_output_kb, 1u << 20),
	UK(violations_per_hour, 1000000), UK(violations_days, 36500),
	UK(traces_days, 36500), UK(prune_every_ms, 86400000), UK(metrics_every_ms, 3600000),
	UK(session_idle_s, 315360000), UK(session_max_files, 1024),
	UK(session_max_file, 1u << 30), UK(session_max_total, 1u << 30),
};

static int s_conf_key(conf_t *c, const char *k, const char *v)
{
	struct { const char *name; char *dst; size_t size; } s[] = {
		{ "state_dir", c->state_dir, sizeof c->state_dir },
		{ "helper", c->helper, sizeof c->helper },
		{ "helper_conf", c->helper_conf, sizeof c->helper_conf },
		{ "languages_dir", c->languages_dir, sizeof c->languages_dir },
		{ "endpoint", c->endpoint, sizeof c->endpoint },
		{ "events", c->events, sizeof c->events },
		{ "admins", c->admins, sizeof c->admins },
		{ "log", c->log, sizeof c->log },
		{ "tcp_endpoint", c->tcp_endpoint, sizeof c->tcp_endpoint },
		{ "tcp_events", c->tcp_events, sizeof c->tcp_events },
		{ "server_key", c->server_key, sizeof c->server_key },
		{ "clients_dir", c->clients_dir, sizeof c->clients_dir },
		{ "metrics_dir", c->metrics_dir, sizeof c->metrics_dir },
		{ "templates_dir", c->templates_dir, sizeof c->templates_dir },
	};
	if (!strcmp(k, "admins") && (!v || !s_admins_ok(v)))
		return -1;
	if (!strcmp(k, "log") && (!v || (strcmp(v, "stderr") && strcmp(v, "syslog"))))
		return -1;
	bool may_be_empty = !strcmp(k, "admins") || !strncmp(k, "tcp_", 4) ||
			    !strcmp(k, "metrics_dir");
	for (size_t i = 0; i < sizeof s / sizeof *s; i++)
		if (!strcmp(k, s[i].name))
			return !v || (!*v && !may_be_empty) ? -1 :
			       s_copy(s[i].dst, s[i].size, v);
	for (size_t i = 0; i < sizeof s_ukeys / sizeof *s_ukeys; i++)
		if (!strcmp(k, s_ukeys[i].name))
			return s_uint(v, s_ukeys[i].max,
				      (uint64_t *)((char *)c + s_ukeys[i].off));
	uint64_t n;
	if (!strcmp(k, "boxes") || !strcmp(k, "first_box")) {
		if (s_uint(v, !strcmp(k, "boxes") ? 256 : 4096, &n))
			return -1;
		*(!strcmp(k, "boxes") ? &c->boxes : &c->first_box) = (unsigned)n;
		return 0;
	}
	if (!strcmp(k, "violation_action")) {
		if (!v || (strcmp(v, "flag") && strcmp(v, "block")))
			return -1;
		c->violation_block = !strcmp(v, "block");
		return 0;
	}
	if (!strcmp(k, "store_sync")) {
		if (!v || (strcmp(v, "full") && strcmp(v, "normal")))
			return -1;
		c->sync_full = !strcmp(v, "full");
		return 0;
	}
	return -2;
}

static void s_defaults(conf_t *c)
{
	memset(c, 0, sizeof *c);
	strcpy(c->state_dir, "/var/lib/judgebox/state");
	strcpy(c->helper, LIBEXECDIR "/judgebox-helper");
	strcpy(c->helper_conf, SYSCONFDIR "/judgebox/helper.conf");
	strcpy(c->languages_dir, SYSCONFDIR "/judgebox/languages.d");
	strcpy(c->endpoint, "ipc:///run/judgebox/requests.sock");
	strcpy(c->events, "ipc:///run/judgebox/events.sock");
	strcpy(c->admins, "root");
	strcpy(c->log, "stderr");
	strcpy(c->server_key, SYSCONFDIR "/judgebox/server.key_secret");
	strcpy(c->clients_dir, SYSCONFDIR "/judgebox/clients");
	c->queue_capacity = 10000;
	c->queue_per_user = 1000;
	c->max_waits = 1024;
	c->max_attempts = 3;
	c->retry_ms = 1000;
	c->retry_max_ms = 60000;
	c->min_free_kb = 1024;
	c->history_days = 30;
	c->drain_ms = 30000;
	c->cache_entries = 256;
	c->max_request = 16 << 20;
	c->max_source = 1 << 20;
	c->max_files = 64;
	c->max_files_total = 4 << 20;
	c->max_stdin = 8 << 20;
	c->max_args = 64;
	c->compile_output_kb = 64;
	c->violations_per_hour = 5;
	c->violations_days = 30;
	c->traces_days = 7;
	c->prune_every_ms = 3600000;
	c->metrics_every_ms = 5000;
	c->session_idle_s = 604800;
	c->session_max_files = 32;
	c->session_max_file = 256 << 10;
	c->session_max_total = 1 << 20;
	c->sync_full = true;
	memcpy(c->def, s_def, sizeof c->def);
	memcpy(c->ceil, s_ceil, sizeof c->ceil);
	memcpy(c->cdef, s_cdef, sizeof c->cdef);
	memcpy(c->hceil, s_ceil, sizeof c->hceil);
}

/* The helper's ceilings bound ours: a run above them would only fail later.
 * helper.conf is root-owned and normally world-readable; if it is not, the
 * helper still enforces its ceilings and a run above them fails. */
static void s_helper_limits(conf_t *c)
{
	FILE *f = fopen(c->helper_conf, "r");
	if (!f) {
		jlog(LOG_WARNING, "%s: %s; using judgeboxd.conf ceilings only",
		     c->helper_conf, strerror(errno));
		return;
	}
	char line[512], name[32];
	unsigned long long d, m;
	bool share = false;
	while (fgets(line, sizeof line, f)) {
		char root[512];
		if (sscanf(line, " box_root %511s", root) == 1)
			snprintf(c->box_root, sizeof c->box_root, "%s", root);
		if (sscanf(line, " limit %31s %llu %llu", name, &d, &m) != 3)
			continue;
		int i = wire_limit_index(name);
		if (i < 0 || i == L_OUTPUT)
			continue;
		if (i == L_SHARE && !c->def[i])	/* unset here: helper.conf's */
			c->def[i] = d;
		share |= i == L_SHARE;
		c->hceil[i] = m;
		if (m < c->ceil[i])
			c->ceil[i] = m;
		if (c->def[i] > c->ceil[i])
			c->def[i] = c->ceil[i];
		if (c->cdef[i] > m)
			c->cdef[i] = m;
	}
	fclose(f);
	if (!share)	/* optional in helper.conf: without it, no run may ask */
		c->def[L_SHARE] = c->ceil[L_SHARE] = c->hceil[L_SHARE] = 0;
}

int conf_load(conf_t *c, const char *path)
{
	s_defaults(c);
	FILE *f = path ? fopen(path, "re") : NULL;
	struct stat st;
	if (path && (!f || fstat(fileno(f), &st) || !S_ISREG(st.st_mode))) {
		jlog(LOG_ERR, "%s: %s", path, f ? "not a regular file" : strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	char line[2048];
	for (int ln = 1; f && fgets(line, sizeof line, f); ln++) {
		char *k, *v;
		if (!s_split(line, &k, &v))
			continue;
		int r;
		if (!strncmp(k, "limit ", 6) && !v)
			r = s_limit_line(c, k + 6);
		else if (!strncmp(k, "compile_limit ", 14) && !v)
			r = s_compile_limit_line(c, k + 14);
		else
			r = s_conf_key(c, k, v);
		if (r) {
			jlog(LOG_ERR, "%s:%d: %s '%s'", path, ln,
			     r == -2 ? "unknown setting" : "bad value for", k);
			fclose(f);
			return -1;
		}
	}
	if (f)
		fclose(f);
	s_helper_limits(c);
	if (!*c->box_root) {
		jlog(LOG_ERR, "%s: no box_root: the daemon reads it (and the ceilings) "
		     "from helper.conf, which must be readable", c->helper_conf);
		return -1;
	}
	if (!*c->tcp_endpoint != !*c->tcp_events ||
	    (*c->tcp_endpoint && (strncmp(c->tcp_endpoint, "tcp://", 6) ||
				  strncmp(c->tcp_events, "tcp://", 6)))) {
		jlog(LOG_ERR, "%s: tcp_endpoint and tcp_events go together, "
		     "both tcp://ADDR:PORT", path);
		return -1;
	}
	if (strncmp(c->endpoint, "ipc://", 6) || strncmp(c->events, "ipc://", 6)) {
		jlog(LOG_ERR, "%s: endpoint and events must be ipc:// (TCP is "
		     "tcp_endpoint and tcp_events, with CURVE)", path);
		return -1;
	}
	if (c->boxes == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		c->boxes = n > 0 ? (unsigned)n : 1;
	}
	return 0;
}

bool conf_is_admin(const conf_t *c, const char *user)
{
	char list[sizeof c->admins], *save, *t;
	strcpy(list, c->admins);
	for (t = strtok_r(list, " ,", &save); t; t = strtok_r(NULL, " ,", &save))
		if (!strcmp(t, user))
			return true;
	return false;
}

const lang_t *conf_lang(const conf_t *c, const char *id)
{
	for (size_t i = 0; i < c->nlangs; i++)
		if (!strcmp(c->langs[i].id, id))
			return &c->langs[i];
	return NULL;
}

uint64_t conf_retry_ms(const conf_t *c, uint64_t n)
{
	uint64_t ms = c->retry_ms;
	while (n-- > 1 && ms < c->retry_max_ms)
		ms *= 2;
	return ms < c->retry_max_ms ? ms : c->retry_max_ms;
}

/* "key=value key=value" into a limits array. */
static int s_lang_limits(const char *v, limits_t l, bool *has)
{
	char buf[512], *save, *t;
	if (s_copy(buf, sizeof buf, v))
		return -1;
	for (t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(t, '=');
		if (!eq)
			return -1;
		*eq = 0;
		int i = wire_limit_index(t);
		if (i < 0 || i == L_OUTPUT || s_uint(eq + 1, UINT32_MAX, &l[i]) ||
		    l[i] == 0)
			return -1;
		has[i] = true;
	}
	return 0;
}

static int s_requires(lang_t *l, const char *v)
{
	char buf[1024], *save, *t;
	if (s_copy(buf, sizeof buf, v))
		return -1;
	for (t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (*t != '/')
			return -1;
		if (l->available && access(t, F_OK) != 0) {
			l->available = false;
			snprintf(l->reason, sizeof l->reason, "%s: not found", t);
		}
	}
	return 0;
}

static int s_lang_key(lang_t *l, const char *k, const char *v)
{
	struct { const char *name; char *dst; size_t size; } s[] = {
		{ "name", l->name, sizeof l->name },
		{ "source", l->source, sizeof l->source },
		{ "extensions", l->exts, sizeof l->exts },
		{ "version", l->version_cmd, sizeof l->version_cmd },
		{ "compile", l->compile, sizeof l->compile },
		{ "artifacts", l->artifacts, sizeof l->artifacts },
		{ "run", l->run, sizeof l->run },
		{ "policy", l->policy, sizeof l->policy },
		{ "network", l->network, sizeof l->network },
	};
	for (size_t i = 0; i < sizeof s / sizeof *s; i++)
		if (!strcmp(k, s[i].name))
			return *s[i].dst ? -3 : s_copy(s[i].dst, s[i].size, v);
	if (!strcmp(k, "requires"))
		return s_requires(l, v);
	if (!strcmp(k, "env")) {
		if (l->nenv == 8 || !v || !strchr(v, '='))
			return -1;
		return s_copy(l->env[l->nenv++], sizeof l->env[0], v);
	}
	if (!strcmp(k, "limits"))
		return s_lang_limits(v, l->limits, l->has_limits);
	if (!strcmp(k, "compile_limits"))
		return s_lang_limits(v, l->climits, l->has_climits);
	return -2;
}

/* Start the version command on the host; its first non-empty output line
 * is read by s_probe_finish. All probes run at once: start-up waits for the
 * slowest toolchain (a JVM), not for the sum of them. */
static FILE *s_probe_start(const lang_t *l)
{
	if (!*l->version_cmd || !l->available)
		return NULL;
	char cmd[600];
	snprintf(cmd, sizeof cmd, "exec %s 2>&1 </dev/null", l->version_cmd);
	return popen(cmd, "r");
}

static void s_probe_finish(lang_t *l, FILE *p)
{
	char line[256];
	if (!p)
		return;
	while (fgets(line, sizeof line, p)) {
		char *k, *v;
		if (!*l->version && s_split(line, &k, &v))
			snprintf(l->version, sizeof l->version, "%s%s%s", k,
				 v ? "=" : "", v ? v : "");
	}
	pclose(p);
}

static int s_lang_load(conf_t *c, const char *dir, const char *file)
{
	char path[1024], line[2048];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	FILE *f = fopen(path, "r");
	if (!f)
		return jlog(LOG_ERR, "%s: %s", path, strerror(errno)), -1;
	lang_t *l = &c->langs[c->nlangs];
	memset(l, 0, sizeof *l);
	snprintf(l->id, sizeof l->id, "%.*s", (int)(strlen(file) - 5), file);
	l->available = true;
	int r = 0, ln;
	for (ln = 1; !r && fgets(line, sizeof line, f); ln++) {
		char *k, *v;
		if (s_split(line, &k, &v))
			r = s_lang_key(l, k, v);
	}
	fclose(f);
	if (!r && *l->network && strcmp(l->network, "none") && strcmp(l->network, "loopback"))
		r = -1, ln = 0;		/* network = none | loopback */
	if (!r && (!*l->name || !*l->source || !*l->exts || !*l->run ||
		   (*l->compile && !*l->artifacts)))
		r = -4, ln = 0;
	if (r) {
		const char *why[] = { "", "bad value", "unknown key",
				      "key given twice",
				      "needs name, source, extensions, run "
				      "(and artifacts with compile)" };
		jlog(LOG_ERR, "%s:%d: %s", path, ln - (ln > 0), why[-r]);
		return -1;
	}
	if (!*l->policy)
		strcpy(l->policy, "default");
	c->nlangs++;
	return 0;
}

static bool s_lang_name_ok(const char *f)
{
	size_t n = strlen(f);
	if (n < 6 || n > 37 || strcmp(f + n - 5, ".conf"))
		return false;
	if (!islower((unsigned char)*f) && !isdigit((unsigned char)*f))
		return false;
	for (size_t i = 0; i < n - 5; i++)
		if (!islower((unsigned char)f[i]) && !isdigit((unsigned char)f[i]) &&
		    !strchr("_+-", f[i]))
			return false;
	return true;
}

int conf_load_languages(conf_t *c)
{
	struct dirent **ents;
	int n = scandir(c->languages_dir, &ents, NULL, alphasort);
	if (n < 0)
		return jlog(LOG_ERR, "%s: %s", c->languages_dir,
			    strerror(errno)), -1;
	c->langs = calloc((size_t)n + 1, sizeof *c->langs);
	int r = c->langs ? 0 : -1;
	for (int i = 0; i < n; i++) {
		if (!r && s_lang_name_ok(ents[i]->d_name))
			r = s_lang_load(c, c->languages_dir, ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	FILE **probes = calloc(c->nlangs + 1, sizeof *probes);
	for (size_t i = 0; probes && i < c->nlangs; i++)
		probes[i] = s_probe_start(&c->langs[i]);
	for (size_t i = 0; probes && i < c->nlangs; i++)
		s_probe_finish(&c->langs[i], probes[i]);
	free(probes);
	return r;
}

void conf_free(conf_t *c)
{
	free(c->langs);
	c->langs = NULL;
	c->nlangs = 0;
}
