/* cc_scan.c - see cc_scan.h.
 *
 * Design. One recursive-descent pass over the line. Objects on a captured
 * key path (top level, message, message.usage, usage.cache_creation,
 * usage.server_tool_use, message.content[i]) go through parse_obj with a
 * schema; every other value goes through the same routine with SC_NONE or
 * through skip_value, which still validates the full grammar. Keys are
 * dispatched through a per-schema hash table (built once per scanner, see
 * key_hash) instead of branches.
 *
 * Captured values are first recorded as raw slices of the line ("slots");
 * duplicate keys simply overwrite a slot, and a key naming a sub-object
 * (e.g. "usage") first clears every slot below it, so the last duplicate
 * wins at every level. Errors that depend on the final value of a field
 * (usage counts, captured string length, timestamp) are also kept in the
 * slots and only raised in finalize(), after the whole line is known to be
 * well-formed. finalize() unescapes the surviving slices into the arena.
 *
 * The hot spot is string bodies (tool output, ~80% of the bytes, with an
 * escape every ~16 bytes): scan_str() classifies 64-byte blocks with SSE2
 * (a plain byte loop under #ifndef __SSE2__) into bit masks, finds the
 * closing quote with an escaped-byte mask, and only then looks at rare
 * escapes and at bytes >= 0x80 (UTF-8 validation) one at a time.
 */
#include "ingest/cc_scan.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/err.h"
#include "core/timeutil.h"

/* ---- slots: where captured values wait until the end of the line ---- */

enum str_slot {
	S_TYPE, S_UUID, S_SESSION, S_TS, S_CWD, S_BRANCH, S_VERSION, S_REQID, S_AGENT,
	S_MSGID, S_MODEL, S_ROLE,        /* message.* */
	S_TIER, S_SPEED,                 /* message.usage.* */
	N_REC_STR,
	S_BTYPE = N_REC_STR, S_BID, S_BNAME, /* the content block being parsed */
	N_STR
};
enum bool_slot { B_SIDECHAIN, B_META, B_APIERR, B_COMPACT, N_BOOL };
enum cnt_slot { C_IN, C_OUT, C_CW, C_CR, C_5M, C_1H, C_WEB, N_CNT };
enum cnt_bad { CNT_OK = 0, CNT_RANGE, CNT_NOTINT };

enum flag {
	F_USAGE = 1,  /* message.usage is an object */
	F_CW = 2,     /* message.usage.cache_creation is an object */
	F_CSTR = 4,   /* message.content is a string */
	F_CTEXT = 8,  /* a text or image block */
	F_CTR = 16,   /* a tool_result block */
	F_CONTENT = F_CSTR | F_CTEXT | F_CTR,
};

struct raw {
	const char *p;  /* string body inside the line (escapes not decoded) */
	size_t n;
	uint32_t col;   /* 1-based column of the opening quote */
	uint8_t set, esc;
};

struct cnt {
	int64_t v;
	uint8_t bad;    /* enum cnt_bad */
};

struct raw_tool {
	struct raw id, name;
	uint32_t idx;   /* position in message.content */
};

/* ---- schemas: per object on a captured path, key -> action ---- */

enum sch { SC_TOP, SC_MSG, SC_USAGE, SC_CC, SC_STU, SC_BLK, N_SCH, SC_NONE = N_SCH };
enum act { A_STR = 1, A_BOOL, A_CNT, A_OBJ, A_CONTENT };

struct kent {
	const char *name;
	uint8_t len, act, arg; /* arg: slot, or child schema for A_OBJ */
};

#define K(s, a, g) { s, (uint8_t)(sizeof(s) - 1), a, g }
static const struct kent k_top[] = {
	K("type", A_STR, S_TYPE), K("uuid", A_STR, S_UUID), K("sessionId", A_STR, S_SESSION),
	K("timestamp", A_STR, S_TS), K("cwd", A_STR, S_CWD), K("gitBranch", A_STR, S_BRANCH),
	K("version", A_STR, S_VERSION), K("requestId", A_STR, S_REQID),
	K("agentId", A_STR, S_AGENT), K("isSidechain", A_BOOL, B_SIDECHAIN),
	K("isMeta", A_BOOL, B_META), K("isApiErrorMessage", A_BOOL, B_APIERR),
	K("isCompactSummary", A_BOOL, B_COMPACT), K("message", A_OBJ, SC_MSG),
};
static const struct kent k_msg[] = {
	K("id", A_STR, S_MSGID), K("model", A_STR, S_MODEL), K("role", A_STR, S_ROLE),
	K("content", A_CONTENT, 0), K("usage", A_OBJ, SC_USAGE),
};
static const struct kent k_usage[] = {
	K("input_tokens", A_CNT, C_IN), K("output_tokens", A_CNT, C_OUT),
	K("cache_creation_input_tokens", A_CNT, C_CW), K("cache_read_input_tokens", A_CNT, C_CR),
	K("service_tier", A_STR, S_TIER), K("speed", A_STR, S_SPEED),
	K("cache_creation", A_OBJ, SC_CC), K("server_tool_use", A_OBJ, SC_STU),
};
static const struct kent k_cc[] = {
	K("ephemeral_5m_input_tokens", A_CNT, C_5M), K("ephemeral_1h_input_tokens", A_CNT, C_1H),
};
static const struct kent k_stu[] = { K("web_search_requests", A_CNT, C_WEB) };
static const struct kent k_blk[] = {
	K("type", A_STR, S_BTYPE), K("id", A_STR, S_BID), K("name", A_STR, S_BNAME),
};
#undef K

