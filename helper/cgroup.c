/* cgroup.c: the box's cgroup on v2 (lab machines; under systemd, the
 * delegated subtree) and v1 (older hosts). They differ only in file names,
 * units and the number of hierarchies: one table, not two backends. Only the
 * subtree named in helper.conf is touched; each run gets a fresh cgroup. */
#include "helper.h"

enum { MEM, PIDS, CPU, QUOTA };
static const struct kind {
	const char *hier[4];       /* under /sys/fs/cgroup, for MEM, PIDS, CPU, QUOTA */
	int nhier, v1;             /* v1: CPU counter in ns, swap limit = mem+swap */
	const char *mem_max, *swap_max, *peak, *oom, *cpu;
} kinds[2] = {
	{ { "memory", "pids", "cpuacct", "cpu" }, 4, 1, "memory.limit_in_bytes",
	  "memory.memsw.limit_in_bytes", "memory.max_usage_in_bytes",
	  "memory.oom_control", "cpuacct.usage" },
	{ { "" }, 1, 0, "memory.max", "memory.swap.max", "memory.peak",
	  "memory.events", "cpu.stat" },
};

/* A cgroup2 file system at /sys/fs/cgroup is a v2 host; anything else, v1. */
static const struct kind *s_kind(void)
{
	struct statfs s;
	if (statfs("/sys/fs/cgroup", &s) < 0)
		die("statfs /sys/fs/cgroup");
	return &kinds[s.f_type == CGROUP2_SUPER_MAGIC];
}

/* Read a small cgroup file into buf, NUL-terminated; "" if it does not exist. */
static void s_read(int dirfd, const char *name, char *buf, size_t len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, len - 1);

	if ((fd < 0 && errno != ENOENT) || n < 0)
		die("read %s", name);
	buf[n] = '\0';
	close(fd);                      /* -1 if there was none: EBADF, nothing */
}

/* The number after "KEY " at the start of a line of a flat-keyed file. */
static uint64_t s_key(const char *buf, const char *key)
{
	size_t k = strlen(key);

	for (const char *p = buf; p; p = strchr(p, '\n')) {
		p += *p == '\n';
		if (!strncmp(p, key, k) && p[k] == ' ')
			return strtoull(p + k + 1, NULL, 10);
	}
	return 0;
}

/* v2: enable the first N of the controllers a box may need where they are
 * not yet (cpu.stat is always there; cpu is for cpu.max, a cpu-share). */
static void s_enable(int fd, int n)
{
	static const char *want[] = { "memory", "pids", "cpu" };
	char buf[256] = " ", word[16];

	s_read(fd, "cgroup.subtree_control", buf + 1, sizeof buf - 2);
	buf[strcspn(buf, "\n")] = ' ';     /* " cpuset cpu io memory pids ": whole words */
	for (int i = 0; i < n; i++)
		if (snprintf(word, sizeof word, " %s ", want[i]), !strstr(buf, word))
			write_file(fd, "cgroup.subtree_control", "+%s", want[i]);
}

/* The hierarchies a box uses: v1's `cpu` only with a cpu-share ceiling in
 * helper.conf, and not when it is cpuacct's too (cpu,cpuacct mounted as one). */
static int s_nhier(const struct kind *k, const struct conf *c)
{
	struct stat a, b;

	if (!k->v1 || !c->max[L_CPU_SHARE])
		return k->nhier - k->v1;
	if (stat("/sys/fs/cgroup/cpu", &a) < 0 || stat("/sys/fs/cgroup/cpuacct", &b) < 0)
		die("stat /sys/fs/cgroup/cpu and cpuacct (a cpu-share needs the cpu hierarchy)");
	return k->nhier - (a.st_dev == b.st_dev && a.st_ino == b.st_ino);
}

/* Open /sys/fs/cgroup/HIER/REL; with CREATE, make the missing levels
 * (on v2, enabling V2 controllers at each level above the box). */
