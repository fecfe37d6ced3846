/* demo_gen.c - a deterministic, realistic Claude Code history for
 * `aiusage demo` (see demo_gen.h).
 *
 * Layout (Claude Code 2.1.x), all under <dir>/projects/:
 *   <enc>/<session>.jsonl
 *   <enc>/<session>/subagents/agent-a<16 hex>.jsonl  (+ .meta.json)
 * where <enc> is the cwd with '/' and '.' replaced by '-'. A marker file
 * (.aiusage-demo) says the tree is ours, so a rerun may delete the old
 * transcripts; a non-empty projects/ without it is refused.
 *
 * How: (1) plan sessions over the days (weekday-heavy, working hours, the
 * last one ending minutes before end_ms so a 5-hour block is active);
 * (2) split target_messages over them by duration; (3) per session plan
 * turns and requests, spread their relative weights over the session's
 * time span, then write the lines. All randomness comes from one splitmix64
 * stream seeded from opts->seed and consumed in a fixed order, so the same
 * options always give byte-identical files.
 *
 * Ownership: struct gen owns its four buffers and the two plan arrays;
 * demo_generate() frees them at its single out: label. Everything else is
 * on the stack or static.
 */
#include "demo/demo_gen.h"

#include "core/buf.h"
#include "core/jsonw.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_MAX ((size_t)64 << 20) /* cap per transcript file */
#define MIN_MS 60000LL
#define MARKER ".aiusage-demo"
#define N(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(g, a) ((a)[rnd(g) % N(a)])

/* ---- static content ------------------------------------------------ */

struct project {
	const char *cwd;
	int weight;
	const char *branches[3], *files[5], *prompts[4], *titles[4];
	const char *cmds[2], *test_out, *greps[2], *glob;
};

static const struct project projects[] = {
	{ "/home/demo/src/webshop", 30, { "main", "feat/checkout-v2", "fix/cart-rounding" },
	  { "src/cart/checkout.ts", "src/api/orders.ts", "src/components/CartDrawer.tsx", "tests/checkout.test.ts", "package.json" },
	  { "The cart total is off by a cent when a discount code and VAT both apply. Can you find and fix the rounding?",
	    "Add an express-checkout button to the cart drawer that skips the address step for returning customers.",
	    "Write tests for the order API's refund path, including partial refunds.",
	    "Our Lighthouse score dropped on the product page. Profile the bundle and cut what we don't need." },
	  { "Cart rounding fix for discounts with VAT", "Express checkout for returning customers",
	    "Refund path tests for the order API", "Product page bundle size reduction" },
	  { "npm test -- --run checkout", "npx tsc --noEmit" },
	  "Test Files  3 passed (3)\n     Tests  41 passed (41)\n  Duration  2.31s", { "applyDiscount", "roundCents" }, "src/**/*.tsx" },
	{ "/home/demo/src/api.v2", 25, { "main", "feat/rate-limit", "fix/jwt-expiry" },
	  { "internal/auth/jwt.go", "internal/http/routes.go", "internal/store/postgres.go", "cmd/server/main.go", "go.mod" },
	  { "Add per-token rate limiting to the public endpoints, 100 requests a minute, with a Retry-After header.",
	    "Tokens issued right before midnight UTC are rejected as expired. Track it down.",
	    "Move the order queries to prepared statements and add a migration for the new index.",
	    "Explain how request context cancellation flows from the HTTP handler to the store layer." },
	  { "Per-token rate limiting with Retry-After", "JWT expiry bug around midnight UTC",
	    "Prepared statements and order index migration", "Context cancellation from handler to store" },
	  { "go test ./...", "go vet ./..." },
	  "ok  \tdemo/api/internal/auth\t0.412s\nok  \tdemo/api/internal/http\t1.078s\nok  \tdemo/api/internal/store\t2.950s",
	  { "ctx.Done()", "ParseWithClaims" }, "internal/**/*.go" },
	{ "/home/demo/src/infra", 15, { "main", "chore/tf-1.9", "feat/staging-db" },
	  { "modules/vpc/main.tf", "envs/prod/main.tf", ".github/workflows/deploy.yml", "scripts/rotate-keys.sh", "envs/staging/variables.tf" },
	  { "Upgrade the Terraform providers to the latest minor versions and fix whatever the plan complains about.",
	    "The deploy workflow takes 14 minutes. Cache the provider plugins and parallelise the plan jobs.",
	    "Add a staging Postgres instance that mirrors prod but with the smallest instance class.",
	    "Review rotate-keys.sh for anything that could leak a secret into the CI log." },
	  { "Terraform provider upgrade", "Faster deploy workflow", "Staging Postgres instance", "rotate-keys.sh secret leak review" },
	  { "terraform plan -no-color", "terraform validate" },
	  "Plan: 2 to add, 1 to change, 0 to destroy.", { "aws_db_instance", "secrets." }, "**/*.tf" },
	{ "/home/demo/src/data-pipeline", 15, { "main", "feat/parquet-sink", "fix/tz-dedupe" },
	  { "pipeline/ingest.py", "pipeline/transform.py", "dags/daily_etl.py", "tests/test_transform.py", "pyproject.toml" },
	  { "The daily ETL double-counts events that arrive across the DST change. Fix the dedupe key.",
	    "Replace the CSV sink with partitioned Parquet files and keep the old path behind a flag.",
	    "transform.py is 900 lines. Split it into modules without changing behaviour.",
	    "Add a data quality check that fails the DAG when more than 1% of rows have no customer id." },
	  { "DST dedupe fix in daily ETL", "Partitioned Parquet sink", "Split transform.py into modules", "Null customer id quality check" },
	  { "pytest -q tests/", "ruff check pipeline" },
	  "........................................                 [100%]\n40 passed in 3.82s", { "def dedupe", "tz_localize" }, "pipeline/**/*.py" },
	{ "/home/demo/src/mobile-app", 10, { "main", "feat/biometric-login", "fix/offline-sync" },
	  { "app/src/main/java/dev/demo/shop/LoginScreen.kt", "app/src/main/java/dev/demo/shop/SyncWorker.kt",
	    "app/build.gradle.kts", "app/src/test/java/dev/demo/shop/SyncWorkerTest.kt", "README.md" },
	  { "Add biometric login as an option after the first password login.",
	    "Offline changes are lost when the sync worker is killed mid-upload. Make it resumable.",
	    "Bump the Compose BOM and fix the deprecations.", "Write a unit test for SyncWorker retry backoff." },
	  { "Biometric login option", "Resumable offline sync", "Compose BOM bump", "SyncWorker backoff test" },
	  { "./gradlew testDebugUnitTest", "./gradlew lint" },
	  "BUILD SUCCESSFUL in 48s\n31 actionable tasks: 6 executed, 25 up-to-date", { "WorkManager", "BiometricPrompt" }, "app/src/**/*.kt" },
	{ "/home/demo/sites/blog.demo.dev", 5, { "main", "draft/caching-post", "main" },
	  { "content/posts/prompt-caching.md", "config.toml", "layouts/partials/head.html", "content/about.md", "static/css/site.css" },
	  { "Proofread the prompt caching post and tighten the intro.", "Add Open Graph tags to the head partial.",
	    "The code blocks overflow on mobile. Fix the CSS.", "Draft an outline for a post about our Terraform upgrade." },
	  { "Prompt caching post edit", "Open Graph tags", "Code block overflow on mobile", "Terraform upgrade post outline" },
	  { "hugo --minify", "hugo server --renderToMemory" },
	  "Total in 412 ms\nPages: 58  Static files: 21", { "og:title", "pre code" }, "content/**/*.md" },
};

