/* fuzz_http.c - libFuzzer target for the HTTP layer's parsers of client
 * input: the router (path + method against the real route table, with
 * captures into a small buffer), ISO 8601 bounds, and the validated query
 * parameters (filter, integers, enums) with their error envelopes.
 * Input: first line = path, second = method, then "key=value" lines. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tz *utc;
	static const char *const order[] = { "desc", "asc", NULL };
	struct aiu_err err;
	char *text, *lines[2 + 2 * HTTP_MAX_ARGS], capbuf[64];
	size_t nl = 0;
	const struct http_route *rt;
	const char *caps[HTTP_MAX_CAPS];
	size_t ncaps, idx;
	unsigned allowed;
	struct http_req q;
	struct http_resp r;
	struct http_filter f;
	int64_t v;

	if (!utc && tz_load("UTC", &utc, &err) < 0)
		abort();
	if (size > 16384 || !(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (char *p = text, *e; nl < sizeof(lines) / sizeof(lines[0]) && p; p = e ? e + 1 : NULL) {
		e = strchr(p, '\n');
		if (e)
			*e = '\0';
		lines[nl++] = p;
	}
	(void)http_route_find(http_routes, http_method_parse(nl > 1 ? lines[1] : "GET"), lines[0], &rt,
			      caps, &ncaps, capbuf, sizeof(capbuf), &allowed);
	(void)http_parse_bound(lines[0], utc, false, &v);
	(void)http_parse_bound(lines[0], utc, true, &v);

	memset(&q, 0, sizeof(q));
	q.tz = utc;
	for (size_t i = 2; i < nl && q.nargs < HTTP_MAX_ARGS; i++) {
		char *eq = strchr(lines[i], '=');
		if (!eq)
			continue;
		*eq = '\0';
		q.args[q.nargs].key = lines[i];
		q.args[q.nargs].val = eq + 1;
		q.nargs++;
	}
	http_resp_init(&r);
	(void)http_param_filter(&q, &r, &f);
	http_filter_release(&f);
	(void)http_param_int(&q, &r, "limit", 1, 500, 20, &v);
	(void)http_param_int(&q, &r, "offset", 0, 10000000, 0, &v);
	(void)http_param_enum(&q, &r, "order", order, 0, &idx);
	http_resp_release(&r);
	free(text);
	return 0;
}
