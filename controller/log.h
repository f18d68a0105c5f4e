/* log.h: the daemon's log and clocks, at the bottom of every layer.
 *
 * The log is syslog(3): log_open() chooses once, at start-up, whether the
 * lines also go to stderr (LOG_PERROR, the foreground default) or only to
 * syslog (-s, or `log = syslog`). libc keeps that choice, so the daemon
 * has no log state of its own.
 */
#ifndef JUDGEBOX_LOG_H
#define JUDGEBOX_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

void log_open(bool syslog_only);
void jlog(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int64_t now_ms(void);		/* wall clock, ms since the epoch */
int64_t mono_ms(void);		/* CLOCK_MONOTONIC, ms */

#endif
