/* org_report.c - see org_report.h. Reads the org tables of one window,
 * aggregates in memory (volumes are tens of rows a day) and attributes
 * through identity.c. */
#include "query/org_report.h"
#include "query/identity.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OR_MAX_ROWS 2000000

struct build {
	struct org_report *r;
	struct identity id;
	struct anth_usage_row *usage;
	size_t n_usage, cap_usage;
	struct anth_cost_row *cost;
	size_t n_cost, cap_cost;
	struct aiu_err *err;
};

int org_amount_add(struct org_amount **v, size_t *n, const char *key, const char *label,
		   int64_t nano)
{
	struct org_amount *nv;
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].key, key) == 0) {
			(*v)[i].nano += nano;
			return AIU_OK;
		}
	if (!(nv = realloc(*v, (*n + 1) * sizeof(**v))))
		return AIU_ENOMEM;
	*v = nv;
	memset(&nv[*n], 0, sizeof(nv[0]));
	str_copy(nv[*n].key, key, sizeof(nv[0].key));
	str_copy(nv[*n].label, label, sizeof(nv[0].label));
	nv[*n].nano = nano;
	(*n)++;
	return AIU_OK;
}

/* The stat row for an email (created from the people table or bare). */
static struct org_person_stat *person(struct build *b, const char *email)
{
	struct org_report *r = b->r;
	const struct org_person *p;
	struct org_person_stat *nv;
	if (!email || !email[0])
		return &r->unattributed;
	for (size_t i = 0; i < r->n_people; i++)
		if (strcmp(r->people[i].email, email) == 0)
			return &r->people[i];
	if (!(nv = realloc(r->people, (r->n_people + 1) * sizeof(*nv))))
		return NULL;
	r->people = nv;
	nv = &r->people[r->n_people++];
	memset(nv, 0, sizeof(*nv));
	str_copy(nv->email, email, sizeof(nv->email));
	nv->last_cursor_day = nv->last_cai_day = INT64_MIN;
	if ((p = identity_person(&b->id, email))) {
		str_copy(nv->name, p->name, sizeof(nv->name));
		str_copy(nv->team, p->team, sizeof(nv->team));
	}
	return nv;
}

static int on_usage(void *ctx, const struct anth_usage_row *u)
{
	struct build *b = ctx;
	struct org_report *r = b->r;
	struct org_person_stat *p;
	int64_t tok = u->uncached_input + u->output + u->cache_read + u->cw5m + u->cw1h;
	if (b->n_usage == b->cap_usage) {
		size_t nc = b->cap_usage ? b->cap_usage * 2 : 256;
		struct anth_usage_row *nv;
		if (nc > OR_MAX_ROWS || !(nv = realloc(b->usage, nc * sizeof(*nv))))
			return aiu_errf(b->err, AIU_ELIMIT, "too many usage rows in the window");
		b->usage = nv;
		b->cap_usage = nc;
	}
	b->usage[b->n_usage++] = *u;
	r->uncached_input += u->uncached_input;
	r->output += u->output;
	r->cache_read += u->cache_read;
	r->cw5m += u->cw5m;
	r->cw1h += u->cw1h;
	r->web_search += u->web_search;
	r->tokens_total += tok;
	if (!(p = person(b, identity_key_owner(&b->id, u->api_key_id))))
		return aiu_errf(b->err, AIU_ENOMEM, "out of memory");
	p->tokens += tok;
	if (p != &r->unattributed)
		r->tokens_attributed += tok;
	return 0;
}

static int on_cost(void *ctx, const struct anth_cost_row *c)
{
	struct build *b = ctx;
	struct org_report *r = b->r;
	char month[16], label[ORG_NAME_MAX];
	const char *ws = "Default";
	int y;
	unsigned m, d;
	if (b->n_cost == b->cap_cost) {
		size_t nc = b->cap_cost ? b->cap_cost * 2 : 256;
		struct anth_cost_row *nv;
		if (nc > OR_MAX_ROWS || !(nv = realloc(b->cost, nc * sizeof(*nv))))
			return aiu_errf(b->err, AIU_ELIMIT, "too many cost rows in the window");
		b->cost = nv;
		b->cap_cost = nc;
	}
	b->cost[b->n_cost++] = *c;
	r->bill_nano += c->amount_nano;
	civil_from_days(c->day, &y, &m, &d);
	snprintf(month, sizeof(month), "%04d-%02u", y, m);
	if (c->workspace_id[0])
		ws = c->workspace_id; /* named by on_ws once the workspace list is read */
	if (org_amount_add(&r->by_ws, &r->n_ws, c->workspace_id, ws, c->amount_nano) < 0 ||
	    org_amount_add(&r->by_month, &r->n_month, month, month, c->amount_nano) < 0)
		return aiu_errf(b->err, AIU_ENOMEM, "out of memory");
	snprintf(label, sizeof(label), "(%s)", c->cost_type[0] ? c->cost_type : "other");
	if (org_amount_add(&r->by_model, &r->n_model, c->model[0] ? c->model : label,
			   c->model[0] ? c->model : label, c->amount_nano) < 0 ||
	    org_amount_add(&r->by_type, &r->n_type,
			   c->token_type[0] ? c->token_type : (c->cost_type[0] ? c->cost_type : "other"),
			   c->token_type[0] ? c->token_type : (c->cost_type[0] ? c->cost_type : "other"),
			   c->amount_nano) < 0)
		return aiu_errf(b->err, AIU_ENOMEM, "out of memory");
	return 0;
}

