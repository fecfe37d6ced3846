/* cli.c - option table, context lifecycle and shared command plumbing. */
#include "cli/cli.h"
#include "store/retention.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "ingest/cc_sync.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

enum opt_kind { O_FLAG, O_STR, O_DAY, O_DIR, O_ORDER, O_WEEK, O_INT, O_BYTES, O_COLOR };

struct opt {
	const char *name;   /* long form without -- */
	char short_name;
	enum opt_kind kind;
	size_t off;         /* field offset in cli_ctx */
	const char *help;
};

#define F(field) offsetof(struct cli_ctx, field)

static const struct opt opts[] = {
	{ "db", 0, O_STR, F(db), "database path or postgres:// URL (default $AIUSAGE_DB or ~/.local/share/aiusage/aiusage.db)" },
	{ "claude-dir", 0, O_DIR, 0, "Claude config or projects dir (repeatable; overrides CLAUDE_CONFIG_DIR)" },
	{ "pricing", 0, O_STR, F(pricing_file), "JSON price file adding or overriding models" },
	{ "config", 0, O_STR, F(config_file), "config file (default ~/.config/aiusage/config.ini)" },
	{ "backfill-days", 0, O_STR, F(backfill_days), "pull: days fetched by a first pull (default 90)" },
	{ "people", 0, O_STR, F(people_file), "org: import people.csv (email,name,team,key names) first" },
	{ "tz", 'z', O_STR, F(tz_name), "IANA time zone for day boundaries (default: local)" },
	{ "timezone", 0, O_STR, F(tz_name), NULL },
	{ "since", 's', O_DAY, F(since_day), "first day, YYYY-MM-DD or YYYYMMDD (inclusive)" },
	{ "until", 'u', O_DAY, F(until_day), "last day (inclusive)" },
	{ "json", 'j', O_FLAG, F(json), "JSON output (ccusage-compatible for daily/weekly/monthly/session/blocks)" },
	{ "csv", 0, O_FLAG, F(csv), "CSV output" },
	{ "breakdown", 'b', O_FLAG, F(breakdown), "per-model rows" },
	{ "project", 'p', O_STR, F(project), "only this project (path, basename or folder name)" },
	{ "order", 'o', O_ORDER, F(desc), "asc or desc" },
	{ "no-sync", 0, O_FLAG, F(no_sync), "report from the store without syncing first" },
	{ "errors", 0, O_FLAG, F(errors), "sync: list malformed lines" },
	{ "quiet", 'q', O_FLAG, F(quiet), "no progress or summary" },
	{ "demo", 0, O_FLAG, F(demo), "use the demo database (see `aiusage demo`)" },
	{ "org", 0, O_FLAG, F(org), "demo: also fill an organisation demo (people, teams, Anthropic usage, bill, Claude Code)" },
	{ "start-of-week", 'w', O_WEEK, F(week_start), "weekly: sunday (default) ... saturday" },
	{ "active", 'a', O_FLAG, F(active), "blocks: only the active block" },
	{ "recent", 'r', O_FLAG, F(recent), "blocks: last 3 days" },
	{ "session-length", 'n', O_INT, F(session_hours), "blocks: block length in hours (default 5)" },
	{ "yes", 'y', O_FLAG, F(yes), "answer yes to questions (run: load the demo)" },
	{ "commit-bytes", 0, O_BYTES, F(commit_bytes), NULL },
	{ "color", 0, O_COLOR, 1, "force colour" },
	{ "no-color", 0, O_COLOR, 0, "no colour (NO_COLOR is honoured too)" },
	{ "listen", 0, O_STR, F(listen), "serve: HOST:PORT or [IPV6]:PORT (default 127.0.0.1:3001; port 0 = any free)" },
	{ "token", 0, O_STR, F(token), "serve: bearer token required on /api/ (or AIUSAGE_TOKEN)" },
	{ "cors-origin", 0, O_STR, F(cors_origin), "serve: send CORS headers for exactly this origin" },
	{ "verbose", 0, O_FLAG, F(verbose), "serve: access log on stderr" },
	{ "exit-after-ms", 0, O_BYTES, F(exit_after_ms), NULL },
	{ "sync-interval", 0, O_STR, F(sync_interval), "serve: also sync every N seconds (default 60 without inotify; 0 = never)" },
	{ "no-watch", 0, O_FLAG, F(no_watch), "serve: do not watch the transcript folders (inotify)" },
	{ "retention-days", 0, O_STR, F(retention_days), "serve: keep N days of history, or forever (the default); stored in the database" },
	{ "pull-interval", 0, O_STR, F(pull_interval), "serve: scheduled pulls: off, hourly, N[s|m|h] (default [pull] schedule when a key is set, else off)" },
	{ "messages", 0, O_BYTES, F(demo_messages), "demo: about N assistant requests (default 6000; benchmarks use 1000000)" },
};

