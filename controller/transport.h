/* transport.h: the sockets (PROTOCOL.md 3): a ROUTER for requests and a
 * PUB for events over ipc://, and optionally the same pair over TCP with
 * CURVE; framing (routing id, envelope, body) and who is asking (the peer's
 * uid over ipc, the key's name over CURVE). A request's body goes to
 * ops_handle; replies and events leave through the outbox, which the
 * transport gives its sockets.
 */
#ifndef JUDGEBOX_TRANSPORT_H
#define JUDGEBOX_TRANSPORT_H

#include <stddef.h>
#include <zmq.h>

#include "srv.h"

#define TRANSPORT_ITEMS	3	/* poll items it may add */

typedef struct transport transport_t;

transport_t *transport_new(srv_t *s);	/* NULL (logged) if a bind fails */
void transport_destroy(transport_t **p);
/* Its poll items at items[0..n): returns n. */
int transport_poll_items(transport_t *self, zmq_pollitem_t *items);
/* Handle what fired among those n items: up to a batch of requests. */
void transport_poll_ready(transport_t *self, const zmq_pollitem_t *items);
void transport_reload(transport_t *self);	/* SIGHUP: CURVE keys again */

#endif
