/* problem_str.c: the problem loader's string helpers: bounded copies and
 * joins, space-separated word lists, the names a package may use, numbers
 * as the specs write them, and arrays that grow. Nothing here touches the
 * package.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "problem_int.h"

/* Copy src into dst[size]: 0, or -1 when it does not fit. */
int p_copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

/* dst = a "/" b, or b alone when a is empty: 0, or -1 when it does not fit. */
int p_join(char *dst, size_t size, const char *a, const char *b)
{
	int n = *a ? snprintf(dst, size, "%s/%s", a, b) : snprintf(dst, size, "%s", b);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Append word to the space-separated list dst[size]: 0, or -1 when full. */
int p_append(char *dst, size_t size, const char *word)
{
	size_t n = strlen(dst), k = strlen(word);

	if (n + (n > 0) + k >= size)
		return -1;
	if (n)
		dst[n++] = ' ';
	memcpy(dst + n, word, k + 1);
	return 0;
}

/* True when the space-separated list has word. */
bool p_has_word(const char *list, const char *word)
{
	size_t k = strlen(word);

	for (const char *s = list; (s = strstr(s, word)); s += k)
		if ((s == list || s[-1] == ' ') && (s[k] == ' ' || !s[k]))
			return true;
	return false;
}

/* True when s is one of the NULL-terminated list. */
bool p_in(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* True when s ends with suffix (and has something before it). */
bool p_ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && !strcmp(s + n - k, suffix);
}

/* [JB] a path component: [A-Za-z0-9._-]{1,255}, not starting with '.' or
 * '-' (so never "." or "..", an option, or a hidden file). */
bool p_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n && n <= 255 && s[0] != '.' && s[0] != '-' &&
	       strspn(s, NAME_CHARS) == n;
}

/* A float: decimal, or +-inf / .inf; no NaN, no hex, no overflow. */
int p_parse_num(const char *v, double *out)
{
	const char *s = v + (*v == '+' || *v == '-');
	char *end;
	double d;

	if (!strcasecmp(s, "inf") || !strcasecmp(s, ".inf") || !strcasecmp(s, "infinity")) {
		*out = *v == '-' ? -INFINITY : INFINITY;
		return 0;
	}
	if (!*s || !(isdigit((unsigned char)*s) || *s == '.') || strpbrk(s, "xXnNiI"))
		return -1;
	errno = 0;
	d = strtod(v, &end);
	if (*end || (errno == ERANGE && isinf(d)))
		return -1;
	*out = d;
	return 0;
}

/* Room for element n of arr (capacity *cap elements of size): the array,
 * perhaps moved, or NULL (arr still valid) when out of memory. */
void *p_grow(void *arr, size_t n, size_t *cap, size_t size)
{
	size_t nc = *cap ? *cap * 2 : 16;
	void *b;

	if (n < *cap)
		return arr;
	b = realloc(arr, nc * size);
	if (b)
		*cap = nc;
	return b;
}
