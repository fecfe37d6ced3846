/* tz.c - see tz.h. TZif layout: RFC 8536; footer: POSIX TZ with the
 * RFC 8536 extensions (rule times -167..167 hours). */
#include "core/tz.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SPD 86400LL                  /* seconds per day */
#define T_CLAMP (1LL << 40)          /* |t| cap for calendar math (~34800 years) */
#define FOOTER_MAX 511
#define DEFAULT_TZDIR "/usr/share/zoneinfo"
#define LOCALTIME "/etc/localtime"

struct rule {                        /* one POSIX date/time: "M3.5.0/3" */
	char kind;                   /* 'J' Julian 1-365 (no Feb 29), 'D' 0-365, 'M' */
	int m, w, d;                 /* M: month, week 1-5, weekday 0-6; J/D: day in d */
	int32_t secs;                /* local time of day of the change */
};

struct posix {                       /* a parsed POSIX TZ string */
	bool has_dst;
	int32_t std_off, dst_off;    /* seconds east of UTC */
	struct rule start, end;      /* start: std -> dst, end: dst -> std */
};

struct tz {                          /* immutable after load; one allocation */
	char name[TZ_NAME_MAX + 1];
	int32_t pre_off;             /* before at[0]: first non-DST type */
	bool has_footer;             /* ft applies after at[n-1] (always if n == 0) */
	struct posix ft;
	size_t n;                    /* number of transitions */
	int64_t *at;                 /* n ascending UTC instants (into data[]) */
	int32_t *off;                /* off[i] applies from at[i] on (into data[]) */
	int64_t data[];
};

/* ---- small arithmetic helpers ---------------------------------------- */

static int64_t fdiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int64_t clamp_t(int64_t t)
{
	return t < -T_CLAMP ? -T_CLAMP : t > T_CLAMP ? T_CLAMP : t;
}

static int64_t year_of(int64_t t)
{
	int y;
	unsigned m, d;
	civil_from_days(fdiv(clamp_t(t), SPD), &y, &m, &d);
	return y;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* ---- POSIX TZ strings --------------------------------------------------- */

/* Unsigned decimal of 1..3 digits within [lo, hi]; returns the end or NULL. */
static const char *p_num(const char *s, int lo, int hi, int *out)
{
	int v = 0, nd = 0;
	while (is_digit(*s) && nd < 3) {
		v = v * 10 + (*s++ - '0');
		nd++;
	}
	if (!nd || is_digit(*s) || v < lo || v > hi)
		return NULL;
	*out = v;
	return s;
}

/* [+-]h[h[h]][:mm[:ss]] with hours <= maxh; returns the end or NULL. */
static const char *p_hms(const char *s, int maxh, int32_t *out)
{
	int sign = 1, h, m = 0, sec = 0;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (!(s = p_num(s, 0, maxh, &h)))
		return NULL;
	if (*s == ':') {
		if (!(s = p_num(s + 1, 0, 59, &m)))
			return NULL;
		if (*s == ':' && !(s = p_num(s + 1, 0, 59, &sec)))
			return NULL;
	}
	*out = sign * (h * 3600 + m * 60 + sec);
	return s;
}

/* Zone abbreviation: 3+ letters, or <[A-Za-z0-9+-]+>. */
static const char *p_abbr(const char *s)
{
	const char *q = s;
	if (*s == '<') {
		for (q = s + 1; is_alpha(*q) || is_digit(*q) || *q == '+' || *q == '-'; q++)
			;
		return *q == '>' && q - s >= 2 ? q + 1 : NULL;
	}
	while (is_alpha(*q))
		q++;
	return q - s >= 3 ? q : NULL;
}

static const char *p_rule(const char *s, struct rule *r)
{
	memset(r, 0, sizeof(*r));
	r->kind = *s == 'M' || *s == 'J' ? *s++ : 'D';
	if (r->kind != 'M')
		s = p_num(s, r->kind == 'J', 365, &r->d);
	else if ((s = p_num(s, 1, 12, &r->m)) && *s == '.' && (s = p_num(s + 1, 1, 5, &r->w)) &&
		 *s == '.')
		s = p_num(s + 1, 0, 6, &r->d);
	else
		s = NULL;
	if (!s)
		return NULL;
	r->secs = 7200; /* default 02:00 */
	if (*s == '/')
		s = p_hms(s + 1, 167, &r->secs);
	return s;
}

/* Parses a whole POSIX TZ string. Offsets in the string count west. */
static int parse_posix(const char *s, struct posix *p)
{
	int32_t v;
	memset(p, 0, sizeof(*p));
	if (!(s = p_abbr(s)) || !(s = p_hms(s, 24, &v)))
		return AIU_EPARSE;
	p->std_off = p->dst_off = -v;
	if (!*s)
		return AIU_OK;
	if (!(s = p_abbr(s)))
		return AIU_EPARSE;
	p->has_dst = true;
	p->dst_off = p->std_off + 3600;
	if (*s && *s != ',') {
		if (!(s = p_hms(s, 24, &v)))
			return AIU_EPARSE;
		p->dst_off = -v;
	}
	if (!*s) /* no rules: the US rules, as glibc and tzcode assume */
		s = ",M3.2.0,M11.1.0";
	if (*s != ',' || !(s = p_rule(s + 1, &p->start)) || *s != ',' ||
	    !(s = p_rule(s + 1, &p->end)) || *s)
		return AIU_EPARSE;
	return AIU_OK;
}

static int64_t rule_day(const struct rule *r, int64_t y)
{
	int64_t jan1 = days_from_civil(y, 1, 1), first, next, day;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (r->kind == 'J')
		return jan1 + r->d - 1 + (leap && r->d >= 60);
	if (r->kind == 'D')
		return jan1 + r->d;
	first = days_from_civil(y, (unsigned)r->m, 1);
	next = r->m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, (unsigned)r->m + 1, 1);
	day = first + (r->d - weekday_from_days(first) + 7) % 7 + (int64_t)(r->w - 1) * 7;
	while (day >= next)
		day -= 7;
	return day;
}

