/* pricing.c - see pricing.h; the file format is described in docs/PRICING.md.
 *
 * Loading: a document is parsed completely into a temporary struct pricing
 * and only then merged, so a bad override never leaves a half-merged table.
 * Merging moves entries (no copies): an entry whose key already exists
 * replaces the old one in place, the others are appended.
 *
 * Ownership: struct pricing owns v[]. Each price_entry owns its model,
 * source and as_of strings and its aliases array with every string in it;
 * entry_release() frees them all. Pointers returned by pricing_find() stay
 * valid until pricing_free() or the next merge.
 *
 * Money: rates are integer nano-dollars per token ($X/MTok == X*1000 n$),
 * parsed exactly from decimal strings, so costs are exact int64 sums. Only a
 * fractional fast multiplier rounds (half away from zero), once per call.
 */
#include "core/pricing.h"
#include "core/strutil.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Generated from data/pricing.json by scripts/embed.cmake. */
extern const unsigned char aiu_embed_pricing[];
extern const size_t aiu_embed_pricing_len;

#define PRICING_FILE_MAX ((size_t)4 << 20) /* override files: 4 MiB */
#define MAX_ENTRIES 1000
#define MAX_ALIASES 64
#define KEY_MAX 128                        /* model key / alias length */
#define NAME_NORM_MAX 256                  /* longest model name we match */
#define RATE_MAX ((int64_t)1000000 * 1000) /* $1,000,000/MTok in n$/token */
#define MULT_MAX_MILLI ((int64_t)1000 * 1000) /* fast multiplier <= 1000x */
#define THRESHOLD_MAX 100000000

static const char *const top_fields[] = { "format", "models", NULL };
static const char *const entry_fields[] = { "model", "aliases", "input", "output",
	"cache_write_5m", "cache_write_1h", "cache_read", "long_context", "fast_multiplier",
	"note", "source", "as_of", NULL };
static const char *const long_fields[] = { "threshold_tokens", "input", "output",
	"cache_write_5m", "cache_write_1h", "cache_read", NULL };

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_ALNUM(c) (IS_DIGIT(c) || ((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))

/* Name k of an entry: 0 is the key, k > 0 alias k-1; NULL past the end. */
static const char *entry_name(const struct price_entry *e, size_t k)
{
	if (k == 0)
		return e->model;
	for (size_t j = 0; e->aliases && e->aliases[j]; j++)
		if (j == k - 1)
			return e->aliases[j];
	return NULL;
}

/* Frees everything the entry owns and zeroes it. */
static void entry_release(struct price_entry *e)
{
	free(e->model);
	if (e->aliases)
		for (char **a = e->aliases; *a; a++)
			free(*a);
	free(e->aliases);
	free(e->source);
	free(e->as_of);
	memset(e, 0, sizeof(*e));
}

void pricing_free(struct pricing *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		entry_release(&p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* Rejects fields not in `allowed`; names starting with '_' are comments. */
static int check_fields(json_t *obj, const char *const *allowed, const char *origin,
			const char *path, struct aiu_err *err)
{
	const char *key;
	json_t *val;

	json_object_foreach(obj, key, val) {
		const char *const *a = allowed;
		if (key[0] == '_')
			continue;
		while (*a && strcmp(*a, key) != 0)
			a++;
		if (!*a)
			return aiu_errf(err, AIU_EPARSE, "%s: %s%s%.64s: unknown field", origin,
					path, *path ? "." : "", key);
	}
	return AIU_OK;
}

/* A model key or alias: 1..KEY_MAX printable non-blank ASCII bytes. */
static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || n > KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] > '~')
			return false;
	return true;
}

/* Gets obj[field] as a string; *out = NULL when absent and !required.
 * The result points into the JSON tree. */
static int get_str(json_t *obj, const char *field, bool required, const char *origin,
		   const char *path, const char **out, struct aiu_err *err)
{
	json_t *v = json_object_get(obj, field);

	*out = NULL;
	if (!v) {
		if (!required)
			return AIU_OK;
		return aiu_errf(err, AIU_EPARSE, "%s: %s.%s: missing", origin, path, field);
	}
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return aiu_errf(err, AIU_EPARSE, "%s: %s.%s: not a non-empty string", origin,
				path, field);
	*out = json_string_value(v);
	return AIU_OK;
}

/* Parses obj[field], a decimal string with at most 3 fractional digits, into
 * thousandths (for rates: $/MTok -> n$/token). */
