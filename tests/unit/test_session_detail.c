/* test_session_detail.c - session messages read back from a synced copy of
 * a corpus session that has a subagent transcript: numbers from the store,
 * text from the files (streamed blocks joined), paging, the content cap, and
 * a deleted transcript (numbers stay, content_available=false). The
 * expectations are computed here from the transcript files with jansson. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/pricing.h"
#include "ingest/cc_sync.h"
#include "query/session_detail.h"
#include "store/store.h"
#include "store/store_sqlite.h"
#include <sqlite3.h>

#define SESS "29ccd257-68b1-427f-ae5f-6524b7cb6f20"
#define PROJ "-src-experiments-claude_p"

struct fx {
	char dir[64], db[128], main_file[256], agent_file[256];
	struct store *s;
	struct pricing p;
	struct aiu_err err;
};

/* Runs a shell command built from a literal format. */
#define SH(...) ({ char cmd_[1024]; snprintf(cmd_, sizeof(cmd_), __VA_ARGS__); system(cmd_); })

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *corpus = getenv("AIU_CORPUS");
	char src[512], projects[128];
	const char *dirs[1];
	struct cc_sync_opts o;
	struct cc_sync_result res;

	if (!corpus)
		corpus = "../shared/corpus";
	snprintf(f->dir, sizeof(f->dir), "/tmp/aiu-sd-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(projects, sizeof(projects), "%s/projects", f->dir);
	snprintf(src, sizeof(src), "%s/claude-code/projects/" PROJ, corpus);
	assert_int_equal(SH("mkdir -p '%s'", projects), 0);
	assert_int_equal(SH("cp -R '%s' '%s/'", src, projects), 0);
	snprintf(f->main_file, sizeof(f->main_file), "%s/" PROJ "/" SESS ".jsonl", projects);
	snprintf(f->agent_file, sizeof(f->agent_file), "%s/" PROJ "/" SESS "/subagents/agent-a2271d1.jsonl",
		 projects);
	assert_int_equal(access(f->main_file, R_OK), 0);
	assert_int_equal(access(f->agent_file, R_OK), 0);
	snprintf(f->db, sizeof(f->db), "%s/aiu.db", f->dir);
	assert_int_equal(store_open(f->db, &f->s, &f->err), 0);
	assert_int_equal(pricing_load(&f->p, NULL, &f->err), 0);
	memset(&o, 0, sizeof(o));
	dirs[0] = projects;
	o.dirs = dirs;
	o.ndirs = 1;
	assert_int_equal(cc_sync(f->s, &o, &res, &f->err), 0);
	assert_true(res.st.usage_new > 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->s);
	pricing_free(&f->p);
	SH("rm -rf '%s'", f->dir);
	free(f);
	return 0;
}

static int64_t count(struct fx *f, const char *sql)
{
	sqlite3 *db = store_sqlite_handle(f->s);
	sqlite3_stmt *st;
	int64_t v = -1;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, SESS, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Calls fn on every parsed line of a transcript. */
static void each_line(const char *path, void (*fn)(json_t *r, void *ctx), void *ctx)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	assert_non_null(fp);
	while ((n = getline(&line, &cap, fp)) > 0) {
		json_error_t je;
		json_t *r = json_loadb(line, (size_t)n, 0, &je);
		if (r)
			fn(r, ctx);
		json_decref(r);
	}
	free(line);
	fclose(fp);
}

struct expect {
	const struct sd_list *l;
	int checked_blocks, checked_prompts;
	int multi_line_ids;     /* assistant ids seen on more than one line */
	char last_id[128];
};

static const struct sd_message *find(const struct sd_list *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].id, id) == 0)
			return &l->v[i];
	return NULL;
}

/* Every text block of every line of a listed request appears in its
 * content; every listed string prompt is its content exactly. */
static void check_line(json_t *r, void *ctx)
{
	struct expect *x = ctx;
	const char *type = json_string_value(json_object_get(r, "type"));
	json_t *msg = json_object_get(r, "message"), *content = json_object_get(msg, "content");
	const struct sd_message *m;
	size_t i;
	json_t *blk;

	if (type && strcmp(type, "assistant") == 0) {
		const char *id = json_string_value(json_object_get(msg, "id"));
		if (!id || !(m = find(x->l, id)))
			return;
		if (strcmp(x->last_id, id) == 0)
			x->multi_line_ids++;
		snprintf(x->last_id, sizeof(x->last_id), "%s", id);
		assert_true(m->content_available);
		json_array_foreach(content, i, blk) {
			const char *t = json_string_value(json_object_get(blk, "text"));
			const char *bt = json_string_value(json_object_get(blk, "type"));
			if (!t || !bt || strcmp(bt, "text") != 0)
				continue;
			assert_non_null(strstr(m->content, t));
			x->checked_blocks++;
		}
	} else if (type && strcmp(type, "user") == 0 && json_is_string(content)) {
		const char *uuid = json_string_value(json_object_get(r, "uuid"));
		if (!uuid || !(m = find(x->l, uuid)))
			return;
		assert_string_equal(m->role, "user");
		assert_true(m->content_available);
		assert_string_equal(m->content, json_string_value(content));
		x->checked_prompts++;
	}
}

