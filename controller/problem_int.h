/* problem_int.h: what the problem package loader's files share. Not an API:
 * only controller/problem*.c include it (the API is problem.h).
 *
 * problem.c lists the files and the MUST rules each of them keeps, and says
 * what the marks [L] [D] [PT] [JB] on the rules mean.
 *
 * Names: a function one file defines and others call is p_name, as a
 * file-local one is s_name; the loading context is a p_ctx.
 */
#ifndef JUDGEBOX_PROBLEM_INT_H
#define JUDGEBOX_PROBLEM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <yaml.h>

#include "problem.h"

#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

/* A directory entry, checked (p_list). */
typedef struct p_ent {
	char name[256];
	bool dir;
	uint64_t size;
} p_ent;

/* One problem_load: what it fills in, and where it is. */
typedef struct p_ctx {
	problem *p;
	int pkg;		/* the package directory */
	bool v2;		/* 2023-07-draft */
	bool failed, warn_full;
	char *err;
	size_t errlen;
	yaml_document_t *doc;	/* the YAML document being read */
	const char *file;	/* its path in the package */
	double yaml_tl;		/* problem.yaml limits.time_limit, 0 if none */
	prob_group root;	/* data/'s values before data/testdata.yaml */
	bool root_ff_set;	/* data/ set full_feedback [D] */
	size_t tcap, gcap, icap, vcap;
} p_ctx;

/* problem_err.c: the error (the first one wins) and the warnings */
int __attribute__((format(printf, 3, 4)))
p_fail(p_ctx *c, const char *path, const char *fmt, ...);
void __attribute__((format(printf, 3, 4)))
p_warn(p_ctx *c, const char *path, const char *fmt, ...);

/* problem_str.c */
int p_copy(char *dst, size_t size, const char *src);
int p_join(char *dst, size_t size, const char *a, const char *b);
int p_append(char *dst, size_t size, const char *word);
bool p_has_word(const char *list, const char *word);
bool p_in(const char *s, const char *const *list);
bool p_ends(const char *s, const char *suffix);
bool p_name_ok(const char *s);
int p_parse_num(const char *v, double *out);
void *p_grow(void *arr, size_t n, size_t *cap, size_t size);

/* problem_fs.c: every path beneath the package */
int p_full(p_ctx *c, const char *rel, char *dst, size_t size);
int p_open(p_ctx *c, const char *rel, int flags);
int p_stat(p_ctx *c, const char *rel, struct stat *st);
int p_read(p_ctx *c, const char *rel, size_t max, char **buf, size_t *len);
int p_list(p_ctx *c, const char *rel, p_ent **ents, size_t *n);
const p_ent *p_find_file(const p_ent *ents, size_t n, const char *base, const char *ext);

/* problem_yaml.c: one YAML file at a time, c->doc */
int p_yaml_open(p_ctx *c, const char *rel, yaml_document_t *doc, yaml_node_t **root);
void p_yaml_close(p_ctx *c, yaml_document_t *doc);
yaml_node_t *p_node(p_ctx *c, int id);
int __attribute__((format(printf, 4, 5)))
p_yfail(p_ctx *c, const yaml_node_t *n, const char *key, const char *fmt, ...);
yaml_node_t *p_get(p_ctx *c, const yaml_node_t *map, const char *key);
int p_keys(p_ctx *c, const yaml_node_t *map, const char *what, const char *const *known);
const char *p_text(p_ctx *c, const yaml_node_t *n, const char *key);
int p_str(p_ctx *c, const yaml_node_t *n, const char *key, char *dst, size_t size);
int p_num(p_ctx *c, const yaml_node_t *n, const char *key, double min, double max,
	  double *out);
int p_uint(p_ctx *c, const yaml_node_t *n, const char *key, uint64_t min, uint64_t max,
	   uint64_t *out);
int p_bool(p_ctx *c, const yaml_node_t *n, const char *key, bool *out);
int p_words(p_ctx *c, const yaml_node_t *n, const char *key, char *dst, size_t size);
int p_getnum(p_ctx *c, const yaml_node_t *map, const char *prefix, const char *key,
	     double min, double max, double *out);

/* problem_meta.c: problem.yaml */
void p_defaults(p_ctx *c);
int p_problem_yaml(p_ctx *c);
int p_time_limit(p_ctx *c);

/* problem_validator.c */
int p_validator_legacy(p_ctx *c);
int p_validator_v2(p_ctx *c);

/* problem_groups.c: a group's configuration; legacy grading keys, which
 * problem.yaml's grading may hold too */
int p_on_reject(p_ctx *c, const yaml_node_t *v, const char *key, prob_group *g);
int p_scores(p_ctx *c, const yaml_node_t *map, const char *prefix, prob_group *g);
int p_group_config(p_ctx *c, const char *dir, int gi);
void p_score_warnings(p_ctx *c);

/* problem_data.c */
int p_data(p_ctx *c);

/* problem_req.c: requirement ids [JB] */
int p_req_yaml(p_ctx *c, const yaml_node_t *n, char *reqs, size_t size);
int p_req_file(p_ctx *c, const char *rel, char *reqs, size_t size);

#endif
