/* fuzz_people_csv.c - libFuzzer target for the people.csv parser: any bytes
 * must parse or fail with an error; delivered people have a case-folded
 * email with one '@', key names are non-empty and bounded. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/people_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int person(void *ctx, const struct org_person *p, struct aiu_err *err)
{
	(void)ctx;
	(void)err;
	if (!strchr(p->email, '@') || strlen(p->email) >= sizeof(p->email))
		abort();
	for (const char *c = p->email; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			abort();
	return 0;
}

static int key(void *ctx, const char *name, const char *email, struct aiu_err *err)
{
	(void)ctx;
	(void)err;
	if (!name[0] || strlen(name) >= ORG_NAME_MAX || !strchr(email, '@'))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct people_csv_sink sink = { NULL, person, key };
	struct people_csv_result res;
	struct aiu_err err;
	if (people_csv_parse((const char *)data, size, "fuzz.csv", &sink, NULL, &res, &err) < 0 &&
	    !err.msg[0])
		abort();
	if (res.people < 0 || res.bad_rows < 0)
		abort();
	return 0;
}
