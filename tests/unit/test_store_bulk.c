/* test_store_bulk.c - the bulk paths a remote store uses (PostgreSQL:
 * usage rows and prompts as arrays, batched usage lookups, queued
 * session updates) give exactly what the one-row paths give. Runs on
 * SQLite (the one-row paths: same expectations) and, as
 * pg_test_store_bulk, on a fresh PostgreSQL database (test_db.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/cc_apply.h"
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

static void urow(struct usage_row *u, int64_t key, const char *mid, const char *rid,
		 const char *tier, int64_t out)
{
	memset(u, 0, sizeof(*u));
	u->key = key;
	snprintf(u->msg_id, sizeof(u->msg_id), "%s", mid);
	snprintf(u->req_id, sizeof(u->req_id), "%s", rid);
	snprintf(u->service_tier, sizeof(u->service_tier), "%s", tier);
	u->ts = 1700000000000 + key;
	u->session_id = 3;
	u->project_id = 4;
	u->model_id = 5;
	u->variant = 6;
	u->sidechain = key % 2;
	u->t.input = 10;
	u->t.output = out;
	u->t.cw5m = 12;
	u->t.cw1h = 13;
	u->t.cache_read = 14;
	u->t.web_search = 15;
	u->file_id = 16;
	u->line_no = 17;
	u->byte_off = 18;
}

static int collect(void *ctx, const struct usage_row *r)
{
	int *seen = ctx;
	if (r->key >= 1 && r->key <= 4)
		seen[r->key]++;
	else
		seen[0]++;
	return 0;
}

/* Strings that need quoting in an array literal, bytes that are not UTF-8,
 * tools as bytea, a key written twice in one call (the later row wins). */
static void test_usage_roundtrip(void **state)
{
	struct fx *f = *state;
	struct usage_row *v = calloc(5, sizeof(*v)), *got = calloc(1, sizeof(*got));
	const struct usage_row *rows[5];
	int seen[5] = { 0 };
	bool found;

	urow(&v[0], 1, "msg \"quoted\" {a,b}", "req\\back\\slash", "", 1);
	urow(&v[1], 2, "msg,comma NULL", "NULL", "standard", 2);
	v[1].ntools = 2;
	v[1].tools[0].id = 0xdeadbeef;
	v[1].tools[0].tool_id = 7;
	v[1].tools[1].id = 0x00000001;
	v[1].tools[1].tool_id = 0;
	urow(&v[2], 3, "bad \xff\xfe utf8", "r3", "priority", 3);
	urow(&v[3], 1, "msg \"quoted\" {a,b}", "req\\back\\slash", "batch", 99); /* key 1 again */
	urow(&v[4], 4, "", "", "", 4);
	for (int i = 0; i < 5; i++)
		rows[i] = &v[i];
	assert_int_equal(store_begin(f->s, &f->err), 0);
	assert_int_equal(f->s->ops->usage_put_many(f->s, rows, 5, &f->err), 0);
	assert_int_equal(store_commit(f->s, &f->err), 0);
	assert_int_equal(tdb_scalar(f->s, "SELECT count(*) FROM usage"), 4);

	assert_int_equal(f->s->ops->usage_get(f->s, 1, got, &found, &f->err), 0);
	assert_true(found);
	assert_string_equal(got->msg_id, v[3].msg_id);
	assert_string_equal(got->req_id, "req\\back\\slash");
	assert_string_equal(got->service_tier, "batch");
	assert_int_equal(got->t.output, 99);
	assert_int_equal(got->sidechain, 1);
	assert_int_equal(got->ts, 1700000000001);
	assert_int_equal(got->variant, 6);
	assert_int_equal(got->t.web_search, 15);
	assert_int_equal(got->byte_off, 18);
	assert_int_equal(got->ntools, 0);

	assert_int_equal(f->s->ops->usage_get(f->s, 2, got, &found, &f->err), 0);
	assert_true(found);
	assert_string_equal(got->msg_id, "msg,comma NULL");
	assert_string_equal(got->req_id, "NULL");
	assert_int_equal(got->ntools, 2);
	assert_int_equal(got->tools[0].id, 0xdeadbeef);
	assert_int_equal(got->tools[0].tool_id, 7);
	assert_int_equal(got->tools[1].id, 1);

	assert_int_equal(f->s->ops->usage_get(f->s, 3, got, &found, &f->err), 0);
	assert_true(found);
	if (f->db.pg) /* PostgreSQL stores valid UTF-8 only: each bad byte is U+FFFD */
		assert_string_equal(got->msg_id, "bad \xEF\xBF\xBD\xEF\xBF\xBD utf8");
	else
		assert_string_equal(got->msg_id, "bad \xff\xfe utf8");

	assert_int_equal(f->s->ops->usage_get(f->s, 4, got, &found, &f->err), 0);
	assert_true(found);
	assert_string_equal(got->msg_id, "");
	assert_int_equal(f->s->ops->usage_get(f->s, 5, got, &found, &f->err), 0);
	assert_false(found);

	{
		int64_t keys[] = { 4, 1, 9, 2, 3, 1 };
		assert_int_equal(f->s->ops->usage_get_many(f->s, keys, 6, collect, seen, &f->err), 0);
		assert_int_equal(seen[0], 0);
		for (int k = 1; k <= 4; k++)
			assert_int_equal(seen[k], 1);
		assert_int_equal(f->s->ops->usage_get_many(f->s, keys, 0, collect, seen, &f->err), 0);
	}
	free(v);
	free(got);
}

