/* curve.h: the TCP transport's CURVE keys and ZAP handler (curve.c). */
#ifndef JUDGEBOX_CURVE_H
#define JUDGEBOX_CURVE_H

#include <stdbool.h>

#include "conf.h"

typedef struct curve curve_t;

/* The server's secret key, the clients' public keys and the ZAP socket
 * on ctx; NULL (logged) if any is missing. */
curve_t *curve_new(void *ctx, const conf_t *c);
void curve_destroy(curve_t **p);
int curve_reload(curve_t *self);		/* SIGHUP: clients_dir again */
int curve_server(const curve_t *self, void *sock);	/* make sock a CURVE server */
void *curve_zap_socket(const curve_t *self);
void curve_zap_handle(curve_t *self);		/* one ZAP request */
bool curve_user_known(const curve_t *self, const char *name);

#endif