/* What a schema's key clears when seen again (last duplicate wins), and
 * which flag it sets when its value is an object. */
static const struct sch_info {
	const struct kent *keys;
	uint8_t nkeys;
	uint8_t str_lo, str_hi, cnt_lo, cnt_hi, clear, set;
} sch_info[N_SCH] = {
	[SC_TOP] = { k_top, sizeof(k_top) / sizeof(k_top[0]), 0, 0, 0, 0, 0, 0 },
	[SC_MSG] = { k_msg, sizeof(k_msg) / sizeof(k_msg[0]), S_MSGID, N_REC_STR, C_IN, N_CNT,
		     F_USAGE | F_CW | F_CONTENT, 0 },
	[SC_USAGE] = { k_usage, sizeof(k_usage) / sizeof(k_usage[0]), S_TIER, N_REC_STR, C_IN,
		       N_CNT, F_USAGE | F_CW, F_USAGE },
	[SC_CC] = { k_cc, sizeof(k_cc) / sizeof(k_cc[0]), 0, 0, C_5M, C_1H + 1, F_CW, F_CW },
	[SC_STU] = { k_stu, 1, 0, 0, C_WEB, C_WEB + 1, 0, 0 },
	[SC_BLK] = { k_blk, sizeof(k_blk) / sizeof(k_blk[0]), S_BTYPE, N_STR, 0, 0, 0, 0 },
};

/* ---- slot -> record field and error path ---- */

#define NO_FIELD SIZE_MAX
static const size_t str_off[N_REC_STR] = {
	offsetof(struct cc_record, type_raw), offsetof(struct cc_record, uuid),
	offsetof(struct cc_record, session_id), NO_FIELD /* timestamp -> ts_ms */,
	offsetof(struct cc_record, cwd), offsetof(struct cc_record, git_branch),
	offsetof(struct cc_record, version), offsetof(struct cc_record, request_id),
	offsetof(struct cc_record, agent_id), offsetof(struct cc_record, msg_id),
	offsetof(struct cc_record, model), offsetof(struct cc_record, role),
	offsetof(struct cc_record, service_tier), offsetof(struct cc_record, speed),
};
static const char *const str_path[N_REC_STR] = {
	"type", "uuid", "sessionId", "timestamp", "cwd", "gitBranch", "version", "requestId",
	"agentId", "message.id", "message.model", "message.role", "message.usage.service_tier",
	"message.usage.speed",
};
static const size_t bool_off[N_BOOL] = {
	offsetof(struct cc_record, is_sidechain), offsetof(struct cc_record, is_meta),
	offsetof(struct cc_record, is_api_error), offsetof(struct cc_record, is_compact_summary),
};
static const size_t cnt_off[N_CNT] = {
	offsetof(struct cc_record, input), offsetof(struct cc_record, output),
	offsetof(struct cc_record, cache_write), offsetof(struct cc_record, cache_read),
	offsetof(struct cc_record, cw_5m), offsetof(struct cc_record, cw_1h),
	offsetof(struct cc_record, web_search),
};
static const char *const cnt_path[N_CNT] = {
	"message.usage.input_tokens", "message.usage.output_tokens",
	"message.usage.cache_creation_input_tokens", "message.usage.cache_read_input_tokens",
	"message.usage.cache_creation.ephemeral_5m_input_tokens",
	"message.usage.cache_creation.ephemeral_1h_input_tokens",
	"message.usage.server_tool_use.web_search_requests",
};

/* Content blocks that matter, by their "type", and the flag they set
 * (0: a tool_use, recorded in tools[]). */
static const struct { const char *name; uint8_t len, flag; } blk_kinds[] = {
	{ "tool_use", 8, 0 }, { "tool_result", 11, F_CTR }, { "text", 4, F_CTEXT },
	{ "image", 5, F_CTEXT },
};

/* ---- the scanner ---- */

#define KEY_BUCKETS 64
#define MAX_KEY 64 /* longer (unescaped) keys cannot match any schema key */
#define ARENA_INIT (64u * 1024)
/* Every string a finalized record can point to, at the maximum length. */
#define ARENA_MAX ((size_t)(N_REC_STR + 2 * CC_MAX_TOOLS) * CC_SCAN_MAX_STR)

