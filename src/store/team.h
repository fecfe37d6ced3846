/* team.h - row types of the team server (migration 5): API tokens, the
 * push client's checkpoint, the person behind each pushed request.
 *
 *   api_tokens   one row per token: only SHA-256(token) is stored (hex),
 *                with a short non-secret prefix to find it and to show it
 *   push_sent    push client: (server, usage key) -> signature of the row
 *                as last accepted by that server (what is new since)
 *   push_usage   team server: (message.id, requestId) -> the person whose
 *                ingest token first pushed it
 * SQLite: store/team_sqlite.c; PostgreSQL: store/team_pg.c.
 */
#ifndef AIU_TEAM_H
#define AIU_TEAM_H

#include <stdbool.h>
#include <stdint.h>

#define TOKEN_PREFIX_LEN 12   /* "aiu_" + 8 hex: shown, used to look a token up */
#define TOKEN_ROLE_MAX 16
#define TOKEN_NAME_MAX 128
#define TOKEN_PERSON_MAX 320

struct api_token {
	int64_t id;                        /* 0 until stored */
	char prefix[TOKEN_PREFIX_LEN + 1];
	char hash[65];                     /* lower-case hex SHA-256 of the whole token */
	char role[TOKEN_ROLE_MAX];         /* "admin", "ingest", "read" */
	char name[TOKEN_NAME_MAX];
	char person[TOKEN_PERSON_MAX];     /* case-folded email, "" = none */
	bool privacy_team;                 /* read token limited to team-level figures */
	int64_t created_ms, revoked_ms;    /* revoked_ms 0 = active */
};

#endif
