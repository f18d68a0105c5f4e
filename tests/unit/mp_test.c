/* mp_test: proto/mp.c, the msgpack codec. Decodes the hex dumps of
 * PROTOCOL.md section 16, refuses a crafted frame for every rule of
 * section 4, checks the typed accessors, every size-class boundary of the
 * writer, the exact bytes of every encoding it picks (written out by hand
 * from the msgpack spec), its marks and its sticky failure, and round-trips
 * random documents byte for byte. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../proto/mp.h"
#include "../lib/tap.h"

#define PLAN 194
#define E19 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"	/* 19 x U+00E9 */

static char err[256];

/* Hex digits (spaces ignored) into out; the byte count. */
static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = 0;
	unsigned v;

	for (; *hex; hex++) {
		if (*hex == ' ')
			continue;
		sscanf(hex, "%2x", &v);
		out[n++] = (uint8_t)v;
		hex++;
	}
	return n;
}

/* Parse and free: the return code of mp_parse; its reason in err. */
static int try_parse(const void *b, size_t n, bool strict)
{
	mp_doc d;
	int rc;

	err[0] = '\0';
	rc = mp_parse(&d, b, n, strict, err, sizeof err);
	mp_doc_free(&d);
	return rc;
}

/* One assertion: the frame is refused with a reason containing want. */
static void refused(const void *b, size_t n, bool strict, const char *want, const char *what)
{
	int rc = try_parse(b, n, strict);

	if (!ok(rc == -1 && strstr(err, want), "refused%s: %s (\"%s\")", strict ? "" : " (lax)", what, err))
		diag("want \"%s\", rc %d", want, rc);
}

/* One assertion: the frame is accepted. */
static void accepted(const void *b, size_t n, bool strict, const char *what)
{
	int rc = try_parse(b, n, strict);

	if (!ok(rc == 0, "accepted%s: %s", strict ? "" : " (lax)", what))
		diag("got \"%s\"", err);
}

/* Test a writer's finished frame with the given verdict, then free it. */
static void check_w(mp_w *w, bool strict, const char *want, const char *what)
{
	if (want)
		refused(w->buf, w->len, strict, want, what);
	else
		accepted(w->buf, w->len, strict, what);
	mp_w_free(w);
}

/* {"a": [[[...]]]}: k containers in all, the innermost empty. */
static void nest(mp_w *w, int k)
{
	mp_w_init(w);
	mp_w_map(w, 1);
	mp_w_str(w, "a");
	for (int i = 2; i < k; i++)
		mp_w_array(w, 1);
	mp_w_array(w, 0);
}

/* {"a": [nil x n]} or, if map, a root map of n distinct keys. */
static void wide(mp_w *w, uint32_t n, bool map)
{
	char k[16];

	mp_w_init(w);
	mp_w_map(w, map ? n : 1);
	if (!map)
		mp_w_str(w, "a"), mp_w_array(w, n);
	for (uint32_t i = 0; i < n; i++) {
		snprintf(k, sizeof k, "k%u", i);
		if (map)
			mp_w_str(w, k);
		mp_w_nil(w);
	}
}

/* A root map of 8 arrays of nils, total objects in all (>= 17). */
static void many(mp_w *w, int total)
{
	int left = total - 17;

	mp_w_init(w);
	mp_w_map(w, 8);
	for (int i = 0; i < 8; i++) {
		int n = left > 1023 ? 1023 : left;

		mp_w_str(w, (char[]){ 'a', (char)('0' + i), 0 });
		mp_w_array(w, (uint32_t)n);
		for (int j = 0; j < n; j++)
			mp_w_nil(w);
		left -= n;
	}
}

/* {"k": <raw bytes>} with the value given in hex. */
static size_t with_value(const char *hex, uint8_t *out)
{
	out[0] = 0x81, out[1] = 0xa1, out[2] = 'k';
	return 3 + unhex(hex, out + 3);
}

static void test_dumps(void)
{
	uint8_t b[128], w5[64];
	const char *p;
	size_t n;
	uint64_t u;
	bool t;
	mp_doc d;
	mp_w w;

	n = unhex("82 a2 6f 70 a6 68 65 61 6c 74 68 a3 72 69 64 01", b);
	ok(mp_parse(&d, b, n, true, err, sizeof err) == 0 && mp_str_eq(mp_get(d.root, "op"), "health") &&
	   mp_as_uint(mp_get(d.root, "rid"), &u) && u == 1, "section 16: the smallest request decodes");
	mp_doc_free(&d);
	n = unhex("83 a2 6f 70 a6 68 65 61 6c 74 68 a3 72 69 64 01 a1 76 01", b);
	ok(n == 19 && mp_parse(&d, b, n, true, err, sizeof err) == 0 && mp_as_uint(mp_get(d.root, "v"), &u) &&
	   u == 1, "section 16: the request with \"v\": 1 decodes (19 bytes)");
	mp_doc_free(&d);
	n = unhex("85 a2 6f 70 a3 72 75 6e a3 72 69 64 02 a4 6c 61 6e 67 a7 70 79 74 68 6f 6e 33 a6 73 6f 75 72 63"
		  "65 c4 0b 70 72 69 6e 74 28 36 2a 37 29 0a a4 77 61 69 74 c3", b);
	ok(n == 52 && mp_parse(&d, b, n, true, err, sizeof err) == 0 && mp_str_eq(mp_get(d.root, "lang"), "python3") &&
	   mp_get(d.root, "source")->type == MSGPACK_OBJECT_BIN && mp_as_bin(mp_get(d.root, "source"), &p, &n) &&
	   n == 11 && !memcmp(p, "print(6*7)\n", 11) && mp_as_bool(mp_get(d.root, "wait"), &t) && t,
	   "section 16: the bin/str check decodes (source is a bin of 11 bytes, wait is true)");
	mp_doc_free(&d);
	mp_w_init(&w);
	mp_w_map(&w, 2);
	mp_w_kstr(&w, "op", "health");
	mp_w_kuint(&w, "rid", 1);
	n = unhex("82 a2 6f 70 a6 68 65 61 6c 74 68 a3 72 69 64 01", b);
	ok(w.len == n && !memcmp(w.buf, b, n), "encode {\"op\":\"health\",\"rid\":1}: the 16 bytes of section 16");
	mp_w_free(&w);
	mp_w_map(&w, 3);
	mp_w_kbool(&w, "ok", true);
	mp_w_kuint(&w, "rid", 1);
	mp_w_kuint(&w, "v", 1);
	n = unhex("83 a2 6f 6b c3 a3 72 69 64 01 a1 76 01", b);
	ok(w.len == n && !memcmp(w.buf, b, n), "encode the reply header {\"ok\":true,\"rid\":1,\"v\":1}: 13 bytes");
	mp_w_free(&w);
	mp_w_map(&w, 5);
	mp_w_kstr(&w, "op", "run");
	mp_w_kuint(&w, "rid", 2);
	mp_w_kstr(&w, "lang", "python3");
	mp_w_kbin(&w, "source", "print(6*7)\n", 11);
	mp_w_kbool(&w, "wait", true);
	n = unhex("85 a2 6f 70 a3 72 75 6e a3 72 69 64 02 a4 6c 61 6e 67 a7 70 79 74 68 6f 6e 33 a6 73 6f 75 72 63"
		  "65 c4 0b 70 72 69 6e 74 28 36 2a 37 29 0a a4 77 61 69 74 c3", w5);
	ok(w.len == n && !memcmp(w.buf, w5, n), "encode the bin/str check: the 52 bytes of section 16");
	mp_w_free(&w);
}

