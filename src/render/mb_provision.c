/* mb_provision.c - `aiusage metabase provision` (see mb_provision.h). */
#include "render/mb_provision.h"

#include "core/buf.h"
#include "core/strutil.h"
#include "ingest/http_client.h"
#include "render/mb_spec.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MB_MIN_VERSION 47      /* PUT /api/dashboard/:id with dashcards */
#define MB_MIN_APIKEY_VERSION 49
#define MB_SQL_MAX 8192
#define MB_MAX_TAGS 8

struct mb {
	const struct mb_opts *o;
	struct http_client hc;
	bool hc_ok;
	struct http_header hdr[2];
	size_t nhdr;
	char session[256];
	const char *secrets[4];
	size_t nsecrets;
	struct mb_summary *sum;
	int64_t db_id, coll_id;
	int64_t card_ids[64];      /* by mb_cards index; <= 0 = would be created (dry run) */
};

int mb_feature_version(const char *tag)
{
	int64_t major, minor;
	const char *p = tag, *dot;
	if (!p)
		return -1;
	if (*p == 'v')
		p++;
	dot = strchr(p, '.');
	if (!dot || parse_i64(p, (size_t)(dot - p), &major) < 0 || (major != 0 && major != 1))
		return -1;
	p = dot + 1;
	dot = p;
	while (*dot >= '0' && *dot <= '9')
		dot++;
	if (dot == p || parse_i64(p, (size_t)(dot - p), &minor) < 0 || minor > 100000)
		return -1;
	return (int)minor;
}

static void plan(struct mb *m, const char *kind, const char *name, const char *what, int64_t id)
{
	if (strcmp(what, "create") == 0)
		m->sum->created++;
	else if (strcmp(what, "update") == 0)
		m->sum->updated++;
	else
		m->sum->unchanged++;
	if (!m->o->out)
		return;
	if (id > 0)
		fprintf(m->o->out, "%-10s %-44s %s (id %lld)%s\n", kind, name, what, (long long)id,
			m->o->dry_run && strcmp(what, "unchanged") ? " [dry run: not written]" : "");
	else
		fprintf(m->o->out, "%-10s %-44s %s%s\n", kind, name, what,
			m->o->dry_run && strcmp(what, "unchanged") ? " [dry run: not written]" : "");
}

/* One API call. body is borrowed (may be NULL); *resp (may be NULL) gets a
 * new reference the caller frees. A write in dry-run mode is a bug. */
static int call(struct mb *m, const char *method, const char *path, json_t *body, json_t **resp,
		struct aiu_err *err)
{
	struct http_response rs;
	struct http_header h[4];
	size_t nh = 0;
	char *text = NULL;
	json_error_t je;
	int rc;
	http_response_init(&rs);
	if (resp)
		*resp = NULL;
	if (m->o->dry_run && strcmp(method, "GET") && strcmp(path, "/api/session")) {
		rc = aiu_errf(err, AIU_EARG, "internal: %s %s attempted in a dry run", method, path);
		goto out;
	}
	for (size_t i = 0; i < m->nhdr; i++)
		h[nh++] = m->hdr[i];
	if (body) {
		h[nh++] = (struct http_header){ "Content-Type", "application/json", false };
		if (!(text = json_dumps(body, JSON_COMPACT))) {
			rc = aiu_errf(err, AIU_ENOMEM, "out of memory encoding %s %s", method, path);
			goto out;
		}
	}
	struct http_request rq = { .method = method, .path = path, .headers = h, .nheaders = nh,
				   .body = text, .body_len = text ? strlen(text) : 0,
				   .secrets = m->secrets, .nsecrets = m->nsecrets };
	if ((rc = http_do(&m->hc, &rq, &rs, err)) < 0) {
		if (rs.status == 401 && strcmp(path, "/api/session")) {
			rc = aiu_errf(err, AIU_EARG, "Metabase rejected the credentials (HTTP 401) for %s %s: "
				      "check the API key, or the user and password", method, path);
		} else if (rs.status == 403) {
			rc = aiu_errf(err, AIU_EARG, "Metabase refused %s %s (HTTP 403): missing rights; "
				      "provisioning needs an administrator", method, path);
		}
		goto out;
	}
	if (resp) {
		if (rs.body.len == 0) {
			*resp = json_object();
		} else if (!(*resp = json_loadb(rs.body.p, rs.body.len, 0, &je))) {
			rc = aiu_errf(err, AIU_EPARSE, "Metabase %s %s: response is not JSON (line %d: %s)",
				      method, path, je.line, je.text);
			goto out;
		}
	}
	rc = AIU_OK;
out:
	free(text);
	http_response_release(&rs);
	return rc;
}

