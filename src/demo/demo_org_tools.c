/* demo_org_tools.c - see demo_org_tools.h. */
#include "demo/demo_org_tools.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <string.h>

/* The demo people (demo_org.c) as tool users. cursor: 0 no seat, 1 active
 * member, 2 idle seat (member, never active), 3 removed member.
 * claude_ai: percent chance of activity on a weekday (0 = never uses it). */
static const struct {
	const char *email, *name, *user_id;
	int cursor, claude_ai;
} users[] = {
	{ "ana.lopez@demo.example", "Ana Lopez", "cur_demo_ana", 1, 40 },
	{ "bo.chen@demo.example", "Bo Chen", "cur_demo_bo", 1, 0 },
	{ "carla.diaz@demo.example", "Carla Diaz", "cur_demo_carla", 1, 0 },
	{ "dev.patel@demo.example", "Dev Patel", "cur_demo_dev", 1, 25 },
	{ "emma.stone@demo.example", "Emma Stone", "", 0, 60 },
	{ "farid.ali@demo.example", "Farid Ali", "cur_demo_farid", 1, 30 },
	{ "grace.kim@demo.example", "Grace Kim", "", 0, 70 },
	{ "hugo.martin@demo.example", "Hugo Martin", "cur_demo_hugo", 3, 50 },
	{ "ines.o'neil@demo.example", "Ines O'Neil", "", 0, 55 },
	{ "jon.berg@demo.example", "Jon Berg", "cur_demo_jon", 1, 0 },
	{ "kim.ross@demo.example", "Kim Ross", "cur_demo_kim", 2, 0 },
	{ "lea.wu@demo.example", "Lea Wu", "cur_demo_lea", 1, 20 },
};
#define NUSERS (sizeof(users) / sizeof(users[0]))

/* demo prices, nano-dollars per token (input, output, cache write, cache read) */
static const struct { const char *model; int64_t in, out, cw, cr; } cmodels[] = {
	{ "claude-4.5-sonnet", 3000, 15000, 3750, 300 },
	{ "gpt-5", 1250, 10000, 0, 125 },
	{ "auto", 1250, 6000, 0, 250 },
};
#define NCMODELS (sizeof(cmodels) / sizeof(cmodels[0]))

static const char *const ca_events[] = { "conversation_created", "conversation_created",
					 "conversation_renamed", "project_created",
					 "project_document_created" };
static const char *const repos[] = { "demo/platform-api", "demo/core-engine", "demo/research-notebooks" };
static const char *const exts[] = { "ts", "py", "go", "c" };