static const char *const followups[] = {
	"yes, go ahead", "Looks good. Run the full test suite before we commit.",
	"Can you also handle the empty case?", "That broke the build, check the output",
	"commit this with a short message", "Hmm, let's keep the old behaviour behind a flag instead.",
	"ok, now update the README section about this", "why did you change that file?", "continue",
};
struct pair { const char *a, *b; };
static const struct pair intros[] = {
	{ "Let me look at `", "` first." }, { "I'll check how `", "` handles this." },
	{ "Now let me update `", "`." }, { "Found the relevant code in `", "`. Let me verify with the tests." },
};
static const struct pair finals[] = {
	{ "Done. The change is in `", "` and the tests pass.\n\n**Summary**\n- Fixed the root cause\n- Added a regression test\n- No API changes" },
	{ "I've updated `", "`. One thing to decide: the old behaviour is still reachable through the legacy path. Want me to remove it?" },
	{ "The problem was an off-by-one in `", "`: the boundary was compared with `<` instead of `<=`. Fixed, with a test for the edge." },
	{ "All set. `", "` now handles the empty and error cases; I left a TODO where the upstream API is unclear." },
};
static const struct pair edits[] = {
	{ "return total;", "return roundCents(total);" },
	{ "if err != nil {\n\t\treturn err\n\t}", "if err != nil {\n\t\treturn fmt.Errorf(\"load order: %w\", err)\n\t}" },
	{ "timeout = 30", "timeout = 90" }, { "items.forEach(add)", "for (const item of items) add(item)" },
};
static const char *const code[] = {
	"import { Money } from '../money';", "func (s *Store) Orders(ctx context.Context) ([]Order, error) {",
	"    if not rows:", "resource \"aws_db_instance\" \"main\" {", "  return items.reduce((a, b) => a + b.price, 0);",
	"}", "    return df.drop_duplicates(subset=key)", "  # TODO: handle retries", "val prompt = BiometricPrompt(activity, executor, cb)",
};
static const struct { const char *type, *desc, *prompt; } tasks[] = {
	{ "Explore", "Find call sites", "Search the codebase for every caller of the function we just changed and report file:line for each." },
	{ "Explore", "Map module structure", "Give me an overview of how this repository is organised: main packages, entry points and test layout." },
	{ "general-purpose", "Review the diff", "Review the uncommitted changes for bugs, missing tests and style problems. Report findings as a list." },
	{ "Plan", "Plan the change", "Draft a step-by-step plan for this change, listing the files to touch and the risks." },
};
static const char *const web_queries[] = {
	"vitest fake timers date mocking", "golang jwt time.Until negative duration", "terraform aws provider 5.x upgrade guide",
	"pandas tz_localize ambiguous DST", "android BiometricPrompt fallback to device credential",
};

enum tool { T_READ, T_EDIT, T_BASH, T_GREP, T_GLOB, T_WRITE, T_TODO, T_TASK, T_WEB, T_COUNT };
static const char *const tool_names[T_COUNT] = {
	"Read", "Edit", "Bash", "Grep", "Glob", "Write", "TodoWrite", "Task", "WebSearch",
};
static const int tool_weights[T_COUNT] = { 30, 20, 20, 10, 5, 4, 5, 2, 2 };

#define M_SONNET "claude-sonnet-4-5-20250929"
#define M_OPUS45 "claude-opus-4-5-20251101"
#define M_OPUS47 "claude-opus-4-7"
#define M_HAIKU "claude-haiku-4-5-20251001"

/* ---- state ----------------------------------------------------------- */

struct session {
	int64_t start, end, nreq;  /* nreq: assistant requests incl. subagents */
	int proj;
};

/* One planned main-thread request. */
struct step {
	int64_t t;           /* when its first assistant line is written */
	int32_t w;           /* relative length of the gap before it */
	int16_t sub;         /* subagent requests run by this step's Task */
	uint8_t turn, ntools, fast, tools[3];
};

