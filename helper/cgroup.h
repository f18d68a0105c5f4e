/* cgroup.h: one small interface over cgroup v2 (cgroup_v2.c) and v1
 * (cgroup_v1.c), in the manner of Redis's ae.h. Every function dies on error. */
#ifndef JUDGEBOX_CGROUP_H
#define JUDGEBOX_CGROUP_H

#include "helper.h"

struct cg {
	const struct cg_ops *ops;
	int dir[3];        /* the box's cgroup; v2: [0]; v1: memory, pids, cpuacct */
	int root[3];       /* its parent, the configured subtree */
	int cpu_fd;        /* kept open: read on every supervisor wake-up */
	char name[16];     /* "box<N>" */
};

struct cg_ops {
	void (*setup)(const struct conf *c);
	void (*create)(struct cg *g, const struct conf *c, const struct job *j);
	void (*attach)(struct cg *g, pid_t pid);
	uint64_t (*cpu_us)(struct cg *g);
	void (*figures)(struct cg *g, struct result *r);
	void (*destroy)(struct cg *g);
};

extern const struct cg_ops cgroup_v1, cgroup_v2;

/* cgroup.c: what both backends share. */
const struct cg_ops *cg_detect(void);
int cg_open_root(const char *hier, const char *rel, int create);
size_t cg_read(int dirfd, const char *name, char *buf, size_t len);
uint64_t cg_key(const char *buf, const char *key);
void cg_empty(int dirfd, const char *name);
void cg_rmdir(int parent, const char *name);

#endif
