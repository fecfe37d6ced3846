/* claude_ai.c - claude.ai audit-log export reader and importer; see
 * claude_ai.h. Flow: sniff (ZIP / JSON / CSV) -> records -> one normalised
 * event per row (ca_row) -> sink. */
#include "ingest/claude_ai.h"

#include "core/buf.h"
#include "core/kmap.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "ingest/csv_reader.h"
#include "ingest/json_exact.h"
#include "ingest/pylit.h"
#include "store/org.h"

#include <archive.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/types.h>
#include <archive_entry.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

enum ca_col { C_CREATED, C_EVENT, C_ACTOR, C_EVINFO, C_ENTITY, C_DEVICE, C_UA, C_PLATFORM, C__N };
static const char *const ca_col_names[C__N] = {
	[C_CREATED] = "created_at", [C_EVENT] = "event", [C_ACTOR] = "actor_info",
	[C_EVINFO] = "event_info", [C_ENTITY] = "entity_info", [C_DEVICE] = "device_id",
	[C_UA] = "user_agent", [C_PLATFORM] = "client_platform",
};

struct ca_parser {
	const char *name;                 /* file or "zip:entry"; not owned */
	const struct claude_ai_sink *sink;
	struct kmap occ;                  /* content hash (16 bytes) -> occurrences seen */
	int col[C__N];
	size_t header_nf;
	bool have_header;
	struct buf tmp;                   /* hashing scratch */
};

