/* test_apply.c - deduplication and rollup bookkeeping in cc_apply, on a
 * real store (SQLite temp file, or a fresh PostgreSQL database as
 * pg_test_apply; see test_db.h), with hand-built records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/cc_apply.h"
#include "store/store.h"
#include "test_db.h"

struct fx {
	struct tdb db;
	struct store *s;
	struct cc_apply a;
	struct aiu_err err;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_int_equal(tdb_create(&f->db), 0);
	assert_int_equal(store_open(f->db.uri, &f->s, &f->err), 0);
	cc_apply_init(&f->a, f->s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	cc_apply_release(&f->a);
	store_close(f->s);
	tdb_destroy(&f->db);
	free(f);
	return 0;
}

static struct cc_str S(const char *s)
{
	struct cc_str r = { s, (uint32_t)strlen(s) };
	return r;
}

static struct cc_record asst(const char *mid, const char *rid, int64_t ts, int64_t in, int64_t out,
			     int64_t cw, int64_t cr, bool side)
{
	struct cc_record r;
	memset(&r, 0, sizeof(r));
	r.type = CC_ASSISTANT;
	r.session_id = S("sess-1");
	r.cwd = S("/home/u/proj");
	r.msg_id = S(mid);
	r.request_id = S(rid);
	r.model = S("claude-sonnet-4-5-20250929");
	r.ts_ms = ts;
	r.has_ts = true;
	r.has_usage = true;
	r.input = in;
	r.output = out;
	r.cache_write = cw;
	r.cache_read = cr;
	r.is_sidechain = side;
	return r;
}

static void apply(struct fx *f, const struct cc_record *r)
{
	struct cc_origin o = { .file_id = 1, .line_no = 1, .byte_off = 0, .byte_len = 10,
				.session_hint = "sess-1", .project_dir = "-home-u-proj" };
	assert_int_equal(store_begin(f->s, &f->err), 0);
	assert_int_equal(cc_apply_record(&f->a, r, &o, &f->err), 0);
	assert_int_equal(cc_apply_flush(&f->a, &f->err), 0);
	assert_int_equal(store_commit(f->s, &f->err), 0);
}

/* Sum of one rollup column over all buckets. */
static int64_t rsum(struct fx *f, const char *col)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT coalesce(sum(%s),0) FROM rollup_usage", col);
	return tdb_scalar(f->s, sql);
}

static int64_t count(struct fx *f, const char *sql)
{
	return tdb_scalar(f->s, sql);
}

static void test_largest_wins(void **state)
{
	struct fx *f = *state;
	struct cc_record a = asst("msg_1", "req_1", 1000, 3, 1, 100, 200, false);
	struct cc_record b = asst("msg_1", "req_1", 1500, 3, 90, 100, 200, false); /* final */
	apply(f, &a);
	apply(f, &b);
	apply(f, &a); /* a stale repeat changes nothing */
	assert_int_equal(rsum(f, "n"), 1);
	assert_int_equal(rsum(f, "output"), 90);
	assert_int_equal(rsum(f, "cw5m"), 100);
	assert_int_equal(count(f, "SELECT count(*) FROM usage"), 1);
	assert_int_equal(count(f, "SELECT sum(n) FROM rollup_session"), 1);
	assert_int_equal(count(f, "SELECT sum(output) FROM rollup_session"), 90);
}

static void test_sidechain_tie(void **state)
{
	struct fx *f = *state;
	struct cc_record side = asst("msg_2", "req_2", 1000, 5, 5, 0, 0, true);
	struct cc_record main_ = asst("msg_2", "req_2", 1000, 5, 5, 0, 0, false);
	apply(f, &side);
	apply(f, &main_);
	assert_int_equal(count(f, "SELECT sidechain FROM usage"), 0);
	apply(f, &side); /* sidechain never beats an equal main record */
	assert_int_equal(count(f, "SELECT sidechain FROM usage"), 0);
	assert_int_equal(rsum(f, "n"), 1);
}

static void test_replace_moves_bucket(void **state)
{
	struct fx *f = *state;
	int64_t day = 86400000LL * 20000;
	struct cc_record a = asst("msg_3", "req_3", day - 1000, 1, 1, 0, 0, false);
	struct cc_record b = asst("msg_3", "req_3", day + 1000, 1, 50, 0, 0, false);
	apply(f, &a);
	apply(f, &b);
	assert_int_equal(rsum(f, "n"), 1);
	assert_int_equal(rsum(f, "output"), 50);
	assert_int_equal(count(f, "SELECT count(*) FROM rollup_usage WHERE n > 0"), 1);
}