/* A list answer is either an array or {"data": [...]}; borrowed. */
static json_t *as_list(json_t *v)
{
	if (json_is_array(v))
		return v;
	v = json_object_get(v, "data");
	return json_is_array(v) ? v : NULL;
}

/* Does `have` contain everything in `want`? Objects are compared key by
 * key (extra keys in `have` are the server's own); anything else must be
 * equal. Integers and reals compare by value. */
bool mb_json_contains(const json_t *want, const json_t *have)
{
	const char *k;
	json_t *v;
	if (json_is_object(want)) {
		if (!json_is_object(have))
			return false;
		json_object_foreach((json_t *)want, k, v)
			if (!mb_json_contains(v, json_object_get(have, k)))
				return false;
		return true;
	}
	if (json_is_array(want)) {
		if (!json_is_array(have) || json_array_size(want) != json_array_size(have))
			return false;
		for (size_t i = 0; i < json_array_size(want); i++)
			if (!mb_json_contains(json_array_get(want, i), json_array_get(have, i)))
				return false;
		return true;
	}
	if (json_is_number(want) && json_is_number(have))
		return json_number_value(want) == json_number_value(have);
	return have && json_equal((json_t *)want, (json_t *)have);
}

static int64_t id_of(const json_t *v)
{
	json_t *id = json_object_get(v, "id");
	return json_is_integer(id) ? (int64_t)json_integer_value(id) : 0;
}

static bool has_marker(const json_t *item, const char *key)
{
	const char *d = json_string_value(json_object_get(item, "description"));
	char mk[96];
	snprintf(mk, sizeof(mk), "[aiusage:%s]", key);
	return d && strstr(d, mk) != NULL;
}

static void description(char *out, size_t cap, const char *text, const char *key)
{
	snprintf(out, cap, "%s%s[aiusage:%s]", text, *text ? " " : "", key);
}

/* ---- steps ---- */

static int check_version(struct mb *m, struct aiu_err *err)
{
	json_t *props = NULL;
	const char *tag;
	int rc, v;
	if ((rc = call(m, "GET", "/api/session/properties", NULL, &props, err)) < 0)
		goto out;
	tag = json_string_value(json_object_get(json_object_get(props, "version"), "tag"));
	v = mb_feature_version(tag);
	if (v < 0) {
		rc = aiu_errf(err, AIU_EPARSE, "Metabase at %s: GET /api/session/properties has no readable "
			      "field 'version.tag' (got '%.40s')", m->o->url, tag ? tag : "(none)");
		goto out;
	}
	if (v < MB_MIN_VERSION) {
		rc = aiu_errf(err, AIU_EARG, "Metabase %s at %s is not supported: aiusage needs 0.%d or later "
			      "(dashboards are written with PUT /api/dashboard/:id and dashcards)",
			      tag, m->o->url, MB_MIN_VERSION);
		goto out;
	}
	if (m->o->api_key && v < MB_MIN_APIKEY_VERSION) {
		rc = aiu_errf(err, AIU_EARG, "Metabase %s at %s has no API keys (0.%d or later); use "
			      "--metabase-user and --metabase-password", tag, m->o->url, MB_MIN_APIKEY_VERSION);
		goto out;
	}
	if (m->o->out)
		fprintf(m->o->out, "metabase   %s at %s\n", tag, m->o->url);
out:
	json_decref(props);
	return rc;
}

