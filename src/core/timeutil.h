/* timeutil.h - civil-date arithmetic and RFC 3339 parsing (UTC, no zones:
 * see tz.h for IANA zones). All instants are int64 Unix milliseconds. */
#ifndef AIU_TIMEUTIL_H
#define AIU_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define MS_PER_DAY 86400000LL

/* Days since 1970-01-01 for a proleptic Gregorian date, and back. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d);
/* 0 = Sunday ... 6 = Saturday */
int weekday_from_days(int64_t z);

/* Parses RFC 3339 / ISO 8601 date-time: YYYY-MM-DDTHH:MM:SS[.f*](Z|±HH:MM)
 * with any number of fractional digits (truncated to ms). A bare date
 * (YYYY-MM-DD) is midnight UTC. Returns 0 or AIU_EPARSE. */
int parse_rfc3339_ms(const char *s, size_t n, int64_t *out_ms);
/* Parses YYYY-MM-DD or YYYYMMDD into a day number. */
int parse_day_arg(const char *s, int64_t *out_day);
/* Formats a day number as YYYY-MM-DD into out (cap >= 11). */
void format_day(int64_t day, char *out, size_t cap);
/* Formats ms as 2025-11-23T10:00:00.000Z (cap >= 25). */
void format_iso_ms(int64_t ms, char *out, size_t cap);
int64_t now_ms(void);

#endif
