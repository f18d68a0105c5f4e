/* queue.h: the fair queue (PROTOCOL.md 12.4), in memory; the store holds
 * the truth (queued jobs are reloaded from it at start-up).
 *
 * Each user has a list of queued job ids, ascending (a requeued job keeps
 * its place). The next job to start is the first of the user with the
 * fewest jobs running, ties broken by who started one longest ago.
 *
 * A job may wait in line until a due time (queue_defer: an internal
 * failure's backoff, judgeboxd.c); until then it is queued but does not
 * start, and the user's later jobs may start before it.
 */
#ifndef JUDGEBOX_QUEUE_H
#define JUDGEBOX_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct queue queue_t;

queue_t *queue_new(void);
void queue_destroy(queue_t **p);
int queue_add(queue_t *self, uint64_t id, const char *user);	/* 0, -1 ENOMEM */
/* Queue id (or give it a new due time if it is queued): it may start at
 * due (monotonic ms; 0: at once). 0, -1 ENOMEM. */
int queue_defer(queue_t *self, uint64_t id, const char *user, int64_t due);
bool queue_remove(queue_t *self, uint64_t id, const char *user);
bool queue_has(const queue_t *self, uint64_t id, const char *user);
/* Keep only the queued jobs for which keep(arg, id) is true. */
void queue_keep(queue_t *self, bool (*keep)(void *arg, uint64_t id), void *arg);
/* Where id is in the ascending ids[0..n), or where it would go. */
size_t ids_find(const uint64_t *ids, size_t n, uint64_t id);
/* The earliest due time after now of a waiting job, or 0 if none. */
int64_t queue_next_due(const queue_t *self, int64_t now);
size_t queue_length(const queue_t *self);
size_t queue_user_length(const queue_t *self, const char *user);
size_t queue_running(const queue_t *self);
/* The next job by fairness, taken out of the queue: its id and its user
 * (a buffer of NAME_MAX_LEN + 1). false if nothing is queued. */
bool queue_pop(queue_t *self, uint64_t *id, char *user);
/* The same, of the jobs that may start at now (monotonic ms). */
bool queue_pop_at(queue_t *self, int64_t now, uint64_t *id, char *user);
/* The popped job of user started at now (monotonic ms): it runs. */
void queue_started(queue_t *self, const char *user, int64_t now);
/* A running job of user left its box; requeued: it goes back in line. */
void queue_left(queue_t *self, uint64_t id, const char *user, bool requeued);

#endif
