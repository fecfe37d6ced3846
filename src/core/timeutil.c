/* timeutil.c - see timeutil.h. Civil algorithms after H. Hinnant. */
#include "core/timeutil.h"
#include "core/err.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

int weekday_from_days(int64_t z)
{
	return (int)(z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6);
}

static bool digits(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

static const unsigned char mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

static bool valid_date(unsigned y, unsigned mo, unsigned d)
{
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || d < 1)
		return false;
	if (mo == 2 && d == 29)
		return leap;
	return d <= mdays[mo - 1];
}

int parse_rfc3339_ms(const char *s, size_t n, int64_t *out_ms)
{
	unsigned y, mo, d, h = 0, mi = 0, se = 0, ms = 0, oh, om;
	int64_t off = 0, t;
	size_t i;

	if (n < 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
	    !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) || !valid_date(y, mo, d))
		return AIU_EPARSE;
	if (n == 10)
		goto done;
	if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || n < 19 || s[13] != ':' ||
	    s[16] != ':' || !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) ||
	    !digits(s + 17, 2, &se) || h > 23 || mi > 59 || se > 60)
		return AIU_EPARSE;
	i = 19;
	if (i < n && s[i] == '.') {
		unsigned scale = 100, nd = 0;
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			ms += (unsigned)(s[i] - '0') * scale;
			scale /= 10;
			i++;
			nd++;
		}
		if (!nd)
			return AIU_EPARSE;
	}
	if (i >= n)
		return AIU_EPARSE; /* an offset is required */
	if (s[i] == 'Z' || s[i] == 'z') {
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		if (n - i < 6 || s[i + 3] != ':' || !digits(s + i + 1, 2, &oh) ||
		    !digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
			return AIU_EPARSE;
		off = ((int64_t)oh * 60 + om) * 60000;
		if (s[i] == '-')
			off = -off;
		i += 6;
	} else {
		return AIU_EPARSE;
	}
	if (i != n)
		return AIU_EPARSE;
	if (se == 60)
		se = 59; /* leap second: clamp */
done:
	t = days_from_civil(y, mo, d) * MS_PER_DAY +
	    ((int64_t)h * 3600 + mi * 60 + se) * 1000 + ms;
	*out_ms = t - off;
	return AIU_OK;
}

int parse_day_arg(const char *s, int64_t *out_day)
{
	unsigned y, mo, d;
	size_t n = strlen(s);
	if (n == 10 && s[4] == '-' && s[7] == '-' && digits(s, 4, &y) &&
	    digits(s + 5, 2, &mo) && digits(s + 8, 2, &d))
		;
	else if (n == 8 && digits(s, 4, &y) && digits(s + 4, 2, &mo) && digits(s + 6, 2, &d))
		;
	else
		return AIU_EPARSE;
	if (!valid_date(y, mo, d))
		return AIU_EPARSE;
	*out_day = days_from_civil(y, mo, d);
	return AIU_OK;
}

void format_day(int64_t day, char *out, size_t cap)
{
	int y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(out, cap, "%04d-%02u-%02u", y, m, d);
}

void format_iso_ms(int64_t ms, char *out, size_t cap)
{
	int64_t day = ms >= 0 ? ms / MS_PER_DAY : -((-ms + MS_PER_DAY - 1) / MS_PER_DAY);
	int64_t rem = ms - day * MS_PER_DAY;
	int y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(out, cap, "%04d-%02u-%02uT%02u:%02u:%02u.%03uZ", y, m, d,
		 (unsigned)(rem / 3600000), (unsigned)(rem / 60000 % 60),
		 (unsigned)(rem / 1000 % 60), (unsigned)(rem % 1000));
}

int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
