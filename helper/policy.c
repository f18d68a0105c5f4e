/* policy.c: compile a root-owned text policy with libseccomp; the format is
 * judgebox-policy(5). Every line is checked: an unknown syscall name, action
 * or condition is an error with file and line, never silently ignored. */
#include "helper.h"

static const struct { const char *name; int nr; } errnos[] = { { "EPERM", EPERM },
	{ "EACCES", EACCES }, { "ENOSYS", ENOSYS }, { "EAFNOSUPPORT", EAFNOSUPPORT },
	{ "EINVAL", EINVAL }, { "EOPNOTSUPP", EOPNOTSUPP }, { "ENOMEM", ENOMEM } };

static char where[340];        /* "file:line" of the line being compiled */

/* An action word: allow, violation or errno:NAME (or errno:NUMBER). */
static uint32_t s_action(const char *w)
{
	long n;
	char *end;

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

/* A condition: argN==V (or != < <= > >=) or argN&MASK==V, numbers as in C. */
static struct scmp_arg_cmp s_cond(const char *w)
{
	static const char *ops[] = { [SCMP_CMP_NE] = "!=", [SCMP_CMP_LT] = "<",
		[SCMP_CMP_LE] = "<=", [SCMP_CMP_EQ] = "==", [SCMP_CMP_GE] = ">=", [SCMP_CMP_GT] = ">" };
	struct scmp_arg_cmp a = { 0 };
	long long x, y;
	char op[3];
	int end = 0;

	if (sscanf(w, "arg%1u&%lli==%lli%n", &a.arg, &x, &y, &end) == 3 && !w[end])
		a = (struct scmp_arg_cmp){ a.arg, SCMP_CMP_MASKED_EQ, (uint64_t)x, (uint64_t)y };
	else if (sscanf(w, "arg%1u%2[!=<>]%lli%n", &a.arg, op, &x, &end) == 3 && !w[end])
		for (int i = SCMP_CMP_NE; i <= SCMP_CMP_GT; i++)
			if (!strcmp(op, ops[i]))
				a = (struct scmp_arg_cmp){ a.arg, (enum scmp_compare)i, (uint64_t)x, 0 };
	if (!a.op || a.arg > 5)
		die_with(EXIT_CONFIG, "%s: bad condition '%s' (want argN==V, argN&MASK==V, ...)", where, w);
	return a;
}

/* One rule: ACTION SYSCALL... [CONDITION...]; the conditions are ANDed. */
static void s_rule(scmp_filter_ctx ctx, char **w, int nw)
{
	struct scmp_arg_cmp conds[6];
	uint32_t act = s_action(w[0]);
	int names = 1, nc = 0, nr, rc;

	while (names < nw && strncmp(w[names], "arg", 3))
		names++;
	if (names == 1 || nw - names > 6)
		die_with(EXIT_CONFIG, "%s: want ACTION SYSCALL... [CONDITION...] (6 at most)", where);
	for (int i = names; i < nw; i++)
		conds[nc++] = s_cond(w[i]);
	for (int i = 1; i < names; i++) {
		if ((nr = seccomp_syscall_resolve_name(w[i])) == __NR_SCMP_ERROR)
			die_with(EXIT_CONFIG, "%s: unknown syscall '%s'", where, w[i]);
		if ((rc = seccomp_rule_add_array(ctx, act, nr, (unsigned)nc, conds)) < 0)
			die_with(EXIT_CONFIG, "%s: rule for %s rejected by libseccomp: %s",
				where, w[i], strerror(-rc));
	}
}

/* Parse POLICY_DIR/NAME.policy into a filter that jail.c loads before exec. */
void *policy_compile(const struct conf *c, const char *name)
{
	char path[320], line[1024], *w[64], *save;
	scmp_filter_ctx ctx = NULL;
	FILE *f;
	int fd, n = 0, nw;

	snprintf(path, sizeof path, "%s/%s.policy", c->policy_dir, name);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0 || !(f = fdopen(fd, "r")))
		die_with(EXIT_CONFIG, "policy %s: %s", path, strerror(errno));
	check_owner(fd, path);
	while (fgets(line, sizeof line, f)) {
		snprintf(where, sizeof where, "%s:%d", path, ++n);
		line[strcspn(line, "#\r\n")] = '\0';
		save = NULL;
		for (nw = 0; nw < 64 && (w[nw] = strtok_r(nw ? NULL : line, " \t", &save)); nw++)
			;
		if (nw == 64)
			die_with(EXIT_CONFIG, "%s: too many words", where);
		if (nw && ctx)
			s_rule(ctx, w, nw);
		if (!nw || ctx)
			continue;
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

/* The BPF program of policy NAME, compiled on first use and kept for the
 * life of the process: a box's supervisor loads it into every job's filter
 * without compiling again. libseccomp exports it into a pipe (at most 4,096
 * instructions, 32 KiB, which a pipe's buffer holds). The cache is shared
 * memory: a serve's init, made before the request, loads what it compiles. */
const struct sock_fprog *policy_bpf(const struct conf *c, const char *name)
{
	static struct { struct { char name[NAME_LEN + 1]; struct sock_fprog prog; } c[16];
		struct sock_filter insns[4096]; size_t used; } *pc;
	int p[2], rc;
	ssize_t n;
	void *ctx;
	unsigned i;

	if (!pc && (pc = SHARED(sizeof *pc)) == MAP_FAILED)
		die("mmap");
	for (i = 0; i < 16 && pc->c[i].name[0]; i++)
		if (!strcmp(pc->c[i].name, name))
			return &pc->c[i].prog;
	if (i == 16)
		die_with(EXIT_CONFIG, "more than 16 policies in one box's life");
	ctx = policy_compile(c, name);
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	if ((rc = seccomp_export_bpf(ctx, p[1])) < 0)
		die_with(EXIT_CONFIG, "policy %s: cannot export it: %s", name, strerror(-rc));
	close(p[1]);
	n = read(p[0], pc->insns + pc->used, (4096 - pc->used) * sizeof *pc->insns);
	if (n <= 0 || n % (ssize_t)sizeof *pc->insns || read(p[0], &rc, 1) != 0)
		die_with(EXIT_CONFIG, "policy %s: its filter is too large", name);
	close(p[0]);
	seccomp_release(ctx);
	snprintf(pc->c[i].name, sizeof pc->c[i].name, "%s", name);
	pc->c[i].prog = (struct sock_fprog){ (unsigned short)(n / (ssize_t)sizeof *pc->insns), pc->insns + pc->used };
	pc->used += (size_t)n / sizeof *pc->insns;
	return &pc->c[i].prog;
}
