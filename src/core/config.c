/* config.c - see config.h. */
#include "core/config.h"
#include "core/strutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum ckind { C_STR, C_SECRET, C_URL, C_CENTS, C_DAYS };

struct ckey {
	const char *section, *key;
	enum ckind kind;
	size_t off, cap;     /* field offset; cap for strings */
};

#define CF(f) offsetof(struct aiu_config, f), sizeof(((struct aiu_config *)0)->f)

static const struct ckey keys[] = {
	{ "anthropic", "admin_key", C_SECRET, CF(anthropic_admin_key) },
	{ "anthropic", "base_url", C_URL, CF(anthropic_base_url) },
	{ "cursor", "api_key", C_SECRET, CF(cursor_api_key) },
	{ "cursor", "base_url", C_URL, CF(cursor_base_url) },
	{ "seats", "claude_ai", C_CENTS, CF(seat_cents_claude_ai) },
	{ "seats", "cursor", C_CENTS, CF(seat_cents_cursor) },
	{ "budget", "monthly", C_CENTS, CF(budget_monthly_cents) },
	{ "pull", "backfill_days", C_DAYS, CF(backfill_days) },
	{ "pull", "schedule", C_STR, CF(schedule) },
};

/* Environment overrides: applied after the file. */
static const struct { const char *env; size_t off, cap; } envs[] = {
	{ "ANTHROPIC_ADMIN_KEY", CF(anthropic_admin_key) },
	{ "ANTHROPIC_BASE_URL", CF(anthropic_base_url) },
	{ "CURSOR_API_KEY", CF(cursor_api_key) },
	{ "CURSOR_BASE_URL", CF(cursor_base_url) },
};

void config_defaults(struct aiu_config *c)
{
	memset(c, 0, sizeof(*c));
	str_copy(c->anthropic_base_url, ANTHROPIC_DEFAULT_BASE, sizeof(c->anthropic_base_url));
	str_copy(c->cursor_base_url, CURSOR_DEFAULT_BASE, sizeof(c->cursor_base_url));
	c->seat_cents_claude_ai = -1;
	c->seat_cents_cursor = -1;
	c->budget_monthly_cents = -1;
	c->backfill_days = 90;
	str_copy(c->schedule, "hourly", sizeof(c->schedule));
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

static int set_value(struct aiu_config *c, const struct ckey *k, const char *v, size_t n,
		     const char *name, int line, struct aiu_err *err)
{
	char tmp[1024];
	char *field = (char *)c + k->off;
	int64_t x;
	/* strip one pair of matching quotes */
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v++;
		n -= 2;
	}
	switch (k->kind) {
	case C_STR:
	case C_SECRET:
	case C_URL:
		if (n >= k->cap)
			return aiu_errf(err, AIU_ELIMIT, "%s:%d: [%s] %s: value longer than %zu bytes",
					name, line, k->section, k->key, k->cap - 1);
		if (memchr(v, '\0', n))
			return aiu_errf(err, AIU_EPARSE, "%s:%d: [%s] %s: NUL byte in value", name, line,
					k->section, k->key);
		if (k->kind == C_URL && n && !(n >= 7 && (strncmp(v, "http://", 7) == 0 ||
						       (n >= 8 && strncmp(v, "https://", 8) == 0))))
			return aiu_errf(err, AIU_EPARSE, "%s:%d: [%s] %s: expected an http:// or https:// URL",
					name, line, k->section, k->key);
		memcpy(field, v, n);
		field[n] = '\0';
		return AIU_OK;
	case C_CENTS:
	case C_DAYS:
		if (n >= sizeof(tmp))
			n = sizeof(tmp) - 1;
		memcpy(tmp, v, n);
		tmp[n] = '\0';
		if (parse_i64_range(tmp, k->kind == C_DAYS ? 1 : 0,
				    k->kind == C_DAYS ? 3650 : 100000000, &x) < 0)
			return aiu_errf(err, AIU_EPARSE, "%s:%d: [%s] %s: expected %s, got '%.40s'", name,
					line, k->section, k->key,
					k->kind == C_DAYS ? "a number of days from 1 to 3650"
							  : "whole cents per seat per month (e.g. 3000 for $30)",
					tmp);
		*(int64_t *)(void *)field = x;
		return AIU_OK;
	}
	return AIU_EARG;
}

int config_parse(struct aiu_config *c, const char *text, size_t n, const char *name,
		 struct aiu_err *err)
{
	char section[64] = "";
	const char *p = text, *end = text + n;
	int line = 0;

