/* mp.c: the msgpack codec of mp.h. Reading is a bounded pre-scan of the raw
 * bytes (every rule of PROTOCOL.md section 4 but duplicate keys), then
 * msgpack-c's unpacker, then a duplicate-key check on the tree. Writing is
 * msgpack-c's packer into a buffer of ours, whose growth and failure we
 * control. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp.h"

/* Depth allowed with strict=false: msgpack-c's own stack (its
 * MSGPACK_EMBED_STACK_SIZE, 32 in Debian's build) refuses anything deeper. */
#define MP_LAX_DEPTH	32

enum kind { K_SCALAR, K_STR, K_BIN, K_ARRAY, K_MAP, K_EXT, K_BAD };

/* Bytes 0xc0..0xdf: the kind, and the whole size for a scalar or the width
 * of the length field for a str, bin, array or map. */
static const struct { unsigned char kind, w; } s_tab[32] = {
	{ K_SCALAR, 1 }, { K_BAD, 0 }, { K_SCALAR, 1 }, { K_SCALAR, 1 },	/* c0-c3 */
	{ K_BIN, 1 }, { K_BIN, 2 }, { K_BIN, 4 },				/* c4-c6 */
	{ K_EXT, 0 }, { K_EXT, 0 }, { K_EXT, 0 },				/* c7-c9 */
	{ K_SCALAR, 5 }, { K_SCALAR, 9 },					/* ca-cb */
	{ K_SCALAR, 2 }, { K_SCALAR, 3 }, { K_SCALAR, 5 }, { K_SCALAR, 9 },	/* cc-cf */
	{ K_SCALAR, 2 }, { K_SCALAR, 3 }, { K_SCALAR, 5 }, { K_SCALAR, 9 },	/* d0-d3 */
	{ K_EXT, 0 }, { K_EXT, 0 }, { K_EXT, 0 }, { K_EXT, 0 }, { K_EXT, 0 },	/* d4-d8 */
	{ K_STR, 1 }, { K_STR, 2 }, { K_STR, 4 },				/* d9-db */
	{ K_ARRAY, 2 }, { K_ARRAY, 4 }, { K_MAP, 2 }, { K_MAP, 4 },		/* dc-df */
};

/* One object's header as the pre-scan sees it. */
struct head {
	enum kind kind;
	uint64_t n;	/* bytes of a str/bin, entries of an array/map */
	size_t hdr;	/* bytes of the header (of the whole object for a scalar) */
};

/* An unsigned big-endian number of w bytes. */
static uint64_t s_be(const uint8_t *p, unsigned w)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < w; i++)
		v = v << 8 | p[i];
	return v;
}

/* Decode the header at p (left >= 1 bytes available); NULL or a reason. */
static const char *s_head(const uint8_t *p, size_t left, struct head *h)
{
	uint8_t b = p[0];

	*h = (struct head){ K_SCALAR, 0, 1 };
	if (b <= 0x7f || b >= 0xe0)
		return NULL;
	if (b <= 0xbf) {
		h->kind = b <= 0x8f ? K_MAP : b <= 0x9f ? K_ARRAY : K_STR;
		h->n = b & (h->kind == K_STR ? 0x1f : 0x0f);
		return NULL;
	}
	h->kind = s_tab[b - 0xc0].kind;
	if (h->kind == K_EXT)
		return "ext types are not accepted";
	if (h->kind == K_BAD)
		return "malformed (byte 0xc1)";
	h->hdr = h->kind == K_SCALAR ? s_tab[b - 0xc0].w : 1u + s_tab[b - 0xc0].w;
	if (h->hdr > left)
		return "truncated";
	if (h->kind != K_SCALAR)
		h->n = s_be(p + 1, s_tab[b - 0xc0].w);
	return NULL;
}

/* NULL if p[0..n) is UTF-8 with no overlong form, surrogate or code point
 * above U+10FFFF (and, unless nul_ok, no NUL); else a reason. */
