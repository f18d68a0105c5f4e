/* fmt.c: the pieces of judgebox(1)'s output that several printers share
 * (print.c, verdict.c, problem.c, jobs.c), calling none of them: a memory
 * figure, a bin field's bytes, a note that a stream was cut, and the
 * compiler's messages.
 */
#include <inttypes.h>
#include "cli.h"

/* KiB below 1 MiB, else MiB with one decimal. */
void fmt_mem(uint64_t kb, char *buf, size_t size)
{
	if (kb < 1024)
		snprintf(buf, size, "%" PRIu64 " KiB", kb);
	else
		snprintf(buf, size, "%.1f MiB", (double)kb / 1024.0);
}

/* Write a bin field's bytes to f; true if there were any. */
bool write_bin(FILE *f, const msgpack_object *map, const char *key)
{
	const char *p;
	size_t n;
	if (!map || !mp_as_bin(mp_get(map, key), &p, &n) || !n)
		return false;
	fflush(stdout);
	fwrite(p, 1, n, f);
	fflush(f);
	return true;
}

/* Note on stderr that a stream was cut (PROTOCOL.md section 6). */
void note_truncated(const msgpack_object *r, const char *what,
		    const char *data, const char *bytes, const char *flag)
{
	const char *p;
	size_t n = 0;
	if (!rd_bool(r, flag))
		return;
	mp_as_bin(mp_get(r, data), &p, &n);
	fprintf(stderr, "judgebox: %s truncated: %zu of %" PRIu64 " bytes shown\n",
		what, n, rd_u64(r, bytes, 0));
}

/* The compiler's messages, verbatim, on stderr. */
void print_compile(const msgpack_object *r)
{
	const msgpack_object *c = rd_map(r, "compile");
	if (!c)
		return;
	write_bin(stderr, c, "output");
	note_truncated(c, "compiler output", "output", "output_bytes", "output_truncated");
}
