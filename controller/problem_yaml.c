/* problem_yaml.c: reading the package's YAML files with libyaml: one
 * document per file, capped in size, depth and nodes before it is loaded;
 * then typed values (strings, numbers, booleans, word lists) with errors
 * "FILE:LINE: KEY: WHAT". One document is current at a time (c->doc).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "problem_int.h"

#define MAX_YAML_DEPTH 64	/* [JB] collections nested in one YAML file */
#define MAX_YAML_EVENTS 100000	/* [JB] nodes (and ends) in one YAML file */

/* The parser's error as "FILE:LINE:COL: what". */
static int s_yaml_err(p_ctx *c, const char *rel, const yaml_parser_t *ps)
{
	char where[600];

	if (ps->error == YAML_MEMORY_ERROR)
		return p_fail(c, rel, "out of memory");
	snprintf(where, sizeof where, "%s:%zu:%zu", rel, ps->problem_mark.line + 1,
		 ps->problem_mark.column + 1);
	if (!ps->context)
		return p_fail(c, where, "%s", ps->problem ? ps->problem : "malformed YAML");
	return p_fail(c, where, "%s (%s)", ps->problem ? ps->problem : "malformed YAML",
		      ps->context);
}

/* A first pass over buf's events, stopping at MAX_YAML_DEPTH levels or
 * MAX_YAML_EVENTS events: libyaml's scanner is quadratic in flow nesting
 * (800 KB of '[' took 8 minutes), so a hostile file is cut short here, where
 * the scanner has looked at most about 1 KB ahead. */
static int s_yaml_precheck(p_ctx *c, const char *rel, const char *buf, size_t len)
{
	yaml_event_type_t t = YAML_NO_EVENT;
	int depth = 0, rc = 0;
	long events = 0;
	yaml_parser_t ps;
	yaml_event_t ev;
	char where[600];

	if (!yaml_parser_initialize(&ps))
		return p_fail(c, rel, "out of memory");
	yaml_parser_set_input_string(&ps, (const unsigned char *)buf, len);
	while (rc == 0 && t != YAML_STREAM_END_EVENT) {
		if (!yaml_parser_parse(&ps, &ev)) {
			rc = s_yaml_err(c, rel, &ps);
			break;
		}
		t = ev.type;
		snprintf(where, sizeof where, "%s:%zu", rel, ev.start_mark.line + 1);
		yaml_event_delete(&ev);
		depth += t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT;
		depth -= t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT;
		if (depth > MAX_YAML_DEPTH)
			rc = p_fail(c, where, "YAML nested deeper than %d levels", MAX_YAML_DEPTH);
		else if (++events > MAX_YAML_EVENTS)
			rc = p_fail(c, where, "more than %d YAML nodes", MAX_YAML_EVENTS);
	}
	yaml_parser_delete(&ps);
	return rc;
}

/* Parse buf into doc, refusing a second document: 1 or -1. */
static int s_yaml_parse(p_ctx *c, const char *rel, const char *buf, size_t len,
			yaml_document_t *doc)
{
	yaml_document_t more;
	yaml_parser_t ps;
	int rc = 1;

	if (s_yaml_precheck(c, rel, buf, len) < 0)
		return -1;
	if (!yaml_parser_initialize(&ps))
		return p_fail(c, rel, "out of memory");
	yaml_parser_set_input_string(&ps, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&ps, doc)) {
		rc = s_yaml_err(c, rel, &ps);
	} else if (!yaml_parser_load(&ps, &more)) {
		rc = s_yaml_err(c, rel, &ps);
		yaml_document_delete(doc);
	} else {
		if (yaml_document_get_root_node(&more)) {
			rc = p_fail(c, rel, "more than one YAML document");
			yaml_document_delete(doc);
		}
		yaml_document_delete(&more);
	}
	yaml_parser_delete(&ps);
	return rc;
}

/* True for a null scalar: "", "~" or null, unquoted. */
static bool s_null(const yaml_node_t *n)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)n->data.scalar.value;
	return !*v || !strcmp(v, "~") || !strcasecmp(v, "null");
}

/* Load the YAML file rel: 1 with *root its top mapping (NULL when the file
 * is empty), 0 when it does not exist, -1 on error. On 1 the document is
 * the current one (c->doc, c->file) until p_yaml_close. */
int p_yaml_open(p_ctx *c, const char *rel, yaml_document_t *doc, yaml_node_t **root)
{
	size_t len;
	char *buf;
	int rc = p_read(c, rel, PROB_MAX_YAML, &buf, &len);

	if (rc <= 0)
		return rc;
	rc = s_yaml_parse(c, rel, buf, len, doc);
	free(buf);
	if (rc < 0)
		return -1;
	*root = yaml_document_get_root_node(doc);
	if (*root && s_null(*root))
		*root = NULL;
	if (*root && (*root)->type != YAML_MAPPING_NODE) {
		yaml_document_delete(doc);
		return p_fail(c, rel, "not a YAML map");
	}
	c->doc = doc;
	c->file = rel;
	return 1;
}

/* Done with the current document. */
void p_yaml_close(p_ctx *c, yaml_document_t *doc)
{
	yaml_document_delete(doc);
	c->doc = NULL;
	c->file = NULL;
}

