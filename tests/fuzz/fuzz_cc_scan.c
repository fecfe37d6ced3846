/* fuzz_cc_scan.c - differential libFuzzer target: cc_scan_line (the fast
 * scanner) against cc_json_parse_line (jansson) on the same line.
 *
 * It abort()s when they disagree on acceptance or, when both accept, on any
 * field of the record (slices compared by content). The documented
 * divergences (see cc_json.h) are not skipped but normalised away: jansson
 * gets a copy of the input in which
 *  - lone surrogate escapes are replaced by \uFFFD (what the scanner decodes
 *    them to, so the records must still match exactly);
 *  - integer literals beyond int64 and number literals that overflow a
 *    double are replaced by "-1" padded with spaces (still accepted anywhere
 *    except in a usage count, where both must then reject);
 *  - \u0000 inside object keys becomes \u0001 (such a key matches no field
 *    either way).
 * The scanner always parses the original bytes, from an exact-size heap
 * copy so that AddressSanitizer sees any read outside the line.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc
 *        src/ingest/cc_scan.c src/ingest/cc_json.c src/core/err.c
 *        src/core/timeutil.c src/core/strutil.c tests/fuzz/fuzz_cc_scan.c -ljansson
 * Run:   ./fuzz_cc_scan tests/fuzz/corpus/fuzz_cc_scan
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strutil.h"
#include "ingest/cc_json.h"
#include "ingest/cc_record.h"
#include "ingest/cc_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool sl_eq(struct cc_str a, struct cc_str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

/* Name of the first field where the records differ, or NULL. */
static const char *rec_diff(const struct cc_record *a, const struct cc_record *b)
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

static int hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* \uXXXX at b[i] (i + 6 <= n): the code unit, or -1. */
static long uesc(const char *b, size_t n, size_t i)
{
	long v = 0;
	if (i + 6 > n || b[i] != '\\' || b[i + 1] != 'u')
		return -1;
	for (int k = 2; k < 6; k++) {
		int h = hexv(b[i + k]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static bool is_num_char(char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/* Exactly the JSON number grammar? */
static bool json_number(const char *t, size_t n, bool *is_int)
{
	size_t i = 0;
	*is_int = true;
	if (i < n && t[i] == '-')
		i++;
	if (i < n && t[i] == '0')
		i++;
	else if (i < n && t[i] >= '1' && t[i] <= '9')
		while (i < n && t[i] >= '0' && t[i] <= '9')
			i++;
	else
		return false;
	if (i < n && t[i] == '.') {
		*is_int = false;
		if (++i >= n || t[i] < '0' || t[i] > '9')
			return false;
		while (i < n && t[i] >= '0' && t[i] <= '9')
			i++;
	}
	if (i < n && (t[i] == 'e' || t[i] == 'E')) {
		*is_int = false;
		i++;
		if (i < n && (t[i] == '+' || t[i] == '-'))
			i++;
		if (i >= n || t[i] < '0' || t[i] > '9')
			return false;
		while (i < n && t[i] >= '0' && t[i] <= '9')
			i++;
	}
	return i == n;
}

/* A number literal jansson refuses: beyond int64, or a double overflow. */
static bool jansson_refuses_number(const char *t, size_t n)
{
	bool is_int;
	int64_t v;
	if (!json_number(t, n, &is_int))
		return false;
	if (is_int)
		return parse_i64(t, n, &v) < 0;
	{
		char *z = malloc(n + 1);
		double d;
		if (!z)
			abort();
		memcpy(z, t, n);
		z[n] = '\0';
		d = strtod(z, NULL);
		free(z);
		return isinf(d);
	}
}

/* Patches b[0..n) in place as described at the top; true if it changed. */
static bool normalize(char *b, size_t n)
{
	bool changed = false;
	size_t i = 0;
	while (i < n) {
		if (b[i] == '"') { /* a string: walk its escapes */
			size_t start = i++, j;
			while (i < n && b[i] != '"') {
				long u, lo;
				if (b[i] != '\\') {
					i++;
					continue;
				}
				if ((u = uesc(b, n, i)) < 0) {
					i += 2;
					continue;
				}
				if (u >= 0xD800 && u <= 0xDBFF && (lo = uesc(b, n, i + 6)) >= 0xDC00 &&
				    lo <= 0xDFFF) {
					i += 12; /* a proper pair */
					continue;
				}
				if (u >= 0xD800 && u <= 0xDFFF) {
					memcpy(b + i, "\\uFFFD", 6);
					changed = true;
				}
				i += 6;
			}
			if (i >= n)
				break;
			i++; /* closing quote */
			for (j = i; j < n && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r'); j++)
				;
			if (j < n && b[j] == ':') { /* it was a key: \u0000 -> \u0001 */
				for (size_t k = start + 1; k + 1 < i;) {
					if (b[k] != '\\') {
						k++;
					} else if (uesc(b, n, k) == 0) {
						b[k + 5] = '1';
						changed = true;
						k += 6;
					} else {
						k += b[k + 1] == 'u' ? 6 : 2;
					}
				}
			}
			continue;
		}
		if (b[i] == '-' || (b[i] >= '0' && b[i] <= '9')) {
			size_t j = i;
			while (j < n && is_num_char(b[j]))
				j++;
			if (jansson_refuses_number(b + i, j - i)) {
				memset(b + i, ' ', j - i);
				memcpy(b + i, "-1", 2);
				changed = true;
			}
			i = j;
			continue;
		}
		i++;
	}
	return changed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cc_scanner *sc;
	static struct cc_json_state *js;
	static struct cc_record a, b;
	struct cc_parse_error ea, eb;
	char *line, *norm;
	const char *d;
	bool changed;
	int rs, rj;

	if (!sc && (!(sc = cc_scanner_new()) || !(js = cc_json_state_new())))
		abort();
	line = malloc(size ? size : 1);
	norm = malloc(size ? size : 1);
	if (!line || !norm)
		abort();
	if (size) {
		memcpy(line, data, size);
		memcpy(norm, data, size);
	}
	changed = normalize(norm, size);

	rs = cc_scan_line(sc, line, size, &a, &ea);
	rj = cc_json_parse_line(js, norm, size, &b, &eb);
	if (rs < 0 && (!ea.msg[0] || ea.column > size + 1)) {
		fprintf(stderr, "bad scanner error: column %u '%s'\n", ea.column, ea.msg);
		abort();
	}
	if ((rs == 0) != (rj == 0)) {
		fprintf(stderr, "acceptance differs%s: scan %d (col %u: %s), jansson %d (col %u: %s)\n",
			changed ? " (after normalising divergences)" : "", rs, rs ? ea.column : 0,
			rs ? ea.msg : "", rj, rj ? eb.column : 0, rj ? eb.msg : "");
		abort();
	}
	if (rs == 0 && (d = rec_diff(&a, &b))) {
		fprintf(stderr, "records differ in %s\n", d);
		abort();
	}
	free(line);
	free(norm);
	return 0;
}