static int authenticate(struct mb *m, struct aiu_err *err)
{
	json_t *body = NULL, *resp = NULL, *me = NULL;
	const char *sid;
	int rc;
	if (m->o->api_key) {
		m->hdr[m->nhdr++] = (struct http_header){ "x-api-key", m->o->api_key, true };
	} else {
		if (!(body = json_pack("{s:s, s:s}", "username", m->o->user, "password", m->o->password))) {
			rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
			goto out;
		}
		if ((rc = call(m, "POST", "/api/session", body, &resp, err)) < 0) {
			char prev[sizeof(err->msg)];
			str_copy(prev, err ? err->msg : "", sizeof(prev));
			rc = aiu_errf(err, rc, "Metabase login as %s failed: %s", m->o->user, prev);
			goto out;
		}
		sid = json_string_value(json_object_get(resp, "id"));
		if (!sid || str_copy(m->session, sid, sizeof(m->session)) >= sizeof(m->session)) {
			rc = aiu_errf(err, AIU_EPARSE, "Metabase POST /api/session: no usable field 'id'");
			goto out;
		}
		m->secrets[m->nsecrets++] = m->session;
		m->hdr[m->nhdr++] = (struct http_header){ "X-Metabase-Session", m->session, true };
	}
	if ((rc = call(m, "GET", "/api/user/current", NULL, &me, err)) < 0)
		goto out;
	if (!json_is_true(json_object_get(me, "is_superuser"))) {
		const char *who = json_string_value(json_object_get(me, "email"));
		rc = aiu_errf(err, AIU_EARG, "Metabase %s %s is not an administrator: registering a database "
			      "and writing the aiusage collection need admin rights",
			      m->o->api_key ? "API key of" : "user", who ? who : "(unknown)");
		goto out;
	}
	rc = AIU_OK;
out:
	json_decref(body);
	json_decref(resp);
	json_decref(me);
	return rc;
}

static json_t *db_details(const struct mb_target *t, bool with_password)
{
	if (strcmp(t->engine, "sqlite") == 0)
		return json_pack("{s:s}", "db", t->path);
	json_t *d = json_pack("{s:s, s:i, s:s, s:s, s:b}", "host", t->host, "port", t->port,
			      "dbname", t->dbname, "user", t->user, "ssl", 0);
	if (d && with_password && t->password[0])
		json_object_set_new(d, "password", json_string(t->password));
	return d;
}

static int ensure_database(struct mb *m, struct aiu_err *err)
{
	json_t *all = NULL, *want = NULL, *body = NULL, *resp = NULL, *found = NULL, *list;
	char path[64];
	int rc;
	if ((rc = call(m, "GET", "/api/database", NULL, &all, err)) < 0)
		goto out;
	list = as_list(all);
	for (size_t i = 0; list && i < json_array_size(list); i++) {
		json_t *d = json_array_get(list, i);
		const char *n = json_string_value(json_object_get(d, "name"));
		if (n && strcmp(n, m->o->db_name) == 0)
			found = d;
	}
	want = json_pack("{s:s, s:s, s:o}", "name", m->o->db_name, "engine", m->o->db.engine,
			 "details", db_details(&m->o->db, false));
	body = json_pack("{s:s, s:s, s:o, s:b}", "name", m->o->db_name, "engine", m->o->db.engine,
			 "details", db_details(&m->o->db, true), "is_full_sync", 1);
	if (!want || !body) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	if (found && mb_json_contains(want, found)) {
		m->db_id = id_of(found);
		plan(m, "database", m->o->db_name, "unchanged", m->db_id);
		goto out;
	}
	if (found) {
		m->db_id = id_of(found);
		plan(m, "database", m->o->db_name, "update", m->db_id);
		snprintf(path, sizeof(path), "/api/database/%lld", (long long)m->db_id);
		if (!m->o->dry_run && (rc = call(m, "PUT", path, body, NULL, err)) < 0)
			goto out;
	} else {
		plan(m, "database", m->o->db_name, "create", 0);
		if (m->o->dry_run)
			goto out;
		if ((rc = call(m, "POST", "/api/database", body, &resp, err)) < 0)
			goto out;
		if ((m->db_id = id_of(resp)) <= 0) {
			rc = aiu_errf(err, AIU_EPARSE, "Metabase POST /api/database: no field 'id' in the answer");
			goto out;
		}
	}
	/* tables and fields must be known before the cards are used */
	snprintf(path, sizeof(path), "/api/database/%lld/sync_schema", (long long)m->db_id);
	if (!m->o->dry_run)
		rc = call(m, "POST", path, NULL, NULL, err);
out:
	json_decref(all);
	json_decref(want);
	json_decref(body);
	json_decref(resp);
	return rc;
}

