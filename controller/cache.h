/* cache.h: the compile cache (cache.c). Judging compiles once per
 * program: a compile's artifacts are kept in state_dir/cache/ENTRY,
 * indexed in the store by the FNV-1a hash of the language (id, compile
 * command, version) and the sources, and copied into a clean box for each
 * run (from memory for the few entries used last, when small: cache.c).
 * The store evicts the oldest entries past cache_entries.
 */
#ifndef JUDGEBOX_CACHE_H
#define JUDGEBOX_CACHE_H

#include <stdint.h>

#include "../proto/mp.h"
#include "conf.h"
#include "store.h"

#define ARTIFACTS_MAX	(128u << 20)	/* bytes a compile may leave for the run */

typedef struct cache cache_t;

/* The cache under c's state_dir, indexed in st; NULL if out of memory. */
cache_t *cache_new(const conf_t *c, store_t *st);
void cache_destroy(cache_t **p);

/* Look program (l, files, entry file main or NULL) up, in the open
 * transaction: 1 with *entry, 0 (with *key set) if it must be compiled,
 * -1 on error. */
int cache_lookup(cache_t *self, const lang_t *l, const msgpack_object *files,
		 const msgpack_object *main, uint64_t *key, uint64_t *entry);
/* A compile of (l, files) succeeded in the box directory from (-1: fails):
 * its artifacts (l's patterns) into a new entry *entry for key. 0; -2 if
 * they are over ARTIFACTS_MAX, 4096 files or 8 levels (the entry is
 * dropped); -1. */
int cache_store(cache_t *self, const lang_t *l, const msgpack_object *files,
		const msgpack_object *main, uint64_t key, int from, uint64_t *entry);
/* A program into the clean box directory to (-1: fails): its cached
 * artifacts (entry), or for an interpreted language (no compile command)
 * its sources. 0 or -1. */
int cache_load(cache_t *self, const lang_t *l, const msgpack_object *files,
	       uint64_t entry, int to);

#endif
