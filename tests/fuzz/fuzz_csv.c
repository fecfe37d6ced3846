/* fuzz_csv.c - libFuzzer target for the libcsv reader: any bytes, fed in
 * pieces whose sizes come from the input, must give the same records as
 * one whole feed, or fail with an error; never crash or overrun. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/kmap.h"
#include "ingest/csv_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct acc { uint64_t digest; int64_t n; };

static int row(void *ctx, const struct csv_rec *r, struct aiu_err *err)
{
	struct acc *a = ctx;
	(void)err;
	for (size_t i = 0; i < r->nf; i++)
		a->digest = a->digest * 1099511628211ULL ^ hash64(r->f[i], r->len[i]) ^ (uint64_t)r->line;
	a->n++;
	return 0;
}

static int run(const char *d, size_t n, size_t step, struct acc *a)
{
	struct csv_reader r;
	struct aiu_err err;
	int rc;
	memset(a, 0, sizeof(*a));
	if (csv_reader_init(&r, "fuzz.csv", row, a, &err) < 0)
		return -1;
	rc = 0;
	for (size_t i = 0; i < n && rc == 0; i += step)
		rc = csv_reader_feed(&r, d + i, n - i < step ? n - i : step, &err);
	if (rc == 0)
		rc = csv_reader_finish(&r, &err);
	csv_reader_release(&r);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acc whole, parts;
	size_t step;
	int a, b;
	if (size < 1)
		return 0;
	step = (size_t)data[0] % 17 + 1;
	a = run((const char *)data + 1, size - 1, size, &whole);
	b = run((const char *)data + 1, size - 1, step, &parts);
	if (a != b || (a == 0 && (whole.digest != parts.digest || whole.n != parts.n)))
		abort();
	return 0;
}