static int ensure_collection(struct mb *m, struct aiu_err *err)
{
	json_t *all = NULL, *body = NULL, *resp = NULL, *list;
	char desc[128];
	int rc;
	if ((rc = call(m, "GET", "/api/collection", NULL, &all, err)) < 0)
		goto out;
	list = as_list(all);
	for (size_t i = 0; list && i < json_array_size(list); i++) {
		json_t *c = json_array_get(list, i);
		if (has_marker(c, "collection") && !json_is_true(json_object_get(c, "archived"))) {
			m->coll_id = id_of(c);
			plan(m, "collection", "aiusage", "unchanged", m->coll_id);
			goto out;
		}
	}
	plan(m, "collection", "aiusage", "create", 0);
	if (m->o->dry_run)
		goto out;
	description(desc, sizeof(desc), "AI usage reports, written by aiusage metabase provision.", "collection");
	if (!(body = json_pack("{s:s, s:s}", "name", "aiusage", "description", desc))) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = call(m, "POST", "/api/collection", body, &resp, err)) < 0)
		goto out;
	if ((m->coll_id = id_of(resp)) <= 0)
		rc = aiu_errf(err, AIU_EPARSE, "Metabase POST /api/collection: no field 'id' in the answer");
out:
	json_decref(all);
	json_decref(body);
	json_decref(resp);
	return rc;
}

/* A stable UUID-shaped template tag id from the card and tag names. */
static void tag_id(char *out, size_t cap, const char *card, const char *tag)
{
	uint64_t h1 = 1469598103934665603ULL, h2 = 1099511628211ULL * 31;
	for (const char *p = card; *p; p++)
		h1 = (h1 ^ (unsigned char)*p) * 1099511628211ULL, h2 = (h2 ^ (unsigned char)*p) * 0x100000001b3ULL + 7;
	for (const char *p = tag; *p; p++)
		h1 = (h1 ^ (unsigned char)*p) * 1099511628211ULL, h2 = (h2 ^ (unsigned char)*p) * 0x100000001b3ULL + 7;
	snprintf(out, cap, "%08x-%04x-4%03x-8%03x-%012llx", (unsigned)(h1 >> 32), (unsigned)(h1 >> 16) & 0xffff,
		 (unsigned)h1 & 0xfff, (unsigned)(h2 >> 52) & 0xfff, (unsigned long long)(h2 & 0xffffffffffffULL));
}

/* The tags a card's SQL uses, in mb_tags order (bitmask over mb_tags). */
static unsigned card_tags(const struct mb_card *c)
{
	unsigned mask = 0;
	for (const char *p = c->sql; (p = strstr(p, "{{")) != NULL; p += 2) {
		const char *e = strstr(p + 2, "}}");
		const struct mb_tag *t = e ? mb_tag_find(p + 2, (size_t)(e - p - 2)) : NULL;
		if (t)
			mask |= 1u << (t - mb_tags);
	}
	return mask;
}

static json_t *csv_array(const char *s)
{
	json_t *a = json_array();
	const char *p = s;
	while (a && p && *p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		json_array_append_new(a, json_stringn(p, n));
		p = e ? e + 1 : NULL;
	}
	return a;
}

