/* fuzz_org_params.c - libFuzzer target for the org API's parsers of client
 * and config input: the /api/org/ query parameters (dateFrom, dateTo,
 * team, tool, format; with their error envelopes), the pull schedule
 * (--pull-interval / [pull] schedule), and the CSV writer on arbitrary
 * cell text (every output must re-parse as the same cells count per row).
 * Input: "key=value" lines; the first line is also the schedule. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/api_org.h"
#include "ingest/pull_sched.h"
#include "render/csv_out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aiu_err err = { 0 };
	char *text, *lines[2 * HTTP_MAX_ARGS];
	size_t nl = 0;
	struct http_req q;
	struct http_resp r;
	struct org_params p;
	struct buf b;
	struct csvw c;
	int64_t v;

	if (size > 16384 || !(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (char *s = text, *e; nl < sizeof(lines) / sizeof(lines[0]) && s; s = e ? e + 1 : NULL) {
		e = strchr(s, '\n');
		if (e)
			*e = '\0';
		lines[nl++] = s;
	}
	(void)pull_sched_parse(lines[0], &v, &err);
	buf_init(&b, 1 << 16);
	csvw_init(&c, &b);
	for (size_t i = 0; i < nl; i++)
		csvw_text(&c, lines[i]);
	csvw_eol(&c);
	/* a quoted cell never leaves an odd number of quotes behind */
	{
		size_t quotes = 0;
		for (const char *s = buf_cstr(&b); *s; s++)
			quotes += *s == '"';
		if (!b.failed && quotes % 2)
			abort();
	}
	buf_release(&b);

	memset(&q, 0, sizeof(q));
	for (size_t i = 0; i < nl && q.nargs < HTTP_MAX_ARGS; i++) {
		char *eq = strchr(lines[i], '=');
		if (!eq)
			continue;
		*eq = '\0';
		q.args[q.nargs].key = lines[i];
		q.args[q.nargs].val = eq + 1;
		q.nargs++;
	}
	http_resp_init(&r);
	if (org_params_parse(&q, &r, 20543, &p) == 0 &&
	    (p.from > p.to || p.to - p.from >= 1100 || (p.tool != ORGT_ALL && (p.tool < 0 || p.tool > 3))))
		abort(); /* accepted parameters are always within the documented bounds */
	http_resp_release(&r);
	free(text);
	return 0;
}