struct cc_scanner {
	uint8_t hidx[N_SCH][KEY_BUCKETS]; /* key hash -> index + 1 into the schema's keys */
	char *arena;                      /* unescaped captured strings (owned) */
	size_t arena_cap;

	/* per-line state, reset by cc_scan_line */
	const char *beg, *end;
	const char *err_at;
	const char *err_msg;
	unsigned flags;
	struct raw str[N_STR];
	struct cnt cnt[N_CNT];
	bool bools[N_BOOL];
	uint32_t n_tools, n_dropped;
	struct raw_tool tools[CC_MAX_TOOLS];
};

/* Byte classes. */
static const uint8_t is_ws[256] = { [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1 };
/* Simple escapes and what they decode to ('u' is handled apart). */
static const char esc_val[256] = {
	['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b',
	['f'] = '\f', ['n'] = '\n', ['r'] = '\r', ['t'] = '\t',
};

static inline bool is_digit(char c)
{
	return (unsigned)(c - '0') < 10;
}

/* Value of 4 hex digits at p, or -1. */
static inline int32_t hex4(const char *p)
{
	int32_t v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned c = (unsigned char)p[i], d = c - '0', l = (c | 0x20) - 'a';
		if (d >= 10 && l >= 6)
			return -1;
		v = v * 16 + (int32_t)(d < 10 ? d : l + 10);
	}
	return v;
}

static inline unsigned key_hash(const char *k, size_t n)
{
	const unsigned char *u = (const unsigned char *)k;
	return (unsigned)(n + u[0] + u[n - 1] + 7u * u[(2 * n) / 5]) & (KEY_BUCKETS - 1);
}

static const char *fail(struct cc_scanner *s, const char *at, const char *msg)
{
	s->err_at = at;
	s->err_msg = msg;
	return NULL;
}

static inline const char *ws(const char *p, const char *end)
{
	while (p < end && is_ws[(unsigned char)*p])
		p++;
	return p;
}

/* Length (2..4) of the valid UTF-8 sequence at p (p[0] >= 0x80), or 0.
 * Strict: no overlongs, no surrogates, nothing above U+10FFFF. */
static inline unsigned utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0], n = c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
	unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80; /* overlongs */
	unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF; /* surrogates, > U+10FFFF */
	if (!n || (size_t)(end - p) < n || p[1] < lo || p[1] > hi)
		return 0;
	for (unsigned i = 2; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

/* Masks of one 64-byte block: bit i describes byte i. */
struct blk64 {
	uint64_t bs, q, lt, com; /* '\\', '"', < 0x20 or >= 0x80, n t " \\ */
};

#ifdef __SSE2__
#define BLK_VEC(k)                                                                         \
	do {                                                                               \
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * (k))); \
		__m128i q = _mm_cmpeq_epi8(v, vq), bs = _mm_cmpeq_epi8(v, vbs);            \
		__m128i nt = _mm_or_si128(_mm_cmpeq_epi8(v, vn), _mm_cmpeq_epi8(v, vt));   \
		m->bs |= (uint64_t)(unsigned)_mm_movemask_epi8(bs) << (16 * (k));          \
		m->q |= (uint64_t)(unsigned)_mm_movemask_epi8(q) << (16 * (k));            \
		m->lt |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, vsp))     \
			 << (16 * (k));                                                    \
		m->com |= (uint64_t)(unsigned)_mm_movemask_epi8(nt) << (16 * (k));         \
	} while (0)

static inline void blk_masks(const char *b, struct blk64 *m)
{
	const __m128i vq = _mm_set1_epi8('"'), vbs = _mm_set1_epi8('\\');
	const __m128i vsp = _mm_set1_epi8(0x20), vn = _mm_set1_epi8('n'), vt = _mm_set1_epi8('t');
	m->bs = m->q = m->lt = m->com = 0;
	/* signed compare: bytes >= 0x80 are negative, so they count as < 0x20 */
	BLK_VEC(0);
	BLK_VEC(1);
	BLK_VEC(2);
	BLK_VEC(3);
	m->com |= m->q | m->bs;
}

/* Bytes >= 0x80 of a 64-byte block (only needed when lt has bits). */
static inline uint64_t blk_high(const char *b)
{
	uint64_t h = 0;
	for (unsigned k = 0; k < 4; k++)
		h |= (uint64_t)(unsigned)_mm_movemask_epi8(
			     _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * k)))
		     << (16 * k);
	return h;
}

/* Short strings (keys, ids) end before any special byte: returns the byte
 * after the closing quote, else NULL and *p advanced past plain bytes. */
