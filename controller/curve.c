/* curve.c: the TCP transport's authentication (PROTOCOL.md 3.2).
 *
 * Plain TCP is never offered: a tcp endpoint needs the server's key pair,
 * and a client is let in only if its public key is one of the files
 * clients_dir/NAME.key; NAME is then its user. The ZAP handler is our own
 * REP socket on the daemon's context, served by the same zmq_poll loop (no
 * thread). ZeroMQ checks a key only when a connection is made, so the loop
 * asks curve_user_known() again on every request: a key removed and
 * reloaded (SIGHUP) stops working at once.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <zmq.h>

#include "curve.h"
#include "log.h"

typedef struct client {
	char name[NAME_MAX_LEN + 1];
	uint8_t key[32];
} client_t;

struct curve {
	const conf_t *conf;
	client_t *clients;
	size_t nclients;
	void *zap;			/* our ZAP handler's REP socket */
	char secret[41];
};

/* A zcert file's `public-key = "Z85"` (or secret-key) value. */
static int s_cert_key(const char *path, const char *which, char out[41])
{
	FILE *f = fopen(path, "r");
	char line[256], name[32], val[64];
	int found = -1;
	if (!f)
		return -1;
	while (found && fgets(line, sizeof line, f))
		if (sscanf(line, " %31[a-z-] = \"%63[^\"]\"", name, val) == 2 &&
		    !strcmp(name, which) && strlen(val) == 40) {
			memcpy(out, val, 41);
			found = 0;
		}
	fclose(f);
	return found;
}

/* NAME.key with NAME as PROTOCOL.md 3.3 allows: [a-z_][a-z0-9_.-]{0,31}. */
static bool s_key_name(const char *file, char *name)
{
	size_t n = strlen(file);
	if (n < 5 || n > 36 || strcmp(file + n - 4, ".key"))
		return false;
	if (!((file[0] >= 'a' && file[0] <= 'z') || file[0] == '_'))
		return false;
	for (size_t i = 0; i < n - 4; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_.-", file[i]))
			return false;
	snprintf(name, NAME_MAX_LEN + 1, "%.*s", (int)(n - 4), file);
	return true;
}

/* Read clients_dir again; the old list stays if the directory is gone. */
int curve_reload(curve_t *self)
{
	const conf_t *c = self->conf;
	DIR *d = opendir(c->clients_dir);
	if (!d)
		return jlog(LOG_ERR, "%s: %s", c->clients_dir, strerror(errno)), -1;
	client_t *list = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char name[NAME_MAX_LEN + 1], path[1024], z85[41];
		client_t *grown;
		if (!s_key_name(e->d_name, name))
			continue;
		snprintf(path, sizeof path, "%s/%s", c->clients_dir, e->d_name);
		if (s_cert_key(path, "public-key", z85) ||
		    !(grown = realloc(list, (n + 1) * sizeof *list))) {
			jlog(LOG_WARNING, "%s: no public-key; ignored", path);
			continue;
		}
		list = grown;
		if (!zmq_z85_decode(list[n].key, z85))
			continue;
		strcpy(list[n++].name, name);
	}
	closedir(d);
	free(self->clients);
	self->clients = list;
	self->nclients = n;
	jlog(LOG_INFO, "%zu client keys from %s", n, c->clients_dir);
	return 0;
}

bool curve_user_known(const curve_t *self, const char *name)
{
	for (size_t i = 0; i < self->nclients; i++)
		if (!strcmp(self->clients[i].name, name))
			return true;
	return false;
}

curve_t *curve_new(void *ctx, const conf_t *c)
{
	curve_t *self = calloc(1, sizeof *self);
	if (!self)
		return NULL;
	self->conf = c;
	if (s_cert_key(c->server_key, "secret-key", self->secret)) {
		jlog(LOG_ERR, "%s: no secret-key (a zcert secret certificate); "
		     "tcp endpoints need one", c->server_key);
		return curve_destroy(&self), NULL;
	}
	if (curve_reload(self))
		return curve_destroy(&self), NULL;
	self->zap = zmq_socket(ctx, ZMQ_REP);
	if (!self->zap || zmq_bind(self->zap, "inproc://zeromq.zap.01")) {
		jlog(LOG_ERR, "ZAP: %s", zmq_strerror(errno));
		return curve_destroy(&self), NULL;
	}
	return self;
}

void *curve_zap_socket(const curve_t *self)
{
	return self->zap;
}

/* Make sock a CURVE server that asks our ZAP handler. */
int curve_server(const curve_t *self, void *sock)
{
	int one = 1;
	return zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &one, sizeof one) ||
	       zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, self->secret, 40) ||
	       zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, "judgebox", 8) ? -1 : 0;
}

/* One ZAP request (RFC 27): version, request id, domain, address, routing
 * id, mechanism, credentials. 200 with the key's name, or 400. */
void curve_zap_handle(curve_t *self)
{
	zmq_msg_t f[8];
	int n = 0, more = 1;
	while (more && n < 8) {
		zmq_msg_init(&f[n]);
		if (zmq_msg_recv(&f[n], self->zap, 0) < 0)
			break;
		more = zmq_msg_more(&f[n++]);
	}
	while (more) {	/* a malformed request: drain it */
		zmq_msg_t x;
		zmq_msg_init(&x);
		zmq_msg_recv(&x, self->zap, 0);
		more = zmq_msg_more(&x);
		zmq_msg_close(&x);
	}
	const char *user = NULL;
	if (n == 7 && zmq_msg_size(&f[5]) == 5 &&
	    !memcmp(zmq_msg_data(&f[5]), "CURVE", 5) && zmq_msg_size(&f[6]) == 32)
		for (size_t i = 0; i < self->nclients && !user; i++)
			if (!memcmp(self->clients[i].key, zmq_msg_data(&f[6]), 32))
				user = self->clients[i].name;
	zmq_send(self->zap, "1.0", 3, ZMQ_SNDMORE);
	if (n > 1)
		zmq_send(self->zap, zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), ZMQ_SNDMORE);
	else
		zmq_send(self->zap, "", 0, ZMQ_SNDMORE);
	zmq_send(self->zap, user ? "200" : "400", 3, ZMQ_SNDMORE);
	zmq_send(self->zap, user ? "OK" : "unknown key", user ? 2 : 11, ZMQ_SNDMORE);
	zmq_send(self->zap, user ? user : "", user ? strlen(user) : 0, ZMQ_SNDMORE);
	zmq_send(self->zap, "", 0, 0);
	for (int i = 0; i < n; i++)
		zmq_msg_close(&f[i]);
}

void curve_destroy(curve_t **p)
{
	curve_t *self = *p;
	if (!self)
		return;
	if (self->zap)
		zmq_close(self->zap);
	free(self->clients);
	free(self);
	*p = NULL;
}
