/* test_store.c - the store ops themselves, on the backend under test
 * (test_store on SQLite, pg_test_store on PostgreSQL; see test_db.h):
 * 64-bit values round-trip exactly, concurrent writers never lose a
 * rollup delta, multi-row writes with a repeated key keep the later row,
 * the sync lock excludes a second holder, a rollback leaves nothing, and
 * a PostgreSQL password never appears in a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_pg.h"
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

static void test_int64_exact(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	struct usage_row u, g;
	struct file_state fs, fg;
	bool found;
	memset(&u, 0, sizeof(u));
	u.key = INT64_MIN + 1;
	snprintf(u.msg_id, sizeof(u.msg_id), "msg_\xc3\xa9");
	snprintf(u.req_id, sizeof(u.req_id), "req");
	u.ts = INT64_MAX - 1;
	u.session_id = 1;
	u.project_id = 2;
	u.model_id = 3;
	u.variant = 7;
	u.sidechain = true;
	u.t.input = (int64_t)1 << 62;
	u.t.output = INT64_MAX;
	u.t.cw5m = -5;
	u.t.cache_read = 9007199254740993LL; /* 2^53 + 1: not a double */
	snprintf(u.service_tier, sizeof(u.service_tier), "priority");
	u.ntools = 2;
	u.tools[0].id = 0xFFFFFFFFu;
	u.tools[0].tool_id = 1;
	u.tools[1].id = 42;
	u.tools[1].tool_id = 0x80000000u;
	u.file_id = 5;
	u.line_no = 6;
	u.byte_off = (int64_t)1 << 40;
	assert_int_equal(store_begin(s, &f->err), 0);
	assert_int_equal(s->ops->usage_put(s, &u, &f->err), 0);
	assert_int_equal(store_commit(s, &f->err), 0);
	memset(&g, 0xAB, sizeof(g));
	assert_int_equal(s->ops->usage_get(s, u.key, &g, &found, &f->err), 0);
	assert_true(found);
	assert_string_equal(g.msg_id, u.msg_id);
	assert_int_equal(g.ts, u.ts);
	assert_true(g.t.input == u.t.input && g.t.output == u.t.output && g.t.cw5m == -5);
	assert_true(g.t.cache_read == 9007199254740993LL);
	assert_int_equal(g.variant, 7);
	assert_true(g.sidechain);
	assert_int_equal(g.ntools, 2);
	assert_memory_equal(g.tools, u.tools, 2 * sizeof(u.tools[0]));
	assert_true(g.byte_off == u.byte_off);
	assert_string_equal(g.service_tier, "priority");

	memset(&fs, 0, sizeof(fs));
	fs.path = "/tmp/x/\xc3\xa9t\xc3\xa9.jsonl";
	fs.dev = INT64_MAX;
	fs.ino = INT64_MIN;
	fs.head_hash = UINT64_MAX;
	fs.mtime_ns = 1764460800123456789LL;
	assert_int_equal(store_begin(s, &f->err), 0);
	assert_int_equal(s->ops->file_put(s, &fs, &f->err), 0);
	assert_int_equal(store_commit(s, &f->err), 0);
	assert_true(fs.id > 0);
	memset(&fg, 0, sizeof(fg));
	assert_int_equal(s->ops->file_get(s, fs.path, &fg, &found, &f->err), 0);
	assert_true(found);
	assert_true(fg.id == fs.id && fg.dev == INT64_MAX && fg.ino == INT64_MIN);
	assert_true(fg.head_hash == UINT64_MAX && fg.mtime_ns == fs.mtime_ns);
	assert_null(fg.agent_type);
	file_state_release(&fg);
}

/* Names that are not UTF-8 (a file path may be anything) are stored and
 * found again; interning is stable. */
