/* wire.h: the facts of the wire contract (proto/PROTOCOL.md) that the
 * daemon and the command-line client share, written once.
 *
 * The helper keeps its own table of limit names (it links nothing of ours);
 * tests/unit/wire_test.c checks that its names are these, with '-' for '_',
 * in the same order.
 */
#ifndef JUDGEBOX_WIRE_H
#define JUDGEBOX_WIRE_H

#include <stdint.h>
#include <string.h>

/* The highest protocol version spoken (PROTOCOL.md 3). */
#define PROTO_V		3

/* Run limits, in the order of PROTOCOL.md 7.1 and judgebox-helper(8). The
 * first nine are the helper's; output_kb is enforced by the daemon.
 * cpu_share (thousandths of a CPU) may be 0: not set, helper.conf's own. */
enum { L_CPU, L_WALL, L_MEM, L_PROCS, L_FSIZE, L_STACK, L_NOFILE, L_TMP,
       L_SHARE, L_OUTPUT, L_COUNT };
#define L_HELPER_COUNT	L_OUTPUT	/* limits the helper takes */
static const char *const wire_limit_names[L_COUNT] = {
	"cpu_ms", "wall_ms", "memory_kb", "procs", "fsize_kb", "stack_kb",
	"nofile", "tmp_kb", "cpu_share", "output_kb",
};

/* The index of a limit name ("cpu_ms", or the helper's and the CLI's
 * option spelling "cpu-ms"), or -1. */
static inline int wire_limit_index(const char *name)
{
	for (int i = 0; i < L_COUNT; i++) {
		const char *a = wire_limit_names[i], *b = name;
		while (*a && (*a == *b || (*a == '_' && *b == '-')))
			a++, b++;
		if (!*a && !*b)
			return i;
	}
	return -1;
}

/* Job states (PROTOCOL.md 10.1); the last three are final. */
enum { S_QUEUED, S_COMPILING, S_RUNNING, S_JUDGED, S_CANCELLED, S_FAILED,
       S_COUNT };
#define S_TERMINAL(s)	((s) >= S_JUDGED)
static const char *const wire_state_names[S_COUNT] = {
	"queued", "compiling", "running", "judged", "cancelled", "failed",
};

/* A state's index, or -1. */
static inline int wire_state_parse(const char *s)
{
	for (int i = 0; i < S_COUNT; i++)
		if (!strcmp(s, wire_state_names[i]))
			return i;
	return -1;
}

#endif
