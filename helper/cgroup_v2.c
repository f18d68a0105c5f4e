/* cgroup_v2.c: boxes under one cgroup v2 subtree (lab machines, systemd with
 * Delegate=yes). Each run gets a fresh cgroup, so every figure starts at 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cgroup.h"

static const char *want[] = { "cpu", "memory", "pids" };

/* Enable the controllers a box needs in one level's subtree_control. */
static void s_enable(int fd)
{
	char buf[256];

	cg_read(fd, "cgroup.subtree_control", buf, sizeof buf);
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		if (!strstr(buf, want[i]))
			write_file(fd, "cgroup.subtree_control", "+%s", want[i]);
}

/* Create the subtree and enable controllers at each level down to it. */
static void s_setup(const struct conf *c)
{
	char path[sizeof c->cgroup], *p = path;
	int fd = cg_open_root("", "", 0), next;

	snprintf(path, sizeof path, "%s", c->cgroup);
	for (char *comp; (comp = strsep(&p, "/"));) {
		if (!*comp)
			continue;
		s_enable(fd);
		if (mkdirat(fd, comp, 0755) < 0 && errno != EEXIST)
			die("mkdir cgroup %s", comp);
		if ((next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			die("open cgroup %s", comp);
		close(fd);
		fd = next;
	}
	s_enable(fd);
	close(fd);
}

static void s_create(struct cg *g, const struct conf *c, const struct job *j)
{
	int root = cg_open_root("", c->cgroup, 0);

	cg_empty(root, g->name);      /* left by a helper that was killed */
	cg_rmdir(root, g->name);
	if (mkdirat(root, g->name, 0700) < 0)
		die("mkdir cgroup %s", g->name);
	g->dir[0] = openat(root, g->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (g->dir[0] < 0)
		die("open cgroup %s", g->name);
	g->root[0] = root;
	write_file(g->dir[0], "memory.max", "%llu", (unsigned long long)j->lim[L_MEMORY_KB] * 1024);
	if (faccessat(g->dir[0], "memory.swap.max", F_OK, 0) == 0)
		write_file(g->dir[0], "memory.swap.max", "0");
	write_file(g->dir[0], "memory.oom.group", "1");
	write_file(g->dir[0], "pids.max", "%llu", (unsigned long long)j->lim[L_PROCS]);
	if ((g->cpu_fd = openat(g->dir[0], "cpu.stat", O_RDONLY | O_CLOEXEC)) < 0)
		die("open cpu.stat");
}

static void s_attach(struct cg *g, pid_t pid)
{
	write_file(g->dir[0], "cgroup.procs", "%d", pid);
}

static uint64_t s_cpu_us(struct cg *g)
{
	char buf[1024];
	ssize_t n = pread(g->cpu_fd, buf, sizeof buf - 1, 0);

	if (n < 0)
		die("read cpu.stat");
	buf[n] = '\0';
	return cg_key(buf, "usage_usec");
}

static void s_figures(struct cg *g, struct result *r)
{
	char buf[1024];

	cg_read(g->dir[0], "memory.peak", buf, sizeof buf);
	r->memory_kb = strtoull(buf, NULL, 10) / 1024;
	cg_read(g->dir[0], "memory.events", buf, sizeof buf);
	r->oom = cg_key(buf, "oom_kill") > 0 || cg_key(buf, "oom_group_kill") > 0;
}

static void s_destroy(struct cg *g)
{
	close(g->cpu_fd);
	close(g->dir[0]);
	cg_empty(g->root[0], g->name);
	cg_rmdir(g->root[0], g->name);
	close(g->root[0]);
}

const struct cg_ops cgroup_v2 = { s_setup, s_create, s_attach, s_cpu_us, s_figures, s_destroy };
