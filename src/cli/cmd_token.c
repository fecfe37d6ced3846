/* cmd_token.c - `aiusage token create --role admin|ingest|read [--name N]
 * [--person EMAIL] [--privacy team]`, `token list`, `token revoke ID`:
 * the team server's API tokens (store/team.h, core/apitoken.h). The clear
 * token is printed once by `create` and never stored or printed again. */
#include "cli/cli.h"
#include "core/apitoken.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int token_create(struct cli_ctx *c, struct aiu_err *err)
{
	struct api_token t;
	char tok[APITOKEN_LEN + 1];
	enum token_role role = apitoken_role(c->role);
	int rc;

	memset(&t, 0, sizeof(t));
	if (role == ROLE_NONE)
		return aiu_errf(err, AIU_EARG, "token create: --role must be admin, ingest or read (got '%s')",
				c->role ? c->role : "");
	if (c->privacy && strcmp(c->privacy, "team") != 0)
		return aiu_errf(err, AIU_EARG, "token create: --privacy must be team (got '%s')", c->privacy);
	if (c->privacy && role != ROLE_READ)
		return aiu_errf(err, AIU_EARG, "token create: --privacy team applies to read tokens only");
	if (role == ROLE_INGEST && (!c->person || !*c->person))
		return aiu_errf(err, AIU_EARG, "token create: an ingest token needs --person EMAIL "
				"(pushed usage is counted for that person)");
	if (c->person && (!strchr(c->person, '@') || strlen(c->person) >= sizeof(t.person)))
		return aiu_errf(err, AIU_EARG, "token create: --person must be an email address (got '%s')",
				c->person);
	if (c->token_name && strlen(c->token_name) >= sizeof(t.name))
		return aiu_errf(err, AIU_EARG, "token create: --name is longer than %zu bytes",
				sizeof(t.name) - 1);
	str_copy(t.role, c->role, sizeof(t.role));
	str_copy(t.name, c->token_name ? c->token_name : "", sizeof(t.name));
	for (size_t i = 0; c->person && c->person[i] && i + 1 < sizeof(t.person); i++)
		t.person[i] = (char)tolower((unsigned char)c->person[i]);
	t.privacy_team = c->privacy != NULL;
	t.created_ms = now_ms();
	if ((rc = apitoken_new(tok, sizeof(tok), &t, err)) < 0)
		return rc;
	if ((rc = store_begin(c->store, err)) < 0)
		goto out;
	if ((rc = c->store->ops->token_add(c->store, &t, err)) < 0 ||
	    (rc = store_commit(c->store, err)) < 0) {
		store_rollback(c->store);
		goto out;
	}
	printf("%s\n", tok);
	if (!c->quiet)
		fprintf(stderr, "aiusage: token %lld (%s, %s%s%s%s) created; it is shown only this once\n",
			(long long)t.id, t.prefix, t.role, t.person[0] ? ", " : "", t.person,
			t.privacy_team ? ", privacy team" : "");
out:
	memset(tok, 0, sizeof(tok));
	return rc;
}

static int list_row(void *ctx, const struct api_token *t)
{
	struct cli_ctx *c = ctx;
	char created[40] = "", revoked[40] = "";
	format_iso_ms(t->created_ms, created, sizeof(created));
	if (t->revoked_ms)
		format_iso_ms(t->revoked_ms, revoked, sizeof(revoked));
	if (c->json)
		return 0;
	printf("%-5lld %-13s %-7s %-8s %-30s %-20s %s%s%s\n", (long long)t->id, t->prefix, t->role,
	       t->privacy_team ? "team" : "-", t->person[0] ? t->person : "-",
	       t->name[0] ? t->name : "-", created, t->revoked_ms ? " revoked " : "",
	       revoked);
	return 0;
}

int cmd_token(struct cli_ctx *c)
{
	struct aiu_err err = { 0 };
	const char *sub = c->npositional ? c->positional[0] : NULL;
	int rc;

	if ((rc = cli_open_store(c, &err)) < 0)
		goto out;
	if (sub && strcmp(sub, "create") == 0) {
		rc = token_create(c, &err);
	} else if (sub && strcmp(sub, "list") == 0) {
		printf("%-5s %-13s %-7s %-8s %-30s %-20s %s\n", "ID", "PREFIX", "ROLE", "PRIVACY",
		       "PERSON", "NAME", "CREATED");
		rc = c->store->ops->token_scan(c->store, list_row, c, &err);
	} else if (sub && strcmp(sub, "revoke") == 0) {
		int64_t id;
		bool found = false;
		if (c->npositional != 2 || parse_i64_range(c->positional[1], 1, INT64_MAX, &id) < 0) {
			rc = aiu_errf(&err, AIU_EARG, "token revoke: expected a token ID (see `token list`)");
			goto out;
		}
		if ((rc = store_begin(c->store, &err)) < 0)
			goto out;
		if ((rc = c->store->ops->token_revoke(c->store, id, now_ms(), &found, &err)) < 0 ||
		    (rc = store_commit(c->store, &err)) < 0) {
			store_rollback(c->store);
			goto out;
		}
		if (!found)
			rc = aiu_errf(&err, AIU_ENOTFOUND, "token revoke: no active token with ID %lld",
				      (long long)id);
		else if (!c->quiet)
			printf("token %lld revoked\n", (long long)id);
	} else {
		rc = aiu_errf(&err, AIU_EARG, "token: expected create, list or revoke");
	}
out:
	if (rc < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		return 1;
	}
	return 0;
}
