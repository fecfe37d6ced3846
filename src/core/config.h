/* config.h - the INI-style configuration file.
 *
 * Location: --config FILE, else $XDG_CONFIG_HOME/aiusage/config.ini, else
 * ~/.config/aiusage/config.ini (a missing default file is fine; a missing
 * --config file is an error). Format:
 *
 *   # comment (also ;)
 *   [anthropic]
 *   admin_key = sk-ant-admin01-...
 *   base_url  = https://api.anthropic.com
 *   [cursor]
 *   api_key   = key_...
 *   base_url  = https://api.cursor.com
 *   [seats]
 *   claude_ai = 3000      ; cents per seat per month
 *   cursor    = 4000
 *   [budget]
 *   monthly   = 500000    ; cents per month (the org's bill)
 *   [pull]
 *   backfill_days = 90
 *   schedule      = hourly
 *
 * Keys are a table (config.c): unknown sections or keys are errors naming
 * the file and line, every value is capped, the file is capped at 64 KiB.
 * Environment variables override the file: ANTHROPIC_ADMIN_KEY,
 * ANTHROPIC_BASE_URL, CURSOR_API_KEY, CURSOR_BASE_URL. Secrets (the keys)
 * are never printed: config_describe() shows them as "set"/"unset".
 */
#ifndef AIU_CONFIG_H
#define AIU_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define CONFIG_FILE_MAX (64 * 1024)
#define ANTHROPIC_DEFAULT_BASE "https://api.anthropic.com"
#define CURSOR_DEFAULT_BASE "https://api.cursor.com"

struct aiu_config {
	char path[4096];               /* file read ("" if none) */
	char anthropic_admin_key[512]; /* secret */
	char anthropic_base_url[1024];
	char cursor_api_key[512];      /* secret */
	char cursor_base_url[1024];
	int64_t seat_cents_claude_ai;  /* -1 = not configured */
	int64_t seat_cents_cursor;     /* -1 = not configured */
	int64_t budget_monthly_cents;  /* [budget] monthly (cents); -1 = none */
	int64_t backfill_days;         /* default 90 */
	char schedule[64];             /* default "hourly" */
	bool insecure_file;            /* the file sets a key and is group/other readable */
};

/* Fills c with defaults, reads the file (path NULL = default location),
 * then applies the environment overrides. */
int config_load(struct aiu_config *c, const char *path, struct aiu_err *err);
/* Parses INI text (for tests and fuzzing); name is used in messages. */
int config_parse(struct aiu_config *c, const char *text, size_t n, const char *name,
		 struct aiu_err *err);
void config_defaults(struct aiu_config *c);
/* Default config path into out. */
int config_default_path(char *out, size_t cap, struct aiu_err *err);
/* Human-readable summary (secrets shown only as set/unset). */
int config_describe(const struct aiu_config *c, struct buf *out);

#endif
