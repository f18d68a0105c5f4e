/* policy.c: compile a root-owned text policy with libseccomp; the format is
 * judgebox-policy(5). Every line is checked: an unknown syscall name, action
 * or condition is an error with file and line, never silently ignored. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "helper.h"

static const struct { const char *name; int nr; } errnos[] = {
	{ "EPERM", EPERM }, { "EACCES", EACCES }, { "ENOSYS", ENOSYS },
	{ "EAFNOSUPPORT", EAFNOSUPPORT }, { "EINVAL", EINVAL },
	{ "EOPNOTSUPP", EOPNOTSUPP }, { "ENOMEM", ENOMEM }, { "EAGAIN", EAGAIN },
};

static char where[340];        /* "file:line" of the line being compiled */

/* An action word: allow, violation or errno:NAME (or errno:NUMBER). */
static uint32_t s_action(const char *w)
{
	char *end;
	long n;

	if (!strcmp(w, "allow"))
		return SCMP_ACT_ALLOW;
	if (!strcmp(w, "violation"))
		return seccomp_api_get() >= 5 ? SCMP_ACT_NOTIFY : SCMP_ACT_KILL_PROCESS;
	if (!strncmp(w, "errno:", 6)) {
		for (size_t i = 0; i < sizeof errnos / sizeof *errnos; i++)
			if (!strcmp(w + 6, errnos[i].name))
				return SCMP_ACT_ERRNO(errnos[i].nr);
		n = strtol(w + 6, &end, 10);
		if (w[6] && !*end && n > 0 && n < 4096)
			return SCMP_ACT_ERRNO((uint32_t)n);
	}
	die_with(EXIT_CONFIG, "%s: unknown action '%s'", where, w);
}

/* A condition: argN OP VALUE, OP one of == != < <= > >=, or argN&MASK==VALUE. */
static struct scmp_arg_cmp s_cond(const char *w)
{
	static const struct { const char *op; enum scmp_compare cmp; } ops[] = {
		{ "==", SCMP_CMP_EQ }, { "!=", SCMP_CMP_NE }, { "<=", SCMP_CMP_LE },
		{ ">=", SCMP_CMP_GE }, { "<", SCMP_CMP_LT }, { ">", SCMP_CMP_GT },
		{ "&", SCMP_CMP_MASKED_EQ },
	};
	struct scmp_arg_cmp a = { 0 };
	char *p = (char *)w + 4;
	size_t i;

	if (strncmp(w, "arg", 3) || w[3] < '0' || w[3] > '5')
		die_with(EXIT_CONFIG, "%s: bad condition '%s'", where, w);
	a.arg = (unsigned)(w[3] - '0');
	for (i = 0; i < sizeof ops / sizeof *ops && strncmp(p, ops[i].op, strlen(ops[i].op)); i++)
		;
	if (i < sizeof ops / sizeof *ops) {
		a.op = ops[i].cmp;
		a.datum_a = strtoull(p + strlen(ops[i].op), &p, 0);
		if (a.op == SCMP_CMP_MASKED_EQ && !strncmp(p, "==", 2))
			a.datum_b = strtoull(p + 2, &p, 0);
		else if (a.op == SCMP_CMP_MASKED_EQ)
			p = "?";
	}
	if (i == sizeof ops / sizeof *ops || *p)
		die_with(EXIT_CONFIG, "%s: bad condition '%s' (want argN==V, argN&MASK==V, ...)", where, w);
	return a;
}

/* One rule: ACTION then syscall names and conditions (ANDed), in any order. */
static void s_rule(scmp_filter_ctx ctx, char **w, int nw)
{
	struct scmp_arg_cmp conds[6];
	uint32_t act = s_action(w[0]);
	unsigned nc = 0;
	int nr, rc, named = 0;

	for (int i = 1; i < nw; i++)
		if (!strncmp(w[i], "arg", 3) && nc < 6)
			conds[nc++] = s_cond(w[i]);
	for (int i = 1; i < nw; i++) {
		if (!strncmp(w[i], "arg", 3))
			continue;
		if ((nr = seccomp_syscall_resolve_name(w[i])) == __NR_SCMP_ERROR)
			die_with(EXIT_CONFIG, "%s: unknown syscall '%s'", where, w[i]);
		if ((rc = seccomp_rule_add_array(ctx, act, nr, nc, conds)) < 0)
			die_with(EXIT_CONFIG, "%s: rule for %s rejected by libseccomp: %s",
				where, w[i], strerror(-rc));
		named++;
	}
	if (!named)
		die_with(EXIT_CONFIG, "%s: no syscall named", where);
}

/* Parse POLICY_DIR/NAME.policy into a filter that jail.c loads before exec. */
void *policy_compile(const struct conf *c, const char *name)
{
	char path[320], line[1024], *w[64], *save;
	scmp_filter_ctx ctx = NULL;
	FILE *f;
	int fd, n = 0, nw;

	snprintf(path, sizeof path, "%s/%s.policy", c->policy_dir, name);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		die_with(EXIT_CONFIG, "policy %s: %s", path, strerror(errno));
	check_owner(fd, path);
	if (!(f = fdopen(fd, "r")))
		die("fdopen %s", path);
	while (fgets(line, sizeof line, f)) {
		snprintf(where, sizeof where, "%s:%d", path, ++n);
		line[strcspn(line, "#\r\n")] = '\0';
		save = NULL;
		for (nw = 0; nw < 64 && (w[nw] = strtok_r(nw ? NULL : line, " \t", &save)); nw++)
			;
		if (nw == 0)
			continue;
		if (nw == 64)
			die_with(EXIT_CONFIG, "%s: too many words", where);
		if (ctx) {
			s_rule(ctx, w, nw);
			continue;
		}
		if (nw != 2 || strcmp(w[0], "default"))
			die_with(EXIT_CONFIG, "%s: the first rule must be `default ACTION`", where);
		if (!(ctx = seccomp_init(s_action(w[1]))))
			die_with(EXIT_CONFIG, "%s: libseccomp refused `default %s`", where, w[1]);
	}
	fclose(f);
	if (!ctx)
		die_with(EXIT_CONFIG, "%s: empty policy", path);
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) < 0)
		die_with(EXIT_CONFIG, "%s: libseccomp lacks KILL_PROCESS", path);
	return ctx;
}

/* In the job, after no_new_privs: returns the notification fd, or -1. */
int policy_load(void *ctx)
{
	int rc = seccomp_load(ctx);

	if (rc < 0) {
		errno = -rc;
		die("seccomp_load");
	}
	return seccomp_notify_fd(ctx);
}

void policy_name(int nr, char *buf, size_t len)
{
	char *s = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

	snprintf(buf, len, "%s", s ? s : "unknown");
	free(s);
}
