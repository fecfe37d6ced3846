/* cc_scan.h - the fast path: a purpose-built, validating, single-pass JSON
 * scanner for one Claude Code transcript line.
 *
 * It checks the whole line against the RFC 8259 grammar (UTF-8, escapes,
 * numbers, nesting depth <= CC_SCAN_MAX_DEPTH) but only captures the fields
 * of struct cc_record, matched by key path (so "type" or "usage" keys inside
 * tool inputs are never taken). Semantics shared with cc_json.c:
 *  - exactly one top-level object, then only whitespace;
 *  - duplicate keys: the last one wins (for whole sub-objects too);
 *  - a captured field of the wrong JSON type is treated as absent, except
 *    usage counts: they must be null (= 0) or a non-negative integer that
 *    fits int64, else the line fails naming the field;
 *  - captured strings longer than CC_SCAN_MAX_STR bytes (after unescaping)
 *    fail the line naming the field; an unparsable "timestamp" string too;
 *  - lone surrogate escapes become U+FFFD, \u0000 is kept as a NUL byte.
 *
 * Ownership: the scanner owns a scratch arena holding unescaped strings; the
 * record's slices point into the line or into that arena and stay valid until
 * the next cc_scan_line call on the same scanner (or cc_scanner_free). The
 * arena is reused across lines and never grows beyond a fixed bound, so
 * steady-state parsing does not allocate. A scanner is not thread-safe: use
 * one per thread.
 */
#ifndef AIU_CC_SCAN_H
#define AIU_CC_SCAN_H

#include <stddef.h>

#include "ingest/cc_record.h"

#define CC_SCAN_MAX_DEPTH 512        /* open objects/arrays, top level = 1 */
#define CC_SCAN_MAX_STR (64u * 1024) /* longest captured string, in bytes */

struct cc_scanner;

/* Returns NULL when out of memory. */
struct cc_scanner *cc_scanner_new(void);
void cc_scanner_free(struct cc_scanner *s);

/* Parses line[0..len) (no trailing newline). Returns 0 (AIU_OK) and fills
 * *rec, or AIU_EPARSE (AIU_ENOMEM if the arena cannot grow) and fills *perr
 * (1-based byte column, 0 if none, and a short message). Never reads outside
 * [line, line + len). */
int cc_scan_line(struct cc_scanner *s, const char *line, size_t len, struct cc_record *rec,
		 struct cc_parse_error *perr);

#endif
