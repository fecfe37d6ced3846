/* cli.h - the command-line context shared by every command.
 *
 * main.c parses options into struct cli_ctx through the option table in
 * cli.c, then calls the command's function from the command table. Commands
 * open what they need through cli_open_store() / cli_load_pricing(); cli_ctx
 * owns everything it opens and cli_ctx_release() frees it.
 */
#ifndef AIU_CLI_H
#define AIU_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "core/pricing.h"
#include "core/tz.h"
#include "store/store.h"

#define CLI_MAX_DIRS 64

struct cli_ctx {
	const char *prog;
	const char *cmd;
	/* options */
	const char *db;            /* --db or $AIUSAGE_DB; NULL = default path */
	const char *dirs[CLI_MAX_DIRS];
	size_t ndirs;
	const char *pricing_file;
	const char *config_file;   /* --config: INI file (core/config.h); NULL = default */
	const char *backfill_days; /* pull --backfill-days N (validated by cmd_pull) */
	const char *people_file;   /* org --people FILE: people.csv to import first */
	const char *tz_name;
	int64_t since_day, until_day;
	const char *project;
	bool json, csv, breakdown, no_sync, errors, quiet, desc, demo;
	bool active, recent, yes, org;
	int color;                 /* -1 auto, 0 never, 1 always */
	int week_start;
	int64_t session_hours;
	int64_t commit_bytes;      /* sync: commit at least every N bytes (tests) */
	/* serve */
	const char *listen;        /* --listen HOST:PORT */
	const char *token;         /* --token (else $AIUSAGE_TOKEN); never printed */
	const char *cors_origin;   /* --cors-origin ORIGIN */
	bool verbose;              /* --verbose: access log */
	int64_t exit_after_ms;     /* --exit-after-ms: test hook, stop serving after N ms */
	const char *sync_interval; /* --sync-interval SECONDS (serve; 0 = no timer) */
	bool no_watch;             /* --no-watch: no inotify (serve) */
	const char *retention_days;/* --retention-days N|forever (serve: stores the setting) */
	int64_t demo_messages;     /* demo: --messages N assistant requests (default 6000) */
	const char *positional[8];
	size_t npositional;
	/* opened lazily; owned */
	char db_path[4096];
	struct store *store;
	struct pricing pricing;
	bool pricing_loaded;
	struct tz *tz;
};

typedef int (*cmd_fn)(struct cli_ctx *c);

struct command {
	const char *name;
	cmd_fn fn;
	const char *summary;
};

int cli_parse(struct cli_ctx *c, int argc, char **argv, struct aiu_err *err);
void cli_ctx_release(struct cli_ctx *c);
int cli_open_store(struct cli_ctx *c, struct aiu_err *err);
int cli_load_pricing(struct cli_ctx *c, struct aiu_err *err);
int cli_load_tz(struct cli_ctx *c, struct aiu_err *err);
/* Runs an incremental sync; prints a summary unless quiet. */
int cli_sync(struct cli_ctx *c, bool summary, struct aiu_err *err);
/* Paths used by `demo` and --demo. */
int cli_demo_paths(char *db, size_t dbcap, char *dir, size_t dircap, struct aiu_err *err);
void cli_usage(FILE *f);

/* Terminal facts for renderers. */
int cli_term_width(void);
bool cli_use_color(const struct cli_ctx *c);
bool cli_use_unicode(void);

/* Command entry points (one file each under src/cli/). */
int cmd_sync(struct cli_ctx *c);
int cmd_report(struct cli_ctx *c);
int cmd_demo(struct cli_ctx *c);
int cmd_run(struct cli_ctx *c);
int cmd_serve(struct cli_ctx *c);
/* Serves the dashboard and API on c's store until SIGINT/SIGTERM (cmd_serve.c). */
int cli_serve(struct cli_ctx *c, struct aiu_err *err);
int cmd_version(struct cli_ctx *c);
int cmd_help(struct cli_ctx *c);
int cmd_pull(struct cli_ctx *c);
int cmd_org(struct cli_ctx *c);
int cmd_retention(struct cli_ctx *c);
int cmd_import(struct cli_ctx *c);

extern const struct command commands[];

#endif