static void get(struct fx *f, size_t cap, int64_t off, int64_t lim, struct sd_list *l)
{
	bool found = false;
	assert_int_equal(session_detail_messages(f->s, &f->p, SESS, cap, off, lim, l, &found, &f->err), 0);
	assert_true(found);
}

static void test_messages_and_text(void **state)
{
	struct fx *f = *state;
	struct sd_list l;
	struct expect x;
	int64_t nreq = count(f, "SELECT count(*) FROM usage WHERE session_id = (SELECT id FROM sessions WHERE uuid = ?1)");
	int64_t nmsg = count(f, "SELECT count(*) FROM messages WHERE session_id = (SELECT id FROM sessions WHERE uuid = ?1)");
	int64_t out_sum = 0, asst = 0;

	get(f, 0, 0, -1, &l);
	assert_true(nreq > 0 && nmsg > 0);
	assert_int_equal(l.total, nreq + nmsg);
	assert_int_equal((int64_t)l.n, l.total);
	for (size_t i = 0; i < l.n; i++) {
		if (i)
			assert_true(l.v[i - 1].ts_ms <= l.v[i].ts_ms);
		if (strcmp(l.v[i].role, "assistant") == 0) {
			asst++;
			out_sum += l.v[i].t.output;
			assert_non_null(l.v[i].model);
		} else {
			assert_int_equal(l.v[i].cost_nano, 0);
		}
	}
	assert_int_equal(asst, nreq);
	assert_int_equal(out_sum, count(f, "SELECT sum(output) FROM usage WHERE session_id = (SELECT id FROM sessions WHERE uuid = ?1)"));
	memset(&x, 0, sizeof(x));
	x.l = &l;
	each_line(f->main_file, check_line, &x);
	each_line(f->agent_file, check_line, &x); /* the subagent joins its parent session */
	assert_true(x.checked_blocks > 0);
	assert_true(x.checked_prompts > 0);
	assert_true(x.multi_line_ids > 0); /* streamed requests were joined */
	sd_list_free(&l);
}

static void test_paging_and_cap(void **state)
{
	struct fx *f = *state;
	struct sd_list all, page, capped;
	bool found = true;

	get(f, 0, 0, -1, &all);
	get(f, 0, 2, 3, &page);
	assert_int_equal(page.total, all.total);
	assert_int_equal(page.n, 3);
	for (size_t i = 0; i < page.n; i++) {
		assert_string_equal(page.v[i].id, all.v[i + 2].id);
		assert_string_equal(page.v[i].content, all.v[i + 2].content);
	}
	get(f, 16, 0, -1, &capped);
	for (size_t i = 0; i < capped.n; i++) {
		size_t full = strlen(all.v[i].content), n = strlen(capped.v[i].content);
		assert_true(n <= 16);
		assert_int_equal(capped.v[i].truncated, full > 16);
		assert_memory_equal(capped.v[i].content, all.v[i].content, n);
		if (n) /* never ends inside a UTF-8 sequence */
			assert_true(n == full || ((unsigned char)all.v[i].content[n] & 0xC0) != 0x80);
	}
	sd_list_free(&all);
	sd_list_free(&page);
	sd_list_free(&capped);
	get(f, 0, 1000000, 10, &page);
	assert_int_equal(page.n, 0);
	assert_true(page.total > 0);
	sd_list_free(&page);
	assert_int_equal(session_detail_messages(f->s, &f->p, "no-such-session", 0, 0, 10, &page,
						 &found, &f->err), 0);
	assert_false(found);
}

static void test_deleted_transcript(void **state)
{
	struct fx *f = *state;
	struct sd_list before, after;
	size_t gone = 0, kept = 0;

	get(f, 0, 0, -1, &before);
	assert_int_equal(unlink(f->main_file), 0);
	get(f, 0, 0, -1, &after);
	assert_int_equal(after.total, before.total);
	for (size_t i = 0; i < after.n; i++) {
		assert_int_equal(after.v[i].t.input, before.v[i].t.input);
		assert_int_equal(after.v[i].t.output, before.v[i].t.output);
		assert_int_equal(after.v[i].cost_nano, before.v[i].cost_nano);
		if (after.v[i].content_available) {
			kept++; /* from the subagent transcript, still there */
			assert_string_equal(after.v[i].content, before.v[i].content);
		} else {
			gone++;
			assert_string_equal(after.v[i].content, "");
		}
	}
	assert_true(gone > 0 && kept > 0);
	sd_list_free(&before);
	sd_list_free(&after);
}

