/* cc_sync.c - see cc_sync.h.
 *
 * A sync has three steps:
 *   1. plan (this thread): discover files, compare each with its stored
 *      state, decide where reading starts (skip / append / restart);
 *   2. read + parse (the cc_pipe producer thread): stream new complete lines
 *      and turn them into records, in batches;
 *   3. apply (this thread): write batches through cc_apply, committing a
 *      file's rows and its new offset together.
 */
#include "ingest/cc_sync.h"
#include "core/kmap.h"
#include "ingest/cc_discover.h"
#include "ingest/cc_pipe.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define COMMIT_BYTES_DEFAULT ((int64_t)1 << 30)

/* What the planner decided for one changed file. */
struct plan {
	const struct cc_file *cf;
	struct file_state fs;    /* stored state, updated as batches land */
	bool restart;            /* read again from 0 */
	bool begun;              /* file row written in the current run */
	int64_t dev, ino, size, mtime_ns, head_len;
	uint64_t head_hash;
};

struct sync_ctx {
	struct store *s;
	const struct cc_sync_opts *o;
	struct cc_sync_result *res;
	struct cc_apply ap;
	bool in_txn;
	int64_t since_commit;
	bool tty;
	int64_t total_bytes, done_bytes, files_done;
	struct timespec last_draw;
	double t_apply, t_commit;  /* diagnostics (AIUSAGE_DEBUG) */
};

static double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress(struct sync_ctx *c, bool final)
{
	struct timespec now;
	double pct;
	char bar[32];
	int w = 30, fill;

	if (!c->tty || c->total_bytes < (16 << 20))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!final && (now.tv_sec - c->last_draw.tv_sec) * 1000 +
	    (now.tv_nsec - c->last_draw.tv_nsec) / 1000000 < 100)
		return;
	c->last_draw = now;
	pct = 100.0 * (double)c->done_bytes / (double)c->total_bytes;
	if (pct > 100)
		pct = 100;
	fill = (int)(pct * w / 100);
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '.', (size_t)(w - fill));
	bar[w] = '\0';
	fprintf(stderr, "\rsync [%s] %3.0f%%  %lld/%lld MiB", bar, pct,
		(long long)(c->done_bytes >> 20), (long long)(c->total_bytes >> 20));
	if (final)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

static void report_progress(struct sync_ctx *c)
{
	struct cc_sync_progress p;
	if (!c->o->on_progress)
		return;
	p.files_done = c->files_done;
	p.files_total = c->res->files_changed;
	p.bytes_done = c->done_bytes;
	p.bytes_total = c->total_bytes;
	c->o->on_progress(c->o->progress_ctx, &p);
}

static int begin(struct sync_ctx *c, struct aiu_err *err)
{
	int rc;
	if (c->in_txn)
		return AIU_OK;
	if ((rc = store_begin(c->s, err)) < 0)
		return rc;
	c->in_txn = true;
	c->since_commit = 0;
	return AIU_OK;
}

static int commit(struct sync_ctx *c, struct aiu_err *err)
{
	int rc;
	double t0 = mono_now();
	if (!c->in_txn)
		return AIU_OK;
	if ((rc = cc_apply_flush(&c->ap, err)) < 0 || (rc = store_commit(c->s, err)) < 0)
		return rc;
	c->in_txn = false;
	c->t_commit += mono_now() - t0;
	return AIU_OK;
}

static void rollback(struct sync_ctx *c)
{
	if (!c->in_txn)
		return;
	store_rollback(c->s);
	cc_apply_abort(&c->ap);
	c->in_txn = false;
}

int cc_head_hash(int fd, int64_t n, uint64_t *out)
{
	char b[CC_HEAD_BYTES];
	ssize_t got;
	if (n < 0 || n > CC_HEAD_BYTES)
		return AIU_EIO;
	got = n > 0 ? pread(fd, b, (size_t)n, 0) : 0;
	if (got < 0 || got != n)
		return AIU_EIO;
	*out = hash64(b, (size_t)n);
	return AIU_OK;
}

