/* csv_reader.c - libcsv driven one physical line at a time, so every record
 * knows the line it starts on; see csv_reader.h. */
#include "ingest/csv_reader.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#define CSV_CHUNK ((size_t)64 << 10)  /* also bounds how far a field overshoots the cap */
#define CSV_RECORD_MAX ((size_t)8 << 20)

static void on_field(void *s, size_t len, void *data)
{
	struct csv_reader *r = data;
	if (r->rc < 0)
		return;
	if (r->nf >= CSV_FIELDS_MAX) {
		r->rc = aiu_errf(r->err, AIU_ELIMIT, "%s: record %lld (line %lld): more than %d fields",
				 r->name, (long long)(r->recno + 1), (long long)r->rec_line,
				 CSV_FIELDS_MAX);
		return;
	}
	if (len > CSV_FIELD_MAX) {
		r->rc = aiu_errf(r->err, AIU_ELIMIT, "%s: record %lld (line %lld): field %zu is over %zu bytes",
				 r->name, (long long)(r->recno + 1), (long long)r->rec_line,
				 r->nf + 1, CSV_FIELD_MAX);
		return;
	}
	r->off[r->nf] = r->fields.len;
	r->len[r->nf] = len;
	if ((len && buf_add(&r->fields, s, len) < 0) || buf_putc(&r->fields, '\0') < 0) {
		r->rc = aiu_errf(r->err, AIU_ELIMIT, "%s: record %lld (line %lld): record is over %zu bytes",
				 r->name, (long long)(r->recno + 1), (long long)r->rec_line,
				 CSV_RECORD_MAX);
		return;
	}
	r->nf++;
}

static void on_record(int c, void *data)
{
	struct csv_reader *r = data;
	struct csv_rec rec;
	(void)c;
	r->in_record = false;
	if (r->rc < 0)
		return;
	r->recno++;
	for (size_t i = 0; i < r->nf; i++)
		r->ptrs[i] = r->fields.p + r->off[i];
	rec.nf = r->nf;
	rec.f = r->ptrs;
	rec.len = r->len;
	rec.recno = r->recno;
	rec.line = r->rec_line;
	if (r->nf > 0) {
		int rc = r->cb(r->ctx, &rec, r->err);
		if (rc < 0)
			r->rc = rc;
	}
	r->nf = 0;
	buf_reset(&r->fields);
}

int csv_reader_init(struct csv_reader *r, const char *name, csv_rec_fn cb, void *ctx,
		    struct aiu_err *err)
{
	struct csv_parser *p;
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->cb = cb;
	r->ctx = ctx;
	buf_init(&r->fields, CSV_RECORD_MAX);
	if (!(p = malloc(sizeof(*p))))
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	if (csv_init(p, CSV_STRICT_FINI) != 0) {
		free(p);
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	}
	r->parser = p;
	return AIU_OK;
}

/* One piece that holds at most one CR or LF, at its end. Lines are
 * counted by LF. */
static int feed_piece(struct csv_reader *r, const char *d, size_t n, bool ends_line)
{
	struct csv_parser *p = r->parser;
	if (!r->in_record) {
		/* A record starts on the first line that has more than a line end. */
		size_t k = 0;
		while (k < n && (d[k] == '\r' || d[k] == '\n'))
			k++;
		if (k < n) {
			r->in_record = true;
			r->rec_line = r->line + 1;
		}
	}
	if (csv_parse(p, d, n, on_field, on_record, r) != n && r->rc == 0)
		r->rc = aiu_errf(r->err, AIU_EPARSE, "%s: line %lld: %s", r->name,
				 (long long)(r->line + 1), csv_strerror(csv_error(p)));
	if (r->rc == 0 && p->entry_pos > CSV_FIELD_MAX)
		r->rc = aiu_errf(r->err, AIU_ELIMIT, "%s: record %lld (line %lld): a field is over %zu bytes",
				 r->name, (long long)(r->recno + 1), (long long)r->rec_line,
				 CSV_FIELD_MAX);
	if (ends_line)
		r->line++;
	return r->rc;
}

static void feed_piece_all(struct csv_reader *r, const char *data, size_t n)
{
	while (n > 0 && r->rc == 0) {
		/* Pieces end at a CR or LF, so a record (which only ends at one)
		 * always ends at the end of a piece whatever the feed sizes. */
		size_t lim = n < CSV_CHUNK ? n : CSV_CHUNK, take = 0;
		while (take < lim && data[take] != '\n' && data[take] != '\r')
			take++;
		if (take < lim)
			take++;
		feed_piece(r, data, take, data[take - 1] == '\n');
		data += take;
		n -= take;
	}
}

int csv_reader_feed(struct csv_reader *r, const char *data, size_t n, struct aiu_err *err)
{
	r->err = err;
	if (r->rc < 0)
		return r->rc;
	/* A UTF-8 BOM is dropped, even when it arrives split over feeds. */
	while (!r->bom_checked && n > 0) {
		r->bom[r->nbom++] = *data++;
		n--;
		if (memcmp(r->bom, "\xEF\xBB\xBF", r->nbom) != 0) {
			r->bom_checked = true;
			feed_piece_all(r, r->bom, r->nbom);
		} else if (r->nbom == 3) {
			r->bom_checked = true;
		}
	}
	feed_piece_all(r, data, n);
	return r->rc;
}

int csv_reader_finish(struct csv_reader *r, struct aiu_err *err)
{
	r->err = err;
	if (r->rc < 0)
		return r->rc;
	if (!r->bom_checked && r->nbom) {
		r->bom_checked = true;
		feed_piece_all(r, r->bom, r->nbom);
		if (r->rc < 0)
			return r->rc;
	}
	/* libcsv reports an open quote at the end only in strict mode, which
	 * would also make every stray quote fatal; so look at its state: a
	 * quoted field still being read (pstate FIELD_BEGUN == 2 in csv.c). */
	if (((struct csv_parser *)r->parser)->quoted && ((struct csv_parser *)r->parser)->pstate == 2)
		r->rc = aiu_errf(err, AIU_EPARSE,
				 "%s: record %lld (line %lld): unterminated quoted field; nothing after line %lld could be read",
				 r->name, (long long)(r->recno + 1), (long long)r->rec_line,
				 (long long)r->rec_line);
	if (r->rc == 0 && csv_fini(r->parser, on_field, on_record, r) != 0)
		r->rc = aiu_errf(err, AIU_EPARSE,
				 "%s: record %lld (line %lld): unterminated quoted field; nothing after line %lld could be read",
				 r->name, (long long)(r->recno + 1), (long long)r->rec_line,
				 (long long)r->rec_line);
	return r->rc;
}

void csv_reader_release(struct csv_reader *r)
{
	if (r->parser) {
		csv_free(r->parser);
		free(r->parser);
		r->parser = NULL;
	}
	buf_release(&r->fields);
}

int csv_header_index(const struct csv_rec *hdr, const char *name)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i < hdr->nf; i++) {
		const char *f = hdr->f[i];
		size_t n = hdr->len[i];
		while (n && (*f == ' ' || *f == '\t')) {
			f++;
			n--;
		}
		while (n && (f[n - 1] == ' ' || f[n - 1] == '\t'))
			n--;
		if (n != nl)
			continue;
		size_t k = 0;
		while (k < n) {
			char a = f[k], b = name[k];
			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (char)(b - 'A' + 'a');
			if (a != b)
				break;
			k++;
		}
		if (k == n)
			return (int)i;
	}
	return -1;
}