static json_t *card_json(struct mb *m, const struct mb_card *c)
{
	json_t *tags = json_object(), *viz = json_object(), *card;
	unsigned mask = card_tags(c);
	char desc[512], id[48];
	for (size_t i = 0; tags && i < mb_ntags; i++) {
		if (!(mask & (1u << i)))
			continue;
		tag_id(id, sizeof(id), c->key, mb_tags[i].name);
		json_t *t = json_pack("{s:s, s:s, s:s, s:s, s:b}", "id", id, "name", mb_tags[i].name,
				      "display-name", mb_tags[i].display_name, "type", mb_tags[i].tag_type,
				      "required", mb_tags[i].default_value != NULL);
		if (t && mb_tags[i].default_value)
			json_object_set_new(t, "default", json_string(mb_tags[i].default_value));
		json_object_set_new(tags, mb_tags[i].name, t);
	}
	if (viz && c->dimensions && strcmp(c->display, "pie") == 0) {
		json_object_set_new(viz, "pie.dimension", json_string(c->dimensions));
		json_object_set_new(viz, "pie.metric", json_string(c->metrics));
	} else if (viz && c->dimensions) {
		json_object_set_new(viz, "graph.dimensions", csv_array(c->dimensions));
		json_object_set_new(viz, "graph.metrics", csv_array(c->metrics));
	}
	description(desc, sizeof(desc), c->description, c->key);
	card = json_pack("{s:s, s:s, s:s, s:I, s:{s:I, s:s, s:{s:s, s:o}}, s:o}",
			 "name", c->name, "display", c->display, "description", desc,
			 "collection_id", (json_int_t)m->coll_id,
			 "dataset_query", "database", (json_int_t)m->db_id, "type", "native",
			 "native", "query", c->sql, "template-tags", tags,
			 "visualization_settings", viz);
	return card;
}

static int ensure_cards(struct mb *m, struct aiu_err *err)
{
	json_t *items = NULL, *list = NULL, *want = NULL, *have = NULL, *resp = NULL;
	char path[128];
	int rc = AIU_OK;
	if (mb_ncards > sizeof(m->card_ids) / sizeof(m->card_ids[0]))
		return aiu_errf(err, AIU_ELIMIT, "internal: too many cards");
	if (m->coll_id > 0) {
		snprintf(path, sizeof(path), "/api/collection/%lld/items?models=card", (long long)m->coll_id);
		if ((rc = call(m, "GET", path, NULL, &items, err)) < 0)
			goto out;
		list = as_list(items);
	}
	for (size_t i = 0; i < mb_ncards; i++) {
		const struct mb_card *c = &mb_cards[i];
		int64_t id = 0;
		for (size_t k = 0; list && k < json_array_size(list) && !id; k++)
			if (has_marker(json_array_get(list, k), c->key))
				id = id_of(json_array_get(list, k));
		if (!(want = card_json(m, c))) {
			rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
			goto out;
		}
		m->card_ids[i] = id ? id : -(int64_t)(i + 1);
		if (id) {
			snprintf(path, sizeof(path), "/api/card/%lld", (long long)id);
			if ((rc = call(m, "GET", path, NULL, &have, err)) < 0)
				goto out;
			if (mb_json_contains(want, have)) {
				plan(m, "card", c->name, "unchanged", id);
			} else {
				plan(m, "card", c->name, "update", id);
				if (!m->o->dry_run && (rc = call(m, "PUT", path, want, NULL, err)) < 0)
					goto out;
			}
		} else {
			plan(m, "card", c->name, "create", 0);
			if (!m->o->dry_run) {
				if ((rc = call(m, "POST", "/api/card", want, &resp, err)) < 0)
					goto out;
				if ((m->card_ids[i] = id_of(resp)) <= 0) {
					rc = aiu_errf(err, AIU_EPARSE, "Metabase POST /api/card (%s): no field 'id'", c->key);
					goto out;
				}
			}
		}
		json_decref(want);
		json_decref(have);
		json_decref(resp);
		want = have = resp = NULL;
	}
out:
	json_decref(items);
	json_decref(want);
	json_decref(have);
	json_decref(resp);
	return rc;
}

