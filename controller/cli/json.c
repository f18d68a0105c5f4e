/* json.c: judgebox(1)'s --json output, decoded msgpack as JSON. A str or
 * bin is a JSON string if it is valid UTF-8, else {"base64": "..."}; see
 * judgebox(1), JSON OUTPUT.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include "cli.h"

/* Bytes that are not UTF-8, as {"base64": "..."}. */
static void s_json_base64(FILE *f, const unsigned char *p, size_t n)
{
	static const char t[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	fputs("{\"base64\":\"", f);
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		putc(t[v >> 18 & 63], f);
		putc(t[v >> 12 & 63], f);
		putc(i + 1 < n ? t[v >> 6 & 63] : '=', f);
		putc(i + 2 < n ? t[v & 63] : '=', f);
	}
	fputs("\"}", f);
}

/* A str or bin: a JSON string if it is valid UTF-8, else base64. */
void json_bytes(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	if (!mp_utf8(p, n, true)) {
		s_json_base64(f, p, n);
		return;
	}
	putc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned c = p[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			putc((int)c, f);
	}
	putc('"', f);
}

/* A map with str keys as a JSON object. */
static void s_json_map(FILE *f, const msgpack_object *o)
{
	bool first = true;
	putc('{', f);
	for (uint32_t i = 0; i < o->via.map.size; i++) {
		const msgpack_object_kv *kv = &o->via.map.ptr[i];
		if (kv->key.type != MSGPACK_OBJECT_STR)
			continue;	/* mp_parse refuses these; JSON cannot hold them */
		if (!first)
			putc(',', f);
		first = false;
		json_bytes(f, kv->key.via.str.ptr, kv->key.via.str.size);
		putc(':', f);
		json_value(f, &kv->val);
	}
	putc('}', f);
}

/* Any decoded object as JSON; nil and ext (never sent) as null. */
void json_value(FILE *f, const msgpack_object *o)
{
	switch (o->type) {
	case MSGPACK_OBJECT_BOOLEAN:
		fputs(o->via.boolean ? "true" : "false", f);
		break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		fprintf(f, "%" PRIu64, o->via.u64);
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		fprintf(f, "%" PRId64, o->via.i64);
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		if (isfinite(o->via.f64))
			fprintf(f, "%.17g", o->via.f64);
		else
			fputs("null", f);
		break;
	case MSGPACK_OBJECT_STR:
		json_bytes(f, o->via.str.ptr, o->via.str.size);
		break;
	case MSGPACK_OBJECT_BIN:
		json_bytes(f, o->via.bin.ptr, o->via.bin.size);
		break;
	case MSGPACK_OBJECT_ARRAY:
		putc('[', f);
		for (uint32_t i = 0; i < o->via.array.size; i++) {
			if (i)
				putc(',', f);
			json_value(f, &o->via.array.ptr[i]);
		}
		putc(']', f);
		break;
	case MSGPACK_OBJECT_MAP:
		s_json_map(f, o);
		break;
	default:		/* nil, ext */
		fputs("null", f);
	}
}

/* Print a reply's own fields as one JSON object, without ok, rid and v. */
void json_fields(const msgpack_object *root)
{
	bool first = true;
	putchar('{');
	for (uint32_t i = 0; i < root->via.map.size; i++) {
		const msgpack_object_kv *kv = &root->via.map.ptr[i];
		if (kv->key.type != MSGPACK_OBJECT_STR || mp_str_eq(&kv->key, "ok") ||
		    mp_str_eq(&kv->key, "rid") || mp_str_eq(&kv->key, "v"))
			continue;
		if (!first)
			putchar(',');
		first = false;
		json_bytes(stdout, kv->key.via.str.ptr, kv->key.via.str.size);
		putchar(':');
		json_value(stdout, &kv->val);
	}
	puts("}");
}

/* "key":"value" for the JSON document. */
void json_kstr(const char *k, const char *val, bool comma)
{
	printf("%s\"%s\":", comma ? "," : "", k);
	json_bytes(stdout, val, strlen(val));
}
