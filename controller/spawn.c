/* spawn.c: the helper driver (spawn.h). judgebox-helper(8) runs one step
 * of a box and reports on fd 3; the daemon watches it through a pidfd in
 * the loop's zmq_poll, and never blocks on it but at start-up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "spawn.h"

/* ---- the process ---- */

/* The running helper's pid, so that a daemon restarted after kill -9 can
 * end what its predecessor left in the box (spawn_kill_stale). */
static void s_write_pid(const char *pidfile, pid_t pid)
{
	FILE *f = fopen(pidfile, "we");
	if (f) {
		fprintf(f, "%d\n", (int)pid);
		fclose(f);
	}
}

void spawn_kill_stale(const char *pidfile, unsigned box)
{
	FILE *f = fopen(pidfile, "re");
	int pid = 0;
	char path[64], cmd[256] = "";
	if (!f)
		return;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
	f = pid > 1 ? fopen(path, "re") : NULL;
	if (!f)
		return;
	size_t n = fread(cmd, 1, sizeof cmd - 1, f);
	fclose(f);
	cmd[n] = 0;
	if (!strcmp(cmd, "judgebox-helper")) {
		jlog(LOG_NOTICE, "box %u: ending helper %d left by a previous daemon",
		     box, pid);
		kill(pid, SIGKILL);
	}
}

int spawn_start(proc_t *p, const char *helper, const char *pidfile, unsigned box,
		char *const argv[], int in, int out, int err)
{
	int pfd[2], null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || pipe2(pfd, O_CLOEXEC | O_NONBLOCK) < 0) {
		jlog(LOG_ERR, "box %u: %m", box);
		if (null >= 0)
			close(null);
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in >= 0 ? in : null, 0);
	posix_spawn_file_actions_adddup2(&fa, out >= 0 ? out : null, 1);
	posix_spawn_file_actions_adddup2(&fa, err >= 0 ? err : null, 2);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 3);
	char *envp[] = { "PATH=/usr/bin:/bin", NULL };
	int r = posix_spawn(&p->pid, helper, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(null);
	close(pfd[1]);
	if (r) {
		close(pfd[0]);
		errno = r;
		return jlog(LOG_ERR, "%s: %m", helper), -1;
	}
	p->resfd = pfd[0];
	p->srv = NULL;
	s_write_pid(pidfile, p->pid);
	p->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	if (p->pidfd < 0) {
		jlog(LOG_ERR, "pidfd_open: %m");
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
		close(p->resfd);
		p->resfd = -1;
		return -1;
	}
	return 0;
}