static const char *const weekdays[] = { "sunday", "monday", "tuesday", "wednesday",
					"thursday", "friday", "saturday" };

static int set_opt(struct cli_ctx *c, const struct opt *o, const char *arg, struct aiu_err *err)
{
	char *base = (char *)c;
	int64_t v;
	switch (o->kind) {
	case O_FLAG:
		*(bool *)(base + o->off) = true;
		return AIU_OK;
	case O_COLOR:
		c->color = (int)o->off;
		return AIU_OK;
	case O_STR:
		*(const char **)(base + o->off) = arg;
		return AIU_OK;
	case O_DIR:
		if (c->ndirs >= CLI_MAX_DIRS)
			return aiu_errf(err, AIU_ELIMIT, "too many --claude-dir options (max %d)", CLI_MAX_DIRS);
		c->dirs[c->ndirs++] = arg;
		return AIU_OK;
	case O_DAY:
		if (parse_day_arg(arg, &v) < 0)
			return aiu_errf(err, AIU_EARG, "--%s: '%s' is not a date (use YYYY-MM-DD or YYYYMMDD)", o->name, arg);
		*(int64_t *)(base + o->off) = v;
		return AIU_OK;
	case O_ORDER:
		if (strcmp(arg, "asc") && strcmp(arg, "desc"))
			return aiu_errf(err, AIU_EARG, "--order: expected asc or desc, got '%s'", arg);
		c->desc = strcmp(arg, "desc") == 0;
		return AIU_OK;
	case O_WEEK:
		for (int i = 0; i < 7; i++)
			if (str_ieq(arg, weekdays[i])) {
				c->week_start = i;
				return AIU_OK;
			}
		return aiu_errf(err, AIU_EARG, "--start-of-week: expected a day name, got '%s'", arg);
	case O_BYTES:
		if (parse_i64_range(arg, 1, INT64_MAX, &v) < 0)
			return aiu_errf(err, AIU_EARG, "--%s: expected a byte count, got '%s'", o->name, arg);
		*(int64_t *)(base + o->off) = v;
		return AIU_OK;
	case O_INT:
		if (parse_i64_range(arg, 1, 24, &v) < 0)
			return aiu_errf(err, AIU_EARG, "--%s: expected a whole number of hours from 1 to 24, got '%s'", o->name, arg);
		*(int64_t *)(base + o->off) = v;
		return AIU_OK;
	}
	return AIU_EARG;
}

static bool takes_arg(const struct opt *o)
{
	return o->kind != O_FLAG && o->kind != O_COLOR;
}