static int ca_bad(struct ca_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int ca_bad(struct ca_parser *p, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return p->sink->on_bad ? p->sink->on_bad(p->sink->ctx, msg) : 0;
}

static void ca_init(struct ca_parser *p, const char *name, const struct claude_ai_sink *sink)
{
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->sink = sink;
	kmap_init(&p->occ, 16, sizeof(int64_t), 10u << 20);
	buf_init(&p->tmp, (size_t)4 << 20);
	for (int c = 0; c < C__N; c++)
		p->col[c] = -1;
}

static void ca_release(struct ca_parser *p)
{
	kmap_release(&p->occ);
	buf_release(&p->tmp);
}

static const char *obj_str(json_t *o, const char *k)
{
	const char *s = jx_str(o, k);
	return s && *s ? s : NULL;
}

/* One normalised event. where = "line 12 (record 11)" or "item 3". The
 * dict arguments are borrowed (may be NULL). */
static int ca_row(struct ca_parser *p, const char *where, const char *id, const char *created,
		  const char *event, json_t *actor, json_t *evinfo, json_t *entity,
		  const char *device, const char *ua, const char *platform,
		  struct aiu_err *err)
{
	struct claude_ai_event e = { 0 };
	char email[320], key[96];
	char *evtext = NULL;
	json_t *meta = json_object_get(actor, "metadata");
	const char *raw_email;
	int rc = AIU_OK;

	if (!created || parse_rfc3339_ms(created, strlen(created), &e.ts) < 0)
		return ca_bad(p, "%s: %s: field created_at: '%.40s' is not an RFC 3339 time", p->name,
			      where, created ? created : "");
	if (!event || !*event)
		return ca_bad(p, "%s: %s: field event: empty", p->name, where);
	raw_email = obj_str(meta, "email_address");
	if (!raw_email)
		raw_email = obj_str(actor, "email_address");
	if (!raw_email)
		raw_email = obj_str(actor, "email");
	email_fold(raw_email, email, sizeof(email));
	e.event = event;
	e.email = email;
	e.actor_name = obj_str(actor, "name");
	e.actor_uuid = obj_str(actor, "uuid");
	if (!e.actor_uuid)
		e.actor_uuid = obj_str(actor, "user_id");
	e.entity_type = obj_str(entity, "type");
	e.entity_uuid = obj_str(entity, "uuid");
	if (evinfo && !json_is_null(evinfo) &&
	    !(evtext = json_dumps(evinfo, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY)))
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	e.event_info = evtext;
	e.device_id = device && *device && strcmp(device, "None") ? device : NULL;
	e.user_agent = ua && *ua && strcmp(ua, "None") ? ua : NULL;
	e.client_platform = platform && *platform && strcmp(platform, "None") ? platform : NULL;
	e.source = p->name;
	if (id && *id) {
		snprintf(key, sizeof(key), "id:%.80s", id);
	} else {
		XXH128_hash_t h;
		unsigned char hk[16];
		int64_t *n;
		bool created_new;
		buf_reset(&p->tmp);
		buf_printf(&p->tmp, "%lld\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s",
			   (long long)e.ts, event, email, e.actor_uuid ? e.actor_uuid : "",
			   e.entity_type ? e.entity_type : "", e.entity_uuid ? e.entity_uuid : "",
			   evtext ? evtext : "", e.device_id ? e.device_id : "",
			   e.user_agent ? e.user_agent : "", e.client_platform ? e.client_platform : "");
		h = XXH3_128bits(buf_cstr(&p->tmp), p->tmp.len);
		memcpy(hk, &h.high64, 8);
		memcpy(hk + 8, &h.low64, 8);
		if (!(n = kmap_put(&p->occ, hk, &created_new))) {
			rc = aiu_errf(err, AIU_ELIMIT, "%s: too many rows", p->name);
			goto out;
		}
		snprintf(key, sizeof(key), "h:%016llx%016llx:%lld", (unsigned long long)h.high64,
			 (unsigned long long)h.low64, (long long)*n);
		(*n)++;
	}
	e.key = key;
	rc = p->sink->on_event ? p->sink->on_event(p->sink->ctx, &e, err) : 0;
out:
	free(evtext);
	return rc;
}

/* A dict column: empty / None -> *out NULL; else a Python literal. */
static int ca_literal(const char *s, size_t n, json_t **out, struct aiu_err *lerr)
{
	*out = NULL;
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	if (n == 0 || (n == 4 && memcmp(s, "None", 4) == 0) || (n == 4 && memcmp(s, "null", 4) == 0))
		return AIU_OK;
	if (n > CLAUDE_AI_LITERAL_MAX)
		return aiu_errf(lerr, AIU_ELIMIT, "over %zu bytes", CLAUDE_AI_LITERAL_MAX);
	return pylit_parse(s, n, out, lerr);
}

static int csv_row(void *ctx, const struct csv_rec *r, struct aiu_err *err)
{
	struct ca_parser *p = ctx;
	json_t *d[C__N] = { 0 };
	const char *f[C__N] = { 0 };
	char where[96];
	int rc = AIU_OK;

	if (!p->have_header) {
		for (int c = 0; c < C__N; c++)
			p->col[c] = csv_header_index(r, ca_col_names[c]);
		if (p->col[C_CREATED] < 0 || p->col[C_EVENT] < 0)
			return aiu_errf(err, AIU_EPARSE,
					"%s: line %lld: header has no created_at and event columns: not a claude.ai audit export",
					p->name, (long long)r->line);
		p->header_nf = r->nf;
		p->have_header = true;
		return AIU_OK;
	}
	snprintf(where, sizeof(where), "line %lld (record %lld)", (long long)r->line,
		 (long long)r->recno);
	if (r->nf != p->header_nf)
		return ca_bad(p, "%s: %s: expected %zu fields, found %zu", p->name, where,
			      p->header_nf, r->nf);
	for (int c = 0; c < C__N; c++)
		f[c] = p->col[c] >= 0 ? r->f[p->col[c]] : NULL;
	for (int c = C_ACTOR; c <= C_ENTITY; c++) {
		struct aiu_err lerr = { 0 };
		if (!f[c])
			continue;
		if (ca_literal(f[c], r->len[p->col[c]], &d[c], &lerr) < 0) {
			rc = ca_bad(p, "%s: %s: field %s: %s", p->name, where, ca_col_names[c], lerr.msg);
			goto out;
		}
		if (d[c] && !json_is_object(d[c]) && c != C_EVINFO) {
			rc = ca_bad(p, "%s: %s: field %s: not a dict", p->name, where, ca_col_names[c]);
			goto out;
		}
	}
	rc = ca_row(p, where, NULL, f[C_CREATED], f[C_EVENT], d[C_ACTOR], d[C_EVINFO], d[C_ENTITY],
		    f[C_DEVICE], f[C_UA], f[C_PLATFORM], err);
out:
	for (int c = 0; c < C__N; c++)
		json_decref(d[c]);
	return rc;
}

/* A dict field of a JSON item: an object, or a string holding a literal. */
static int json_dict(struct ca_parser *p, const char *where, json_t *item, const char *k,
		     json_t **out, bool *bad)
{
	json_t *v = json_object_get(item, k);
	struct aiu_err lerr = { 0 };
	*out = NULL;
	if (!v || json_is_null(v))
		return AIU_OK;
	if (json_is_object(v)) {
		*out = json_incref(v);
		return AIU_OK;
	}
	if (json_is_string(v) && ca_literal(json_string_value(v), json_string_length(v), out, &lerr) == 0)
		return AIU_OK;
	*bad = true;
	return ca_bad(p, "%s: %s: field %s: %s", p->name, where, k,
		      lerr.msg[0] ? lerr.msg : "not a dict");
}

static int parse_json(struct ca_parser *p, const char *data, size_t n, struct aiu_err *err)
{
	json_error_t je;
	json_t *root = json_loadb(data, n, JSON_REJECT_DUPLICATES, &je), *arr = root;
	static const char *const wrappers[] = { "data", "events", "activities", "items", "logs" };
	int rc = AIU_OK;

	if (!root)
		return aiu_errf(err, AIU_EPARSE, "%s: line %d column %d: %s", p->name, je.line,
				je.column, je.text);
	for (size_t w = 0; json_is_object(root) && w < sizeof(wrappers) / sizeof(wrappers[0]); w++)
		if (json_is_array(json_object_get(root, wrappers[w])))
			arr = json_object_get(root, wrappers[w]);
	if (!json_is_array(arr)) {
		rc = aiu_errf(err, AIU_EPARSE, "%s: expected an array of audit events", p->name);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(arr) && rc >= 0; i++) {
		json_t *it = json_array_get(arr, i), *actor = NULL, *evinfo = NULL, *entity = NULL;
		char where[48];
		bool bad = false;
		const char *ev, *id;
		snprintf(where, sizeof(where), "item %zu", i + 1);
		if (!json_is_object(it)) {
			rc = ca_bad(p, "%s: %s: not an object", p->name, where);
			continue;
		}
		if ((rc = json_dict(p, where, it, json_object_get(it, "actor_info") ? "actor_info" : "actor",
				    &actor, &bad)) < 0 || bad)
			goto next;
		if ((rc = json_dict(p, where, it, "entity_info", &entity, &bad)) < 0 || bad)
			goto next;
		evinfo = json_object_get(it, "event_info");
		if (json_is_string(evinfo)) {
			struct aiu_err lerr = { 0 };
			json_t *parsed = NULL;
			if (ca_literal(json_string_value(evinfo), json_string_length(evinfo), &parsed, &lerr) < 0) {
				rc = ca_bad(p, "%s: %s: field event_info: %s", p->name, where, lerr.msg);
				goto next;
			}
			evinfo = parsed;
		} else {
			evinfo = json_incref(evinfo);
		}
		ev = obj_str(it, "event");
		if (!ev)
			ev = obj_str(it, "type");
		id = obj_str(it, "id");
		rc = ca_row(p, where, id, jx_str(it, "created_at"), ev, actor, evinfo, entity,
			    jx_str(it, "device_id"), jx_str(it, "user_agent"),
			    jx_str(it, "client_platform"), err);
next:
		json_decref(actor);
		json_decref(entity);
		json_decref(evinfo);
	}
out:
	json_decref(root);
	return rc;
}

static bool is_json_start(const unsigned char *d, size_t n)
{
	size_t i = 0;
	if (n >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
		i++;
	return i < n && (d[i] == '[' || d[i] == '{');
}

static bool is_zip_start(const unsigned char *d, size_t n)
{
	return n >= 4 && d[0] == 'P' && d[1] == 'K' && d[2] == 3 && d[3] == 4;
}

/* Unsafe: absolute, "..", backslashes, drive letters, empty. */
static bool entry_path_safe(const char *pn)
{
	const char *s = pn;
	if (!pn || !*pn || *pn == '/' || strchr(pn, '\\') || strchr(pn, ':'))
		return false;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return false;
		s += n;
		if (*s == '/')
			s++;
	}
	return true;
}

static bool has_ext(const char *pn, const char *ext)
{
	size_t n = strlen(pn), k = strlen(ext);
	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++) {
		char c = pn[n - k + i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != ext[i])
			return false;
	}
	return true;
}

