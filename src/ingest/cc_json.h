/* cc_json.h - the library path: one transcript line parsed with jansson.
 *
 * Ingest calls cc_scan_line first and this only for the lines the scanner
 * rejects, to get jansson's precise verdict and message (and to recover the
 * record when jansson accepts the line). The record semantics are the same
 * as cc_scan_line's (see cc_scan.h), with these documented divergences, all
 * of them lines jansson rejects while the scanner accepts:
 *  - a lone surrogate escape anywhere (jansson: "invalid Unicode '\uD83D'");
 *    the scanner turns it into U+FFFD;
 *  - an integer literal beyond int64 anywhere (jansson: "too big integer");
 *    the scanner only evaluates usage counts, where it is an error for both;
 *  - a number literal whose magnitude overflows a double, e.g. 1e400
 *    (jansson: "real number overflow");
 *  - \u0000 inside an object key (jansson: "NUL byte in object key not
 *    supported"); \u0000 in string values is accepted (JSON_ALLOW_NUL).
 * (jansson 2.14 also silently drops a raw NUL byte that directly follows a
 * literal or a number; cc_json_parse_line rejects any raw NUL itself, so
 * that is not a divergence.)
 *
 * Ownership: the state owns the parsed json_t tree of the last line; the
 * record's slices point into it and stay valid until the next
 * cc_json_parse_line call on the same state or cc_json_state_free.
 */
#ifndef AIU_CC_JSON_H
#define AIU_CC_JSON_H

#include <stddef.h>

#include "ingest/cc_record.h"

struct cc_json_state;

/* Returns NULL when out of memory. */
struct cc_json_state *cc_json_state_new(void);
void cc_json_state_free(struct cc_json_state *st);

/* Parses line[0..len) with jansson (JSON_ALLOW_NUL). Returns 0 and fills
 * *rec, or AIU_EPARSE and fills *perr: jansson's byte position and text for
 * syntax errors, or "<field path>: <problem>" (column 0) for a semantic one. */
int cc_json_parse_line(struct cc_json_state *st, const char *line, size_t len,
		       struct cc_record *rec, struct cc_parse_error *perr);

#endif