	if (n > CONFIG_FILE_MAX)
		return aiu_errf(err, AIU_ELIMIT, "%s: larger than %d bytes", name, CONFIG_FILE_MAX);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *ls = p, *le = nl ? nl : end, *eq;
		const struct ckey *k = NULL;
		p = nl ? nl + 1 : end;
		line++;
		trim(&ls, &le);
		if (ls == le || *ls == '#' || *ls == ';')
			continue;
		if (*ls == '[') {
			if (le[-1] != ']' || le - ls - 2 <= 0 || (size_t)(le - ls - 2) >= sizeof(section))
				return aiu_errf(err, AIU_EPARSE, "%s:%d: malformed section header", name, line);
			memcpy(section, ls + 1, (size_t)(le - ls - 2));
			section[le - ls - 2] = '\0';
			for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
				if (strcmp(keys[i].section, section) == 0)
					k = &keys[i];
			if (!k)
				return aiu_errf(err, AIU_EPARSE, "%s:%d: unknown section [%.63s]", name, line,
						section);
			continue;
		}
		eq = memchr(ls, '=', (size_t)(le - ls));
		if (!eq)
			return aiu_errf(err, AIU_EPARSE, "%s:%d: expected key = value", name, line);
		{
			const char *ks = ls, *ke = eq, *vs = eq + 1, *ve = le;
			int rc;
			trim(&ks, &ke);
			trim(&vs, &ve);
			/* an inline comment needs whitespace before it: " ; ..." or " # ..." */
			for (const char *q = vs; q < ve; q++)
				if ((*q == '#' || *q == ';') && q > vs && (q[-1] == ' ' || q[-1] == '\t')) {
					ve = q;
					trim(&vs, &ve);
					break;
				}
			if (!section[0])
				return aiu_errf(err, AIU_EPARSE, "%s:%d: key outside of a [section]", name, line);
			for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
				if (strcmp(keys[i].section, section) == 0 && strlen(keys[i].key) == (size_t)(ke - ks) &&
				    memcmp(keys[i].key, ks, (size_t)(ke - ks)) == 0)
					k = &keys[i];
			if (!k)
				return aiu_errf(err, AIU_EPARSE, "%s:%d: unknown key '%.*s' in [%s]", name, line,
						(int)(ke - ks > 64 ? 64 : ke - ks), ks, section);
			if ((rc = set_value(c, k, vs, (size_t)(ve - vs), name, line, err)) < 0)
				return rc;
		}
	}
	return AIU_OK;
}

int config_default_path(char *out, size_t cap, struct aiu_err *err)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
	int n;
	if (x && *x)
		n = snprintf(out, cap, "%s/aiusage/config.ini", x);
	else if (h && *h)
		n = snprintf(out, cap, "%s/.config/aiusage/config.ini", h);
	else
		return aiu_errf(err, AIU_ENOTFOUND, "neither XDG_CONFIG_HOME nor HOME is set");
	if (n < 0 || (size_t)n >= cap)
		return aiu_errf(err, AIU_ELIMIT, "config path too long");
	return AIU_OK;
}

int config_load(struct aiu_config *c, const char *path, struct aiu_err *err)
{
	struct buf text;
	FILE *f = NULL;
	char chunk[4096];
	size_t n;
	int rc = AIU_OK;

	buf_init(&text, CONFIG_FILE_MAX + 1);
	config_defaults(c);
	if (path) {
		if (str_copy(c->path, path, sizeof(c->path)) >= sizeof(c->path)) {
			rc = aiu_errf(err, AIU_ELIMIT, "--config: path too long");
			goto out;
		}
	} else if (config_default_path(c->path, sizeof(c->path), NULL) < 0) {
		c->path[0] = '\0';
	}
	if (c->path[0] && !(f = fopen(c->path, "rb"))) {
		if (path || errno != ENOENT) {
			rc = aiu_errf(err, AIU_EIO, "%s: %s", c->path, strerror(errno));
			goto out;
		}
		c->path[0] = '\0'; /* no default file: defaults + environment */
	}
	if (f) {
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			if (buf_add(&text, chunk, n) < 0) {
				rc = aiu_errf(err, AIU_ELIMIT, "%s: larger than %d bytes", c->path, CONFIG_FILE_MAX);
				goto out;
			}
		if (ferror(f)) {
			rc = aiu_errf(err, AIU_EIO, "%s: read error", c->path);
			goto out;
		}
		if ((rc = config_parse(c, buf_cstr(&text), text.len, c->path, err)) < 0)
			goto out;
		{
			struct stat st;
			c->insecure_file = (c->anthropic_admin_key[0] || c->cursor_api_key[0]) &&
					   fstat(fileno(f), &st) == 0 && (st.st_mode & 077);
		}
	}
	for (size_t i = 0; i < sizeof(envs) / sizeof(envs[0]); i++) {
		const char *v = getenv(envs[i].env);
		if (!v || !*v)
			continue;
		if (strlen(v) >= envs[i].cap) {
			rc = aiu_errf(err, AIU_ELIMIT, "%s: longer than %zu bytes", envs[i].env, envs[i].cap - 1);
			goto out;
		}
		str_copy((char *)c + envs[i].off, v, envs[i].cap);
	}
out:
	if (f)
		fclose(f);
	buf_release(&text);
	return rc;
}

int config_describe(const struct aiu_config *c, struct buf *out)
{
	buf_printf(out, "config file: %s\n", c->path[0] ? c->path : "(none)");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct ckey *k = &keys[i];
		const char *field = (const char *)c + k->off;
		buf_printf(out, "[%s] %s = ", k->section, k->key);
		switch (k->kind) {
		case C_SECRET:
			buf_puts(out, field[0] ? "(set)\n" : "(unset)\n");
			break;
		case C_STR:
		case C_URL:
			buf_printf(out, "%s\n", field);
			break;
		case C_CENTS:
		case C_DAYS: {
			int64_t v = *(const int64_t *)(const void *)field;
			if (v < 0)
				buf_puts(out, "(unset)\n");
			else
				buf_printf(out, "%lld\n", (long long)v);
			break;
		}
		}
	}
	return out->failed ? AIU_ELIMIT : AIU_OK;
}