static void test_distinct_requests(void **state)
{
	struct fx *f = *state;
	struct cc_record a = asst("msg_4", "req_A", 1000, 1, 1, 0, 0, false);
	struct cc_record b = asst("msg_4", "req_B", 1000, 1, 1, 0, 0, false);
	struct cc_record c = asst("msg_5", "", 1000, 1, 1, 0, 0, false);
	struct cc_record d = asst("msg_5", "", 2000, 1, 2, 0, 0, false);
	apply(f, &a);
	apply(f, &b);
	apply(f, &c);
	apply(f, &d); /* missing requestId matches another missing one */
	assert_int_equal(rsum(f, "n"), 3);
	assert_int_equal(rsum(f, "output"), 4);
}

static void test_cache_split_and_variants(void **state)
{
	struct fx *f = *state;
	struct cc_record a = asst("msg_6", "req_6", 1000, 10, 10, 300000, 0, false);
	a.has_cw_split = true;
	a.cw_5m = 100000;
	a.cw_1h = 200000;
	a.speed = S("fast");
	apply(f, &a);
	assert_int_equal(rsum(f, "cw5m"), 100000);
	assert_int_equal(rsum(f, "cw1h"), 200000);
	assert_int_equal(count(f, "SELECT variant FROM usage"), 7); /* long + fast + over 100k */
}

static void test_tools_and_prompts_dedup(void **state)
{
	struct fx *f = *state;
	struct cc_record a = asst("msg_7", "req_7", 1000, 1, 1, 0, 0, false);
	struct cc_record u;
	a.n_tools = 2;
	a.tools[0].id = S("toolu_1");
	a.tools[0].name = S("Read");
	a.tools[1].id = S("toolu_2");
	a.tools[1].name = S("Bash");
	apply(f, &a);
	apply(f, &a); /* streamed repeat of the same blocks */
	assert_int_equal(count(f, "SELECT sum(n) FROM rollup_tools"), 2);
	/* a later line of the same request brings one more block */
	a.n_tools = 1;
	a.tools[0].id = S("toolu_3");
	a.tools[0].name = S("Edit");
	apply(f, &a);
	assert_int_equal(count(f, "SELECT sum(n) FROM rollup_tools"), 3);
	assert_int_equal(count(f, "SELECT length(tools) FROM usage"), 24); /* 3 x 8 bytes */
	/* a resumed copy in a larger final record keeps the calls counted once */
	a.output = 99;
	apply(f, &a);
	assert_int_equal(count(f, "SELECT sum(n) FROM rollup_tools"), 3);
	assert_int_equal(count(f, "SELECT length(tools) FROM usage"), 24);
	memset(&u, 0, sizeof(u));
	u.type = CC_USER;
	u.user_kind = CC_USER_PROMPT;
	u.session_id = S("sess-1");
	u.uuid = S("uuid-1");
	u.ts_ms = 900;
	u.has_ts = true;
	apply(f, &u);
	apply(f, &u);
	u.is_meta = true;
	u.uuid = S("uuid-2");
	apply(f, &u);
	assert_int_equal(count(f, "SELECT user_msgs FROM sessions"), 1);
	assert_int_equal(count(f, "SELECT first_ts FROM sessions"), 900);
	assert_int_equal(count(f, "SELECT last_ts FROM sessions"), 1000);
}

static void test_synthetic_kept_no_id_skipped(void **state)
{
	struct fx *f = *state;
	struct cc_record a = asst("msg_8", "req_8", 1000, 1, 1, 0, 0, false);
	struct cc_record b = asst("", "req_9", 1000, 1, 1, 0, 0, false);
	a.model = S("<synthetic>");
	apply(f, &a);
	apply(f, &b);
	assert_int_equal(rsum(f, "n"), 1); /* the synthetic stub counts, the id-less row not */
	assert_int_equal(rsum(f, "output"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_largest_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sidechain_tie, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_moves_bucket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_distinct_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_split_and_variants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tools_and_prompts_dedup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_synthetic_kept_no_id_skipped, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
