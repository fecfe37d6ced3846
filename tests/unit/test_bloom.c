/* test_bloom.c - the first-sync key filter (ingest/bloom.c): no false
 * negatives ever, a false-positive rate near its design point, a fixed
 * size, clear and the "not allocated" state (every answer "maybe"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "ingest/bloom.h"

/* splitmix64: keys like the store's (hash-distributed 64-bit values) */
static uint64_t next_key(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31)) & INT64_MAX;
}

static void test_no_false_negatives_and_rate(void **state)
{
	struct bloom b;
	uint64_t s = 1, t = 99;
	int64_t fp = 0;
	const int64_t n = 200000;
	(void)state;
	/* 256 KiB = 2 Mbit for 200k keys: ~10 bits per key, 3 probes: ~1.7 % */
	assert_int_equal(bloom_init(&b, 256 << 10), AIU_OK);
	for (int64_t i = 0; i < n; i++)
		bloom_add(&b, next_key(&s));
	assert_int_equal(b.n, n);
	s = 1;
	for (int64_t i = 0; i < n; i++)
		assert_true(bloom_maybe(&b, next_key(&s)));
	for (int64_t i = 0; i < n; i++)
		fp += bloom_maybe(&b, next_key(&t) | ((uint64_t)1 << 62));
	/* design point ~1.7 %; a broken hash (one probe, or correlated
	 * probes) lands far above 4 % */
	assert_true(fp < n * 4 / 100);
	assert_true(fp > 0); /* it is a filter, not a set */
	bloom_clear(&b);
	assert_int_equal(b.n, 0);
	s = 1;
	for (int i = 0; i < 1000; i++)
		assert_false(bloom_maybe(&b, next_key(&s)));
	bloom_release(&b);
}

static void test_unallocated_and_bad_size(void **state)
{
	struct bloom b;
	(void)state;
	assert_int_equal(bloom_init(&b, 1000), AIU_EARG); /* not a power of two */
	assert_null(b.bits);
	bloom_add(&b, 42);                 /* a no-op */
	assert_true(bloom_maybe(&b, 42));  /* no filter: always "ask the store" */
	assert_true(bloom_maybe(&b, 7));
	bloom_release(&b);
	assert_int_equal(bloom_init(&b, 4), AIU_EARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_false_negatives_and_rate),
		cmocka_unit_test(test_unallocated_and_bad_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
