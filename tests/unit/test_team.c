/* test_team.c - the team server's parts, on the backend under test
 * (test_team on SQLite, pg_test_team on PostgreSQL; see test_db.h):
 * SHA-256 against the FIPS vectors; token generation, hashing and
 * constant-time checks; the auth rule table; token store ops (only the hash
 * is stored; revoke; lookup by prefix); http_auth_resolve; the push
 * checkpoint and person ops; the paged usage scan; the push wire format
 * (strict per record, round trip) applied twice through cc_apply counting
 * once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/apitoken.h"
#include "core/sha256.h"
#include "http/http.h"
#include "ingest/cc_apply.h"
#include "ingest/push_wire.h"
#include "store/store.h"
#include "test_db.h"

struct fx {
	struct tdb db;
	struct store *s;
	struct aiu_err err;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(tdb_create(&f->db), 0);
	assert_int_equal(store_open(f->db.uri, &f->s, &f->err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->s);
	tdb_destroy(&f->db);
	free(f);
	return 0;
}

static void test_sha256_vectors(void **state)
{
	char h[65];
	char *million = malloc(1000000);
	(void)state;
	sha256_hex("", 0, h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, h);
	assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	assert_non_null(million);
	memset(million, 'a', 1000000);
	sha256_hex(million, 1000000, h);
	assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
}

static void test_token_shape(void **state)
{
	struct api_token a, b;
	char ta[APITOKEN_LEN + 1], tb[APITOKEN_LEN + 1], p[TOKEN_PREFIX_LEN + 1], h[65];
	struct aiu_err err;
	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	assert_int_equal(apitoken_new(ta, sizeof(ta), &a, &err), 0);
	assert_int_equal(apitoken_new(tb, sizeof(tb), &b, &err), 0);
	assert_int_equal(strlen(ta), APITOKEN_LEN);
	assert_memory_equal(ta, "aiu_", 4);
	assert_string_not_equal(ta, tb);
	assert_memory_equal(a.prefix, ta, TOKEN_PREFIX_LEN);
	assert_null(strstr(a.hash, ta + 4)); /* the hash is not the token */
	assert_true(apitoken_digest(ta, p, h));
	assert_true(apitoken_hash_eq(h, a.hash));
	assert_false(apitoken_hash_eq(h, b.hash));
	ta[APITOKEN_LEN - 1] ^= 1;
	assert_true(apitoken_digest(ta, p, h));
	assert_false(apitoken_hash_eq(h, a.hash));
	assert_false(apitoken_digest("aiu_short", p, h));
	assert_false(apitoken_digest("Bearer x", p, h));
	assert_int_equal(apitoken_role("read"), ROLE_READ);
	assert_int_equal(apitoken_role("ingest"), ROLE_INGEST);
	assert_int_equal(apitoken_role("admin"), ROLE_ADMIN);
	assert_int_equal(apitoken_role("root"), ROLE_NONE);
}

