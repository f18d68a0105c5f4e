/* same_box MODE WHAT: one job after another in the same box (issue 13).
 * Nothing job N leaves may reach job N+1 of the same box.
 * plant WHAT    job N: leave WHAT behind, printing "planted X" for each
 *               thing it could leave ("not planted X: ERRNO" otherwise).
 * look WHAT     job N+1: look for anything of the kind, planted or not;
 *               "denied find X: ENOENT" if there is none, "ESCAPED find X"
 *               if there is, then "N escaped" (exit 1 if N > 0).
 * control WHAT  both in one job: the look must find every thing planted,
 *               which shows it can fail.
 * WHAT is one of:
 *   files    files in /box, /tmp and /dev/shm (a POSIX semaphore too)
 *   ipc      SysV shm, semaphores, message queues; a POSIX message queue
 *   socket   abstract unix sockets, held by a process left behind
 *   process  processes left behind: a daemon, a stopped one
 *   keys     keys in the user, user-session, session and persistent keyrings
 *            (keyctl and add_key are violations under the default policy:
 *            run under a policy that allows them)
 *   figures  800 ms of CPU, then memory until the OOM killer comes (plant);
 *            nothing (look): the harness compares the two jobs' figures. */
#include "attack.h"
#include <dirent.h>
#include <mqueue.h>
#include <semaphore.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/keyctl.h>
#include "../progs/hostile.h"

enum { KEY = 0x4a420013 };
#define NAME "judgebox-planted"

static void planted(long rc, const char *what)
{
	if (rc < 0)
		printf("not planted %s: %s\n", what, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	else
		printf("planted %s\n", what);
}

/* FOUND things of a kind: ESCAPED if any, denied (ENOENT) if none. */
static void found(int n, const char *what)
{
	errno = ENOENT;
	denied(n > 0 ? 0 : -1, "find %s (%d found)", what, n);
}

static int s_write(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY, 0666);
	if (fd < 0 || write(fd, "job N's secret\n", 15) != 15)
		return -1;
	return close(fd);
}

/* Entries in DIR (not . and ..), each printed. */
static int s_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			printf("  in %s: %s\n", dir, e->d_name);
			n++;
		}
	if (d)
		closedir(d);
	return n;
}

/* Lines of FILE after the first (a header), and those containing WORD if set. */
static int s_lines(const char *file, const char *word)
{
	char line[512];
	int n = 0, first = 1;
	FILE *f = fopen(file, "r");

	while (f && fgets(line, sizeof line, f)) {
		if (!first && (!word || strstr(line, word))) {
			printf("  in %s: %s", file, line);
			n++;
		}
		first = 0;
	}
	if (f)
		fclose(f);
	return n;
}

static void plant_files(void)
{
	planted(s_write("/box/planted"), "/box/planted");
	planted(mkdir("/box/.hidden", 0777) < 0 ? -1 : s_write("/box/.hidden/deep"), "/box/.hidden/deep");
	planted(s_write("/tmp/planted"), "/tmp/planted");
	planted(s_write("/dev/shm/planted"), "/dev/shm/planted");
	planted(sem_open("/" NAME, O_CREAT, 0666, 1) == SEM_FAILED ? -1 : 0, "POSIX semaphore /dev/shm/sem." NAME);
}

static void look_files(void)
{
	found(s_entries("/box"), "anything in /box");
	found(s_entries("/tmp"), "anything in /tmp");
	found(s_entries("/dev/shm"), "anything in /dev/shm");
}

static void plant_ipc(void)
{
	int id = shmget(KEY, 4096, IPC_CREAT | 0666);
	char *p = id < 0 ? NULL : shmat(id, NULL, 0);
	struct { long type; char text[16]; } msg = { 1, "job N's secret" };
	struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 16 };

	if (p && p != (void *)-1)
		strcpy(p, "job N's secret");
	planted(p && p != (void *)-1 ? 0 : -1, "SysV shm segment (key 0x4a420013)");
	planted(shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600), "SysV shm segment (IPC_PRIVATE)");
	planted(semget(KEY, 1, IPC_CREAT | 0666), "SysV semaphore set");
	id = msgget(KEY, IPC_CREAT | 0666);
	planted(id < 0 ? -1 : msgsnd(id, &msg, sizeof msg.text, IPC_NOWAIT), "SysV message queue, with a message");
	planted(mq_open("/" NAME, O_CREAT | O_RDWR, 0666, &attr), "POSIX message queue /" NAME);
}

static void look_ipc(void)
{
	denied(shmget(KEY, 0, 0), "find the SysV shm segment by its key");
	denied(semget(KEY, 0, 0), "find the SysV semaphore set by its key");
	denied(msgget(KEY, 0), "find the SysV message queue by its key");
	found(s_lines("/proc/sysvipc/shm", NULL), "any SysV shm segment in /proc/sysvipc/shm");
	found(s_lines("/proc/sysvipc/sem", NULL), "any SysV semaphore set in /proc/sysvipc/sem");
	found(s_lines("/proc/sysvipc/msg", NULL), "any SysV message queue in /proc/sysvipc/msg");
	denied(mq_open("/" NAME, O_RDONLY), "open the POSIX message queue /" NAME);
}

/* A process that outlives the job: double-forked, its own session, deaf to
 * every catchable signal, named NAME. Returns in the parent once it runs. */
