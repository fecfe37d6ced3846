/* session_detail.c - see session_detail.h.
 *
 * 1. The session's usage rows and prompts are read from the store into
 *    compact entries (both come sorted by time, and are merged; a prompt
 *    goes before a request of the same millisecond).
 * 2. The requested page is turned into sd_messages: numbers, model, cost
 *    and tool names from the store.
 * 3. Text is read back per transcript file, once per file: the file must
 *    still start with the bytes that were ingested (head hash) and hold at
 *    least the ingested bytes. A prompt is read at its byte range and its
 *    uuid must hash to the stored key; a request's content blocks are
 *    collected from every line with its message.id (a streamed response
 *    writes one block per line), in line order.
 */
#include "query/session_detail.h"
#include "core/buf.h"
#include "core/kmap.h"
#include "core/strutil.h"
#include "ingest/cc_apply.h"
#include "ingest/linereader.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SD_MAX_ENTRIES ((size_t)2 << 20)       /* messages held for one session */
#define SD_WHOLE_FILE ((int64_t)8 << 20)       /* files up to this are read whole */
#define SD_WINDOW ((int64_t)4 << 20)           /* else this much around the rows */
#define HEAD_BYTES 1024

struct ent {
	bool user;
	int64_t ts, key, file_id, byte_off, byte_len;
	int64_t model_id;
	unsigned variant;
	struct tokens t;
	char msg_id[128];
	size_t tool0, ntools;   /* slice of the tool-id pool */
};

struct collect {
	struct ent *v;
	size_t n, cap;
	uint32_t *tools;        /* tool-id pool */
	size_t ntools, ctools;
	int rc;
};

static struct ent *ent_push(struct collect *c)
{
	if (c->n >= SD_MAX_ENTRIES) {
		c->rc = AIU_ELIMIT;
		return NULL;
	}
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 256;
		struct ent *nv = realloc(c->v, ncap * sizeof(*nv));
		if (!nv) {
			c->rc = AIU_ENOMEM;
			return NULL;
		}
		c->v = nv;
		c->cap = ncap;
	}
	memset(&c->v[c->n], 0, sizeof(c->v[0]));
	return &c->v[c->n++];
}

static int usage_cb(void *ctx, const struct usage_row *r)
{
	struct collect *c = ctx;
	struct ent *e = ent_push(c);
	if (!e)
		return 1;
	e->ts = r->ts;
	e->key = r->key;
	e->file_id = r->file_id;
	e->byte_off = r->byte_off;
	e->model_id = r->model_id;
	e->variant = r->variant;
	e->t = r->t;
	str_copy(e->msg_id, r->msg_id, sizeof(e->msg_id));
	if (r->ntools) {
		if (c->ntools + r->ntools > c->ctools) {
			size_t ncap = c->ctools ? c->ctools * 2 : 256;
			uint32_t *nv;
			while (ncap < c->ntools + r->ntools)
				ncap *= 2;
			if (!(nv = realloc(c->tools, ncap * sizeof(*nv)))) {
				c->rc = AIU_ENOMEM;
				return 1;
			}
			c->tools = nv;
			c->ctools = ncap;
		}
		e->tool0 = c->ntools;
		e->ntools = r->ntools;
		for (uint32_t i = 0; i < r->ntools; i++)
			c->tools[c->ntools++] = r->tools[i].tool_id;
	}
	return 0;
}

static int msg_cb(void *ctx, const struct message_row *m)
{
	struct collect *c = ctx;
	struct ent *e = ent_push(c);
	if (!e)
		return 1;
	e->user = true;
	e->ts = m->ts;
	e->key = m->key;
	e->file_id = m->file_id;
	e->byte_off = m->byte_off;
	e->byte_len = m->byte_len;
	return 0;
}

/* Merges the two sorted runs v[0..na) (requests) and v[na..n) (prompts). */
static int merge_runs(struct collect *c, size_t na)
{
	struct ent *out = malloc((c->n ? c->n : 1) * sizeof(*out));
	size_t i = 0, j = na, k = 0;
	if (!out)
		return AIU_ENOMEM;
	while (i < na || j < c->n) {
		bool take_user = j < c->n && (i >= na || c->v[j].ts <= c->v[i].ts);
		out[k++] = take_user ? c->v[j++] : c->v[i++];
	}
	free(c->v);
	c->v = out;
	c->cap = c->n;
	return AIU_OK;
}