static void test_structure(void)
{
	mp_w w;

	nest(&w, 8), check_w(&w, true, NULL, "8 nested containers");
	nest(&w, 9), check_w(&w, true, "nesting deeper than 8", "9 nested containers");
	nest(&w, 9), check_w(&w, false, NULL, "9 nested containers");
	nest(&w, 32), check_w(&w, false, NULL, "32 nested containers");
	nest(&w, 33), check_w(&w, false, "nesting deeper than 32", "33 nested containers");
	wide(&w, 1024, false), check_w(&w, true, NULL, "an array of 1024 entries");
	wide(&w, 1025, false), check_w(&w, true, "more than 1024 entries", "an array of 1025 entries");
	wide(&w, 1024, true), check_w(&w, true, NULL, "a map of 1024 entries");
	wide(&w, 1025, true), check_w(&w, true, "more than 1024 entries", "a map of 1025 entries");
	wide(&w, 1025, false), check_w(&w, false, NULL, "an array of 1025 entries");
	wide(&w, 70000, true), check_w(&w, false, NULL, "a map of 70000 entries (map32)");
	many(&w, 8192), check_w(&w, true, NULL, "8192 objects");
	many(&w, 8193), check_w(&w, true, "more than 8192 objects", "8193 objects");
	many(&w, 8193), check_w(&w, false, NULL, "8193 objects");
}

static void test_keys(void)
{
	uint8_t b[64];
	size_t n;
	mp_w w;

	n = unhex("82 a2 6f 70 01 a2 6f 70 02", b);
	refused(b, n, true, "duplicate key \"op\"", "{\"op\":1,\"op\":2}");
	refused(b, n, false, "duplicate key \"op\"", "{\"op\":1,\"op\":2}");
	n = unhex("81 a1 61 91 83 a1 78 01 a1 79 02 a1 78 03", b);
	refused(b, n, true, "duplicate key \"x\"", "a duplicate in a map inside an array");
	n = unhex("83 a1 61 01 a2 61 62 02 a1 62 03", b);
	accepted(b, n, true, "keys of equal length or prefix are not duplicates");
	wide(&w, 1000, true);
	mp_w_str(&w, "k999");
	mp_w_nil(&w);
	w.buf[0] = (char)0xde, w.buf[1] = 0x03, w.buf[2] = (char)0xe9;	/* map16 header of 1001 */
	check_w(&w, true, "duplicate key \"k999\"", "a duplicate among 1001 keys");
	n = unhex("81 a3 61 0a 62 01 a3 61 0a 62 02", b);
	b[0] = 0x82;
	refused(b, n, true, "duplicate key \"a?b\"", "a duplicate key with a newline is quoted on one line");
	mp_w_init(&w);
	mp_w_map(&w, 2);
	mp_w_raw(&w, "\xd9\x77\x61", 3);	/* str8: "a" and 59 x U+00E9 */
	for (int i = 0; i < 59; i++)
		mp_w_raw(&w, "\xc3\xa9", 2);
	mp_w_nil(&w);
	mp_w_raw(&w, w.buf + 1, w.len - 2);
	mp_w_nil(&w);
	check_w(&w, true, "duplicate key \"a" E19 "...\"", "a long key is cut before 40 bytes, on a character");
	n = unhex("81 01 02", b);
	refused(b, n, true, "not a str", "{1: 2}");
	n = unhex("81 c4 01 61 01", b);
	refused(b, n, true, "not a str", "a bin key");
	n = unhex("81 a1 61 81 c0 01", b);
	refused(b, n, false, "not a str", "a nil key in a nested map");
}

static void test_ext_utf8(void)
{
	static const struct { const char *hex, *what; } bad[] = {
		{ "a2 c0 80", "overlong NUL (c0 80)" },
		{ "a2 c1 bf", "overlong 2-byte (c1 bf)" },
		{ "a3 e0 80 80", "overlong 3-byte" },
		{ "a4 f0 80 80 80", "overlong 4-byte" },
		{ "a3 ed a0 80", "a surrogate (U+D800)" },
		{ "a3 ed bf bf", "a surrogate (U+DFFF)" },
		{ "a4 f4 90 80 80", "above U+10FFFF" },
		{ "a4 f5 80 80 80", "a 0xf5 lead byte" },
		{ "a1 ff", "0xff" },
		{ "a1 80", "a lone continuation byte" },
		{ "a3 61 e2 82", "a sequence cut by the str's end" },
		{ "a2 c3 28", "a bad continuation byte" },
	};
	uint8_t b[64];
	size_t n;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		n = with_value(bad[i].hex, b);
		refused(b, n, true, "invalid UTF-8 in a str", bad[i].what);
	}
	n = unhex("81 a2 c3 28 01", b);
	refused(b, n, false, "invalid UTF-8 in a str", "a key with invalid UTF-8");
	n = with_value("ad c3 a9 e2 82 ac f0 9f 98 80 f4 8f bf bf", b);
	accepted(b, n, true, "valid UTF-8: e-acute, euro, emoji, U+10FFFF");
	n = with_value("a6 ed 9f bf ee 80 80", b);
	accepted(b, n, true, "valid UTF-8 next to the surrogates: U+D7FF, U+E000");
	n = with_value("a3 61 00 62", b);
	refused(b, n, true, "NUL in a str", "a NUL inside a str");
	n = unhex("81 a1 00 01", b);
	refused(b, n, false, "NUL in a str", "a NUL key");
	n = with_value("c4 04 ff 00 c0 80", b);
	accepted(b, n, true, "a bin may hold NUL and any bytes");
	n = with_value("d4 01 00", b);
	refused(b, n, true, "ext types are not accepted", "fixext1");
	n = with_value("c7 02 05 61 62", b);
	refused(b, n, false, "ext types are not accepted", "ext8");
	n = with_value("d6 ff 00 00 00 00", b);
	refused(b, n, true, "ext types are not accepted", "the timestamp ext (fixext4, type -1)");
	n = with_value("c9 ff ff ff ff ff", b);
	refused(b, n, true, "ext types are not accepted", "ext32 claiming 4 GiB");
}