static void test_message_many(void **state)
{
	struct fx *f = *state;
	struct message_row m[4];
	bool ins[4], one;
	int64_t keys[4] = { 3, 5, 3, 7 };
	assert_int_equal(store_begin(f->s, &f->err), 0);
	assert_int_equal(f->s->ops->message_add(f->s, 5, 1, 10, 1, 0, 5, &one, &f->err), 0);
	assert_true(one);
	for (int i = 0; i < 4; i++) {
		m[i].key = keys[i];
		m[i].session_id = 1;
		m[i].ts = 100 + i;
		m[i].file_id = 1;
		m[i].byte_off = i * 10;
		m[i].byte_len = 10;
	}
	assert_int_equal(f->s->ops->message_add_many(f->s, m, 4, ins, &f->err), 0);
	assert_true(ins[0]);
	assert_false(ins[1]); /* stored before */
	assert_false(ins[2]); /* listed twice: new once */
	assert_true(ins[3]);
	assert_int_equal(f->s->ops->message_add_many(f->s, m, 0, ins, &f->err), 0);
	assert_int_equal(store_commit(f->s, &f->err), 0);
	assert_int_equal(tdb_scalar(f->s, "SELECT count(*) FROM messages"), 3);
	assert_int_equal(tdb_scalar(f->s, "SELECT ts FROM messages WHERE key = 3"), 100);
}

/* Session updates (queued on PostgreSQL) are seen by the next read, the
 * last of two wins, and a rollback forgets them. */
