/* test_sync_job.c - the preview (reasons, pending bytes, estimates, writes
 * nothing), the sync job's state machine (start, 409-style busy, coalesced
 * requests, reset, cancel while waiting for the cross-process lock) and a
 * sync cancelled between batches (committed work stays; a re-run converges
 * to the same store as an uninterrupted sync). Runs on copies of the corpus
 * projects tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/kmap.h"
#include "core/strutil.h"
#include "ingest/cc_preview.h"
#include "ingest/cc_sync.h"
#include "ingest/sync_job.h"
#include "store/store.h"
#include "store/store_sqlite.h"
#include <sqlite3.h>

#define SH(...) ({ char cmd_[2048]; snprintf(cmd_, sizeof(cmd_), __VA_ARGS__); system(cmd_); })
#define TARGET "/sample-project/fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl"

struct fx {
	char dir[64], proj[128], db[128], ref_db[128];
	struct store *s;
	struct aiu_err err;
	int64_t nfiles;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *corpus = getenv("AIU_CORPUS");
	char cnt[256];
	FILE *p;
	if (!corpus)
		corpus = "../shared/corpus";
	snprintf(f->dir, sizeof(f->dir), "/tmp/aiu-job-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->proj, sizeof(f->proj), "%s/projects", f->dir);
	assert_int_equal(SH("cp -R '%s/claude-code/projects' '%s/'", corpus, f->dir), 0);
	snprintf(f->db, sizeof(f->db), "%s/s.db", f->dir);
	snprintf(f->ref_db, sizeof(f->ref_db), "%s/ref.db", f->dir);
	snprintf(cnt, sizeof(cnt), "find '%s' -name '*.jsonl' | wc -l", f->proj);
	assert_non_null(p = popen(cnt, "r"));
	assert_non_null(fgets(cnt, sizeof(cnt), p));
	pclose(p);
	cnt[strcspn(cnt, " \n")] = '\0';
	assert_int_equal(parse_i64_range(cnt, 1, 100000, &f->nfiles), 0);
	assert_int_equal(store_open(f->db, &f->s, &f->err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->s);
	SH("rm -rf '%s'", f->dir);
	free(f);
	return 0;
}

static void sync_into(struct store *s, const char *dir, struct cc_sync_result *res)
{
	const char *dirs[1] = { dir };
	struct cc_sync_opts o;
	struct aiu_err err = { 0 };
	memset(&o, 0, sizeof(o));
	o.dirs = dirs;
	o.ndirs = 1;
	assert_int_equal(cc_sync(s, &o, res, &err), 0);
}

static void preview(struct fx *f, bool full, struct cc_preview *p)
{
	const char *dirs[1] = { f->proj };
	struct cc_sync_opts o;
	memset(&o, 0, sizeof(o));
	o.dirs = dirs;
	o.ndirs = 1;
	o.full = full;
	assert_int_equal(cc_preview(f->s, &o, p, &f->err), 0);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *b;
	long len;
	*n = 0;
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	b = malloc((size_t)len + 1);
	*n = fread(b, 1, (size_t)len, fp);
	fclose(fp);
	return b;
}

static bool same_file(const char *path, const char *snap, size_t n)
{
	size_t m;
	char *now = slurp(path, &m);
	bool same = (!now && !snap) || (now && snap && m == n && memcmp(now, snap, n) == 0);
	free(now);
	return same;
}

static int64_t q1(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	assert_int_equal(sqlite3_prepare_v2(store_sqlite_handle(s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The store's content, independent of row ids. */
static void fingerprint(struct store *s, struct buf *b)
{
	static const char *const sql[] = {
		"SELECT count(*) FROM usage", "SELECT coalesce(sum(output), 0) FROM usage",
		"SELECT coalesce(sum(input + cw5m + cw1h + cache_read), 0) FROM usage",
		"SELECT count(*) FROM messages", "SELECT count(*) FROM sessions",
		"SELECT coalesce(sum(n), 0) FROM rollup_usage", "SELECT coalesce(sum(output), 0) FROM rollup_usage",
		"SELECT coalesce(sum(n), 0) FROM rollup_session", "SELECT coalesce(sum(n), 0) FROM rollup_tools",
		"SELECT coalesce(sum(user_msgs), 0) FROM sessions", "SELECT count(*) FROM bad_lines",
	};
	buf_reset(b);
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
		buf_printf(b, "%lld ", (long long)q1(s, sql[i]));
}