/* One CSV or JSON stream: chunks come from next(); for JSON they are
 * gathered (capped) and parsed at the end. */
static int parse_stream(const char *name, const struct claude_ai_sink *sink,
			ssize_t (*next)(void *src, const void **chunk), void *src, bool json,
			struct aiu_err *err)
{
	struct ca_parser p;
	struct csv_reader cr;
	struct buf all;
	int64_t total = 0;
	int rc = AIU_OK;
	bool cr_ok = false;

	ca_init(&p, name, sink);
	buf_init(&all, (size_t)CLAUDE_AI_FILE_MAX);
	if (!json) {
		if ((rc = csv_reader_init(&cr, name, csv_row, &p, err)) < 0)
			goto out;
		cr_ok = true;
	}
	for (;;) {
		const void *chunk;
		ssize_t got = next(src, &chunk);
		if (got < 0) {
			rc = aiu_errf(err, AIU_EIO, "%s: read failed after %lld bytes", name, (long long)total);
			goto out;
		}
		if (got == 0)
			break;
		total += got;
		if (total > CLAUDE_AI_FILE_MAX) {
			rc = aiu_errf(err, AIU_ELIMIT, "%s: larger than %lld bytes", name,
				      (long long)CLAUDE_AI_FILE_MAX);
			goto out;
		}
		if (json)
			rc = buf_add(&all, chunk, (size_t)got) < 0 ? aiu_errf(err, AIU_ENOMEM, "out of memory") : 0;
		else
			rc = csv_reader_feed(&cr, chunk, (size_t)got, err);
		if (rc < 0)
			goto out;
	}
	if (json)
		rc = parse_json(&p, buf_cstr(&all), all.len, err);
	else if ((rc = csv_reader_finish(&cr, err)) == 0 && !p.have_header)
		rc = aiu_errf(err, AIU_EPARSE, "%s: empty file (no header)", name);
out:
	if (cr_ok)
		csv_reader_release(&cr);
	buf_release(&all);
	ca_release(&p);
	return rc;
}