static inline const char *short_str(const char **pp, const char *end)
{
	const __m128i vq = _mm_set1_epi8('"'), vbs = _mm_set1_epi8('\\');
	const __m128i vsp = _mm_set1_epi8(0x20);
	const char *p = *pp;
	__m128i a, b;
	uint32_t q, sp;

	if (end - p < 32)
		return NULL;
	a = _mm_loadu_si128((const __m128i *)(const void *)p);
	b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
	q = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, vq)) |
	    (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, vq)) << 16;
	sp = (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(a, vbs), _mm_cmplt_epi8(a, vsp))) |
	     (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(b, vbs), _mm_cmplt_epi8(b, vsp)))
		     << 16;
	if (q && (sp & ((q & (0u - q)) - 1)) == 0)
		return p + __builtin_ctz(q) + 1;
	if (!q && !sp)
		*pp = p + 32; /* no backslash: the escape state stays clear */
	return NULL;
}
#else /* portable scalar fallback */
static inline void blk_masks(const char *b, struct blk64 *m)
{
	m->bs = m->q = m->lt = m->com = 0;
	for (unsigned i = 0; i < 64; i++) {
		unsigned char c = (unsigned char)b[i];
		uint64_t bit = 1ULL << i;
		m->bs |= c == '\\' ? bit : 0;
		m->q |= c == '"' ? bit : 0;
		m->lt |= c < 0x20 || c >= 0x80 ? bit : 0;
		m->com |= c == '\\' || c == '"' || c == 'n' || c == 't' ? bit : 0;
	}
}

static inline uint64_t blk_high(const char *b)
{
	uint64_t h = 0;
	for (unsigned i = 0; i < 64; i++)
		h |= (unsigned char)b[i] >= 0x80 ? 1ULL << i : 0;
	return h;
}
#endif

/* Bytes of the block that are escaped (follow an odd run of backslashes);
 * *carry: the block's first byte is escaped, updated for the next block.
 * (Subtraction trick from simdjson's escape scanner.) */
static inline uint64_t escaped_mask(uint64_t bs, uint64_t *carry)
{
	const uint64_t odd = 0xAAAAAAAAAAAAAAAAULL;
	uint64_t pe = bs & ~*carry;
	uint64_t code = (((pe << 1) | odd) - pe) ^ odd;
	uint64_t e = code ^ (bs | *carry);
	*carry = (code & bs) >> 63;
	return e;
}

/* p: just after the opening quote. Returns the byte after the closing quote
 * (NULL on error); *esc |= 1 when the body holds a backslash.
 *
 * Whole 64-byte blocks at a time: the escaped-byte mask finds the closing
 * quote without looking at escapes one by one; only rare escapes (not \n, \t,
 * \" or \\) and bytes >= 0x80 are then checked one at a time. */
static const char *scan_str(struct cc_scanner *s, const char *p, unsigned *esc)
{
	const char *end = s->end;
	uint64_t carry = 0, skip = 0;
	char tmp[64];

#ifdef __SSE2__
	const char *q = short_str(&p, end);
	if (q)
		return q;
#endif
	for (;;) {
		size_t rem = (size_t)(end - p);
		const char *b = p;
		uint64_t valid = ~0ULL, e, uq, range, rare, h, hi;
		struct blk64 m;

		if (rem < 64) { /* never read past the line: pad a copy with spaces */
			memcpy(tmp, p, rem);
			memset(tmp + rem, ' ', 64 - rem);
			b = tmp;
			valid = (1ULL << rem) - 1;
		}
		blk_masks(b, &m);
		e = escaped_mask(m.bs, &carry);
		uq = m.q & ~e;
		range = uq ? (uq & (0 - uq)) - 1 : valid; /* bytes before the closing quote */
		if (m.bs & range)
			*esc = 1;
		hi = 0;
		if (m.lt & range) {
			hi = blk_high(b);
			if (m.lt & ~hi & range)
				return fail(s, p + __builtin_ctzll(m.lt & ~hi & range),
					    "control character in string");
		}
		for (rare = e & ~m.com & range; rare; rare &= rare - 1) {
			const char *x = p + __builtin_ctzll(rare);
			if (*x == 'u') {
				if (end - x < 5 || hex4(x + 1) < 0)
					return fail(s, x - 1, "invalid \\u escape");
			} else if (!esc_val[(unsigned char)*x]) {
				return fail(s, x - 1, "invalid escape");
			}
		}
		for (h = hi & range & ~skip, skip = 0; h;) {
			unsigned i = (unsigned)__builtin_ctzll(h);
			unsigned k = utf8_seq((const unsigned char *)p + i, (const unsigned char *)end);
			if (!k)
				return fail(s, p + i, "invalid UTF-8");
			if (i + k >= 64) { /* continues into the next block */
				skip = (1ULL << (i + k - 64)) - 1;
				break;
			}
			h &= ~(((1ULL << k) - 1) << i);
		}
		if (uq)
			return p + __builtin_ctzll(uq) + 1;
		if (rem <= 64)
			return fail(s, end, "unterminated string");
		p += 64;
	}
}