/* The two changes of year y in time order: from at[k] on, off[k] applies. */
static void footer_year(const struct posix *p, int64_t y, int64_t at[2], int32_t off[2])
{
	int64_t s = rule_day(&p->start, y) * SPD + p->start.secs - p->std_off;
	int64_t e = rule_day(&p->end, y) * SPD + p->end.secs - p->dst_off;
	bool sf = s <= e;
	at[0] = sf ? s : e;
	at[1] = sf ? e : s;
	off[0] = sf ? p->dst_off : p->std_off;
	off[1] = sf ? p->std_off : p->dst_off;
}

/* Offset from the rule alone: the latest change at or before t wins (a
 * later year wins ties, which makes "permanent DST" strings work). */
static int32_t footer_off(const struct posix *p, int64_t t)
{
	int64_t y, best_at = INT64_MIN, at[2];
	int32_t best = p->std_off, off[2];
	if (!p->has_dst)
		return p->std_off;
	t = clamp_t(t);
	y = year_of(t);
	for (int64_t yy = y - 1; yy <= y + 1; yy++) {
		footer_year(p, yy, at, off);
		for (int k = 0; k < 2; k++)
			if (at[k] <= t && at[k] >= best_at) {
				best_at = at[k];
				best = off[k];
			}
	}
	return best;
}

/* ---- queries ------------------------------------------------------------ */

