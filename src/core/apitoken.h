/* apitoken.h - team-server API tokens: generation, hashing, checking.
 *
 * A token is "aiu_" + 64 hex digits (32 bytes from getrandom). Its first
 * TOKEN_PREFIX_LEN characters ("aiu_" + 8 hex) are its public prefix: stored
 * in clear to find the row and to show in `token list`. Only SHA-256 of the
 * whole token (hex) is stored; a presented token is checked by hashing it
 * and comparing hashes in constant time. The clear token exists only in the
 * output of `token create` (printed once).
 */
#ifndef AIU_APITOKEN_H
#define AIU_APITOKEN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "store/team.h"

#define APITOKEN_LEN (4 + 64)

enum token_role { ROLE_NONE = 0, ROLE_READ, ROLE_INGEST, ROLE_ADMIN };

/* Fills tok (APITOKEN_LEN + 1 bytes) with a new random token and t's
 * prefix and hash. 0 or AIU_EIO (no randomness). */
int apitoken_new(char *tok, size_t cap, struct api_token *t, struct aiu_err *err);
/* Hashes a presented token: hex SHA-256 into hash (65 bytes) and its prefix
 * into prefix (TOKEN_PREFIX_LEN + 1 bytes). false if it cannot be one of
 * ours (wrong shape or length): nothing to look up. */
bool apitoken_digest(const char *tok, char *prefix, char *hash);
/* Constant-time equality of two 64-character hex hashes. */
bool apitoken_hash_eq(const char *a, const char *b);
/* "admin" | "ingest" | "read" -> role; ROLE_NONE otherwise. */
enum token_role apitoken_role(const char *s);

#endif