static uint64_t rnd(uint64_t *st) /* splitmix64 */
{
	uint64_t z = (*st += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static int64_t upto(uint64_t *st, int64_t n)
{
	return n > 0 ? (int64_t)(rnd(st) % (uint64_t)n) : 0;
}

/* Per-person running spend of the current billing cycle (nano-dollars). */
struct cycle_acc {
	int64_t cycle_start_day;
	int64_t nano[NUSERS];
};

static int put_members(struct store *s, struct demo_tools_stats *st, struct aiu_err *err)
{
	int rc = AIU_OK;
	for (size_t i = 0; i < NUSERS && rc == AIU_OK; i++) {
		struct cursor_member m;
		if (!users[i].cursor)
			continue;
		memset(&m, 0, sizeof(m));
		m.email = users[i].email;
		m.name = users[i].name;
		m.role = i == 0 ? "owner" : "member";
		m.user_id = users[i].user_id;
		m.removed = users[i].cursor == 3;
		rc = s->ops->cursor_member_put(s, &m, err);
		st->cursor_members++;
	}
	return rc;
}

/* Usage events of one active person-day; returns their chargeable cost. */
static int put_events(struct store *s, int64_t day, size_t u, uint64_t *r, int64_t *charged,
		      struct demo_tools_stats *st, struct aiu_err *err)
{
	int64_t n = 2 + upto(r, 9);
	int rc;
	*charged = 0;
	for (int64_t k = 0; k < n; k++) {
		struct cursor_event e;
		char key[96];
		size_t m = (size_t)upto(r, NCMODELS);
		bool ins = false;
		memset(&e, 0, sizeof(e));
		snprintf(key, sizeof(key), "demo:%lld:%s:%lld", (long long)day, users[u].email,
			 (long long)k);
		e.key = key;
		e.ts = day * MS_PER_DAY + (8 + k) * 3600000LL + upto(r, 3600000);
		e.email = users[u].email;
		e.model = cmodels[m].model;
		e.max_mode = upto(r, 10) == 0;
		e.token_based = true;
		e.chargeable = upto(r, 4) == 0; /* beyond the included requests */
		e.kind = e.chargeable ? "Usage-based" : "Included in Business";
		e.requests_e4 = e.max_mode ? 20000 : 10000;
		e.input = 1000 + upto(r, 60000);
		e.output = 200 + upto(r, 8000);
		e.cache_write = upto(r, 20000);
		e.cache_read = upto(r, 300000);
		e.cost_nusd = e.input * cmodels[m].in + e.output * cmodels[m].out +
			      e.cache_write * cmodels[m].cw + e.cache_read * cmodels[m].cr;
		e.charged_nusd = e.chargeable ? e.cost_nusd : 0;
		if ((rc = s->ops->cursor_event_put(s, &e, &ins, err)) < 0)
			return rc;
		*charged += e.charged_nusd;
		st->cursor_events++;
		st->cursor_cost_nano += e.cost_nusd;
	}
	return AIU_OK;
}

static int put_commits(struct store *s, int64_t day, size_t u, uint64_t *r,
		       struct demo_tools_stats *st, struct aiu_err *err)
{
	int64_t n = upto(r, 4);
	int rc;
	for (int64_t k = 0; k < n; k++) {
		struct cursor_commit c;
		struct cursor_change ch;
		char hash[48], chid[64], msg[64];
		bool ins = false;
		memset(&c, 0, sizeof(c));
		snprintf(hash, sizeof(hash), "%016llx%08llx", (unsigned long long)rnd(r),
			 (unsigned long long)(day * 16 + k) & 0xffffffffULL);
		snprintf(msg, sizeof(msg), "demo change %lld", (long long)k + 1);
		c.hash = hash;
		c.user_id = users[u].user_id;
		c.email = users[u].email;
		c.repo = repos[(size_t)upto(r, 3)];
		c.branch = upto(r, 3) ? "main" : "feature/demo";
		c.source = "IDE";
		c.message = msg;
		c.primary = 1;
		c.added = 10 + upto(r, 400);
		c.deleted = upto(r, 150);
		c.tab_added = upto(r, c.added / 3 + 1);
		c.composer_added = upto(r, c.added - c.tab_added + 1);
		c.tab_deleted = upto(r, c.deleted / 4 + 1);
		c.composer_deleted = upto(r, c.deleted - c.tab_deleted + 1);
		c.non_ai_added = c.added - c.tab_added - c.composer_added;
		c.non_ai_deleted = c.deleted - c.tab_deleted - c.composer_deleted;
		c.commit_ts = day * MS_PER_DAY + 10 * 3600000LL + k * 5400000LL + upto(r, 3600000);
		c.created_ts = c.commit_ts + 60000;
		if ((rc = s->ops->cursor_commit_put(s, &c, &ins, err)) < 0)
			return rc;
		st->cursor_commits++;
		memset(&ch, 0, sizeof(ch));
		snprintf(chid, sizeof(chid), "demo-chg-%s", hash);
		ch.change_id = chid;
		ch.user_id = users[u].user_id;
		ch.email = users[u].email;
		ch.source = c.tab_added > c.composer_added ? "TAB" : "COMPOSER";
		ch.model = ch.source[0] == 'T' ? "" : cmodels[0].model;
		ch.metadata_json = "[{\"fileExtension\":\"ts\"}]";
		ch.added = c.tab_added + c.composer_added;
		ch.deleted = c.tab_deleted + c.composer_deleted;
		ch.created_ts = c.commit_ts - 600000;
		if ((rc = s->ops->cursor_change_put(s, &ch, &ins, err)) < 0)
			return rc;
		st->cursor_changes++;
	}
	return AIU_OK;
}

static int fill_cursor_day(struct store *s, int64_t day, uint64_t *r, bool weekend,
			   struct cycle_acc *acc, struct demo_tools_stats *st, struct aiu_err *err)
{
	int y;
	unsigned mo, d;
	int rc;
	civil_from_days(day, &y, &mo, &d);
	if (days_from_civil(y, mo, 1) != acc->cycle_start_day) {
		acc->cycle_start_day = days_from_civil(y, mo, 1);
		memset(acc->nano, 0, sizeof(acc->nano));
	}
	for (size_t u = 0; u < NUSERS; u++) {
		struct cursor_daily dr;
		struct cursor_spend_snap sp;
		int64_t charged = 0;
		bool ins = false;
		if (users[u].cursor != 1 && users[u].cursor != 2)
			continue;
		memset(&dr, 0, sizeof(dr));
		dr.day_ms = day * MS_PER_DAY;
		dr.email = users[u].email;
		/* an idle seat still gets its (inactive) daily row, as Cursor sends */
		dr.active = users[u].cursor == 1 && upto(r, 100) < (weekend ? 15 : 80);
		dr.client_version = "1.7.33";
		if (dr.active) {
			dr.totalTabsShown = 20 + upto(r, 400);
			dr.totalTabsAccepted = upto(r, dr.totalTabsShown / 2 + 1);
			dr.totalLinesAdded = 50 + upto(r, 1500);
			dr.acceptedLinesAdded = upto(r, dr.totalLinesAdded * 3 / 5 + 1);
			dr.totalLinesDeleted = upto(r, 600);
			dr.acceptedLinesDeleted = upto(r, dr.totalLinesDeleted / 2 + 1);
			dr.totalApplies = upto(r, 40);
			dr.totalAccepts = upto(r, dr.totalApplies + 1);
			dr.totalRejects = dr.totalApplies - dr.totalAccepts;
			dr.composerRequests = upto(r, 25);
			dr.chatRequests = upto(r, 15);
			dr.agentRequests = upto(r, 30);
			dr.cmdkUsages = upto(r, 10);
			dr.subscriptionIncludedReqs = dr.composerRequests + dr.chatRequests + dr.agentRequests;
			dr.usageBasedReqs = upto(r, 5);
			dr.most_used_model = cmodels[(size_t)upto(r, NCMODELS)].model;
			dr.apply_ext = exts[(size_t)upto(r, 4)];
			dr.tab_ext = exts[(size_t)upto(r, 4)];
		}
		if ((rc = s->ops->cursor_daily_put(s, &dr, &ins, err)) < 0)
			return rc;
		st->cursor_days++;
		if (!dr.active)
			continue;
		if ((rc = put_events(s, day, u, r, &charged, st, err)) < 0 ||
		    (rc = put_commits(s, day, u, r, st, err)) < 0)
			return rc;
		acc->nano[u] += charged;
		/* the end-of-day /teams/spend reading: the cycle's running total */
		memset(&sp, 0, sizeof(sp));
		sp.cycle_start = acc->cycle_start_day * MS_PER_DAY;
		sp.email = users[u].email;
		sp.name = users[u].name;
		sp.day = day;
		sp.taken_ms = day * MS_PER_DAY + 23 * 3600000LL;
		sp.spend_cents = acc->nano[u] / NANO_PER_CENT;
		sp.fast_premium = upto(r, 50);
		if ((rc = s->ops->cursor_spend_put(s, &sp, err)) < 0)
			return rc;
		st->spend_snaps++;
	}
	return AIU_OK;
}

static int fill_claude_ai_day(struct store *s, int64_t day, uint64_t *r, bool weekend,
			      struct demo_tools_stats *st, struct aiu_err *err)
{
	int rc;
	for (size_t u = 0; u < NUSERS; u++) {
		int64_t n;
		if (!users[u].claude_ai ||
		    upto(r, 100) >= (weekend ? users[u].claude_ai / 5 : users[u].claude_ai))
			continue;
		n = 1 + upto(r, 6);
		for (int64_t k = 0; k < n; k++) {
			struct claude_ai_event e;
			char key[96], uuid[64], ent[64];
			bool ins = false;
			memset(&e, 0, sizeof(e));
			snprintf(key, sizeof(key), "id:demo-%lld-%zu-%lld", (long long)day, u, (long long)k);
			snprintf(uuid, sizeof(uuid), "demo-user-%zu", u);
			snprintf(ent, sizeof(ent), "demo-ent-%lld-%zu-%lld", (long long)day, u, (long long)k);
			e.key = key;
			e.ts = day * MS_PER_DAY + (9 + k) * 3600000LL + upto(r, 3600000);
			e.event = ca_events[(size_t)upto(r, sizeof(ca_events) / sizeof(ca_events[0]))];
			e.email = users[u].email;
			e.actor_name = users[u].name;
			e.actor_uuid = uuid;
			e.entity_type = strncmp(e.event, "project", 7) == 0 ? "project" : "chat_conversation";
			e.entity_uuid = ent;
			e.event_info = "{}";
			e.client_platform = upto(r, 3) ? "web_claude_ai" : "desktop_app";
			e.device_id = "";
			e.user_agent = "Mozilla/5.0 (demo)";
			e.source = "demo";
			if ((rc = s->ops->claude_ai_event_add(s, &e, &ins, err)) < 0)
				return rc;
			st->claude_ai_events++;
		}
	}
	return AIU_OK;
}

static int run_record(struct store *s, struct org_run *run, const char *source, int64_t from,
		      int64_t to, struct aiu_err *err)
{
	int rc;
	memset(run, 0, sizeof(*run));
	str_copy(run->source, source, sizeof(run->source));
	run->started_ms = now_ms();
	run->from_day = from;
	run->to_day = to;
	if ((rc = store_begin(s, err)) < 0 || (rc = s->ops->org_run_start(s, run, err)) < 0)
		return rc; /* the caller rolls back */
	return store_commit(s, err);
}

static int run_done(struct store *s, struct org_run *run, int64_t rows, struct aiu_err *err)
{
	int rc;
	run->finished_ms = now_ms();
	run->rows = rows;
	str_copy(run->status, "ok", sizeof(run->status));
	if ((rc = store_begin(s, err)) < 0 || (rc = s->ops->org_run_finish(s, run, err)) < 0)
		return rc; /* the caller rolls back */
	return store_commit(s, err);
}

int demo_org_tools_fill(struct store *s, int64_t today, int days, uint64_t seed,
			struct demo_tools_stats *st, struct aiu_err *err)
{
	struct org_run cur, ca;
	struct cycle_acc acc;
	int64_t from = today - days + 1;
	int rc;

	memset(st, 0, sizeof(*st));
	memset(&acc, 0, sizeof(acc));
	acc.cycle_start_day = INT64_MIN;
	if ((rc = run_record(s, &cur, "cursor", from, today, err)) < 0 ||
	    (rc = run_record(s, &ca, "claude_ai", from, today, err)) < 0)
		goto out;
	if ((rc = store_begin(s, err)) < 0 || (rc = put_members(s, st, err)) < 0 ||
	    (rc = store_commit(s, err)) < 0)
		goto out;
	for (int64_t day = from; day <= today; day++) {
		uint64_t r = seed ^ ((uint64_t)day * 0x9FB21C651E98DF25ULL) ^ 0xC0A5C0A5ULL;
		int wd = weekday_from_days(day);
		bool weekend = wd == 0 || wd == 6;
		if ((rc = store_begin(s, err)) < 0 ||
		    (rc = fill_cursor_day(s, day, &r, weekend, &acc, st, err)) < 0 ||
		    (rc = fill_claude_ai_day(s, day, &r, weekend, st, err)) < 0 ||
		    (rc = store_commit(s, err)) < 0)
			goto out;
	}
	if ((rc = run_done(s, &cur, st->cursor_members + st->cursor_days + st->cursor_events +
					    st->cursor_commits + st->cursor_changes + st->spend_snaps,
			   err)) < 0 ||
	    (rc = run_done(s, &ca, st->claude_ai_events, err)) < 0)
		goto out;
out:
	if (rc < 0)
		store_rollback(s);
	return rc;
}
