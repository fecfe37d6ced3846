/* cc_preview.c - see cc_preview.h. */
#include "ingest/cc_preview.h"
#include "core/kmap.h"
#include "ingest/cc_discover.h"
#include "ingest/linereader.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PREVIEW_LINE_MAX ((size_t)8 << 20)
#define PREVIEW_SESSIONS_MAX 100000      /* distinct session ids remembered */

const char *cc_pending_reason_name(enum cc_pending_reason r)
{
	static const char *const names[] = { "new", "grown", "rewritten" };
	return (unsigned)r < 3 ? names[r] : "new";
}

void cc_preview_free(struct cc_preview *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].path);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* Cheap field lookup on a raw line (no parse): the first occurrence of
 * "key" followed by optional blanks, ':' and optional blanks. Returns a
 * pointer to the value's first byte, or NULL. */
static const char *field_at(const char *line, size_t len, const char *key)
{
	size_t kl = strlen(key);
	const char *p = line, *end = line + len;

	while ((p = memmem(p, (size_t)(end - p), key, kl))) {
		const char *v = p + kl;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if (v < end && *v == ':') {
			v++;
			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			return v < end ? v : NULL;
		}
		p += kl;
	}
	return NULL;
}

/* The string value of "key" (quotes included in key), unescaped bytes as
 * they are, or NULL. */
static const char *str_after(const char *line, size_t len, const char *key, size_t *n)
{
	const char *v = field_at(line, len, key), *q;
	if (!v || *v != '"')
		return NULL;
	v++;
	for (q = v; q < line + len && *q != '"'; q++)
		if (*q == '\\' && q + 1 < line + len)
			q++;
	if (q >= line + len)
		return NULL;
	*n = (size_t)(q - v);
	return v;
}

static bool str_is(const char *v, size_t n, const char *lit)
{
	return v && n == strlen(lit) && memcmp(v, lit, n) == 0;
}

/* 'u' for a user line, 'a' for an assistant line, 0 otherwise. Nested
 * "type" keys (content blocks, message.type) never hold these values, and
 * quotes inside strings are escaped, so any "type" key saying user or
 * assistant is the record's. */
static char line_kind(const char *line, size_t len)
{
	const char *p = line, *end = line + len;
	while (p < end) {
		size_t n;
		const char *v = str_after(p, (size_t)(end - p), "\"type\"", &n);
		if (!v)
			return 0;
		if (str_is(v, n, "user"))
			return 'u';
		if (str_is(v, n, "assistant"))
			return 'a';
		p = v + n;
	}
	return 0;
}

void cc_preview_line(const char *line, size_t len, struct cc_preview_line *out)
{
	memset(out, 0, sizeof(*out));
	out->session = str_after(line, len, "\"sessionId\"", &out->session_n);
	out->kind = line_kind(line, len);
	if (out->kind == 'u') {
		const char *meta = field_at(line, len, "\"isMeta\"");
		out->prompt = !memmem(line, len, "\"tool_result\"", 13) && !(meta && *meta == 't');
	} else if (out->kind == 'a') {
		out->msg_id = str_after(line, len, "\"id\"", &out->msg_id_n);
	}
}

struct scan {
	struct store *s;
	struct kmap all;        /* hash(sessionId) -> 1: sessions seen in this preview */
	int64_t budget;         /* bytes left to scan */
	int64_t new_sessions;   /* distinct ids the store does not hold */
};

/* Remembers a session id; counts it as new if the store lacks it. */
static void saw_session(struct scan *sc, struct kmap *file_sess, const char *v, size_t n)
{
	uint64_t h = hash64(v, n);
	bool created = false;
	char id[128];
	struct session_row row;
	bool found = true;

	kmap_put(file_sess, &h, NULL); /* a full map keeps the estimate low, never wrong-high */
	if (!kmap_put(&sc->all, &h, &created) || !created || n >= sizeof(id))
		return;
	memcpy(id, v, n);
	id[n] = '\0';
	if (sc->s->ops->session_get(sc->s, id, &row, &found, NULL) == AIU_OK && !found)
		sc->new_sessions++;
}

/* Counts messages and distinct sessions in [from, to) of path. */
static void scan_file(struct scan *sc, const char *path, int64_t from, int64_t to,
		      struct kmap *file_sess, int64_t *msgs)
{
	struct linereader lr;
	struct aiu_err e = { 0 };
	const char *line, *prev_id = NULL;
	size_t len, prev_n = 0;
	int64_t off, scanned = 0;
	bool too_long;
	char prev_buf[128];

