/* cc_sync.c - see cc_sync.h. */
#include "ingest/cc_sync.h"
#include "core/kmap.h"
#include "core/timeutil.h"
#include "ingest/cc_discover.h"
#include "ingest/cc_json.h"
#include "ingest/cc_scan.h"
#include "ingest/linereader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HEAD_BYTES 1024
#define COMMIT_BYTES_DEFAULT ((int64_t)128 << 20)

struct sync_ctx {
	struct store *s;
	const struct cc_sync_opts *o;
	struct cc_sync_result *res;
	struct cc_apply ap;
	struct cc_scanner *scan;
	struct cc_json_state *js;
	bool in_txn;
	int64_t since_commit;
	/* progress */
	bool tty;
	int64_t total_bytes, done_bytes;
	struct timespec last_draw;
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
	if (!c->tty || c->total_bytes < (16 << 20))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!final && (now.tv_sec - c->last_draw.tv_sec) * 1000 +
	    (now.tv_nsec - c->last_draw.tv_nsec) / 1000000 < 100)
		return;
	c->last_draw = now;
	pct = c->total_bytes ? 100.0 * (double)c->done_bytes / (double)c->total_bytes : 100.0;
	if (pct > 100)
		pct = 100;
	{
		int w = 30, fill = (int)(pct * w / 100);
		char bar[64];
		memset(bar, '#', (size_t)fill);
		memset(bar + fill, '.', (size_t)(w - fill));
		bar[w] = '\0';
		fprintf(stderr, "\rsync [%s] %3.0f%%  %lld/%lld MiB", bar, pct,
			(long long)(c->done_bytes >> 20), (long long)(c->total_bytes >> 20));
	}
	if (final)
		fputs("\r\033[K", stderr);
	fflush(stderr);
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
	if (!c->in_txn)
		return AIU_OK;
	if ((rc = cc_apply_flush(&c->ap, err)) < 0 || (rc = store_commit(c->s, err)) < 0)
		return rc;
	c->in_txn = false;
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

/* Hash of the first n bytes of fd (pread, no seek). */
static int head_hash(int fd, int64_t n, uint64_t *out)
{
	char b[HEAD_BYTES];
	ssize_t got = n > 0 ? pread(fd, b, (size_t)n, 0) : 0;
	if (got < 0 || got != n)
		return AIU_EIO;
	*out = hash64(b, (size_t)n);
	return AIU_OK;
}

static int bad_line(struct sync_ctx *c, struct file_state *fs, int64_t line_no, int64_t off,
		    uint32_t col, const char *msg, struct aiu_err *err)
{
	char full[400];
	if (col)
		snprintf(full, sizeof(full), "column %u: %s", col, msg);
	else
		snprintf(full, sizeof(full), "%s", msg);
	fs->bad_lines++;
	c->ap.st.bad_lines++;
	return c->s->ops->bad_line_add(c->s, fs->id, line_no, off, full, err);
}

static int parse_and_apply(struct sync_ctx *c, struct file_state *fs, const struct cc_file *cf,
			   const char *line, size_t len, int64_t off, struct aiu_err *err)
{
	struct cc_record rec;
	struct cc_parse_error perr;
	struct cc_origin org;
	const struct cc_record *use = &rec;
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
		i++;
	if (i == len)
		return AIU_OK; /* blank line */
	if (cc_scan_line(c->scan, line, len, &rec, &perr) < 0) {
		/* the library gives the precise verdict and message */
		struct cc_parse_error jerr;
		if (cc_json_parse_line(c->js, line, len, &rec, &jerr) < 0) {
			/* Field errors ("message.usage.input_tokens: ...") from the
			 * scanner name the field; keep them over the library's text. */
			if (strstr(perr.msg, ": "))
				return bad_line(c, fs, fs->line_no, off,
						perr.column ? perr.column : jerr.column, perr.msg, err);
			return bad_line(c, fs, fs->line_no, off, jerr.column, jerr.msg, err);
		}
		c->res->scanner_fallbacks++;
	}
	memset(&org, 0, sizeof(org));
	org.file_id = fs->id;
	org.line_no = fs->line_no;
	org.byte_off = off;
	org.byte_len = (int64_t)len;
	org.session_hint = cf->session_hint;
	org.project_dir = cf->project_dir;
	return cc_apply_record(&c->ap, use, &org, err);
}

