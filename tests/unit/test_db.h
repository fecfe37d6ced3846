/* test_db.h - a fresh store for unit tests, on the backend under test:
 * SQLite (a temp file) by default; PostgreSQL (a fresh database on the test
 * server of scripts/pg-test.sh) when AIU_TEST_BACKEND=pg. CMake registers
 * every unit test that includes this header twice (test_x and pg_test_x).
 * The database name is generated here (no outside input reaches SQL). */
#ifndef AIU_TEST_DB_H
#define AIU_TEST_DB_H

#include "core/strutil.h"
#include "store/store.h"
#include "store/store_pg.h"
#include "store/store_sqlite.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tdb {
	bool pg;
	char uri[600];      /* what store_open gets */
	char admin[600];    /* pg: the server's admin URL */
	char name[64];      /* pg: database name */
};

static inline bool tdb_is_pg(void)
{
	const char *b = getenv("AIU_TEST_BACKEND");
	return b && strcmp(b, "pg") == 0;
}

/* Runs one administrative statement on the test server; 0 on success. */
static inline int tdb_admin(const struct tdb *t, const char *sql)
{
	PGconn *c = PQconnectdb(t->admin);
	PGresult *r;
	int ok;
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "test_db: cannot connect to the test server: %s", PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	r = PQexec(c, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "test_db: %s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

/* Fills t with a fresh, empty store location (not yet opened). */
static inline int tdb_create(struct tdb *t)
{
	static int seq;
	memset(t, 0, sizeof(*t));
	t->pg = tdb_is_pg();
	if (!t->pg) {
		int fd;
		snprintf(t->uri, sizeof(t->uri), "/tmp/aiu-test-db-XXXXXX");
		if ((fd = mkstemp(t->uri)) < 0)
			return -1;
		close(fd);
		unlink(t->uri);
		return 0;
	} else {
		const char *state = getenv("AIU_PG_STATE");
		char path[512], sql[128];
		FILE *f;
		size_t n;
		if (!state) {
			fprintf(stderr, "test_db: AIU_PG_STATE is not set (ctest's pg fixture sets it)\n");
			return -1;
		}
		snprintf(path, sizeof(path), "%s/url", state);
		if (!(f = fopen(path, "r"))) {
			fprintf(stderr, "test_db: no PostgreSQL test server (%s)\n", path);
			return -1;
		}
		n = fread(t->admin, 1, sizeof(t->admin) - 1, f);
		fclose(f);
		t->admin[n] = '\0';
		t->admin[strcspn(t->admin, "\r\n")] = '\0';
		if (!str_has_suffix(t->admin, "/postgres"))
			return -1;
		snprintf(t->name, sizeof(t->name), "aiu_u_%ld_%d", (long)getpid(), ++seq);
		snprintf(sql, sizeof(sql), "CREATE DATABASE %s", t->name);
		if (tdb_admin(t, sql) < 0)
			return -1;
		snprintf(t->uri, sizeof(t->uri), "%.*s/%s", (int)(strlen(t->admin) - 9), t->admin, t->name);
		return 0;
	}
}

/* Removes the store's files or database (after every store_close). */
static inline void tdb_destroy(struct tdb *t)
{
	if (t->pg) {
		char sql[128];
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", t->name);
		tdb_admin(t, sql);
	} else {
		static const char *const sfx[] = { "", "-wal", "-shm", "-journal", ".lock" };
		for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
			char p[700];
			snprintf(p, sizeof(p), "%s%s", t->uri, sfx[i]);
			unlink(p);
		}
	}
}

/* The first column of the first row of sql as an integer (-1 on failure, 0
 * for NULL), run on the store's own connection: raw checks for tests. */
static inline int64_t tdb_scalar(struct store *s, const char *sql)
{
	int64_t v = -1;
	PGconn *c = store_pg_handle(s);
	if (c) {
		PGresult *r = PQexec(c, sql);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) >= 1) {
			if (PQgetisnull(r, 0, 0))
				v = 0;
			else if (parse_i64(PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0), &v) < 0)
				v = -1;
		} else {
			fprintf(stderr, "test_db: %s: %s", sql, PQresultErrorMessage(r));
		}
		PQclear(r);
	} else {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(store_sqlite_handle(s), sql, -1, &st, NULL) != SQLITE_OK)
			return -1;
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

#endif