static int s_open(const char *hier, const char *rel, int create, int v2)
{
	char path[256], *p = path, *comp;
	int fd, next;

	snprintf(path, sizeof path, "/sys/fs/cgroup/%s", hier);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		die("open %s", path);
	snprintf(path, sizeof path, "%s", rel);
	while ((comp = strsep(&p, "/"))) {
		if (create && v2)
			s_enable(fd, v2);
		if (create && mkdirat(fd, comp, 0755) < 0 && errno != EEXIST)
			die("mkdir cgroup %s/%s", hier, comp);
		if ((next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			die("open cgroup %s/%s (has `setup` been run?)", hier, comp);
		close(fd);
		fd = next;
	}
	if (create && v2)
		s_enable(fd, v2);
	return fd;
}

/* Remove the box cgroup NAME. Every task in it is in the box's pid namespace
 * and dies with its init; rmdir waits out those still exiting. */
static void s_remove(int root, const char *name)
{
	for (int i = 0; unlinkat(root, name, AT_REMOVEDIR) < 0 && errno != ENOENT; i++)
		if (errno != EBUSY || i == 5000 || usleep(1000) < 0)
			die("rmdir cgroup %s", name);
}

void cg_setup(const struct conf *c)
{
	const struct kind *k = s_kind();
	for (int i = 0; i < s_nhier(k, c); i++)
		close(s_open(k->hier[i], c->cgroup, 1, k->v1 ? 0 : 2 + !!c->max[L_CPU_SHARE]));
}

/* A new, empty cgroup for box N (replacing a stale one). */
void cg_create(struct cg *g, const struct conf *c, const struct job *j)
{
	const struct kind *k = g->kind = s_kind();

	snprintf(g->name, sizeof g->name, "box%u", j->box);
	g->n = s_nhier(k, c);
	for (int i = 0; i < g->n; i++) {
		g->root[i] = s_open(k->hier[i], c->cgroup, 0, 0);
		s_remove(g->root[i], g->name);
		if (mkdirat(g->root[i], g->name, 0700) < 0 ||
		    (g->dir[i] = openat(g->root[i], g->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			die("create cgroup %s", g->name);
	}
	for (int i = g->n; i < 4; i++)  /* v2: one directory holds every controller */
		g->dir[i] = g->dir[k->v1 ? CPU : 0];
	g->into = k->v1 ? -1 : g->dir[0];
}

/* The run's limits, written when its request comes. */
void cg_limits(struct cg *g, const struct job *j)
{
	const struct kind *k = g->kind;
	unsigned long long mem = (unsigned long long)j->lim[L_MEMORY_KB] << 10;
	unsigned long long share = j->lim[L_CPU_SHARE];

	if (share && k->v1)             /* thousandths of a CPU, per 100 ms period */
		write_file(g->dir[QUOTA], "cpu.cfs_period_us", "100000");
	if (share)
		write_file(g->dir[QUOTA], k->v1 ? "cpu.cfs_quota_us" : "cpu.max", "%llu%s",
			share * 100, k->v1 ? "" : " 100000");
	write_file(g->dir[MEM], k->mem_max, "%llu", mem);
	if (faccessat(g->dir[MEM], k->swap_max, F_OK, 0) == 0)
		write_file(g->dir[MEM], k->swap_max, "%llu", k->v1 ? mem : 0);
	write_file(g->dir[PIDS], "pids.max", "%llu", (unsigned long long)j->lim[L_PROCS]);
}

void cg_attach(struct cg *g, pid_t pid)
{
	for (int i = 0; i < g->n; i++)
		write_file(g->dir[i], "cgroup.procs", "%d", pid);
}

/* CPU time of everything in the box, all threads and children, in µs. */
uint64_t cg_cpu_us(struct cg *g)
{
	char buf[1024];

	s_read(g->dir[CPU], g->kind->cpu, buf, sizeof buf);
	return g->kind->v1 ? strtoull(buf, NULL, 10) / 1000 : s_key(buf, "usage_usec");
}

void cg_figures(struct cg *g, struct result *r)
{
	char buf[1024];

	s_read(g->dir[MEM], g->kind->peak, buf, sizeof buf);
	r->memory_kb = strtoull(buf, NULL, 10) >> 10;
	s_read(g->dir[MEM], g->kind->oom, buf, sizeof buf);
	r->oom = s_key(buf, "oom_kill") > 0;
}

void cg_destroy(struct cg *g)
{
	for (int i = 0; i < g->n; i++) {
		close(g->dir[i]);
		s_remove(g->root[i], g->name);
		close(g->root[i]);
	}
}