static int get_milli(json_t *obj, const char *field, int64_t max, const char *origin,
		     const char *path, int64_t *out, struct aiu_err *err)
{
	json_t *v = json_object_get(obj, field);
	int rc;

	if (!v)
		return aiu_errf(err, AIU_EPARSE, "%s: %s.%s: missing", origin, path, field);
	if (!json_is_string(v))
		return aiu_errf(err, AIU_EPARSE,
				"%s: %s.%s: not a decimal string (write \"3.75\", not 3.75)",
				origin, path, field);
	rc = parse_decimal_scaled(json_string_value(v), json_string_length(v), 3, out);
	if (rc == AIU_EPARSE)
		return aiu_errf(err, AIU_EPARSE,
				"%s: %s.%s: not a decimal string with at most 3 decimals: \"%.40s\"",
				origin, path, field, json_string_value(v));
	if (rc == AIU_OK && *out < 0)
		return aiu_errf(err, AIU_EPARSE, "%s: %s.%s: negative value \"%.40s\"", origin,
				path, field, json_string_value(v));
	if (rc < 0 || *out > max)
		return aiu_errf(err, AIU_ELIMIT, "%s: %s.%s: value out of range \"%.40s\"",
				origin, path, field, json_string_value(v));
	return AIU_OK;
}

static int get_rates(json_t *obj, const char *origin, const char *path, struct price_rates *r,
		     struct aiu_err *err)
{
	static const char *const f[] = { "input", "output", "cache_write_5m", "cache_write_1h",
					 "cache_read" };
	int64_t *dst[] = { &r->input, &r->output, &r->cache_write_5m, &r->cache_write_1h,
			   &r->cache_read };
	int rc = AIU_OK;
	for (size_t i = 0; rc == AIU_OK && i < 5; i++)
		rc = get_milli(obj, f[i], RATE_MAX, origin, path, dst[i], err);
	return rc;
}

static bool date_ok(const char *s)
{
	int64_t m, d;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !IS_DIGIT(s[i]))
			return false;
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* Parses models[idx] into *e (zeroed by the caller). On failure *e may hold
 * partial allocations: the caller releases it either way. */
static int parse_entry(json_t *o, size_t idx, const char *origin, struct price_entry *e,
		       struct aiu_err *err)
{
	char path[48], lpath[64];
	const char *model, *source, *as_of, *note;
	json_t *al, *lc;
	int rc;

	snprintf(path, sizeof(path), "models[%zu]", idx);
	if (!json_is_object(o))
		return aiu_errf(err, AIU_EPARSE, "%s: %s: not an object", origin, path);
	if ((rc = check_fields(o, entry_fields, origin, path, err)) < 0 ||
	    (rc = get_str(o, "model", true, origin, path, &model, err)) < 0 ||
	    (rc = get_str(o, "source", true, origin, path, &source, err)) < 0 ||
	    (rc = get_str(o, "as_of", true, origin, path, &as_of, err)) < 0 ||
	    (rc = get_str(o, "note", false, origin, path, &note, err)) < 0)
		return rc; /* the note is checked for type only, never stored */
	if (!name_ok(model, strlen(model)))
		return aiu_errf(err, AIU_EPARSE, "%s: %s.model: not 1..%d printable characters",
				origin, path, KEY_MAX);
	if (!date_ok(as_of))
		return aiu_errf(err, AIU_EPARSE, "%s: %s.as_of: not a YYYY-MM-DD date", origin, path);
	if (!(e->model = strdup(model)) || !(e->source = strdup(source)) ||
	    !(e->as_of = strdup(as_of)))
		return aiu_errf(err, AIU_ENOMEM, "%s: %s: out of memory", origin, path);
	if ((rc = get_rates(o, origin, path, &e->base, err)) < 0)
		return rc;

	if ((al = json_object_get(o, "aliases"))) {
		size_t n = json_array_size(al);
		if (!json_is_array(al) || n > MAX_ALIASES)
			return aiu_errf(err, AIU_EPARSE, "%s: %s.aliases: not an array of <= %d names",
					origin, path, MAX_ALIASES);
		if (!(e->aliases = calloc(n + 1, sizeof(*e->aliases))))
			return aiu_errf(err, AIU_ENOMEM, "%s: %s: out of memory", origin, path);
		for (size_t i = 0; i < n; i++) {
			json_t *a = json_array_get(al, i);
			if (!json_is_string(a) ||
			    !name_ok(json_string_value(a), json_string_length(a)))
				return aiu_errf(err, AIU_EPARSE,
						"%s: %s.aliases[%zu]: not 1..%d printable characters",
						origin, path, i, KEY_MAX);
			if (!(e->aliases[i] = strdup(json_string_value(a))))
				return aiu_errf(err, AIU_ENOMEM, "%s: out of memory", origin);
		}
	}