int cli_parse(struct cli_ctx *c, int argc, char **argv, struct aiu_err *err)
{
	const char *env_db = getenv("AIUSAGE_DB");
	memset(c, 0, sizeof(*c));
	c->prog = argv[0];
	c->since_day = INT64_MIN;
	c->until_day = INT64_MAX;
	c->color = -1;
	c->session_hours = 5;
	if (env_db && *env_db)
		c->db = env_db;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const struct opt *o = NULL;
		int rc;
		if (a[0] != '-' || a[1] == '\0') {
			if (!c->cmd)
				c->cmd = a;
			else if (c->npositional < sizeof(c->positional) / sizeof(c->positional[0]))
				c->positional[c->npositional++] = a;
			else
				return aiu_errf(err, AIU_EARG, "too many arguments: '%s'", a);
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			c->cmd = "help";
			continue;
		}
		if (strcmp(a, "-v") == 0 || strcmp(a, "--version") == 0) {
			c->cmd = "version";
			continue;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
				if (strlen(opts[k].name) == n && strncmp(opts[k].name, a + 2, n) == 0)
					o = &opts[k];
			if (eq)
				val = eq + 1;
		} else if (a[2] == '\0') {
			for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
				if (opts[k].short_name == a[1])
					o = &opts[k];
		}
		if (!o)
			return aiu_errf(err, AIU_EARG, "unknown option '%s' (see aiusage --help)", a);
		if (takes_arg(o) && !val) {
			if (i + 1 >= argc)
				return aiu_errf(err, AIU_EARG, "option '%s' needs a value", a);
			val = argv[++i];
		} else if (!takes_arg(o) && val) {
			return aiu_errf(err, AIU_EARG, "option '--%s' takes no value", o->name);
		}
		if ((rc = set_opt(c, o, val, err)) < 0)
			return rc;
	}
	if (c->json && c->csv)
		return aiu_errf(err, AIU_EARG, "--json and --csv cannot be combined");
	if (c->since_day != INT64_MIN && c->until_day != INT64_MAX && c->since_day > c->until_day)
		return aiu_errf(err, AIU_EARG, "--since is after --until");
	if (!c->cmd)
		c->cmd = "daily";
	return AIU_OK;
}

void cli_usage(FILE *f)
{
	fputs("usage: aiusage [COMMAND] [OPTIONS]\n\ncommands:\n", f);
	for (const struct command *cmd = commands; cmd->name; cmd++)
		if (cmd->summary)
			fprintf(f, "  %-10s %s\n", cmd->name, cmd->summary);
	fputs("\noptions:\n", f);
	for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
		char name[48];
		if (!opts[k].help)
			continue;
		if (opts[k].short_name)
			snprintf(name, sizeof(name), "-%c, --%s%s", opts[k].short_name, opts[k].name,
				 takes_arg(&opts[k]) ? " X" : "");
		else
			snprintf(name, sizeof(name), "    --%s%s", opts[k].name, takes_arg(&opts[k]) ? " X" : "");
		fprintf(f, "  %-26s %s\n", name, opts[k].help);
	}
	fputs("\nEvery report syncs new transcript lines first (--no-sync skips it).\n"
	      "Costs are estimates computed from list prices; see docs/PRICING.md.\n", f);
}

void cli_ctx_release(struct cli_ctx *c)
{
	store_close(c->store);
	c->store = NULL;
	if (c->pricing_loaded)
		pricing_free(&c->pricing);
	c->pricing_loaded = false;
	tz_free(c->tz);
	c->tz = NULL;
}

int cli_demo_paths(char *db, size_t dbcap, char *dir, size_t dircap, struct aiu_err *err)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char base[4000];
	if (xdg && *xdg == '/')
		snprintf(base, sizeof(base), "%s/aiusage", xdg);
	else if (home && *home)
		snprintf(base, sizeof(base), "%s/.local/share/aiusage", home);
	else
		return aiu_errf(err, AIU_EARG, "set HOME or XDG_DATA_HOME for the demo data");
	if ((size_t)snprintf(db, dbcap, "%s/demo.db", base) >= dbcap ||
	    (size_t)snprintf(dir, dircap, "%s/demo/claude", base) >= dircap)
		return aiu_errf(err, AIU_ELIMIT, "demo path too long");
	return AIU_OK;
}

int cli_open_store(struct cli_ctx *c, struct aiu_err *err)
{
	int rc;
	if (c->store)
		return AIU_OK;
	if (c->demo) {
		static char demo_dir[4096];
		if ((rc = cli_demo_paths(c->db_path, sizeof(c->db_path), demo_dir, sizeof(demo_dir), err)) < 0)
			return rc;
		if (!c->ndirs)
			c->dirs[c->ndirs++] = demo_dir;
	} else if (c->db) {
		if (str_copy(c->db_path, c->db, sizeof(c->db_path)) >= sizeof(c->db_path))
			return aiu_errf(err, AIU_ELIMIT, "--db path too long");
	} else if ((rc = store_default_path(c->db_path, sizeof(c->db_path), err)) < 0) {
		return rc;
	}
	return store_open(c->db_path, &c->store, err);
}

