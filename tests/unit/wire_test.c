/* wire_test: proto/wire.h, the facts the daemon and the CLI share, and
 * the one copy of them that cannot share it: the helper's limit names
 * (helper/main.c links nothing of ours). They must be wire.h's first
 * L_HELPER_COUNT names with '-' for '_', in the same order, or a limit
 * the daemon sends as --cpu-ms would land on another; and that the
 * daemon's helper argv carries --cpu-share only when it is set.
 * argv[1]: the top of the tree. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../proto/wire.h"
#include "../../controller/spawn.h"
#include "../lib/tap.h"

/* The string literals of the initializer of `limit_names` in src, up to
 * max, into names; their count, or -1 if there is no such table. */
static int s_helper_names(const char *src, char names[][32], int max)
{
	const char *p = strstr(src, "limit_names[L_COUNT] = {");
	int n = 0;
	if (!p)
		return -1;
	const char *end = strchr(p, '}');
	for (p = strchr(p, '"'); p && p < end && n < max; p = strchr(p, '"')) {
		const char *q = strchr(p + 1, '"');
		if (!q || q - p - 1 >= 32)
			return -1;
		snprintf(names[n++], 32, "%.*s", (int)(q - p - 1), p + 1);
		p = q + 1;
	}
	return n;
}

/* The daemon's helper argv carries --cpu-share only when it is set: 0 is
 * "none, or helper.conf's default", which the helper would refuse; and
 * --network=loopback only when the problem (or the language) asks. */
static void s_share_argv(void)
{
	static lang_t l;		/* no env, no network */
	limits_t lim = { 1000, 3000, 262144, 64, 65536, 262144, 64, 65536, 0, 64 };
	char *argv[ARGV_FIXED + 41], buf[4096], words[3][1024];
	for (int k = 0; k < 3; k++) {
		spawn_cmd c = { 3, &l, lim, "default", "prog", false, NULL, NULL, NULL, k == 2 };
		words[k][0] = 0;
		if (spawn_argv(&c, argv, buf, sizeof buf) == 0)
			for (int i = 0; argv[i] && strcmp(argv[i], "--"); i++)
				snprintf(words[k] + strlen(words[k]), 1024 - strlen(words[k]), "%s ", argv[i]);
		lim[L_SHARE] = 500;
	}
	ok(!strstr(words[0], "--cpu-share") && strstr(words[0], "--tmp-kb=65536 --policy="),
	   "spawn_argv: cpu_share 0 is no --cpu-share (%s)", words[0]);
	ok(strstr(words[1], "--tmp-kb=65536 --cpu-share=500 --policy=") != NULL,
	   "spawn_argv: cpu_share 500 is --cpu-share=500 (%s)", words[1]);
	ok(!strstr(words[1], "--network") && strstr(words[2], "--result-fd=3 --network=loopback "),
	   "spawn_argv: --network=loopback only when the step asks (%s)", words[2]);
}

static char *s_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = f ? calloc(1, 1 << 20) : NULL;
	if (buf && fread(buf, 1, (1 << 20) - 1, f) == 0)
		buf[0] = 0;
	if (f)
		fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	char path[4096], names[16][32];
	snprintf(path, sizeof path, "%s/helper/main.c", argc > 1 ? argv[1] : ".");
	char *src = s_slurp(path);
	int n = src ? s_helper_names(src, names, 16) : -1;
	ok(n == L_HELPER_COUNT, "the helper names %d limits, wire.h %d that it takes (%s)",
	   n, L_HELPER_COUNT, path);
	for (int i = 0; i < n && i < L_HELPER_COUNT; i++) {
		char want[32];
		snprintf(want, sizeof want, "%s", wire_limit_names[i]);
		for (char *c = want; *c; c++)
			*c = *c == '_' ? '-' : *c;
		ok(!strcmp(names[i], want), "helper limit %d is %s (wire.h: %s)", i,
		   names[i], wire_limit_names[i]);
		ok(wire_limit_index(names[i]) == i, "wire_limit_index(\"%s\") = %d", names[i], i);
	}
	for (int i = 0; i < L_COUNT; i++)
		ok(wire_limit_index(wire_limit_names[i]) == i, "wire_limit_index(\"%s\") = %d",
		   wire_limit_names[i], i);
	ok(wire_limit_index("cpu") == -1 && wire_limit_index("cpu_ms_") == -1 &&
	   wire_limit_index("") == -1 && wire_limit_index("CPU_MS") == -1,
	   "wire_limit_index: a prefix, a longer name, the empty name, another case: -1");
	for (int i = 0; i < S_COUNT; i++)
		ok(wire_state_parse(wire_state_names[i]) == i, "state %s is %d", wire_state_names[i], i);
	ok(wire_state_parse("done") == -1 && wire_state_parse("") == -1,
	   "an unknown state is -1");
	ok(!S_TERMINAL(S_QUEUED) && !S_TERMINAL(S_COMPILING) && !S_TERMINAL(S_RUNNING) &&
	   S_TERMINAL(S_JUDGED) && S_TERMINAL(S_CANCELLED) && S_TERMINAL(S_FAILED),
	   "judged, cancelled and failed are final; queued, compiling and running are not");
	s_share_argv();
	free(src);
	return done_testing();
}
