/* lang.c: the language of a program (-l, else the extension of its first
 * file, as the daemon's languages list them), and the languages command.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

/* How well l fits file: 0 if none of its extensions ends the name, else
 * twice the longest that does, plus 1 if l is available (so that on a tie,
 * python3 wins over a pypy3 that is not installed). */
static size_t s_ext_score(const msgpack_object *l, const char *file)
{
	const msgpack_object *ext = rd_array(l, "extensions");
	size_t best = 0, flen = strlen(file);
	if (l->type != MSGPACK_OBJECT_MAP)
		return 0;
	for (uint32_t k = 0; ext && k < ext->via.array.size; k++) {
		const char *p;
		size_t n;
		if (mp_as_str(&ext->via.array.ptr[k], &p, &n) && n && n < flen &&
		    !memcmp(file + flen - n, p, n) && n > best)
			best = n;
	}
	return best ? 2 * best + rd_bool(l, "available") : 0;
}

/* Print "id (ext ...)" of the languages that fit file with this score
 * (every language if score is 0), for error messages. */
static void s_list_langs(const msgpack_object *langs, const char *file, size_t score)
{
	const char *sep = "  ";
	for (uint32_t i = 0; i < langs->via.array.size; i++) {
		const msgpack_object *l = &langs->via.array.ptr[i], *ext = rd_array(l, "extensions");
		char id[64];
		if (l->type != MSGPACK_OBJECT_MAP || (score && s_ext_score(l, file) != score))
			continue;
		fprintf(stderr, "%s%s (", sep, rd_str(l, "id", id, sizeof id, "?"));
		for (uint32_t k = 0; ext && k < ext->via.array.size; k++) {
			const char *p;
			size_t n;
			if (mp_as_str(&ext->via.array.ptr[k], &p, &n))
				fprintf(stderr, "%s%.*s", k ? " " : "", (int)n, p);
		}
		fputc(')', stderr);
		sep = ", ";
	}
	fputc('\n', stderr);
}

/* Copy a language's id, source name, availability and extensions. */
static void s_lang_set(lang_t *lang, const msgpack_object *l)
{
	const msgpack_object *ext = rd_array(l, "extensions");
	rd_str(l, "id", lang->id, sizeof lang->id, "");
	rd_str(l, "source", lang->source, sizeof lang->source, "");
	lang->available = rd_bool(l, "available");
	lang->next = 0;
	for (uint32_t k = 0; ext && k < ext->via.array.size && lang->next < 8; k++) {
		const char *p;
		size_t n;
		if (mp_as_str(&ext->via.array.ptr[k], &p, &n) && n && n < 16)
			snprintf(lang->ext[lang->next++], 16, "%.*s", (int)n, p);
	}
}

/* Is file (a base name) a source file of lang: one of its extensions ends
 * it (every file, if they are unknown)? */
bool lang_is_source(const lang_t *lang, const char *file)
{
	size_t flen = strlen(file);
	for (int k = 0; k < lang->next; k++) {
		size_t n = strlen(lang->ext[k]);
		if (n < flen && !strcmp(file + flen - n, lang->ext[k]))
			return true;
	}
	return lang->next == 0;
}

/* A .py file whose first line is a shebang naming python2 is Python 2,
 * as problemtools and DOMjudge tell it: lang becomes python2 (as the
 * daemon lists it, or unavailable), never run as Python 3. */
void lang_shebang(const msgpack_object *langs, const char *path, lang_t *lang)
{
	char line[256] = "";
	size_t n = strlen(path);
	if (strcmp(lang->id, "python3") || n < 3 || strcmp(path + n - 3, ".py"))
		return;
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	if (!fgets(line, sizeof line, f))
		*line = '\0';
	fclose(f);
	if (strncmp(line, "#!", 2) || !strstr(line, "python2"))
		return;
	snprintf(lang->id, sizeof lang->id, "python2");
	lang->available = false;
	for (uint32_t i = 0; langs && i < langs->via.array.size; i++)
		if (mp_str_eq(mp_get(&langs->via.array.ptr[i], "id"), "python2"))
			s_lang_set(lang, &langs->via.array.ptr[i]);
}

/* The languages whose extension fits file best: how many (1: *lang is
 * the one; 0: none; more: a tie), and their score in *best. */