	if ((lc = json_object_get(o, "long_context"))) {
		json_t *t = json_object_get(lc, "threshold_tokens");
		snprintf(lpath, sizeof(lpath), "%s.long_context", path);
		if (!json_is_object(lc))
			return aiu_errf(err, AIU_EPARSE, "%s: %s: not an object", origin, lpath);
		if ((rc = check_fields(lc, long_fields, origin, lpath, err)) < 0)
			return rc;
		if (!json_is_integer(t) || json_integer_value(t) <= 0 ||
		    json_integer_value(t) > THRESHOLD_MAX)
			return aiu_errf(err, AIU_EPARSE,
					"%s: %s.threshold_tokens: not an integer in 1..%d", origin,
					lpath, THRESHOLD_MAX);
		e->long_threshold = (int64_t)json_integer_value(t);
		if ((rc = get_rates(lc, origin, lpath, &e->lng, err)) < 0)
			return rc;
		e->has_long = true;
	}

	if (json_object_get(o, "fast_multiplier")) {
		if ((rc = get_milli(o, "fast_multiplier", MULT_MAX_MILLI, origin, path,
				    &e->fast_mult_milli, err)) < 0)
			return rc;
		if (e->fast_mult_milli == 0)
			return aiu_errf(err, AIU_EPARSE, "%s: %s.fast_multiplier: must be above 0 "
					"(leave it out for none)", origin, path);
	}
	return AIU_OK;
}

/* The entry in v[0..n) that already uses name s as key or alias, or NULL. */
static const char *seen_name(const struct price_entry *v, size_t n, const char *s)
{
	const char *t;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; (t = entry_name(&v[i], k)); k++)
			if (str_ieq(t, s))
				return v[i].model;
	return NULL;
}

/* Every key and alias appears once per document (case-insensitively). */
static int check_unique(const struct price_entry *v, size_t i, const char *origin,
			struct aiu_err *err)
{
	const char *s, *prev;
	char field[32];

	for (size_t k = 0; (s = entry_name(&v[i], k)); k++) {
		prev = seen_name(v, i, s);
		for (size_t j = 0; !prev && j < k; j++)
			if (str_ieq(entry_name(&v[i], j), s))
				prev = v[i].model;
		if (!prev)
			continue;
		if (k)
			snprintf(field, sizeof(field), "aliases[%zu]", k - 1);
		else
			str_copy(field, "model", sizeof(field));
		return aiu_errf(err, AIU_EPARSE, "%s: models[%zu].%s: \"%s\" already used by \"%s\"",
				origin, i, field, s, prev);
	}
	return AIU_OK;
}

/* Parses a whole document into *out (empty on entry; caller frees). */
static int parse_doc(const char *json, size_t len, const char *origin, struct pricing *out,
		     struct aiu_err *err)
{
	json_error_t jerr;
	json_t *root, *fmt, *models;
	size_t nm = 0;
	int rc = AIU_OK;

	if (!(root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr)))
		return aiu_errf(err, AIU_EPARSE, "%s:%d:%d: invalid JSON: %s", origin, jerr.line,
				jerr.column, jerr.text);
	fmt = json_object_get(root, "format");
	if (!json_is_object(root))
		rc = aiu_errf(err, AIU_EPARSE, "%s: top level: not an object", origin);
	else if ((rc = check_fields(root, top_fields, origin, "", err)) < 0)
		goto out;
	else if (fmt && !(json_is_integer(fmt) && json_integer_value(fmt) == 1))
		rc = aiu_errf(err, AIU_EPARSE, "%s: format: unsupported (this build reads 1)", origin);
	else if (!json_is_array(models = json_object_get(root, "models")))
		rc = aiu_errf(err, AIU_EPARSE, "%s: models: missing or not an array", origin);
	else if ((nm = json_array_size(models)) > MAX_ENTRIES)
		rc = aiu_errf(err, AIU_ELIMIT, "%s: models: over %d entries", origin, MAX_ENTRIES);
	else if (nm && !(out->v = calloc(nm, sizeof(*out->v))))
		rc = aiu_errf(err, AIU_ENOMEM, "%s: out of memory", origin);
	for (size_t i = 0; rc == AIU_OK && i < nm; i++) {
		out->n = i + 1; /* v[i] is zeroed, so pricing_free() copes with partial entries */
		if ((rc = parse_entry(json_array_get(models, i), i, origin, &out->v[i], err)) == 0)
			rc = check_unique(out->v, i, origin, err);
	}
