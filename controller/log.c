/* log.c: see log.h. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <time.h>

#include "log.h"

void log_open(bool syslog_only)
{
	closelog();
	openlog("judgeboxd", LOG_PID | (syslog_only ? 0 : LOG_PERROR), LOG_DAEMON);
}

void jlog(int prio, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
}

static int64_t s_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t now_ms(void)
{
	return s_ms(CLOCK_REALTIME);
}

int64_t mono_ms(void)
{
	return s_ms(CLOCK_MONOTONIC);
}