/* One transcript being written: the main file or a subagent file. */
struct chain {
	struct buf *b;
	char parent[40];     /* uuid of the last line, "" at the start */
	char agent[24];      /* agentId, "" in the main transcript */
	const char *model;
	int64_t ctx;         /* cached prompt tokens so far */
	int64_t last_ms;     /* time of the last request */
	int64_t grow;        /* mean context growth per request */
	bool ttl_1h;         /* cache writes go to the 1h bucket */
};

struct usage { int64_t in, out, cw, cr; bool h1, fast; };

/* One content block of an assistant line. */
struct block {
	int kind;            /* 0 thinking, 1 text, 2 tool_use */
	const char *text;
	int tool, fi, ti;    /* tool, file index, task index */
	char id[40];         /* toolu_... */
	char uuid[40];       /* uuid of the line that carried it */
};

struct gen {
	uint64_t rng;
	const struct demo_opts *o;
	int64_t lo;                 /* end_ms - days */
	char root[PATH_MAX];        /* <dir>/projects */
	struct buf head, body, sub; /* owned: summary line, main file, subagent */
	struct buf tmp;             /* owned scratch: tool output, meta.json */
	struct session *ss;         /* owned */
	size_t nss, capss;
	struct step *steps;         /* owned, sized for the largest session */
	const struct project *p;
	char sid[40], prompt_id[40], version[16], enc[128];
	const char *branch;
	bool has_speed;             /* usage.speed exists from 2.1.114 */
};

/* ---- randomness and ids ------------------------------------------------ */

