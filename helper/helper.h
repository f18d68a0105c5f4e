/* judgebox-helper: declarations shared by the helper's files.
 * The privileged surface is everything under helper/; read SECURITY.md first. */
#ifndef JUDGEBOX_HELPER_H
#define JUDGEBOX_HELPER_H

/* Every file's system headers, in one place. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/capability.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <linux/filter.h>
#include <linux/magic.h>
#include <linux/seccomp.h>
#include <linux/sched.h>

/* Exit codes (sysexits.h values), documented in judgebox-helper(8). The
 * config's path, HELPER_CONF, is fixed at build time (Makefile). */
enum {
	EXIT_DONE = 0,      /* the job ran; the record says how it ended */
	EXIT_USAGE = 64,    /* malformed argv */
	EXIT_NOPERM = 77,   /* caller not allowed, or config/policy insecure */
	EXIT_CONFIG = 78,   /* config or policy file malformed */
	EXIT_BUSY = 75,     /* the box is in use by another helper */
	EXIT_INTERNAL = 71, /* a system call failed; status=internal_error */
	SYS = -1,           /* die_with(SYS, ...): EXIT_INTERNAL, with strerror */
};

enum { MAX_BINDS = 32, MAX_ENV = 64, NAME_LEN = 32 };

/* Every limit a run takes; the config holds a default and a ceiling for each. */
enum limit_id { L_CPU_MS, L_WALL_MS, L_MEMORY_KB, L_PROCS, L_FSIZE_KB,
	L_STACK_KB, L_NOFILE, L_TMP_KB, L_CPU_SHARE, L_COUNT };  /* cpu-share: optional, 0 = none */

struct conf {
	gid_t group;                    /* controller group (numeric: no NSS here) */
	uid_t first_uid;                /* box N runs as first_uid + N */
	unsigned boxes;
	uint64_t box_kb;                /* size of each box's tmpfs */
	char box_root[256];
	char cgroup[128];               /* relative to the cgroup hierarchy root */
	char policy_dir[256];
	char binds[MAX_BINDS][128];
	unsigned nbinds;
	uint64_t def[L_COUNT], max[L_COUNT];
};

struct job {
	unsigned box;
	uid_t uid;                      /* host uid and gid of the box */
	uint64_t lim[L_COUNT];
	char policy[NAME_LEN + 1];
	int result_fd, serve;           /* serve: the record ends with exit=N */
	int loopback;                   /* --network=loopback: lo up in the run's netns */
	int nice;                       /* the caller's, for the box (the supervisor's is -10) */
	int io[3];                      /* the job's 0-2 (the caller's, or a request's) */
	int lock, mntns, tree;          /* box lock; prepared mount namespace; /box's clone */
	const struct sock_fprog *bpf;   /* the policy, compiled */
	char *env[MAX_ENV + 8];
	char **argv;
};

/* The figures a run reports; see s_write_result() in supervise.c. */
struct result {
	const char *status;
	int exitcode, signal, oom;
	unsigned long long cpu_us, wall_us, memory_kb, args[6];
	char syscall[32], message[256];
};

/* cgroup.c: the box's cgroup on v1 or v2. All die on error. */
struct cg {
	const struct kind *kind;
	int dir[4], root[4], n; /* the box's cgroup and its parent, per hierarchy */
	int into;               /* v2: the directory to clone init into; v1: -1 */
	char name[16];          /* "box<N>" */
};
void cg_setup(const struct conf *c);
void cg_create(struct cg *g, const struct conf *c, const struct job *j);
void cg_limits(struct cg *g, const struct job *j);
void cg_attach(struct cg *g, pid_t pid);
uint64_t cg_cpu_us(struct cg *g);
void cg_figures(struct cg *g, struct result *r);
void cg_destroy(struct cg *g);

/* main.c */
_Noreturn void die_with(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define die(...) die_with(SYS, __VA_ARGS__)     /* after a failed system call */
extern void (*die_hook)(const char *msg);    /* called once, before the exit */
void check_owner(int fd, const char *path);
void write_file(int dirfd, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define SHARED(len) mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0)
void send_fds(int sock, char type, const int *fd, int n);

/* policy.c: compile a policy file into a libseccomp context; policy_bpf
 * exports it as the BPF program jail.c loads (cached per name while a box lives). */
void *policy_compile(const struct conf *c, const char *name);
const struct sock_fprog *policy_bpf(const struct conf *c, const char *name);

/* jail.c: the box's mount namespace, prepared once (an fd); the child side
 * of a run. supervise.c: the parent's side; a serve makes each init ahead. */
int jail_prepare(const struct conf *c, unsigned box);
_Noreturn void jail_init(const struct job *j, int sock);
void supervise_prepare(const struct conf *c, const struct job *j);
void supervise_end(const char *unused);
void supervise(const struct conf *c, const struct job *j);

#endif