out:
	json_decref(root);
	return rc;
}

int pricing_merge_json(struct pricing *p, const char *json, size_t len, const char *origin,
		       struct aiu_err *err)
{
	struct pricing tmp = { NULL, 0 };
	struct price_entry *nv;
	int rc;

	if ((rc = parse_doc(json, len, origin, &tmp, err)) < 0)
		goto out;
	/* Grow once up front so the moves below cannot fail half-way. */
	if (tmp.n && !(nv = realloc(p->v, (p->n + tmp.n) * sizeof(*nv)))) {
		rc = aiu_errf(err, AIU_ENOMEM, "%s: out of memory", origin);
		goto out;
	}
	if (tmp.n)
		p->v = nv;
	for (size_t i = 0; i < tmp.n; i++) {
		size_t j = 0;
		while (j < p->n && !str_ieq(p->v[j].model, tmp.v[i].model))
			j++;
		if (j < p->n)
			entry_release(&p->v[j]); /* replaced in place */
		else
			p->n++;
		p->v[j] = tmp.v[i]; /* ownership moves to p */
		memset(&tmp.v[i], 0, sizeof(tmp.v[i]));
	}
out:
	pricing_free(&tmp);
	return rc;
}

/* Reads the whole file at path (at most PRICING_FILE_MAX bytes) into *out,
 * which the caller frees. Works for pipes too: it reads, never trusts stat. */
