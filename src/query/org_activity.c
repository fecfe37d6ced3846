/* org_activity.c - see org_activity.h. One pass over each Anthropic table
 * of the window; distinct sets are built by append + sort + unique (no
 * hashing needed at these volumes: tens of rows a day). */
#include "query/org_activity.h"
#include "query/identity.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <stdlib.h>
#include <string.h>

#define OA_MAX_ROWS 4000000

struct oa {
	struct org_activity *a;
	struct identity id;
	const char *team, *person;
	size_t cap_act, cap_prod, cap_days, cap_pdays, cap_seats, cap_cdays, cap_cud, cap_cad;
	struct anth_usage_row *usage;   /* kept only when person != NULL */
	size_t n_usage, cap_usage;
	struct anth_cost_row *cost;
	size_t n_cost, cap_cost;
	struct aiu_err *err;
};

/* Grows *v (elements of size sz) to hold n + 1; 0 or AIU_ELIMIT/AIU_ENOMEM. */
static int grow(void **v, size_t *cap, size_t n, size_t sz)
{
	void *nv;
	size_t nc;
	if (n < *cap)
		return AIU_OK;
	nc = *cap ? *cap * 2 : 64;
	if (nc > OA_MAX_ROWS)
		return AIU_ELIMIT;
	if (!(nv = realloc(*v, nc * sz)))
		return AIU_ENOMEM;
	*v = nv;
	*cap = nc;
	return AIU_OK;
}

static int nomem(struct oa *o)
{
	return aiu_errf(o->err, AIU_ENOMEM, "org activity: too many rows or out of memory");
}

/* Does the person with this email pass the team filter? */
static bool in_team(const struct oa *o, const char *email)
{
	const struct org_person *p;
	const char *t;
	if (!o->team)
		return true;
	p = identity_person(&o->id, email);
	t = p && p->team[0] ? p->team : "(no team)";
	return strcmp(t, o->team) == 0;
}

static int add_active(struct oa *o, int64_t day, const char *tool, const char *email)
{
	struct org_activity *a = o->a;
	if (!email || !email[0] || !in_team(o, email))
		return AIU_OK;
	if (grow((void **)&a->act, &o->cap_act, a->n_act, sizeof(*a->act)) < 0)
		return nomem(o);
	a->act[a->n_act].day = day;
	a->act[a->n_act].tool = tool;
	str_copy(a->act[a->n_act].email, email, sizeof(a->act[0].email));
	a->n_act++;
	return AIU_OK;
}

static void see_day(struct org_activity *a, int64_t day)
{
	if (a->first_usage_day < 0 || day < a->first_usage_day)
		a->first_usage_day = day;
	if (day > a->last_usage_day)
		a->last_usage_day = day;
}

/* The person-day row for day (created; pdays stays sorted because the
 * scans return days in order only per table, so we search linearly). */
static struct org_person_day *pday(struct oa *o, int64_t day)
{
	struct org_activity *a = o->a;
	for (size_t i = a->n_pdays; i > 0; i--)
		if (a->pdays[i - 1].day == day)
			return &a->pdays[i - 1];
	if (grow((void **)&a->pdays, &o->cap_pdays, a->n_pdays, sizeof(*a->pdays)) < 0)
		return NULL;
	memset(&a->pdays[a->n_pdays], 0, sizeof(a->pdays[0]));
	a->pdays[a->n_pdays].day = day;
	return &a->pdays[a->n_pdays++];
}

static int on_usage(void *ctx, const struct anth_usage_row *u)
{
	struct oa *o = ctx;
	const char *owner = identity_key_owner(&o->id, u->api_key_id);
	see_day(o->a, u->day);
	if (o->person) {
		if (grow((void **)&o->usage, &o->cap_usage, o->n_usage, sizeof(*o->usage)) < 0)
			return nomem(o);
		o->usage[o->n_usage++] = *u;
		if (owner && strcmp(owner, o->person) == 0) {
			struct org_person_day *d = pday(o, u->day);
			if (!d)
				return nomem(o);
			d->has_anthropic = true;
			d->tokens += u->uncached_input + u->output + u->cache_read + u->cw5m + u->cw1h;
		}
	}
	return add_active(o, u->day, ORG_TOOL_API, owner);
}

