/* queue_test: controller/queue.c, the fair queue (PROTOCOL.md 12.4). Within
 * a user, jobs start in the order they were accepted (id order), and a
 * requeued job keeps its place; across users, the one with the fewest
 * jobs running goes first, ties to the one whose last job started longest
 * ago. Then 10,000 jobs of 100 users through a pool of boxes, checked
 * against a model at every step; and two queues side by side. */
#include <stdlib.h>
#include <string.h>

#include "../../controller/conf.h"
#include "../../controller/queue.h"
#include "../lib/tap.h"

#define PLAN 42

static char user[NAME_MAX_LEN + 1];

/* Pop the next job: its id (0 if none), its user in user. */
static uint64_t pop(queue_t *q)
{
	uint64_t id;

	user[0] = '\0';
	return queue_pop(q, &id, user) ? id : 0;
}

/* Pop n jobs and start each at now, now + 1, ...: "id:user ..." of them. */
static const char *pop_start(queue_t *q, int n, int64_t now)
{
	static char buf[512];
	size_t k = 0;

	buf[0] = '\0';
	while (n-- > 0) {
		uint64_t id = pop(q);

		if (!id)
			break;
		queue_started(q, user, now++);
		k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%llu:%s", k ? " " : "",
				      (unsigned long long)id, user);
	}
	return buf;
}

/* One assertion: the next n pops (each started) are want. */
static void order(queue_t *q, int n, int64_t now, const char *want, const char *what)
{
	const char *got = pop_start(q, n, now);

	if (!ok(!strcmp(got, want), "%s", what))
		diag("got \"%s\", want \"%s\"", got, want);
}

static void test_empty(void)
{
	queue_t *q = queue_new(), *copy;
	uint64_t id = 77;

	ok(q && queue_length(q) == 0 && queue_running(q) == 0 && queue_user_length(q, "alice") == 0,
	   "a new queue is empty: no jobs queued, none running");
	ok(!queue_pop(q, &id, user) && id == 77, "pop from an empty queue: false, id untouched");
	ok(!queue_remove(q, 1, "alice"), "remove from an empty queue: false");
	copy = q;
	queue_destroy(&q);
	queue_destroy(&q);
	ok(q == NULL && copy != NULL, "destroy nulls the pointer and is safe twice");
}

static void test_fifo(void)
{
	queue_t *q = queue_new();

	queue_add(q, 3, "alice"), queue_add(q, 5, "alice"), queue_add(q, 9, "alice");
	ok(queue_length(q) == 3 && queue_user_length(q, "alice") == 3, "three jobs queued for alice");
	order(q, 3, 1, "3:alice 5:alice 9:alice", "one user: jobs start in the order accepted (FIFO)");
	ok(queue_length(q) == 0 && queue_running(q) == 3, "all popped: none queued, three running");
	queue_left(q, 3, "alice", false), queue_left(q, 5, "alice", false), queue_left(q, 9, "alice", false);
	ok(queue_running(q) == 0, "queue_left: each end decrements the running count, to 0");
	queue_destroy(&q);

	q = queue_new();
	queue_add(q, 10, "alice"), queue_add(q, 11, "alice"), queue_add(q, 12, "alice");
	order(q, 1, 1, "10:alice", "requeue: job 10 starts first");
	queue_left(q, 10, "alice", true);
	ok(queue_running(q) == 0 && queue_length(q) == 3 && queue_user_length(q, "alice") == 3,
	   "queue_left requeued: no longer running, queued again");
	order(q, 1, 2, "10:alice", "a requeued job keeps its place: 10 before 11 and 12 again");
	order(q, 1, 3, "11:alice", "... then 11");
	queue_left(q, 11, "alice", true);
	queue_left(q, 10, "alice", true);
	order(q, 3, 4, "10:alice 11:alice 12:alice",
	      "requeued in reverse (11, then 10): each goes back to its place by id");
	queue_left(q, 10, "alice", false);
	ok(queue_running(q) == 2 && queue_length(q) == 0,
	   "queue_left not requeued: one fewer running, nothing queued");
	queue_destroy(&q);
}