static uint64_t rnd(struct gen *g) /* splitmix64 */
{
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int64_t rr(struct gen *g, int64_t lo, int64_t hi) /* inclusive */
{
	return lo + (int64_t)(rnd(g) % (uint64_t)(hi - lo + 1));
}

static bool chance(struct gen *g, int pct) { return (int)(rnd(g) % 100) < pct; }

static int pick_weighted(struct gen *g, const int *w, int n)
{
	int total = 0, i, x;
	for (i = 0; i < n; i++)
		total += w[i];
	x = (int)(rnd(g) % (uint64_t)total);
	for (i = 0; i < n - 1 && x >= w[i]; i++)
		x -= w[i];
	return i;
}

static void gen_uuid(struct gen *g, char out[40]) /* version 4 */
{
	uint64_t a = (rnd(g) & ~0xf000ULL) | 0x4000ULL;
	uint64_t b = (rnd(g) & ~(3ULL << 62)) | (2ULL << 62);
	snprintf(out, 40, "%08" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%012" PRIx64,
		 a >> 32, (a >> 16) & 0xffff, a & 0xffff, b >> 48, b & (uint64_t)0xffffffffffffULL);
}

/* prefix + n random characters of alpha (base62 when NULL). */
static void gen_id(struct gen *g, char *out, size_t cap, const char *prefix, size_t n, const char *alpha)
{
	static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	size_t k = str_copy(out, prefix, cap), na;
	k = k < cap ? k : cap - 1;
	alpha = alpha ? alpha : b62;
	na = strlen(alpha);
	for (; n > 0 && k + 1 < cap; n--)
		out[k++] = alpha[rnd(g) % na];
	out[k] = '\0';
}

/* ---- line writers ------------------------------------------------------ */

static void ks(struct jsonw *w, const char *k, const char *v) { jw_key(w, k); jw_str(w, v); }
static void ki(struct jsonw *w, const char *k, int64_t v) { jw_key(w, k); jw_int(w, v); }
static void kb(struct jsonw *w, const char *k, bool v) { jw_key(w, k); jw_bool(w, v); }
static void ko(struct jsonw *w, const char *k) { jw_key(w, k); jw_obj(w); }

/* Opens a line: parentUuid, isSidechain, [promptId], [agentId]. */
static void head(struct gen *g, struct jsonw *w, struct chain *c, bool prompt)
{
	jw_init(w, c->b, false);
	jw_obj(w);
	jw_key(w, "parentUuid");
	if (c->parent[0])
		jw_str(w, c->parent);
	else
		jw_null(w);
	kb(w, "isSidechain", c->agent[0] != '\0');
	if (prompt)
		ks(w, "promptId", g->prompt_id);
	if (c->agent[0])
		ks(w, "agentId", c->agent);
}

/* RFC 3339 with ms, clamped into [end_ms - days, end_ms]. */
static void ts_str(struct gen *g, int64_t ts, char out[32])
{
	ts = ts > g->o->end_ms ? g->o->end_ms : ts < g->lo ? g->lo : ts;
	format_iso_ms(ts, out, 32);
}

/* Writes uuid, timestamp, [sourceToolAssistantUUID], the session fields,
 * closes the line and makes uuid the chain's parent. */
static void tail(struct gen *g, struct jsonw *w, struct chain *c, const char *uuid, int64_t ts,
		 const char *src)
{
	char t[32];
	ts_str(g, ts, t);
	ks(w, "uuid", uuid); ks(w, "timestamp", t);
	if (src)
		ks(w, "sourceToolAssistantUUID", src);
	ks(w, "userType", "external"); ks(w, "entrypoint", "cli"); ks(w, "cwd", g->p->cwd);
	ks(w, "sessionId", g->sid); ks(w, "version", g->version); ks(w, "gitBranch", g->branch);
	jw_end(w);
	buf_putc(c->b, '\n');
	str_copy(c->parent, uuid, sizeof(c->parent));
}

/* A user prompt (string content); in the main transcript a
 * file-history-snapshot line precedes it. */
static void user_prompt(struct gen *g, struct chain *c, const char *text, int64_t ts)
{
	struct jsonw w;
	char u[40], t[32];
	gen_uuid(g, u);
	if (!c->agent[0]) {
		ts_str(g, ts + rr(g, 40, 200), t);
		jw_init(&w, c->b, false);
		jw_obj(&w);
		ks(&w, "type", "file-history-snapshot"); ks(&w, "messageId", u);
		ko(&w, "snapshot");
		ks(&w, "messageId", u); ko(&w, "trackedFileBackups"); jw_end(&w); ks(&w, "timestamp", t);
		jw_end(&w);
		kb(&w, "isSnapshotUpdate", false);
		jw_end(&w);
		buf_putc(c->b, '\n');
	}
	head(g, &w, c, true);
	ks(&w, "type", "user");
	ko(&w, "message"); ks(&w, "role", "user"); ks(&w, "content", text); jw_end(&w);
	tail(g, &w, c, u, ts, NULL);
}

static void write_usage(struct gen *g, struct jsonw *w, const struct usage *u)
{
	ko(w, "usage");
	ki(w, "input_tokens", u->in);
	ki(w, "cache_creation_input_tokens", u->cw);
	ki(w, "cache_read_input_tokens", u->cr);
	ko(w, "cache_creation");
	ki(w, "ephemeral_5m_input_tokens", u->h1 ? 0 : u->cw);
	ki(w, "ephemeral_1h_input_tokens", u->h1 ? u->cw : 0);
	jw_end(w);
	ki(w, "output_tokens", u->out);
	ks(w, "service_tier", "standard");
	if (g->has_speed)
		ks(w, "speed", u->fast ? "fast" : "standard");
	jw_end(w);
}

/* The input object of a tool_use block. */
static void tool_input(struct gen *g, struct jsonw *w, const struct block *bl)
{
	const struct pair *e = &edits[(unsigned)bl->fi % N(edits)];
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", g->p->cwd, g->p->files[bl->fi]);
	jw_obj(w);
	switch (bl->tool) {
	case T_READ: ks(w, "file_path", path); break;
	case T_EDIT:
		ks(w, "file_path", path); ks(w, "old_string", e->a); ks(w, "new_string", e->b);
		kb(w, "replace_all", false);
		break;
	case T_WRITE:
		ks(w, "file_path", path);
		ks(w, "content", "// generated by the demo\nexport const enabled = true;\n");
		break;
	case T_BASH:
		ks(w, "command", g->p->cmds[bl->fi & 1]);
		ks(w, "description", (bl->fi & 1) ? "Run static checks" : "Run the tests");
		break;
	case T_GREP:
		ks(w, "pattern", g->p->greps[bl->fi & 1]); ks(w, "path", g->p->cwd);
		ks(w, "output_mode", "content");
		break;
	case T_GLOB: ks(w, "pattern", g->p->glob); break;
	case T_TODO:
		jw_key(w, "todos"); jw_arr(w);
		for (int i = 0; i < 2; i++) {
			jw_obj(w);
			ks(w, "content", i ? "Run the test suite" : g->p->titles[bl->fi % 4]);
			ks(w, "status", i ? "pending" : "in_progress");
			ks(w, "activeForm", i ? "Running the test suite" : "Working on it");
			jw_end(w);
		}
		jw_end(w);
		break;
	case T_TASK:
		ks(w, "description", tasks[bl->ti].desc); ks(w, "prompt", tasks[bl->ti].prompt);
		ks(w, "subagent_type", tasks[bl->ti].type);
		break;
	default: ks(w, "query", web_queries[(unsigned)bl->fi % N(web_queries)]); break;
	}
	jw_end(w);
}

/* The text a tool_result carries, into o. */
static void tool_output(struct gen *g, struct buf *o, const struct block *bl)
{
	const struct project *p = g->p;
	int fi = bl->fi;
	buf_reset(o);
	switch (bl->tool) {
	case T_READ:
		for (int i = 1, n = (int)rr(g, 6, 18); i <= n; i++)
			buf_printf(o, "%6d\t%s\n", i, PICK(g, code));
		break;
	case T_EDIT: buf_printf(o, "The file %s/%s has been updated successfully.", p->cwd, p->files[fi]); break;
	case T_WRITE: buf_printf(o, "File created successfully at: %s/%s", p->cwd, p->files[fi]); break;
	case T_BASH: buf_puts(o, (fi & 1) ? "No issues found." : p->test_out); break;
	case T_GREP:
		for (int i = 0; i < 3; i++)
			buf_printf(o, "%s/%s:%d:  %s\n", p->cwd, p->files[(fi + i) % 5], (int)rr(g, 3, 400), p->greps[fi & 1]);
		break;
	case T_GLOB:
		for (int i = 0; i < 5; i++)
			buf_printf(o, "%s/%s\n", p->cwd, p->files[i]);
		break;
	case T_TODO:
		buf_puts(o, "Todos have been modified successfully. Ensure that you continue to use the todo list "
			 "to track your progress. Please proceed with the current tasks if applicable");
		break;
	case T_TASK:
		buf_printf(o, "%s: done. Key places: %s, %s. No blocking issues found.", tasks[bl->ti].desc,
			   p->files[fi], p->files[(fi + 2) % 5]);
		break;
	default:
		buf_printf(o, "Web search results for query: \"%s\"\n\nLinks: [{\"title\":\"Docs\",\"url\":"
			   "\"https://example.com/docs\"}]", web_queries[(unsigned)fi % N(web_queries)]);
		break;
	}
}

/* One streamed assistant line holding one content block. */
static void asst_line(struct gen *g, struct chain *c, const char *mid, const char *rid,
		      const struct usage *u, struct block *bl, bool tools, int64_t ts)
{
	struct jsonw w;
	char sig[120];
	head(g, &w, c, false);
	ko(&w, "message");
	ks(&w, "model", c->model); ks(&w, "id", mid); ks(&w, "type", "message"); ks(&w, "role", "assistant");
	jw_key(&w, "content"); jw_arr(&w); jw_obj(&w);
	if (bl->kind == 0) {
		gen_id(g, sig, sizeof(sig), "Eq", 96, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
		ks(&w, "type", "thinking"); ks(&w, "thinking", ""); ks(&w, "signature", sig);
	} else if (bl->kind == 1) {
		ks(&w, "type", "text"); ks(&w, "text", bl->text);
	} else {
		gen_id(g, bl->id, sizeof(bl->id), "toolu_01", 22, NULL);
		ks(&w, "type", "tool_use"); ks(&w, "id", bl->id); ks(&w, "name", tool_names[bl->tool]);
		jw_key(&w, "input");
		tool_input(g, &w, bl);
	}
	jw_end(&w); jw_end(&w);
	ks(&w, "stop_reason", tools ? "tool_use" : "end_turn");
	jw_key(&w, "stop_sequence"); jw_null(&w);
	write_usage(g, &w, u);
	jw_end(&w);
	ks(&w, "requestId", rid); ks(&w, "type", "assistant");
	gen_uuid(g, bl->uuid);
	tail(g, &w, c, bl->uuid, ts, NULL);
}

static void tool_result(struct gen *g, struct chain *c, const struct block *bl, int64_t ts)
{
	struct jsonw w;
	char u[40];
	tool_output(g, &g->tmp, bl);
	gen_uuid(g, u);
	head(g, &w, c, true);
	ks(&w, "type", "user");
	ko(&w, "message"); ks(&w, "role", "user");
	jw_key(&w, "content"); jw_arr(&w); jw_obj(&w);
	ks(&w, "tool_use_id", bl->id); ks(&w, "type", "tool_result");
	jw_key(&w, "content");
	if (bl->tool == T_TASK) { /* Task results are a list of text blocks */
		jw_arr(&w); jw_obj(&w); ks(&w, "type", "text"); jw_key(&w, "text");
	}
	jw_strn(&w, buf_cstr(&g->tmp), g->tmp.len);
	if (bl->tool == T_TASK) {
		jw_end(&w); jw_end(&w);
	}
	kb(&w, "is_error", false);
	jw_end(&w); jw_end(&w); jw_end(&w);
	tail(g, &w, c, u, ts, bl->uuid);
}

static void turn_duration(struct gen *g, struct chain *c, int64_t dur, int64_t ts)
{
	struct jsonw w;
	char u[40];
	gen_uuid(g, u);
	head(g, &w, c, false);
	ks(&w, "type", "system"); ks(&w, "subtype", "turn_duration"); ki(&w, "durationMs", dur);
	kb(&w, "isMeta", false);
	tail(g, &w, c, u, ts, NULL);
}

/* ---- requests --------------------------------------------------------- */

/* Token counts for one request at time t: the cached prompt grows by about
 * c->grow per request and is written again in full once the TTL passed. */
static void make_usage(struct gen *g, struct chain *c, int64_t t, bool final, bool think, bool fast,
		       struct usage *u)
{
	int64_t ttl = c->ttl_1h ? 3600000 : 300000;
	int64_t grow = c->grow * rr(g, 40, 160) / 100 + rr(g, 20, 300);
	u->in = chance(g, 6) ? rr(g, 80, 2500) : rr(g, 1, 14);
	if (c->ctx == 0) {
		c->ctx = rr(g, 11000, 26000); /* system prompt and tools */
		u->cr = chance(g, 50) ? c->ctx - rr(g, 2000, 6000) : 0;
		u->cw = c->ctx - u->cr;
	} else {
		u->cr = t - c->last_ms > ttl ? 0 : c->ctx;
		u->cw = c->ctx + grow - u->cr;
		c->ctx += grow;
	}
	if (c->ctx > 185000) /* auto-compact */
		c->ctx = rr(g, 28000, 45000);
	u->out = final ? rr(g, 150, 2600) : rr(g, 50, 700);
	u->out += think ? rr(g, 100, 1400) : 0;
	u->out = u->out > 4000 ? 4000 : u->out;
	u->h1 = c->ttl_1h;
	u->fast = fast;
	c->last_ms = t;
}

/* Writes one request at t as 1-3 streamed lines (thinking, text, tool_use
 * blocks) sharing message.id, requestId and usage. bl[0..ntools) are the
 * chosen tool blocks; their ids are filled in. Returns the time of the
 * last line. text is scratch for the text block. */
static int64_t request(struct gen *g, struct chain *c, int64_t t, struct block *bl, int ntools,
		       bool fast, char *text, size_t textcap)
{
	struct block lines[2];
	struct usage u;
	char mid[40], rid[40];
	bool final = ntools == 0, think = ntools < 2 && chance(g, 35);
	int n = 0, i;

	make_usage(g, c, t, final, think, fast, &u);
	gen_id(g, mid, sizeof(mid), "msg_01", 22, NULL);
	gen_id(g, rid, sizeof(rid), "req_011C", 20, NULL);
	if (think)
		lines[n++] = (struct block){ .kind = 0 };
	if (final || (ntools + n < 3 && chance(g, 50))) {
		const struct pair *p = final ? &PICK(g, finals) : &PICK(g, intros);
		snprintf(text, textcap, "%s%s%s", p->a, g->p->files[rnd(g) % 5], p->b);
		lines[n++] = (struct block){ .kind = 1, .text = text };
	}
	for (i = 0; i < n; i++, t += rr(g, 300, 2500))
		asst_line(g, c, mid, rid, &u, &lines[i], !final, t);
	for (i = 0; i < ntools; i++, t += rr(g, 100, 900))
		asst_line(g, c, mid, rid, &u, &bl[i], true, t);
	return t;
}

static void pick_blocks(struct gen *g, struct block *bl, int n, const uint8_t *tools)
{
	for (int i = 0; i < n; i++) {
		bl[i] = (struct block){ .kind = 2, .tool = tools[i] };
		bl[i].fi = (int)(rnd(g) % 5);
		bl[i].ti = (int)(rnd(g) % N(tasks));
	}
}

/* ---- files ----------------------------------------------------------- */

/* snprintf into a PATH_MAX buffer; a truncated path is an error. */
static int pathf(char *out, struct aiu_err *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int pathf(char *out, struct aiu_err *err, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX)
		return aiu_errf(err, AIU_ELIMIT, "demo: path too long (%.200s...)", out);
	return AIU_OK;
}

static int mkdir_p(char *path, struct aiu_err *err) /* path is restored */
{
	for (char *q = path + 1;; q++) {
		char ch = *q;
		if (ch && ch != '/')
			continue;
		*q = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			int e = errno;
			*q = ch;
			return aiu_errf(err, AIU_EIO, "%s: cannot create directory: %s", path, strerror(e));
		}
		if (!(*q = ch))
			return AIU_OK;
	}
}

/* Writes a then b (b may be NULL) to path.tmp, creating its directory as
 * needed, then renames it to path. A buffer that hit its cap is an error. */
static int write_atomic(const char *path, const struct buf *a, const struct buf *b, struct aiu_err *err)
{
	const struct buf *parts[2] = { a, b };
	char tmp[PATH_MAX], *slash;
	int fd = -1, rc;

	if (a->failed || (b && b->failed))
		return aiu_errf(err, AIU_ELIMIT, "%s: transcript exceeds %zu bytes (lower target_messages)",
				path, a->failed ? a->max : b->max);
	if ((rc = pathf(tmp, err, "%s.tmp", path)) < 0)
		return rc;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0 && errno == ENOENT &&
	    (slash = strrchr(tmp, '/')) && slash != tmp) {
		*slash = '\0';
		rc = mkdir_p(tmp, err);
		*slash = '/';
		if (rc < 0)
			return rc;
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	}
	if (fd < 0) {
		rc = aiu_errf(err, AIU_EIO, "%s: cannot create: %s", tmp, strerror(errno));
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		for (size_t off = 0; parts[i] && off < parts[i]->len;) {
			ssize_t k = write(fd, parts[i]->p + off, parts[i]->len - off);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				rc = aiu_errf(err, AIU_EIO, "%s: write failed: %s", tmp, strerror(errno));
				goto out;
			}
			off += (size_t)k;
		}
	}
	rc = close(fd);
	fd = -1;
	if (rc < 0 || rename(tmp, path) < 0)
		rc = aiu_errf(err, AIU_EIO, "%s: cannot write: %s", path, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		unlink(tmp);
	return rc;
}

