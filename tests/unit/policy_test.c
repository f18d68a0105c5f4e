/* policy_test: helper/policy.c's parser on good and broken policies. Each
 * case compiles in a child, since a bad policy ends the process (exit 78)
 * with FILE:LINE in its message, as the helper does. */
#include "../../helper/helper.h"
#include "../lib/tap.h"

void (*die_hook)(const char *msg);

_Noreturn void die_with(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	_exit(code == SYS ? EXIT_INTERNAL : code);
}

void check_owner(int fd, const char *path) { (void)fd; (void)path; }

static struct conf conf;

/* Compile NAME from conf.policy_dir in a child: its exit code; its stderr in ERR. */
static int compile(const char *name, char *err, size_t len)
{
	int p[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(p) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(p[1], 2);
		policy_compile(&conf, name);
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], err, len - 1);
	err[n > 0 ? n : 0] = '\0';
	close(p[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void write_policy(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.policy", conf.policy_dir, name);
	if (!(f = fopen(path, "w")) || fputs(text, f) < 0 || fclose(f))
		perror(path), exit(2);
}

static const struct { const char *name, *text, *want; } bad[] = {
	{ "nosys", "default allow\nviolation frobnicate\n", "nosys.policy:2: unknown syscall 'frobnicate'" },
	{ "noact", "default allow\n\n# c\nforbid ptrace\n", "noact.policy:4: unknown action 'forbid'" },
	{ "nodefault", "allow read\n", "nodefault.policy:1: the first rule must be `default ACTION`" },
	{ "badcond", "default allow\nviolation clone arg0=1\n", "badcond.policy:2: bad condition 'arg0=1'" },
	{ "badarg", "default allow\nviolation clone arg6==1\n", "badarg.policy:2: bad condition 'arg6==1'" },
	{ "nosyscall", "default allow\nviolation arg0==1\n", "nosyscall.policy:2: want ACTION SYSCALL" },
	{ "badmask", "default allow\nviolation clone arg0&0x10==\n", "badmask.policy:2: bad condition" },
	{ "baderrno", "default allow\nerrno:EWHAT socket\n", "baderrno.policy:2: unknown action 'errno:EWHAT'" },
	{ "empty", "# nothing\n", "empty.policy: empty policy" },
	{ "toomany", "default allow\nviolation clone arg0==1 arg1==1 arg2==1 arg3==1 arg4==1 arg5==1 arg0==2\n",
	  "toomany.policy:2: want ACTION" },
};

int main(int argc, char **argv)
{
	char err[1024], dir[] = "/tmp/judgebox-policy-test.XXXXXX";
	size_t nbad = sizeof bad / sizeof *bad;
	int rc;

	plan((int)nbad * 2 + 2 + (argc - 1));
	snprintf(conf.policy_dir, sizeof conf.policy_dir, "%s", mkdtemp(dir));
	write_policy("good", "# every form\ndefault errno:EPERM\nallow read write\n"
		"violation ptrace\nerrno:38 clone3\nerrno:EAFNOSUPPORT socket arg0!=1\n"
		"violation clone arg0&0x10000000==0x10000000\nviolation ioctl arg1==0x5412\n"
		"allow mmap arg2<=7 arg3>0\n");
	rc = compile("good", err, sizeof err);
	ok(rc == 0, "a policy with every action and condition form compiles (exit %d)", rc);
	rc = compile("missing", err, sizeof err);
	ok(rc == EXIT_CONFIG, "a missing policy is a config error (exit %d: %.60s)", rc, err);
	for (size_t i = 0; i < nbad; i++) {
		write_policy(bad[i].name, bad[i].text);
		rc = compile(bad[i].name, err, sizeof err);
		ok(rc == EXIT_CONFIG, "%s: exit 78 (got %d)", bad[i].name, rc);
		if (!ok(strstr(err, bad[i].want) != NULL, "%s: message names file:line and the fault", bad[i].name))
			diag("got: %s", err);
	}
	/* The shipped policies, passed as arguments, must all compile. */
	for (int i = 1; i < argc; i++) {
		char *slash = strrchr(argv[i], '/'), name[64];

		snprintf(conf.policy_dir, sizeof conf.policy_dir, "%.*s", (int)(slash - argv[i]), argv[i]);
		snprintf(name, sizeof name, "%.*s", (int)strcspn(slash + 1, "."), slash + 1);
		rc = compile(name, err, sizeof err);
		if (!ok(rc == 0, "shipped policy %s compiles", argv[i]))
			diag("%s", err);
	}
	snprintf(err, sizeof err, "rm -rf %s", dir);
	if (system(err) != 0)
		diag("could not remove %s", dir);
	return done();
}