int lang_match(const msgpack_object *langs, const char *file, lang_t *lang,
	       size_t *best)
{
	int count = 0;
	*best = 0;
	for (uint32_t i = 0; i < langs->via.array.size; i++) {
		const msgpack_object *l = &langs->via.array.ptr[i];
		size_t n = s_ext_score(l, file);
		if (n && n == *best)
			count++;
		if (n > *best) {
			*best = n;
			count = 1;
			s_lang_set(lang, l);
		}
	}
	return count;
}

/* The language whose extension fits file best; a tie is an error. */
static int s_lang_by_ext(const msgpack_object *langs, const char *file, lang_t *lang)
{
	size_t best;
	int count = lang_match(langs, file, lang, &best);
	if (count == 1)
		return RC_OK;
	fprintf(stderr, "judgebox: %s: %s; use -l with one of:\n", file, count ?
		"its extension fits several languages" : "cannot tell the language from its name");
	s_list_langs(langs, file, best);
	return RC_USAGE;
}

/* The language named by -l, with its source name. */
static int s_lang_by_id(const msgpack_object *langs, const char *id, lang_t *lang)
{
	for (uint32_t i = 0; i < langs->via.array.size; i++) {
		const msgpack_object *l = &langs->via.array.ptr[i];
		if (l->type == MSGPACK_OBJECT_MAP && mp_str_eq(mp_get(l, "id"), id)) {
			s_lang_set(lang, l);
			return RC_OK;
		}
	}
	fprintf(stderr, "judgebox: unknown language '%s'; languages:\n", id);
	s_list_langs(langs, "", 0);
	return RC_USAGE;
}

/* Decide the language: -l, else the first file's extension. One file with
 * -l needs no languages request, unless the source name is needed. */
static int s_pick(cli_t *x, lang_t *lang, bool need_source)
{
	if (x->o.lang && x->nfiles == 1 && !need_source) {
		snprintf(lang->id, sizeof lang->id, "%s", x->o.lang);
		return RC_OK;
	}
	req_t r;
	in_t in = { 0 };
	req_begin(&r, "languages");
	int rc = conn_call(x, &r, conn_timeout(x), &in);
	const msgpack_object *langs = rc == RC_OK ? rd_array(in.root, "languages") : NULL;
	if (rc == RC_OK && !langs) {
		fputs("judgebox: reply without languages\n", stderr);
		rc = RC_INTERNAL;
	}
	if (rc == RC_OK && x->o.lang)
		rc = s_lang_by_id(langs, x->o.lang, lang);
	else if (rc == RC_OK)
		rc = s_lang_by_ext(langs, x->files[0], lang);
	if (rc == RC_OK && !x->o.lang)
		lang_shebang(langs, x->files[0], lang);
	in_free(&in);
	return rc;
}

int lang_pick(cli_t *x, lang_t *lang)
{
	return s_pick(x, lang, false);
}

int lang_resolve(cli_t *x, lang_t *lang)
{
	return s_pick(x, lang, true);
}

/* ---- languages ---- */

/* "ID  VERSION  EXTENSIONS", or why it is unavailable. */
static void s_language_line(const msgpack_object *l)
{
	const msgpack_object *ext = rd_array(l, "extensions");
	char id[64], ver[300], reason[600], what[700];
	if (rd_bool(l, "available"))
		snprintf(what, sizeof what, "%s", rd_str(l, "version", ver, sizeof ver, "available"));
	else
		snprintf(what, sizeof what, "unavailable: %s",
			 rd_str(l, "reason", reason, sizeof reason, "?"));
	printf("%-12s %-36s", rd_str(l, "id", id, sizeof id, "?"), what);
	for (uint32_t k = 0; ext && k < ext->via.array.size; k++) {
		const char *p;
		size_t n;
		if (mp_as_str(&ext->via.array.ptr[k], &p, &n))
			printf(" %.*s", (int)n, p);
	}
	putchar('\n');
}

/* languages: a table, or the list as JSON. */
int cmd_languages(cli_t *x)
{
	req_t r;
	in_t in = { 0 };
	req_begin(&r, "languages");
	int rc = conn_call(x, &r, conn_timeout(x), &in);
	const msgpack_object *langs = rc == RC_OK ? rd_array(in.root, "languages") : NULL;
	if (rc == RC_OK && x->o.json)
		json_fields(in.root);
	else if (rc == RC_OK) {
		printf("%-12s %-36s %s\n", "ID", "VERSION", "EXTENSIONS");
		for (uint32_t i = 0; langs && i < langs->via.array.size; i++)
			if (langs->via.array.ptr[i].type == MSGPACK_OBJECT_MAP)
				s_language_line(&langs->via.array.ptr[i]);
	}
	in_free(&in);
	return rc;
}