struct mem_src { const char *p; size_t n; bool done; };
static ssize_t mem_next(void *src, const void **chunk)
{
	struct mem_src *m = src;
	if (m->done)
		return 0;
	m->done = true;
	*chunk = m->p;
	return (ssize_t)m->n;
}

struct ar_src { struct archive *a; char buf[65536]; int64_t *budget; };
static ssize_t ar_next(void *src, const void **chunk)
{
	struct ar_src *s = src;
	la_ssize_t got = archive_read_data(s->a, s->buf, sizeof(s->buf));
	if (got > 0) {
		*s->budget -= got;
		if (*s->budget < 0)
			return -1;
	}
	*chunk = s->buf;
	return got;
}

struct file_src { FILE *f; char buf[65536]; const char *pre; size_t npre; };
static ssize_t file_next(void *src, const void **chunk)
{
	struct file_src *s = src;
	size_t got;
	if (s->npre) {
		*chunk = s->pre;
		got = s->npre;
		s->npre = 0;
		return (ssize_t)got;
	}
	got = fread(s->buf, 1, sizeof(s->buf), s->f);
	if (got == 0 && ferror(s->f))
		return -1;
	*chunk = s->buf;
	return (ssize_t)got;
}

/* Every .csv / .json entry of an opened archive. */
static int parse_zip(struct archive *a, const char *name, const struct claude_ai_sink *sink,
		     struct aiu_err *err)
{
	struct archive_entry *ent;
	struct ar_src *src = calloc(1, sizeof(*src));
	int64_t budget = CLAUDE_AI_ZIP_TOTAL_MAX;
	int nent = 0, used = 0, rc = AIU_OK, r;
	char ename[1024];
	struct ca_parser msgp;

