/* people_csv.h - the identity mapping file people.csv (libcsv).
 *
 *   email,name,team,key names
 *   ana.lopez@corp.example,Ana Lopez,Platform,claude_code_key_ana_ab12;ana-laptop
 *
 * The header names the columns (any order; "key names", "key_names" or
 * "keys"; only email is required). Key names are separated by ';' or '|'.
 * Emails are case-folded (one person per email across all sources). The file
 * is the whole key mapping: importing it replaces the stored mapping, and
 * upserts people (name and team; empty cells keep what is stored). All in
 * one transaction. A bad row is reported as FILE:LINE (the physical line the
 * record starts on) and skipped; the rest is imported. Capped at 4 MiB.
 */
#ifndef AIU_PEOPLE_CSV_H
#define AIU_PEOPLE_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "store/store.h"

#define PEOPLE_CSV_MAX (4 << 20)

struct people_csv_result {
	int64_t people, keys, bad_rows;
	char first_error[512];
};

/* What the parser delivers: a person, then each of their key names.
 * Return 0 to go on, < 0 to stop (err filled). */
struct people_csv_sink {
	void *ctx;
	int (*person)(void *ctx, const struct org_person *p, struct aiu_err *err);
	int (*key)(void *ctx, const char *key_name, const char *email, struct aiu_err *err);
};

/* Parses people.csv text (name is used in messages). Row errors go to errf
 * (may be NULL) and res; < 0 when the text as a whole is unusable. */
int people_csv_parse(const char *data, size_t n, const char *name,
		     const struct people_csv_sink *sink, FILE *errf,
		     struct people_csv_result *res, struct aiu_err *err);

/* Reads the file and stores it. Row errors go to errf (may be NULL) and
 * res; returns < 0 only when the file as a whole cannot be read (nothing is
 * then changed). */
int people_csv_import(struct store *s, const char *path, FILE *errf,
		      struct people_csv_result *res, struct aiu_err *err);

#endif
