/* queue.c: see queue.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "queue.h"

typedef struct user {
	char name[NAME_MAX_LEN + 1];
	uint64_t *ids;			/* queued, ascending */
	size_t n, cap;
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
		free(self->users[i].ids);
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

int queue_add(queue_t *self, uint64_t id, const char *user)
{
	user_t *u = s_user_add(self, user);
	if (!u)
		return -1;
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 16;
		uint64_t *p = realloc(u->ids, cap * sizeof *p);
		if (!p)
			return -1;
		u->ids = p, u->cap = cap;
	}
	size_t i = u->n;
	while (i > 0 && u->ids[i - 1] > id)	/* a requeued job keeps its place */
		i--;
	memmove(&u->ids[i + 1], &u->ids[i], (u->n - i) * sizeof *u->ids);
	u->ids[i] = id;
	u->n++;
	self->queued++;
	return 0;
}

bool queue_remove(queue_t *self, uint64_t id, const char *user)
{
	user_t *u = s_user(self, user);
	for (size_t i = 0; u && i < u->n; i++)
		if (u->ids[i] == id) {
			memmove(&u->ids[i], &u->ids[i + 1], (u->n - i - 1) * sizeof *u->ids);
			u->n--;
			self->queued--;
			return true;
		}
	return false;
}

/* The user to serve next: fewest running, then longest since a start. */
static user_t *s_next_user(queue_t *self)
{
	user_t *best = NULL;
	for (size_t i = 0; i < self->nusers; i++) {
		user_t *u = &self->users[i];
		if (!u->n)
			continue;
		if (!best || u->running < best->running ||
		    (u->running == best->running && u->last_start < best->last_start))
			best = u;
	}
	return best;
}

bool queue_pop(queue_t *self, uint64_t *id, char *user)
{
	user_t *u = s_next_user(self);
	if (!u)
		return false;
	*id = u->ids[0];
	strcpy(user, u->name);
	queue_remove(self, *id, u->name);
	return true;
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
