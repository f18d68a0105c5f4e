/* problem_req.c: requirement ids, judgebox's extension [JB] (problem.h):
 * a group's `requirements` key, and a test's NAME.req sidecar file.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "problem_int.h"

#define MAX_REQ_FILE 4096	/* [JB] NAME.req */

/* Add requirement id to the list reqs[size] unless there. */
static int s_req_add(p_ctx *c, const char *where, char *reqs, size_t size, const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 64 || strspn(id, NAME_CHARS ":") != n)
		return p_fail(c, where, "bad requirement id \"%s\": 1 to 64 of [A-Za-z0-9._:-]",
			      id);
	if (p_has_word(reqs, id))
		return 0;
	if (p_append(reqs, size, id) < 0)
		return p_fail(c, where, "requirement ids longer than %zu bytes", size - 1);
	return 0;
}

/* A group's `requirements`: a list of ids, or one string of them. */
int p_req_yaml(p_ctx *c, const yaml_node_t *n, char *reqs, size_t size)
{
	char buf[1024], where[600], *save, *w;

	if (p_words(c, n, "requirements", buf, sizeof buf) < 0)
		return -1;
	snprintf(where, sizeof where, "%s:%zu: requirements", c->file, n->start_mark.line + 1);
	for (w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		if (s_req_add(c, where, reqs, size, w) < 0)
			return -1;
	return 0;
}

/* A test's NAME.req: one id a line; blank lines and '#' comments skipped. */
int p_req_file(p_ctx *c, const char *rel, char *reqs, size_t size)
{
	char *buf, *line, *next, where[1100];
	size_t len;
	int rc = p_read(c, rel, MAX_REQ_FILE, &buf, &len), ln = 0;

	if (rc <= 0)
		return rc;
	if (memchr(buf, 0, len))
		rc = p_fail(c, rel, "has a NUL byte");
	for (line = buf; rc > 0 && line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		ln++;
		line += strspn(line, " \t\r");
		for (char *e = line + strlen(line); e > line && strchr(" \t\r", e[-1]); )
			*--e = 0;
		snprintf(where, sizeof where, "%s:%d", rel, ln);
		if (*line && *line != '#' && s_req_add(c, where, reqs, size, line) < 0)
			rc = -1;
	}
	free(buf);
	return rc < 0 ? -1 : 0;
}
