/* money.h - exact money formatting. Amounts are integer nano-dollars
 * (1 USD = 10^9); nothing here goes through floating point. */
#ifndef AIU_MONEY_H
#define AIU_MONEY_H

#include <stddef.h>
#include <stdint.h>

#define NANO_PER_USD 1000000000LL

/* "$1,234.57" (rounded half away from zero to the cent; "-$0.50"). */
void money_format_usd(int64_t nano, char *out, size_t cap);
/* "1234.567890123" (exact, no rounding; for CSV/JSON). */
void money_format_exact(int64_t nano, char *out, size_t cap);

#endif