static int on_cc(void *ctx, const struct anth_cc_rec *c)
{
	struct build *b = ctx;
	struct org_report *r = b->r;
	struct org_person_stat *p;
	const char *owner = strcmp(c->actor_type, "user") == 0 ? c->actor
			    : identity_keyname_owner(&b->id, c->actor);
	int64_t est = 0;
	for (size_t i = 0; i < c->nmodels; i++)
		est += c->models[i].est_cost_nano;
	for (size_t i = 0; i < c->ntools; i++) {
		r->cc_tool_accepted += c->tools[i].accepted;
		r->cc_tool_rejected += c->tools[i].rejected;
	}
	r->cc_records++;
	r->cc_remote_records += c->is_remote;
	r->cc_sessions += c->sessions;
	r->cc_lines_added += c->lines_added;
	r->cc_lines_removed += c->lines_removed;
	r->cc_commits += c->commits;
	r->cc_prs += c->prs;
	r->cc_est_nano += est;
	if (!(p = person(b, owner)))
		return aiu_errf(b->err, AIU_ENOMEM, "out of memory");
	p->cc_records++;
	p->cc_sessions += c->sessions;
	p->cc_lines_added += c->lines_added;
	p->cc_lines_removed += c->lines_removed;
	p->cc_commits += c->commits;
	p->cc_prs += c->prs;
	p->cc_est_nano += est;
	if (p != &r->unattributed)
		r->cc_records_attributed++;
	return 0;
}

static int give(void *ctx, const struct anth_usage_row *row, int64_t nano)
{
	struct build *b = ctx;
	struct org_person_stat *p = person(b, row ? identity_key_owner(&b->id, row->api_key_id) : NULL);
	if (!p)
		return aiu_errf(b->err, AIU_ENOMEM, "out of memory");
	p->bill_nano += nano;
	if (p != &b->r->unattributed)
		b->r->bill_attributed_nano += nano;
	return 0;
}

static int on_ws(void *ctx, const struct anth_workspace *w)
{
	struct build *b = ctx;
	for (size_t i = 0; i < b->r->n_ws; i++)
		if (strcmp(b->r->by_ws[i].key, w->id) == 0)
			str_copy(b->r->by_ws[i].label, w->name, sizeof(b->r->by_ws[i].label));
	return 0;
}

static int on_run(void *ctx, const struct org_run *run)
{
	struct org_report *r = ctx;
	if (r->n_runs < sizeof(r->runs) / sizeof(r->runs[0]))
		r->runs[r->n_runs++] = *run;
	return 0;
}

static int cmp_amount(const void *a, const void *b)
{
	const struct org_amount *x = a, *y = b;
	return x->nano < y->nano ? 1 : x->nano > y->nano ? -1 : strcmp(x->key, y->key);
}

static int cmp_month(const void *a, const void *b)
{
	return strcmp(((const struct org_amount *)a)->key, ((const struct org_amount *)b)->key);
}

static int cmp_person(const void *a, const void *b)
{
	const struct org_person_stat *x = a, *y = b;
	if (x->bill_nano != y->bill_nano)
		return x->bill_nano < y->bill_nano ? 1 : -1;
	return strcmp(x->email[0] ? x->email : x->team, y->email[0] ? y->email : y->team);
}