static void test_auth_rules(void **state)
{
	const struct http_route get = { HTTP_GET, "/api/analytics/overview", NULL, ROUTE_AUTH };
	const struct http_route person = { HTTP_GET, "/api/analytics/sessions", NULL,
					   ROUTE_AUTH | ROUTE_PERSON };
	const struct http_route admin = { HTTP_POST, "/api/sync/run", NULL, ROUTE_AUTH | ROUTE_ADMIN };
	const struct http_route ingest = { HTTP_POST, "/api/ingest/usage", NULL,
					   ROUTE_AUTH | ROUTE_INGEST };
	struct http_principal rd = { true, ROLE_READ, false, 1, "" };
	struct http_principal rdt = { true, ROLE_READ, true, 2, "" };
	struct http_principal ing = { true, ROLE_INGEST, false, 3, "a@b.c" };
	struct http_principal adm = { true, ROLE_ADMIN, false, 4, "" };
	struct http_principal admp = { true, ROLE_ADMIN, false, 5, "a@b.c" };
	struct http_principal local = { false, ROLE_ADMIN, false, 0, "" };
	(void)state;
	assert_null(http_auth_deny(&get, HTTP_GET, &rd));
	assert_null(http_auth_deny(&person, HTTP_GET, &rd));
	assert_non_null(http_auth_deny(&person, HTTP_GET, &rdt));
	assert_null(http_auth_deny(&get, HTTP_GET, &rdt));
	assert_non_null(http_auth_deny(&admin, HTTP_POST, &rd));
	assert_non_null(http_auth_deny(&ingest, HTTP_POST, &rd));
	assert_non_null(http_auth_deny(&get, HTTP_POST, &rd)); /* read = GET/HEAD only */
	assert_non_null(http_auth_deny(&get, HTTP_GET, &ing));
	assert_non_null(http_auth_deny(&admin, HTTP_POST, &ing));
	assert_null(http_auth_deny(&ingest, HTTP_POST, &ing));
	assert_null(http_auth_deny(&admin, HTTP_POST, &adm));
	assert_null(http_auth_deny(&person, HTTP_GET, &adm));
	assert_non_null(http_auth_deny(&ingest, HTTP_POST, &adm)); /* no person */
	assert_null(http_auth_deny(&ingest, HTTP_POST, &admp));
	assert_null(http_auth_deny(&admin, HTTP_POST, &local));
	assert_non_null(http_auth_deny(&ingest, HTTP_POST, &local));
}

static int count_cb(void *ctx, const struct api_token *t)
{
	(void)t;
	(*(int *)ctx)++;
	return 0;
}