void sd_list_free(struct sd_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].content);
		free(l->v[i].tools);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* --- text read-back ------------------------------------------------------ */

struct textctx {
	size_t cap;             /* per message */
	size_t budget;          /* left for the whole call */
	struct buf *bufs;       /* one per page message */
	uint64_t *last;         /* hash of the last block added, per message */
};

/* Length of the longest prefix of s[0..n) that is at most cap bytes and
 * does not end inside a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t n, size_t cap)
{
	size_t k;
	if (n <= cap)
		return n;
	k = cap;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return k;
}

/* Appends text to message i's content, with a blank line between blocks;
 * cuts at the per-message cap and the call budget. */
static void text_add(struct textctx *tc, struct sd_message *m, size_t i, const char *s, size_t n)
{
	struct buf *b = &tc->bufs[i];
	size_t room, sep = b->len ? 2 : 0, take;

	if (!n)
		return;
	if (m->truncated)
		return;
	room = tc->cap > b->len ? tc->cap - b->len : 0;
	if (room > tc->budget)
		room = tc->budget;
	if (sep + n > room) {
		m->truncated = true;
		if (room <= sep)
			return;
		take = utf8_cut(s, n, room - sep);
	} else {
		take = n;
	}
	if (sep)
		buf_add(b, "\n\n", 2);
	buf_add(b, s, take);
	tc->budget -= sep + take;
}

/* Text of a message.content value: a string, or the "text" blocks of an
 * array (tool calls, tool results, thinking and images are not text). */
static void content_text(struct textctx *tc, struct sd_message *m, size_t i, json_t *content)
{
	size_t k;
	json_t *blk;

	if (json_is_string(content)) {
		text_add(tc, m, i, json_string_value(content), json_string_length(content));
		return;
	}
	if (!json_is_array(content))
		return;
	json_array_foreach(content, k, blk) {
		json_t *ty = json_object_get(blk, "type"), *tx = json_object_get(blk, "text");
		uint64_t h;
		if (!json_is_string(ty) || strcmp(json_string_value(ty), "text") != 0 ||
		    !json_is_string(tx))
			continue;
		/* a repeated line of the same stream carries the same block again */
		h = hash64(json_string_value(tx), json_string_length(tx));
		if (tc->last[i] == h)
			continue;
		tc->last[i] = h;
		text_add(tc, m, i, json_string_value(tx), json_string_length(tx));
	}
}

/* Does the transcript still hold what was ingested from it? */
static bool file_matches(const struct file_state *fs)
{
	char head[HEAD_BYTES];
	struct stat st;
	bool ok = false;
	int fd = open(fs->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || st.st_size < fs->offset || st.st_size < fs->head_len ||
	    fs->head_len < 0 || fs->head_len > HEAD_BYTES)
		goto out;
	if (pread(fd, head, (size_t)fs->head_len, 0) != (ssize_t)fs->head_len)
		goto out;
	ok = hash64(head, (size_t)fs->head_len) == fs->head_hash;
out:
	close(fd);
	return ok;
}

/* A prompt: the line at [off, off+len) whose uuid hashes to the key. */
static void read_prompt(struct textctx *tc, int fd, const struct ent *e, struct sd_message *m,
			size_t i)
{
	char *line = NULL;
	json_t *root = NULL, *uuid, *msg;
	json_error_t je;

	if (e->byte_len <= 0 || (size_t)e->byte_len > SD_LINE_CAP)
		return;
	if (!(line = malloc((size_t)e->byte_len)))
		return;
	if (pread(fd, line, (size_t)e->byte_len, e->byte_off) != (ssize_t)e->byte_len)
		goto out;
	if (!(root = json_loadb(line, (size_t)e->byte_len, JSON_DISABLE_EOF_CHECK, &je)))
		goto out;
	uuid = json_object_get(root, "uuid");
	if (!json_is_string(uuid) ||
	    cc_prompt_key(json_string_value(uuid), json_string_length(uuid)) != e->key)
		goto out;
	str_copy(m->id, json_string_value(uuid), sizeof(m->id));
	msg = json_object_get(root, "message");
	content_text(tc, m, i, json_object_get(msg, "content"));
	m->content_available = true;
out:
	json_decref(root);
	free(line);
}

struct idmap {
	struct kmap first;      /* hash64(msg_id) -> page index + 1 */
	size_t *next;           /* page index -> next index + 1 with the same hash */
};