static int sync_file(struct sync_ctx *c, const struct cc_file *cf, struct aiu_err *err)
{
	struct file_state fs;
	struct linereader lr;
	struct stat st;
	bool found, restart = false, lr_open_ok = false;
	int fd = -1, rc = AIU_OK, got;
	int64_t mtime_ns, head_len;
	uint64_t hh;
	const char *line;
	size_t len;
	int64_t off;
	bool too_long;

	memset(&fs, 0, sizeof(fs));
	if ((rc = c->s->ops->file_get(c->s, cf->path, &fs, &found, err)) < 0)
		goto out;
	if ((fd = open(cf->path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
		/* vanished between discovery and now: nothing to do, keep history */
		rc = AIU_OK;
		goto out;
	}
	mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	if (found && fs.dev == (int64_t)st.st_dev && fs.ino == (int64_t)st.st_ino &&
	    fs.size == (int64_t)st.st_size && fs.mtime_ns == mtime_ns)
		goto out; /* unchanged */
	if (found) {
		if (fs.dev != (int64_t)st.st_dev || fs.ino != (int64_t)st.st_ino ||
		    (int64_t)st.st_size < fs.offset || (int64_t)st.st_size < fs.head_len ||
		    head_hash(fd, fs.head_len, &hh) < 0 || hh != fs.head_hash)
			restart = true;
	}
	head_len = st.st_size < HEAD_BYTES ? (int64_t)st.st_size : HEAD_BYTES;
	if (head_hash(fd, head_len, &hh) < 0) {
		rc = aiu_errf(err, AIU_EIO, "%s: read failed", cf->path);
		goto out;
	}
	c->res->files_changed++;
	if ((rc = begin(c, err)) < 0)
		goto out;
	if (!found) {
		fs.path = strdup(cf->path);
		if (!fs.path) {
			rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (restart) {
		c->res->files_restarted++;
		fs.offset = fs.line_no = fs.bad_lines = 0;
		if ((rc = c->s->ops->bad_lines_clear(c->s, fs.id, err)) < 0)
			goto out;
	}
	if (cf->agent_type && !fs.agent_type)
		fs.agent_type = strdup(cf->agent_type);
	/* Remember what we saw *before* reading: growth during the read is
	 * picked up next time. */
	fs.dev = (int64_t)st.st_dev;
	fs.ino = (int64_t)st.st_ino;
	fs.size = (int64_t)st.st_size;
	fs.mtime_ns = mtime_ns;
	fs.head_hash = hh;
	fs.head_len = head_len;
	if ((rc = c->s->ops->file_put(c->s, &fs, err)) < 0)
		goto out;

	if ((rc = lr_open(&lr, cf->path, fs.offset, c->o->max_line ? c->o->max_line : CC_MAX_LINE_DEFAULT, err)) < 0)
		goto out;
	lr_open_ok = true;
	while ((got = lr_next(&lr, &line, &len, &off, &too_long, err)) > 0) {
		fs.line_no++;
		c->ap.st.lines++;
		if (too_long) {
			char m[96];
			snprintf(m, sizeof(m), "line of %zu bytes exceeds the %zu-byte limit", len,
				 lr.max_line);
			rc = bad_line(c, &fs, fs.line_no, off, 0, m, err);
		} else {
			rc = parse_and_apply(c, &fs, cf, line, len, off, err);
		}
		if (rc < 0)
			goto out;
		c->since_commit += (int64_t)len + 1;
		c->done_bytes += (int64_t)len + 1;
		c->res->bytes += (int64_t)len + 1;
		if (c->since_commit >= c->o->commit_bytes) {
			fs.offset = lr.consumed;
			if ((rc = c->s->ops->file_put(c->s, &fs, err)) < 0 ||
			    (rc = commit(c, err)) < 0 || (rc = begin(c, err)) < 0)
				goto out;
		}
		progress(c, false);
	}
	if (got < 0) {
		rc = got;
		goto out;
	}
	fs.offset = lr.consumed;
	rc = c->s->ops->file_put(c->s, &fs, err);
out:
	if (lr_open_ok)
		lr_close(&lr);
	if (fd >= 0)
		close(fd);
	file_state_release(&fs);
	return rc;
}

/* Bytes a sync will read, for the progress bar (cheap: stat + lookup). */
static int64_t pending_bytes(struct sync_ctx *c, const struct cc_file_list *fl)
{
	int64_t total = 0;
	for (size_t i = 0; i < fl->n; i++) {
		struct stat st;
		struct file_state fs;
		bool found = false;
		memset(&fs, 0, sizeof(fs));
		if (stat(fl->v[i].path, &st) < 0)
			continue;
		if (c->s->ops->file_get(c->s, fl->v[i].path, &fs, &found, NULL) < 0)
			found = false;
		total += found && st.st_size >= fs.offset ? st.st_size - fs.offset : st.st_size;
		file_state_release(&fs);
	}
	return total;
}

int cc_sync(struct store *s, const struct cc_sync_opts *o, struct cc_sync_result *res,
	    struct aiu_err *err)
{
	struct sync_ctx c;
	struct cc_file_list fl;
	double t0 = mono_now();
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	memset(&fl, 0, sizeof(fl));
	struct cc_sync_opts opts = *o;
	if (!opts.commit_bytes)
		opts.commit_bytes = COMMIT_BYTES_DEFAULT;
	c.s = s;
	c.o = &opts;
	c.res = res;
	cc_apply_init(&c.ap, s);
	c.scan = cc_scanner_new();
	c.js = cc_json_state_new();
	if (!c.scan || !c.js) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = cc_discover(o->dirs, o->ndirs, &fl, err)) < 0)
		goto out;
	{
		bool empty = false;
		if ((rc = s->ops->usage_empty(s, &empty, err)) < 0)
			goto out;
		cc_apply_set_fresh(&c.ap, empty);
	}
	res->roots = (int64_t)fl.nroots;
	res->files = (int64_t)fl.n;
	c.tty = o->progress && isatty(2);
	if (c.tty)
		c.total_bytes = pending_bytes(&c, &fl);
	for (size_t i = 0; i < fl.n; i++) {
		if ((rc = sync_file(&c, &fl.v[i], err)) < 0)
			goto out;
	}
	rc = commit(&c, err);
	progress(&c, true);
out:
	if (rc < 0)
		rollback(&c);
	res->st = c.ap.st;
	res->seconds = mono_now() - t0;
	cc_file_list_free(&fl);
	cc_apply_release(&c.ap);
	cc_scanner_free(c.scan);
	cc_json_state_free(c.js);
	return rc;
}