static void test_token_store_and_resolve(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	struct api_token r, i;
	char tr[APITOKEN_LEN + 1], ti[APITOKEN_LEN + 1], hdr[128];
	struct http_principal who;
	int64_t n = -1;
	int cnt = 0;
	bool found;

	/* no tokens: auth is off, the caller is the local user */
	assert_int_equal(http_auth_resolve(s, NULL, NULL, &who, &f->err), 0);
	assert_false(who.authenticated);
	assert_int_equal(who.role, ROLE_ADMIN);
	/* a static token only: wrong or missing -> refused */
	assert_int_equal(http_auth_resolve(s, "sekrit", "Bearer sekrit", &who, &f->err), 0);
	assert_true(who.authenticated);
	assert_int_equal(http_auth_resolve(s, "sekrit", "Bearer sekri", &who, &f->err), AIU_ENOTFOUND);
	assert_int_equal(http_auth_resolve(s, "sekrit", NULL, &who, &f->err), AIU_ENOTFOUND);

	memset(&r, 0, sizeof(r));
	memset(&i, 0, sizeof(i));
	assert_int_equal(apitoken_new(tr, sizeof(tr), &r, &f->err), 0);
	assert_int_equal(apitoken_new(ti, sizeof(ti), &i, &f->err), 0);
	str_copy(r.role, "read", sizeof(r.role));
	r.privacy_team = true;
	str_copy(i.role, "ingest", sizeof(i.role));
	str_copy(i.person, "alice@example.com", sizeof(i.person));
	assert_int_equal(store_begin(s, &f->err), 0);
	assert_int_equal(s->ops->token_add(s, &r, &f->err), 0);
	assert_int_equal(s->ops->token_add(s, &i, &f->err), 0);
	assert_int_equal(store_commit(s, &f->err), 0);
	assert_true(r.id > 0 && i.id > r.id);
	/* the clear token is nowhere in the store */
	{
		char sql[200];
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM api_tokens WHERE hash = '%s' OR prefix = '%s'", r.hash, r.prefix);
		assert_int_equal(tdb_scalar(s, sql), 1);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM api_tokens WHERE hash LIKE '%%%.20s%%'", tr + 12);
		assert_int_equal(tdb_scalar(s, sql), 0);
	}
	assert_int_equal(s->ops->token_active_count(s, &n, &f->err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(s->ops->token_scan(s, count_cb, &cnt, &f->err), 0);
	assert_int_equal(cnt, 2);

	/* tokens exist: anonymous and wrong are refused, right ones resolve */
	assert_int_equal(http_auth_resolve(s, NULL, NULL, &who, &f->err), AIU_ENOTFOUND);
	snprintf(hdr, sizeof(hdr), "Bearer %.12s%s", tr, "0000000000000000000000000000000000000000000000000000000f");
	assert_int_equal(http_auth_resolve(s, NULL, hdr, &who, &f->err), AIU_ENOTFOUND);
	snprintf(hdr, sizeof(hdr), "Bearer %s", tr);
	assert_int_equal(http_auth_resolve(s, NULL, hdr, &who, &f->err), 0);
	assert_int_equal(who.role, ROLE_READ);
	assert_true(who.privacy_team);
	snprintf(hdr, sizeof(hdr), "Bearer %s", ti);
	assert_int_equal(http_auth_resolve(s, NULL, hdr, &who, &f->err), 0);
	assert_int_equal(who.role, ROLE_INGEST);
	assert_string_equal(who.person, "alice@example.com");

	/* revoke */
	assert_int_equal(store_begin(s, &f->err), 0);
	assert_int_equal(s->ops->token_revoke(s, i.id, 1234, &found, &f->err), 0);
	assert_true(found);
	assert_int_equal(s->ops->token_revoke(s, i.id, 1235, &found, &f->err), 0);
	assert_false(found);
	assert_int_equal(store_commit(s, &f->err), 0);
	assert_int_equal(http_auth_resolve(s, NULL, hdr, &who, &f->err), AIU_ENOTFOUND);
	assert_int_equal(s->ops->token_active_count(s, &n, &f->err), 0);
	assert_int_equal(n, 1);
}

static void test_push_ops(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	int64_t sig = 0;
	bool found = true;
	assert_int_equal(s->ops->push_sent_get(s, "http://a", 42, &sig, &found, &f->err), 0);
	assert_false(found);
	assert_int_equal(store_begin(s, &f->err), 0);
	assert_int_equal(s->ops->push_sent_put(s, "http://a", 42, INT64_MIN + 7, &f->err), 0);
	assert_int_equal(s->ops->push_sent_put(s, "http://a", 42, 99, &f->err), 0);
	assert_int_equal(s->ops->push_sent_put(s, "http://b", 42, 5, &f->err), 0);
	assert_int_equal(s->ops->push_person_put(s, "m1", "r1", "a@x", 1, &f->err), 0);
	assert_int_equal(s->ops->push_person_put(s, "m1", "r1", "b@x", 2, &f->err), 0);
	assert_int_equal(store_commit(s, &f->err), 0);
	assert_int_equal(s->ops->push_sent_get(s, "http://a", 42, &sig, &found, &f->err), 0);
	assert_true(found);
	assert_int_equal(sig, 99);
	assert_int_equal(s->ops->push_sent_get(s, "http://b", 42, &sig, &found, &f->err), 0);
	assert_int_equal(sig, 5);
	assert_int_equal(tdb_scalar(s, "SELECT count(*) FROM push_usage WHERE person = 'a@x'"), 1);
	assert_int_equal(tdb_scalar(s, "SELECT count(*) FROM push_usage"), 1);
}

struct scan_ctx {
	int64_t n, last;
	bool ordered;
};

static int scan_cb(void *ctx, const struct usage_row *u)
{
	struct scan_ctx *c = ctx;
	if (c->n && u->key <= c->last)
		c->ordered = false;
	c->last = u->key;
	c->n++;
	return 0;
}

static void test_usage_scan_pages(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	enum { N = 4500 };
	struct usage_row *rows = calloc(N, sizeof(*rows));
	const struct usage_row **ptr = calloc(N, sizeof(*ptr));
	struct scan_ctx c = { 0, 0, true };
	assert_non_null(rows);
	assert_non_null(ptr);
	for (int i = 0; i < N; i++) {
		rows[i].key = (int64_t)i * 2654435761LL - (int64_t)N * 1000000000LL;
		snprintf(rows[i].msg_id, sizeof(rows[i].msg_id), "m%d", i);
		rows[i].ts = 1000 + i;
		rows[i].t.output = i;
		rows[i].ntools = 1;
		rows[i].tools[0].id = (uint32_t)i;
		rows[i].tools[0].tool_id = 1;
		ptr[i] = &rows[i];
	}
	assert_int_equal(store_begin(s, &f->err), 0);
	assert_int_equal(s->ops->usage_put_many(s, ptr, N, &f->err), 0);
	assert_int_equal(store_commit(s, &f->err), 0);
	assert_int_equal(s->ops->usage_scan(s, scan_cb, &c, &f->err), 0);
	assert_int_equal(c.n, N);
	assert_true(c.ordered);
	free(rows);
	free(ptr);
}

struct wire_ctx {
	struct cc_apply *a;
	int good, bad, sessions;
	char bad_field[32];
	char sess_id[8][32], sess_project[8][32];
	int64_t sess_n[8], sess_first[8], sess_last[8];
};

static int wire_sess(void *ctx, size_t index, const struct push_session *ps, struct aiu_err *err)
{
	struct wire_ctx *w = ctx;
	(void)err;
	assert_int_equal(index, w->sessions + w->bad); /* in body order, bad ones skipped */
	if (w->sessions < 8) {
		str_copy(w->sess_id[w->sessions], ps->session_id, sizeof(w->sess_id[0]));
		str_copy(w->sess_project[w->sessions], ps->project, sizeof(w->sess_project[0]));
		w->sess_n[w->sessions] = ps->user_msgs;
		w->sess_first[w->sessions] = ps->first_ts;
		w->sess_last[w->sessions] = ps->last_ts;
	}
	w->sessions++;
	return 0;
}

static int wire_rec(void *ctx, size_t index, const struct cc_record *r, const char *path,
		    struct aiu_err *err)
{
	struct wire_ctx *w = ctx;
	struct cc_origin o;
	(void)index;
	(void)path;
	memset(&o, 0, sizeof(o));
	w->good++;
	return w->a ? cc_apply_record(w->a, r, &o, err) : 0;
}

static void wire_bad(void *ctx, size_t index, const char *field, const char *msg)
{
	struct wire_ctx *w = ctx;
	(void)index;
	(void)msg;
	if (!w->bad++)
		str_copy(w->bad_field, field, sizeof(w->bad_field));
}

static void test_wire_roundtrip_dedupe(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	struct usage_row u;
	struct push_names nm;
	struct buf b;
	struct jsonw w;
	struct cc_apply a;
	struct wire_ctx wc;
	const struct push_sink sink = { &wc, wire_rec, wire_bad, wire_sess };

	memset(&u, 0, sizeof(u));
	memset(&nm, 0, sizeof(nm));
	str_copy(u.msg_id, "msg_01", sizeof(u.msg_id));
	str_copy(u.req_id, "req_01", sizeof(u.req_id));
	str_copy(u.service_tier, "standard", sizeof(u.service_tier));
	u.ts = 1750000000000LL;
	u.t.input = 3;
	u.t.output = 400;
	u.t.cw5m = 50;
	u.t.cw1h = 7;
	u.t.cache_read = 1000;
	u.ntools = 2;
	u.tools[0].id = 0xdeadbeef;
	u.tools[1].id = 17;
	nm.session = "sess-1";
	nm.project = "/home/a/proj";
	nm.model = "claude-sonnet-4-5";
	nm.tool_names[0] = "Bash";
	nm.tool_names[1] = "Read";
	buf_init(&b, 1 << 20);
	jw_init(&w, &b, false);
	jw_obj(&w);
	jw_key(&w, "version");
	jw_int(&w, 1);
	jw_key(&w, "records");
	jw_arr(&w);
	push_wire_record(&w, &u, &nm);
	push_wire_record(&w, &u, &nm); /* the same request twice in one batch */
	u.t.output = 1; /* a smaller copy of it: must not replace */
	push_wire_record(&w, &u, &nm);
	jw_raw(&w, "{\"messageId\":\"x\",\"sessionId\":\"s\",\"project\":\"p\",\"model\":\"m\","
		   "\"timestamp\":1750000000000,\"usage\":{\"input\":-1}}");
	jw_end(&w);
	jw_end(&w);
	assert_true(jw_ok(&w));

	for (int round = 0; round < 2; round++) {
		memset(&wc, 0, sizeof(wc));
		wc.a = &a;
		cc_apply_init(&a, s);
		assert_int_equal(store_begin(s, &f->err), 0);
		assert_int_equal(push_wire_parse(b.p, b.len, &sink, &f->err), 0);
		assert_int_equal(cc_apply_flush(&a, &f->err), 0);
		assert_int_equal(store_commit(s, &f->err), 0);
		assert_int_equal(wc.good, 3);
		assert_int_equal(wc.bad, 1);
		assert_string_equal(wc.bad_field, "input");
		assert_int_equal(a.st.usage_new, round == 0 ? 1 : 0);
		cc_apply_release(&a);
	}
	assert_int_equal(tdb_scalar(s, "SELECT count(*) FROM usage"), 1);
	assert_int_equal(tdb_scalar(s, "SELECT sum(output) FROM rollup_usage"), 400);
	assert_int_equal(tdb_scalar(s, "SELECT sum(n) FROM rollup_usage"), 1);
	assert_int_equal(tdb_scalar(s, "SELECT sum(cw1h) FROM rollup_usage"), 7);
	assert_int_equal(tdb_scalar(s, "SELECT sum(n) FROM rollup_tools"), 2);
	assert_int_equal(tdb_scalar(s, "SELECT count(*) FROM projects WHERE name = '/home/a/proj'"), 1);
	buf_release(&b);

	/* envelope errors */
	memset(&wc, 0, sizeof(wc));
	assert_int_equal(push_wire_parse("{", 1, &sink, &f->err), AIU_EPARSE);
	assert_int_equal(push_wire_parse("{\"version\":2,\"records\":[]}", 26, &sink, &f->err), AIU_EPARSE);
	assert_int_equal(push_wire_parse("{\"version\":1}", 13, &sink, &f->err), AIU_EPARSE);
	assert_int_equal(push_wire_parse("{\"version\":1,\"records\":[]}", 26, &sink, &f->err), 0);
	assert_int_equal(wc.sessions, 0);
}

/* Session prompt counts: the writer's output parses back; bad entries are
 * reported with their field and skipped; envelope limits. */
static void test_wire_sessions(void **state)
{
	struct wire_ctx wc;
	const struct push_sink sink = { &wc, wire_rec, wire_bad, wire_sess };
	struct aiu_err err = { 0 };
	struct buf b;
	struct jsonw w;
	static const char *const bad[] = {
		"{\"userMessages\":3}",                          /* no id */
		"{\"sessionId\":\"\",\"userMessages\":3}",         /* empty id */
		"{\"sessionId\":\"s\"}",                           /* no count */
		"{\"sessionId\":\"s\",\"userMessages\":-1}",       /* negative */
		"{\"sessionId\":\"s\",\"userMessages\":1000000001}",
		"{\"sessionId\":\"s\",\"userMessages\":\"3\"}",
		"7",
		"{\"sessionId\":\"s\",\"userMessages\":3,\"project\":5}",
		"{\"sessionId\":\"s\",\"userMessages\":3,\"firstTs\":12}",
		"{\"sessionId\":\"s\",\"userMessages\":3,\"lastTs\":9000000000000}",
		"{\"sessionId\":\"s\",\"userMessages\":3,\"firstTs\":1750000000001,\"lastTs\":1750000000000}",
	};
	static const char *const field[] = { "sessions.sessionId", "sessions.sessionId",
		"sessions.userMessages", "sessions.userMessages", "sessions.userMessages",
		"sessions.userMessages", "sessions", "sessions.project", "sessions.firstTs",
		"sessions.lastTs", "sessions.lastTs" };
	(void)state;
	buf_init(&b, 1 << 16);
	jw_init(&w, &b, false);
	jw_obj(&w);
	jw_key(&w, "version");
	jw_int(&w, 1);
	jw_key(&w, "records");
	jw_arr(&w);
	jw_end(&w);
	jw_key(&w, "sessions");
	jw_arr(&w);
	push_wire_session(&w, &(struct push_session){ "sess-a", "/home/a/p", 12, 1750000000000LL,
						     1750000900000LL });
	push_wire_session(&w, &(struct push_session){ "sess-\"b\"", "", 0, 0, 0 });
	jw_end(&w);
	jw_end(&w);
	assert_true(jw_ok(&w));
	memset(&wc, 0, sizeof(wc));
	assert_int_equal(push_wire_parse(b.p, b.len, &sink, &err), 0);
	assert_int_equal(wc.sessions, 2);
	assert_int_equal(wc.good, 0);
	assert_string_equal(wc.sess_id[0], "sess-a");
	assert_string_equal(wc.sess_project[0], "/home/a/p");
	assert_int_equal(wc.sess_n[0], 12);
	assert_int_equal(wc.sess_first[0], 1750000000000LL);
	assert_int_equal(wc.sess_last[0], 1750000900000LL);
	assert_string_equal(wc.sess_id[1], "sess-\"b\"");
	assert_string_equal(wc.sess_project[1], ""); /* left out: not sent */
	assert_int_equal(wc.sess_n[1], 0);
	assert_int_equal(wc.sess_first[1], 0);
	assert_int_equal(wc.sess_last[1], 0);
	assert_null(strstr(b.p, "\"project\":\"\"")); /* an empty project is not written */
	buf_release(&b);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char body[320];
		int n = snprintf(body, sizeof(body), "{\"version\":1,\"records\":[],\"sessions\":[%s,"
				 "{\"sessionId\":\"ok\",\"userMessages\":2}]}", bad[i]);
		memset(&wc, 0, sizeof(wc));
		assert_int_equal(push_wire_parse(body, (size_t)n, &sink, &err), 0);
		assert_int_equal(wc.bad, 1);
		assert_string_equal(wc.bad_field, field[i]);
		assert_int_equal(wc.sessions, 1);
		assert_string_equal(wc.sess_id[0], "ok");
	}
	/* a sessions member that is not an array, and too many sessions */
	assert_int_equal(push_wire_parse("{\"version\":1,\"records\":[],\"sessions\":{}}", 40, &sink, &err),
			 AIU_EPARSE);
	assert_non_null(strstr(err.msg, "body.sessions"));
	buf_init(&b, 1 << 20);
	buf_puts(&b, "{\"version\":1,\"records\":[],\"sessions\":[");
	for (int i = 0; i <= PUSH_MAX_SESSIONS; i++)
		buf_puts(&b, i ? ",{}" : "{}");
	buf_puts(&b, "]}");
	assert_false(b.failed);
	assert_int_equal(push_wire_parse(b.p, b.len, &sink, &err), AIU_ELIMIT);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_token_shape),
		cmocka_unit_test(test_auth_rules),
		cmocka_unit_test_setup_teardown(test_token_store_and_resolve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage_scan_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wire_roundtrip_dedupe, setup, teardown),
		cmocka_unit_test(test_wire_sessions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
