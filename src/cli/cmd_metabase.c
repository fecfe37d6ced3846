/* cmd_metabase.c - `aiusage metabase provision`: builds the Metabase
 * database registration, collection, cards and dashboards from the store
 * named by --db (render/mb_provision.h). Opening the store first applies
 * the migrations, so the reporting views exist before Metabase syncs.
 *
 * The database as Metabase sees it: for PostgreSQL the --db URL's host,
 * port, database, user and password (--db-host / --db-port override host
 * and port when Metabase reaches the server by another name); for SQLite
 * the file's absolute path (--sqlite-path when Metabase mounts it
 * elsewhere). Secrets come from options or $METABASE_API_KEY /
 * $METABASE_PASSWORD and are never printed. */
#include "cli/cli.h"
#include "core/strutil.h"
#include "render/mb_provision.h"

#include <libpq-fe.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static bool is_pg_url(const char *s)
{
	return s && (str_has_prefix(s, "postgres://") || str_has_prefix(s, "postgresql://"));
}

/* Fills t from the PostgreSQL URL (libpq's own parser). */
static int pg_target(const char *url, struct mb_target *t, struct aiu_err *err)
{
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &perr), *o;
	int rc = AIU_OK;
	if (!opts) {
		rc = aiu_errf(err, AIU_EARG, "--db: not a PostgreSQL URL (%s)", perr ? perr : "parse error");
		goto out;
	}
	t->engine = "postgres";
	t->port = 5432;
	str_copy(t->host, "localhost", sizeof(t->host));
	for (o = opts; o->keyword; o++) {
		int64_t v;
		if (!o->val)
			continue;
		if (strcmp(o->keyword, "host") == 0)
			str_copy(t->host, o->val, sizeof(t->host));
		else if (strcmp(o->keyword, "port") == 0 && parse_i64_range(o->val, 1, 65535, &v) == 0)
			t->port = (int)v;
		else if (strcmp(o->keyword, "dbname") == 0)
			str_copy(t->dbname, o->val, sizeof(t->dbname));
		else if (strcmp(o->keyword, "user") == 0)
			str_copy(t->user, o->val, sizeof(t->user));
		else if (strcmp(o->keyword, "password") == 0)
			str_copy(t->password, o->val, sizeof(t->password));
	}
	if (!t->dbname[0])
		str_copy(t->dbname, t->user, sizeof(t->dbname));
out:
	PQfreemem(perr);
	PQconninfoFree(opts);
	return rc;
}

int cmd_metabase(struct cli_ctx *c)
{
	struct aiu_err err = { 0 };
	struct mb_opts o = { 0 };
	struct mb_summary sum;
	int64_t port;
	int rc;
	if (c->npositional != 1 || strcmp(c->positional[0], "provision") != 0) {
		rc = aiu_errf(&err, AIU_EARG, "usage: aiusage metabase provision --metabase-url URL "
			      "(--metabase-api-key K | --metabase-user U --metabase-password P) "
			      "[--db-host H] [--db-port N] [--sqlite-path P] [--dry-run]");
		goto out;
	}
	o.url = c->mb_url;
	o.api_key = c->mb_api_key ? c->mb_api_key : getenv("METABASE_API_KEY");
	o.user = c->mb_user;
	o.password = c->mb_password ? c->mb_password : getenv("METABASE_PASSWORD");
	if (o.api_key && !*o.api_key)
		o.api_key = NULL;
	if (!o.url) {
		rc = aiu_errf(&err, AIU_EARG, "metabase provision: --metabase-url is required");
		goto out;
	}
	if (!o.api_key && !(o.user && o.password)) {
		rc = aiu_errf(&err, AIU_EARG, "metabase provision: give --metabase-api-key, or "
			      "--metabase-user and --metabase-password");
		goto out;
	}
	if (o.api_key)
		o.user = o.password = NULL;
	o.db_name = "aiusage";
	o.dry_run = c->dry_run;
	o.out = c->quiet ? NULL : stdout;   /* errors still go to stderr */
	if ((rc = cli_open_store(c, &err)) < 0)
		goto out;
	if (is_pg_url(c->db_path)) {
		if ((rc = pg_target(c->db_path, &o.db, &err)) < 0)
			goto out;
		if (c->mb_db_host)
			str_copy(o.db.host, c->mb_db_host, sizeof(o.db.host));
		if (c->mb_db_port) {
			if (parse_i64_range(c->mb_db_port, 1, 65535, &port) < 0) {
				rc = aiu_errf(&err, AIU_EARG, "--db-port: expected 1..65535, got '%s'", c->mb_db_port);
				goto out;
			}
			o.db.port = (int)port;
		}
	} else {
		o.db.engine = "sqlite";
		if (c->mb_sqlite_path) {
			if (str_copy(o.db.path, c->mb_sqlite_path, sizeof(o.db.path)) >= sizeof(o.db.path)) {
				rc = aiu_errf(&err, AIU_ELIMIT, "--sqlite-path too long");
				goto out;
			}
		} else if (!realpath(c->db_path, o.db.path)) {
			rc = aiu_errf(&err, AIU_EIO, "%s: cannot resolve the database path", c->db_path);
			goto out;
		}
	}
	rc = mb_provision(&o, &sum, &err);
out:
	if (rc < 0)
		fprintf(stderr, "aiusage: %s\n", err.msg);
	return rc < 0 ? 1 : 0;
}
