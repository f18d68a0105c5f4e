/* cgroup_v1.c: boxes under the memory, pids and cpuacct v1 hierarchies
 * (older hosts, and the development machines). A fresh cgroup per run. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cgroup.h"

static const char *hier[] = { "memory", "pids", "cpuacct" };
enum { MEM, PIDS, CPU, NHIER };

static void s_setup(const struct conf *c)
{
	for (int i = 0; i < NHIER; i++)
		close(cg_open_root(hier[i], c->cgroup, 1));
}

static void s_create(struct cg *g, const struct conf *c, const struct job *j)
{
	unsigned long long mem = (unsigned long long)j->lim[L_MEMORY_KB] * 1024;

	for (int i = 0; i < NHIER; i++) {
		int root = g->root[i] = cg_open_root(hier[i], c->cgroup, 0);

		cg_empty(root, g->name);
		cg_rmdir(root, g->name);
		if (mkdirat(root, g->name, 0700) < 0)
			die("mkdir cgroup %s/%s", hier[i], g->name);
		g->dir[i] = openat(root, g->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (g->dir[i] < 0)
			die("open cgroup %s/%s", hier[i], g->name);
	}
	write_file(g->dir[MEM], "memory.limit_in_bytes", "%llu", mem);
	if (faccessat(g->dir[MEM], "memory.memsw.limit_in_bytes", F_OK, 0) == 0)
		write_file(g->dir[MEM], "memory.memsw.limit_in_bytes", "%llu", mem);
	write_file(g->dir[PIDS], "pids.max", "%llu", (unsigned long long)j->lim[L_PROCS]);
	if ((g->cpu_fd = openat(g->dir[CPU], "cpuacct.usage", O_RDONLY | O_CLOEXEC)) < 0)
		die("open cpuacct.usage");
}

static void s_attach(struct cg *g, pid_t pid)
{
	for (int i = 0; i < NHIER; i++)
		write_file(g->dir[i], "cgroup.procs", "%d", pid);
}

static uint64_t s_cpu_us(struct cg *g)
{
	char buf[32];
	ssize_t n = pread(g->cpu_fd, buf, sizeof buf - 1, 0);

	if (n < 0)
		die("read cpuacct.usage");
	buf[n] = '\0';
	return strtoull(buf, NULL, 10) / 1000;
}

static void s_figures(struct cg *g, struct result *r)
{
	char buf[1024];

	cg_read(g->dir[MEM], "memory.max_usage_in_bytes", buf, sizeof buf);
	r->memory_kb = strtoull(buf, NULL, 10) / 1024;
	cg_read(g->dir[MEM], "memory.oom_control", buf, sizeof buf);
	r->oom = cg_key(buf, "oom_kill") > 0;
}

/* The box's cgroups are siblings in three trees: empty one, remove all. */
static void s_destroy(struct cg *g)
{
	close(g->cpu_fd);
	cg_empty(g->root[MEM], g->name);
	for (int i = 0; i < NHIER; i++) {
		close(g->dir[i]);
		cg_rmdir(g->root[i], g->name);
		close(g->root[i]);
	}
}

const struct cg_ops cgroup_v1 = { s_setup, s_create, s_attach, s_cpu_us, s_figures, s_destroy };