static void test_framing(void)
{
	static const uint8_t zero[300];
	uint8_t b[128], *big;
	size_t n, bad = 0, len = 16u << 20;
	struct timespec t0, t1;
	double ms;
	mp_w w;

	n = unhex("85 a2 6f 70 a3 72 75 6e a3 72 69 64 02 a4 6c 61 6e 67 a7 70 79 74 68 6f 6e 33 a6 73 6f 75 72 63"
		  "65 c4 0b 70 72 69 6e 74 28 36 2a 37 29 0a a4 77 61 69 74 c3", b);
	for (size_t i = 0; i < n; i++)
		bad += try_parse(b, i, true) != -1 || strcmp(err, "truncated");
	ok(bad == 0, "every prefix (0..51 bytes) of the 52-byte request is \"truncated\" (%zu not)", bad);
	mp_w_init(&w);
	mp_w_map(&w, 20);
	mp_w_kbin(&w, "b16", zero, 300);
	mp_w_kuint(&w, "u64", UINT64_MAX);
	mp_w_str(&w, "i64"), mp_w_int(&w, INT64_MIN);
	mp_w_str(&w, "f"), mp_w_float(&w, 0.5);
	mp_w_str(&w, "s8"), mp_w_strn(&w, "abcdefghijklmnopqrstuvwxyz0123456789", 36);
	for (int i = 0; i < 15; i++) {
		mp_w_str(&w, (char[]){ 'x', (char)('a' + i), 0 });
		mp_w_array(&w, 16), mp_w_array(&w, 0);
		for (int j = 1; j < 16; j++)
			mp_w_bool(&w, j & 1);
	}
	bad = 0;
	for (size_t i = 0; i < w.len; i++)
		bad += try_parse(w.buf, i, true) != -1 || strcmp(err, "truncated");
	ok(bad == 0 && try_parse(w.buf, w.len, true) == 0,
	   "every prefix of a %zu-byte frame of every encoding is \"truncated\"; the whole is accepted", w.len);
	mp_w_free(&w);
	n = unhex("82 a2 6f 70 a6 68 65 61 6c 74 68 a3 72 69 64 01 c0", b);
	refused(b, n, true, "trailing bytes after the map", "one byte after the map");
	refused(b, n, false, "trailing bytes after the map", "one byte after the map");
	n = unhex("91 80", b);
	refused(b, n, true, "not a map", "an array at the root");
	n = unhex("a2 6f 6b", b);
	refused(b, n, true, "not a map", "a str at the root");
	n = unhex("c0", b);
	refused(b, n, false, "not a map", "nil at the root");
	refused(b, 0, true, "truncated", "an empty frame");
	n = with_value("c1", b);
	refused(b, n, true, "malformed", "the never-used byte 0xc1");
	n = unhex("df ff ff ff ff a1 61", b);
	refused(b, n, true, "more than 1024 entries", "a map header claiming 2^32-1 entries");
	refused(b, n, false, "truncated", "a map header claiming 2^32-1 entries");
	n = with_value("dd ff ff ff ff c0", b);
	refused(b, n, false, "truncated", "an array header claiming 2^32-1 entries");
	n = with_value("dd 00 00 00 03 c0 c1", b);
	refused(b, n, false, "truncated", "an array claiming more entries than bytes left, before reading them");
	n = with_value("db ff ff ff ff 61", b);
	refused(b, n, false, "truncated", "a str32 claiming 4 GiB");
	n = with_value("c6 ff ff ff ff 61", b);
	refused(b, n, false, "truncated", "a bin32 claiming 4 GiB");
	big = malloc(len);
	if (!big)
		exit(2);
	memset(big, 0x91, len);
	big[0] = 0x81, big[1] = 0xa1, big[2] = 'a', big[len - 1] = 0x90;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = (size_t)(try_parse(big, len, true) == -1 && strstr(err, "nesting deeper than 8"));
	n += try_parse(big, len, false) == -1 && strstr(err, "nesting deeper than 32");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	ok(n == 2 && ms < 500, "a 16 MiB frame of nested arrays is refused, strict and lax, in %.3f ms", ms);
	free(big);
}

static void test_accessors(void)
{
	uint8_t b[256];
	char s[4];
	const char *p;
	size_t n;
	uint64_t u;
	double f;
	bool t;
	mp_doc d;
	const msgpack_object *r;

	n = unhex("8e a2 69 38 d0 05 a3 6e 65 67 ff a4 6e 65 67 38 d0 ff a1 66 cb 3f f0 00 00 00 00 00 00"
		  "a3 66 33 32 ca 3f c0 00 00 a1 73 a3 61 62 63 a1 62 c4 01 79 a1 74 c3 a3 6f 6e 65 01"
		  "a3 6e 69 6c c0 a3 75 36 34 cf ff ff ff ff ff ff ff ff a3 69 36 34 d3 00 00 00 00 00 00 00 07"
		  "a1 6d 80 a1 61 90", b);
	if (!ok(mp_parse(&d, b, n, true, err, sizeof err) == 0, "the accessor fixture parses"))
		diag("%s", err);
	r = d.root;
	ok(mp_as_uint(mp_get(r, "i8"), &u) && u == 5, "uint: int8 5 (d0 05) is 5");
	ok(mp_as_uint(mp_get(r, "i64"), &u) && u == 7, "uint: int64 7 is 7");
	ok(mp_as_uint(mp_get(r, "u64"), &u) && u == UINT64_MAX, "uint: uint64 max");
	ok(!mp_as_uint(mp_get(r, "neg"), &u) && !mp_as_uint(mp_get(r, "neg8"), &u), "uint: -1 (ff and d0 ff) is refused");
	ok(!mp_as_uint(mp_get(r, "f"), &u), "uint: float64 1.0 is refused");
	ok(!mp_as_uint(mp_get(r, "s"), &u) && !mp_as_uint(NULL, &u), "uint: a str or NULL is refused");
	ok(mp_as_bin(mp_get(r, "s"), &p, &n) && n == 3 && !memcmp(p, "abc", 3), "bin: a str is taken as bin");
	ok(mp_as_bin(mp_get(r, "b"), &p, &n) && n == 1 && *p == 'y', "bin: a bin");
	ok(!mp_as_bin(mp_get(r, "one"), &p, &n), "bin: an int is refused");
	ok(!mp_as_str(mp_get(r, "b"), &p, &n), "str: a bin is refused");
	ok(mp_as_bool(mp_get(r, "t"), &t) && t, "bool: true");
	ok(!mp_as_bool(mp_get(r, "one"), &t), "bool: 1 is refused");
	ok(mp_as_float(mp_get(r, "f"), &f) && f == 1.0 && mp_as_float(mp_get(r, "f32"), &f) && f == 1.5,
	   "float: float64 and float32");
	ok(mp_as_float(mp_get(r, "one"), &f) && f == 1.0 && mp_as_float(mp_get(r, "neg"), &f) && f == -1.0 &&
	   !mp_as_float(mp_get(r, "s"), &f), "float: any int, not a str");
	ok(!mp_get(r, "nil") && !mp_get(r, "absent") && !mp_get(mp_get(r, "a"), "x") && mp_get(r, "m") &&
	   !mp_get(mp_get(r, "m"), "x"), "get: nil, an absent key and a non-map give NULL");
	ok(mp_str_eq(mp_get(r, "s"), "abc") && !mp_str_eq(mp_get(r, "s"), "ab") && !mp_str_eq(mp_get(r, "b"), "y"),
	   "str_eq: equal str only");
	ok(mp_str_copy(mp_get(r, "s"), s, 4) && !strcmp(s, "abc") && !mp_str_copy(mp_get(r, "s"), s, 3),
	   "str_copy: fits with its NUL, or false");
	mp_doc_free(&d);
	mp_doc_free(&d);
	ok(d.root == NULL, "mp_doc_free twice is harmless");
}

