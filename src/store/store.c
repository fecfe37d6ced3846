/* store.c - backend selection and the default database location. */
#include "store/store.h"
#include "store/store_sqlite.h"
#include "store/store_pg.h"
#include "core/strutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void file_state_release(struct file_state *f)
{
	free(f->path);
	free(f->agent_type);
	f->path = NULL;
	f->agent_type = NULL;
}

/* mkdir -p for the directory part of path. */
static int mkdirs_for(const char *path, struct aiu_err *err)
{
	char tmp[4096];
	if (str_copy(tmp, path, sizeof(tmp)) >= sizeof(tmp))
		return aiu_errf(err, AIU_ELIMIT, "path too long: %s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
			return aiu_errf(err, AIU_EIO, "cannot create directory %s: %s", tmp, strerror(errno));
		*p = '/';
	}
	return AIU_OK;
}

int store_default_path(char *out, size_t cap, struct aiu_err *err)
{
	const char *env = getenv("AIUSAGE_DB"), *xdg = getenv("XDG_DATA_HOME"),
		   *home = getenv("HOME");
	int n;
	if (env && *env)
		n = snprintf(out, cap, "%s", env);
	else if (xdg && *xdg == '/')
		n = snprintf(out, cap, "%s/aiusage/aiusage.db", xdg);
	else if (home && *home)
		n = snprintf(out, cap, "%s/.local/share/aiusage/aiusage.db", home);
	else
		return aiu_errf(err, AIU_EARG, "cannot find a place for the database: set HOME, XDG_DATA_HOME or AIUSAGE_DB, or pass --db");
	if (n < 0 || (size_t)n >= cap)
		return aiu_errf(err, AIU_ELIMIT, "database path too long");
	return AIU_OK;
}

/* Test guard: tests/cli/lib.sh sets AIU_TEST_REQUIRE_PG=<marker file> when
 * the suite runs on PostgreSQL, so a test that hands the binary a SQLite
 * path (bypassing lib.sh's db mapping) cannot silently test SQLite twice:
 * the open is refused and the path appended to the marker, which lib.sh
 * checks when the test finishes. Unset outside those tests. */
static int refuse_sqlite_in_pg_tests(const char *uri, struct aiu_err *err)
{
	const char *marker = getenv("AIU_TEST_REQUIRE_PG");
	FILE *f;
	if (!marker || !*marker)
		return AIU_OK;
	if ((f = fopen(marker, "a")) != NULL) {
		fprintf(f, "%s\n", uri);
		fclose(f);
	}
	return aiu_errf(err, AIU_EARG, "AIU_TEST_REQUIRE_PG is set: refusing to open the SQLite store %s"
			" (a PostgreSQL test must map --db through lib.sh's db)", uri);
}

int store_open(const char *uri, struct store **out, struct aiu_err *err)
{
	int rc;
	*out = NULL;
	if (str_has_prefix(uri, "postgres://") || str_has_prefix(uri, "postgresql://"))
		return store_pg_open(uri, out, err);
	if ((rc = refuse_sqlite_in_pg_tests(uri, err)) < 0)
		return rc;
	if (strcmp(uri, ":memory:") != 0 && (rc = mkdirs_for(uri, err)) < 0)
		return rc;
	return store_sqlite_open(uri, out, err);
}

void store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}
