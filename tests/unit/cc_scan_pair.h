/* cc_scan_pair.h - shared by the scanner tests: run the fast scanner
 * (cc_scan.c) and the jansson path (cc_json.c) on the same line and compare.
 * Every line is parsed from an exact-size heap copy so that AddressSanitizer
 * catches any read outside [line, line + len). */
#ifndef AIU_TEST_CC_SCAN_PAIR_H
#define AIU_TEST_CC_SCAN_PAIR_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/err.h"
#include "ingest/cc_json.h"
#include "ingest/cc_record.h"
#include "ingest/cc_scan.h"

static struct cc_scanner *g_scan;
static struct cc_json_state *g_js;

/* Both parsers' results for one line. */
struct both {
	char *buf; /* exact-size copy of the line: both records point into it */
	int rs, rj;
	struct cc_record a, b; /* a: scanner, b: jansson */
	struct cc_parse_error ea, eb;
};

static inline void run_both(struct both *o, const char *line, size_t n)
{
	o->buf = malloc(n ? n : 1);
	assert_non_null(o->buf);
	memcpy(o->buf, line, n);
	o->rs = cc_scan_line(g_scan, o->buf, n, &o->a, &o->ea);
	o->rj = cc_json_parse_line(g_js, o->buf, n, &o->b, &o->eb);
}

static inline void both_done(struct both *o)
{
	free(o->buf);
	o->buf = NULL;
}

/* JSON with ' for " (the tests below have no apostrophes in text). */
static inline char *jq(const char *s)
{
	char *d = strdup(s);
	assert_non_null(d);
	for (char *p = d; *p; p++)
		if (*p == '\'')
			*p = '"';
	return d;
}

static inline bool sl_eq(struct cc_str a, struct cc_str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static inline bool sl_is(struct cc_str a, const char *lit)
{
	return a.n == strlen(lit) && memcmp(a.p, lit, a.n) == 0;
}

/* Name of the first field where the records differ, or NULL. */
static inline const char *rec_diff(const struct cc_record *a, const struct cc_record *b)
{
#define S(f) if (!sl_eq(a->f, b->f)) return #f
#define V(f) if (a->f != b->f) return #f
	V(type); S(type_raw); S(uuid); S(session_id); S(cwd); S(git_branch); S(version);
	S(request_id); S(agent_id); V(has_ts); V(is_sidechain); V(is_meta); V(is_api_error);
	V(is_compact_summary); S(msg_id); S(model); S(role); V(user_kind); V(has_usage);
	V(input); V(output); V(cache_read); V(cache_write); V(has_cw_split); V(cw_5m);
	V(cw_1h); V(web_search); S(service_tier); S(speed); V(n_tools); V(n_tools_dropped);
	if (a->has_ts && a->ts_ms != b->ts_ms)
		return "ts_ms";
	for (uint32_t i = 0; i < a->n_tools && i < CC_MAX_TOOLS; i++) {
		S(tools[i].id);
		S(tools[i].name);
	}
	return NULL;
#undef S
#undef V
}

/* Both accept with identical records; o stays alive for more checks. */
static inline void ok_same_n(struct both *o, const char *line, size_t n)
{
	const char *d;
	run_both(o, line, n);
	if (o->rs != 0 || o->rj != 0)
		fail_msg("expected both to accept: scan %d (%s), json %d (%s): %.200s", o->rs,
			 o->rs ? o->ea.msg : "", o->rj, o->rj ? o->eb.msg : "", line);
	if ((d = rec_diff(&o->a, &o->b)))
		fail_msg("records differ in %s: %.200s", d, line);
}

static inline void ok_same(struct both *o, const char *json_q)
{
	char *l = jq(json_q);
	ok_same_n(o, l, strlen(l)); /* the records point into o->buf, not l */
	free(l);
}

/* Both reject; the scanner's message must contain want (if given). */
static inline void bad_both_n(const char *line, size_t n, const char *want)
{
	struct both o;
	run_both(&o, line, n);
	if (o.rs != AIU_EPARSE || o.rj != AIU_EPARSE)
		fail_msg("expected both to reject: scan %d, json %d: %.200s", o.rs, o.rj, line);
	if (want && !strstr(o.ea.msg, want))
		fail_msg("scanner said '%s', wanted '%s': %.200s", o.ea.msg, want, line);
	assert_true(o.eb.msg[0] != '\0');
	both_done(&o);
}

static inline void bad_both(const char *json_q, const char *want)
{
	char *l = jq(json_q);
	bad_both_n(l, strlen(l), want);
	free(l);
}

/* A documented divergence: the scanner accepts, jansson rejects. */
static inline void scan_only(struct both *o, const char *line, size_t n, const char *jansson_says)
{
	run_both(o, line, n);
	if (o->rs != 0)
		fail_msg("scanner rejected (%s): %.200s", o->ea.msg, line);
	if (o->rj != AIU_EPARSE || !strstr(o->eb.msg, jansson_says))
		fail_msg("jansson: rc %d '%s', wanted '%s'", o->rj, o->eb.msg, jansson_says);
}

static inline int setup(void **st)
{
	(void)st;
	g_scan = cc_scanner_new();
	g_js = cc_json_state_new();
	return g_scan && g_js ? 0 : -1;
}

static inline int teardown(void **st)
{
	(void)st;
	cc_scanner_free(g_scan);
	cc_json_state_free(g_js);
	return 0;
}

#endif