static int read_capped(const char *path, char **out, size_t *len, struct aiu_err *err)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	size_t n = 0, got;
	char *buf = NULL;
	int rc = AIU_OK;

	*out = NULL;
	*len = 0;
	if (!f)
		return aiu_errf(err, AIU_EIO, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) != 0 || S_ISDIR(st.st_mode)) {
		rc = aiu_errf(err, AIU_EIO, "%s: not a readable file", path);
		goto out;
	}
	if (!(buf = malloc(PRICING_FILE_MAX + 1))) {
		rc = aiu_errf(err, AIU_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	while (n <= PRICING_FILE_MAX && (got = fread(buf + n, 1, PRICING_FILE_MAX + 1 - n, f)) > 0)
		n += got;
	if (ferror(f))
		rc = aiu_errf(err, AIU_EIO, "%s: read error", path);
	else if (n > PRICING_FILE_MAX)
		rc = aiu_errf(err, AIU_ELIMIT, "%s: larger than the 4 MiB limit", path);
	if (rc < 0)
		goto out;
	*out = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return rc;
}

int pricing_load(struct pricing *p, const char *override_path, struct aiu_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	p->v = NULL;
	p->n = 0;
	if ((rc = pricing_merge_json(p, (const char *)aiu_embed_pricing, aiu_embed_pricing_len,
				     "pricing.json", err)) < 0)
		goto out;
	if (override_path) {
		if ((rc = read_capped(override_path, &buf, &len, err)) < 0)
			goto out;
		rc = pricing_merge_json(p, buf, len, override_path, err);
	}
out:
	free(buf);
	if (rc < 0)
		pricing_free(p); /* on failure p is left empty */
	return rc;
}

/* Lower-cases src into dst with '.', '@' and ':' turned into '-', so
 * "anthropic.claude-opus-4-1@20250805-v1:0" reads as dash-separated words.
 * Returns the length, or 0 if src is empty or does not fit. */
static size_t norm(char *dst, size_t cap, const char *src)
{
	size_t n = 0;
	for (; *src; src++) {
		char c = *src;
		if (n + 1 >= cap)
			return 0;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (c == '.' || c == '@' || c == ':')
			c = '-';
		dst[n++] = c;
	}
	dst[n] = '\0';
	return n;
}

/* Is key (length k) in name (length n) at a position where it starts after a
 * non-alphanumeric byte and ends at the end, at a non-alphanumeric byte that
 * is not "-<digits>", or at "-<8-digit date>"? So "claude-opus-4" matches
 * "claude-opus-4-20250514" and "us-anthropic-claude-opus-4-v1" but never
 * "claude-opus-4-5" (another version number) or "claude-opus-45". */
static bool match_key(const char *name, size_t n, const char *key, size_t k)
{
	for (const char *s = strstr(name, key); s; s = strstr(s + 1, key)) {
		size_t pos = (size_t)(s - name), q = pos + k, d = 0;
		if (pos > 0 && IS_ALNUM(name[pos - 1]))
			continue;
		if (q == n)
			return true;
		if (IS_ALNUM(name[q]))
			continue;
		if (name[q] != '-' || !IS_DIGIT(name[q + 1]))
			return true;
		while (IS_DIGIT(name[q + 1 + d]))
			d++;
		if (d == 8 && !IS_ALNUM(name[q + 1 + d]))
			return true;
	}
	return false;
}

const struct price_entry *pricing_find(const struct pricing *p, const char *model)
{
	char name[NAME_NORM_MAX], key[KEY_MAX + 1];
	const struct price_entry *best = NULL;
	size_t n, best_len = 0;

	if (!p || !model || !*model)
		return NULL;
	/* Exact names first: keys, then aliases; later (override) entries win. */
	for (size_t i = p->n; i-- > 0;)
		if (str_ieq(p->v[i].model, model))
			return &p->v[i];
	for (size_t i = p->n; i-- > 0;)
		for (char **a = p->v[i].aliases; a && *a; a++)
			if (str_ieq(*a, model))
				return &p->v[i];
	if (!(n = norm(name, sizeof(name), model)))
		return NULL;
	/* Then the longest key or alias found on word boundaries. */
	for (size_t i = p->n; i-- > 0;) {
		const char *s;
		for (size_t k = 0; (s = entry_name(&p->v[i], k)); k++) {
			size_t len = norm(key, sizeof(key), s);
			if (len > best_len && match_key(name, n, key, len)) {
				best = &p->v[i];
				best_len = len;
			}
		}
	}
	return best;
}

static int64_t sat_mul(int64_t a, int64_t b)
{
	int64_t r;
	if (__builtin_mul_overflow(a, b, &r))
		return (a < 0) != (b < 0) ? INT64_MIN : INT64_MAX;
	return r;
}

static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;
	if (__builtin_add_overflow(a, b, &r))
		return a < 0 ? INT64_MIN : INT64_MAX;
	return r;
}

/* c * milli / 1000, rounded half away from zero, saturating. Splitting c
 * into q*1000 + r keeps r*milli (< 1000 * MULT_MAX_MILLI) far from overflow. */
static int64_t mul_milli(int64_t c, int64_t milli)
{
	int64_t q = c / 1000, r = c % 1000;
	int64_t frac = r * milli;
	frac = (frac + (frac < 0 ? -500 : 500)) / 1000;
	return sat_add(sat_mul(q, milli), frac);
}

/* The recorded variant bits prove the prompt passed e's threshold. */
static bool long_applies(const struct price_entry *e, unsigned variant)
{
	if (!e->has_long)
		return false;
	if ((variant & PRICE_VAR_LONG) && e->long_threshold <= PRICE_LONG_PROMPT_TOKENS)
		return true;
	return (variant & PRICE_VAR_OVER_100K) && e->long_threshold <= PRICE_OVER_100K_PROMPT_TOKENS;
}

bool pricing_cost(const struct price_entry *e, unsigned variant, const struct token_counts *t,
		  int64_t *out_nano)
{
	const struct price_rates *r;
	int64_t c = 0;

	*out_nano = 0;
	if (!e || !t)
		return false;
	r = long_applies(e, variant) ? &e->lng : &e->base;
	c = sat_add(c, sat_mul(t->input, r->input));
	c = sat_add(c, sat_mul(t->output, r->output));
	c = sat_add(c, sat_mul(t->cache_write_5m, r->cache_write_5m));
	c = sat_add(c, sat_mul(t->cache_write_1h, r->cache_write_1h));
	c = sat_add(c, sat_mul(t->cache_read, r->cache_read));
	if ((variant & PRICE_VAR_FAST) && e->fast_mult_milli > 0)
		c = mul_milli(c, e->fast_mult_milli);
	*out_nano = c;
	return true;
}
