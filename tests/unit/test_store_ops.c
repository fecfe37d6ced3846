/* test_store_ops.c - every op of struct store_ops (store/store.h) is set on
 * both backends, so an op added to the interface cannot be forgotten on one
 * side. The tables are walked slot by slot (struct store_ops holds only the
 * name and function pointers, all the same size: checked below), so a new
 * op needs no change here. Also opens a store of the backend under test
 * (test_store_ops on SQLite, pg_test_store_ops on PostgreSQL; test_db.h)
 * and checks it runs on the table walked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "store/store_pg.h"
#include "store/store_sqlite.h"
#include "test_db.h"

typedef void (*any_fn)(void);

/* The layout the walk relies on: the name, then only function pointers. */
_Static_assert(offsetof(struct store_ops, name) == 0, "store_ops: name first");
_Static_assert(sizeof(const char *) == sizeof(any_fn), "data and function pointers differ in size");
_Static_assert(sizeof(struct store_ops) % sizeof(any_fn) == 0, "store_ops: padding");

#define N_SLOTS (sizeof(struct store_ops) / sizeof(any_fn))

/* Slot i (i >= 1) of an ops table: a function pointer read byte-wise. */
static any_fn slot(const struct store_ops *ops, size_t i)
{
	any_fn f;
	memcpy(&f, (const char *)ops + i * sizeof(any_fn), sizeof(f));
	return f;
}

/* Counts the unset ops and prints each one's position. */
static size_t missing(const struct store_ops *ops)
{
	size_t n = 0;
	for (size_t i = 1; i < N_SLOTS; i++)
		if (!slot(ops, i)) {
			fprintf(stderr, "store backend %s: op #%zu of struct store_ops is NULL "
				"(byte offset %zu)\n", ops->name, i, i * sizeof(any_fn));
			n++;
		}
	return n;
}

static void test_every_op_on_both_backends(void **state)
{
	const struct store_ops *sq = store_sqlite_ops(), *pg = store_pg_ops();
	(void)state;
	/* the walk covers at least every op up to the last one known today */
	assert_true(N_SLOTS > offsetof(struct store_ops, cursor_member_scan) / sizeof(any_fn));
	assert_string_equal(sq->name, "sqlite");
	assert_string_equal(pg->name, "postgresql");
	assert_int_equal(missing(sq), 0);
	assert_int_equal(missing(pg), 0);
	/* no op is implemented on one backend only (the same slots are set) */
	for (size_t i = 1; i < N_SLOTS; i++)
		assert_int_equal(slot(sq, i) != NULL, slot(pg, i) != NULL);
}

/* The walk must see a NULL slot: a table with one op cleared fails it. */
static void test_walk_finds_a_null_op(void **state)
{
	struct store_ops t = *store_sqlite_ops();
	(void)state;
	t.cursor_member_scan = NULL;
	assert_int_equal(missing(&t), 1);
	t = *store_pg_ops();
	t.begin = NULL;
	t.usage_scan = NULL;
	assert_int_equal(missing(&t), 2);
}

/* A store opened on the backend under test runs on the table walked above. */
static void test_opened_store_uses_the_table(void **state)
{
	struct tdb db;
	struct store *s = NULL;
	struct aiu_err err = { 0 };
	(void)state;
	assert_int_equal(tdb_create(&db), 0);
	if (store_open(db.uri, &s, &err) < 0)
		fail_msg("store_open %s: %s", db.uri, err.msg);
	assert_ptr_equal(s->ops, tdb_is_pg() ? store_pg_ops() : store_sqlite_ops());
	assert_int_equal(missing(s->ops), 0);
	store_close(s);
	tdb_destroy(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_op_on_both_backends),
		cmocka_unit_test(test_walk_finds_a_null_op),
		cmocka_unit_test(test_opened_store_uses_the_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
