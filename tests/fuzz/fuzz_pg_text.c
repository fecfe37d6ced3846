/* fuzz_pg_text.c - libFuzzer target for the PostgreSQL backend's handling
 * of outside text: pgp_text (strings from transcripts and file paths,
 * made acceptable to a UTF8 database) and store_pg_redact (the --db URI).
 * Properties: the text sent is always valid UTF-8 without NUL, equals the
 * input when the input already was; a redacted URI is terminated and never
 * longer than the buffer. Checked against an independent decoder. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_pg_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Independent check: decode code points, reject overlong forms, surrogates,
 * values above U+10FFFF and NUL. */
static bool valid_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], len, cp;
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xE0) == 0xC0) {
			len = 2;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (unsigned k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return false;
		i += len;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pgp p;
	char *z = malloc(size + 1), red[64];
	const char *out;
	if (!z)
		return 0;
	memcpy(z, data, size);
	z[size] = '\0';

	pgp_reset(&p);
	pgp_text(&p, (const char *)data, size);      /* counted, not terminated */
	pgp_text(&p, z, SIZE_MAX);                   /* terminated */
	for (int i = 0; i < 2; i++) {
		out = p.v[i];
		if (!out) /* only when out of memory */
			continue;
		if (!valid_utf8((const unsigned char *)out, strlen(out)))
			abort();
	}
	if (valid_utf8(data, size) && p.v[0] && (strlen(p.v[0]) != size || memcmp(p.v[0], data, size)))
		abort();
	pgp_reset(&p);

	store_pg_redact(z, red, sizeof(red));
	if (strlen(red) >= sizeof(red))
		abort();
	free(z);
	return 0;
}