/* Node id of the current document. */
yaml_node_t *p_node(p_ctx *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

/* The error "FILE:LINE: key: what" at node n. */
int __attribute__((format(printf, 4, 5)))
p_yfail(p_ctx *c, const yaml_node_t *n, const char *key, const char *fmt, ...)
{
	char where[600], what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(where, sizeof where, "%s:%zu", c->file, n->start_mark.line + 1);
	return p_fail(c, where, "%s: %s", key, what);
}

/* The value of key in mapping map, or NULL when absent or null. */
yaml_node_t *p_get(p_ctx *c, const yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *a = map->data.mapping.pairs.start; a < map->data.mapping.pairs.top;
	     a++) {
		yaml_node_t *k = p_node(c, a->key), *v = p_node(c, a->value);

		if (k && k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, key))
			return v && !s_null(v) ? v : NULL;
	}
	return NULL;
}

/* Check map (named what): a mapping of distinct string keys; keys not in
 * known (NULL: any key) are warnings [L][D]. */
int p_keys(p_ctx *c, const yaml_node_t *map, const char *what, const char *const *known)
{
	yaml_node_pair_t *a, *b, *start;
	char where[600];

	if (map->type != YAML_MAPPING_NODE)
		return p_yfail(c, map, what, "not a map");
	start = map->data.mapping.pairs.start;
	if (map->data.mapping.pairs.top - start > 1000)
		return p_yfail(c, map, what, "more than 1000 keys");
	for (a = start; a < map->data.mapping.pairs.top; a++) {
		yaml_node_t *k = p_node(c, a->key);
		const char *name;

		if (!k || k->type != YAML_SCALAR_NODE)
			return p_yfail(c, map, what, "a key that is not a string");
		name = (const char *)k->data.scalar.value;
		for (b = start; b < a; b++)
			if (!strcmp((char *)p_node(c, b->key)->data.scalar.value, name))
				return p_yfail(c, k, name, "given twice");
		snprintf(where, sizeof where, "%s:%zu", c->file, k->start_mark.line + 1);
		if (known && !p_in(name, known))
			p_warn(c, where, "unknown key %s%s%s: ignored", what, *what ? "." : "",
			       name);
	}
	return 0;
}

/* A scalar's text, or NULL after an error (not a scalar, or a NUL in it). */
const char *p_text(p_ctx *c, const yaml_node_t *n, const char *key)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE) {
		p_yfail(c, n, key, "not a string");
		return NULL;
	}
	v = (const char *)n->data.scalar.value;
	if (strlen(v) != n->data.scalar.length) {
		p_yfail(c, n, key, "has a NUL byte");
		return NULL;
	}
	return v;
}

/* A string into dst[size]. */
int p_str(p_ctx *c, const yaml_node_t *n, const char *key, char *dst, size_t size)
{
	const char *v = p_text(c, n, key);

	if (!v)
		return -1;
	if (p_copy(dst, size, v) < 0)
		return p_yfail(c, n, key, "longer than %zu bytes", size - 1);
	return 0;
}

/* A number within [min, max]. */
int p_num(p_ctx *c, const yaml_node_t *n, const char *key, double min, double max,
	  double *out)
{
	const char *v = p_text(c, n, key);

	if (!v)
		return -1;
	if (p_parse_num(v, out) < 0)
		return p_yfail(c, n, key, "not a number");
	if (!(*out >= min && *out <= max))
		return p_yfail(c, n, key, "not within [%g, %g]", min, max);
	return 0;
}

/* An unsigned integer within [min, max]. */
int p_uint(p_ctx *c, const yaml_node_t *n, const char *key, uint64_t min, uint64_t max,
	   uint64_t *out)
{
	const char *v = p_text(c, n, key);
	unsigned long long u;
	char *end;

	if (!v)
		return -1;
	errno = 0;
	u = strtoull(v, &end, 10);
	if (!isdigit((unsigned char)*v) || *end || errno)
		return p_yfail(c, n, key, "not an integer");
	if (u < min || u > max)
		return p_yfail(c, n, key, "not within [%llu, %llu]", (unsigned long long)min,
			       (unsigned long long)max);
	*out = u;
	return 0;
}

/* A boolean: true or false (any case). */
int p_bool(p_ctx *c, const yaml_node_t *n, const char *key, bool *out)
{
	const char *v = p_text(c, n, key);

	if (!v)
		return -1;
	if (strcasecmp(v, "true") && strcasecmp(v, "false"))
		return p_yfail(c, n, key, "not true or false");
	*out = !strcasecmp(v, "true");
	return 0;
}

/* A string, or a sequence of strings joined by single spaces, into dst. */
int p_words(p_ctx *c, const yaml_node_t *n, const char *key, char *dst, size_t size)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return p_str(c, n, key, dst, size);
	dst[0] = 0;
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top;
	     i++) {
		const char *v = p_text(c, p_node(c, *i), key);

		if (!v)
			return -1;
		if (p_append(dst, size, v) < 0)
			return p_yfail(c, n, key, "longer than %zu bytes", size - 1);
	}
	return 0;
}

/* An optional number under key of map (named prefix.key in messages),
 * within [min, max], into *out. */
int p_getnum(p_ctx *c, const yaml_node_t *map, const char *prefix, const char *key,
	     double min, double max, double *out)
{
	const yaml_node_t *v = p_get(c, map, key);
	char what[128];

	snprintf(what, sizeof what, "%s%s%s", prefix, *prefix ? "." : "", key);
	return v ? p_num(c, v, what, min, max, out) : 0;
}
