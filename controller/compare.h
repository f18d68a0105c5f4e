/* compare.h: the judge's built-in output comparison (issue 5).
 *
 * A test's output (the team's) is compared with its answer (the judge's)
 * in one of three modes:
 *
 *   default  the ICPC/Kattis default output validator: tokens split on
 *            whitespace, ASCII case folded, whitespace not significant;
 *            case_sensitive, space_change_sensitive and the float
 *            tolerances as the problem package format specifies them
 *            (compare.c says where each rule comes from);
 *   exact    byte for byte;
 *   lines    line by line; optionally trim each line, or drop its
 *            trailing spaces, tabs and CRs, and skip the lines left empty.
 *            A missing final newline never matters.
 *
 * compare_fds() streams both sides through fixed buffers (about 260 KiB
 * in all, whatever the sizes), so a 100 MiB output is compared in the
 * memory of a small one. Its verdict comes with one line of feedback for
 * the judge (printable ASCII, so always valid UTF-8 for a msgpack str),
 * quoting at most 40 bytes of either side, never the data in bulk, e.g.
 *   wrong answer on line 3, token 2: expected "42", got "43"
 *   team output ended early: expected "7" on line 5 of the answer
 *   trailing output after the answer, on line 7: "x"
 *   wrong answer on line 1, token 1: float "3.15" is not within 0.001 of "3.14"
 *   whitespace differs on line 2, after token 1: expected " ", got "\t"
 *   wrong answer on line 4, column 6: expected "b", got end of line  (lines)
 *   output differs from the answer at byte 9 (line 2): expected ..  (exact)
 * Lines, tokens and columns count from 1 and are the team output's, except
 * in "ended early" (the answer's line). A token's number is its place on
 * its line; a column is a byte of the line as compared (after trimming).
 */
#ifndef JUDGEBOX_COMPARE_H
#define JUDGEBOX_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "../proto/mp.h"

typedef enum { CMP_DEFAULT, CMP_EXACT, CMP_LINES } cmp_mode;

typedef struct compare_opts {
	cmp_mode mode;
	bool case_sensitive, space_change_sensitive;	/* default mode */
	double float_abs, float_rel;			/* < 0: not given */
	bool trim, ignore_trailing_space, ignore_empty_lines;	/* lines mode */
} compare_opts;

/* Mode default, every flag off, no tolerance. */
void compare_opts_default(compare_opts *o);

/* From the protocol's `compare` map (PROTOCOL.md section 14.2):
 * {mode: "default"|"exact"|"lines", case_sensitive, space_change_sensitive,
 *  float_absolute_tolerance, float_relative_tolerance, float_tolerance, trim,
 *  ignore_trailing_space, ignore_empty_lines}. Bools are msgpack bools;
 * tolerances are floats or ints, finite and >= 0; float_tolerance sets
 * both and may not be given with either of the others. A nil value is
 * absent (section 4); map NULL (no `compare` at all) gives the defaults.
 * Unknown keys are an error here (a typo in a comparison must not pass
 * silently), and so is an option of another mode (e.g. trim with mode
 * "default"): it would be ignored, which is the same silent failure.
 * 0 with *o set; or -1 with *o untouched, the offending field's path in
 * field (e.g. "compare.mode") and in err what is wrong with it, without
 * the path (e.g. "must be \"default\", \"exact\" or \"lines\""), as
 * ops.c's s_bad() puts them together. */
int compare_opts_from(const msgpack_object *map, compare_opts *o,
		      char *field, size_t fsize, char *err, size_t esize);

/* From Kattis validator_flags (the legacy problem.yaml key; later versions
 * of the format pass the same words as output_validator_args), e.g.
 * "case_sensitive float_tolerance 1e-6": words separated by whitespace;
 * a tolerance is a float of the format's grammar, >= 0. Mode default.
 * NULL or "" gives the defaults. 0 with *o set, or -1 with *o untouched
 * and a one-line reason in err. */
int compare_opts_from_flags(const char *flags, compare_opts *o,
			    char *err, size_t esize);

typedef struct compare_result {
	bool accepted;
	char message[256];	/* "" if accepted */
} compare_result;

/* Compare the team's output (fd out) with the judge's answer (fd ans), both
 * read from their current offsets to EOF (files or pipes; neither is
 * closed). 0 with the verdict in r; or -1 with errno set on a read error,
 * on ENOMEM, or in lines mode if a whitespace run longer than 64 KiB could
 * not be spilled to a temporary file (r->accepted is then false). */
int compare_fds(int out, int ans, const compare_opts *o, compare_result *r);

#endif