/* Wrap the value written by put in {"v": ...}; true if the header is hex and
 * the frame parses and re-encodes (mp_w_object) byte for byte. */
static bool boundary(const char *what, const char *hex, void (*put)(mp_w *, uint64_t), uint64_t arg)
{
	uint8_t want[16];
	size_t n = unhex(hex, want);
	mp_w w, again;
	mp_doc d;
	bool good;
	int rc;

	mp_w_init(&w), mp_w_init(&again);
	mp_w_map(&w, 1);
	mp_w_str(&w, "v");
	put(&w, arg);
	rc = mp_parse(&d, w.buf, w.len, false, err, sizeof err);
	if (rc == 0)
		mp_w_object(&again, d.root);
	good = rc == 0 && w.len >= 3 + n && !memcmp(w.buf + 3, want, n) && again.len == w.len &&
	       !memcmp(again.buf, w.buf, w.len);
	if (!good)
		diag("%s: want header %s; rc %d (%s), len %zu", what, hex, rc, err, w.len);
	mp_doc_free(&d);
	mp_w_free(&w), mp_w_free(&again);
	return good;
}

static void put_str(mp_w *w, uint64_t n)
{
	char *s = malloc(n + 1);

	memset(s, 'x', n);
	mp_w_strn(w, s, n);
	free(s);
}

static void put_bin(mp_w *w, uint64_t n)
{
	char *s = calloc(n + 1, 1);

	mp_w_bin(w, s, n);
	free(s);
}

static void put_map(mp_w *w, uint64_t n)
{
	char k[16];

	mp_w_map(w, (uint32_t)n);
	for (uint64_t i = 0; i < n; i++) {
		snprintf(k, sizeof k, "%x", (unsigned)i);
		mp_w_str(w, k);
		mp_w_uint(w, i);
	}
}

static void put_array(mp_w *w, uint64_t n)
{
	mp_w_array(w, (uint32_t)n);
	for (uint64_t i = 0; i < n; i++)
		mp_w_nil(w);
}

static void put_uint(mp_w *w, uint64_t v) { mp_w_uint(w, v); }
static void put_int(mp_w *w, uint64_t v) { mp_w_int(w, (int64_t)v); }

static void test_writer(void)
{
	static const struct { const char *what, *hex; void (*put)(mp_w *, uint64_t); uint64_t arg; } b[] = {
		{ "str 0", "a0", put_str, 0 }, { "str 31", "bf", put_str, 31 }, { "str 32", "d9 20", put_str, 32 },
		{ "str 255", "d9 ff", put_str, 255 }, { "str 256", "da 01 00", put_str, 256 },
		{ "str 65535", "da ff ff", put_str, 65535 }, { "str 65536", "db 00 01 00 00", put_str, 65536 },
		{ "bin 0", "c4 00", put_bin, 0 }, { "bin 255", "c4 ff", put_bin, 255 },
		{ "bin 256", "c5 01 00", put_bin, 256 }, { "bin 65535", "c5 ff ff", put_bin, 65535 },
		{ "bin 65536", "c6 00 01 00 00", put_bin, 65536 },
		{ "uint 127", "7f", put_uint, 127 }, { "uint 128", "cc 80", put_uint, 128 },
		{ "uint 255", "cc ff", put_uint, 255 }, { "uint 256", "cd 01 00", put_uint, 256 },
		{ "uint 65535", "cd ff ff", put_uint, 65535 }, { "uint 65536", "ce 00 01 00 00", put_uint, 65536 },
		{ "uint 2^32-1", "ce ff ff ff ff", put_uint, 0xffffffff },
		{ "uint 2^32", "cf 00 00 00 01 00 00 00 00", put_uint, 1ull << 32 },
		{ "int -32", "e0", put_int, (uint64_t)-32 }, { "int -33", "d0 df", put_int, (uint64_t)-33 },
		{ "int -129", "d1 ff 7f", put_int, (uint64_t)-129 },
		{ "int -32769", "d2 ff ff 7f ff", put_int, (uint64_t)-32769 },
		{ "int -2^31", "d2 80 00 00 00", put_int, (uint64_t)-2147483648ll },
		{ "int -2^31-1", "d3 ff ff ff ff 7f ff ff ff", put_int, (uint64_t)-2147483649ll },
		{ "int 5 (as uint)", "05", put_int, 5 },
		{ "map 15", "8f", put_map, 15 }, { "map 16", "de 00 10", put_map, 16 },
		{ "map 65535", "de ff ff", put_map, 65535 }, { "map 65536", "df 00 01 00 00", put_map, 65536 },
		{ "array 15", "9f", put_array, 15 }, { "array 16", "dc 00 10", put_array, 16 },
		{ "array 65535", "dc ff ff", put_array, 65535 }, { "array 65536", "dd 00 01 00 00", put_array, 65536 },
	};

	size_t nb = sizeof b / sizeof *b, from = 0;
	int bad = 0;

	/* One assertion per size class (str, bin, uint, int, map, array). */
	for (size_t i = 0; i < nb; i++) {
		bad += !boundary(b[i].what, b[i].hex, b[i].put, b[i].arg);
		if (i + 1 == nb || b[i + 1].put != b[i].put) {
			ok(!bad, "writer: %s ... %s: smallest header, and a round trip byte for byte", b[from].what, b[i].what);
			from = i + 1, bad = 0;
		}
	}
}