static void test_fair(void)
{
	queue_t *q = queue_new();

	for (uint64_t id = 1; id <= 4; id++)
		queue_add(q, id, "alice");
	queue_add(q, 5, "bob"), queue_add(q, 6, "bob");
	queue_add(q, 7, "carol");
	ok(queue_length(q) == 7 && queue_user_length(q, "alice") == 4 && queue_user_length(q, "bob") == 2 &&
	   queue_user_length(q, "carol") == 1 && queue_user_length(q, "dave") == 0,
	   "lengths: per user and overall; an unknown user has none");
	order(q, 1, 100, "1:alice", "nobody running: the oldest job of the first user");
	order(q, 1, 101, "5:bob", "the user with fewer running goes first: bob (0) before alice (1)");
	order(q, 1, 102, "7:carol", "... carol (0) before alice and bob (1 each)");
	order(q, 1, 103, "2:alice", "all at 1 running: alice, who started longest ago (100)");
	order(q, 1, 104, "6:bob", "then bob: 1 running to alice's 2");
	ok(queue_running(q) == 5 && queue_length(q) == 2, "five running, two queued");
	queue_left(q, 2, "alice", false);
	queue_left(q, 1, "alice", false);
	queue_left(q, 5, "bob", false);
	queue_left(q, 6, "bob", false);
	queue_add(q, 8, "bob");
	queue_left(q, 7, "carol", false);
	queue_add(q, 9, "carol");
	ok(queue_running(q) == 0 && queue_user_length(q, "bob") == 1 && queue_user_length(q, "carol") == 1,
	   "queue_left: running drops to 0; bob and carol queue again");
	order(q, 3, 105, "9:carol 3:alice 8:bob",
	      "all at 0 running: by oldest last start, carol (102), alice (103), bob (104), though "
	      "bob's job 8 is older than carol's 9");
	queue_destroy(&q);

	q = queue_new();
	queue_add(q, 1, "alice"), queue_add(q, 2, "alice"), queue_add(q, 3, "alice");
	queue_add(q, 4, "bob"), queue_add(q, 5, "carol");
	order(q, 1, 10, "1:alice", "alice first: everyone at 0 running, none started yet");
	queue_left(q, 1, "alice", false);
	order(q, 3, 11, "4:bob 5:carol 2:alice",
	      "users who never started go before alice, who did (at 10), all at 0 running");
	queue_left(q, 4, "bob", false), queue_left(q, 5, "carol", false), queue_left(q, 2, "alice", false);
	queue_add(q, 6, "bob"), queue_add(q, 7, "carol");
	order(q, 3, 20, "6:bob 7:carol 3:alice",
	      "all at 0 running: by oldest last start (bob 11, carol 12, alice 13), not by oldest job (3)");
	queue_destroy(&q);
}

static void test_remove(void)
{
	queue_t *q = queue_new();

	queue_add(q, 1, "alice"), queue_add(q, 2, "alice"), queue_add(q, 3, "bob");
	ok(queue_remove(q, 2, "alice") && queue_length(q) == 2 && queue_user_length(q, "alice") == 1,
	   "remove a queued job: true; the lengths drop by one");
	ok(!queue_remove(q, 2, "alice") && queue_length(q) == 2, "remove it again: false, nothing changes");
	ok(!queue_remove(q, 42, "alice") && !queue_remove(q, 3, "alice") && !queue_remove(q, 1, "zed") &&
	   queue_length(q) == 2 && queue_user_length(q, "bob") == 1,
	   "remove a missing id, another user's id, an unknown user's: false, nothing changes");
	order(q, 2, 1, "1:alice 3:bob", "after removals the rest start as before");
	ok(!pop(q), "nothing left to pop");
	queue_destroy(&q);
}

static void test_two(void)
{
	queue_t *a = queue_new(), *b = queue_new();

	queue_add(a, 1, "alice"), queue_add(a, 2, "alice");
	queue_add(b, 1, "bob");
	ok(queue_length(a) == 2 && queue_length(b) == 1 && queue_user_length(b, "alice") == 0 &&
	   queue_user_length(a, "bob") == 0, "two queues are independent: their own jobs and users");
	order(a, 1, 1, "1:alice", "queue a pops its own");
	ok(queue_running(a) == 1 && queue_running(b) == 0, "a start in a is not counted in b");
	order(b, 2, 1, "1:bob", "queue b pops only its own job");
	queue_destroy(&a);
	ok(a == NULL && queue_length(b) == 0 && queue_running(b) == 1, "destroying a leaves b intact");
	queue_destroy(&b);
}

