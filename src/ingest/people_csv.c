/* people_csv.c - see people_csv.h. libcsv does the quoting; we feed it one
 * physical line at a time so every record knows the line it starts on. */
#include "ingest/people_csv.h"
#include "ingest/anthropic_json.h"
#include "core/buf.h"
#include "core/strutil.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIELD_MAX 4096
#define MAX_FIELDS 32

enum col { COL_EMAIL, COL_NAME, COL_TEAM, COL_KEYS, COL__N };
static const char *const col_names[COL__N][3] = {
	[COL_EMAIL] = { "email", "e-mail", NULL },
	[COL_NAME] = { "name", NULL, NULL },
	[COL_TEAM] = { "team", NULL, NULL },
	[COL_KEYS] = { "key names", "key_names", "keys" },
};

struct pc_state {
	const char *path;
	const struct people_csv_sink *sink;
	struct people_csv_result *res;
	FILE *errf;
	char fields[MAX_FIELDS][FIELD_MAX];
	size_t nf;
	bool too_many, too_long;
	int64_t line, rec_line;     /* current physical line; line the record starts on */
	bool in_record;
	int col[COL__N];            /* header positions, -1 = absent */
	bool header_done;
	int rc;                     /* first store error */
	struct aiu_err *err;
};

static void on_field(void *data, size_t n, void *ud)
{
	struct pc_state *st = ud;
	if (!st->in_record) {
		st->in_record = true;
		st->rec_line = st->line;
	}
	if (st->nf >= MAX_FIELDS) {
		st->too_many = true;
		return;
	}
	if (n >= FIELD_MAX) {
		st->too_long = true;
		n = FIELD_MAX - 1;
	}
	memcpy(st->fields[st->nf], data ? data : "", data ? n : 0);
	st->fields[st->nf][data ? n : 0] = '\0';
	st->nf++;
}