static void test_rewritten_transcript(void **state)
{
	struct fx *f = *state;
	struct sd_list l;
	FILE *fp;
	size_t avail = 0;

	/* same path, different first bytes: not what was ingested */
	assert_non_null(fp = fopen(f->agent_file, "r+"));
	fputs("{\"type\":\"x\"}     ", fp);
	fclose(fp);
	assert_int_equal(unlink(f->main_file), 0);
	get(f, 0, 0, -1, &l);
	for (size_t i = 0; i < l.n; i++)
		avail += l.v[i].content_available;
	assert_int_equal(avail, 0);
	assert_true(l.n > 0);
	sd_list_free(&l);
}

/* A transcript over the whole-file limit: the text is read from a window
 * around the rows, starting mid-line; a streamed request over three lines
 * (blocks on different lines) is joined, a prompt is read at its range. */
static void test_big_transcript(void **state)
{
	struct fx *f = *state;
	char dir[256], path[300];
	const char *dirs[1];
	struct cc_sync_opts o;
	struct cc_sync_result res;
	struct sd_list l;
	bool found = false;
	FILE *fp;
	static char pad[4096];

	snprintf(dir, sizeof(dir), "%s/projects/-big", f->dir);
	assert_int_equal(SH("mkdir -p '%s'", dir), 0);
	snprintf(path, sizeof(path), "%s/big-1.jsonl", dir);
	assert_non_null(fp = fopen(path, "w"));
	memset(pad, 'x', sizeof(pad) - 1);
	for (int i = 0; i < 2600; i++) /* ~10 MiB of lines that count for nothing */
		fprintf(fp, "{\"type\":\"summary\",\"summary\":\"%s\"}\n", pad);
	fputs("{\"type\":\"user\",\"sessionId\":\"big-1\",\"uuid\":\"big-u1\",\"cwd\":\"/b\","
	      "\"timestamp\":\"2025-05-01T10:00:00.000Z\",\"message\":{\"role\":\"user\","
	      "\"content\":\"caf\u00e9 question\"}}\n", fp);
	for (int i = 0; i < 3; i++)
		fprintf(fp, "{\"type\":\"assistant\",\"sessionId\":\"big-1\",\"uuid\":\"big-a%d\","
			"\"cwd\":\"/b\",\"requestId\":\"req_big\",\"timestamp\":\"2025-05-01T10:00:0%d.000Z\","
			"\"message\":{\"id\":\"msg_big\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
			"\"content\":[{\"type\":\"%s\",\"%s\":\"part %d\"}],\"usage\":{\"input_tokens\":3,"
			"\"output_tokens\":%d}}}\n", i, i + 1, i == 1 ? "thinking" : "text",
			i == 1 ? "thinking" : "text", i, 5 + i);
	fclose(fp);
	memset(&o, 0, sizeof(o));
	dirs[0] = dir;
	o.dirs = dirs;
	o.ndirs = 1;
	assert_int_equal(cc_sync(f->s, &o, &res, &f->err), 0);
	assert_int_equal(session_detail_messages(f->s, &f->p, "big-1", 0, 0, -1, &l, &found, &f->err), 0);
	assert_true(found);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].role, "user");
	assert_string_equal(l.v[0].id, "big-u1");
	assert_string_equal(l.v[0].content, "caf\xc3\xa9 question");
	assert_string_equal(l.v[1].role, "assistant");
	assert_string_equal(l.v[1].id, "msg_big");
	assert_true(l.v[1].content_available);
	assert_string_equal(l.v[1].content, "part 0\n\npart 2"); /* thinking is not text */
	assert_int_equal(l.v[1].t.output, 7); /* the largest of the streamed lines */
	assert_true(l.v[1].cost_nano > 0);
	assert_false(l.v[1].unpriced);
	sd_list_free(&l);
	/* cut inside the two-byte e-acute: never half a character */
	assert_int_equal(session_detail_messages(f->s, &f->p, "big-1", 4, 0, 1, &l, &found, &f->err), 0);
	assert_string_equal(l.v[0].content, "caf");
	assert_true(l.v[0].truncated);
	sd_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_messages_and_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paging_and_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_transcript, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rewritten_transcript, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_transcript, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
