/* srv.h: the server object: the one place the daemon's state lives,
 * handed down to the operations. Made and torn down by main (judgeboxd.c);
 * each field is an object of a lower layer with its own _new/_destroy.
 */
#ifndef JUDGEBOX_SRV_H
#define JUDGEBOX_SRV_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "outbox.h"
#include "queue.h"
#include "store.h"

typedef struct judge judge_t;
typedef struct viol viol_t;
typedef struct metrics metrics_t;

typedef struct srv {
	const conf_t *conf;
	store_t *store;
	queue_t *queue;
	outbox_t *out;
	judge_t *judge;			/* the boxes and the jobs in them */
	viol_t *viol;			/* the security-violation log (violations.h) */
	metrics_t *metrics;		/* counters and histograms (metrics.h) */
	bool draining;			/* SIGTERM: no new work, then exit */
	int64_t started_at;		/* wall clock ms */
	int cgroup;			/* the host's cgroup version, for health */
} srv_t;

#endif