/* A subagent transcript of n requests in [t0, t1] for Task type ti,
 * written with its .meta.json under <session>/subagents/. */
static int subagent(struct gen *g, int ti, int64_t t0, int64_t t1, int64_t n, struct aiu_err *err)
{
	static const uint8_t sub_tools[] = { T_READ, T_GREP, T_GLOB, T_BASH, T_READ };
	struct chain c = { .b = &g->sub };
	struct block bl[2];
	char path[PATH_MAX], text[512];
	int64_t step;
	int rc;

	t1 = t1 < t0 + n * 4000 ? t0 + n * 4000 : t1;
	step = (t1 - t0) / (n + 1);
	buf_reset(&g->sub);
	snprintf(c.agent, sizeof(c.agent), "a%016" PRIx64, rnd(g));
	c.model = (tasks[ti].type[0] == 'E' || chance(g, 60)) ? M_HAIKU : M_SONNET;
	c.grow = rr(g, 1500, 5000);
	user_prompt(g, &c, tasks[ti].prompt, t0);
	for (int64_t i = 1; i <= n; i++) {
		uint8_t tl[2] = { PICK(g, sub_tools), PICK(g, sub_tools) };
		int nt = i == n ? 0 : (int)rr(g, 1, 2);
		int64_t t;
		pick_blocks(g, bl, nt, tl);
		t = request(g, &c, t0 + step * i, bl, nt, false, text, sizeof(text));
		for (int k = 0; k < nt; k++)
			tool_result(g, &c, &bl[k], t += rr(g, 50, 1500));
	}
	if ((rc = pathf(path, err, "%s/%s/%s/subagents/agent-%s.jsonl", g->root, g->enc, g->sid, c.agent)) < 0 ||
	    (rc = write_atomic(path, &g->sub, NULL, err)) < 0)
		return rc;
	buf_reset(&g->tmp);
	buf_puts(&g->tmp, "{\"agentType\":");
	json_quote(&g->tmp, tasks[ti].type, strlen(tasks[ti].type));
	buf_puts(&g->tmp, ",\"description\":");
	json_quote(&g->tmp, tasks[ti].desc, strlen(tasks[ti].desc));
	buf_puts(&g->tmp, "}");
	if ((rc = pathf(path, err, "%s/%s/%s/subagents/agent-%s.meta.json", g->root, g->enc, g->sid, c.agent)) < 0)
		return rc;
	return write_atomic(path, &g->tmp, NULL, err);
}