static void test_dictionary(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	static const char bad[] = "/home/u/caf\xe9/\xff";
	int64_t a, b, c, found;
	struct file_state fs, fg;
	bool ok;
	assert_int_equal(store_begin(s, &f->err), 0);
	assert_int_equal(s->ops->intern(s, DICT_PROJECT, "alpha", 5, &a, &f->err), 0);
	assert_int_equal(s->ops->intern(s, DICT_PROJECT, "alphabet", 5, &b, &f->err), 0);
	assert_int_equal(s->ops->intern(s, DICT_PROJECT, bad, sizeof(bad) - 1, &c, &f->err), 0);
	assert_int_equal(store_commit(s, &f->err), 0);
	assert_true(a > 0 && a == b && c > 0 && c != a);
	assert_string_equal(s->ops->dict_name(s, DICT_PROJECT, a), "alpha");
	assert_true(strlen(s->ops->dict_name(s, DICT_PROJECT, c)) > 0);
	assert_int_equal(s->ops->dict_find(s, DICT_PROJECT, "alpha", &found, &f->err), 0);
	assert_true(found == a);
	assert_int_equal(s->ops->dict_find(s, DICT_PROJECT, "nope", &found, &f->err), 0);
	assert_true(found == 0);
	memset(&fs, 0, sizeof(fs));
	fs.path = (char *)bad;
	assert_int_equal(store_begin(s, &f->err), 0);
	assert_int_equal(s->ops->intern(s, DICT_PROJECT, bad, sizeof(bad) - 1, &b, &f->err), 0);
	assert_int_equal(s->ops->file_put(s, &fs, &f->err), 0);
	assert_int_equal(store_commit(s, &f->err), 0);
	assert_true(b == c);
	memset(&fg, 0, sizeof(fg));
	assert_int_equal(s->ops->file_get(s, bad, &fg, &ok, &f->err), 0);
	assert_true(ok && fg.id == fs.id);
	file_state_release(&fg);
}

/* usage_put_many with a repeated key in one call: the later row wins and
 * nothing fails (PostgreSQL cannot upsert one row twice per statement). */
static void test_put_many_repeats(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	enum { N = 150 };
	static struct usage_row rows[N];
	const struct usage_row *p[N];
	struct usage_row g;
	bool found;
	for (int i = 0; i < N; i++) {
		memset(&rows[i], 0, sizeof(rows[i]));
		rows[i].key = 1000 + i;
		rows[i].t.output = i;
		p[i] = &rows[i];
	}
	rows[70].key = rows[10].key;   /* same statement on PostgreSQL (64 rows each) */
	rows[140].key = rows[139].key;
	assert_int_equal(store_begin(s, &f->err), 0);
	assert_int_equal(s->ops->usage_put_many(s, p, N, &f->err), 0);
	assert_int_equal(store_commit(s, &f->err), 0);
	assert_int_equal(tdb_scalar(s, "SELECT count(*) FROM usage"), N - 2);
	assert_int_equal(s->ops->usage_get(s, rows[10].key, &g, &found, &f->err), 0);
	assert_true(found && g.t.output == 70);
	assert_int_equal(s->ops->usage_get(s, rows[139].key, &g, &found, &f->err), 0);
	assert_true(found && g.t.output == 140);
}

struct writer {
	struct store *s;
	int rounds, rc;
	struct aiu_err err;
};

/* One transaction per round: +1 request and +2 input tokens on one shared
 * rollup row, +1 on a shared session rollup and tool rollup row. */
static void *writer_main(void *arg)
{
	struct writer *w = arg;
	for (int i = 0; i < w->rounds && w->rc == 0; i++) {
		struct rollup_row r;
		struct session_rollup_row sr;
		struct tool_rollup_row tr = { .bucket = 7, .project_id = 1, .tool_id = 1, .n = 1 };
		const struct rollup_row *rp = &r;
		memset(&r, 0, sizeof(r));
		memset(&sr, 0, sizeof(sr));
		r.k.bucket = 7;
		r.k.project_id = 1;
		r.k.model_id = 1;
		r.n = 1;
		r.t.input = 2;
		r.min_ts = r.max_ts = 1000 + i;
		sr.session_id = 1;
		sr.model_id = 1;
		sr.n = 1;
		sr.t.output = 3;
		if ((w->rc = store_begin(w->s, &w->err)) < 0)
			break;
		if ((w->rc = w->s->ops->rollup_add_many(w->s, &rp, 1, &w->err)) < 0 ||
		    (w->rc = w->s->ops->session_rollup_add(w->s, &sr, &w->err)) < 0 ||
		    (w->rc = w->s->ops->tool_rollup_add_many(w->s, &tr, 1, &w->err)) < 0 ||
		    (w->rc = store_commit(w->s, &w->err)) < 0) {
			store_rollback(w->s);
			break;
		}
	}
	return NULL;
}

struct sum { int64_t n, input, min_ts, max_ts; };

static int on_rollup(void *ctx, const struct rollup_row *r)
{
	struct sum *m = ctx;
	m->n += r->n;
	m->input += r->t.input;
	m->min_ts = r->min_ts;
	m->max_ts = r->max_ts;
	return 0;
}

