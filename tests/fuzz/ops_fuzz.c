/* ops_fuzz: the one-reply rule (PROTOCOL.md section 5) on fuzzed frames:
 * each input is a request body handed to ops_handle as the daemon hands
 * it, and it must make exactly one reply (or, for a get that waits, one
 * registered wait). As tests/unit/request_test.c does, the outbox sends
 * through a real ZeroMQ ROUTER to a DEALER over inproc://; after each
 * frame a marker of our own follows the replies, so they can be counted.
 * The server has a store in a temporary directory, the default
 * configuration with no language and a queue of capacity 0 (so nothing
 * is queued and no box is needed) and no judge: frames whose op is
 * "health" or "cancel", the two operations that ask the judge, are not
 * handed over (the judge needs the helper). */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "../../controller/ops.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char s_dir[] = "/tmp/ops_fuzz.XXXXXX";
static void *s_router, *s_dealer;
static conf_t s_conf;
static srv_t s_srv;
static req_t s_rq;

static int s_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void s_cleanup(void)
{
	outbox_waits_all(s_srv.out);
	outbox_destroy(&s_srv.out);
	queue_destroy(&s_srv.queue);
	store_destroy(&s_srv.store);
	nftw(s_dir, s_rm, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	void *zc = zmq_ctx_new();
	int tmo = 5000, zero = 0;
	char hb[16];

	(void)argc, (void)argv;
	if (!mkdtemp(s_dir))
		abort();
	conf_load(&s_conf, NULL);	/* the defaults; -1 only for want of helper.conf */
	snprintf(s_conf.box_root, sizeof s_conf.box_root, "%s/boxes", s_dir);
	snprintf(s_conf.state_dir, sizeof s_conf.state_dir, "%s", s_dir);
	s_conf.queue_capacity = 0;
	s_router = zmq_socket(zc, ZMQ_ROUTER);
	s_dealer = zmq_socket(zc, ZMQ_DEALER);
	zmq_setsockopt(s_dealer, ZMQ_RCVTIMEO, &tmo, sizeof tmo);
	zmq_setsockopt(s_dealer, ZMQ_LINGER, &zero, sizeof zero);
	zmq_setsockopt(s_router, ZMQ_LINGER, &zero, sizeof zero);
	zmq_setsockopt(s_dealer, ZMQ_ROUTING_ID, "client", 6);
	s_srv.conf = &s_conf;
	if (!(s_srv.store = store_new(&s_conf)) || !(s_srv.queue = queue_new()) ||
	    !(s_srv.out = outbox_new(s_srv.store)) || zmq_bind(s_router, "inproc://ops_fuzz") ||
	    zmq_connect(s_dealer, "inproc://ops_fuzz"))
		abort();
	outbox_sockets(s_srv.out, s_router, NULL, NULL, NULL);
	zmq_send(s_dealer, "hello", 5, 0);	/* the ROUTER knows the peer once it is here */
	if (zmq_recv(s_router, hb, sizeof hb, 0) != 6 || zmq_recv(s_router, hb, sizeof hb, 0) != 5)
		abort();
	s_rq.out = s_srv.out;
	memcpy(s_rq.id, "client", 6), s_rq.idlen = 6;
	snprintf(s_rq.user, sizeof s_rq.user, "alice");
	atexit(s_cleanup);
	return 0;
}

/* Send what the turn queued, then the marker: the number of replies
 * before it, each a msgpack map. */
static int s_replies(void)
{
	char err[160];

	if (outbox_end_turn(s_srv.out))
		abort();
	zmq_send(s_router, s_rq.id, s_rq.idlen, ZMQ_SNDMORE);
	zmq_send(s_router, "END", 3, 0);
	for (int k = 0; k < 100; k++) {
		zmq_msg_t m;
		mp_doc d;

		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, s_dealer, 0) < 0)
			abort();
		if (zmq_msg_size(&m) == 3 && !memcmp(zmq_msg_data(&m), "END", 3))
			return zmq_msg_close(&m), k;
		if (mp_parse(&d, zmq_msg_data(&m), zmq_msg_size(&m), false, err, sizeof err))
			abort();	/* a reply is a msgpack map */
		mp_doc_free(&d);
		zmq_msg_close(&m);
	}
	abort();
}

/* Does the frame name an operation that needs the judge? */
static bool s_needs_judge(const uint8_t *data, size_t size)
{
	char err[160];
	mp_doc d;
	bool yes = false;

	if (!mp_parse(&d, data, size, true, err, sizeof err))
		yes = mp_str_eq(mp_get(d.root, "op"), "health") || mp_str_eq(mp_get(d.root, "op"), "cancel");
	mp_doc_free(&d);
	return yes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t waits = outbox_waits_of(s_srv.out, &s_rq);
	int n;

	if (s_needs_judge(data, size))
		return -1;
	if (store_begin(s_srv.store))
		abort();
	ops_handle(&s_srv, &s_rq, data, size);
	n = s_replies() + (int)(outbox_waits_of(s_srv.out, &s_rq) - waits);
	if (n != 1)
		fprintf(stderr, "ops_fuzz: %d replies to one frame\n", n), abort();
	return 0;
}
