/* push_timer.h - `aiusage serve` with a [push] config section: a thread that
 * runs push_run (push.h) every interval seconds on its own store
 * connection, so a machine's server keeps a team server up to date. Each
 * outcome is one line on stderr (never the token). */
#ifndef AIU_PUSH_TIMER_H
#define AIU_PUSH_TIMER_H

#include <stdint.h>

#include "core/err.h"

struct push_timer;

/* Copies server and token; interval_s >= 1. *out owned by the caller,
 * stopped with push_timer_stop (joins the thread). */
int push_timer_start(const char *db_uri, const char *server, const char *token,
		     int64_t interval_s, struct push_timer **out, struct aiu_err *err);
void push_timer_stop(struct push_timer *t);

#endif