/* Two connections add deltas to the same rows at once: none is lost. */
static void test_concurrent_deltas(void **state)
{
	struct fx *f = *state;
	enum { ROUNDS = 150 };
	struct writer w[2];
	pthread_t th[2];
	struct sum m = { 0, 0, 0, 0 };
	memset(w, 0, sizeof(w));
	for (int i = 0; i < 2; i++) {
		w[i].rounds = ROUNDS;
		assert_int_equal(store_open(f->db.uri, &w[i].s, &w[i].err), 0);
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, writer_main, &w[i]), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		if (w[i].rc)
			fprintf(stderr, "writer %d: %s\n", i, w[i].err.msg);
		assert_int_equal(w[i].rc, 0);
		store_close(w[i].s);
	}
	assert_int_equal(f->s->ops->rollup_scan(f->s, 0, 100, 0, on_rollup, &m, &f->err), 0);
	assert_int_equal(m.n, 2 * ROUNDS);
	assert_int_equal(m.input, 4 * ROUNDS);
	assert_int_equal(m.min_ts, 1000);
	assert_int_equal(m.max_ts, 1000 + ROUNDS - 1);
	assert_int_equal(tdb_scalar(f->s, "SELECT sum(n) FROM rollup_session"), 2 * ROUNDS);
	assert_int_equal(tdb_scalar(f->s, "SELECT sum(output) FROM rollup_session"), 6 * ROUNDS);
	assert_int_equal(tdb_scalar(f->s, "SELECT sum(n) FROM rollup_tools"), 2 * ROUNDS);
}

static void test_sync_lock(void **state)
{
	struct fx *f = *state;
	struct store *b;
	struct aiu_err e = { 0 };
	assert_int_equal(store_open(f->db.uri, &b, &f->err), 0);
	assert_int_equal(f->s->ops->sync_lock(f->s, 0, &f->err), 0);
	assert_int_equal(b->ops->sync_lock(b, 120, &e), AIU_EBUSY);
	assert_non_null(strstr(e.msg, "another aiusage sync"));
	f->s->ops->sync_unlock(f->s);
	assert_int_equal(b->ops->sync_lock(b, 0, &f->err), 0);
	b->ops->sync_unlock(b);
	store_close(b);
}

static void test_rollback_and_messages(void **state)
{
	struct fx *f = *state;
	struct store *s = f->s;
	struct usage_row u;
	int64_t id;
	bool empty, ins;
	memset(&u, 0, sizeof(u));
	u.key = 77;
	assert_int_equal(store_begin(s, &f->err), 0);
	assert_int_equal(s->ops->intern(s, DICT_MODEL, "claude-x", 8, &id, &f->err), 0);
	assert_int_equal(s->ops->usage_put(s, &u, &f->err), 0);
	assert_int_equal(store_rollback(s), 0);
	assert_int_equal(s->ops->usage_empty(s, &empty, &f->err), 0);
	assert_true(empty);
	assert_int_equal(store_begin(s, &f->err), 0);
	assert_int_equal(s->ops->intern(s, DICT_MODEL, "claude-x", 8, &id, &f->err), 0);
	assert_int_equal(s->ops->message_add(s, 5, 1, 2, 3, 4, 5, &ins, &f->err), 0);
	assert_true(ins);
	assert_int_equal(s->ops->message_add(s, 5, 1, 2, 3, 4, 5, &ins, &f->err), 0);
	assert_false(ins);
	assert_int_equal(store_commit(s, &f->err), 0);
	assert_string_equal(s->ops->dict_name(s, DICT_MODEL, id), "claude-x");
	assert_int_equal(tdb_scalar(s, "SELECT count(*) FROM models WHERE name = 'claude-x'"), 1);
}

/* No server needed: the URI shown in messages never carries the password. */
static void test_redaction(void **state)
{
	char out[256];
	struct store *s = NULL;
	struct aiu_err e = { 0 };
	(void)state;
	store_pg_redact("postgres://aiu:s3cr3t@127.0.0.1:5432/db", out, sizeof(out));
	assert_string_equal(out, "postgres://aiu@127.0.0.1:5432/db");
	store_pg_redact("postgresql://u:p%40ss@h/db?sslmode=off&password=zz&x=1", out, sizeof(out));
	assert_string_equal(out, "postgresql://u@h/db?sslmode=off&password=***&x=1");
	store_pg_redact("postgres://h:5/db", out, sizeof(out));
	assert_string_equal(out, "postgres://h:5/db");
	/* port 1 on loopback refuses: the error names the place, not the secret */
	assert_true(store_open("postgres://aiu:Sup3rS3cret@127.0.0.1:1/x?connect_timeout=2", &s, &e) < 0);
	assert_null(s);
	assert_null(strstr(e.msg, "Sup3rS3cret"));
	assert_non_null(strstr(e.msg, "aiu@127.0.0.1:1/x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_int64_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dictionary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_many_repeats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_deltas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_and_messages, setup, teardown),
		cmocka_unit_test(test_redaction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