static void test_writer_misc(void)
{
	uint8_t want[32];
	size_t n, mark, inner, len;
	char *p;
	mp_doc d;
	mp_w w;

	mp_w_init(&w);
	mark = mp_w_map_begin(&w);
	mp_w_kuint(&w, "a", 1);
	mp_w_str(&w, "l");
	inner = mp_w_array_begin(&w);
	mp_w_bool(&w, false), mp_w_nil(&w), mp_w_float(&w, 1.5);
	mp_w_array_end(&w, inner, 3);
	mp_w_map_end(&w, mark, 2);
	n = unhex("df 00 00 00 02 a1 61 01 a1 6c dd 00 00 00 03 c2 c0 cb 3f f8 00 00 00 00 00 00", want);
	ok(mp_w_ok(&w) && w.len == n && !memcmp(w.buf, want, n) && mp_parse(&d, w.buf, w.len, true, err, sizeof err) == 0 &&
	   mp_get(d.root, "l")->via.array.size == 3, "map_begin/array_begin: map32/array32 headers patched; parses");
	mp_doc_free(&d);
	mp_w_map_end(&w, inner, 1);
	ok(!mp_w_ok(&w), "map_end on an array's mark fails the writer");
	mp_w_free(&w);
	mp_w_map(&w, 1);
	mp_w_bin(&w, "", (size_t)1 << 32);
	n = w.len;
	mp_w_str(&w, "x");
	p = mp_w_take(&w, &len);
	ok(!p && len == 0 && n == 1 && w.len == 0, "a bin of 4 GiB fails the writer for good; take gives NULL");
	p = mp_w_take(&w, &len);
	ok(p && len == 0, "take on an empty writer gives an empty buffer");
	free(p);
	mp_w_raw(&w, "\x81\xa1k", 3);
	mp_w_raw(&w, "\xd6\xff\0\0\0\0", 6);
	n = unhex("81 a1 6b d6 ff 00 00 00 00", want);
	ok(mp_w_ok(&w) && w.len == n && !memcmp(w.buf, want, n) && try_parse(w.buf, w.len, false) == -1 &&
	   strstr(err, "ext"), "mp_w_raw appends bytes as they are (here a timestamp, then refused)");
	mp_w_free(&w);
}

/* True if w is ok and holds exactly the bytes of hex, then n copies of fill;
 * else a diag line with what it holds. */
static bool exact(const mp_w *w, const char *hex, uint8_t fill, size_t n)
{
	uint8_t want[32];
	size_t h = unhex(hex, want), i = 0;

	if (mp_w_ok(w) && w->len == h + n && !memcmp(w->buf, want, h))
		while (i < n && (uint8_t)w->buf[h + i] == fill)
			i++;
	if (mp_w_ok(w) && w->len == h + n && i == n)
		return true;
	printf("# want %s + %zu x %02x; got %zu bytes%s:", hex, n, fill, w->len, mp_w_ok(w) ? "" : " (failed)");
	for (i = 0; i < w->len && i < 12; i++)
		printf(" %02x", (uint8_t)w->buf[i]);
	putchar('\n');
	return false;
}

static void put_float(mp_w *w, uint64_t bits)
{
	double f;

	memcpy(&f, &bits, sizeof f);
	mp_w_float(w, f);
}

static void put_bool(mp_w *w, uint64_t v) { mp_w_bool(w, v != 0); }
static void put_nil(mp_w *w, uint64_t v) { (void)v, mp_w_nil(w); }
static void put_kfloat(mp_w *w, uint64_t v) { (void)v, mp_w_kfloat(w, "f", 0.5); }
static void put_map_head(mp_w *w, uint64_t n) { mp_w_map(w, (uint32_t)n); }
static void put_array_head(mp_w *w, uint64_t n) { mp_w_array(w, (uint32_t)n); }

/* Every encoding the writer picks, as the msgpack spec spells it: the whole
 * output of one call, byte for byte. fill >= 0: arg copies of that byte
 * follow the header (the body of a str or bin). */
