/* apitoken.c - see apitoken.h. */
#include "core/apitoken.h"
#include "core/sha256.h"
#include "core/strutil.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

int apitoken_new(char *tok, size_t cap, struct api_token *t, struct aiu_err *err)
{
	static const char hx[] = "0123456789abcdef";
	unsigned char rnd[32];
	size_t got = 0;
	if (cap < APITOKEN_LEN + 1)
		return aiu_errf(err, AIU_EARG, "token buffer too small");
	while (got < sizeof(rnd)) {
		ssize_t n = getrandom(rnd + got, sizeof(rnd) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return aiu_errf(err, AIU_EIO, "no randomness for a token: %s", strerror(errno));
		got += (size_t)n;
	}
	memcpy(tok, "aiu_", 4);
	for (size_t i = 0; i < sizeof(rnd); i++) {
		tok[4 + 2 * i] = hx[rnd[i] >> 4];
		tok[4 + 2 * i + 1] = hx[rnd[i] & 15];
	}
	tok[APITOKEN_LEN] = '\0';
	memset(rnd, 0, sizeof(rnd));
	if (!apitoken_digest(tok, t->prefix, t->hash))
		return aiu_errf(err, AIU_EARG, "internal: new token has the wrong shape");
	return AIU_OK;
}

bool apitoken_digest(const char *tok, char *prefix, char *hash)
{
	size_t n = tok ? strlen(tok) : 0;
	if (n != APITOKEN_LEN || strncmp(tok, "aiu_", 4) != 0)
		return false;
	memcpy(prefix, tok, TOKEN_PREFIX_LEN);
	prefix[TOKEN_PREFIX_LEN] = '\0';
	sha256_hex(tok, n, hash);
	return true;
}

bool apitoken_hash_eq(const char *a, const char *b)
{
	unsigned char diff = 0;
	for (size_t i = 0; i < 64; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0 && a[64] == '\0' && b[64] == '\0';
}

enum token_role apitoken_role(const char *s)
{
	static const struct { const char *name; enum token_role role; } roles[] = {
		{ "admin", ROLE_ADMIN }, { "ingest", ROLE_INGEST }, { "read", ROLE_READ },
	};
	for (size_t i = 0; s && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(s, roles[i].name) == 0)
			return roles[i].role;
	return ROLE_NONE;
}