static void test_preview(void **state)
{
	struct fx *f = *state;
	struct cc_preview p;
	struct cc_sync_result res;
	char path[256], *snap_db, *snap_wal, wal[160];
	size_t ndb, nwal;
	FILE *fp;
	struct stat st;
	const char *extra = "{\"type\":\"user\",\"sessionId\":\"job-test-1\",\"uuid\":\"jt-u1\","
			    "\"timestamp\":\"2026-01-02T10:00:00.000Z\",\"message\":{\"role\":\"user\","
			    "\"content\":\"hello\"}}\n";

	/* fresh store: every transcript is new */
	preview(f, false, &p);
	assert_int_equal((int64_t)p.n, f->nfiles);
	for (size_t i = 0; i < p.n; i++) {
		assert_int_equal(p.v[i].reason, CC_PENDING_NEW);
		assert_int_equal(stat(p.v[i].path, &st), 0);
		assert_int_equal(p.v[i].pending_bytes, (int64_t)st.st_size);
	}
	sync_into(f->s, f->proj, &res);
	/* the estimates are close to what the sync found (they are estimates) */
	assert_int_equal(p.est_new_sessions, res.st.sessions_new);
	assert_true(p.est_new_messages >= cc_sync_messages_added(&res) * 9 / 10 &&
		    p.est_new_messages <= cc_sync_messages_added(&res) * 11 / 10);
	cc_preview_free(&p);

	/* nothing pending after a sync; a grown file; preview writes nothing */
	preview(f, false, &p);
	assert_int_equal(p.n, 0);
	cc_preview_free(&p);
	snprintf(path, sizeof(path), "%s" TARGET, f->proj);
	assert_non_null(fp = fopen(path, "a"));
	fputs(extra, fp);
	fclose(fp);
	snprintf(wal, sizeof(wal), "%s-wal", f->db);
	snap_db = slurp(f->db, &ndb);
	snap_wal = slurp(wal, &nwal);
	preview(f, false, &p);
	assert_true(same_file(f->db, snap_db, ndb));
	assert_true(same_file(wal, snap_wal, nwal));
	free(snap_db);
	free(snap_wal);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.v[0].path, path);
	assert_int_equal(p.v[0].reason, CC_PENDING_GROWN);
	assert_int_equal(p.v[0].pending_bytes, (int64_t)strlen(extra));
	assert_int_equal(p.v[0].est_messages, 1);
	assert_int_equal(p.est_new_sessions, 1);
	cc_preview_free(&p);

	/* a different first KiB: rewritten, read again from 0 */
	assert_non_null(fp = fopen(path, "r+"));
	fputs("{\"type\":\"summary\"}   ", fp);
	fclose(fp);
	preview(f, false, &p);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.v[0].reason, CC_PENDING_REWRITTEN);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(p.v[0].pending_bytes, (int64_t)st.st_size);
	cc_preview_free(&p);

	/* incremental=false: everything would be read again */
	preview(f, true, &p);
	assert_int_equal((int64_t)p.n, f->nfiles);
	for (size_t i = 0; i < p.n; i++)
		assert_int_equal(p.v[i].reason, CC_PENDING_REWRITTEN);
	cc_preview_free(&p);
}

static void job_opts(struct fx *f, struct sync_job_opts *o, const char **dirs)
{
	memset(o, 0, sizeof(*o));
	dirs[0] = f->proj;
	o->db_path = f->db;
	o->dirs = dirs;
	o->ndirs = 1;
}

static bool is_uuid_v4(const char *s)
{
	if (strlen(s) != 36 || s[8] != '-' || s[13] != '-' || s[14] != '4' || s[18] != '-' || s[23] != '-')
		return false;
	return strchr("89ab", s[19]) != NULL;
}