static inline const char *digits(const char *q, const char *end)
{
	while (q < end && is_digit(*q))
		q++;
	return q;
}

static const char *scan_num(struct cc_scanner *s, const char *p)
{
	const char *end = s->end, *q = p + (*p == '-'), *d;
	if (q < end && *q == '0')
		d = q + 1;
	else if ((d = digits(q, end)) == q)
		return fail(s, q, "invalid number");
	q = d;
	if (q < end && *q == '.') {
		q++;
		if ((d = digits(q, end)) == q)
			return fail(s, q, "invalid number");
		q = d;
	}
	if (q < end && (*q == 'e' || *q == 'E')) {
		q += q + 1 < end && (q[1] == '+' || q[1] == '-') ? 2 : 1;
		if ((d = digits(q, end)) == q)
			return fail(s, q, "invalid number");
		q = d;
	}
	return q;
}

static const char *lit(struct cc_scanner *s, const char *p, const char *w, size_t n)
{
	if ((size_t)(s->end - p) < n || memcmp(p, w, n) != 0)
		return fail(s, p, "invalid literal");
	return p + n;
}

/* Decodes a validated string body src[0..n) into dst (room for cap bytes).
 * Lone surrogates become U+FFFD. Returns the length, or SIZE_MAX when the
 * result would not fit in cap. */
static size_t unescape(const char *src, size_t n, char *dst, size_t cap)
{
	size_t i = 0, o = 0;
	while (i < n) {
		const char *bs = memchr(src + i, '\\', n - i);
		size_t run = bs ? (size_t)(bs - (src + i)) : n - i;
		unsigned char u8[4];
		uint32_t cp;
		size_t k;

		if (run > cap - o)
			return SIZE_MAX;
		memcpy(dst + o, src + i, run);
		o += run;
		i += run;
		if (!bs)
			break;
		if (src[i + 1] != 'u') {
			if (o >= cap)
				return SIZE_MAX;
			dst[o++] = esc_val[(unsigned char)src[i + 1]];
			i += 2;
			continue;
		}
		cp = (uint32_t)hex4(src + i + 2);
		i += 6;
		if (cp >= 0xD800 && cp <= 0xDFFF) {
			int32_t lo;
			if (cp <= 0xDBFF && n - i >= 6 && src[i] == '\\' && src[i + 1] == 'u' &&
			    (lo = hex4(src + i + 2)) >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
				i += 6;
			} else {
				cp = 0xFFFD;
			}
		}
		if (cp < 0x80) {
			u8[0] = (unsigned char)cp;
			k = 1;
		} else { /* 2-4 byte UTF-8: lead byte, then 6 bits per byte */
			k = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
			for (size_t j = k - 1; j > 0; j--, cp >>= 6)
				u8[j] = (unsigned char)(0x80 | (cp & 0x3F));
			u8[0] = (unsigned char)((0xF00u >> k) | cp);
		}
		if (k > cap - o)
			return SIZE_MAX;
		memcpy(dst + o, u8, k);
		o += k;
	}
	return o;
}

/* memcmp(a, b, n) == 0 for short keys, without a library call. */
static inline bool key_eq(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	for (; n >= 8; a += 8, b += 8, n -= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return false;
	}
	for (; n; a++, b++, n--)
		if (*a != *b)
			return false;
	return true;
}

static const struct kent *lookup(const struct cc_scanner *s, unsigned sch, const char *k, size_t n,
				 unsigned esc)
{
	char buf[MAX_KEY];
	const struct kent *e;
	unsigned i;

	if (esc) {
		n = unescape(k, n, buf, sizeof(buf));
		if (n == SIZE_MAX)
			return NULL;
		k = buf;
	}
	if (n == 0 || n > MAX_KEY)
		return NULL;
	i = s->hidx[sch][key_hash(k, n)];
	if (!i)
		return NULL;
	e = &sch_info[sch].keys[i - 1];
	return e->len == n && key_eq(e->name, k, n) ? e : NULL;
}

static const char *skip_value(struct cc_scanner *s, const char *p, unsigned depth);
static const char *parse_obj(struct cc_scanner *s, const char *p, unsigned depth, unsigned sch);
static void reset_sch(struct cc_scanner *s, unsigned sch);
static void block_done(struct cc_scanner *s, uint32_t idx);

/* p: just after '['; depth: the array's. content: it is message.content,
 * whose object elements are blocks. */
