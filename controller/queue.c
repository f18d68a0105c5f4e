/* queue.c: see queue.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "queue.h"

typedef struct user {
	char name[NAME_MAX_LEN + 1];
	uint64_t *ids;			/* queued, ascending */
	int64_t *due;			/* each one's: monotonic ms, 0 at once */
	size_t n, cap, ndue;		/* ndue: how many have a due time */
	size_t running;
	int64_t last_start;
} user_t;

struct queue {
	user_t *users;
	size_t nusers, queued, running;
};

queue_t *queue_new(void)
{
	return calloc(1, sizeof(queue_t));
}

void queue_destroy(queue_t **p)
{
	queue_t *self = *p;
	if (!self)
		return;
	for (size_t i = 0; i < self->nusers; i++)
		free(self->users[i].ids), free(self->users[i].due);
	free(self->users);
	free(self);
	*p = NULL;
}

static user_t *s_user(const queue_t *self, const char *name)
{
	for (size_t i = 0; i < self->nusers; i++)
		if (!strcmp(self->users[i].name, name))
			return &self->users[i];
	return NULL;
}

static user_t *s_user_add(queue_t *self, const char *name)
{
	user_t *u = s_user(self, name);
	if (u)
		return u;
	u = realloc(self->users, (self->nusers + 1) * sizeof *u);
	if (!u)
		return NULL;
	self->users = u;
	u = &self->users[self->nusers++];
	memset(u, 0, sizeof *u);
	snprintf(u->name, sizeof u->name, "%s", name);
	return u;
}

size_t queue_length(const queue_t *self)
{
	return self->queued;
}

size_t queue_user_length(const queue_t *self, const char *user)
{
	const user_t *u = s_user(self, user);
	return u ? u->n : 0;
}

size_t queue_running(const queue_t *self)
{
	return self->running;
}

static int s_grow(user_t *u)
{
	if (u->n < u->cap)
		return 0;
	size_t cap = u->cap ? u->cap * 2 : 16;
	uint64_t *p = realloc(u->ids, cap * sizeof *p);
	if (p)
		u->ids = p;
	int64_t *d = p ? realloc(u->due, cap * sizeof *d) : NULL;
	if (!d)
		return -1;
	u->due = d, u->cap = cap;
	return 0;
}

size_t ids_find(const uint64_t *ids, size_t n, uint64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Where id is in u's list, or where it would go (a requeued job keeps
 * its place). */
static size_t s_find(const user_t *u, uint64_t id)
{
	return ids_find(u->ids, u->n, id);
}

int queue_defer(queue_t *self, uint64_t id, const char *user, int64_t due)
{
	user_t *u = s_user_add(self, user);
	if (!u || s_grow(u))
		return -1;
	size_t i = s_find(u, id);
	if (i < u->n && u->ids[i] == id) {	/* queued already: a new due time */
		u->ndue += (due != 0) - (u->due[i] != 0);
		u->due[i] = due;
		return 0;
	}
	memmove(&u->ids[i + 1], &u->ids[i], (u->n - i) * sizeof *u->ids);
	memmove(&u->due[i + 1], &u->due[i], (u->n - i) * sizeof *u->due);
	u->ids[i] = id;
	u->due[i] = due;
	u->ndue += due != 0;
	u->n++;
	self->queued++;
	return 0;
}

int queue_add(queue_t *self, uint64_t id, const char *user)
{
	return queue_defer(self, id, user, 0);
}

bool queue_has(const queue_t *self, uint64_t id, const char *user)
{
	const user_t *u = s_user(self, user);
	size_t i = u ? s_find(u, id) : 0;
	return u && i < u->n && u->ids[i] == id;
}

static void s_drop(queue_t *self, user_t *u, size_t i)
{
	u->ndue -= u->due[i] != 0;
	memmove(&u->ids[i], &u->ids[i + 1], (u->n - i - 1) * sizeof *u->ids);
	memmove(&u->due[i], &u->due[i + 1], (u->n - i - 1) * sizeof *u->due);
	u->n--;
	self->queued--;
}

bool queue_remove(queue_t *self, uint64_t id, const char *user)
{
	user_t *u = s_user(self, user);
	size_t i = u ? s_find(u, id) : 0;
	if (!u || i >= u->n || u->ids[i] != id)
		return false;
	s_drop(self, u, i);
	return true;
}

void queue_keep(queue_t *self, bool (*keep)(void *arg, uint64_t id), void *arg)
{
	for (size_t k = 0; k < self->nusers; k++) {
		user_t *u = &self->users[k];
		for (size_t i = u->n; i-- > 0;)
			if (!keep(arg, u->ids[i]))
				s_drop(self, u, i);
	}
}

/* u's first job that may start at now, or u->n. */
static size_t s_first_due(const user_t *u, int64_t now)
{
	size_t i = 0;
	while (u->ndue && i < u->n && u->due[i] > now)
		i++;
	return u->ndue ? i : 0;
}

int64_t queue_next_due(const queue_t *self, int64_t now)
{
	int64_t next = 0;
	for (size_t k = 0; k < self->nusers; k++) {
		const user_t *u = &self->users[k];
		for (size_t i = 0; u->ndue && i < u->n; i++)
			if (u->due[i] > now && (!next || u->due[i] < next))
				next = u->due[i];
	}
	return next;
}

/* The user to serve next (a job of theirs may start at now): fewest
 * running, then longest since a start. */
static user_t *s_next_user(queue_t *self, int64_t now)
{
	user_t *best = NULL;
	for (size_t i = 0; i < self->nusers; i++) {
		user_t *u = &self->users[i];
		if (!u->n || s_first_due(u, now) == u->n)
			continue;
		if (!best || u->running < best->running ||
		    (u->running == best->running && u->last_start < best->last_start))
			best = u;
	}
	return best;
}

bool queue_pop_at(queue_t *self, int64_t now, uint64_t *id, char *user)
{
	user_t *u = s_next_user(self, now);
	if (!u)
		return false;
	size_t i = s_first_due(u, now);
	*id = u->ids[i];
	strcpy(user, u->name);
	s_drop(self, u, i);
	return true;
}

bool queue_pop(queue_t *self, uint64_t *id, char *user)
{
	return queue_pop_at(self, INT64_MAX, id, user);
}

void queue_started(queue_t *self, const char *user, int64_t now)
{
	user_t *u = s_user_add(self, user);
	if (u)
		u->running++, u->last_start = now;
	self->running++;
}

void queue_left(queue_t *self, uint64_t id, const char *user, bool requeued)
{
	user_t *u = s_user_add(self, user);
	if (u && u->running)
		u->running--;
	if (self->running)
		self->running--;
	if (requeued)
		queue_add(self, id, user);
}