/* Requests of one file: stream its lines, parse those that may be
 * assistant lines, and gather the text blocks of every wanted message.id. */
static int read_requests(struct textctx *tc, const struct file_state *fs, struct sd_list *l,
			 const struct ent *const *page, const struct idmap *im, int64_t lo,
			 int64_t hi)
{
	struct linereader lr;
	struct aiu_err e2 = { 0 };
	const char *line;
	size_t len;
	int64_t off, start = 0, end = fs->offset;
	bool too_long;
	int rc;

	if (fs->offset > SD_WHOLE_FILE) {
		start = lo > SD_WINDOW ? lo - SD_WINDOW : 0;
		end = hi + SD_WINDOW < fs->offset ? hi + SD_WINDOW : fs->offset;
	}
	if ((rc = lr_open(&lr, fs->path, start, SD_LINE_CAP, &e2)) < 0)
		return rc;
	while ((rc = lr_next(&lr, &line, &len, &off, &too_long, &e2)) == 1) {
		json_t *root, *msg, *id;
		json_error_t je;
		uint64_t h;
		size_t *hit, idx;

		if (off >= end)
			break;
		if (too_long || !memmem(line, len, "assistant", 9))
			continue;
		if (!(root = json_loadb(line, len, 0, &je)))
			continue;
		msg = json_object_get(root, "message");
		id = json_object_get(msg, "id");
		if (!json_is_string(id)) {
			json_decref(root);
			continue;
		}
		h = hash64(json_string_value(id), json_string_length(id));
		hit = kmap_get(&im->first, &h);
		for (idx = hit ? *hit : 0; idx; idx = im->next[idx - 1]) {
			size_t i = idx - 1;
			if (page[i]->user || page[i]->file_id != fs->id ||
			    strcmp(page[i]->msg_id, json_string_value(id)) != 0)
				continue;
			content_text(tc, &l->v[i], i, json_object_get(msg, "content"));
			l->v[i].content_available = true;
		}
		json_decref(root);
	}
	lr_close(&lr);
	return rc < 0 ? rc : AIU_OK;
}

static int read_texts(struct store *s, struct sd_list *l, const struct ent *const *page,
		      struct textctx *tc, struct aiu_err *err)
{
	struct idmap im;
	bool *done = calloc(l->n ? l->n : 1, sizeof(*done));
	int rc = AIU_OK;

	kmap_init(&im.first, sizeof(uint64_t), sizeof(size_t), 0);
	im.next = calloc(l->n ? l->n : 1, sizeof(*im.next));
	if (!done || !im.next) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = l->n; i-- > 0;) {
		uint64_t h;
		size_t *slot;
		if (page[i]->user)
			continue;
		h = hash64(page[i]->msg_id, strlen(page[i]->msg_id));
		if (!(slot = kmap_put(&im.first, &h, NULL))) {
			rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
			goto out;
		}
		im.next[i] = *slot;
		*slot = i + 1;
	}
	/* one file at a time, in page order of first appearance */
	for (size_t i = 0; i < l->n; i++) {
		struct file_state fs;
		bool found = false, any_req = false;
		int64_t fid = page[i]->file_id, lo = INT64_MAX, hi = 0;
		int fd;

		if (done[i])
			continue;
		memset(&fs, 0, sizeof(fs));
		if ((rc = s->ops->file_get_id(s, fid, &fs, &found, err)) < 0)
			goto out;
		for (size_t j = i; j < l->n; j++) {
			if (page[j]->file_id != fid)
				continue;
			done[j] = true;
			if (!page[j]->user) {
				any_req = true;
				lo = page[j]->byte_off < lo ? page[j]->byte_off : lo;
				hi = page[j]->byte_off > hi ? page[j]->byte_off : hi;
			}
		}
		if (!found || !file_matches(&fs)) {
			file_state_release(&fs);
			continue; /* gone or changed: numbers only */
		}
		if ((fd = open(fs.path, O_RDONLY | O_CLOEXEC)) >= 0) {
			for (size_t j = i; j < l->n; j++)
				if (page[j]->file_id == fid && page[j]->user)
					read_prompt(tc, fd, page[j], &l->v[j], j);
			close(fd);
		}
		if (any_req && (rc = read_requests(tc, &fs, l, page, &im, lo, hi)) < 0) {
			/* unreadable now: these messages keep content_available=false */
			rc = AIU_OK;
		}
		file_state_release(&fs);
	}