	ca_init(&msgp, name, sink);
	if (!src) {
		rc = aiu_errf(err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	src->a = a;
	src->budget = &budget;
	while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *pn = archive_entry_pathname(ent);
		bool json;
		if (++nent > CLAUDE_AI_ZIP_ENTRIES_MAX) {
			rc = ca_bad(&msgp, "%s: more than %d entries; the rest is ignored", name,
				    CLAUDE_AI_ZIP_ENTRIES_MAX);
			goto out;
		}
		if (archive_entry_filetype(ent) != AE_IFREG)
			continue;
		if (!entry_path_safe(pn)) {
			if ((rc = ca_bad(&msgp, "%s: entry '%.200s': unsafe path, skipped", name,
					 pn ? pn : "")) < 0)
				goto out;
			continue;
		}
		if (!(json = has_ext(pn, ".json")) && !has_ext(pn, ".csv"))
			continue;
		snprintf(ename, sizeof(ename), "%s:%s", name, pn);
		if (archive_entry_size_is_set(ent) && archive_entry_size(ent) > CLAUDE_AI_FILE_MAX) {
			if ((rc = ca_bad(&msgp, "%s: entry is %lld bytes, over the %lld cap; skipped", ename,
					 (long long)archive_entry_size(ent),
					 (long long)CLAUDE_AI_FILE_MAX)) < 0)
				goto out;
			continue;
		}
		used++;
		if ((r = parse_stream(ename, sink, ar_next, src, json, err)) < 0) {
			/* a broken entry: report it and go on with the next one */
			if (budget < 0) {
				rc = aiu_errf(err, AIU_ELIMIT, "%s: inflates to more than %lld bytes", name,
					      (long long)CLAUDE_AI_ZIP_TOTAL_MAX);
				goto out;
			}
			if (r != AIU_EIO && r != AIU_EPARSE && r != AIU_ELIMIT) {
				rc = r;
				goto out;
			}
			if ((rc = ca_bad(&msgp, "%s%s%s", err->msg, r == AIU_EIO ? ": " : "",
					 r == AIU_EIO ? archive_error_string(a) ? archive_error_string(a) : "corrupt entry" : "")) < 0)
				goto out;
		}
	}
	if (r != ARCHIVE_EOF) {
		rc = aiu_errf(err, AIU_EPARSE, "%s: not a readable ZIP: %s", name,
			      archive_error_string(a) ? archive_error_string(a) : "bad header");
		goto out;
	}
	if (used == 0)
		rc = aiu_errf(err, AIU_EPARSE, "%s: the ZIP holds no .csv or .json entry", name);
out:
	free(src);
	ca_release(&msgp);
	return rc;
}

static struct archive *zip_reader(void)
{
	struct archive *a = archive_read_new();
	if (a)
		archive_read_support_format_zip(a);
	return a;
}

int claude_ai_parse_mem(const char *name, const void *data, size_t n,
			const struct claude_ai_sink *sink, struct aiu_err *err)
{
	struct mem_src m = { .p = data, .n = n, .done = false };
	int rc;
	if (is_zip_start(data, n)) {
		struct archive *a = zip_reader();
		if (!a)
			return aiu_errf(err, AIU_ENOMEM, "out of memory");
		if (archive_read_open_memory(a, data, n) != ARCHIVE_OK)
			rc = aiu_errf(err, AIU_EPARSE, "%s: not a readable ZIP: %s", name,
				      archive_error_string(a) ? archive_error_string(a) : "?");
		else
			rc = parse_zip(a, name, sink, err);
		archive_read_free(a);
		return rc;
	}
	return parse_stream(name, sink, mem_next, &m, is_json_start(data, n), err);
}

int claude_ai_parse_file(const char *path, const struct claude_ai_sink *sink, struct aiu_err *err)
{
	struct file_src *fs = calloc(1, sizeof(*fs));
	unsigned char head[64];
	size_t nhead;
	int rc;

	if (!fs)
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	if (!(fs->f = fopen(path, "rb"))) {
		free(fs);
		return aiu_errf(err, AIU_EIO, "%s: cannot open: %s", path, strerror(errno));
	}
	nhead = fread(head, 1, sizeof(head), fs->f);
	if (is_zip_start(head, nhead)) {
		struct archive *a = zip_reader();
		fclose(fs->f);
		free(fs);
		if (!a)
			return aiu_errf(err, AIU_ENOMEM, "out of memory");
		if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK)
			rc = aiu_errf(err, AIU_EPARSE, "%s: not a readable ZIP: %s", path,
				      archive_error_string(a) ? archive_error_string(a) : "?");
		else
			rc = parse_zip(a, path, sink, err);
		archive_read_free(a);
		return rc;
	}
	fs->pre = (const char *)head;
	fs->npre = nhead;
	rc = parse_stream(path, sink, file_next, fs, is_json_start(head, nhead), err);
	fclose(fs->f);
	free(fs);
	return rc;
}

