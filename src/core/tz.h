/* tz.h - IANA time zones read straight from compiled TZif files.
 *
 * A struct tz is loaded once (tz_load reads $TZDIR or /usr/share/zoneinfo
 * itself, RFC 8536 versions 1-4, including the POSIX TZ footer used after
 * the last transition, which "slim" files rely on for current dates) and is
 * immutable afterwards: every query below is a pure function, safe to call
 * from any number of threads at once. Nothing here touches the process-wide
 * TZ state (no tzset, no localtime).
 *
 * Ownership: tz_load / tz_load_posix / tz_load_tzif allocate *out; the
 * caller releases it with tz_free (NULL is fine). Strings returned by
 * tz_name live inside the struct.
 *
 * 15-minute assumption: the store buckets usage by 15 minutes (900 s) of
 * UTC and rolls buckets into local days with tz_local_day. That is exact
 * only when the zone's UTC offset is a multiple of 15 minutes, which holds
 * for every zone in current use (Asia/Kathmandu +05:45, Pacific/Chatham
 * +12:45/+13:45, Australia/Lord_Howe's 30-minute DST, ...), but not for
 * historical local mean time (before ~1900-1970 depending on the zone).
 * tz_offset_at always returns the true offset; only the bucketing is coarse.
 *
 * Leap seconds: leap-second records ("right/" zones) are skipped, so such
 * zones are off by the accumulated leap seconds (under a minute).
 */
#ifndef AIU_TZ_H
#define AIU_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define TZ_NAME_MAX 255              /* longest accepted zone name */
#define TZ_FILE_MAX (256 * 1024)     /* larger TZif files are refused */

struct tz; /* opaque */

/* name: an IANA name ("Europe/Paris"), "UTC"/"Etc/UTC" (built in, works
 * without tzdata), or NULL/""/"local" for the local zone: $TZ if set (a
 * name, ":name", an absolute path inside the zoneinfo directory, or a POSIX
 * TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3"; an empty $TZ means UTC),
 * else /etc/localtime, else UTC.
 * Names are at most TZ_NAME_MAX bytes of [A-Za-z0-9/_+-.], must not start
 * with '/' and must not contain "..".
 * Errors: AIU_EARG for a bad or unknown name ("unknown time zone
 * 'Mars/Base'"), AIU_EPARSE for a corrupt file, AIU_ELIMIT for a file over
 * TZ_FILE_MAX, AIU_EIO, AIU_ENOMEM. */
int tz_load(const char *name, struct tz **out, struct aiu_err *err);
/* A zone described only by a POSIX TZ string (as in a TZif footer). */
int tz_load_posix(const char *spec, struct tz **out, struct aiu_err *err);
/* A zone from TZif bytes already in memory (used by tz_load; handy for
 * fuzzing). name is only used for tz_name and messages. */
int tz_load_tzif(const void *data, size_t n, const char *name, struct tz **out,
		 struct aiu_err *err);
void tz_free(struct tz *z);

/* The name as given, or the resolved local name ("Europe/Paris" when
 * /etc/localtime links into zoneinfo, else "localtime"). */
const char *tz_name(const struct tz *z);
/* Seconds east of UTC at that instant. */
int32_t tz_offset_at(const struct tz *z, int64_t unix_s);
/* Local wall-clock time as "Unix" milliseconds (unix_ms + offset). */
int64_t tz_local_ms(const struct tz *z, int64_t unix_ms);
/* Local calendar day number (days since 1970-01-01, floor). */
int64_t tz_local_day(const struct tz *z, int64_t unix_ms);
/* UTC ms of the first instant belonging to that local day: local midnight
 * normally, the end of the gap when midnight is skipped by a DST change.
 * If the whole day is skipped (Pacific/Apia 2011-12-30) this is the start
 * of the next day that exists, i.e. always the smallest instant t with
 * tz_local_day(t) >= local_day. */
int64_t tz_day_start_ms(const struct tz *z, int64_t local_day);

#endif