static void test_job_states(void **state)
{
	struct fx *f = *state;
	struct sync_job *j;
	struct sync_job_opts o;
	struct sync_job_status st;
	struct store *other;
	const char *dirs[1];
	char id[40], id2[40];
	struct aiu_err err = { 0 };

	job_opts(f, &o, dirs);
	assert_int_equal(sync_job_new(&o, &j, &f->err), 0);
	sync_job_status(j, &st);
	assert_false(st.running);
	assert_false(st.has_last);
	assert_string_equal(st.sync_id, "");

	/* a first run */
	assert_int_equal(sync_job_start(j, true, id, sizeof(id), &f->err), 0);
	assert_true(is_uuid_v4(id));
	assert_true(sync_job_wait_idle(j, 60000));
	sync_job_status(j, &st);
	assert_true(st.has_last);
	assert_false(st.last_failed);
	assert_string_equal(st.sync_id, id);
	assert_int_equal(st.last.files_processed, f->nfiles);
	assert_int_equal(st.last.messages_added,
			 q1(f->s, "SELECT count(*) FROM usage") + q1(f->s, "SELECT count(*) FROM messages"));
	assert_int_equal(st.last.sessions_added, q1(f->s, "SELECT count(*) FROM sessions"));
	assert_true(st.last_duration_ms >= 0 && st.last_end_ms >= st.last_start_ms);

	/* another process holds the sync lock: the run waits, visibly running */
	assert_int_equal(store_open(f->db, &other, &err), 0);
	assert_int_equal(other->ops->sync_lock(other, 0, &err), 0);
	assert_int_equal(sync_job_start(j, false, id, sizeof(id), &f->err), 0);
	sync_job_status(j, &st);
	assert_true(st.running);
	assert_int_equal(sync_job_start(j, true, id2, sizeof(id2), &err), AIU_EBUSY);
	assert_int_equal(sync_job_reset(j, &err), AIU_EBUSY);
	sync_job_request(j); /* coalesced: one more run after this one */
	assert_false(sync_job_wait_idle(j, 200));
	other->ops->sync_unlock(other);
	assert_true(sync_job_wait_idle(j, 60000));
	sync_job_status(j, &st);
	assert_int_equal(st.runs, 3);
	assert_false(st.last_failed);
	assert_string_not_equal(st.sync_id, id); /* the queued run got its own id */
	assert_int_equal(st.last.files_processed, 0); /* it found nothing new */

	/* reset: the next run reads every file again, totals unchanged */
	{
		struct buf a, b;
		buf_init(&a, 4096);
		buf_init(&b, 4096);
		fingerprint(f->s, &a);
		assert_int_equal(sync_job_reset(j, &f->err), 0);
		assert_int_equal(sync_job_start(j, true, id, sizeof(id), &f->err), 0);
		assert_true(sync_job_wait_idle(j, 60000));
		sync_job_status(j, &st);
		assert_int_equal(st.last.files_processed, f->nfiles);
		assert_int_equal(st.last.messages_added, 0);
		fingerprint(f->s, &b);
		assert_string_equal(buf_cstr(&a), buf_cstr(&b));
		buf_release(&a);
		buf_release(&b);
	}

	/* shutdown while a run waits for the lock: free cancels it promptly */
	assert_int_equal(other->ops->sync_lock(other, 0, &err), 0);
	assert_int_equal(sync_job_start(j, true, id, sizeof(id), &f->err), 0);
	{
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		sync_job_free(j);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		/* the lock wait gives up after 60 s: well under that means cancelled */
		assert_true(t1.tv_sec - t0.tv_sec < 30);
	}
	other->ops->sync_unlock(other);
	store_close(other);
}

struct cancel_ctx {
	atomic_bool flag;
	int calls;
};

static void cancel_after_first(void *ctx, const struct cc_sync_progress *p)
{
	struct cancel_ctx *c = ctx;
	if (++c->calls >= 3 && p->files_done < p->files_total)
		atomic_store(&c->flag, true);
}

static void test_cancel_between_batches(void **state)
{
	struct fx *f = *state;
	struct store *ref;
	struct cc_sync_result res;
	struct cancel_ctx cc;
	struct cc_sync_opts o;
	const char *dirs[1] = { f->proj };
	struct buf a, b;

	memset(&o, 0, sizeof(o));
	o.dirs = dirs;
	o.ndirs = 1;
	o.commit_bytes = 1; /* commit after every batch */
	o.on_progress = cancel_after_first;
	atomic_init(&cc.flag, false);
	cc.calls = 0;
	o.progress_ctx = &cc;
	o.cancel = &cc.flag;
	assert_int_equal(cc_sync(f->s, &o, &res, &f->err), 0);
	assert_true(res.cancelled);
	assert_true(res.files_changed > 0);
	assert_true(q1(f->s, "SELECT count(*) FROM files") < f->nfiles ||
		    q1(f->s, "SELECT count(*) FROM files WHERE size <= 0") > 0);
	/* consistent as it stands: rollups are the sums of the stored rows */
	assert_int_equal(q1(f->s, "SELECT coalesce(sum(n), 0) FROM rollup_usage"),
			 q1(f->s, "SELECT count(*) FROM usage"));
	/* and a re-run converges to an uninterrupted sync */
	sync_into(f->s, f->proj, &res);
	assert_false(res.cancelled);
	assert_int_equal(store_open(f->ref_db, &ref, &f->err), 0);
	sync_into(ref, f->proj, &res);
	buf_init(&a, 4096);
	buf_init(&b, 4096);
	fingerprint(f->s, &a);
	fingerprint(ref, &b);
	assert_string_equal(buf_cstr(&a), buf_cstr(&b));
	buf_release(&a);
	buf_release(&b);
	store_close(ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_preview, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_states, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_between_batches, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
