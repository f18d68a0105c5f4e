/* mp.h: the msgpack codec shared by judgeboxd and judgebox.
 *
 * Reading: mp_parse() checks a frame against every rule of PROTOCOL.md
 * section 4 in one bounded pass (no allocation proportional to hostile
 * structure), then unpacks it with msgpack-c. The accessors below never
 * abort on a value of the wrong type: they return false and the caller
 * answers bad_request.
 *
 * Writing: an mp_w grows a heap buffer. Maps and arrays whose size is not
 * known in advance are opened with mp_w_map_begin() and closed with
 * mp_w_map_end(), which patches the header (always map32/array32: any valid
 * encoding is allowed on the wire). Allocation failure is sticky: mp_w_ok()
 * tells at the end.
 */
#ifndef JUDGEBOX_MP_H
#define JUDGEBOX_MP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <msgpack.h>

/* Limits of PROTOCOL.md section 4. */
#define MP_MAX_DEPTH	8
#define MP_MAX_ENTRIES	1024
#define MP_MAX_OBJECTS	8192

typedef struct {
	msgpack_unpacked u;
	const msgpack_object *root;	/* a map once mp_parse() succeeded */
} mp_doc;

/* Parse and validate one frame (root must be a map; no trailing bytes; no
 * ext, non-str keys, duplicate keys, depth > 8, containers > 1024 entries,
 * > 8192 objects, invalid UTF-8 or NUL in a str). 0 on success; -1 with a
 * one-line English reason in err. strict=true applies every limit (what
 * the daemon does to requests); strict=false still refuses malformed data
 * but lifts the entries and objects limits and raises the depth limit to
 * 32, the most msgpack-c's unpacker takes (what a client does to replies,
 * which may be larger). The decoded str and bin values point into buf:
 * keep buf until mp_doc_free(). Call mp_doc_free() after every mp_parse(),
 * whatever it returned; calling it twice is harmless. */
int mp_parse(mp_doc *d, const void *buf, size_t len, bool strict,
	     char *err, size_t errlen);
void mp_doc_free(mp_doc *d);

/* True if p[0..n) is valid UTF-8: no overlong form, surrogate or code point
 * above U+10FFFF, and no NUL unless nul_ok (section 4 refuses NUL in a str;
 * the CLI's JSON output may carry one). */
bool mp_utf8(const void *p, size_t n, bool nul_ok);

/* The rid of a frame that mp_parse refused, as its reply must carry it
 * whenever it can be read (PROTOCOL.md 5.2): the frame's top level is a
 * map, well formed as far as its first "rid" key, whose value is a valid
 * rid (a str of at most 64 bytes of UTF-8 without NUL, or an unsigned
 * integer below 2^53). Copies its encoded bytes (at most size) into rid;
 * false if there is none to read. Whatever else breaks section 4's rules
 * (ext values, bad UTF-8 elsewhere, duplicate keys, depth, counts,
 * trailing bytes) does not matter here. */
bool mp_peek_rid(const void *buf, size_t len, char *rid, size_t size, size_t *ridlen);

/* Map lookup: NULL if absent or nil (nil means absent, section 4). */
const msgpack_object *mp_get(const msgpack_object *map, const char *key);

/* Typed reads; false if o is NULL or of the wrong type (section 4.1). */
bool mp_as_str(const msgpack_object *o, const char **p, size_t *n);
bool mp_as_bin(const msgpack_object *o, const char **p, size_t *n); /* bin or str */
bool mp_as_uint(const msgpack_object *o, uint64_t *v);	/* any int >= 0 */
bool mp_as_bool(const msgpack_object *o, bool *v);
bool mp_as_float(const msgpack_object *o, double *v);	/* float or int */
bool mp_str_eq(const msgpack_object *o, const char *s);	/* a str equal to s */
/* A str copied into a NUL-terminated buffer; false if not a str or too long. */
bool mp_str_copy(const msgpack_object *o, char *buf, size_t size);

typedef struct {
	char *buf;
	size_t len, cap;
	bool failed;
} mp_w;

void mp_w_init(mp_w *w);
void mp_w_free(mp_w *w);
bool mp_w_ok(const mp_w *w);
/* Take the buffer (caller frees); NULL if a write failed. w is left empty. */
char *mp_w_take(mp_w *w, size_t *len);

void mp_w_map(mp_w *w, uint32_t n);
void mp_w_array(mp_w *w, uint32_t n);
size_t mp_w_map_begin(mp_w *w);		/* returns a mark for _end */
void mp_w_map_end(mp_w *w, size_t mark, uint32_t n);	/* a bad mark fails w */
size_t mp_w_array_begin(mp_w *w);
void mp_w_array_end(mp_w *w, size_t mark, uint32_t n);
void mp_w_str(mp_w *w, const char *s);
void mp_w_strn(mp_w *w, const char *s, size_t n);
void mp_w_bin(mp_w *w, const void *p, size_t n);
void mp_w_uint(mp_w *w, uint64_t v);	/* smallest unsigned encoding */
void mp_w_int(mp_w *w, int64_t v);
void mp_w_bool(mp_w *w, bool v);
void mp_w_nil(mp_w *w);
void mp_w_float(mp_w *w, double v);	/* float64 */
/* Append an already-encoded object (e.g. a stored msgpack blob). */
void mp_w_raw(mp_w *w, const void *p, size_t n);
/* Re-encode a decoded object (used to copy request parts into replies). */
void mp_w_object(mp_w *w, const msgpack_object *o);

/* Key/value shorthands for maps. */
void mp_w_kstr(mp_w *w, const char *k, const char *v);
void mp_w_kuint(mp_w *w, const char *k, uint64_t v);
void mp_w_kbool(mp_w *w, const char *k, bool v);
void mp_w_kbin(mp_w *w, const char *k, const void *p, size_t n);
void mp_w_kfloat(mp_w *w, const char *k, double v);

#endif