/* ---- many users and ids, against a model ---- */

#define NJOBS	10000
#define NUSERS	100
#define BOXES	7

static struct {
	size_t queued, running;
	int64_t last;
	uint64_t head;			/* smallest queued id, by scan */
} mu[NUSERS];
static int owner[NJOBS + 1], pops[NJOBS + 1], requeues[NJOBS + 1], done_[NJOBS + 1];
static bool queued_[NJOBS + 1];

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng;
}

static void uname(int u, char *buf)
{
	snprintf(buf, NAME_MAX_LEN + 1, "user%02d", u);
}

/* The smallest queued id of user u in the model. */
static uint64_t model_head(int u)
{
	for (uint64_t id = 1; id <= NJOBS; id++)
		if (queued_[id] && owner[id] == u)
			return id;
	return 0;
}

static void test_many(void)
{
	queue_t *q = queue_new();
	static uint64_t running[BOXES];
	int nrun = 0, unfair = 0, unfifo = 0, badlen = 0, badrun = 0, oom = 0;
	size_t total = 0;
	int64_t now = 1;
	char nm[NAME_MAX_LEN + 1];

	/* Jobs come in ids order, to random users, while boxes work. */
	uint64_t next = 1;
	int finished = 0;
	while (finished < NJOBS) {
		for (int k = (int)(rnd() % 4); k >= 0 && next <= NJOBS; k--, next++) {
			/* ten users submit far more than the others */
			int u = (int)(rnd() % (rnd() % 2 ? NUSERS : 10));

			owner[next] = u, queued_[next] = true;
			uname(u, nm);
			oom += queue_add(q, next, nm) != 0;
			mu[u].queued++, total++;
		}
		while (nrun < BOXES) {
			uint64_t id;

			if (!queue_pop(q, &id, nm))
				break;
			int u = owner[id];
			char want[NAME_MAX_LEN + 1];

			uname(u, want);
			unfifo += strcmp(nm, want) != 0 || id != model_head(u);
			for (int v = 0; v < NUSERS; v++) {
				if (!mu[v].queued || v == u)
					continue;
				unfair += mu[v].running < mu[u].running ||
					  (mu[v].running == mu[u].running && mu[v].last < mu[u].last);
			}
			queued_[id] = false, mu[u].queued--, total--;
			queue_started(q, nm, now);
			mu[u].running++, mu[u].last = now++;
			pops[id]++;
			running[nrun++] = id;
		}
		badlen += queue_length(q) != total;
		badrun += queue_running(q) != (size_t)nrun;
		if (!nrun)
			continue;
		int k = (int)(rnd() % (uint64_t)nrun);
		uint64_t id = running[k];
		int u = owner[id];
		bool again = rnd() % 20 == 0 && requeues[id] < 3;

		running[k] = running[--nrun];
		uname(u, nm);
		queue_left(q, id, nm, again);
		mu[u].running--;
		if (again)
			requeues[id]++, queued_[id] = true, mu[u].queued++, total++;
		else
			done_[id]++, finished++;
	}
	int bad = 0, nreq = 0;
	for (uint64_t id = 1; id <= NJOBS; id++)
		bad += pops[id] != 1 + requeues[id] || done_[id] != 1, nreq += requeues[id];
	ok(!oom, "10,000 jobs of 100 users: every add succeeded");
	ok(!bad, "every job popped exactly once, plus once per requeue (%d requeues), and ended once", nreq);
	ok(!unfifo, "at every pop: the user's oldest queued job (id order, requeued ones in place)");
	ok(!unfair, "at every pop: no user with jobs queued had fewer running, or as many and an older "
	   "last start (%d violations)", unfair);
	ok(!badlen && !badrun, "at every step: queue_length and queue_running agree with the model");
	ok(queue_length(q) == 0 && queue_running(q) == 0 && !pop(q), "at the end: nothing queued or running");
	queue_destroy(&q);
}

int main(void)
{
	plan(PLAN);
	test_empty();
	test_fifo();
	test_fair();
	test_remove();
	test_two();
	test_many();
	if (tap_n != PLAN)
		diag("planned %d, ran %d", PLAN, tap_n);
	return done();
}