static const char *s_utf8(const uint8_t *p, size_t n, bool nul_ok)
{
	static const char bad[] = "invalid UTF-8 in a str";

	for (size_t i = 0; i < n;) {
		uint8_t b = p[i], lo = 0x80, hi = 0xbf;
		size_t need;

		if (b == 0 && !nul_ok)
			return "NUL in a str";
		if (b < 0x80) {
			i++;
			continue;
		}
		if (b >= 0xc2 && b <= 0xdf)
			need = 1;
		else if (b >= 0xe0 && b <= 0xef)
			need = 2, lo = b == 0xe0 ? 0xa0 : 0x80, hi = b == 0xed ? 0x9f : 0xbf;
		else if (b >= 0xf0 && b <= 0xf4)
			need = 3, lo = b == 0xf0 ? 0x90 : 0x80, hi = b == 0xf4 ? 0x8f : 0xbf;
		else
			return bad;
		if (need > n - i - 1 || p[i + 1] < lo || p[i + 1] > hi)
			return bad;
		for (size_t k = 2; k <= need; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return bad;
		i += need + 1;
	}
	return NULL;
}

bool mp_utf8(const void *p, size_t n, bool nul_ok)
{
	return s_utf8(p, n, nul_ok) == NULL;
}

/* Check one container header against the limits and the bytes left. */
static const char *s_container(const struct head *h, size_t left, unsigned depth, bool strict)
{
	uint64_t items = h->kind == K_MAP ? 2 * h->n : h->n;

	if (strict && h->n > MP_MAX_ENTRIES)
		return "a map or array with more than 1024 entries";
	if (items > left)
		return "truncated";
	if (depth >= (strict ? MP_MAX_DEPTH : MP_LAX_DEPTH))
		return strict ? "nesting deeper than 8" : "nesting deeper than 32";
	return NULL;
}

/* The pre-scan: walk the bytes once, iteratively, with a stack bounded by
 * the depth limit, and check every rule but duplicate keys. Every declared
 * length is checked against the bytes left, so nothing it accepts can make
 * msgpack-c allocate more than a small multiple of len. */
static const char *s_scan(const uint8_t *p, size_t len, bool strict)
{
	uint64_t rem[MP_LAX_DEPTH];	/* items left in each open container */
	bool ismap[MP_LAX_DEPTH];
	unsigned depth = 0;
	size_t pos = 0, objects = 0;
	struct head h;
	const char *e;

	do {
		if (pos == len)
			return "truncated";
		if ((e = s_head(p + pos, len - pos, &h)))
			return e;
		if (depth == 0 && h.kind != K_MAP)
			return "not a map";
		if (depth && ismap[depth - 1] && rem[depth - 1] % 2 == 0 && h.kind != K_STR)
			return "a map key is not a str";
		if (strict && ++objects > MP_MAX_OBJECTS)
			return "more than 8192 objects";
		pos += h.hdr;
		if (h.kind == K_STR || h.kind == K_BIN) {
			if (h.n > len - pos)
				return "truncated";
			if (h.kind == K_STR && (e = s_utf8(p + pos, (size_t)h.n, false)))
				return e;
			pos += (size_t)h.n;
		} else if (h.kind == K_ARRAY || h.kind == K_MAP) {
			if ((e = s_container(&h, len - pos, depth, strict)))
				return e;
			if (h.n) {
				rem[depth] = h.kind == K_MAP ? 2 * h.n : h.n;
				ismap[depth++] = h.kind == K_MAP;
				continue;
			}
		}
		/* An item is complete: close every container it completes. */
		while (depth && --rem[depth - 1] == 0)
			depth--;
	} while (depth);
	return pos == len ? NULL : "trailing bytes after the map";
}

/* Order two str keys (qsort): by length, then bytes. */
static int s_keycmp(const void *a, const void *b)
{
	const msgpack_object_str *x = &(*(const msgpack_object_kv *const *)a)->key.via.str;
	const msgpack_object_str *y = &(*(const msgpack_object_kv *const *)b)->key.via.str;

	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return x->size ? memcmp(x->ptr, y->ptr, x->size) : 0;
}

/* The first key that occurs twice in map m; NULL if none; *nomem on failure. */
static const msgpack_object *s_dup_in(const msgpack_object_map *m, bool *nomem)
{
	const msgpack_object_kv **kv;
	const msgpack_object *dup = NULL;

	if (m->size < 2)
		return NULL;
	if (!(kv = malloc(m->size * sizeof *kv))) {
		*nomem = true;
		return NULL;
	}
	for (uint32_t i = 0; i < m->size; i++)
		kv[i] = &m->ptr[i];
	qsort(kv, m->size, sizeof *kv, s_keycmp);
	for (uint32_t i = 1; i < m->size && !dup; i++)
		if (!s_keycmp(&kv[i - 1], &kv[i]))
			dup = &kv[i]->key;
	free(kv);
	return dup;
}

/* The first duplicate key anywhere under o (recursion bounded by the
 * pre-scan's depth limit); NULL if none. */
static const msgpack_object *s_dup(const msgpack_object *o, bool *nomem)
{
	const msgpack_object *dup = NULL;

	if (o->type == MSGPACK_OBJECT_ARRAY) {
		for (uint32_t i = 0; i < o->via.array.size && !dup && !*nomem; i++)
			dup = s_dup(&o->via.array.ptr[i], nomem);
	} else if (o->type == MSGPACK_OBJECT_MAP) {
		dup = s_dup_in(&o->via.map, nomem);
		for (uint32_t i = 0; i < o->via.map.size && !dup && !*nomem; i++)
			dup = s_dup(&o->via.map.ptr[i].val, nomem);
	}
	return dup;
}

/* 'duplicate key "K"' into out (size >= 64), on one line: control
 * characters become '?', a long key is cut at a character boundary. */
static const char *s_dupmsg(const msgpack_object *k, char *out)
{
	size_t n = k->via.str.size, i = 15;

	memcpy(out, "duplicate key \"", i);
	if (n > 40)
		for (n = 40; n && ((uint8_t)k->via.str.ptr[n] & 0xc0) == 0x80; n--)
			;
	for (size_t j = 0; j < n; j++) {
		uint8_t c = (uint8_t)k->via.str.ptr[j];

		out[i++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	strcpy(out + i, n < k->via.str.size ? "...\"" : "\"");
	return out;
}

int mp_parse(mp_doc *d, const void *buf, size_t len, bool strict, char *err, size_t errlen)
{
	const msgpack_object *dup = NULL;
	bool nomem = false;
	size_t off = 0;
	const char *e;
	char msg[64];

	msgpack_unpacked_init(&d->u);
	d->root = NULL;
	if (!(e = s_scan(buf, len, strict)) &&
	    (msgpack_unpack_next(&d->u, buf, len, &off) != MSGPACK_UNPACK_SUCCESS || off != len ||
	     d->u.data.type != MSGPACK_OBJECT_MAP))
		e = "cannot unpack (out of memory?)";
	if (!e && ((dup = s_dup(&d->u.data, &nomem)) || nomem))
		e = dup ? s_dupmsg(dup, msg) : "out of memory";
	if (e) {
		mp_doc_free(d);
		if (err && errlen)
			snprintf(err, errlen, "%s", e);
		return -1;
	}
	d->root = &d->u.data;
	return 0;
}

void mp_doc_free(mp_doc *d) { msgpack_unpacked_destroy(&d->u), d->root = NULL; }

/* ---- the rid of a frame that breaks section 4's rules ---- */

#define PEEK_DEPTH 64	/* deeper than this, give up: no rid */

/* Skip the object at p[*pos..len), whatever section 4 says of it (ext,
 * bad UTF-8, duplicate keys are all fine here); false if it is not well
 * formed MessagePack or nests deeper than PEEK_DEPTH. */
static bool s_skip(const uint8_t *p, size_t len, size_t *pos, unsigned depth)
{
	static const unsigned char fixext[5] = { 1, 2, 4, 8, 16 };
	struct head h;
	if (*pos >= len || depth > PEEK_DEPTH)
		return false;
	uint8_t b = p[*pos];
	if ((b >= 0xd4 && b <= 0xd8) || (b >= 0xc7 && b <= 0xc9)) {	/* ext */
		unsigned w = b >= 0xd4 ? 0 : 1u << (b - 0xc7);
		if (len - *pos < 2 + w)
			return false;
		uint64_t n = w ? s_be(p + *pos + 1, w) : fixext[b - 0xd4];
		size_t hdr = 2 + w;
		if (n > len - *pos - hdr)
			return false;
		*pos += hdr + (size_t)n;
		return true;
	}
	if (s_head(p + *pos, len - *pos, &h))
		return false;
	*pos += h.hdr;
	if (h.kind == K_STR || h.kind == K_BIN) {
		if (h.n > len - *pos)
			return false;
		*pos += (size_t)h.n;
		return true;
	}
	uint64_t items = h.kind == K_MAP ? 2 * h.n : h.kind == K_ARRAY ? h.n : 0;
	if (items > len - *pos)
		return false;
	for (uint64_t i = 0; i < items; i++)
		if (!s_skip(p, len, pos, depth + 1))
			return false;
	return true;
}

/* A valid rid (PROTOCOL.md 5.1) at p[start..end): a str of at most 64
 * bytes of UTF-8 without NUL, or an unsigned integer below 2^53. */
static bool s_rid_ok(const uint8_t *p, size_t start, size_t end)
{
	struct head h;
	if (s_head(p + start, end - start, &h))
		return false;
	if (h.kind == K_STR)
		return h.n <= 64 && !s_utf8(p + start + h.hdr, (size_t)h.n, false);
	if (h.kind != K_SCALAR)
		return false;
	uint8_t b = p[start];
	uint64_t v = b <= 0x7f ? b : b >= 0xcc && b <= 0xcf ? s_be(p + start + 1, (unsigned)(h.hdr - 1)) :
		     UINT64_MAX;
	return v < (1ull << 53);
}

bool mp_peek_rid(const void *buf, size_t len, char *rid, size_t size, size_t *ridlen)
{
	const uint8_t *p = buf;
	struct head h;
	size_t pos = 0;
	if (!len || s_head(p, len, &h) || h.kind != K_MAP)
		return false;
	pos = h.hdr;
	for (uint64_t i = 0; i < h.n; i++) {
		struct head k;
		if (pos >= len || s_head(p + pos, len - pos, &k))
			return false;
		bool is_rid = k.kind == K_STR && k.n == 3 && len - pos >= k.hdr + 3 &&
			      !memcmp(p + pos + k.hdr, "rid", 3);
		if (!s_skip(p, len, &pos, 0))
			return false;
		size_t v = pos;
		if (!s_skip(p, len, &v, 0))
			return false;
		if (is_rid) {
			if (!s_rid_ok(p, pos, v) || v - pos > size)
				return false;
			memcpy(rid, p + pos, v - pos);
			*ridlen = v - pos;
			return true;
		}
		pos = v;
	}
	return false;
}

const msgpack_object *mp_get(const msgpack_object *map, const char *key)
{
	size_t n = strlen(key);

	if (!map || map->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (uint32_t i = 0; i < map->via.map.size; i++) {
		const msgpack_object_kv *kv = &map->via.map.ptr[i];

		if (kv->key.type == MSGPACK_OBJECT_STR && kv->key.via.str.size == n &&
		    (!n || !memcmp(kv->key.via.str.ptr, key, n)))
			return kv->val.type == MSGPACK_OBJECT_NIL ? NULL : &kv->val;
	}
	return NULL;
}

bool mp_as_str(const msgpack_object *o, const char **p, size_t *n)
{
	if (!o || o->type != MSGPACK_OBJECT_STR)
		return false;
	*p = o->via.str.ptr, *n = o->via.str.size;
	return true;
}

bool mp_as_bin(const msgpack_object *o, const char **p, size_t *n)
{
	if (!o || o->type != MSGPACK_OBJECT_BIN)
		return mp_as_str(o, p, n);
	*p = o->via.bin.ptr, *n = o->via.bin.size;
	return true;
}

/* msgpack-c types every value >= 0 POSITIVE_INTEGER, whatever its encoding. */
bool mp_as_uint(const msgpack_object *o, uint64_t *v)
{
	if (!o || o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		return false;
	*v = o->via.u64;
	return true;
}

bool mp_as_bool(const msgpack_object *o, bool *v)
{
	if (!o || o->type != MSGPACK_OBJECT_BOOLEAN)
		return false;
	*v = o->via.boolean;
	return true;
}

bool mp_as_float(const msgpack_object *o, double *v)
{
	if (!o)
		return false;
	if (o->type == MSGPACK_OBJECT_FLOAT32 || o->type == MSGPACK_OBJECT_FLOAT64)
		*v = o->via.f64;
	else if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
		*v = (double)o->via.u64;
	else if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
		*v = (double)o->via.i64;
	else
		return false;
	return true;
}

bool mp_str_eq(const msgpack_object *o, const char *s)
{
	const char *p;
	size_t n;

	return mp_as_str(o, &p, &n) && n == strlen(s) && (!n || !memcmp(p, s, n));
}

bool mp_str_copy(const msgpack_object *o, char *buf, size_t size)
{
	const char *p;
	size_t n;

	if (!mp_as_str(o, &p, &n) || n >= size)
		return false;
	if (n)
		memcpy(buf, p, n);
	buf[n] = '\0';
	return true;
}

void mp_w_init(mp_w *w) { *w = (mp_w){ NULL, 0, 0, false }; }
void mp_w_free(mp_w *w) { free(w->buf), mp_w_init(w); }
bool mp_w_ok(const mp_w *w) { return !w->failed; }

char *mp_w_take(mp_w *w, size_t *len)
{
	char *p = w->failed ? NULL : w->buf ? w->buf : malloc(1);

	*len = p ? w->len : 0;
	if (p == w->buf)
		w->buf = NULL;
	mp_w_free(w);
	return p;
}

/* Make room for n more bytes; false (and w failed for good) if impossible. */
static bool s_room(mp_w *w, size_t n)
{
	size_t cap = w->cap ? w->cap : 256;
	char *p;

	if (w->failed)
		return false;
	if (n <= w->cap - w->len)
		return true;
	while (cap - w->len < n) {
		if (cap > SIZE_MAX / 2)
			return !(w->failed = true);
		cap *= 2;
	}
	if (!(p = realloc(w->buf, cap)))
		return !(w->failed = true);
	w->buf = p;
	w->cap = cap;
	return true;
}

/* Append n bytes. */
static void s_put(mp_w *w, const void *p, size_t n)
{
	if (n && s_room(w, n)) {
		memcpy(w->buf + w->len, p, n);
		w->len += n;
	}
}

/* msgpack-c's write callback: append to the mp_w; -1 once it has failed. */
static int s_write(void *data, const char *p, size_t n)
{
	mp_w *w = data;

	s_put(w, p, n);
	return w->failed ? -1 : 0;
}

/* A packer into w for one call. Not kept in mp_w: mp.h's struct stays as it
 * is, and a packer holding w's address would go stale if w were copied. */
#define S_PK(w)	(&(msgpack_packer){ .data = (w), .callback = s_write })

void mp_w_map(mp_w *w, uint32_t n) { msgpack_pack_map(S_PK(w), n); }
void mp_w_array(mp_w *w, uint32_t n) { msgpack_pack_array(S_PK(w), n); }

/* Open a container with a map32/array32 header and a zero count, written
 * here: msgpack-c picks the smallest header, which cannot be patched later.
 * Its offset is the mark. */
static size_t s_begin(mp_w *w, uint8_t tag)
{
	const uint8_t b[5] = { tag };
	size_t mark = w->len;

	s_put(w, b, sizeof b);
	return mark;
}

/* Patch the count of the container opened at mark; a bad mark fails w. */
static void s_end(mp_w *w, size_t mark, uint8_t tag, uint32_t n)
{
	if (w->failed)
		return;
	if (mark > w->len || w->len - mark < 5 || (uint8_t)w->buf[mark] != tag) {
		w->failed = true;	/* not a mark from the matching _begin */
		return;
	}
	for (unsigned i = 0; i < 4; i++)
		w->buf[mark + 1 + i] = (char)(uint8_t)(n >> (8 * (3 - i)));
}

size_t mp_w_map_begin(mp_w *w) { return s_begin(w, 0xdf); }
void mp_w_map_end(mp_w *w, size_t mark, uint32_t n) { s_end(w, mark, 0xdf, n); }
size_t mp_w_array_begin(mp_w *w) { return s_begin(w, 0xdd); }
void mp_w_array_end(mp_w *w, size_t mark, uint32_t n) { s_end(w, mark, 0xdd, n); }

void mp_w_str(mp_w *w, const char *s) { mp_w_strn(w, s, strlen(s)); }

/* msgpack-c takes a size_t length but stores it in at most 32 bits, so a
 * longer str or bin is refused here rather than written with a cut length. */
void mp_w_strn(mp_w *w, const char *s, size_t n)
{
	if (n > UINT32_MAX)
		w->failed = true;
	else if (msgpack_pack_str(S_PK(w), n) == 0)
		msgpack_pack_str_body(S_PK(w), s, n);
}

void mp_w_bin(mp_w *w, const void *p, size_t n)
{
	if (n > UINT32_MAX)
		w->failed = true;
	else if (msgpack_pack_bin(S_PK(w), n) == 0)
		msgpack_pack_bin_body(S_PK(w), p, n);
}

/* msgpack-c writes an int >= 0 in the smallest unsigned form, as mp_w_uint. */
void mp_w_uint(mp_w *w, uint64_t v) { msgpack_pack_uint64(S_PK(w), v); }
void mp_w_int(mp_w *w, int64_t v) { msgpack_pack_int64(S_PK(w), v); }

void mp_w_bool(mp_w *w, bool v)
{
	if (v)
		msgpack_pack_true(S_PK(w));
	else
		msgpack_pack_false(S_PK(w));
}

void mp_w_nil(mp_w *w) { msgpack_pack_nil(S_PK(w)); }
void mp_w_float(mp_w *w, double v) { msgpack_pack_double(S_PK(w), v); }
void mp_w_raw(mp_w *w, const void *p, size_t n) { s_put(w, p, n); }

/* msgpack-c fails on an object type it does not know; so does w. */
void mp_w_object(mp_w *w, const msgpack_object *o)
{
	if (msgpack_pack_object(S_PK(w), *o) != 0)
		w->failed = true;
}

void mp_w_kstr(mp_w *w, const char *k, const char *v) { mp_w_str(w, k); mp_w_str(w, v); }
void mp_w_kuint(mp_w *w, const char *k, uint64_t v) { mp_w_str(w, k); mp_w_uint(w, v); }
void mp_w_kbool(mp_w *w, const char *k, bool v) { mp_w_str(w, k); mp_w_bool(w, v); }
void mp_w_kbin(mp_w *w, const char *k, const void *p, size_t n) { mp_w_str(w, k); mp_w_bin(w, p, n); }
void mp_w_kfloat(mp_w *w, const char *k, double v) { mp_w_str(w, k); mp_w_float(w, v); }