static void test_writer_bytes(void)
{
	static const struct {
		const char *what, *hex;
		void (*put)(mp_w *, uint64_t);
		uint64_t arg;
		int fill;
	} t[] = {
		{ "uint 0", "00", put_uint, 0, -1 }, { "uint 127", "7f", put_uint, 127, -1 },
		{ "uint 128", "cc 80", put_uint, 128, -1 }, { "uint 255", "cc ff", put_uint, 255, -1 },
		{ "uint 256", "cd 01 00", put_uint, 256, -1 }, { "uint 65535", "cd ff ff", put_uint, 65535, -1 },
		{ "uint 65536", "ce 00 01 00 00", put_uint, 65536, -1 },
		{ "uint 2^32-1", "ce ff ff ff ff", put_uint, 0xffffffff, -1 },
		{ "uint 2^32", "cf 00 00 00 01 00 00 00 00", put_uint, 1ull << 32, -1 },
		{ "uint 2^64-1", "cf ff ff ff ff ff ff ff ff", put_uint, UINT64_MAX, -1 },
		{ "int 0", "00", put_int, 0, -1 }, { "int 127", "7f", put_int, 127, -1 },
		{ "int 128 (uint8)", "cc 80", put_int, 128, -1 }, { "int 255 (uint8)", "cc ff", put_int, 255, -1 },
		{ "int 256 (uint16)", "cd 01 00", put_int, 256, -1 },
		{ "int 65535 (uint16)", "cd ff ff", put_int, 65535, -1 },
		{ "int 65536 (uint32)", "ce 00 01 00 00", put_int, 65536, -1 },
		{ "int 2^32-1 (uint32)", "ce ff ff ff ff", put_int, 0xffffffff, -1 },
		{ "int 2^32 (uint64)", "cf 00 00 00 01 00 00 00 00", put_int, 1ull << 32, -1 },
		{ "int INT64_MAX (uint64)", "cf 7f ff ff ff ff ff ff ff", put_int, INT64_MAX, -1 },
		{ "int -1", "ff", put_int, (uint64_t)-1, -1 }, { "int -32", "e0", put_int, (uint64_t)-32, -1 },
		{ "int -33", "d0 df", put_int, (uint64_t)-33, -1 },
		{ "int -128", "d0 80", put_int, (uint64_t)-128, -1 },
		{ "int -129", "d1 ff 7f", put_int, (uint64_t)-129, -1 },
		{ "int -32768", "d1 80 00", put_int, (uint64_t)-32768, -1 },
		{ "int -32769", "d2 ff ff 7f ff", put_int, (uint64_t)-32769, -1 },
		{ "int -2^31", "d2 80 00 00 00", put_int, (uint64_t)-2147483648ll, -1 },
		{ "int -2^31-1", "d3 ff ff ff ff 7f ff ff ff", put_int, (uint64_t)-2147483649ll, -1 },
		{ "int INT64_MIN", "d3 80 00 00 00 00 00 00 00", put_int, (uint64_t)INT64_MIN, -1 },
		{ "str 0", "a0", put_str, 0, 'x' }, { "str 31", "bf", put_str, 31, 'x' },
		{ "str 32", "d9 20", put_str, 32, 'x' }, { "str 255", "d9 ff", put_str, 255, 'x' },
		{ "str 256", "da 01 00", put_str, 256, 'x' }, { "str 65535", "da ff ff", put_str, 65535, 'x' },
		{ "str 65536", "db 00 01 00 00", put_str, 65536, 'x' },
		{ "bin 0", "c4 00", put_bin, 0, 0 }, { "bin 1", "c4 01", put_bin, 1, 0 },
		{ "bin 255", "c4 ff", put_bin, 255, 0 }, { "bin 256", "c5 01 00", put_bin, 256, 0 },
		{ "bin 65535", "c5 ff ff", put_bin, 65535, 0 },
		{ "bin 65536", "c6 00 01 00 00", put_bin, 65536, 0 },
		{ "float 0.0", "cb 00 00 00 00 00 00 00 00", put_float, 0, -1 },
		{ "float -0.0", "cb 80 00 00 00 00 00 00 00", put_float, 0x8000000000000000ull, -1 },
		{ "float 1.5 (never float32)", "cb 3f f8 00 00 00 00 00 00", put_float, 0x3ff8000000000000ull, -1 },
		{ "float 0.1", "cb 3f b9 99 99 99 99 99 9a", put_float, 0x3fb999999999999aull, -1 },
		{ "float -inf", "cb ff f0 00 00 00 00 00 00", put_float, 0xfff0000000000000ull, -1 },
		{ "float NaN, payload kept", "cb 7f f8 00 00 00 00 00 01", put_float, 0x7ff8000000000001ull, -1 },
		{ "kfloat \"f\" 0.5", "a1 66 cb 3f e0 00 00 00 00 00 00", put_kfloat, 0, -1 },
		{ "true", "c3", put_bool, 1, -1 }, { "false", "c2", put_bool, 0, -1 },
		{ "nil", "c0", put_nil, 0, -1 },
		{ "map 0", "80", put_map_head, 0, -1 }, { "map 15", "8f", put_map_head, 15, -1 },
		{ "map 16", "de 00 10", put_map_head, 16, -1 }, { "map 65535", "de ff ff", put_map_head, 65535, -1 },
		{ "map 65536", "df 00 01 00 00", put_map_head, 65536, -1 },
		{ "map 2^32-1", "df ff ff ff ff", put_map_head, 0xffffffff, -1 },
		{ "array 0", "90", put_array_head, 0, -1 }, { "array 15", "9f", put_array_head, 15, -1 },
		{ "array 16", "dc 00 10", put_array_head, 16, -1 },
		{ "array 65535", "dc ff ff", put_array_head, 65535, -1 },
		{ "array 65536", "dd 00 01 00 00", put_array_head, 65536, -1 },
		{ "array 2^32-1", "dd ff ff ff ff", put_array_head, 0xffffffff, -1 },
	};
	mp_w w;

	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		mp_w_init(&w);
		t[i].put(&w, t[i].arg);
		ok(exact(&w, t[i].hex, (uint8_t)t[i].fill, t[i].fill < 0 ? 0 : (size_t)t[i].arg),
		   "bytes: %s is %s%s", t[i].what, t[i].hex, t[i].fill < 0 ? "" : " + body");
		mp_w_free(&w);
	}
}

/* mp_w_object on objects built by hand, for what mp_parse never gives: ext
 * (which section 4 refuses), a float32, an unknown type. */
static void test_writer_objects(void)
{
	static const struct { uint32_t size; const char *hex; } ext[] = {
		{ 1, "d4 05" }, { 2, "d5 05" }, { 4, "d6 05" }, { 8, "d7 05" }, { 16, "d8 05" },
		{ 0, "c7 00 05" }, { 3, "c7 03 05" }, { 17, "c7 11 05" }, { 255, "c7 ff 05" },
		{ 256, "c8 01 00 05" }, { 65535, "c8 ff ff 05" }, { 65536, "c9 00 01 00 00 05" },
	};
	char *body = malloc(65536);
	msgpack_object o = { .type = MSGPACK_OBJECT_EXT };
	msgpack_object_kv kv[1];
	msgpack_object item[2];
	int bad = 0;
	mp_w w;

	if (!body)
		exit(2);
	memset(body, 'e', 65536);
	for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
		o.via.ext = (msgpack_object_ext){ .type = 5, .size = ext[i].size, .ptr = body };
		mp_w_init(&w);
		mp_w_object(&w, &o);
		bad += !exact(&w, ext[i].hex, 'e', ext[i].size);
		mp_w_free(&w);
	}
	ok(!bad, "object: ext of 0..65536 bytes is fixext1..16, else ext8/16/32, type 5, body as is");
	free(body);
	o = (msgpack_object){ .type = MSGPACK_OBJECT_FLOAT32, .via.f64 = 1.5 };
	mp_w_init(&w);
	mp_w_object(&w, &o);
	ok(exact(&w, "ca 3f c0 00 00", 0, 0), "object: a float32 stays float32 (ca 3f c0 00 00)");
	mp_w_free(&w);
	item[0] = (msgpack_object){ .type = MSGPACK_OBJECT_NEGATIVE_INTEGER, .via.i64 = -33 };
	kv[0].key = (msgpack_object){ .type = MSGPACK_OBJECT_STR, .via.str = { 1, "k" } };
	kv[0].val = (msgpack_object){ .type = MSGPACK_OBJECT_BOOLEAN, .via.boolean = true };
	item[1] = (msgpack_object){ .type = MSGPACK_OBJECT_MAP, .via.map = { 1, kv } };
	o = (msgpack_object){ .type = MSGPACK_OBJECT_ARRAY, .via.array = { 2, item } };
	mp_w_init(&w);
	mp_w_object(&w, &o);
	ok(exact(&w, "92 d0 df 81 a1 6b c3", 0, 0), "object: [-33, {\"k\": true}] is 92 d0 df 81 a1 6b c3");
	mp_w_free(&w);
	item[1] = (msgpack_object){ .type = (msgpack_object_type)0x7f };
	mp_w_init(&w);
	mp_w_object(&w, &o);
	ok(!mp_w_ok(&w), "object: an unknown type inside an array fails the writer");
	mp_w_free(&w);
}