out:
	kmap_release(&im.first);
	free(im.next);
	free(done);
	return rc;
}

int session_detail_messages(struct store *s, const struct pricing *p, const char *session_uuid,
			    size_t content_cap, int64_t offset, int64_t limit,
			    struct sd_list *out, bool *found, struct aiu_err *err)
{
	struct collect c;
	struct session_row sr;
	struct textctx tc;
	const struct ent **page = NULL;
	size_t na, from, to;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	memset(&tc, 0, sizeof(tc));
	*found = false;
	if (offset < 0)
		return aiu_errf(err, AIU_EARG, "offset: must be >= 0");
	if ((rc = s->ops->session_get(s, session_uuid, &sr, found, err)) < 0 || !*found)
		goto out;
	if ((rc = s->ops->session_usage_scan(s, sr.id, usage_cb, &c, err)) < 0)
		goto out;
	na = c.n;
	if (rc == 0 && c.rc == 0)
		rc = s->ops->session_message_scan(s, sr.id, msg_cb, &c, err);
	if (rc < 0)
		goto out;
	if (c.rc) {
		rc = aiu_errf(err, c.rc, "session %s: %s", session_uuid,
			      c.rc == AIU_ELIMIT ? "too many messages" : "out of memory");
		goto out;
	}
	if ((rc = merge_runs(&c, na)) < 0) {
		aiu_errf(err, rc, "out of memory");
		goto out;
	}
	out->total = (int64_t)c.n;
	from = (uint64_t)offset < c.n ? (size_t)offset : c.n;
	to = limit < 0 || (uint64_t)limit >= c.n - from ? c.n : from + (size_t)limit;
	out->n = to - from;
	if (!out->n)
		goto out;
	out->v = calloc(out->n, sizeof(*out->v));
	page = calloc(out->n, sizeof(*page));
	tc.bufs = calloc(out->n, sizeof(*tc.bufs));
	tc.last = calloc(out->n, sizeof(*tc.last));
	if (!out->v || !page || !tc.bufs || !tc.last) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	tc.cap = content_cap ? content_cap : SD_CONTENT_CAP_DEFAULT;
	tc.budget = SD_SESSION_TEXT_CAP;
	for (size_t i = 0; i < out->n; i++) {
		const struct ent *e = &c.v[from + i];
		struct sd_message *m = &out->v[i];
		page[i] = e;
		buf_init(&tc.bufs[i], tc.cap + 8);
		m->ts_ms = e->ts;
		if (e->user) {
			m->role = "user";
			snprintf(m->id, sizeof(m->id), "prompt-%016llx", (unsigned long long)e->key);
			continue;
		}
		m->role = "assistant";
		str_copy(m->id, e->msg_id, sizeof(m->id));
		m->t = e->t;
		m->model = s->ops->dict_name(s, DICT_MODEL, e->model_id);
		{
			const struct price_entry *pe = p ? pricing_find(p, m->model) : NULL;
			struct token_counts t = { e->t.input, e->t.output, e->t.cw5m, e->t.cw1h,
						  e->t.cache_read };
			m->unpriced = !pricing_cost(pe, e->variant, &t, &m->cost_nano) &&
				      (t.input || t.output || t.cache_write_5m || t.cache_write_1h ||
				       t.cache_read);
		}
		if (e->ntools) {
			if (!(m->tools = calloc(e->ntools, sizeof(*m->tools)))) {
				rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
				goto out;
			}
			for (size_t k = 0; k < e->ntools; k++)
				m->tools[k] = s->ops->dict_name(s, DICT_TOOL, c.tools[e->tool0 + k]);
			m->ntools = e->ntools;
		}
	}
	if ((rc = read_texts(s, out, page, &tc, err)) < 0)
		goto out;
	for (size_t i = 0; i < out->n; i++) {
		size_t n;
		char *t = buf_detach(&tc.bufs[i], &n);
		if (!t && !(t = strdup(""))) {
			rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
			goto out;
		}
		out->v[i].content = t;
	}
	rc = AIU_OK;
out:
	if (tc.bufs)
		for (size_t i = 0; i < out->n; i++)
			buf_release(&tc.bufs[i]);
	free(tc.bufs);
	free(tc.last);
	free(page);
	free(c.v);
	free(c.tools);
	if (rc < 0)
		sd_list_free(out);
	return rc;
}
