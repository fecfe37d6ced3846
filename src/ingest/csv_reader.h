/* csv_reader.h - streaming CSV records over libcsv, with record and line
 * numbers and hard caps, for every CSV aiusage reads from outside (Cursor
 * AI Code Tracking exports, Cursor dashboard exports, claude.ai audit logs).
 *
 * Feed bytes in any chunks; the callback sees one record at a time with its
 * 1-based record number (the header is record 1) and the physical line the
 * record starts on (quoted fields may hold newlines, so they differ).
 * Quotes, commas, CR/LF and doubled quotes inside quoted fields are handled
 * by libcsv; a UTF-8 BOM at the start is dropped.
 *
 * Caps: a field over CSV_FIELD_MAX bytes or a record over CSV_FIELDS_MAX
 * fields fails the whole read with AIU_ELIMIT (naming the record), since
 * nothing after it can be trusted to line up.
 *
 * Ownership: the reader owns the record's field strings; they are valid only
 * during the callback. csv_reader_release() frees everything.
 */
#ifndef AIU_CSV_READER_H
#define AIU_CSV_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define CSV_FIELD_MAX ((size_t)1 << 20)   /* 1 MiB per field */
#define CSV_FIELDS_MAX 256

struct csv_rec {
	size_t nf;
	const char *const *f;   /* nf NUL-terminated fields */
	const size_t *len;      /* their lengths (fields may hold NUL bytes) */
	int64_t recno;          /* 1-based, header included */
	int64_t line;           /* 1-based line (counted by LF) where the record starts */
};

/* Return 0 to go on, < 0 to stop the read with that error (err filled). */
typedef int (*csv_rec_fn)(void *ctx, const struct csv_rec *r, struct aiu_err *err);

struct csv_reader {
	void *parser;           /* struct csv_parser, owned */
	const char *name;       /* file name for messages; not owned */
	csv_rec_fn cb;
	void *ctx;
	/* the record being built */
	struct buf fields;      /* field bytes, each NUL-terminated */
	size_t off[CSV_FIELDS_MAX], len[CSV_FIELDS_MAX];
	const char *ptrs[CSV_FIELDS_MAX];
	size_t nf;
	int64_t recno, line, rec_line;
	bool in_record, bom_checked;
	char bom[3];            /* leading bytes held back until we know they are no BOM */
	size_t nbom;
	int rc;                 /* first error from a callback or a cap */
	struct aiu_err *err;
};

/* name is used in messages ("FILE: record N (line L): ..."). */
int csv_reader_init(struct csv_reader *r, const char *name, csv_rec_fn cb, void *ctx,
		    struct aiu_err *err);
int csv_reader_feed(struct csv_reader *r, const char *data, size_t n, struct aiu_err *err);
/* Flushes the last record; fails on an unterminated quoted field. */
int csv_reader_finish(struct csv_reader *r, struct aiu_err *err);
void csv_reader_release(struct csv_reader *r);

/* Index of the header field equal to name (ASCII case-insensitive,
 * surrounding spaces ignored), or -1. */
int csv_header_index(const struct csv_rec *hdr, const char *name);

#endif