static int on_cost(void *ctx, const struct anth_cost_row *c)
{
	struct oa *o = ctx;
	struct org_activity *a = o->a;
	see_day(a, c->day);
	if (!a->n_bill_days || a->bill_days[a->n_bill_days - 1].day != c->day) {
		if (grow((void **)&a->bill_days, &o->cap_days, a->n_bill_days,
			 sizeof(*a->bill_days)) < 0)
			return nomem(o);
		a->bill_days[a->n_bill_days].day = c->day;
		a->bill_days[a->n_bill_days++].nano = 0;
	}
	a->bill_days[a->n_bill_days - 1].nano += c->amount_nano;
	if (o->person) {
		if (grow((void **)&o->cost, &o->cap_cost, o->n_cost, sizeof(*o->cost)) < 0)
			return nomem(o);
		o->cost[o->n_cost++] = *c;
	}
	return AIU_OK;
}

static int add_tool(struct oa *o, const char *tool, int64_t acc, int64_t rej)
{
	struct org_activity *a = o->a;
	struct org_tool_action *nv;
	for (size_t i = 0; i < a->n_tools; i++)
		if (strcmp(a->tools[i].tool, tool) == 0) {
			a->tools[i].accepted += acc;
			a->tools[i].rejected += rej;
			return AIU_OK;
		}
	if (!(nv = realloc(a->tools, (a->n_tools + 1) * sizeof(*nv))))
		return nomem(o);
	a->tools = nv;
	str_copy(nv[a->n_tools].tool, tool, sizeof(nv[0].tool));
	nv[a->n_tools].accepted = acc;
	nv[a->n_tools].rejected = rej;
	a->n_tools++;
	return AIU_OK;
}

static int add_est(struct oa *o, const char *model, int64_t nano)
{
	struct org_activity *a = o->a;
	struct org_est_model *nv;
	for (size_t i = 0; i < a->n_est; i++)
		if (strcmp(a->est[i].model, model) == 0) {
			a->est[i].est_nano += nano;
			return AIU_OK;
		}
	if (!(nv = realloc(a->est, (a->n_est + 1) * sizeof(*nv))))
		return nomem(o);
	a->est = nv;
	str_copy(nv[a->n_est].model, model, sizeof(nv[0].model));
	nv[a->n_est].est_nano = nano;
	a->n_est++;
	return AIU_OK;
}

static int on_cc(void *ctx, const struct anth_cc_rec *c)
{
	struct oa *o = ctx;
	struct org_activity *a = o->a;
	const char *owner = strcmp(c->actor_type, "user") == 0
				    ? c->actor : identity_keyname_owner(&o->id, c->actor);
	struct org_prod_day *d;
	int64_t acc = 0, rej = 0, est = 0;
	int rc;
	see_day(a, c->day);
	for (size_t i = 0; i < c->nmodels; i++) {
		est += c->models[i].est_cost_nano;
		if (!o->team && (rc = add_est(o, c->models[i].model, c->models[i].est_cost_nano)) < 0)
			return rc;
	}
	if (o->person && owner && strcmp(owner, o->person) == 0) {
		struct org_person_day *pd = pday(o, c->day);
		if (!pd)
			return nomem(o);
		pd->has_cc = true;
		pd->cc_sessions += c->sessions;
		pd->cc_lines_added += c->lines_added;
		pd->cc_commits += c->commits;
		pd->cc_est_nano += est;
	}
	if ((rc = add_active(o, c->day, ORG_TOOL_CC, owner)) < 0)
		return rc;
	/* productivity: the whole org, or only a team's resolved actors */
	if (o->team && !(owner && owner[0] && in_team(o, owner)))
		return AIU_OK;
	for (size_t i = 0; i < c->ntools; i++) {
		acc += c->tools[i].accepted;
		rej += c->tools[i].rejected;
		if ((rc = add_tool(o, c->tools[i].tool, c->tools[i].accepted,
				   c->tools[i].rejected)) < 0)
			return rc;
	}
	if (!a->n_prod || a->prod[a->n_prod - 1].day != c->day) {
		if (grow((void **)&a->prod, &o->cap_prod, a->n_prod, sizeof(*a->prod)) < 0)
			return nomem(o);
		memset(&a->prod[a->n_prod], 0, sizeof(a->prod[0]));
		a->prod[a->n_prod++].day = c->day;
	}
	d = &a->prod[a->n_prod - 1];
	d->sessions += c->sessions;
	d->lines_added += c->lines_added;
	d->lines_removed += c->lines_removed;
	d->commits += c->commits;
	d->prs += c->prs;
	d->accepted += acc;
	d->rejected += rej;
	return AIU_OK;
}