int spawn_wait(proc_t *p, const char *helper, const char *pidfile, unsigned box,
	       char *const argv[])
{
	if (spawn_start(p, helper, pidfile, box, argv, -1, -1, 2))
		return -1;
	int st;
	while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
		;
	close(p->pidfd), close(p->resfd);
	p->pidfd = p->resfd = -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- a box's `serve` process ---- */

static int s_serve_start(proc_t *srv, const char *helper, const char *pidfile, unsigned box)
{
	char num[16];
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return jlog(LOG_ERR, "box %u: socketpair: %m", box), -1;
	snprintf(num, sizeof num, "%u", box);
	char *argv[] = { "judgebox-helper", "serve", num, NULL };
	int r = spawn_start(srv, helper, pidfile, box, argv, sp[1], -1, 2);
	close(sp[1]);
	if (r)
		return close(sp[0]), -1;
	close(srv->resfd);	/* a serve writes no record of its own */
	srv->resfd = sp[0];
	srv->null = open("/dev/null", O_RDWR | O_CLOEXEC);	/* once, not per request */
	if (srv->null < 0)
		jlog(LOG_ERR, "box %u: /dev/null: %m", box);
	return 0;
}

/* A serve that has ended: what the daemon held of it. */
static void s_serve_forget(proc_t *srv)
{
	close(srv->pidfd), close(srv->resfd), close(srv->null);
	srv->pidfd = srv->resfd = srv->null = -1;
}

/* The end of a serve: its socket closed, it removes the init and cgroup it
 * made ahead for the next run and exits; one still busy after a second (a
 * run in progress, or stopped) is killed, and the next serve of the box
 * removes what it leaves. */
void spawn_serve_stop(proc_t *srv)
{
	if (srv->pidfd < 0)
		return;
	close(srv->resfd);	/* the serve sees its socket close */
	srv->resfd = -1;
	struct pollfd q = { .fd = srv->pidfd, .events = POLLIN };
	if (poll(&q, 1, 1000) <= 0)
		syscall(SYS_pidfd_send_signal, srv->pidfd, SIGKILL, NULL, 0);
	while (waitpid(srv->pid, NULL, 0) < 0 && errno == EINTR)
		;
	s_serve_forget(srv);
}

/* One request: argv's words after argv[0], each NUL-ended, and fds. */
static int s_send(int sock, char *const argv[], const int fds[4])
{
	char buf[65535], ctl[CMSG_SPACE(4 * sizeof(int))];
	size_t k = 0;
	for (int i = 1; argv[i]; i++) {
		size_t n = strlen(argv[i]) + 1;
		if (k + n > sizeof buf)
			return errno = EMSGSIZE, -1;
		memcpy(buf + k, argv[i], n);
		k += n;
	}
	memset(ctl, 0, sizeof ctl);
	struct iovec iov = { buf, k };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			     .msg_controllen = sizeof ctl };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET, cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(4 * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, 4 * sizeof(int));
	return sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

int spawn_serve(proc_t *srv, proc_t *p, const char *helper, const char *pidfile,
		unsigned box, char *const argv[], int in, int out, int err)
{
	int pfd[2], r = -1;	/* the record's pipe: the serve writes one record */
	if (pipe2(pfd, O_CLOEXEC | O_NONBLOCK) < 0) {	/* at once, never blocked */
		jlog(LOG_ERR, "box %u: %m", box);
		return -1;
	}
	for (int t = 0; t < 2 && r; t++) {	/* a serve that has died: once more */
		if (t)
			spawn_serve_stop(srv);
		if (srv->pidfd < 0 && s_serve_start(srv, helper, pidfile, box))
			break;
		int fds[4] = { in >= 0 ? in : srv->null, out >= 0 ? out : srv->null,
			       err >= 0 ? err : srv->null, pfd[1] };
		r = srv->null < 0 ? -1 : s_send(srv->resfd, argv, fds);
	}
	if (r)
		jlog(LOG_ERR, "box %u: cannot send a request to its helper: %m", box);
	close(pfd[1]);
	if (r)
		return close(pfd[0]), -1;
	*p = (proc_t){ srv->pid, pfd[0], -1, srv, -1 };
	return 0;
}

/* A served step's record is in (or its pipe's end): the record's last line
 * exit=N; without it, the serve died: reaped, its exit code. */
static int s_reap_served(proc_t *p, char *rec, size_t size)
{
	ssize_t n = read(p->pidfd, rec, size - 1);
	if (n < 0 && errno == EAGAIN)
		return -1;
	rec[n > 0 ? n : 0] = 0;
	close(p->pidfd);
	p->pidfd = -1;
	proc_t *srv = p->srv;
	p->srv = NULL;
	char *e = n > 0 && rec[n - 1] == '\n' ? rec + n - 1 : NULL;
	while (e && e > rec && e[-1] != '\n')
		e--;
	int code = e && !strncmp(e, "exit=", 5) ? atoi(e + 5) : -1, st = 0;
	if (code == 0 || srv->pidfd < 0)
		return code < 0 ? 71 : code;
	if (code < 0)
		syscall(SYS_pidfd_send_signal, srv->pidfd, SIGKILL, NULL, 0);
	waitpid(srv->pid, &st, 0);	/* it ends with its record, or was killed */
	s_serve_forget(srv);
	return code >= 0 ? code : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int spawn_reap(proc_t *p, char *rec, size_t size)
{
	if (p->srv)
		return s_reap_served(p, rec, size);
	int st;
	if (waitpid(p->pid, &st, WNOHANG) <= 0)
		return -1;
	ssize_t n = read(p->resfd, rec, size - 1);
	rec[n > 0 ? n : 0] = 0;
	close(p->pidfd), close(p->resfd);
	p->pidfd = p->resfd = -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void spawn_kill(const proc_t *p)
{
	int fd = p->srv ? p->srv->pidfd : p->pidfd;
	if (p->pidfd >= 0 && fd >= 0)
		syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
}

void spawn_collect(proc_t *p)
{
	if (p->pidfd < 0)
		return;
	if (p->srv) {
		char rec[4096];
		struct pollfd q = { .fd = p->pidfd, .events = POLLIN };
		while (poll(&q, 1, -1) < 0 && errno == EINTR)
			;
		s_reap_served(p, rec, sizeof rec);
		return;
	}
	waitpid(p->pid, NULL, 0);
	close(p->pidfd), close(p->resfd);
	p->pidfd = p->resfd = -1;
}

bool spawn_ended(const proc_t *p)
{
	struct pollfd q = { .fd = p->pidfd, .events = POLLIN };
	return p->pidfd >= 0 && poll(&q, 1, 0) == 1;
}

/* ---- its command line ---- */

/* The entry file's name (a job's main, else the language's source) and
 * its stem (the name up to its last '.': Java's class), each 65 bytes. */
static void s_entry(const spawn_cmd *c, char *main, char *stem)
{
	const char *p;
	size_t n;
	if (c->main && mp_as_str(c->main, &p, &n) && n && n < 65)
		snprintf(main, 65, "%.*s", (int)n, p);
	else
		snprintf(main, 65, "%s", c->lang->source);
	const char *dot = strrchr(main, '.');
	snprintf(stem, 65, "%.*s", dot && dot != main ? (int)(dot - main) : 64, main);
}

/* The placeholders of a language's commands; the first four name the
 * entry file (spawn_names_entry). */
static const char *const s_names[] = { "{source}", "{main}", "{stem}", "{mainclass}",
				       "{memory_mb}", "{heap_mb}", "{procs}" };

bool spawn_names_entry(const char *cmd)
{
	for (size_t i = 0; i < 4; i++)
		if (strstr(cmd, s_names[i]))
			return true;
	return false;
}

/* A placeholder of n bytes at src, its value into v (80 bytes): true if
 * it is one. */
static bool s_placeholder(const char *src, size_t n, const spawn_cmd *c,
			  const char *main, const char *stem, char *v)
{
	uint64_t mb = c->lim[L_MEM] / 1024, heap = mb * 3 / 4;
	size_t i = 0;
	while (i < 7 && (strlen(s_names[i]) != n || strncmp(src, s_names[i], n)))
		i++;
	if (i < 2)
		snprintf(v, 80, "%s", main);
	else if (i < 4)
		snprintf(v, 80, "%s", stem);
	else if (i == 4)
		snprintf(v, 80, "%" PRIu64, mb);
	else if (i == 5)
		snprintf(v, 80, "%" PRIu64, heap < 16 ? 16 : heap);
	else if (i == 6)
		snprintf(v, 80, "%" PRIu64, c->lim[L_PROCS]);
	return i < 7;
}

/* Expand {main} (or {source}: the entry file), {stem} (or {mainclass}:
 * its name without the extension), {memory_mb} {heap_mb} {procs} in c's
 * command. */
static void s_expand(char *dst, size_t size, const spawn_cmd *c)
{
	char main[65], stem[65];
	const char *src = c->cmd;
	s_entry(c, main, stem);
	size_t k = 0;
	while (*src && k + 1 < size) {
		char v[80] = "";
		const char *end = *src == '{' ? strchr(src, '}') : NULL;
		size_t n = end ? (size_t)(end - src + 1) : 0;
		if (!n || !s_placeholder(src, n, c, main, stem, v)) {
			dst[k++] = *src++;
			continue;
		}
		k += (size_t)snprintf(dst + k, size - k, "%s", v);
		if (k >= size)
			k = size - 1;
		src += n;
	}
	dst[k] = 0;
}

/* The helper's spelling of limit i: wire_limit_names with '-' for '_'. */
static void s_opt_name(char *dst, size_t size, int i)
{
	snprintf(dst, size, "%s", wire_limit_names[i]);
	for (char *s = dst; *s; s++)
		if (*s == '_')
			*s = '-';
}

/* The helper's own words, up to "--": their count; *k: bytes of buf used
 * (size or more: it is too small). */
static int s_argv_fixed(const spawn_cmd *c, char **argv, char *buf, size_t size,
			size_t *k)
{
	int n = 0;
#define ADD(...) (argv[n++] = buf + *k, \
	*k += *k < size ? (size_t)snprintf(buf + *k, size - *k, __VA_ARGS__) + 1 : 1)
	ADD("judgebox-helper"), ADD("run"), ADD("%u", c->box);
	for (int i = 0; i < L_HELPER_COUNT; i++) {
		char opt[16];
		if (i == L_SHARE && !c->lim[i])
			continue;	/* 0: none, or helper.conf's default */
		s_opt_name(opt, sizeof opt, i);
		ADD("--%s=%" PRIu64, opt, c->lim[i]);
	}
	ADD("--policy=%s", c->policy), ADD("--result-fd=3");
	if (c->loopback || !strcmp(c->lang->network, "loopback"))
		ADD("--network=loopback");
	for (int i = 0; i < c->lang->nenv; i++)
		ADD("--env=%s", c->lang->env[i]);
	ADD("--");
	return n;
#undef ADD
}

int spawn_argv(const spawn_cmd *c, char **argv, char *buf, size_t size)
{
	size_t k = 0;
	int n = s_argv_fixed(c, argv, buf, size, &k);
	if (k >= size)
		return -1;
	if (c->shell) {
		argv[n++] = "/bin/sh", argv[n++] = "-c";
		argv[n++] = buf + k;
		s_expand(buf + k, size - k, c);
		argv[n] = NULL;
		return 0;
	}
	char *words = buf + k, *save, *t;
	s_expand(words, size - k, c);
	size_t wlen = strlen(words);
	for (t = strtok_r(words, " ", &save); t && n < ARGV_FIXED - 1;
	     t = strtok_r(NULL, " ", &save))
		argv[n++] = t;
	k += wlen + 1;
	for (char *const *x = c->xargs; x && *x && n < ARGV_FIXED + 40; x++)
		argv[n++] = *x;
	const msgpack_object *a = c->xargs ? NULL : c->args;
	for (uint32_t i = 0; a && i < a->via.array.size; i++) {
		const msgpack_object_str *w = &a->via.array.ptr[i].via.str;
		if (k + w->size + 1 > size)
			return -1;
		argv[n++] = memcpy(buf + k, w->ptr, w->size);
		k += w->size;
		buf[k++] = 0;
	}
	argv[n] = NULL;
	return 0;
}

/* ---- what it reports ---- */

void spawn_parse_record(char *rec, step_t *s)
{
	memset(s, 0, sizeof *s);
	char *save, *line;
	for (line = strtok_r(rec, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *v = strchr(line, '=');
		if (!v)
			continue;
		*v++ = 0;
		struct { const char *k; uint64_t *dst; } u[] = {
			{ "exitcode", &s->exit_code }, { "signal", &s->signal },
			{ "cpu_us", &s->cpu_us }, { "wall_us", &s->wall_us },
			{ "memory_kb", &s->memory_kb } };
		for (size_t i = 0; i < 5; i++)
			if (!strcmp(line, u[i].k))
				*u[i].dst = strtoull(v, NULL, 10);
		if (!strcmp(line, "status"))
			snprintf(s->status, sizeof s->status, "%s", v);
		else if (!strcmp(line, "syscall"))
			snprintf(s->syscall, sizeof s->syscall, "%s", v);
		else if (!strcmp(line, "args"))
			snprintf(s->args, sizeof s->args, "%s", v);
		else if (!strcmp(line, "message"))
			snprintf(s->message, sizeof s->message, "%s", v);
	}
	s->ran = *s->status != 0;
}

char *spawn_read_out(const char *path, uint64_t cap, size_t *len, uint64_t *bytes)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	*len = 0, *bytes = 0;
	if (fd < 0 || fstat(fd, &st))
		return fd >= 0 ? close(fd), NULL : NULL;
	*bytes = (uint64_t)st.st_size;
	size_t want = *bytes < cap ? (size_t)*bytes : (size_t)cap;
	char *p = malloc(want + 1);
	ssize_t got = p ? pread(fd, p, want, 0) : -1;
	close(fd);
	*len = got > 0 ? (size_t)got : 0;
	return p;
}