static const char *parse_arr(struct cc_scanner *s, const char *p, unsigned depth, bool content)
{
	const char *end = s->end;
	if (depth > CC_SCAN_MAX_DEPTH)
		return fail(s, p - 1, "nesting too deep");
	p = ws(p, end);
	if (p < end && *p == ']')
		return p + 1;
	for (uint32_t idx = 0;; idx++) {
		if (p >= end)
			return fail(s, p, "expected a value");
		if (content && *p == '{') {
			reset_sch(s, SC_BLK);
			if (!(p = parse_obj(s, p + 1, depth + 1, SC_BLK)))
				return NULL;
			block_done(s, idx);
		} else if (!(p = skip_value(s, p, depth + 1))) {
			return NULL;
		}
		p = ws(p, end);
		if (p < end && *p == ',') {
			p = ws(p + 1, end);
			continue;
		}
		if (p < end && *p == ']')
			return p + 1;
		return fail(s, p, "expected ',' or ']'");
	}
}

/* p < end. depth: the depth this value has if it is a container. */
static const char *skip_value(struct cc_scanner *s, const char *p, unsigned depth)
{
	unsigned esc = 0;
	switch (*p) {
	case '"':
		return scan_str(s, p + 1, &esc);
	case '{':
		return parse_obj(s, p + 1, depth, SC_NONE);
	case '[':
		return parse_arr(s, p + 1, depth, false);
	case 't':
		return lit(s, p, "true", 4);
	case 'f':
		return lit(s, p, "false", 5);
	case 'n':
		return lit(s, p, "null", 4);
	default:
		if (*p == '-' || is_digit(*p))
			return scan_num(s, p);
		return fail(s, p, "expected a value");
	}
}

static void reset_sch(struct cc_scanner *s, unsigned sch)
{
	const struct sch_info *si = &sch_info[sch];
	memset(&s->str[si->str_lo], 0, (size_t)(si->str_hi - si->str_lo) * sizeof(s->str[0]));
	memset(&s->cnt[si->cnt_lo], 0, (size_t)(si->cnt_hi - si->cnt_lo) * sizeof(s->cnt[0]));
	s->flags &= ~(unsigned)si->clear;
	if (si->clear & F_CONTENT)
		s->n_tools = s->n_dropped = 0;
}

/* A usage count: null (= 0), or an integer literal in [0, INT64_MAX]. */
static const char *take_count(struct cc_scanner *s, const char *p, unsigned depth, unsigned slot)
{
	struct cnt *c = &s->cnt[slot];
	const char *q, *d;
	uint64_t v = 0;
	bool big = false;

	c->v = 0;
	c->bad = CNT_OK;
	if (*p != '-' && !is_digit(*p)) {
		c->bad = *p == 'n' ? CNT_OK : CNT_NOTINT; /* null means 0 */
		return skip_value(s, p, depth);
	}
	if (!(q = scan_num(s, p)))
		return NULL;
	for (d = p + (*p == '-'); d < q && is_digit(*d); d++) {
		unsigned dig = (unsigned)(*d - '0');
		if (v > ((uint64_t)INT64_MAX - dig) / 10)
			big = true;
		else
			v = v * 10 + dig;
	}
	/* a fraction or exponent; beyond int64; negative (-0 is 0) */
	c->bad = d != q ? CNT_NOTINT : big || (*p == '-' && v != 0) ? CNT_RANGE : CNT_OK;
	c->v = c->bad ? 0 : (int64_t)v;
	return q;
}

/* Records a content block's kind once its object is complete. */
static void block_done(struct cc_scanner *s, uint32_t idx)
{
	const struct raw *t = &s->str[S_BTYPE];
	const char *tp = t->p;
	size_t tn = t->n, i;
	char buf[16];

	if (!t->set || (t->esc && (tn = unescape(t->p, t->n, buf, sizeof(buf))) == SIZE_MAX))
		return;
	if (t->esc)
		tp = buf;
	for (i = 0; i < sizeof(blk_kinds) / sizeof(blk_kinds[0]); i++)
		if (blk_kinds[i].len == tn && memcmp(blk_kinds[i].name, tp, tn) == 0)
			break;
	if (i == sizeof(blk_kinds) / sizeof(blk_kinds[0])) /* some other block */
		return;
	s->flags |= blk_kinds[i].flag;
	if (blk_kinds[i].flag) /* not a tool_use */
		return;
	if (s->n_tools == CC_MAX_TOOLS) {
		s->n_dropped++;
		return;
	}
	s->tools[s->n_tools].id = s->str[S_BID];
	s->tools[s->n_tools].name = s->str[S_BNAME];
	s->tools[s->n_tools++].idx = idx;
}