/* The number of transitions at or before t. */
static size_t n_before(const struct tz *z, int64_t t)
{
	size_t lo = 0, hi = z->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->at[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int32_t tz_offset_at(const struct tz *z, int64_t t)
{
	size_t i = n_before(z, t);
	if (z->has_footer && i == z->n) /* after the table, or no table at all */
		return footer_off(&z->ft, t);
	return i == 0 ? z->pre_off : z->off[i - 1];
}

/* The first instant > t at which the offset may change (INT64_MAX: never). */
static int64_t next_change(const struct tz *z, int64_t t)
{
	int64_t best = INT64_MAX, at[2];
	int32_t off[2];
	size_t i = n_before(z, t);
	if (i < z->n)
		return z->at[i];
	if (!z->has_footer || !z->ft.has_dst)
		return best;
	for (int64_t y = year_of(t) - 1, y1 = y + 3; y <= y1; y++) {
		footer_year(&z->ft, y, at, off);
		for (int k = 0; k < 2; k++)
			if (at[k] > t && at[k] < best)
				best = at[k];
	}
	return best;
}

int64_t tz_local_ms(const struct tz *z, int64_t unix_ms)
{
	int64_t r;
	int64_t off_ms = (int64_t)tz_offset_at(z, fdiv(unix_ms, 1000)) * 1000;
	if (__builtin_add_overflow(unix_ms, off_ms, &r))
		return unix_ms < 0 ? INT64_MIN : INT64_MAX;
	return r;
}

int64_t tz_local_day(const struct tz *z, int64_t unix_ms)
{
	return fdiv(tz_local_ms(z, unix_ms), MS_PER_DAY);
}

/* Offsets are below 2 days (|utoff| <= 26 h), so the answer lies in
 * [L - 2d, L + 3d]; walk the constant-offset segments in that window and
 * take the first instant whose local time reaches L. */
int64_t tz_day_start_ms(const struct tz *z, int64_t local_day)
{
	int64_t lim = T_CLAMP / SPD - 4, L, a, end;
	local_day = local_day < -lim ? -lim : local_day > lim ? lim : local_day;
	L = local_day * SPD;
	a = L - 2 * SPD;
	end = L + 3 * SPD;
	while (a < end) {
		int64_t b = next_change(z, a), c = L - tz_offset_at(z, a);
		if (c < a)
			c = a;
		if (c < b)
			return c * 1000;
		a = b;
	}
	return (L - tz_offset_at(z, L)) * 1000; /* unreachable for valid zones */
}

const char *tz_name(const struct tz *z)
{
	return z->name;
}

void tz_free(struct tz *z)
{
	free(z); /* transitions live in the same allocation */
}

/* ---- construction ------------------------------------------------------- */

/* Allocates a zone with room for n transitions; the caller owns it. */
static struct tz *zone_new(const char *name, size_t n)
{
	struct tz *z;
	if (n > (SIZE_MAX - sizeof(*z)) / 16)
		return NULL;
	z = calloc(1, sizeof(*z) + n * (sizeof(int64_t) + sizeof(int32_t)));
	if (!z)
		return NULL;
	str_copy(z->name, name, sizeof(z->name));
	z->n = n;
	z->at = z->data;
	z->off = (int32_t *)(z->data + n);
	return z;
}

int tz_load_posix(const char *spec, struct tz **out, struct aiu_err *err)
{
	struct posix p;
	*out = NULL;
	if (!spec || strlen(spec) > TZ_NAME_MAX || parse_posix(spec, &p) < 0)
		return aiu_errf(err, AIU_EARG, "invalid POSIX TZ string '%.*s'", TZ_NAME_MAX,
				spec ? spec : "(null)");
	if (!(*out = zone_new(spec, 0)))
		return aiu_errf(err, AIU_ENOMEM, "out of memory loading time zone");
	(*out)->pre_off = p.std_off;
	(*out)->has_footer = true;
	(*out)->ft = p;
	return AIU_OK;
}

static int utc_zone(const char *name, struct tz **out, struct aiu_err *err)
{
	*out = zone_new(name, 0); /* all offsets zero */
	return *out ? AIU_OK : aiu_errf(err, AIU_ENOMEM, "out of memory loading time zone");
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct hdr {
	char ver;
	uint32_t isut, isstd, leap, time, type, chr;
	uint64_t len; /* header + data block */
};

/* Reads and checks a header at p[off..n); tsize is 4 (v1) or 8 (v2+). */
static const char *read_hdr(const uint8_t *p, size_t n, size_t off, int tsize, struct hdr *h)
{
	const uint8_t *q;
	if (off > n || n - off < 44)
		return "truncated header";
	q = p + off;
	if (memcmp(q, "TZif", 4) != 0)
		return "bad magic";
	h->ver = (char)q[4];
	h->isut = be32(q + 20);
	h->isstd = be32(q + 24);
	h->leap = be32(q + 28);
	h->time = be32(q + 32);
	h->type = be32(q + 36);
	h->chr = be32(q + 40);
	if (h->type == 0 || h->type > 256 || (h->isstd && h->isstd != h->type) ||
	    (h->isut && h->isut != h->type))
		return "bad counts";
	h->len = 44 + (uint64_t)h->time * (uint64_t)(tsize + 1) + (uint64_t)h->type * 6 +
		 h->chr + (uint64_t)h->leap * (uint64_t)(tsize + 4) + h->isstd + h->isut;
	if (h->len > n - off)
		return "truncated data";
	return NULL;
}

int tz_load_tzif(const void *data, size_t n, const char *name, struct tz **out,
		 struct aiu_err *err)
{
	const uint8_t *p = data, *tp, *ip, *yp;
	struct hdr h;
	const char *why = NULL;
	char footer[FOOTER_MAX + 1] = "";
	size_t off = 0, flen = 0;
	int tsize = 4, rc = AIU_OK;
	struct tz *z = NULL;

	*out = NULL;
	name = name ? name : "(tzif)";
	if ((why = read_hdr(p, n, 0, 4, &h)))
		goto out;
	if (h.ver != 0) { /* v2+: skip the 32-bit block, use the 64-bit one */
		off = (size_t)h.len;
		tsize = 8;
		if ((why = read_hdr(p, n, off, 8, &h)))
			goto out;
		if (h.ver < '2') {
			why = "bad second header version";
			goto out;
		}
		const uint8_t *f = p + off + h.len, *e = p + n, *nl;
		if (f >= e || *f != '\n' || !(nl = memchr(f + 1, '\n', (size_t)(e - f - 1)))) {
			why = "missing footer";
			goto out;
		}
		if ((flen = (size_t)(nl - f - 1)) > FOOTER_MAX || memchr(f + 1, '\0', flen)) {
			why = "bad footer";
			goto out;
		}
		memcpy(footer, f + 1, flen);
		footer[flen] = '\0';
	}
	if (!(z = zone_new(name, h.time))) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory loading time zone '%s'", name);
		goto out;
	}
	tp = p + off + 44;
	ip = tp + (size_t)h.time * (size_t)tsize;
	yp = ip + h.time;
	z->pre_off = INT32_MIN;
	for (uint32_t k = 0; k < h.type; k++) {
		int32_t u = (int32_t)be32(yp + 6 * k);
		if (u < -89999 || u > 93599 || yp[6 * k + 4] > 1) {
			why = "bad local time type";
			goto out;
		}
		if (z->pre_off == INT32_MIN && yp[6 * k + 4] == 0)
			z->pre_off = u;
	}
	if (z->pre_off == INT32_MIN) /* all DST: RFC 8536 says use type 0 */
		z->pre_off = (int32_t)be32(yp);
	for (uint32_t i = 0; i < h.time; i++) {
		z->at[i] = tsize == 8 ? be64(tp + 8 * (size_t)i) : (int32_t)be32(tp + 4 * (size_t)i);
		if ((i && z->at[i] <= z->at[i - 1]) || ip[i] >= h.type) {
			why = "bad transition";
			goto out;
		}
		z->off[i] = (int32_t)be32(yp + 6 * (size_t)ip[i]);
	}
	if (footer[0]) {
		if (parse_posix(footer, &z->ft) < 0) {
			why = "bad footer";
			goto out;
		}
		z->has_footer = true;
	}
	*out = z;
	z = NULL;
out:
	if (why)
		rc = aiu_errf(err, AIU_EPARSE, "time zone '%s': corrupt TZif data (%s)", name, why);
	tz_free(z);
	return rc;
}

/* Reads a regular file of at most TZ_FILE_MAX bytes into *buf (caller
 * frees). AIU_ENOTFOUND when it does not exist or is not a regular file. */
static int slurp(const char *path, uint8_t **buf, size_t *len, struct aiu_err *err)
{
	struct stat st;
	uint8_t *b = NULL;
	size_t got = 0;
	int fd, rc = AIU_OK;

	*buf = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP || errno == ENAMETOOLONG)
			return AIU_ENOTFOUND;
		return aiu_errf(err, AIU_EIO, "cannot open %s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = AIU_ENOTFOUND;
		goto out;
	}
	if (st.st_size > TZ_FILE_MAX) {
		rc = aiu_errf(err, AIU_ELIMIT, "%s: time zone file larger than %d bytes", path,
			      TZ_FILE_MAX);
		goto out;
	}
	if (!(b = malloc((size_t)st.st_size + 1))) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory reading %s", path);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, b + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = aiu_errf(err, AIU_EIO, "cannot read %s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	*buf = b;
	*len = got;
	b = NULL;
out:
	free(b);
	close(fd);
	return rc;
}

static int load_file(const char *path, const char *name, struct tz **out, struct aiu_err *err)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = slurp(path, &buf, &len, err);
	if (rc == AIU_OK)
		rc = tz_load_tzif(buf, len, name, out, err);
	free(buf); /* the zone copies what it needs */
	return rc;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > TZ_NAME_MAX || s[0] == '/' || strstr(s, ".."))
		return false;
	for (; *s; s++)
		if (!is_alpha(*s) && !is_digit(*s) && !strchr("/_+-.", *s))
			return false;
	return true;
}

