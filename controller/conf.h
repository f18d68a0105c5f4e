/* conf.h: judgeboxd.conf, the limits from helper.conf, and the language
 * definitions (judgeboxd.conf(5), judgebox-languages(5)). Read once at
 * start-up; constant afterwards (handed down as const conf_t *).
 */
#ifndef JUDGEBOX_CONF_H
#define JUDGEBOX_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../proto/wire.h"

#define JBD_VERSION	"0.2.0"
#define NAME_MAX_LEN	64	/* users, language ids, idem keys */

typedef uint64_t limits_t[L_COUNT];

typedef struct lang {
	char id[33], name[128], source[65], version[128], reason[256];
	char exts[128], compile[1024], run[1024], artifacts[256];
	char policy[64], env[8][256];
	char network[16];		/* "" or none: no interface; loopback: lo up */
	int nenv;
	bool available, has_limits[L_COUNT], has_climits[L_COUNT];
	limits_t limits, climits;	/* language defaults, run and compile */
	char version_cmd[256];
} lang_t;

typedef struct conf {
	char state_dir[512], helper[512], helper_conf[512], languages_dir[512];
	char box_root[512];		/* from helper.conf */
	char endpoint[256], events[256], admins[512], log[16];
	char tcp_endpoint[256], tcp_events[256];	/* empty: no TCP */
	char server_key[512], clients_dir[512];	/* CURVE (curve.c) */
	unsigned boxes, first_box;
	uint64_t queue_capacity, queue_per_user, max_waits, max_attempts;
	uint64_t retry_ms, retry_max_ms, min_free_kb;	/* internal failures: conf_retry_ms */
	uint64_t history_days, drain_ms, cache_entries;
	uint64_t max_request, max_source, max_files, max_files_total;
	uint64_t max_stdin, max_args, compile_output_kb;
	char templates_dir[512];	/* sessions' templates; "": beside languages_dir */
	uint64_t session_idle_s, session_max_files, session_max_file, session_max_total;
	/* the violation log and metrics (violations.c, metrics.c) */
	uint64_t violations_per_hour, violations_days, traces_days, prune_every_ms;
	uint64_t metrics_every_ms;
	bool violation_block;		/* violation_action = block (else flag) */
	char metrics_dir[512];		/* "": no metrics file */
	bool sync_full;
	limits_t def, ceil;		/* run limits: defaults and ceilings */
	limits_t cdef;			/* compile step defaults */
	limits_t hceil;			/* helper.conf's ceilings */
	lang_t *langs;
	size_t nlangs;
} conf_t;

int conf_load(conf_t *c, const char *path);
int conf_load_languages(conf_t *c);
const lang_t *conf_lang(const conf_t *c, const char *id);
/* The wait before retry n (1, 2, ...) after an internal failure:
 * retry_ms, doubled for each retry before, at most retry_max_ms. */
uint64_t conf_retry_ms(const conf_t *c, uint64_t n);
bool conf_is_admin(const conf_t *c, const char *user);
void conf_free(conf_t *c);

#endif