/* --- import into the store --- */

#define CA_BATCH 1000

struct ca_import {
	struct store *s;
	FILE *errf;
	struct claude_ai_stats *st;
	struct kmap people;       /* hash64(email) -> unused */
	bool in_txn;
	int64_t in_batch;
};

static int imp_event(void *ctx, const struct claude_ai_event *e, struct aiu_err *err)
{
	struct ca_import *im = ctx;
	bool inserted = false, created;
	int rc;
	if (!im->in_txn) {
		if ((rc = store_begin(im->s, err)) < 0)
			return rc;
		im->in_txn = true;
	}
	if ((rc = im->s->ops->claude_ai_event_add(im->s, e, &inserted, err)) < 0)
		return rc;
	im->st->rows++;
	if (inserted)
		im->st->added++;
	else
		im->st->already++;
	if (e->email && *e->email) {
		uint64_t h = hash64(e->email, strlen(e->email));
		if (kmap_put(&im->people, &h, &created) && created) {
			/* one person per case-folded email, across sources */
			struct org_person op = { 0 };
			im->st->people++;
			str_copy(op.email, e->email, sizeof(op.email));
			str_copy(op.name, e->actor_name ? e->actor_name : "", sizeof(op.name));
			str_copy(op.source, "claude_ai", sizeof(op.source));
			if ((rc = im->s->ops->org_person_put(im->s, &op, err)) < 0)
				return rc;
		}
	}
	if (++im->in_batch >= CA_BATCH) {
		if ((rc = store_commit(im->s, err)) < 0)
			return rc;
		im->in_txn = false;
		im->in_batch = 0;
	}
	return AIU_OK;
}

static int imp_bad(void *ctx, const char *msg)
{
	struct ca_import *im = ctx;
	im->st->bad++;
	if (im->errf)
		fprintf(im->errf, "aiusage: %s\n", msg);
	return 0;
}

int claude_ai_import(struct store *s, const char *path, FILE *errf, struct claude_ai_stats *st,
		     struct aiu_err *err)
{
	struct ca_import im = { .s = s, .errf = errf, .st = st };
	struct claude_ai_sink sink = { .on_event = imp_event, .on_bad = imp_bad, .ctx = &im };
	int rc, crc;

	memset(st, 0, sizeof(*st));
	kmap_init(&im.people, sizeof(uint64_t), 1, 0);
	rc = claude_ai_parse_file(path, &sink, err);
	/* Rows read before a fatal error are good rows: keep them. */
	if (im.in_txn) {
		struct aiu_err cerr = { 0 };
		if ((crc = store_commit(s, rc < 0 ? &cerr : err)) < 0) {
			store_rollback(s);
			if (rc == 0)
				rc = crc;
		}
	}
	kmap_release(&im.people);
	return rc;
}