/* The value of a schema key; p < end; depth: the value's depth. */
static const char *take_value(struct cc_scanner *s, const char *p, unsigned depth,
			      const struct kent *k)
{
	unsigned esc = 0;
	switch (k->act) {
	case A_STR: {
		struct raw *r = &s->str[k->arg];
		const char *q;
		if (*p != '"') {
			r->set = 0; /* wrong type: absent */
			return skip_value(s, p, depth);
		}
		if (!(q = scan_str(s, p + 1, &esc)))
			return NULL;
		r->p = p + 1;
		r->n = (size_t)(q - 1 - r->p);
		r->col = (uint32_t)(p - s->beg) + 1;
		r->set = 1;
		r->esc = (uint8_t)esc;
		return q;
	}
	case A_BOOL:
		s->bools[k->arg] = *p == 't'; /* true; anything else is false/absent */
		return skip_value(s, p, depth);
	case A_CNT:
		return take_count(s, p, depth, k->arg);
	case A_OBJ:
		reset_sch(s, k->arg);
		if (*p != '{')
			return skip_value(s, p, depth);
		s->flags |= sch_info[k->arg].set;
		return parse_obj(s, p + 1, depth, k->arg);
	case A_CONTENT:
		s->flags &= ~(unsigned)F_CONTENT;
		s->n_tools = s->n_dropped = 0;
		if (*p == '"') {
			s->flags |= F_CSTR;
			return scan_str(s, p + 1, &esc);
		}
		if (*p == '[')
			return parse_arr(s, p + 1, depth, true);
		return skip_value(s, p, depth);
	}
	return skip_value(s, p, depth);
}

/* p: just after '{'. depth: this object's depth. sch: its schema, or
 * SC_NONE for an object off the captured paths (validated, not captured). */
static const char *parse_obj(struct cc_scanner *s, const char *p, unsigned depth, unsigned sch)
{
	const char *end = s->end;
	if (depth > CC_SCAN_MAX_DEPTH)
		return fail(s, p - 1, "nesting too deep");
	p = ws(p, end);
	if (p < end && *p == '}')
		return p + 1;
	for (;;) {
		const struct kent *k = NULL;
		const char *ks;
		unsigned esc = 0;

		if (p >= end || *p != '"')
			return fail(s, p, "expected a string key");
		ks = p + 1;
		if (!(p = scan_str(s, ks, &esc)))
			return NULL;
		if (sch != SC_NONE)
			k = lookup(s, sch, ks, (size_t)(p - 1 - ks), esc);
		p = ws(p, end);
		if (p >= end || *p != ':')
			return fail(s, p, "expected ':'");
		p = ws(p + 1, end);
		if (p >= end)
			return fail(s, p, "expected a value");
		p = k ? take_value(s, p, depth + 1, k) : skip_value(s, p, depth + 1);
		if (!p)
			return NULL;
		p = ws(p, end);
		if (p < end && *p == ',') {
			p = ws(p + 1, end);
			continue;
		}
		if (p < end && *p == '}')
			return p + 1;
		return fail(s, p, "expected ',' or '}'");
	}
}

/* ---- finalize: slots -> record ---- */

static size_t arena_need(const struct raw *r)
{
	if (!r->set || !r->esc)
		return 0;
	return r->n < CC_SCAN_MAX_STR ? r->n : CC_SCAN_MAX_STR;
}

/* Sets *dst from a slot; returns -1 when the string is over the cap. */
static int materialize(struct cc_scanner *s, const struct raw *r, struct cc_str *dst, size_t *used)
{
	size_t m;
	dst->p = NULL;
	dst->n = 0;
	if (!r->set)
		return 0;
	if (!r->esc) {
		if (r->n > CC_SCAN_MAX_STR)
			return -1;
		dst->p = r->p;
		dst->n = (uint32_t)r->n;
		return 0;
	}
	/* unescaping never lengthens, so arena_need() bytes always suffice */
	m = unescape(r->p, r->n, s->arena + *used, arena_need(r));
	if (m == SIZE_MAX)
		return -1;
	dst->p = s->arena + *used;
	dst->n = (uint32_t)m;
	*used += m;
	return 0;
}

static int field_err(struct cc_parse_error *perr, uint32_t col, const char *path,
		     const char *what)
{
	perr->column = col;
	snprintf(perr->msg, sizeof(perr->msg), "%s: %s", path, what);
	return AIU_EPARSE;
}