/* Dashboard parameters: one per tag any of its cards uses. */
static unsigned dash_tags(const struct mb_dashboard *d)
{
	unsigned mask = 0;
	for (size_t i = 0; d->cards[i]; i++)
		mask |= card_tags(mb_card_find(d->cards[i]));
	return mask;
}

static json_t *dash_params(const struct mb_dashboard *d)
{
	json_t *a = json_array();
	unsigned mask = dash_tags(d);
	char id[48];
	for (size_t i = 0; a && i < mb_ntags; i++) {
		if (!(mask & (1u << i)))
			continue;
		snprintf(id, sizeof(id), "aiu_%s", mb_tags[i].name);
		json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "name", mb_tags[i].display_name,
				      "slug", mb_tags[i].name, "type", mb_tags[i].param_type,
				      "sectionId", mb_tags[i].section);
		if (p && mb_tags[i].default_value)
			json_object_set_new(p, "default", json_string(mb_tags[i].default_value));
		json_array_append_new(a, p);
	}
	return a;
}

/* The full dashcards set: existing dashcards of the same card keep their
 * id, new ones get negative ids. Sets *changed when it differs from have. */
static json_t *dashcards(struct mb *m, const struct mb_dashboard *d, json_t *have, bool *changed)
{
	json_t *out = json_array(), *old = json_object_get(have, "dashcards");
	size_t nold = json_array_size(old), used = 0;
	bool taken[256] = { false };
	int x = 0, y = 0, rowh = 0;
	char pid[48];
	if (nold > sizeof(taken) / sizeof(taken[0]))
		nold = sizeof(taken) / sizeof(taken[0]);
	for (size_t i = 0; out && d->cards[i]; i++) {
		const struct mb_card *c = mb_card_find(d->cards[i]);
		int64_t card_id = m->card_ids[c - mb_cards], id = -(int64_t)(i + 1);
		unsigned mask = card_tags(c);
		int sx, sy;
		json_t *maps = json_array(), *dc, *match = NULL;
		mb_card_size(c, &sx, &sy);
		if (x + sx > MB_GRID_COLS) {
			x = 0;
			y += rowh;
			rowh = 0;
		}
		for (size_t t = 0; maps && t < mb_ntags; t++) {
			if (!(mask & (1u << t)))
				continue;
			snprintf(pid, sizeof(pid), "aiu_%s", mb_tags[t].name);
			json_array_append_new(maps, json_pack("{s:s, s:I, s:[s,[s,s]]}", "parameter_id", pid,
							      "card_id", (json_int_t)card_id, "target", "variable",
							      "template-tag", mb_tags[t].name));
		}
		dc = json_pack("{s:I, s:i, s:i, s:i, s:i, s:o, s:{}}", "card_id", (json_int_t)card_id,
			       "row", y, "col", x, "size_x", sx, "size_y", sy, "parameter_mappings", maps,
			       "visualization_settings");
		for (size_t k = 0; dc && k < nold && !match; k++) {
			json_t *o = json_array_get(old, k);
			json_t *cid = json_object_get(o, "card_id");
			if (!taken[k] && card_id > 0 && json_is_integer(cid) && json_integer_value(cid) == card_id) {
				taken[k] = true;
				used++;
				match = o;
				id = id_of(o);
			}
		}
		if (!match || !mb_json_contains(dc, match))
			*changed = true;
		if (dc)
			json_object_set_new(dc, "id", json_integer(id));
		json_array_append_new(out, dc);
		x += sx;
		if (sy > rowh)
			rowh = sy;
	}
	if (used != json_array_size(old))
		*changed = true;   /* dashcards of ours that no longer belong are removed */
	return out;
}

