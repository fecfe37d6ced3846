/* org_out.c - the organisation report as text or JSON (see org_out.h).
 * Money: text shows dollars rounded to the cent; JSON carries exact
 * decimal strings (usd with up to 9 decimals, cents with up to 7), so a
 * check can compare to the vendor's figures to the last digit. */
#include "render/org_out.h"
#include "core/jsonw.h"
#include "core/money.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <string.h>

/* nano-dollars as an exact decimal number of cents ("123.4567") */
static void cents_exact(int64_t nano, char *out, size_t cap)
{
	uint64_t a = nano < 0 ? (uint64_t)0 - (uint64_t)nano : (uint64_t)nano;
	char frac[16];
	size_t n;
	snprintf(frac, sizeof(frac), "%07llu", (unsigned long long)(a % 10000000ULL));
	n = strlen(frac);
	while (n > 1 && frac[n - 1] == '0')
		frac[--n] = '\0';
	snprintf(out, cap, "%s%llu.%s", nano < 0 ? "-" : "", (unsigned long long)(a / 10000000ULL), frac);
}

static void pct(int64_t part, int64_t whole, char *out, size_t cap)
{
	if (whole <= 0) {
		snprintf(out, cap, "n/a");
		return;
	}
	/* one decimal, integer arithmetic (128-bit: part * 1000 cannot overflow) */
	int64_t pm = (int64_t)((__int128)part * 1000 / whole);
	snprintf(out, cap, "%lld.%lld%%", (long long)(pm / 10), (long long)(pm % 10 < 0 ? -(pm % 10) : pm % 10));
}

static void j_money(struct jsonw *w, const char *key, int64_t nano)
{
	char c[48];
	jw_key(w, key);
	cents_exact(nano, c, sizeof(c));
	jw_str(w, c);
}

static void j_amounts(struct jsonw *w, const char *key, const struct org_amount *v, size_t n)
{
	jw_key(w, key);
	jw_arr(w);
	for (size_t i = 0; i < n; i++) {
		jw_obj(w);
		jw_key(w, "key");
		jw_str(w, v[i].key);
		jw_key(w, "label");
		jw_str(w, v[i].label);
		j_money(w, "cents", v[i].nano);
		jw_end(w);
	}
	jw_end(w);
}

static void j_person(struct jsonw *w, const struct org_person_stat *p, bool team)
{
	jw_obj(w);
	if (team) {
		jw_key(w, "team");
		jw_str(w, p->team);
		jw_key(w, "people");
		jw_int(w, p->people);
	} else {
		jw_key(w, "email");
		if (p->email[0])
			jw_str(w, p->email);
		else
			jw_null(w);
		jw_key(w, "name");
		jw_str(w, p->name);
		jw_key(w, "team");
		jw_str(w, p->team);
		jw_key(w, "apiKeys");
		jw_int(w, p->keys);
	}
	j_money(w, "billCents", p->bill_nano);
	jw_key(w, "apiTokens");
	jw_int(w, p->tokens);
	jw_key(w, "claudeCode");
	jw_obj(w);
	jw_key(w, "records");
	jw_int(w, p->cc_records);
	jw_key(w, "sessions");
	jw_int(w, p->cc_sessions);
	jw_key(w, "linesAdded");
	jw_int(w, p->cc_lines_added);
	jw_key(w, "linesRemoved");
	jw_int(w, p->cc_lines_removed);
	jw_key(w, "commits");
	jw_int(w, p->cc_commits);
	jw_key(w, "pullRequests");
	jw_int(w, p->cc_prs);
	j_money(w, "estimatedCostCents", p->cc_est_nano);
	jw_end(w);
	jw_end(w);
}

