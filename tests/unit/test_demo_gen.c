/* test_demo_gen.c - the demo history generator: directory layout, every
 * line valid JSON, request count near the target, byte-identical output
 * for the same options, timestamps inside the window, clean re-runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "demo/demo_gen.h"

#define END_MS 1763900000000LL /* 2025-11-23T12:13:20Z, a Sunday */
#define DAYS 60
#define TARGET 6000

/* A sorted list of strings; the list owns them. */
struct slist {
	char **v;
	size_t n, cap;
};

static void sl_add(struct slist *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		assert_non_null(l->v);
	}
	l->v[l->n] = strdup(s);
	assert_non_null(l->v[l->n]);
	l->n++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sl_sort(struct slist *l)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp_str);
}

static void sl_free(struct slist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* nftw has no user pointer: the walk state lives here. */
static struct slist *walk_list;
static size_t walk_skip;

static int collect_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_F)
		sl_add(walk_list, p + walk_skip);
	return 0;
}

/* Files under dir, as sorted paths relative to dir ("projects/..."). */
static void list_files(const char *dir, struct slist *out)
{
	walk_list = out;
	walk_skip = strlen(dir) + 1;
	assert_int_equal(nftw(dir, collect_cb, 16, FTW_PHYS), 0);
	sl_sort(out);
}

static int rm_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	remove(p);
	return 0;
}

static void rm_rf(const char *dir)
{
	nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static void make_tmp(char out[64])
{
	snprintf(out, 64, "/tmp/aiu_demo_XXXXXX");
	assert_non_null(mkdtemp(out));
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long sz;
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	sz = ftell(f);
	assert_true(sz >= 0);
	rewind(f);
	p = malloc((size_t)sz + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)sz, f), (size_t)sz);
	p[sz] = '\0';
	fclose(f);
	*n = (size_t)sz;
	return p;
}

static struct demo_opts opts(uint64_t seed, int days, int64_t target)
{
	struct demo_opts o;
	memset(&o, 0, sizeof(o));
	o.seed = seed;
	o.days = days;
	o.end_ms = END_MS;
	o.target_messages = target;
	return o;
}