static void test_session_updates(void **state)
{
	struct fx *f = *state;
	struct session_row a, b, got;
	bool found;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	snprintf(a.uuid, sizeof(a.uuid), "sess-a");
	snprintf(b.uuid, sizeof(b.uuid), "sess-b");
	assert_int_equal(store_begin(f->s, &f->err), 0);
	assert_int_equal(f->s->ops->session_put(f->s, &a, &f->err), 0);
	assert_int_equal(f->s->ops->session_put(f->s, &b, &f->err), 0);
	assert_true(a.id > 0 && b.id > 0);
	a.user_msgs = 5;
	snprintf(a.git_branch, sizeof(a.git_branch), "feat/\"x\"\\y");
	assert_int_equal(f->s->ops->session_put(f->s, &a, &f->err), 0);
	b.last_ts = 77;
	assert_int_equal(f->s->ops->session_put(f->s, &b, &f->err), 0);
	a.user_msgs = 6; /* the same session again: the later values win */
	assert_int_equal(f->s->ops->session_put(f->s, &a, &f->err), 0);
	if (f->s->ops->session_get(f->s, "sess-a", &got, &found, &f->err) != 0)
		fail_msg("%s", f->err.msg);
	assert_true(found);
	assert_int_equal(got.user_msgs, 6);
	assert_string_equal(got.git_branch, "feat/\"x\"\\y");
	a.user_msgs = 7;
	assert_int_equal(f->s->ops->session_put(f->s, &a, &f->err), 0);
	assert_int_equal(store_commit(f->s, &f->err), 0);
	assert_int_equal(tdb_scalar(f->s, "SELECT user_msgs FROM sessions WHERE uuid = 'sess-a'"), 7);
	assert_int_equal(tdb_scalar(f->s, "SELECT last_ts FROM sessions WHERE uuid = 'sess-b'"), 77);
	/* a rolled-back update is gone */
	assert_int_equal(store_begin(f->s, &f->err), 0);
	a.user_msgs = 100;
	assert_int_equal(f->s->ops->session_put(f->s, &a, &f->err), 0);
	store_rollback(f->s);
	assert_int_equal(tdb_scalar(f->s, "SELECT user_msgs FROM sessions WHERE uuid = 'sess-a'"), 7);
	assert_int_equal(tdb_scalar(f->s, "SELECT count(*) FROM sessions"), 2);
}

static void file_row(struct file_state *f, const char *path, const char *agent)
{
	memset(f, 0, sizeof(*f));
	f->path = (char *)path;
	f->agent_type = (char *)agent;
	f->dev = 1;
	f->ino = 2;
	f->size = 3;
}

/* File offsets (queued on PostgreSQL, and kept queued while other files'
 * rows are inserted) are what reads and the committed store show. */
static void test_file_updates(void **state)
{
	struct fx *f = *state;
	struct file_state a, b, c, got;
	bool found;
	file_row(&a, "/t/a.jsonl", NULL);
	file_row(&b, "/t/b \"q\".jsonl", "general-purpose");
	file_row(&c, "/t/c.jsonl", NULL);
	assert_int_equal(store_begin(f->s, &f->err), 0);
	assert_int_equal(f->s->ops->file_put(f->s, &a, &f->err), 0);
	assert_int_equal(f->s->ops->file_put(f->s, &b, &f->err), 0);
	a.offset = 10;
	assert_int_equal(f->s->ops->file_put(f->s, &a, &f->err), 0);
	assert_int_equal(f->s->ops->file_put(f->s, &c, &f->err), 0); /* another path */
	assert_true(c.id > b.id && b.id > a.id);
	b.offset = 20;
	b.line_no = 2;
	assert_int_equal(f->s->ops->file_put(f->s, &b, &f->err), 0);
	a.offset = 30; /* the same row again: the later values win */
	a.agent_type = (char *)"Explore";
	assert_int_equal(f->s->ops->file_put(f->s, &a, &f->err), 0);
	memset(&got, 0, sizeof(got));
	assert_int_equal(f->s->ops->file_get(f->s, "/t/a.jsonl", &got, &found, &f->err), 0);
	assert_true(found);
	assert_int_equal(got.offset, 30);
	assert_string_equal(got.agent_type, "Explore");
	file_state_release(&got);
	b.offset = 25;
	assert_int_equal(f->s->ops->file_put(f->s, &b, &f->err), 0);
	assert_int_equal(store_commit(f->s, &f->err), 0);
	assert_int_equal(tdb_scalar(f->s, "SELECT \"offset\" FROM files WHERE path = '/t/a.jsonl'"), 30);
	assert_int_equal(tdb_scalar(f->s, "SELECT \"offset\" FROM files WHERE path = '/t/b \"q\".jsonl'"), 25);
	assert_int_equal(tdb_scalar(f->s, "SELECT line_no FROM files WHERE path = '/t/b \"q\".jsonl'"), 2);
	assert_int_equal(tdb_scalar(f->s, "SELECT count(*) FROM files WHERE agent_type IS NULL"), 1);
	assert_int_equal(tdb_scalar(f->s, "SELECT count(*) FROM files"), 3);
}