/* ---- sessions ---------------------------------------------------------- */

/* Plans the turns of session s into g->steps; returns the step count. A
 * Task step takes its subagent's requests out of the session's budget. */
static size_t plan_steps(struct gen *g, const struct session *s, bool opus47)
{
	int64_t left = s->nreq;
	size_t n = 0;

	while (left > 0) {
		int64_t k = rr(g, 1, 9);
		bool fast = opus47 && chance(g, 10);
		k = k > left ? left : k;
		for (int64_t j = 0; j < k; j++) {
			struct step *st = &g->steps[n++];
			memset(st, 0, sizeof(*st));
			left--;
			st->turn = j == 0;
			st->fast = fast;
			st->ntools = j == k - 1 ? 0 : chance(g, 75) ? 1 : (uint8_t)rr(g, 2, 3);
			for (int i = 0; i < st->ntools; i++) {
				int t = pick_weighted(g, tool_weights, T_COUNT);
				int64_t room = left - (k - 1 - j);
				if (t == T_TASK && st->sub == 0 && room >= 3) {
					st->sub = (int16_t)(room < 12 ? rr(g, 3, room) : rr(g, 3, 12));
					left -= st->sub;
				} else if (t == T_TASK) {
					t = T_READ;
				}
				st->tools[i] = (uint8_t)t;
			}
			st->w = (int32_t)(st->turn ? rr(g, 60, 300) : rr(g, 8, 45));
			st->w += (int32_t)(st->sub * rr(g, 10, 25));
		}
	}
	return n;
}