	*msgs = 0;
	if (sc->budget <= 0 || lr_open(&lr, path, from, PREVIEW_LINE_MAX, &e) < 0)
		goto extrapolate;
	while (lr_next(&lr, &line, &len, &off, &too_long, &e) == 1) {
		struct cc_preview_line pl;
		if (off >= to)
			break;
		scanned = off + (int64_t)len + 1 - from;
		sc->budget -= (int64_t)len + 1;
		if (sc->budget <= 0)
			break;
		if (too_long)
			continue; /* unknown content */
		cc_preview_line(line, len, &pl);
		if (pl.session && pl.session_n)
			saw_session(sc, file_sess, pl.session, pl.session_n);
		if (pl.kind == 'u' && pl.prompt) {
			(*msgs)++;
		} else if (pl.kind == 'a') {
			/* a streamed response repeats its id on consecutive lines */
			if (!pl.msg_id || !prev_id || pl.msg_id_n != prev_n ||
			    memcmp(pl.msg_id, prev_id, pl.msg_id_n) != 0)
				(*msgs)++;
			if (pl.msg_id && pl.msg_id_n < sizeof(prev_buf)) {
				memcpy(prev_buf, pl.msg_id, pl.msg_id_n);
				prev_id = prev_buf;
				prev_n = pl.msg_id_n;
			}
		}
	}
	lr_close(&lr);
extrapolate:
	if (scanned > 0 && scanned < to - from)
		*msgs = (int64_t)((double)*msgs * (double)(to - from) / (double)scanned + 0.5);
}

int cc_preview(struct store *s, const struct cc_sync_opts *o, struct cc_preview *out,
	       struct aiu_err *err)
{
	struct cc_file_list fl;
	struct scan sc;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&fl, 0, sizeof(fl));
	memset(&sc, 0, sizeof(sc));
	sc.s = s;
	kmap_init(&sc.all, sizeof(uint64_t), 1, PREVIEW_SESSIONS_MAX);
	sc.budget = CC_PREVIEW_SCAN_MAX;
	if ((rc = cc_discover(o->dirs, o->ndirs, &fl, err)) < 0)
		goto out;
	if (!(out->v = calloc(fl.n ? fl.n : 1, sizeof(*out->v)))) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < fl.n; i++) {
		struct file_state fs;
		struct cc_pending_file *pf = &out->v[out->n];
		struct kmap fsess;
		struct stat st;
		bool found = false;
		uint64_t hh;
		int fd;
		int64_t from;

		memset(&fs, 0, sizeof(fs));
		if ((rc = s->ops->file_get(s, fl.v[i].path, &fs, &found, err)) < 0)
			goto out;
		if ((fd = open(fl.v[i].path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
			if (fd >= 0)
				close(fd);
			file_state_release(&fs);
			continue;
		}
		memset(pf, 0, sizeof(*pf));
		if (!found) {
			pf->reason = CC_PENDING_NEW;
		} else if (o->full || fs.dev != (int64_t)st.st_dev || fs.ino != (int64_t)st.st_ino ||
			   st.st_size < fs.offset || st.st_size < fs.head_len ||
			   cc_head_hash(fd, fs.head_len, &hh) < 0 || hh != fs.head_hash) {
			pf->reason = CC_PENDING_REWRITTEN;
		} else {
			pf->reason = CC_PENDING_GROWN;
		}
		close(fd);
		from = pf->reason == CC_PENDING_GROWN ? fs.offset : 0;
		file_state_release(&fs);
		pf->pending_bytes = (int64_t)st.st_size - from;
		if (pf->reason == CC_PENDING_GROWN && pf->pending_bytes <= 0)
			continue; /* unchanged, or only touched */
		/* a new empty file is listed: the sync records it (filesProcessed) */
		pf->mtime_ms = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
		if (!(pf->path = strdup(fl.v[i].path))) {
			rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
			goto out;
		}
		kmap_init(&fsess, sizeof(uint64_t), 1, PREVIEW_SESSIONS_MAX);
		scan_file(&sc, pf->path, from, st.st_size, &fsess, &pf->est_messages);
		pf->est_sessions = (int64_t)fsess.n;
		kmap_release(&fsess);
		out->pending_bytes += pf->pending_bytes;
		out->est_new_messages += pf->est_messages;
		out->n++;
	}
	rc = AIU_OK;
out:
	if (rc == AIU_OK)
		out->est_new_sessions = sc.new_sessions;
	kmap_release(&sc.all);
	cc_file_list_free(&fl);
	if (rc < 0)
		cc_preview_free(out);
	return rc;
}