struct sess_seen {
	int n, created;
	int64_t id[4];
	char uuid[4][128];
};

static int sess_cb(void *ctx, const struct session_row *r, bool created)
{
	struct sess_seen *v = ctx;
	if (v->n < 4) {
		v->id[v->n] = r->id;
		snprintf(v->uuid[v->n], sizeof(v->uuid[0]), "%s", r->uuid);
	}
	v->n++;
	v->created += created;
	return 0;
}

/* Stored sessions are read, missing ones created in the given order. */
static void test_session_get_many(void **state)
{
	struct fx *f = *state;
	struct session_row a;
	struct sess_seen v;
	const char *uuids[] = { "s-new-1", "s-old", "s-new-\"2\"" };
	memset(&a, 0, sizeof(a));
	memset(&v, 0, sizeof(v));
	snprintf(a.uuid, sizeof(a.uuid), "s-old");
	assert_int_equal(store_begin(f->s, &f->err), 0);
	assert_int_equal(f->s->ops->session_put(f->s, &a, &f->err), 0);
	a.last_ts = 42;
	assert_int_equal(f->s->ops->session_put(f->s, &a, &f->err), 0); /* queued update */
	assert_int_equal(f->s->ops->session_get_many(f->s, uuids, 3, sess_cb, &v, &f->err), 0);
	assert_int_equal(store_commit(f->s, &f->err), 0);
	assert_int_equal(v.n, 3);
	assert_int_equal(v.created, 2);
	assert_string_equal(v.uuid[0], "s-old"); /* stored rows first */
	assert_int_equal(v.id[0], a.id);
	assert_string_equal(v.uuid[1], "s-new-1");
	assert_string_equal(v.uuid[2], "s-new-\"2\"");
	assert_true(v.id[1] > a.id && v.id[2] > v.id[1]);
	assert_int_equal(tdb_scalar(f->s, "SELECT count(*) FROM sessions"), 3);
	assert_int_equal(tdb_scalar(f->s, "SELECT last_ts FROM sessions WHERE uuid = 's-old'"), 42);
	assert_int_equal(f->s->ops->session_get_many(f->s, uuids, 0, sess_cb, &v, &f->err), 0);
}

static struct cc_str S(const char *s)
{
	struct cc_str r = { s, (uint32_t)strlen(s) };
	return r;
}

#define NREQ 5000  /* more than one batched lookup (CC_DEFER_MAX) */

/* One record of request i: output tokens out, two tool calls. */
static void rec(struct cc_record *r, char *mid, char *rid, size_t cap, int i, int64_t out)
{
	memset(r, 0, sizeof(*r));
	snprintf(mid, cap, "msg_%05d", i);
	snprintf(rid, cap, "req_%05d", i);
	r->type = CC_ASSISTANT;
	r->session_id = S(i % 2 ? "sess-odd" : "sess-even");
	r->cwd = S("/home/u/proj");
	r->msg_id = S(mid);
	r->request_id = S(rid);
	r->model = S("claude-sonnet-4-5-20250929");
	r->ts_ms = 1700000000000 + (int64_t)i * 60000;
	r->has_ts = true;
	r->has_usage = true;
	r->input = 5;
	r->output = out;
	r->n_tools = 1;
	r->tools[0].id = S(mid); /* one call per request, repeated by every line */
	r->tools[0].name = S(i % 3 ? "Read" : "Bash");
}