static int ensure_dashboards(struct mb *m, struct aiu_err *err)
{
	json_t *items = NULL, *list = NULL, *head = NULL, *have = NULL, *resp = NULL, *put = NULL;
	char path[128], desc[512];
	int rc = AIU_OK;
	if (m->coll_id > 0) {
		snprintf(path, sizeof(path), "/api/collection/%lld/items?models=dashboard", (long long)m->coll_id);
		if ((rc = call(m, "GET", path, NULL, &items, err)) < 0)
			goto out;
		list = as_list(items);
	}
	for (size_t i = 0; i < mb_ndashboards; i++) {
		const struct mb_dashboard *d = &mb_dashboards[i];
		int64_t id = 0;
		bool changed = false, created = false;
		for (size_t k = 0; list && k < json_array_size(list) && !id; k++)
			if (has_marker(json_array_get(list, k), d->key))
				id = id_of(json_array_get(list, k));
		description(desc, sizeof(desc), d->description, d->key);
		head = json_pack("{s:s, s:s, s:I, s:o}", "name", d->name, "description", desc,
				 "collection_id", (json_int_t)m->coll_id, "parameters", dash_params(d));
		if (!head) {
			rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
			goto out;
		}
		if (!id && !m->o->dry_run) {
			if ((rc = call(m, "POST", "/api/dashboard", head, &resp, err)) < 0)
				goto out;
			if ((id = id_of(resp)) <= 0) {
				rc = aiu_errf(err, AIU_EPARSE, "Metabase POST /api/dashboard (%s): no field 'id'", d->name);
				goto out;
			}
			created = true;
		}
		if (id) {
			snprintf(path, sizeof(path), "/api/dashboard/%lld", (long long)id);
			if ((rc = call(m, "GET", path, NULL, &have, err)) < 0)
				goto out;
		}
		if (!(put = json_deep_copy(head))) {
			rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
			goto out;
		}
		if (!have || !mb_json_contains(head, have))
			changed = true;
		json_object_set_new(put, "dashcards", dashcards(m, d, have, &changed));
		plan(m, "dashboard", d->name, created || !id ? "create" : changed ? "update" : "unchanged", id);
		if (changed && id && !m->o->dry_run && (rc = call(m, "PUT", path, put, NULL, err)) < 0)
			goto out;
		json_decref(head);
		json_decref(have);
		json_decref(resp);
		json_decref(put);
		head = have = resp = put = NULL;
	}
out:
	json_decref(items);
	json_decref(head);
	json_decref(have);
	json_decref(resp);
	json_decref(put);
	return rc;
}

int mb_provision(const struct mb_opts *o, struct mb_summary *sum, struct aiu_err *err)
{
	struct mb *m = calloc(1, sizeof(*m));   /* freed here */
	int rc;
	if (!m)
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	memset(sum, 0, sizeof(*sum));
	m->o = o;
	m->sum = sum;
	if (o->api_key)
		m->secrets[m->nsecrets++] = o->api_key;
	if (o->password)
		m->secrets[m->nsecrets++] = o->password;
	if (o->db.password[0])
		m->secrets[m->nsecrets++] = o->db.password;
	if ((rc = http_client_init(&m->hc, o->url, err)) < 0)
		goto out;
	m->hc_ok = true;
	m->hc.max_attempts = 1;   /* a retried POST could create a duplicate */
	m->hc.user_agent = "aiusage-metabase";
	if (o->out && o->dry_run)
		fprintf(o->out, "dry run: reading only, nothing is written\n");
	if ((rc = check_version(m, err)) < 0 || (rc = authenticate(m, err)) < 0 ||
	    (rc = ensure_database(m, err)) < 0 || (rc = ensure_collection(m, err)) < 0 ||
	    (rc = ensure_cards(m, err)) < 0 || (rc = ensure_dashboards(m, err)) < 0)
		goto out;
	if (o->out)
		fprintf(o->out, "%s: %d created, %d updated, %d unchanged\n",
			o->dry_run ? "plan" : "done", sum->created, sum->updated, sum->unchanged);
out:
	if (m->hc_ok)
		http_client_release(&m->hc);
	free(m);
	return rc;
}