/* Built in, so UTC works without tzdata installed. */
static bool is_utc_name(const char *s)
{
	static const char names[] = "|UTC|UCT|GMT|Zulu|Universal|";
	const char *q;
	size_t n;
	if (str_has_prefix(s, "Etc/"))
		s += 4;
	n = strlen(s);
	if (n == 0)
		return false; /* "Etc/": strstr would match "" forever and run off the end */
	for (q = names; (q = strstr(q, s)); q++)
		if (n && q[-1] == '|' && q[n] == '|')
			return true;
	return false;
}

static const char *tzdir(void)
{
	const char *d = getenv("TZDIR");
	return d && *d ? d : DEFAULT_TZDIR;
}

/* A named zone; AIU_ENOTFOUND (no message) when no such file exists. */
static int load_named(const char *name, struct tz **out, struct aiu_err *err)
{
	char path[PATH_MAX];
	int n;
	if (is_utc_name(name))
		return utc_zone(name, out, err);
	n = snprintf(path, sizeof(path), "%s/%s", tzdir(), name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return AIU_ENOTFOUND;
	return load_file(path, name, out, err);
}

/* Name for /etc/localtime: what follows "zoneinfo/" in its link target. */
static void localtime_name(char *out, size_t cap)
{
	char target[PATH_MAX];
	const char *p, *q;
	ssize_t r = readlink(LOCALTIME, target, sizeof(target) - 1);
	str_copy(out, "localtime", cap);
	if (r <= 0)
		return;
	target[r] = '\0';
	for (p = NULL, q = target; (q = strstr(q, "zoneinfo/")); q++)
		p = q + 9;
	if (p && name_ok(p))
		str_copy(out, p, cap);
}

/* $TZ: ":name", "name", a path inside the zoneinfo dir, or a POSIX string. */
static int load_env(const char *v, struct tz **out, struct aiu_err *err)
{
	const char *dir = tzdir(), *name = v;
	size_t dl = strlen(dir);
	int rc;

	if (*v == '\0') /* TZ="" means UTC, as in glibc */
		return utc_zone("UTC", out, err);
	if (*name == ':')
		name++;
	if (*name == '\0' || strcmp(name, LOCALTIME) == 0)
		return AIU_ENOTFOUND; /* the system default */
	if (*name == '/') {
		if (strncmp(name, dir, dl) != 0 || name[dl] != '/')
			return aiu_errf(err, AIU_EARG, "$TZ: absolute path '%.*s' is outside %s",
					TZ_NAME_MAX, name, dir);
		name += dl + 1;
	}
	if (name_ok(name) && (rc = load_named(name, out, err)) != AIU_ENOTFOUND)
		return rc;
	if (tz_load_posix(name, out, NULL) == AIU_OK)
		return AIU_OK;
	return aiu_errf(err, AIU_EARG, "unknown time zone '%.*s' (from $TZ)", TZ_NAME_MAX, name);
}

static int load_local(struct tz **out, struct aiu_err *err)
{
	char name[TZ_NAME_MAX + 1];
	const char *v = getenv("TZ");
	int rc;

	if (v && (rc = load_env(v, out, err)) != AIU_ENOTFOUND)
		return rc;
	localtime_name(name, sizeof(name));
	rc = load_file(LOCALTIME, name, out, err);
	if (rc == AIU_ENOTFOUND)
		return utc_zone("UTC", out, err);
	return rc;
}

int tz_load(const char *name, struct tz **out, struct aiu_err *err)
{
	int rc;
	*out = NULL;
	if (!name || !*name || strcmp(name, "local") == 0)
		return load_local(out, err);
	if (!name_ok(name))
		return aiu_errf(err, AIU_EARG, "invalid time zone name '%.*s'", TZ_NAME_MAX, name);
	rc = load_named(name, out, err);
	if (rc == AIU_ENOTFOUND)
		return aiu_errf(err, AIU_EARG, "unknown time zone '%s'", name);
	return rc;
}