static int session(struct gen *g, size_t si, struct aiu_err *err)
{
	static const int branch_w[3] = { 6, 3, 2 };
	const struct session *s = &g->ss[si];
	struct chain c = { .b = &g->body };
	struct block bl[3];
	char path[PATH_MAX], text[512], leaf[40] = "";
	int64_t span = s->end - s->start - 15000, w = 0, cum = 0, turn_t0 = s->start;
	int minor = 98 + (int)(si * 30 / g->nss), x, pi, rc;
	size_t n, i, k;

	buf_reset(&g->head);
	buf_reset(&g->body);
	g->p = &projects[s->proj];
	for (k = 0; g->p->cwd[k] && k + 1 < sizeof(g->enc); k++)
		g->enc[k] = (g->p->cwd[k] == '/' || g->p->cwd[k] == '.') ? '-' : g->p->cwd[k];
	g->enc[k] = '\0';
	gen_uuid(g, g->sid);
	g->branch = g->p->branches[pick_weighted(g, branch_w, 3)];
	snprintf(g->version, sizeof(g->version), "2.1.%d", minor + (int)rr(g, 0, 1));
	g->has_speed = minor >= 114;
	x = (int)rr(g, 0, 99); /* opus-4-7 only in the last 40% of the history */
	c.model = (si * 10 >= g->nss * 6 && x < 14) ? M_OPUS47 : x < 36 ? M_OPUS45 : M_SONNET;
	c.ttl_1h = chance(g, 20);
	n = plan_steps(g, s, strcmp(c.model, M_OPUS47) == 0);
	c.grow = (rr(g, 20000, 180000) - 18000) / (int64_t)n;
	c.grow = c.grow < 30 ? 30 : c.grow;
	span = span < 1000 ? 1000 : span;
	for (i = 0; i < n; i++)
		w += g->steps[i].w;
	for (i = 0; i < n; i++) {
		cum += g->steps[i].w;
		g->steps[i].t = s->start + span * cum / w;
	}
	pi = (int)(rnd(g) % 4);

	for (i = 0; i < n; i++) {
		const struct step *st = &g->steps[i];
		int64_t next = i + 1 < n ? g->steps[i + 1].t : s->end, t = st->t;
		if (st->turn) {
			const char *prompt = i == 0 ? g->p->prompts[pi]
				: chance(g, 25) ? g->p->prompts[rnd(g) % 4] : PICK(g, followups);
			turn_t0 = t - rr(g, 1500, 5000);
			gen_uuid(g, g->prompt_id);
			user_prompt(g, &c, prompt, turn_t0);
		}
		pick_blocks(g, bl, st->ntools, st->tools);
		t = request(g, &c, t, bl, st->ntools, st->fast, text, sizeof(text));
		for (k = 0; k < st->ntools; k++) {
			if (bl[k].tool == T_TASK) {
				if ((rc = subagent(g, bl[k].ti, t + 800, next - 2000, st->sub, err)) < 0)
					return rc;
				t = next - 1000 > t ? next - 1000 : t + 1000;
			} else {
				t += rr(g, 50, 2500);
			}
			tool_result(g, &c, &bl[k], t);
		}
		if (st->ntools == 0) {
			str_copy(leaf, c.parent, sizeof(leaf));
			if (chance(g, 40))
				turn_duration(g, &c, t - turn_t0, t + 30);
		}
	}
	if (leaf[0] && chance(g, 35)) { /* summary lines carry no timestamp */
		struct jsonw jw;
		jw_init(&jw, &g->head, false);
		jw_obj(&jw);
		ks(&jw, "type", "summary"); ks(&jw, "summary", g->p->titles[pi]); ks(&jw, "leafUuid", leaf);
		jw_end(&jw);
		buf_putc(&g->head, '\n');
	}
	if ((rc = pathf(path, err, "%s/%s/%s.jsonl", g->root, g->enc, g->sid)) < 0)
		return rc;
	return write_atomic(path, &g->head, &g->body, err);
}

static int add_session(struct gen *g, int64_t start, int64_t end)
{
	int weights[N(projects)];
	if (g->nss == g->capss) {
		size_t ncap = g->capss ? g->capss * 2 : 256;
		struct session *ns = realloc(g->ss, ncap * sizeof(*ns));
		if (!ns)
			return AIU_ENOMEM;
		g->ss = ns;
		g->capss = ncap;
	}
	for (size_t i = 0; i < N(projects); i++)
		weights[i] = projects[i].weight;
	g->ss[g->nss++] = (struct session){ start, end, 0, pick_weighted(g, weights, (int)N(projects)) };
	return AIU_OK;
}

/* Weekday-heavy sessions in working hours (UTC), then the final session
 * ending a few minutes before end_ms. Nothing runs in the 6 hours before
 * the final session, so it opens its own 5-hour block, which is therefore
 * still active at end_ms whatever the time of day (a block that began
 * earlier could otherwise end just before end_ms). */
