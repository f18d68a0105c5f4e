/* queue.h: the fair queue (PROTOCOL.md 12.4), in memory; the store holds
 * the truth (queued jobs are reloaded from it at start-up).
 *
 * Each user has a list of queued job ids, ascending (a requeued job keeps
 * its place). The next job to start is the first of the user with the
 * fewest jobs running, ties broken by who started one longest ago.
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
bool queue_remove(queue_t *self, uint64_t id, const char *user);
size_t queue_length(const queue_t *self);
size_t queue_user_length(const queue_t *self, const char *user);
size_t queue_running(const queue_t *self);
/* The next job by fairness, taken out of the queue: its id and its user
 * (a buffer of NAME_MAX_LEN + 1). false if nothing is queued. */
bool queue_pop(queue_t *self, uint64_t *id, char *user);
/* The popped job of user started at now (monotonic ms): it runs. */
void queue_started(queue_t *self, const char *user, int64_t now);
/* A running job of user left its box; requeued: it goes back in line. */
void queue_left(queue_t *self, uint64_t id, const char *user, bool requeued);

#endif
