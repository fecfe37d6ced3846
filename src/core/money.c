/* money.c - see money.h. */
#include "core/money.h"

#include <stdio.h>
#include <string.h>

void money_format_usd(int64_t nano, char *out, size_t cap)
{
	const int64_t per_cent = NANO_PER_USD / 100;
	int64_t cents = (nano >= 0 ? nano + per_cent / 2 : nano - per_cent / 2) / per_cent;
	uint64_t a = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	uint64_t d = a / 100;
	char digits[32], grouped[48];
	size_t n, g = 0;
	snprintf(digits, sizeof(digits), "%llu", (unsigned long long)d);
	n = strlen(digits);
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			grouped[g++] = ',';
		grouped[g++] = digits[i];
	}
	grouped[g] = '\0';
	snprintf(out, cap, "%s$%s.%02llu", cents < 0 ? "-" : "", grouped,
		 (unsigned long long)(a % 100));
}

void money_format_exact(int64_t nano, char *out, size_t cap)
{
	uint64_t a = nano < 0 ? (uint64_t)0 - (uint64_t)nano : (uint64_t)nano;
	char frac[16];
	size_t n;
	snprintf(frac, sizeof(frac), "%09llu", (unsigned long long)(a % (uint64_t)NANO_PER_USD));
	n = strlen(frac);
	while (n > 2 && frac[n - 1] == '0')
		frac[--n] = '\0';
	snprintf(out, cap, "%s%llu.%s", nano < 0 ? "-" : "",
		 (unsigned long long)(a / (uint64_t)NANO_PER_USD), frac);
}