static void row_error(struct pc_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void row_error(struct pc_state *st, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st->res->bad_rows++;
	if (st->errf)
		fprintf(st->errf, "aiusage: %s:%lld: %s\n", st->path, (long long)st->rec_line, msg);
	if (!st->res->first_error[0])
		snprintf(st->res->first_error, sizeof(st->res->first_error), "%s:%lld: %s", st->path,
			 (long long)st->rec_line, msg);
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	memmove(s, s + i, n - i + 1);
}

static bool email_ok(const char *e)
{
	const char *at = strchr(e, '@');
	if (!at || at == e || !at[1] || strchr(at + 1, '@') || strchr(e, ' ') || strlen(e) >= ORG_EMAIL_MAX)
		return false;
	return true;
}

static void header(struct pc_state *st)
{
	for (int c = 0; c < COL__N; c++) {
		st->col[c] = -1;
		for (size_t i = 0; i < st->nf; i++) {
			char h[64];
			str_copy(h, st->fields[i], sizeof(h));
			trim(h);
			for (int k = 0; k < 3 && col_names[c][k]; k++)
				if (str_ieq(h, col_names[c][k]))
					st->col[c] = (int)i;
		}
	}
	st->header_done = true;
}

/* One key-names cell: names separated by ';' or '|'. */
static int map_keys(struct pc_state *st, char *cell, const char *email)
{
	char *save = NULL;
	for (char *t = strtok_r(cell, ";|", &save); t; t = strtok_r(NULL, ";|", &save)) {
		int rc;
		trim(t);
		if (!*t)
			continue;
		if (strlen(t) >= ORG_NAME_MAX) {
			row_error(st, "key name longer than %s bytes", "255");
			continue;
		}
		if ((rc = st->sink->key(st->sink->ctx, t, email, st->err)) < 0)
			return rc;
		st->res->keys++;
	}
	return AIU_OK;
}

static void on_record(int term, void *ud)
{
	struct pc_state *st = ud;
	struct org_person p;
	(void)term;
	if (!st->in_record)
		return;
	st->in_record = false;
	if (st->rc < 0)
		goto done;
	if (!st->header_done) {
		header(st);
		goto done;
	}
	if (st->too_many || st->too_long) {
		row_error(st, "%s", st->too_many ? "more than 32 fields" : "a field longer than 4 KiB");
		goto done;
	}
	if (st->nf == 1 && !st->fields[0][0])
		goto done; /* blank line */
	memset(&p, 0, sizeof(p));
	if ((size_t)st->col[COL_EMAIL] >= st->nf) {
		row_error(st, "field 'email': %s", "missing");
		goto done;
	}
	str_copy(p.email, st->fields[st->col[COL_EMAIL]], sizeof(p.email));
	trim(p.email);
	if (!email_ok(p.email)) {
		row_error(st, "field 'email': '%.80s' is not an email address", p.email);
		goto done;
	}
	org_fold_email(p.email);
	if (st->col[COL_NAME] >= 0 && (size_t)st->col[COL_NAME] < st->nf)
		str_copy(p.name, st->fields[st->col[COL_NAME]], sizeof(p.name));
	if (st->col[COL_TEAM] >= 0 && (size_t)st->col[COL_TEAM] < st->nf)
		str_copy(p.team, st->fields[st->col[COL_TEAM]], sizeof(p.team));
	trim(p.name);
	trim(p.team);
	str_copy(p.source, "people.csv", sizeof(p.source));
	if ((st->rc = st->sink->person(st->sink->ctx, &p, st->err)) < 0)
		goto done;
	st->res->people++;
	if (st->col[COL_KEYS] >= 0 && (size_t)st->col[COL_KEYS] < st->nf)
		st->rc = map_keys(st, st->fields[st->col[COL_KEYS]], p.email);
done:
	st->nf = 0;
	st->too_many = st->too_long = false;
}

int people_csv_parse(const char *data, size_t n, const char *name,
		     const struct people_csv_sink *sink, FILE *errf,
		     struct people_csv_result *res, struct aiu_err *err)
{
	struct pc_state *st = calloc(1, sizeof(*st));
	struct csv_parser cp;
	bool cp_init = false;
	const char *p = data, *end = data + n;
	int rc = AIU_OK;

	memset(res, 0, sizeof(*res));
	if (!st)
		return aiu_errf(err, AIU_ENOMEM, "out of memory");
	st->path = name;
	st->sink = sink;
	st->res = res;
	st->errf = errf;
	st->err = err;
	if (n > PEOPLE_CSV_MAX) {
		rc = aiu_errf(err, AIU_ELIMIT, "%s: larger than %d bytes", name, PEOPLE_CSV_MAX);
		goto out;
	}
	if (csv_init(&cp, CSV_APPEND_NULL) != 0) {
		rc = aiu_errf(err, AIU_ENOMEM, "%s: cannot start the CSV parser", name);
		goto out;
	}
	cp_init = true;
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3; /* UTF-8 BOM */
	/* one physical line at a time, so a record knows the line it starts on */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		st->line++;
		if (csv_parse(&cp, p, len, on_field, on_record, st) != len) {
			rc = aiu_errf(err, AIU_EPARSE, "%s:%lld: %s", name, (long long)st->line,
				      csv_strerror(csv_error(&cp)));
			goto out;
		}
		if (st->rc < 0) {
			rc = st->rc;
			goto out;
		}
		p += len;
	}
	if (csv_fini(&cp, on_field, on_record, st) != 0) {
		rc = aiu_errf(err, AIU_EPARSE, "%s:%lld: unterminated quoted field", name,
			      (long long)st->rec_line);
		goto out;
	}
	if (st->rc < 0) {
		rc = st->rc;
		goto out;
	}
	if (!st->header_done || st->col[COL_EMAIL] < 0)
		rc = aiu_errf(err, AIU_EPARSE, "%s:1: header must name an 'email' column (email,name,team,key names)",
			      name);
out:
	if (cp_init)
		csv_free(&cp);
	free(st);
	return rc;
}

static int store_person(void *ctx, const struct org_person *p, struct aiu_err *err)
{
	struct store *s = ctx;
	return s->ops->org_person_put(s, p, err);
}

static int store_key(void *ctx, const char *key_name, const char *email, struct aiu_err *err)
{
	struct store *s = ctx;
	return s->ops->org_key_map_put(s, key_name, email, err);
}

int people_csv_import(struct store *s, const char *path, FILE *errf,
		      struct people_csv_result *res, struct aiu_err *err)
{
	const struct people_csv_sink sink = { s, store_person, store_key };
	struct buf text;
	FILE *f = NULL;
	char chunk[65536];
	size_t n;
	bool tx = false;
	int rc = AIU_OK;

	memset(res, 0, sizeof(*res));
	buf_init(&text, PEOPLE_CSV_MAX + 1);
	if (!(f = fopen(path, "rb"))) {
		rc = aiu_errf(err, AIU_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&text, chunk, n) < 0) {
			rc = aiu_errf(err, AIU_ELIMIT, "%s: larger than %d bytes", path, PEOPLE_CSV_MAX);
			goto out;
		}
	if (ferror(f)) {
		rc = aiu_errf(err, AIU_EIO, "%s: read error", path);
		goto out;
	}
	if ((rc = store_begin(s, err)) < 0)
		goto out;
	tx = true;
	/* the file is the whole mapping: keys it no longer lists are dropped */
	if ((rc = s->ops->org_key_map_clear(s, err)) < 0 ||
	    (rc = people_csv_parse(buf_cstr(&text), text.len, path, &sink, errf, res, err)) < 0)
		goto out;
	rc = store_commit(s, err);
	tx = false;
out:
	if (tx)
		store_rollback(s);
	if (f)
		fclose(f);
	buf_release(&text);
	return rc;
}
