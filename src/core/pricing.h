/* pricing.h - model price table and exact cost arithmetic.
 *
 * Prices are data (data/pricing.json, embedded into the binary at build
 * time; `--pricing FILE` adds or overrides entries). Rates are held as
 * integer nano-dollars per token (1 $/MTok == 1000 n$/token), so a cost is an
 * exact int64 count of nano-dollars and sums never drift. Display code turns
 * nano-dollars into dollars only at the very end.
 *
 * Long-context rates apply per request, as Anthropic bills: when a request's
 * prompt (input + cache write + cache read) exceeds the model's threshold,
 * every token of that request is charged at the long-context rates. Fast
 * mode multiplies the whole request cost by the model's fast multiplier.
 */
#ifndef AIU_PRICING_H
#define AIU_PRICING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct price_rates {
	int64_t input, output, cache_write_5m, cache_write_1h, cache_read; /* n$/token */
};

struct price_entry {
	char *model;             /* canonical key, e.g. "claude-sonnet-4-5" */
	char **aliases;          /* extra exact names; NULL-terminated or NULL */
	struct price_rates base;
	bool has_long;           /* long-context tier present */
	int64_t long_threshold;  /* prompt tokens above which `lng` applies */
	struct price_rates lng;
	int64_t fast_mult_milli; /* fast-mode multiplier x1000; 0 = none */
	char *source;            /* where the numbers come from (URL) */
	char *as_of;             /* YYYY-MM-DD the source was read */
};

struct pricing {
	struct price_entry *v;
	size_t n;
};

/* Token counts of one request (or of a sum of requests sharing a variant). */
struct token_counts {
	int64_t input, output, cache_write_5m, cache_write_1h, cache_read;
};

/* Variant bits recorded per request at ingest time; independent of prices. */
#define PRICE_VAR_LONG 1u  /* prompt exceeded 200k tokens */
#define PRICE_VAR_FAST 2u  /* usage.speed == "fast" */
#define PRICE_LONG_PROMPT_TOKENS 200000
/* Prompt exceeded 100k tokens (the tier of e.g. claude-haiku-5-5). An entry's
 * long-context rates apply only when a recorded bit proves the prompt passed
 * its threshold: PRICE_VAR_LONG for thresholds <= 200k, this bit for <= 100k. */
#define PRICE_VAR_OVER_100K 4u
#define PRICE_OVER_100K_PROMPT_TOKENS 100000

/* Loads the embedded table, then (if path != NULL) merges the file at path:
 * an entry with an existing model key replaces it, others are added.
 * Caller frees with pricing_free(). Errors name the file and field. */
int pricing_load(struct pricing *p, const char *override_path, struct aiu_err *err);
/* Parses a pricing JSON document (the data/pricing.json format) and merges it. */
int pricing_merge_json(struct pricing *p, const char *json, size_t len,
		       const char *origin, struct aiu_err *err);
void pricing_free(struct pricing *p);

/* Finds the entry for a model name as it appears in transcripts or APIs
 * ("claude-sonnet-4-5-20250929", "anthropic.claude-opus-4-1@...", ...).
 * Exact key or alias first, then the longest key that matches on
 * non-alphanumeric boundaries, allowing a trailing date suffix; "claude-opus-4"
 * never matches "claude-opus-4-5". NULL if unknown: never silently $0. */
const struct price_entry *pricing_find(const struct pricing *p, const char *model);

/* Cost in nano-dollars of token counts under a variant. Returns false (and
 * *out = 0) if e is NULL. Saturates instead of overflowing. */
bool pricing_cost(const struct price_entry *e, unsigned variant,
		  const struct token_counts *t, int64_t *out_nano);

#endif