/* One assertion: end(w, mark) fails w, patches nothing, and later writes add
 * nothing; then w is freed. */
static void bad_mark(mp_w *w, void (*end)(mp_w *, size_t, uint32_t), size_t mark, const char *what)
{
	size_t len = w->len;
	char before[64];
	bool same;

	memcpy(before, w->buf, len);
	end(w, mark, 7);
	same = w->len == len && !memcmp(w->buf, before, len);
	mp_w_nil(w);
	mp_w_map_end(w, 0, 1);
	ok(!mp_w_ok(w) && same && w->len == len, "bad mark: %s fails the writer, patches nothing, adds nothing", what);
	mp_w_free(w);
}

static void test_writer_marks(void)
{
	size_t mark, n = 70000, len = 5 + n * 7, got;
	uint8_t *want = malloc(len);
	char k[8], *p;
	mp_doc d;
	mp_w w;

	if (!want)
		exit(2);
	mp_w_init(&w);
	mp_w_map_end(&w, mp_w_map_begin(&w), 0);
	ok(exact(&w, "df 00 00 00 00", 0, 0), "map_begin/end, 0 entries: df 00 00 00 00 (map32, not 80)");
	mp_w_free(&w);
	mp_w_array_end(&w, mp_w_array_begin(&w), 0);
	ok(exact(&w, "dd 00 00 00 00", 0, 0), "array_begin/end, 0 entries: dd 00 00 00 00 (array32, not 90)");
	mp_w_free(&w);
	memcpy(want, "\xdf\x00\x01\x11\x70", 5);
	mark = mp_w_map_begin(&w);
	for (size_t i = 0; i < n; i++) {
		snprintf(k, sizeof k, "%05zu", i);
		mp_w_str(&w, k), mp_w_nil(&w);
		want[5 + 7 * i] = 0xa5, memcpy(want + 6 + 7 * i, k, 5), want[11 + 7 * i] = 0xc0;
	}
	mp_w_map_end(&w, mark, (uint32_t)n);
	ok(mp_w_ok(&w) && w.len == len && !memcmp(w.buf, want, len) &&
	   mp_parse(&d, w.buf, w.len, false, err, sizeof err) == 0 && d.root->via.map.size == n,
	   "map_begin/end, 70000 entries: df 00 01 11 70, then a5 \"00000\" c0 ...; parses (lax)");
	mp_doc_free(&d);
	mp_w_free(&w);
	free(want);

	mp_w_map_begin(&w);
	bad_mark(&w, mp_w_map_end, w.len + 1, "a mark past the end");
	mp_w_map_begin(&w);
	bad_mark(&w, mp_w_map_end, SIZE_MAX, "SIZE_MAX");
	mp_w_raw(&w, "\x81\xdf\0\0\0", 5);
	bad_mark(&w, mp_w_map_end, 1, "a df byte 4 bytes from the end");
	mark = mp_w_map_begin(&w);
	mp_w_str(&w, "abcd");
	bad_mark(&w, mp_w_map_end, mark + 1, "a mark inside the header");
	mark = mp_w_map_begin(&w);
	bad_mark(&w, mp_w_array_end, mark, "array_end on a map's mark");

	/* Failure is sticky: nothing more is written, and take gives NULL. */
	mp_w_map(&w, 1);
	mp_w_raw(&w, "", (size_t)1 << 61);	/* a realloc to 4 EiB fails */
	got = w.len;
	mp_w_kuint(&w, "a", 1), mp_w_raw(&w, "x", 1);
	p = mp_w_take(&w, &len);
	ok(!p && len == 0 && got == 1 && !w.buf && w.len == 0 && mp_w_ok(&w),
	   "a failed realloc fails the writer for good; take gives NULL and leaves it empty");
	mp_w_map(&w, 1);
	mp_w_raw(&w, "", SIZE_MAX - 8);	/* the capacity would overflow */
	mp_w_nil(&w);
	ok(!mp_w_ok(&w) && w.len == 1, "a length past SIZE_MAX/2 fails the writer without a realloc");
	mp_w_free(&w);
	mp_w_map(&w, 1);
	mp_w_strn(&w, "x", (size_t)UINT32_MAX + 1);
	mp_w_strn(&w, "x", 1);
	ok(!mp_w_ok(&w) && w.len == 1, "a str of 2^32 bytes (more than str32 holds) fails the writer, header and all");
	mp_w_free(&w);
	mp_w_map(&w, 1);
	mp_w_strn(&w, "x", SIZE_MAX);
	mp_w_bin(&w, "", SIZE_MAX);
	ok(!mp_w_ok(&w) && w.len == 1, "a str or bin of SIZE_MAX bytes fails the writer");
	mp_w_free(&w);
	mark = mp_w_map_begin(&w);
	mp_w_bin(&w, "", (size_t)1 << 32);
	mp_w_map_end(&w, mark, 1);
	ok(!mp_w_ok(&w) && w.len == 5 && !memcmp(w.buf, "\xdf\0\0\0\0", 5),
	   "a failed writer does not patch a good mark");
	mp_w_free(&w);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

/* xorshift64: deterministic across runs. */
static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return n ? rng % n : rng;
}