static double gen_ms(const char *dir, const struct demo_opts *o)
{
	struct aiu_err err = { 0 };
	struct timespec a, b;
	int rc;
	clock_gettime(CLOCK_MONOTONIC, &a);
	rc = demo_generate(dir, o, &err);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (rc != 0)
		fail_msg("demo_generate: %d %s", rc, err.msg);
	return (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

static bool is_uuid(const char *s, size_t n)
{
	if (n != 36)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash != (s[i] == '-') || (!dash && !strchr("0123456789abcdef", s[i])))
			return false;
	}
	return true;
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Checks one RFC 3339 ms timestamp; returns it. */
static int64_t check_ts(const char *ts, int64_t lo, int64_t hi)
{
	int64_t ms;
	assert_non_null(ts);
	assert_int_equal(strlen(ts), 24); /* 2025-11-23T10:00:00.000Z */
	assert_int_equal(ts[19], '.');
	assert_int_equal(ts[23], 'Z');
	assert_int_equal(parse_rfc3339_ms(ts, strlen(ts), &ms), 0);
	if (ms < lo || ms > hi)
		fail_msg("timestamp %s outside the window", ts);
	return ms;
}

/* What one walk over a generated tree found. */
struct seen {
	struct slist usage;      /* "msg_id req_id <usage json>" per assistant line */
	struct slist tool_uses, tool_results;
	struct slist encs;       /* project folder per session */
	size_t sessions, subagents, metas, lines, summaries, snapshots, systems;
	bool sonnet, opus45, opus47, haiku;
	int64_t max_ts;
};

static void check_line(struct seen *s, json_t *j, const char *enc, const char *sid,
		       const char *agent, int64_t lo)
{
	const char *type = jstr(j, "type"), *cwd = jstr(j, "cwd"), *ts = jstr(j, "timestamp");
	json_t *msg = json_object_get(j, "message"), *content;
	size_t i;

	assert_non_null(type);
	if (cwd) { /* the folder is the cwd with '/' and '.' replaced by '-' */
		char e[256];
		size_t k;
		for (k = 0; cwd[k] && k + 1 < sizeof(e); k++)
			e[k] = cwd[k] == '/' || cwd[k] == '.' ? '-' : cwd[k];
		e[k] = '\0';
		assert_string_equal(e, enc);
		assert_string_equal(jstr(j, "sessionId"), sid);
		assert_true(str_has_prefix(jstr(j, "version"), "2.1."));
		assert_non_null(jstr(j, "gitBranch"));
		assert_true(is_uuid(jstr(j, "uuid"), strlen(jstr(j, "uuid"))));
		assert_true(json_is_true(json_object_get(j, "isSidechain")) == (agent != NULL));
		if (agent)
			assert_string_equal(jstr(j, "agentId"), agent);
	}
	if (ts) {
		int64_t ms = check_ts(ts, lo, END_MS);
		s->max_ts = ms > s->max_ts ? ms : s->max_ts;
	}
	if (strcmp(type, "summary") == 0) {
		s->summaries++;
		assert_null(ts);
		assert_non_null(jstr(j, "leafUuid"));
	} else if (strcmp(type, "file-history-snapshot") == 0) {
		s->snapshots++;
		check_ts(jstr(json_object_get(j, "snapshot"), "timestamp"), lo, END_MS);
	} else if (strcmp(type, "system") == 0) {
		s->systems++;
	} else {
		assert_true(strcmp(type, "user") == 0 || strcmp(type, "assistant") == 0);
		assert_non_null(cwd);
		assert_non_null(msg);
	}
	content = msg ? json_object_get(msg, "content") : NULL;
	if (strcmp(type, "assistant") == 0) {
		json_t *u = json_object_get(msg, "usage"), *cc = json_object_get(u, "cache_creation");
		const char *model = jstr(msg, "model");
		char *dump = json_dumps(u, JSON_COMPACT | JSON_SORT_KEYS);
		char key[1024];
		int64_t cw = json_integer_value(json_object_get(u, "cache_creation_input_tokens"));
		int64_t out = json_integer_value(json_object_get(u, "output_tokens"));
		assert_non_null(dump);
		assert_true(str_has_prefix(jstr(msg, "id"), "msg_01"));
		assert_true(str_has_prefix(jstr(j, "requestId"), "req_"));
		assert_int_equal(json_integer_value(json_object_get(cc, "ephemeral_5m_input_tokens")) +
				 json_integer_value(json_object_get(cc, "ephemeral_1h_input_tokens")), cw);
		assert_true(out >= 50 && out <= 4000);
		assert_true(json_integer_value(json_object_get(u, "cache_read_input_tokens")) <= 200000);
		snprintf(key, sizeof(key), "%s %s %s", jstr(msg, "id"), jstr(j, "requestId"), dump);
		sl_add(&s->usage, key);
		free(dump);
		s->sonnet |= strcmp(model, "claude-sonnet-4-5-20250929") == 0;
		s->opus45 |= strcmp(model, "claude-opus-4-5-20251101") == 0;
		s->opus47 |= strcmp(model, "claude-opus-4-7") == 0;
		s->haiku |= strcmp(model, "claude-haiku-4-5-20251001") == 0;
		assert_int_equal(json_array_size(content), 1); /* streamed: one block per line */
	}
	for (i = 0; json_is_array(content) && i < json_array_size(content); i++) {
		json_t *b = json_array_get(content, i);
		if (strcmp(jstr(b, "type"), "tool_use") == 0) {
			assert_true(str_has_prefix(jstr(b, "id"), "toolu_"));
			sl_add(&s->tool_uses, jstr(b, "id"));
		} else if (strcmp(jstr(b, "type"), "tool_result") == 0) {
			sl_add(&s->tool_results, jstr(b, "tool_use_id"));
		}
	}
	if (strcmp(type, "user") == 0 && !json_is_array(content))
		assert_true(json_is_string(content));
}

static void check_jsonl(struct seen *s, const char *path, const char *enc, const char *sid,
			const char *agent, int64_t lo)
{
	size_t n, off = 0;
	char *p = slurp(path, &n);
	assert_true(n > 0);
	assert_int_equal(p[n - 1], '\n');
	while (off < n) {
		char *nl = memchr(p + off, '\n', n - off);
		json_error_t je;
		json_t *j;
		size_t len = (size_t)(nl - (p + off));
		assert_non_null(nl);
		j = json_loadb(p + off, len, 0, &je);
		if (!j)
			fail_msg("%s:%zu: %s", path, s->lines + 1, je.text);
		assert_true(json_is_object(j));
		check_line(s, j, enc, sid, agent, lo);
		json_decref(j);
		s->lines++;
		off += len + 1;
	}
	free(p);
}

/* Walks dir/projects and checks the layout and every line. */
static void check_tree(const char *dir, int64_t lo, struct seen *s)
{
	struct slist files = { 0 };
	char path[4096];

	list_files(dir, &files);
	for (size_t i = 0; i < files.n; i++) {
		char rel[4096], *part[8];
		int np = 0;
		snprintf(rel, sizeof(rel), "%s", files.v[i]);
		for (char *q = rel, *save = NULL; np < 8 && (q = strtok_r(q, "/", &save)); q = NULL)
			part[np++] = q;
		assert_true(np >= 2);
		assert_string_equal(part[0], "projects");
		if (np == 2) {
			assert_string_equal(part[1], ".aiusage-demo");
			continue;
		}
		assert_true(part[1][0] == '-' && !strchr(part[1], '.'));
		snprintf(path, sizeof(path), "%s/%s", dir, files.v[i]);
		if (np == 3) { /* projects/<enc>/<session>.jsonl */
			assert_true(str_has_suffix(part[2], ".jsonl"));
			part[2][strlen(part[2]) - 6] = '\0';
			assert_true(is_uuid(part[2], strlen(part[2])));
			sl_add(&s->encs, part[1]);
			check_jsonl(s, path, part[1], part[2], NULL, lo);
			s->sessions++;
			continue;
		}
		/* projects/<enc>/<session>/subagents/agent-a<hex>.{jsonl,meta.json} */
		assert_int_equal(np, 5);
		assert_true(is_uuid(part[2], strlen(part[2])));
		assert_string_equal(part[3], "subagents");
		assert_true(str_has_prefix(part[4], "agent-a"));
		if (str_has_suffix(part[4], ".meta.json")) {
			json_t *m = json_load_file(path, 0, NULL);
			assert_non_null(m);
			assert_true(strlen(jstr(m, "agentType")) > 0);
			json_decref(m);
			snprintf(rel, sizeof(rel), "%.*s.jsonl", (int)(strlen(path) - 10), path);
			assert_int_equal(access(rel, R_OK), 0);
			s->metas++;
		} else {
			assert_true(str_has_suffix(part[4], ".jsonl"));
			part[4][strlen(part[4]) - 6] = '\0';
			check_jsonl(s, path, part[1], part[2], part[4] + 6, lo);
			s->subagents++;
		}
	}
	sl_free(&files);
}

static void seen_free(struct seen *s)
{
	sl_free(&s->usage);
	sl_free(&s->tool_uses);
	sl_free(&s->tool_results);
	sl_free(&s->encs);
}

static size_t count_distinct(struct slist *l)
{
	size_t n = 0;
	sl_sort(l);
	for (size_t i = 0; i < l->n; i++)
		n += !i || strcmp(l->v[i - 1], l->v[i]) != 0;
	return n;
}

/* Distinct (message.id, requestId) pairs; all lines of one pair must carry
 * the same usage. Returns the count and how many pairs span >1 line. */
static size_t distinct_requests(struct slist *u, size_t *streamed)
{
	size_t n = 0;
	*streamed = 0;
	sl_sort(u);
	for (size_t i = 0; i < u->n; i++) {
		const char *a = u->v[i], *sp = strchr(strchr(a, ' ') + 1, ' ');
		size_t klen = (size_t)(sp - a);
		if (i && strncmp(u->v[i - 1], a, klen) == 0 && u->v[i - 1][klen] == ' ') {
			assert_string_equal(u->v[i - 1], a); /* same ids, same usage */
			if (i < 2 || strncmp(u->v[i - 2], a, klen) != 0)
				(*streamed)++;
			continue;
		}
		n++;
	}
	return n;
}

static void test_layout_and_content(void **st)
{
	struct demo_opts o = opts(20251123, DAYS, TARGET);
	struct seen s;
	char dir[64];
	size_t distinct, streamed, nproj;
	double ms;

	(void)st;
	memset(&s, 0, sizeof(s));
	make_tmp(dir);
	ms = gen_ms(dir, &o);
	print_message("generated %d requests over %d days in %.1f ms\n", TARGET, DAYS, ms);
	/* informational only: speed is bench/'s job, never a unit test's */
	check_tree(dir, END_MS - DAYS * MS_PER_DAY, &s);

	distinct = distinct_requests(&s.usage, &streamed);
	nproj = count_distinct(&s.encs);
	print_message("%zu sessions, %zu subagents, %zu lines, %zu requests (%zu streamed), "
		      "%zu projects\n", s.sessions, s.subagents, s.lines, distinct, streamed, nproj);
	assert_true(distinct >= TARGET * 8 / 10 && distinct <= TARGET * 12 / 10);
	assert_true(streamed > distinct / 4);
	assert_true(nproj >= 5 && nproj <= 6);
	assert_true(s.sessions >= 40);
	assert_true(s.subagents >= 1);
	assert_int_equal(s.metas, s.subagents);
	assert_true(s.summaries >= 1 && s.snapshots >= 1 && s.systems >= 1);
	assert_true(s.sonnet && s.opus45 && s.opus47 && s.haiku);
	/* the last session ends minutes before end_ms: an active 5-hour block */
	assert_true(s.max_ts > END_MS - 15 * 60000LL);

	/* tool_use ids are unique and each has exactly one tool_result */
	sl_sort(&s.tool_uses);
	sl_sort(&s.tool_results);
	assert_true(s.tool_uses.n > 1000);
	assert_int_equal(s.tool_uses.n, s.tool_results.n);
	for (size_t i = 0; i < s.tool_uses.n; i++) {
		assert_string_equal(s.tool_uses.v[i], s.tool_results.v[i]);
		if (i)
			assert_true(strcmp(s.tool_uses.v[i - 1], s.tool_uses.v[i]) != 0);
	}
	seen_free(&s);
	rm_rf(dir);
}

/* Asserts both trees hold the same files with the same bytes. */
static void assert_same_tree(const char *a, const char *b)
{
	struct slist fa = { 0 }, fb = { 0 };
	char pa[4096], pb[4096];

	list_files(a, &fa);
	list_files(b, &fb);
	assert_int_equal(fa.n, fb.n);
	for (size_t i = 0; i < fa.n; i++) {
		size_t na, nb;
		char *ca, *cb;
		assert_string_equal(fa.v[i], fb.v[i]);
		snprintf(pa, sizeof(pa), "%s/%s", a, fa.v[i]);
		snprintf(pb, sizeof(pb), "%s/%s", b, fb.v[i]);
		ca = slurp(pa, &na);
		cb = slurp(pb, &nb);
		assert_int_equal(na, nb);
		assert_memory_equal(ca, cb, na);
		free(ca);
		free(cb);
	}
	sl_free(&fa);
	sl_free(&fb);
}

static void test_deterministic(void **st)
{
	struct demo_opts o = opts(7, 30, 2000), o2 = opts(8, 30, 2000);
	struct slist fa = { 0 }, fc = { 0 };
	char a[64], b[64], c[64];
	bool differ;

	(void)st;
	make_tmp(a);
	make_tmp(b);
	make_tmp(c);
	gen_ms(a, &o);
	gen_ms(b, &o);
	assert_same_tree(a, b);
	gen_ms(c, &o2); /* another seed gives another history */
	list_files(a, &fa);
	list_files(c, &fc);
	differ = fa.n != fc.n;
	for (size_t i = 0; !differ && i < fa.n; i++)
		differ = strcmp(fa.v[i], fc.v[i]) != 0;
	assert_true(differ);
	sl_free(&fa);
	sl_free(&fc);
	rm_rf(a);
	rm_rf(b);
	rm_rf(c);
}

static void test_rerun_replaces(void **st)
{
	struct demo_opts o1 = opts(1, 20, 1500), o2 = opts(2, 10, 800);
	char a[64], b[64], keep[128];
	FILE *f;

	(void)st;
	make_tmp(a);
	make_tmp(b);
	gen_ms(a, &o1);
	gen_ms(a, &o2); /* replaces the first run completely */
	gen_ms(b, &o2);
	assert_same_tree(a, b);

	/* files that are not transcripts survive a rerun */
	snprintf(keep, sizeof(keep), "%s/projects/notes.txt", a);
	assert_non_null(f = fopen(keep, "w"));
	fclose(f);
	gen_ms(a, &o1);
	assert_int_equal(access(keep, F_OK), 0);
	assert_int_equal(unlink(keep), 0);
	gen_ms(a, &o2);
	assert_same_tree(a, b);
	rm_rf(a);
	rm_rf(b);
}

static void test_small_history(void **st)
{
	struct demo_opts o = opts(99, 3, 200);
	struct seen s;
	size_t distinct, streamed;
	char dir[64];

	(void)st;
	memset(&s, 0, sizeof(s));
	make_tmp(dir);
	gen_ms(dir, &o);
	check_tree(dir, END_MS - 3 * MS_PER_DAY, &s);
	distinct = distinct_requests(&s.usage, &streamed);
	assert_true(distinct >= 160 && distinct <= 240);
	assert_true(s.max_ts > END_MS - 15 * 60000LL);
	seen_free(&s);
	rm_rf(dir);
}

static void test_refuses_foreign_dir(void **st)
{
	struct demo_opts o = opts(1, 5, 100);
	struct aiu_err err = { 0 };
	char dir[64], path[128];
	FILE *f;

	(void)st;
	make_tmp(dir);
	snprintf(path, sizeof(path), "%s/projects", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/projects/real-session.jsonl", dir);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	assert_int_equal(demo_generate(dir, &o, &err), AIU_EARG);
	assert_non_null(strstr(err.msg, "projects"));
	assert_int_equal(access(path, F_OK), 0);
	rm_rf(dir);
}

static void test_bad_args(void **st)
{
	struct demo_opts o = opts(1, 0, 100);
	struct aiu_err err = { 0 };
	(void)st;
	assert_int_equal(demo_generate("/tmp/aiu-demo-never", &o, &err), AIU_EARG);
	assert_true(err.msg[0] != '\0');
	o = opts(1, 5, 0);
	assert_int_equal(demo_generate("/tmp/aiu-demo-never", &o, &err), AIU_EARG);
	o = opts(1, 5, 100);
	assert_int_equal(demo_generate(NULL, &o, &err), AIU_EARG);
	assert_int_equal(access("/tmp/aiu-demo-never", F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_and_content),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_rerun_replaces),
		cmocka_unit_test(test_small_history),
		cmocka_unit_test(test_refuses_foreign_dir),
		cmocka_unit_test(test_bad_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
