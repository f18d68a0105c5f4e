/* health.c: the health command, the daemon's state (PROTOCOL.md 7.6). */
#include <inttypes.h>
#include "cli.h"

/* health in a few lines. */
static void s_health_print(const msgpack_object *h)
{
	const msgpack_object *b = rd_map(h, "boxes"), *q = rd_map(h, "queue");
	char ver[64], user[300];
	uint64_t up = rd_u64(h, "uptime_ms", 0) / 1000;
	printf("judgeboxd %s (protocol v%" PRIu64 "), up %" PRIu64 "d %" PRIu64 "h %"
	       PRIu64 "m\n", rd_str(h, "version", ver, sizeof ver, "?"), rd_u64(h, "v", 1),
	       up / 86400, up / 3600 % 24, up / 60 % 60);
	printf("user %s%s\n", rd_str(h, "user", user, sizeof user, "?"),
	       rd_bool(h, "admin") ? " (admin)" : "");
	printf("boxes %" PRIu64 " busy of %" PRIu64 ", cgroup v%" PRIu64 "\n",
	       rd_u64(b, "busy", 0), rd_u64(b, "total", 0), rd_u64(h, "cgroup", 0));
	printf("queue %" PRIu64 " (capacity %" PRIu64 ", %" PRIu64 " per user), "
	       "%" PRIu64 " running\n", rd_u64(q, "length", 0), rd_u64(q, "capacity", 0),
	       rd_u64(q, "per_user", 0), rd_u64(q, "running", 0));
	printf("draining %s\n", rd_bool(h, "draining") ? "yes: new runs are refused" : "no");
}

/* health: the daemon's state, or its fields as JSON. */
int cmd_health(cli_t *x)
{
	req_t r;
	in_t in = { 0 };
	req_begin(&r, "health");
	int rc = conn_call(x, &r, conn_timeout(x), &in);
	if (rc == RC_OK && x->o.json)
		json_fields(in.root);
	else if (rc == RC_OK)
		s_health_print(in.root);
	in_free(&in);
	return rc;
}