/* A random UTF-8 str of about n characters, never holding '#'. */
static void rnd_str(mp_w *w, size_t n, const char *suffix)
{
	static const char *ch[] = { "a", "Z", "0", " ", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x7f" };
	char s[2048];
	size_t len = 0;

	for (size_t i = 0; i < n && len < 1000; i++)
		len += (size_t)snprintf(s + len, sizeof s - len, "%s", ch[rnd(8)]);
	len += (size_t)snprintf(s + len, sizeof s - len, "%s", suffix);
	mp_w_strn(w, s, len);
}

/* A random value; containers while depth allows and budget lasts. */
static void rnd_value(mp_w *w, int depth, int *budget)
{
	uint8_t bin[400];
	char key[24];
	double f;
	uint64_t kind = rnd(depth < 7 && *budget > 0 ? 10 : 8), n;

	--*budget;
	switch (kind) {
	case 0: mp_w_nil(w); break;
	case 1: mp_w_bool(w, rnd(2)); break;
	case 2: mp_w_uint(w, rnd(0) >> rnd(64)); break;
	case 3: mp_w_int(w, -(int64_t)(rnd(0) >> (1 + rnd(63))) - 1); break;
	case 4:
		do {
			n = rnd(0);
			memcpy(&f, &n, sizeof f);
		} while (isnan(f));
		mp_w_float(w, f);
		break;
	case 5: rnd_str(w, rnd(4) ? rnd(40) : rnd(300), ""); break;
	case 6:
		n = rnd(4) ? rnd(40) : rnd(400);
		for (size_t i = 0; i < n; i++)
			bin[i] = (uint8_t)rnd(256);
		mp_w_bin(w, bin, n);
		break;
	case 7: mp_w_nil(w); break;
	case 8:
		mp_w_array(w, (uint32_t)(n = rnd(rnd(8) ? 8 : 40)));
		for (size_t i = 0; i < n; i++)
			rnd_value(w, depth + 1, budget);
		break;
	default:
		mp_w_map(w, (uint32_t)(n = rnd(rnd(8) ? 8 : 40)));
		for (size_t i = 0; i < n; i++) {
			snprintf(key, sizeof key, "#%zu", i);
			rnd_str(w, rnd(6), key);
			rnd_value(w, depth + 1, budget);
		}
	}
}

static void test_random(void)
{
	int docs = 300, parsed = 0, same = 0, mutated = 0, taken = 0, stable = 0;

	for (int i = 0; i < docs; i++) {
		mp_w w, again, third;
		mp_doc d;
		int budget = 1500, n = (int)rnd(12);

		mp_w_init(&w), mp_w_init(&again), mp_w_init(&third);
		mp_w_map(&w, (uint32_t)n);
		for (int k = 0; k < n; k++) {
			char key[24];

			snprintf(key, sizeof key, "#%d", k);
			rnd_str(&w, rnd(5), key);
			rnd_value(&w, 1, &budget);
		}
		if (mp_parse(&d, w.buf, w.len, true, err, sizeof err) == 0) {
			parsed++;
			mp_w_object(&again, d.root);
			same += mp_w_ok(&again) && again.len == w.len && !memcmp(again.buf, w.buf, w.len);
		} else if (parsed == i) {
			diag("doc %d refused: %s", i, err);
		}
		mp_doc_free(&d);
		/* Corrupt a few bytes: no crash, and an accepted frame is stable. */
		for (int m = (int)rnd(3); m >= 0 && w.len; m--)
			w.buf[rnd(w.len)] = (char)rnd(256);
		mutated++;
		if (mp_parse(&d, w.buf, w.len, true, err, sizeof err) == 0) {
			taken++;
			mp_w_free(&again);
			mp_w_object(&again, d.root);
			mp_doc_free(&d);
			if (mp_parse(&d, again.buf, again.len, true, err, sizeof err) == 0) {
				mp_w_object(&third, d.root);
				stable += third.len == again.len && !memcmp(third.buf, again.buf, again.len);
			}
		}
		mp_doc_free(&d);
		mp_w_free(&w), mp_w_free(&again), mp_w_free(&third);
	}
	ok(parsed == docs, "%d random documents parse (strict): %d", docs, parsed);
	ok(same == docs, "%d random documents re-encode byte for byte: %d", docs, same);
	ok(stable == taken, "%d corrupted frames: no crash; the %d accepted re-encode stably (%d)", mutated, taken, stable);
}

/* mp_peek_rid: the rid of a refused frame, as PROTOCOL.md 5.2 says. */
static int s_peek(const char *frame, size_t len, const char *want, size_t wlen)
{
	char rid[80];
	size_t n = 0;
	bool got = mp_peek_rid(frame, len, rid, sizeof rid, &n);
	if (!want)
		return !got;
	return got && n == wlen && !memcmp(rid, want, wlen);
}

static void test_peek_rid(void)
{
#define F(s) s, sizeof s - 1
	ok(s_peek(F("\x83\xa2op\xa6health\xa3rid\x01\xa1t\xd6\xff\x00\x00\x00\x01"), F("\x01")),
	   "peek rid: an ext value after it (rid 1)");
	ok(s_peek(F("\x83\xa2op\xa6health\xa1t\xd6\xff\x00\x00\x00\x01\xa3rid\xa1x"), F("\xa1x")),
	   "peek rid: an ext value before it is skipped (rid \"x\")");
	ok(s_peek(F("\x82\xa2op\xa7heal\x00th\xa3rid\x05"), F("\x05")),
	   "peek rid: a NUL in another str (rid 5)");
	ok(s_peek(F("\x83\xa2op\xa6health\xa3rid\x01\xa3rid\x02"), F("\x01")),
	   "peek rid: a duplicate rid: the first");
	ok(s_peek(F("\x82\xa3rid\xcf\x00\x1f\xff\xff\xff\xff\xff\xff\x01\x02"), F("\xcf\x00\x1f\xff\xff\xff\xff\xff\xff")),
	   "peek rid: 2^53 - 1 as a uint64, as sent");
	ok(s_peek(F("\x81\xa3rid\xcf\x00\x20\x00\x00\x00\x00\x00\x00"), NULL, 0),
	   "peek rid: 2^53 is no rid");
	ok(s_peek(F("\x81\xa3rid\xff"), NULL, 0) && s_peek(F("\x81\xa3rid\xc2"), NULL, 0),
	   "peek rid: a negative or a bool is no rid");
	ok(s_peek(F("\x82\xa2op\xa6health\xa3rid\xa2\xc3\x28"), NULL, 0),
	   "peek rid: a rid of invalid UTF-8 is no rid");
	ok(s_peek(F("\x92\xa3rid\x01"), NULL, 0) && s_peek(F("\xc1"), NULL, 0) &&
	   s_peek("", 0, NULL, 0), "peek rid: not a map, 0xc1, empty: none");
	ok(s_peek(F("\x82\xa2op\xa6health\xa3rid"), NULL, 0) &&
	   s_peek(F("\x82\xa2op\xdb\xff\xff\xff\xff\xa3rid\x01"), NULL, 0),
	   "peek rid: truncated, or a length past the end: none");
	ok(s_peek(F("\x81\xa3rid\xd9\x41" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), NULL, 0),
	   "peek rid: a str of 65 bytes is no rid");
#undef F
}

int main(void)
{
	plan(PLAN);
	test_dumps();
	test_structure();
	test_keys();
	test_ext_utf8();
	test_framing();
	test_accessors();
	test_writer();
	test_writer_misc();
	test_writer_bytes();
	test_writer_objects();
	test_writer_marks();
	test_random();
	test_peek_rid();
	if (tap_n != PLAN)
		diag("planned %d, ran %d", PLAN, tap_n);
	return done();
}
