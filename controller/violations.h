/* violations.h: the security-violation log (violations.c). Every violation
 * the jail reports (the helper's status `violation`, with the syscall and
 * its arguments) is recorded in the store (store_audit.h), written to
 * syslog (facility authpriv) as one key=value line, counted in the
 * metrics and published on the `security.violation.` topic. A user with
 * more than violations_per_hour of them in the sliding hour before the
 * last is flagged: a syslog line, a `security.flag.` event, a flag the
 * admins see (`flags`), and with violation_action = block, `forbidden` on
 * run, test and submit until an admin clears it (`unflag`).
 *
 * judgeboxd(8), "SECURITY LOG", gives the lines' format; PROTOCOL.md the
 * events and the operations.
 */
#ifndef JUDGEBOX_VIOLATIONS_H
#define JUDGEBOX_VIOLATIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "metrics.h"
#include "outbox.h"
#include "store.h"
#include "store_audit.h"

#define VIOL_WINDOW_MS	3600000		/* the sliding hour */

typedef struct viol viol_t;

/* All borrowed; NULL if out of memory. */
viol_t *viol_new(const conf_t *c, store_t *st, outbox_t *out, metrics_t *m);
void viol_destroy(viol_t **p);

/* One violation of job j (test -1: its run step) at now: recorded,
 * logged, counted, published. Returns 1 if it was new. */
int viol_record(viol_t *self, const audit_job_t *j, int test, const char *syscall,
		const char *args, int64_t now);
/* After a job's violations: flag its user past the threshold. */
void viol_check_user(viol_t *self, const char *user, int64_t now);
/* Is user blocked (flagged with the action block, not cleared)? */
bool viol_blocked(viol_t *self, const char *user);
/* An admin (by) clears user's flag: 1, 0 if none, -1 on a store error. */
int viol_unflag(viol_t *self, const char *user, const char *by, int64_t now);

/* Retention (the prune timer): is it due at monotonic time mono? Then
 * prune at wall time now. */
bool viol_prune_due(viol_t *self, int64_t mono);
int64_t viol_prune_next(const viol_t *self);	/* monotonic ms */
int64_t viol_prune(viol_t *self, int64_t now);

#endif
