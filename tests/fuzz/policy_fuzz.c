/* policy_fuzz: the helper's policy parser (helper/policy.c's
 * policy_compile), built as an ordinary unprivileged function: the input
 * is written as a policy file and compiled. A bad policy ends the helper
 * through die_with; here die_with longjmps back, and what the dying
 * helper leaves to exit (the FILE, the libseccomp context) is freed:
 * fdopen, fclose and seccomp_init are wrapped (-Wl,--wrap, see the
 * Makefile) to remember them. A good policy's context is exported to BPF and freed. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdlib.h>

#include "../../helper/helper.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
FILE *__real_fdopen(int fd, const char *mode);
FILE *__wrap_fdopen(int fd, const char *mode);
int __real_fclose(FILE *f);
int __wrap_fclose(FILE *f);
scmp_filter_ctx __real_seccomp_init(uint32_t def);
scmp_filter_ctx __wrap_seccomp_init(uint32_t def);

void (*die_hook)(const char *msg);
static jmp_buf s_died;
static FILE *s_file;
static scmp_filter_ctx s_ctx;
static struct conf s_conf;
static char s_path[300];

_Noreturn void die_with(int code, const char *fmt, ...)
{
	(void)fmt;
	longjmp(s_died, code == SYS ? EXIT_INTERNAL : code);
}

void check_owner(int fd, const char *path) { (void)fd, (void)path; }

FILE *__wrap_fdopen(int fd, const char *mode) { return s_file = __real_fdopen(fd, mode); }
int __wrap_fclose(FILE *f) { return s_file = f == s_file ? NULL : s_file, __real_fclose(f); }
scmp_filter_ctx __wrap_seccomp_init(uint32_t def) { return s_ctx = __real_seccomp_init(def); }

static void s_cleanup(void)
{
	unlink(s_path);
	rmdir(s_conf.policy_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	snprintf(s_conf.policy_dir, sizeof s_conf.policy_dir, "/tmp/policy_fuzz.%d", (int)getpid());
	snprintf(s_path, sizeof s_path, "%s/f.policy", s_conf.policy_dir);
	if (mkdir(s_conf.policy_dir, 0700) && errno != EEXIST)
		perror(s_conf.policy_dir), abort();
	atexit(s_cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	volatile int fd = open(s_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	void *ctx;

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || close(fd))
		perror(s_path), abort();
	s_file = NULL, s_ctx = NULL;
	if (setjmp(s_died)) {
		if (s_file)
			fclose(s_file);
		if (s_ctx)
			seccomp_release(s_ctx);
		return 0;
	}
	ctx = policy_compile(&s_conf, "f");
	if (!ctx || ctx != s_ctx)
		abort();
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	seccomp_export_bpf(ctx, null);
	close(null);
	seccomp_release(ctx);
	return 0;
}