static int finalize(struct cc_scanner *s, struct cc_record *rec, struct cc_parse_error *perr)
{
	struct cc_str v[N_REC_STR];
	size_t need = 0, used = 0;
	unsigned i;

	for (i = 0; i < N_REC_STR; i++)
		need += arena_need(&s->str[i]);
	for (i = 0; i < s->n_tools; i++)
		need += arena_need(&s->tools[i].id) + arena_need(&s->tools[i].name);
	if (need > s->arena_cap) { /* nothing points into the arena yet */
		size_t cap = s->arena_cap;
		char *a;
		while (cap < need)
			cap *= 2;
		if (cap > ARENA_MAX)
			cap = ARENA_MAX; /* need <= ARENA_MAX by construction */
		if (!(a = realloc(s->arena, cap))) {
			perr->column = 0;
			snprintf(perr->msg, sizeof(perr->msg), "out of memory");
			return AIU_ENOMEM;
		}
		s->arena = a;
		s->arena_cap = cap;
	}
	for (i = 0; i < N_REC_STR; i++) {
		if (materialize(s, &s->str[i], &v[i], &used) < 0)
			return field_err(perr, s->str[i].col, str_path[i], "string too long");
		if (str_off[i] != NO_FIELD)
			memcpy((char *)rec + str_off[i], &v[i], sizeof(v[i]));
	}
	for (i = 0; i < 2 * s->n_tools; i++) { /* id, name of each tool_use */
		const struct raw_tool *rt = &s->tools[i / 2];
		const struct raw *r = i % 2 ? &rt->name : &rt->id;
		char path[48];
		if (materialize(s, r, i % 2 ? &rec->tools[i / 2].name : &rec->tools[i / 2].id,
				&used) < 0) {
			snprintf(path, sizeof(path), "message.content[%u].%s", (unsigned)rt->idx,
				 i % 2 ? "name" : "id");
			return field_err(perr, r->col, path, "string too long");
		}
	}
	if (s->str[S_TS].set) {
		if (parse_rfc3339_ms(v[S_TS].p, v[S_TS].n, &rec->ts_ms) < 0)
			return field_err(perr, s->str[S_TS].col, "timestamp",
					 "not an RFC 3339 date-time");
		rec->has_ts = true;
	}
	for (i = 0; i < N_CNT; i++) {
		if (s->cnt[i].bad)
			return field_err(perr, 0, cnt_path[i],
					 s->cnt[i].bad == CNT_RANGE ? "integer out of range"
								    : "not an integer");
		memcpy((char *)rec + cnt_off[i], &s->cnt[i].v, sizeof(int64_t));
	}
	for (i = 0; i < N_BOOL; i++)
		*((bool *)((char *)rec + bool_off[i])) = s->bools[i];

	rec->type = v[S_TYPE].n == 4 && memcmp(v[S_TYPE].p, "user", 4) == 0        ? CC_USER
		    : v[S_TYPE].n == 9 && memcmp(v[S_TYPE].p, "assistant", 9) == 0 ? CC_ASSISTANT
										   : CC_OTHER;
	rec->user_kind = rec->type != CC_USER		    ? CC_USER_NONE
			 : s->flags & (F_CSTR | F_CTEXT) ? CC_USER_PROMPT
			 : s->flags & F_CTR		    ? CC_USER_TOOL_RESULT
							    : CC_USER_NONE;
	rec->has_usage = (s->flags & F_USAGE) != 0;
	rec->has_cw_split = (s->flags & F_CW) != 0;
	rec->n_tools = s->n_tools;
	rec->n_tools_dropped = s->n_dropped;
	return AIU_OK;
}

/* ---- public API ---- */

struct cc_scanner *cc_scanner_new(void)
{
	struct cc_scanner *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	for (unsigned sc = 0; sc < N_SCH; sc++) {
		for (unsigned i = 0; i < sch_info[sc].nkeys; i++) {
			const struct kent *e = &sch_info[sc].keys[i];
			unsigned h = key_hash(e->name, e->len);
			if (s->hidx[sc][h]) { /* key_hash must be collision-free per schema */
				free(s);
				return NULL;
			}
			s->hidx[sc][h] = (uint8_t)(i + 1);
		}
	}
	s->arena_cap = ARENA_INIT;
	if (!(s->arena = malloc(s->arena_cap))) {
		free(s);
		return NULL;
	}
	return s;
}

void cc_scanner_free(struct cc_scanner *s)
{
	if (!s)
		return;
	free(s->arena);
	free(s);
}

int cc_scan_line(struct cc_scanner *s, const char *line, size_t len, struct cc_record *rec,
		 struct cc_parse_error *perr)
{
	const char *p, *end = line + len;

	memset(rec, 0, offsetof(struct cc_record, tools));
	s->beg = line;
	s->end = end;
	s->err_at = NULL;
	s->err_msg = NULL;
	s->flags = 0;
	s->n_tools = s->n_dropped = 0;
	memset(s->str, 0, sizeof(s->str));
	memset(s->cnt, 0, sizeof(s->cnt));
	memset(s->bools, 0, sizeof(s->bools));

	p = ws(line, end);
	if (p >= end || *p != '{') {
		fail(s, p, p >= end ? "empty line" : "expected '{' (a line holds one JSON object)");
		goto bad;
	}
	if (!(p = parse_obj(s, p + 1, 1, SC_TOP)))
		goto bad;
	p = ws(p, end);
	if (p != end) {
		fail(s, p, "unexpected data after the object");
		goto bad;
	}
	return finalize(s, rec, perr);
bad:
	/* column of the offending byte; end-of-line errors point at the last byte */
	perr->column = (uint32_t)(s->err_at - line) + (s->err_at < end || !len ? 1 : 0);
	snprintf(perr->msg, sizeof(perr->msg), "%s", s->err_msg);
	return AIU_EPARSE;
}