int cli_load_pricing(struct cli_ctx *c, struct aiu_err *err)
{
	int rc;
	if (c->pricing_loaded)
		return AIU_OK;
	if ((rc = pricing_load(&c->pricing, c->pricing_file, err)) < 0)
		return rc;
	c->pricing_loaded = true;
	return AIU_OK;
}

int cli_load_tz(struct cli_ctx *c, struct aiu_err *err)
{
	if (c->tz)
		return AIU_OK;
	return tz_load(c->tz_name, &c->tz, err);
}

int cli_sync(struct cli_ctx *c, bool summary, struct aiu_err *err)
{
	struct cc_sync_opts o;
	struct cc_sync_result r;
	int rc;

	if ((rc = cli_open_store(c, err)) < 0)
		return rc; /* first: --demo adds the demo directory */
	memset(&o, 0, sizeof(o));
	o.dirs = c->ndirs ? c->dirs : NULL;
	o.ndirs = c->ndirs;
	o.progress = !c->quiet;
	o.commit_bytes = c->commit_bytes;
	/* `aiusage sync` waits for another sync; a report does not: it shows
	 * what is stored and says so. */
	o.lock_wait_ms = summary ? 10 * 60 * 1000 : 0;
	if ((rc = cc_sync(c->store, &o, &r, err)) < 0) {
		if (rc == AIU_EBUSY && !summary) {
			if (!c->quiet)
				fprintf(stderr, "aiusage: %s; showing the data stored so far\n", err->msg);
			return AIU_OK;
		}
		return rc;
	}
	{
		/* an opted-in retention limit prunes after every sync */
		struct store_prune_stats ps;
		if ((rc = retention_apply(c->store, &ps, err)) < 0)
			return rc;
	}
	if (summary && !c->quiet) {
		printf("synced %lld file%s from %lld dir%s in %.2f s: %lld new line%s, %lld request%s"
		       " (%lld new, %lld updated), %lld prompt%s, %lld tool call%s",
		       (long long)r.files, r.files == 1 ? "" : "s", (long long)r.roots,
		       r.roots == 1 ? "" : "s", r.seconds, (long long)r.st.lines,
		       r.st.lines == 1 ? "" : "s", (long long)(r.st.usage_new + r.st.usage_replaced),
		       r.st.usage_new + r.st.usage_replaced == 1 ? "" : "s",
		       (long long)r.st.usage_new, (long long)r.st.usage_replaced,
		       (long long)r.st.prompts_new, r.st.prompts_new == 1 ? "" : "s",
		       (long long)r.st.tools_new, r.st.tools_new == 1 ? "" : "s");
		if (r.st.bad_lines)
			printf(", %lld malformed line%s skipped (aiusage sync --errors)",
			       (long long)r.st.bad_lines, r.st.bad_lines == 1 ? "" : "s");
		printf("\n");
	} else if (r.st.bad_lines && !c->quiet) {
		fprintf(stderr, "aiusage: %lld malformed transcript line%s skipped; see `aiusage sync --errors`\n",
			(long long)r.st.bad_lines, r.st.bad_lines == 1 ? "" : "s");
	}
	if (r.roots == 0 && !c->quiet && !summary)
		fprintf(stderr, "aiusage: no Claude Code data directory found (looked at CLAUDE_CONFIG_DIR, ~/.config/claude, ~/.claude); showing stored history\n");
	return AIU_OK;
}

int cli_term_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");
	int64_t v;
	if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (cols && parse_i64_range(cols, 20, 1000, &v) == AIU_OK)
		return (int)v;
	return isatty(1) ? 80 : 0;
}

bool cli_use_color(const struct cli_ctx *c)
{
	const char *nc = getenv("NO_COLOR");
	if (c->color >= 0)
		return c->color == 1;
	if (nc && *nc)
		return false;
	return isatty(1);
}

bool cli_use_unicode(void)
{
	const char *vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strcasestr(v, "utf-8") || strcasestr(v, "utf8");
	}
	return true;
}