static void s_daemon(int stop)
{
	int p[2];
	char c;

	if (pipe(p) < 0)
		return;
	if (fork() == 0) {
		setsid();
		if (fork() != 0)
			_exit(0);
		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_IGN);
		prctl(PR_SET_NAME, NAME);
		int fd = open("/dev/null", O_RDWR);
		dup2(fd, 1);
		dup2(fd, 2);
		(void)!write(p[1], "r", 1);
		if (stop)
			raise(SIGSTOP);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &c, 1) == 1)
		printf("planted %s process\n", stop ? "a stopped" : "a daemon");
	else
		printf("not planted %s process\n", stop ? "a stopped" : "a daemon");
	close(p[0]);
	wait(NULL);
}

/* Processes in /proc other than init (1) and this one. */
static int s_others(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[64], comm[64];
	int n = 0, pid;

	while (d && (e = readdir(d)))
		if ((pid = atoi(e->d_name)) > 1 && pid != getpid()) {
			snprintf(path, sizeof path, "/proc/%d/comm", pid);
			FILE *f = fopen(path, "r");
			if (!f || !fgets(comm, sizeof comm, f))
				strcpy(comm, "?\n");
			if (f)
				fclose(f);
			printf("  process %d: %s", pid, comm);
			n++;
		}
	if (d)
		closedir(d);
	return n;
}

static void look_process(void)
{
	int n = 0;

	found(s_others(), "a process other than init and this one in /proc");
	for (pid_t p = 2; p < 4096; p++)
		n += p != getpid() && kill(p, 0) == 0;
	found(n, "a pid other than 1 and this one that kill(0) reaches");
}

static int s_unix(int type, const char *name)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, type, 0), len = (int)strlen(name);

	memcpy(a.sun_path + 1, name, (size_t)len);
	if (s < 0 || bind(s, (struct sockaddr *)&a, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len)) < 0 ||
	    (type == SOCK_STREAM && listen(s, 1) < 0))
		return -1;
	return s;
}

static void plant_socket(void)
{
	planted(s_unix(SOCK_STREAM, NAME), "abstract stream socket @" NAME);
	planted(s_unix(SOCK_DGRAM, NAME "-dgram"), "abstract datagram socket @" NAME "-dgram");
	s_daemon(0);      /* holds both: a socket lives as long as its holder */
}

static void look_socket(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0), d = socket(AF_UNIX, SOCK_DGRAM, 0);

	memcpy(a.sun_path + 1, NAME, strlen(NAME));
	denied(connect(s, (struct sockaddr *)&a, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(NAME))),
		"connect to @" NAME);
	memcpy(a.sun_path + 1, NAME "-dgram", strlen(NAME "-dgram"));
	denied(sendto(d, "x", 1, 0, (struct sockaddr *)&a,
		(socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(NAME "-dgram"))),
		"send to @" NAME "-dgram");
	found(s_lines("/proc/net/unix", "@"), "any abstract socket in /proc/net/unix");
}

/* Keyrings by their special ids; the persistent one through keyctl. */
static const struct { long id; const char *name; } rings[] = {
	{ KEY_SPEC_USER_KEYRING, "user" }, { KEY_SPEC_USER_SESSION_KEYRING, "user-session" },
	{ KEY_SPEC_SESSION_KEYRING, "session" }, { 0, "persistent" },
};

/* Keyring I's id (a negative special id, or the persistent keyring's), or -1. */
static long s_ring(int i)
{
	return rings[i].id ? rings[i].id : syscall(SYS_keyctl, KEYCTL_GET_PERSISTENT, -1, KEY_SPEC_PROCESS_KEYRING);
}

static void plant_keys(void)
{
	char what[64];

	for (int i = 0; i < 4; i++) {
		long ring = s_ring(i);
		snprintf(what, sizeof what, "a key in the %s keyring", rings[i].name);
		planted(ring == -1 ? -1 : syscall(SYS_add_key, "user", NAME, "job N's secret", 14, ring), what);
	}
}

static void look_keys(void)
{
	for (int i = 0; i < 4; i++) {
		long ring = s_ring(i);
		denied(ring == -1 ? -1 : syscall(SYS_keyctl, KEYCTL_SEARCH, ring, "user", NAME, 0),
			"find the key in the %s keyring", rings[i].name);
	}
	found(s_lines("/proc/keys", NAME), "the key in /proc/keys");
}

static void plant_figures(void)
{
	spin(800);
	puts("planted 800 ms of CPU");
	for (int mb = 1; mb <= 1024; mb++) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			break;
		memset(p, 1, 1 << 20);
		if (mb % 16 == 0)
			printf("planted %d MiB\n", mb);
	}
}

static void plant_process(void)
{
	s_daemon(0);
	s_daemon(1);
}

int main(int argc, char **argv)
{
	static const struct { const char *what; void (*plant)(void), (*look)(void); } kinds[] = {
		{ "files", plant_files, look_files }, { "ipc", plant_ipc, look_ipc },
		{ "socket", plant_socket, look_socket }, { "process", plant_process, look_process },
		{ "keys", plant_keys, look_keys }, { "figures", plant_figures, NULL },
	};
	size_t i = 0, n = sizeof kinds / sizeof *kinds;
	int plant = 0, look = 0;

	if (argc == 3) {
		plant = !strcmp(argv[1], "plant") || !strcmp(argv[1], "control");
		look = !strcmp(argv[1], "look") || !strcmp(argv[1], "control");
		while (i < n && strcmp(argv[2], kinds[i].what))
			i++;
	}
	if (!(plant || look) || i == n) {
		fprintf(stderr, "usage: same_box plant|look|control files|ipc|socket|process|keys|figures\n");
		return 2;
	}
	if (plant)
		kinds[i].plant();
	if (look && kinds[i].look)
		kinds[i].look();
	return look ? verdict() : 0;
}