/* One run (not fresh): every request once with output 1 + i % 7, then every
 * third again, larger (replaced) for even i and smaller (a duplicate) for
 * odd i. Returns the run's stats. */
static struct cc_apply_stats run(struct fx *f)
{
	struct cc_apply a;
	struct cc_apply_stats st;
	struct cc_origin o = { .file_id = 1, .line_no = 1, .byte_len = 10,
			       .session_hint = "sess-even", .project_dir = "-home-u-proj" };
	struct cc_record *r = malloc(sizeof(*r));
	char mid[32], rid[32];
	cc_apply_init(&a, f->s);
	assert_int_equal(store_begin(f->s, &f->err), 0);
	for (int i = 0; i < NREQ; i++) {
		rec(r, mid, rid, sizeof(mid), i, 1 + i % 7);
		o.line_no = i + 1;
		assert_int_equal(cc_apply_record(&a, r, &o, &f->err), 0);
	}
	for (int i = 0; i < NREQ; i += 3) {
		rec(r, mid, rid, sizeof(mid), i, i % 2 ? 0 : 100);
		o.line_no = NREQ + i + 1;
		assert_int_equal(cc_apply_record(&a, r, &o, &f->err), 0);
	}
	assert_int_equal(cc_apply_flush(&a, &f->err), 0);
	assert_int_equal(store_commit(f->s, &f->err), 0);
	st = a.st;
	cc_apply_release(&a);
	free(r);
	return st;
}

/* Many records through cc_apply on a store that is not fresh: on
 * PostgreSQL they wait for batched lookups (cc_defer.h) and are applied in
 * order; the totals and counts must be those of one-at-a-time (SQLite). */
static void test_deferred_apply(void **state)
{
	struct fx *f = *state;
	struct cc_apply_stats st;
	int64_t out = 0, replaced = 0, dup = 0;
	for (int i = 0; i < NREQ; i++) {
		bool again = i % 3 == 0;
		if (again && i % 2 == 0) {
			out += 100;
			replaced++;
		} else {
			out += 1 + i % 7;
			dup += again;
		}
	}
	st = run(f);
	assert_int_equal(st.usage_new, NREQ);
	assert_int_equal(st.usage_replaced, replaced);
	assert_int_equal(st.usage_dup, dup);
	assert_int_equal(tdb_scalar(f->s, "SELECT count(*) FROM usage"), NREQ);
	assert_int_equal(tdb_scalar(f->s, "SELECT sum(output) FROM usage"), out);
	assert_int_equal(tdb_scalar(f->s, "SELECT sum(n) FROM rollup_usage"), NREQ);
	assert_int_equal(tdb_scalar(f->s, "SELECT sum(output) FROM rollup_usage"), out);
	assert_int_equal(tdb_scalar(f->s, "SELECT sum(output) FROM rollup_session"), out);
	assert_int_equal(tdb_scalar(f->s, "SELECT sum(n) FROM rollup_tools"), NREQ);
	assert_int_equal(tdb_scalar(f->s, "SELECT count(*) FROM sessions"), 2);
	/* the same again: all stored, nothing changes */
	st = run(f);
	assert_int_equal(st.usage_new, 0);
	assert_int_equal(st.usage_replaced, 0);
	assert_int_equal(st.usage_dup, NREQ + (NREQ + 2) / 3);
	assert_int_equal(tdb_scalar(f->s, "SELECT count(*) FROM usage"), NREQ);
	assert_int_equal(tdb_scalar(f->s, "SELECT sum(output) FROM rollup_usage"), out);
	assert_int_equal(tdb_scalar(f->s, "SELECT sum(n) FROM rollup_usage"), NREQ);
	assert_int_equal(tdb_scalar(f->s, "SELECT sum(n) FROM rollup_tools"), NREQ);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_usage_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_updates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_get_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_updates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deferred_apply, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