static int on_user(void *ctx, const struct anth_user *u)
{
	struct oa *o = ctx;
	struct org_activity *a = o->a;
	char (*nv)[ORG_EMAIL_MAX];
	if (!u->email[0] || !in_team(o, u->email))
		return AIU_OK;
	if (!(nv = realloc(a->seats, (a->n_seats + 1) * sizeof(*nv))))
		return nomem(o);
	a->seats = nv;
	str_copy(nv[a->n_seats++], u->email, sizeof(nv[0]));
	return AIU_OK;
}

static int add_tool_seat(struct oa *o, const char *tool, const char *email)
{
	struct org_activity *a = o->a;
	struct org_seat *nv;
	if (!email || !email[0] || !in_team(o, email))
		return AIU_OK;
	if (grow((void **)&a->tool_seats, &o->cap_seats, a->n_tool_seats, sizeof(*nv)) < 0)
		return nomem(o);
	nv = &a->tool_seats[a->n_tool_seats++];
	nv->tool = tool;
	str_copy(nv->email, email, sizeof(nv->email));
	return AIU_OK;
}

static int on_member(void *ctx, const struct cursor_member *m)
{
	struct oa *o = ctx;
	char email[ORG_EMAIL_MAX];
	if (m->removed)
		return AIU_OK;
	str_copy(email, m->email, sizeof(email));
	for (char *c = email; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return add_tool_seat(o, ORG_TOOL_CURSOR, email);
}

/* Appends day to a sorted unique day list (rows arrive ordered by day). */
static int add_day(struct oa *o, int64_t **v, size_t *n, size_t *cap, int64_t day)
{
	if (*n && (*v)[*n - 1] == day)
		return AIU_OK;
	if (grow((void **)v, cap, *n, sizeof(**v)) < 0)
		return nomem(o);
	(*v)[(*n)++] = day;
	return AIU_OK;
}

/* The person's Cursor / claude.ai figures of one day, counted as the
 * people totals count them (org_report.c on_tool_day). */
static int person_tool_day(struct oa *o, const struct org_tool_day *d)
{
	struct org_person_day *pd = pday(o, d->day);
	if (!pd)
		return nomem(o);
	if (strcmp(d->tool, ORG_TOOL_CLAUDE_AI) == 0) {
		pd->has_cai = true;
		pd->cai_events += d->active;
		return AIU_OK;
	}
	pd->has_cursor = true;
	pd->cursor_active = pd->cursor_active || d->active > 0;
	pd->cursor_bill_nano += d->bill_nano;
	pd->cursor_accepted_lines += d->accepted_lines_added;
	pd->cursor_lines_added += d->lines_added;
	return AIU_OK;
}

static int on_tool_day(void *ctx, const struct org_tool_day *d)
{
	struct oa *o = ctx;
	struct org_activity *a = o->a;
	struct org_cursor_totals *t = &a->cursor;
	char email[ORG_EMAIL_MAX];
	int rc;
	str_copy(email, d->email, sizeof(email));
	for (char *c = email; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	if (o->person && strcmp(email, o->person) == 0 && (rc = person_tool_day(o, d)) < 0)
		return rc;
	if ((rc = strcmp(d->tool, ORG_TOOL_CLAUDE_AI) == 0
		   ? add_day(o, &a->cai_days, &a->n_cai_days, &o->cap_cad, d->day)
		   : add_day(o, &a->cursor_days, &a->n_cursor_days, &o->cap_cud, d->day)) < 0)
		return rc;
	if (strcmp(d->tool, ORG_TOOL_CLAUDE_AI) == 0) {
		a->any_claude_ai = true;
		if ((rc = add_tool_seat(o, ORG_TOOL_CLAUDE_AI, email)) < 0)
			return rc;
		return add_active(o, d->day, ORG_TOOL_CLAUDE_AI, email);
	}
	if (d->bill_nano) {
		if (!a->n_cursor_bill_days || a->cursor_bill_days[a->n_cursor_bill_days - 1].day != d->day) {
			if (grow((void **)&a->cursor_bill_days, &o->cap_cdays, a->n_cursor_bill_days,
				 sizeof(*a->cursor_bill_days)) < 0)
				return nomem(o);
			a->cursor_bill_days[a->n_cursor_bill_days].day = d->day;
			a->cursor_bill_days[a->n_cursor_bill_days++].nano = 0;
		}
		a->cursor_bill_days[a->n_cursor_bill_days - 1].nano += d->bill_nano;
	}
	if (d->active > 0 && (rc = add_active(o, d->day, ORG_TOOL_CURSOR, email)) < 0)
		return rc;
	if (o->team && !in_team(o, email))
		return AIU_OK;
	if (d->lines_added || d->accepted_lines_added || d->tabs_shown || d->tabs_accepted || d->active)
		t->any = true;
	t->lines_added += d->lines_added;
	t->accepted_lines_added += d->accepted_lines_added;
	t->tabs_shown += d->tabs_shown;
	t->tabs_accepted += d->tabs_accepted;
	if (d->commit_lines || d->commit_ai_lines)
		t->any_commits = true;
	t->commit_lines += d->commit_lines;
	t->commit_ai_lines += d->commit_ai_lines;
	return AIU_OK;
}

static int cmp_seat(const void *x, const void *y)
{
	const struct org_seat *a = x, *b = y;
	int c = strcmp(a->tool, b->tool);
	return c ? c : strcmp(a->email, b->email);
}

static int give(void *ctx, const struct anth_usage_row *row, int64_t nano)
{
	struct oa *o = ctx;
	const char *owner = row ? identity_key_owner(&o->id, row->api_key_id) : NULL;
	struct org_person_day *d;
	if (!owner || strcmp(owner, o->person) != 0)
		return AIU_OK;
	if (!(d = pday(o, row->day)))
		return nomem(o);
	d->has_anthropic = true;
	d->bill_nano += nano;
	return AIU_OK;
}

static int cmp_active(const void *x, const void *y)
{
	const struct org_active *a = x, *b = y;
	int c;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	if ((c = strcmp(a->tool, b->tool)))
		return c;
	return strcmp(a->email, b->email);
}

static int cmp_prod(const void *x, const void *y)
{
	const struct org_prod_day *a = x, *b = y;
	return a->day < b->day ? -1 : a->day > b->day;
}

static int cmp_pday(const void *x, const void *y)
{
	const struct org_person_day *a = x, *b = y;
	return a->day < b->day ? -1 : a->day > b->day;
}

static int cmp_bday(const void *x, const void *y)
{
	const struct org_bill_day *a = x, *b = y;
	return a->day < b->day ? -1 : a->day > b->day;
}

static int cmp_tool(const void *x, const void *y)
{
	const struct org_tool_action *a = x, *b = y;
	if (a->accepted != b->accepted)
		return a->accepted < b->accepted ? 1 : -1;
	return strcmp(a->tool, b->tool);
}

static int cmp_est(const void *x, const void *y)
{
	const struct org_est_model *a = x, *b = y;
	if (a->est_nano != b->est_nano)
		return a->est_nano < b->est_nano ? 1 : -1;
	return strcmp(a->model, b->model);
}

static int cmp_email(const void *x, const void *y)
{
	return strcmp((const char *)x, (const char *)y);
}

/* Sorts the bill days and sums rows of the same day. */
static void uniq_days(struct org_bill_day *v, size_t *n)
{
	size_t w = 0;
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_bday);
	for (size_t i = 0; i < *n; i++)
		if (w && v[w - 1].day == v[i].day)
			v[w - 1].nano += v[i].nano;
		else
			v[w++] = v[i];
	*n = w;
}

static void merge_prod(struct org_activity *a)
{
	size_t w = 0;
	if (a->n_prod)
		qsort(a->prod, a->n_prod, sizeof(*a->prod), cmp_prod);
	for (size_t i = 0; i < a->n_prod; i++) {
		struct org_prod_day *d = &a->prod[i], *t;
		if (w && a->prod[w - 1].day == d->day) {
			t = &a->prod[w - 1];
			t->sessions += d->sessions;
			t->lines_added += d->lines_added;
			t->lines_removed += d->lines_removed;
			t->commits += d->commits;
			t->prs += d->prs;
			t->accepted += d->accepted;
			t->rejected += d->rejected;
		} else {
			a->prod[w++] = *d;
		}
	}
	a->n_prod = w;
}

static void finish(struct org_activity *a)
{
	size_t w = 0;
	if (a->n_act)
		qsort(a->act, a->n_act, sizeof(*a->act), cmp_active);
	for (size_t i = 0; i < a->n_act; i++)
		if (!w || cmp_active(&a->act[w - 1], &a->act[i]) != 0)
			a->act[w++] = a->act[i];
	a->n_act = w;
	merge_prod(a);
	uniq_days(a->bill_days, &a->n_bill_days);
	if (a->n_tools)
		qsort(a->tools, a->n_tools, sizeof(*a->tools), cmp_tool);
	if (a->n_est)
		qsort(a->est, a->n_est, sizeof(*a->est), cmp_est);
	if (a->n_pdays)
		qsort(a->pdays, a->n_pdays, sizeof(*a->pdays), cmp_pday);
	w = 0;
	if (a->n_seats)
		qsort(a->seats, a->n_seats, sizeof(*a->seats), cmp_email);
	for (size_t i = 0; i < a->n_seats; i++)
		if (!w || strcmp(a->seats[w - 1], a->seats[i]) != 0)
			memmove(a->seats[w++], a->seats[i], sizeof(a->seats[0]));
	a->n_seats = w;
	w = 0;
	if (a->n_tool_seats)
		qsort(a->tool_seats, a->n_tool_seats, sizeof(*a->tool_seats), cmp_seat);
	for (size_t i = 0; i < a->n_tool_seats; i++)
		if (!w || cmp_seat(&a->tool_seats[w - 1], &a->tool_seats[i]) != 0)
			a->tool_seats[w++] = a->tool_seats[i];
	a->n_tool_seats = w;
}

int org_activity_build(struct store *s, const struct pricing *pr, int64_t from, int64_t to,
		       const char *team, const char *person, struct org_activity *out,
		       struct aiu_err *err)
{
	struct oa o;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&o, 0, sizeof(o));
	out->first_usage_day = out->last_usage_day = -1;
	o.a = out;
	o.team = team;
	o.person = person;
	o.err = err;
	if ((rc = identity_load(&o.id, s, err)) < 0)
		goto out;
	if ((rc = s->ops->anth_usage_scan(s, from, to, on_usage, &o, err)) < 0 ||
	    (rc = s->ops->anth_cost_scan(s, from, to, on_cost, &o, err)) < 0 ||
	    (rc = s->ops->anth_cc_scan(s, from, to, on_cc, &o, err)) < 0 ||
	    (rc = s->ops->anth_user_scan(s, on_user, &o, err)) < 0)
		goto out;
	if ((rc = s->ops->org_tool_day_scan(s, from, to, on_tool_day, &o, err)) < 0)
		goto out;
	if ((rc = s->ops->cursor_member_scan(s, on_member, &o, err)) < 0)
		goto out;
	if (person && (rc = identity_allocate(o.cost, o.n_cost, o.usage, o.n_usage, pr, give, &o,
					      err)) < 0)
		goto out;
	finish(out);
out:
	identity_free(&o.id);
	free(o.usage);
	free(o.cost);
	if (rc < 0)
		org_activity_free(out);
	return rc;
}

void org_activity_free(struct org_activity *a)
{
	free(a->act);
	free(a->prod);
	free(a->tools);
	free(a->est);
	free(a->bill_days);
	free(a->seats);
	free(a->pdays);
	free(a->cursor_bill_days);
	free(a->tool_seats);
	free(a->cursor_days);
	free(a->cai_days);
	memset(a, 0, sizeof(*a));
	a->first_usage_day = a->last_usage_day = -1;
}

int64_t org_week_start(int64_t day)
{
	int wd = weekday_from_days(day); /* 0 = Sunday */
	return day - (wd == 0 ? 6 : wd - 1);
}
