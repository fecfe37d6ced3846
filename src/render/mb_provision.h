/* mb_provision.h - dashboards as code: registers the aiusage database in a
 * Metabase instance and creates or updates the "aiusage" collection, the
 * native-SQL cards and the four dashboards of mb_spec.h.
 *
 * Order: version check (GET /api/session/properties; 0.47 or later, 0.49
 * or later for API keys), authentication (x-api-key, or POST /api/session),
 * rights (GET /api/user/current must be a superuser), then database,
 * collection, cards, dashboards. Everything is read before it is written;
 * a card or dashboard is found again by the marker "[aiusage:<key>]" in its
 * description, and written only when what we want differs from what is
 * there, so a second run writes nothing. Dashboards are written with one
 * PUT /api/dashboard/:id carrying the full dashcards set (existing dashcard
 * ids kept, negative ids for new ones) on the 24-column grid.
 *
 * dry_run: only GETs (and the session login) are sent; the plan is printed.
 * Secrets (API key, password, session id, database password) never reach
 * the output or an error message.
 */
#ifndef AIU_MB_PROVISION_H
#define AIU_MB_PROVISION_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "core/err.h"

/* The aiusage database as the Metabase server must reach it. */
struct mb_target {
	const char *engine;        /* "postgres" or "sqlite" */
	char host[256], dbname[256], user[256], password[256]; /* postgres */
	int port;
	char path[4096];           /* sqlite: absolute path on the Metabase host */
};

struct mb_opts {
	const char *url;           /* base URL, http(s)://host:port */
	const char *api_key;       /* or user + password */
	const char *user, *password;
	const char *db_name;       /* Metabase's name for the database ("aiusage") */
	struct mb_target db;
	bool dry_run;
	FILE *out;                 /* the plan, one line per object */
};

struct mb_summary {
	int created, updated, unchanged;
};

int mb_provision(const struct mb_opts *o, struct mb_summary *sum, struct aiu_err *err);

/* "v0.50.3", "v1.52.0-beta" -> 50 (Metabase's feature version is the
 * second number for both the OSS 0.x and the enterprise 1.x lines).
 * Returns -1 when it cannot be parsed. Exposed for tests. */
int mb_feature_version(const char *tag);

/* Does `have` (a Metabase answer) hold everything in `want`? Objects
 * compare key by key (extra server-side keys are ignored), arrays element
 * by element with equal length, numbers by value. Exposed for tests. */
bool mb_json_contains(const json_t *want, const json_t *have);

#endif
