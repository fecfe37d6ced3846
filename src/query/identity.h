/* identity.h - who is behind a row: one person per case-folded email across
 * all sources, API keys mapped to people, and the bill allocated to them.
 *
 * Key -> person, first match wins:
 *   1. people.csv lists the key's name (org_key_map): the admin said so;
 *   2. the key's principal is a user (api_keys.principal.user_id -> users);
 *   3. the key was created by a user (api_keys.created_by -> users).
 * Anything else (service-account keys, Console/Workbench usage with no key,
 * unknown ids) stays "unattributed".
 * Claude Code actors: a user_actor's email is the person; an api_actor's key
 * NAME goes through people.csv, then through the api_keys list by name (only
 * when the name is unique) and the rules above.
 *
 * Allocation of the bill (exact integers, the parts sum to the bill):
 * each cost line (day, workspace, description) is split over that day's
 * usage rows of the same workspace in proportion to a weight:
 *   - a token line (model + token_type): that token type's count on rows of
 *     the same model (and service tier / context window when the line names
 *     them): within a line every token has the same price, so this is the
 *     price-weighted token share;
 *   - a web search line: web_search_requests on the workspace's rows;
 *   - any other line (code execution, session usage, lines without a token
 *     type): the rows' list-price-weighted tokens (core/pricing: each token
 *     type times the model's list price; raw tokens for an unknown model).
 * Integer parts are floor(amount * w / W); the rounding remainder goes to the
 * heaviest row. A line with no usage to weigh stays unattributed. Each row's
 * part goes to its key's person (or unattributed).
 */
#ifndef AIU_IDENTITY_H
#define AIU_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/kmap.h"
#include "core/pricing.h"
#include "query/org_report.h"
#include "store/store.h"

struct id_key {
	struct anth_key k;
	char owner[ORG_EMAIL_MAX];   /* resolved email or "" */
	int via;                     /* 1 people.csv, 2 principal, 3 creator, 0 none */
};

struct identity {
	struct anth_user *users;
	size_t n_users;
	struct id_key *keys;
	size_t n_keys;
	struct { char name[ORG_NAME_MAX], email[ORG_EMAIL_MAX]; } *map;
	size_t n_map;
	struct org_person *people;   /* org_people rows */
	size_t n_people;
};

int identity_load(struct identity *id, struct store *s, struct aiu_err *err);
void identity_free(struct identity *id);
/* Email of the person behind an API key id / key name, or NULL. */
const char *identity_key_owner(const struct identity *id, const char *key_id);
const char *identity_keyname_owner(const struct identity *id, const char *key_name);
/* The stored person for an email (folded), or NULL. */
const struct org_person *identity_person(const struct identity *id, const char *email);

/* Splits each cost line over the usage rows (see above); calls give(ctx,
 * row, part) for every non-zero part, row == NULL for an unattributable line. */
int identity_allocate(const struct anth_cost_row *cost, size_t ncost,
		      const struct anth_usage_row *usage, size_t nusage, const struct pricing *pr,
		      int (*give)(void *ctx, const struct anth_usage_row *row, int64_t nano),
		      void *ctx, struct aiu_err *err);

#endif