static int plan_sessions(struct gen *g, struct aiu_err *err)
{
	int64_t fe = g->o->end_ms - rr(g, 2, 8) * MIN_MS, fs = fe - rr(g, 35, 110) * MIN_MS;
	int64_t last = g->o->end_ms / MS_PER_DAY;

	fs = fs < g->lo ? g->lo : fs;
	for (int64_t day = g->lo / MS_PER_DAY; day <= last; day++) {
		int wd = weekday_from_days(day);
		bool weekend = wd == 0 || wd == 6;
		int64_t cur = day * MS_PER_DAY + rr(g, 450, 600) * MIN_MS, n;
		if (!chance(g, weekend ? 22 : 85))
			continue; /* an idle day */
		n = weekend ? rr(g, 1, 2) : rr(g, 1, 6);
		for (int64_t k = 0; k < n; k++) {
			int64_t dur = (chance(g, 70) ? rr(g, 10, 90) : rr(g, 90, 180)) * MIN_MS;
			int64_t s = cur, e = s + dur;
			cur = e + rr(g, 10, 120) * MIN_MS;
			if (e > day * MS_PER_DAY + 22 * 3600000LL || e > fs - 6 * 3600000LL)
				break;
			if (s >= g->lo && add_session(g, s, e) < 0)
				return aiu_errf(err, AIU_ENOMEM, "demo: out of memory planning sessions");
		}
	}
	if (add_session(g, fs, fe) < 0)
		return aiu_errf(err, AIU_ENOMEM, "demo: out of memory planning sessions");
	return AIU_OK;
}

/* Splits target_messages over the sessions by duration x intensity (at
 * least 2 each); returns the largest per-session count. */
static int64_t distribute(struct gen *g)
{
	int64_t total = 0, cum = 0, prev = 0, max = 0, t = g->o->target_messages;
	size_t i;
	for (i = 0; i < g->nss; i++) {
		g->ss[i].nreq = (g->ss[i].end - g->ss[i].start) / MIN_MS * rr(g, 60, 140) + 1;
		total += g->ss[i].nreq;
	}
	for (i = 0; i < g->nss; i++) {
		int64_t upto;
		cum += g->ss[i].nreq;
		upto = t * cum / total;
		g->ss[i].nreq = upto - prev < 2 ? 2 : upto - prev;
		prev = upto;
		max = g->ss[i].nreq > max ? g->ss[i].nreq : max;
	}
	return max;
}

/* nftw callback: deletes what an earlier run left (transcripts, meta and
 * temp files), then directories that became empty. FTW_PHYS means
 * symlinks are never followed, so nothing outside projects/ is touched. */
static int rm_stale(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	const char *name = p + f->base;
	(void)st;
	if (f->level == 0)
		return 0;
	if (flag == FTW_DP) {
		rmdir(p); /* fails, harmlessly, when something else lives there */
		return 0;
	}
	if (flag == FTW_F && (str_has_suffix(name, ".jsonl") || str_has_suffix(name, ".meta.json") ||
			      str_has_suffix(name, ".tmp")))
		return unlink(p) < 0 ? 1 : 0;
	return 0;
}

/* Makes g->root ready: refuses a non-empty tree without our marker,
 * clears a previous demo, creates the directory and the marker. */
static int prepare_root(struct gen *g, struct aiu_err *err)
{
	char marker[PATH_MAX];
	struct stat st;
	int rc;

	if ((rc = pathf(marker, err, "%s/%s", g->root, MARKER)) < 0)
		return rc;
	if (lstat(g->root, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return aiu_errf(err, AIU_EARG, "%s: not a directory", g->root);
		if (lstat(marker, &st) < 0) {
			if (rmdir(g->root) < 0) /* only succeeds when empty */
				return aiu_errf(err, AIU_EARG, "%s: not written by `aiusage demo` (no %s); "
						"refusing to replace its files", g->root, MARKER);
		} else if (nftw(g->root, rm_stale, 16, FTW_DEPTH | FTW_PHYS) != 0) {
			return aiu_errf(err, AIU_EIO, "%s: cannot remove the previous demo: %s", g->root,
					strerror(errno));
		}
	} else if (errno != ENOENT) {
		return aiu_errf(err, AIU_EIO, "%s: %s", g->root, strerror(errno));
	}
	buf_reset(&g->tmp);
	buf_puts(&g->tmp, "Written by `aiusage demo`. Transcripts here are replaced on every run.\n");
	return write_atomic(marker, &g->tmp, NULL, err);
}

int demo_generate(const char *dir, const struct demo_opts *o, struct aiu_err *err)
{
	struct gen g;
	int64_t max;
	int rc = AIU_OK;

	memset(&g, 0, sizeof(g));
	buf_init(&g.head, (size_t)1 << 16);
	buf_init(&g.body, FILE_MAX);
	buf_init(&g.sub, FILE_MAX);
	buf_init(&g.tmp, (size_t)1 << 20);
	if (!dir || !*dir || !o || o->days < 1 || o->days > 3650 || o->target_messages < 1 ||
	    o->target_messages > 2000000 || o->end_ms < (int64_t)o->days * MS_PER_DAY) {
		rc = aiu_errf(err, AIU_EARG, "demo: bad options (need a directory, 1-3650 days, "
			      "1-2000000 messages, an end after the start of the history)");
		goto out;
	}
	g.rng = o->seed;
	g.o = o;
	g.lo = o->end_ms - (int64_t)o->days * MS_PER_DAY;
	if ((rc = pathf(g.root, err, "%s/projects", dir)) < 0 || (rc = prepare_root(&g, err)) < 0 ||
	    (rc = plan_sessions(&g, err)) < 0)
		goto out;
	max = distribute(&g);
	if (!(g.steps = calloc((size_t)max, sizeof(*g.steps)))) {
		rc = aiu_errf(err, AIU_ENOMEM, "demo: out of memory");
		goto out;
	}
	for (size_t i = 0; i < g.nss; i++)
		if ((rc = session(&g, i, err)) < 0)
			goto out;
out:
	free(g.ss);
	free(g.steps);
	buf_release(&g.head);
	buf_release(&g.body);
	buf_release(&g.sub);
	buf_release(&g.tmp);
	return rc;
}