static void fold_email(char *out, size_t cap, const char *email)
{
	str_copy(out, email ? email : "", cap);
	for (char *c = out; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
}

/* Cursor / claude.ai person-days (rows come ordered by day). */
static int on_tool_day(void *ctx, const struct org_tool_day *d)
{
	struct build *b = ctx;
	struct org_person_stat *p;
	char email[ORG_EMAIL_MAX];
	fold_email(email, sizeof(email), d->email);
	if (!email[0])
		return AIU_OK;
	if (!(p = person(b, email)))
		return aiu_errf(b->err, AIU_ENOMEM, "out of memory");
	if (strcmp(d->tool, "claude_ai") == 0) {
		p->cai_events += d->active;
		if (d->active > 0 && p->last_cai_day != d->day) {
			p->cai_active_days++;
			p->last_cai_day = d->day;
		}
		return AIU_OK;
	}
	p->cursor_bill_nano += d->bill_nano;
	p->cursor_accepted_lines += d->accepted_lines_added;
	if (d->active > 0 && p->last_cursor_day != d->day) {
		p->cursor_active_days++;
		p->last_cursor_day = d->day;
	}
	return AIU_OK;
}

static int on_member(void *ctx, const struct cursor_member *m)
{
	struct build *b = ctx;
	struct org_person_stat *p;
	char email[ORG_EMAIL_MAX];
	fold_email(email, sizeof(email), m->email);
	if (m->removed || !email[0])
		return AIU_OK;
	if (!(p = person(b, email)))
		return aiu_errf(b->err, AIU_ENOMEM, "out of memory");
	p->cursor_seats = 1;
	return AIU_OK;
}

static int build_teams(struct org_report *r)
{
	for (size_t i = 0; i < r->n_people; i++) {
		const struct org_person_stat *p = &r->people[i];
		const char *team = p->team[0] ? p->team : "(no team)";
		struct org_person_stat *t = NULL, *nv;
		for (size_t j = 0; j < r->n_teams; j++)
			if (strcmp(r->teams[j].team, team) == 0)
				t = &r->teams[j];
		if (!t) {
			if (!(nv = realloc(r->teams, (r->n_teams + 1) * sizeof(*nv))))
				return AIU_ENOMEM;
			r->teams = nv;
			t = &r->teams[r->n_teams++];
			memset(t, 0, sizeof(*t));
			str_copy(t->team, team, sizeof(t->team));
		}
		t->people++;
		t->bill_nano += p->bill_nano;
		t->tokens += p->tokens;
		t->keys += p->keys;
		t->cc_records += p->cc_records;
		t->cc_sessions += p->cc_sessions;
		t->cc_lines_added += p->cc_lines_added;
		t->cc_lines_removed += p->cc_lines_removed;
		t->cc_commits += p->cc_commits;
		t->cc_prs += p->cc_prs;
		t->cc_est_nano += p->cc_est_nano;
		t->cursor_bill_nano += p->cursor_bill_nano;
		t->cursor_active_days += p->cursor_active_days;
		t->cursor_accepted_lines += p->cursor_accepted_lines;
		t->cursor_seats += p->cursor_seats;
		t->cai_events += p->cai_events;
		t->cai_active_days += p->cai_active_days;
	}
	return AIU_OK;
}

int org_report_build(struct store *s, const struct pricing *pr, int64_t from, int64_t to,
		     struct org_report *out, struct aiu_err *err)
{
	struct build b;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&b, 0, sizeof(b));
	b.r = out;
	b.err = err;
	out->from_day = from;
	out->to_day = to;
	str_copy(out->unattributed.name, "(unattributed)", sizeof(out->unattributed.name));
	if ((rc = identity_load(&b.id, s, err)) < 0)
		goto out;
	/* everyone known is listed, even with nothing in the window */
	for (size_t i = 0; i < b.id.n_people; i++)
		if (!person(&b, b.id.people[i].email)) {
			rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
			goto out;
		}
	for (size_t i = 0; i < b.id.n_keys; i++) {
		struct org_person_stat *p;
		if (!b.id.keys[i].owner[0])
			continue;
		if (!(p = person(&b, b.id.keys[i].owner))) {
			rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
			goto out;
		}
		p->keys++;
	}
	if ((rc = s->ops->anth_usage_scan(s, from, to, on_usage, &b, err)) < 0 ||
	    (rc = s->ops->anth_cost_scan(s, from, to, on_cost, &b, err)) < 0 ||
	    (rc = s->ops->anth_cc_scan(s, from, to, on_cc, &b, err)) < 0 ||
	    (rc = s->ops->anth_workspace_scan(s, on_ws, &b, err)) < 0 ||
	    (rc = s->ops->org_run_scan(s, 10, on_run, out, err)) < 0)
		goto out;
	if ((rc = s->ops->org_tool_day_scan(s, from, to, on_tool_day, &b, err)) < 0)
		goto out;
	if ((rc = s->ops->cursor_member_scan(s, on_member, &b, err)) < 0)
		goto out;
	if ((rc = identity_allocate(b.cost, b.n_cost, b.usage, b.n_usage, pr, give, &b, err)) < 0)
		goto out;
	if (build_teams(out) < 0) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	if (out->n_ws)
		qsort(out->by_ws, out->n_ws, sizeof(*out->by_ws), cmp_amount);
	if (out->n_model)
		qsort(out->by_model, out->n_model, sizeof(*out->by_model), cmp_amount);
	if (out->n_type)
		qsort(out->by_type, out->n_type, sizeof(*out->by_type), cmp_amount);
	if (out->n_month)
		qsort(out->by_month, out->n_month, sizeof(*out->by_month), cmp_month);
	if (out->n_people)
		qsort(out->people, out->n_people, sizeof(*out->people), cmp_person);
	if (out->n_teams)
		qsort(out->teams, out->n_teams, sizeof(*out->teams), cmp_person);
out:
	identity_free(&b.id);
	free(b.usage);
	free(b.cost);
	if (rc < 0)
		org_report_free(out);
	return rc;
}

void org_report_free(struct org_report *r)
{
	free(r->by_ws);
	free(r->by_model);
	free(r->by_month);
	free(r->by_type);
	free(r->people);
	free(r->teams);
	r->by_ws = r->by_model = r->by_month = r->by_type = NULL;
	r->people = r->teams = NULL;
	r->n_ws = r->n_model = r->n_month = r->n_type = r->n_people = r->n_teams = 0;
}
