/* snapshot.h: the daemon's own copy of an imported problem's tests and
 * description (snapshot.c says why). */
#ifndef JUDGEBOX_SNAPSHOT_H
#define JUDGEBOX_SNAPSHOT_H

#include <stddef.h>

#include "conf.h"
#include "problem.h"
#include "store.h"

/* Copy p's tests into a new snapshot directory under state_dir/problems
 * (dir: 512 bytes out); p's test paths then name the copies. */
int snapshot_make(const conf_t *c, problem *p, char *dir, char *err, size_t errlen);
/* The description beside the tests: dir/desc.mp. */
int snapshot_write_desc(const char *dir, const void *desc, size_t len);
/* Remove the snapshots that no committed problem and no unfinished job
 * names. */
void snapshot_gc(const conf_t *c, store_t *st);

#endif
