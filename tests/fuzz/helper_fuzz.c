/* helper_fuzz: the helper's helper.conf and argv parsers, which are
 * static in helper/main.c: this file includes main.c (its main renamed)
 * to reach them, so the helper itself is unchanged. Errors end the helper
 * through die_with, which calls die_hook first: here the hook longjmps
 * back. Neither parser allocates, so a longjmp leaks nothing.
 *   an input starting "#argv\n": its further lines are run's options
 *     (`judgebox-helper run 0 LINE...`), through s_parse_run under a
 *     config with every ceiling set;
 *   any other: helper.conf, each line through s_conf_line as s_conf_load
 *     reads it (comments cut, blank lines skipped). */
#define _GNU_SOURCE
#include <setjmp.h>

#define main helper_main
#include "../../helper/main.c"
#undef main

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static jmp_buf s_died;

static void s_hook(const char *msg)
{
	(void)msg;
	longjmp(s_died, 1);
}

static void s_conf_text(char *text)
{
	static struct conf c;
	char where[32], *line, *save = NULL;
	int n = 0;

	memset(&c, 0, sizeof c);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		snprintf(where, sizeof where, "fuzz:%d", ++n);
		if (strlen(line) >= 511)
			line[510] = '\0';	/* fgets' 512-byte buffer */
		line[strcspn(line, "#\r\n")] = '\0';
		if (line[strspn(line, " \t")])
			s_conf_line(&c, line, where);
	}
}

static void s_argv(char *text)
{
	static struct conf c;
	static struct job j;
	char *argv[80] = { "judgebox-helper", "run", "0" }, *save = NULL;
	int argc = 3;

	for (int i = 0; i < L_COUNT; i++)
		c.def[i] = 1000, c.max[i] = 1ULL << 40;
	memset(&j, 0, sizeof j);
	for (char *a = strtok_r(text, "\n", &save); a && argc < 79; a = strtok_r(NULL, "\n", &save))
		argv[argc++] = a;
	argv[argc] = NULL;
	s_parse_run(&c, &j, argc, argv);
	if (j.result_fd < 3 || !j.argv || !j.argv[0])
		abort();	/* parsed: result-fd open and a program */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size), text[size] = '\0';
	die_hook = s_hook;
	if (!setjmp(s_died)) {
		if (size >= 6 && !memcmp(text, "#argv\n", 6))
			s_argv(text + 6);
		else
			s_conf_text(text);
	}
	die_hook = NULL;
	free(text);
	return 0;
}