int org_render_json(const struct org_report *r, struct buf *out)
{
	struct jsonw w;
	char d[16];
	jw_init(&w, out, true);
	jw_obj(&w);
	jw_key(&w, "from");
	format_day(r->from_day, d, sizeof(d));
	jw_str(&w, d);
	jw_key(&w, "to");
	format_day(r->to_day, d, sizeof(d));
	jw_str(&w, d);
	jw_key(&w, "bill");
	jw_obj(&w);
	jw_key(&w, "source");
	jw_str(&w, "anthropic cost_report (exact)");
	j_money(&w, "totalCents", r->bill_nano);
	j_amounts(&w, "byWorkspace", r->by_ws, r->n_ws);
	j_amounts(&w, "byModel", r->by_model, r->n_model);
	j_amounts(&w, "byMonth", r->by_month, r->n_month);
	j_amounts(&w, "byCostType", r->by_type, r->n_type);
	jw_end(&w);
	jw_key(&w, "tokens");
	jw_obj(&w);
	jw_key(&w, "uncachedInput");
	jw_int(&w, r->uncached_input);
	jw_key(&w, "output");
	jw_int(&w, r->output);
	jw_key(&w, "cacheRead");
	jw_int(&w, r->cache_read);
	jw_key(&w, "cacheWrite5m");
	jw_int(&w, r->cw5m);
	jw_key(&w, "cacheWrite1h");
	jw_int(&w, r->cw1h);
	jw_key(&w, "webSearchRequests");
	jw_int(&w, r->web_search);
	jw_end(&w);
	jw_key(&w, "claudeCode");
	jw_obj(&w);
	jw_key(&w, "records");
	jw_int(&w, r->cc_records);
	jw_key(&w, "remoteRecords");
	jw_int(&w, r->cc_remote_records);
	jw_key(&w, "sessions");
	jw_int(&w, r->cc_sessions);
	jw_key(&w, "linesAdded");
	jw_int(&w, r->cc_lines_added);
	jw_key(&w, "linesRemoved");
	jw_int(&w, r->cc_lines_removed);
	jw_key(&w, "commits");
	jw_int(&w, r->cc_commits);
	jw_key(&w, "pullRequests");
	jw_int(&w, r->cc_prs);
	jw_key(&w, "toolAccepted");
	jw_int(&w, r->cc_tool_accepted);
	jw_key(&w, "toolRejected");
	jw_int(&w, r->cc_tool_rejected);
	j_money(&w, "estimatedCostCents", r->cc_est_nano);
	jw_key(&w, "estimatedCostIsEstimate");
	jw_bool(&w, true);
	jw_end(&w);
	jw_key(&w, "people");
	jw_arr(&w);
	for (size_t i = 0; i < r->n_people; i++)
		j_person(&w, &r->people[i], false);
	jw_end(&w);
	jw_key(&w, "unattributed");
	j_person(&w, &r->unattributed, false);
	jw_key(&w, "teams");
	jw_arr(&w);
	for (size_t i = 0; i < r->n_teams; i++)
		j_person(&w, &r->teams[i], true);
	jw_end(&w);
	jw_key(&w, "coverage");
	jw_obj(&w);
	j_money(&w, "billAttributedCents", r->bill_attributed_nano);
	jw_key(&w, "apiTokensAttributed");
	jw_int(&w, r->tokens_attributed);
	jw_key(&w, "apiTokensTotal");
	jw_int(&w, r->tokens_total);
	jw_key(&w, "claudeCodeRecordsAttributed");
	jw_int(&w, r->cc_records_attributed);
	jw_key(&w, "claudeCodeRecordsTotal");
	jw_int(&w, r->cc_records);
	jw_end(&w);
	jw_key(&w, "pullRuns");
	jw_arr(&w);
	for (size_t i = 0; i < r->n_runs; i++) {
		const struct org_run *x = &r->runs[i];
		char ts[32];
		jw_obj(&w);
		jw_key(&w, "source");
		jw_str(&w, x->source);
		jw_key(&w, "status");
		jw_str(&w, x->status);
		jw_key(&w, "started");
		format_iso_ms(x->started_ms, ts, sizeof(ts));
		jw_str(&w, ts);
		jw_key(&w, "finished");
		if (x->finished_ms) {
			format_iso_ms(x->finished_ms, ts, sizeof(ts));
			jw_str(&w, ts);
		} else {
			jw_null(&w);
		}
		jw_key(&w, "from");
		format_day(x->from_day, d, sizeof(d));
		jw_str(&w, d);
		jw_key(&w, "to");
		format_day(x->to_day, d, sizeof(d));
		jw_str(&w, d);
		jw_key(&w, "rows");
		jw_int(&w, x->rows);
		jw_key(&w, "requests");
		jw_int(&w, x->requests);
		jw_key(&w, "error");
		jw_str(&w, x->error);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	buf_putc(out, '\n');
	return jw_ok(&w) && !out->failed ? 0 : -1;
}

static void t_amounts(FILE *f, const char *title, const struct org_amount *v, size_t n)
{
	char m[48];
	fprintf(f, "  %s:\n", title);
	for (size_t i = 0; i < n; i++) {
		money_format_usd(v[i].nano, m, sizeof(m));
		fprintf(f, "    %-44.44s %14s\n", v[i].label, m);
	}
}

static void t_person(FILE *f, const struct org_person_stat *p, bool team)
{
	char bill[48], est[48];
	money_format_usd(p->bill_nano, bill, sizeof(bill));
	money_format_usd(p->cc_est_nano, est, sizeof(est));
	if (team)
		fprintf(f, "  %-30.30s %6lld %12s %14lld %8lld %10lld %12s\n", p->team, (long long)p->people,
			bill, (long long)p->tokens, (long long)p->cc_sessions, (long long)p->cc_lines_added, est);
	else
		fprintf(f, "  %-30.30s %-16.16s %-12.12s %12s %14lld %8lld %10lld %12s\n",
			p->email[0] ? p->email : "(unattributed)", p->name, p->team, bill, (long long)p->tokens,
			(long long)p->cc_sessions, (long long)p->cc_lines_added, est);
}

int org_render_text(const struct org_report *r, FILE *f)
{
	char a[16], b[16], m[48], p1[48], p2[48];
	format_day(r->from_day, a, sizeof(a));
	format_day(r->to_day, b, sizeof(b));
	money_format_usd(r->bill_nano, m, sizeof(m));
	fprintf(f, "Anthropic bill %s..%s (cost_report, exact): %s\n", a, b, m);
	t_amounts(f, "by workspace", r->by_ws, r->n_ws);
	t_amounts(f, "by model", r->by_model, r->n_model);
	t_amounts(f, "by month", r->by_month, r->n_month);
	fprintf(f, "API tokens: %lld input, %lld output, %lld cache read, %lld cache write 5m, "
		   "%lld cache write 1h; %lld web searches\n",
		(long long)r->uncached_input, (long long)r->output, (long long)r->cache_read,
		(long long)r->cw5m, (long long)r->cw1h, (long long)r->web_search);
	money_format_usd(r->cc_est_nano, m, sizeof(m));
	fprintf(f, "Claude Code: %lld records (%lld remote), %lld sessions, +%lld/-%lld lines, "
		   "%lld commits, %lld PRs; estimated cost %s (ESTIMATE, not part of the bill)\n",
		(long long)r->cc_records, (long long)r->cc_remote_records, (long long)r->cc_sessions,
		(long long)r->cc_lines_added, (long long)r->cc_lines_removed, (long long)r->cc_commits,
		(long long)r->cc_prs, m);
	fprintf(f, "\nPeople (bill allocated by token share, see docs/ORG.md):\n");
	fprintf(f, "  %-30s %-16s %-12s %12s %14s %8s %10s %12s\n", "email", "name", "team", "bill",
		"api tokens", "sessions", "lines +", "cc estimate");
	for (size_t i = 0; i < r->n_people; i++)
		t_person(f, &r->people[i], false);
	t_person(f, &r->unattributed, false);
	fprintf(f, "\nTeams:\n  %-30s %6s %12s %14s %8s %10s %12s\n", "team", "people", "bill",
		"api tokens", "sessions", "lines +", "cc estimate");
	for (size_t i = 0; i < r->n_teams; i++)
		t_person(f, &r->teams[i], true);
	pct(r->bill_attributed_nano, r->bill_nano, p1, sizeof(p1));
	pct(r->cc_records_attributed, r->cc_records, p2, sizeof(p2));
	fprintf(f, "\nCoverage: %s of the bill attributed to people, %s of Claude Code records\n", p1, p2);
	for (size_t i = 0; i < r->n_runs; i++) {
		char ts[32];
		format_iso_ms(r->runs[i].started_ms, ts, sizeof(ts));
		fprintf(f, "%s %s pull at %s: %s%s%s\n", i ? "    " : "Pulls:", r->runs[i].source, ts,
			r->runs[i].status, r->runs[i].error[0] ? " - " : "", r->runs[i].error);
	}
	return ferror(f) ? -1 : 0;
}