/* Step 1 for one file: is there anything to read, and from where?
 * Returns 1 if the file needs work (plan filled), 0 if not. */
static int plan_file(struct sync_ctx *c, const struct cc_file *cf, struct plan *pl,
		     struct aiu_err *err)
{
	struct stat st;
	bool found;
	int fd, rc;
	uint64_t hh;

	memset(pl, 0, sizeof(*pl));
	pl->cf = cf;
	if ((rc = c->s->ops->file_get(c->s, cf->path, &pl->fs, &found, err)) < 0)
		return rc;
	if ((fd = open(cf->path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		file_state_release(&pl->fs);
		return 0; /* vanished since discovery: keep its history */
	}
	pl->dev = (int64_t)st.st_dev;
	pl->ino = (int64_t)st.st_ino;
	pl->size = (int64_t)st.st_size;
	pl->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	if (found && !c->o->full && pl->fs.dev == pl->dev && pl->fs.ino == pl->ino &&
	    pl->fs.size == pl->size && pl->fs.mtime_ns == pl->mtime_ns) {
		close(fd);
		file_state_release(&pl->fs);
		return 0; /* unchanged: not even opened again */
	}
	if (found && (pl->fs.dev != pl->dev || pl->fs.ino != pl->ino || pl->size < pl->fs.offset ||
		      pl->size < pl->fs.head_len || cc_head_hash(fd, pl->fs.head_len, &hh) < 0 ||
		      hh != pl->fs.head_hash))
		pl->restart = true; /* truncated, replaced or rewritten */
	if (found && c->o->full)
		pl->restart = true; /* incremental=false: everything again */
	pl->head_len = pl->size < CC_HEAD_BYTES ? pl->size : CC_HEAD_BYTES;
	rc = cc_head_hash(fd, pl->head_len, &pl->head_hash);
	close(fd);
	if (rc < 0) {
		file_state_release(&pl->fs);
		return 0; /* shrank under us: next sync */
	}
	if (!found && !(pl->fs.path = strdup(cf->path))) {
		file_state_release(&pl->fs);
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	}
	if (pl->restart) {
		pl->fs.offset = 0;
		pl->fs.line_no = 0;
	}
	return 1;
}

/* First batch of a file: record its identity and reset a restarted file.
 * Size and mtime are recorded only once the file has been read to its end
 * (see file_done): a file committed half-way must be planned again. */
static int file_begin(struct sync_ctx *c, struct plan *pl, struct aiu_err *err)
{
	int rc;
	if (pl->restart) {
		c->res->files_restarted++;
		pl->fs.bad_lines = 0;
		if (pl->fs.id && (rc = c->s->ops->bad_lines_clear(c->s, pl->fs.id, err)) < 0)
			return rc;
	}
	if (pl->cf->agent_type && !pl->fs.agent_type)
		pl->fs.agent_type = strdup(pl->cf->agent_type);
	pl->fs.dev = pl->dev;
	pl->fs.ino = pl->ino;
	if (pl->restart)
		pl->fs.size = pl->fs.mtime_ns = 0;
	pl->fs.head_hash = pl->head_hash;
	pl->fs.head_len = pl->head_len;
	pl->begun = true;
	return c->s->ops->file_put(c->s, &pl->fs, err);
}

static int apply_batch(struct sync_ctx *c, struct plan *pl, const struct cc_batch *b,
		       struct aiu_err *err)
{
	struct cc_origin org;
	struct cc_record rec;
	int rc;

	memset(&org, 0, sizeof(org));
	org.file_id = pl->fs.id;
	org.session_hint = pl->cf->session_hint;
	org.project_dir = pl->cf->project_dir;
	for (size_t i = 0; i < b->n; i++) {
		const struct cc_item *it = &b->items[i];
		if (it->kind == CC_ITEM_BAD) {
			char full[400];
			if (it->column)
				snprintf(full, sizeof(full), "column %u: %s", it->column, it->msg);
			else
				snprintf(full, sizeof(full), "%s", it->msg);
			pl->fs.bad_lines++;
			c->ap.st.bad_lines++;
			if ((rc = c->s->ops->bad_line_add(c->s, pl->fs.id, it->line_no, it->off, full, err)) < 0)
				return rc;
			continue;
		}
		/* a full struct: the batch holds only n_tools tool slots */
		memcpy(&rec, it->rec, offsetof(struct cc_record, tools) +
		       it->rec->n_tools * sizeof(struct cc_tool));
		org.line_no = it->line_no;
		org.byte_off = it->off;
		org.byte_len = it->len;
		org.ts_min = it->ts_min;
		org.ts_max = it->ts_max;
		if ((rc = cc_apply_record(&c->ap, &rec, &org, err)) < 0)
			return rc;
	}
	c->ap.st.lines += b->end_line - pl->fs.line_no;
	pl->fs.offset = b->end_off;
	pl->fs.line_no = b->end_line;
	c->res->scanner_fallbacks += b->fallbacks;
	c->res->bytes += b->bytes;
	c->done_bytes += b->bytes;
	c->since_commit += b->bytes;
	return AIU_OK;
}

/* The store's sync lock; with a cancel flag the wait is a loop of tries
 * so a cancel ends it. 1 = locked, 0 = cancelled, < 0 = error. */
static int take_lock(struct store *s, const struct cc_sync_opts *o, struct aiu_err *err)
{
	int waited = 0, rc;
	if (!o->cancel)
		return (rc = s->ops->sync_lock(s, o->lock_wait_ms, err)) < 0 ? rc : 1;
	for (;;) {
		if (atomic_load(o->cancel))
			return 0;
		if ((rc = s->ops->sync_lock(s, 0, err)) == AIU_OK)
			return 1;
		if (rc != AIU_EBUSY || (o->lock_wait_ms >= 0 && waited >= o->lock_wait_ms))
			return rc;
		usleep(50 * 1000);
		waited += 50;
	}
}

int cc_sync(struct store *s, const struct cc_sync_opts *o, struct cc_sync_result *res,
	    struct aiu_err *err)
{
	struct sync_ctx c;
	struct cc_file_list fl;
	struct plan *plans = NULL;
	struct cc_job *jobs = NULL;
	struct cc_pipe pipe;
	struct cc_sync_opts opts = *o;
	size_t nplans = 0;
	bool pipe_on = false, empty = false, locked = false, bulk = false;
	double t0 = mono_now();
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	memset(&fl, 0, sizeof(fl));
	if (!opts.commit_bytes)
		opts.commit_bytes = COMMIT_BYTES_DEFAULT;
	if (!opts.max_line)
		opts.max_line = CC_MAX_LINE_DEFAULT;
	c.s = s;
	c.o = &opts;
	c.res = res;
	cc_apply_init(&c.ap, s);
	/* One sync at a time per store: planning must see the state that the
	 * writes will change, and the first-sync shortcut needs an empty store
	 * that nobody else fills meanwhile. */
	if ((rc = take_lock(s, o, err)) <= 0) {
		if (rc == 0)
			res->cancelled = true; /* cancelled while waiting: nothing done */
		goto out;
	}
	rc = AIU_OK;
	locked = true;
	if ((rc = cc_discover(o->dirs, o->ndirs, &fl, err)) < 0)
		goto out;
	res->roots = (int64_t)fl.nroots;
	res->files = (int64_t)fl.n;
	if ((rc = s->ops->usage_empty(s, &empty, err)) < 0)
		goto out;
	cc_apply_set_fresh(&c.ap, empty);
	/* a first sync takes the fast path; any other returns to normal mode
	 * first (a no-op unless a first sync was killed half-way) */
	s->ops->bulk_mode(s, empty);
	bulk = empty;

	/* 1. plan */
	plans = calloc(fl.n ? fl.n : 1, sizeof(*plans));
	jobs = calloc(fl.n ? fl.n : 1, sizeof(*jobs));
	if (!plans || !jobs) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < fl.n; i++) {
		if ((rc = plan_file(&c, &fl.v[i], &plans[nplans], err)) < 0)
			goto out;
		if (rc == 0)
			continue;
		jobs[nplans].path = plans[nplans].cf->path;
		jobs[nplans].offset = plans[nplans].fs.offset;
		jobs[nplans].line_no = plans[nplans].fs.line_no;
		c.total_bytes += plans[nplans].size - plans[nplans].fs.offset;
		nplans++;
	}
	rc = AIU_OK;
	res->files_changed = (int64_t)nplans;
	report_progress(&c);
	if (!nplans)
		goto out;
	c.tty = o->progress && isatty(2);

	/* 2 + 3. read/parse on the producer thread, apply here */
	if ((rc = cc_pipe_start(&pipe, jobs, nplans, opts.max_line, opts.readers ? opts.readers : 2)) < 0) {
		aiu_errf(err, rc, "cannot start the reader thread");
		goto out;
	}
	pipe_on = true;
	for (;;) {
		struct cc_batch *b = cc_pipe_pop(&pipe);
		struct plan *pl;
		double t_a;
		bool eof;
		if (!b)
			break;
		pl = &plans[b->file];
		t_a = mono_now();
		if ((rc = begin(&c, err)) < 0 || (!pl->begun && (rc = file_begin(&c, pl, err)) < 0) ||
		    (rc = apply_batch(&c, pl, b, err)) < 0) {
			cc_batch_free(b);
			goto out;
		}
		c.t_apply += mono_now() - t_a;
		if (b->read_err) /* keep what was read; the rest waits for next time */
			fprintf(stderr, "aiusage: %s\n", b->errmsg);
		if (b->eof && !b->read_err) {
			/* read to the end: what we saw *before* reading is now
			 * consumed (growth during the read is picked up next time) */
			pl->fs.size = pl->size;
			pl->fs.mtime_ns = pl->mtime_ns;
		}
		if ((b->eof || c.since_commit >= opts.commit_bytes) &&
		    (rc = s->ops->file_put(s, &pl->fs, err)) < 0) {
			cc_batch_free(b);
			goto out;
		}
		eof = b->eof;
		if (eof)
			c.files_done++;
		cc_pipe_recycle(&pipe, b);
		if (c.since_commit >= opts.commit_bytes && (rc = commit(&c, err)) < 0)
			goto out;
		progress(&c, false);
		report_progress(&c);
		if (o->cancel && atomic_load(o->cancel)) {
			/* stop between batches: what was applied commits with the
			 * offsets it reached, the rest waits for the next sync */
			if (!eof && pl->begun && (rc = s->ops->file_put(s, &pl->fs, err)) < 0)
				goto out;
			res->cancelled = true;
			break;
		}
	}
	if (pipe.fatal) {
		rc = aiu_errf(err, pipe.fatal, "reading transcripts: %s", aiu_strerror(pipe.fatal));
		goto out;
	}
	rc = commit(&c, err);
	progress(&c, true);
	if (getenv("AIUSAGE_DEBUG"))
		fprintf(stderr, "aiusage: pipe: %zu readers blocked %.3f s, writer idle %.3f s,"
			" applying %.3f s, committing %.3f s\n", pipe.nworkers,
			pipe.workers[0].wait_push + pipe.workers[1].wait_push, pipe.wait_pop,
			c.t_apply, c.t_commit);
out:
	if (pipe_on)
		cc_pipe_finish(&pipe);
	if (rc < 0)
		rollback(&c);
	if (bulk)
		s->ops->bulk_mode(s, false);
	if (locked)
		s->ops->sync_unlock(s);
	res->st = c.ap.st;
	res->seconds = mono_now() - t0;
	for (size_t i = 0; i < nplans; i++)
		file_state_release(&plans[i].fs);
	free(plans);
	free(jobs);
	cc_file_list_free(&fl);
	cc_apply_release(&c.ap);
	return rc;
}
