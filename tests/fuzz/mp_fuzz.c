/* mp_fuzz: the frame codec (proto/mp.c) on arbitrary bytes. mp_parse in
 * both modes; mp_peek_rid on every frame (it reads the rid of frames
 * mp_parse refused); for an accepted frame, every accessor on every value
 * of the root map, and a round trip: the root re-encoded by mp_w_object
 * must parse again, to the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "../../proto/mp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every typed read of o; their results are not checked, only that they
 * stay in bounds (ASan) and agree with each other. */
static void s_reads(const msgpack_object *o)
{
	const char *p;
	size_t n;
	uint64_t u;
	bool b;
	double f;
	char buf[65];

	if (mp_as_str(o, &p, &n) && !mp_as_bin(o, &p, &n))
		abort();	/* a str is a bin to mp_as_bin */
	mp_as_uint(o, &u);
	mp_as_bool(o, &b);
	mp_as_float(o, &f);
	mp_str_eq(o, "run");
	if (mp_str_copy(o, buf, sizeof buf) && strlen(buf) >= sizeof buf)
		abort();
}

static void s_accepted(const mp_doc *d)
{
	const msgpack_object_map *m = &d->root->via.map;
	static const char *keys[] = { "rid", "op", "v", "files", "compare", "limits", "wait_ms" };
	mp_doc again;
	mp_w w;
	char err[160];

	for (uint32_t i = 0; i < m->size; i++)
		s_reads(&m->ptr[i].key), s_reads(&m->ptr[i].val);
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		s_reads(mp_get(d->root, keys[i]));
	mp_w_init(&w);
	mp_w_object(&w, d->root);
	if (!mp_w_ok(&w) || mp_parse(&again, w.buf, w.len, false, err, sizeof err))
		abort();	/* what we accepted, we can write and read back */
	mp_doc_free(&again);
	mp_w_free(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[160], rid[80];
	size_t ridlen = 0;
	mp_doc d;

	mp_utf8(data, size, false);
	if (mp_peek_rid(data, size, rid, sizeof rid, &ridlen) && ridlen > sizeof rid)
		abort();
	for (int strict = 0; strict < 2; strict++) {
		err[0] = '\0';
		if (!mp_parse(&d, data, size, strict, err, sizeof err)) {
			if (!d.root || d.root->type != MSGPACK_OBJECT_MAP)
				abort();	/* the root of an accepted frame is a map */
			s_accepted(&d);
		} else if (!err[0] || !memchr(err, '\0', sizeof err)) {
			abort();	/* a refusal says why, in bounds */
		}
		mp_doc_free(&d);
	}
	return 0;
}
