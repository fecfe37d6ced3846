/* test_tz.c - src/core/tz.c against glibc (TZ=name, tzset, localtime_r as
 * the oracle), plus day starts around DST changes, name validation and
 * corrupt TZif files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/timeutil.h"
#include "core/tz.h"

static const char *const zones[] = {
	"UTC", "Europe/London", "Europe/Paris", "America/New_York", "America/Los_Angeles",
	"America/Sao_Paulo", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe",
	"Australia/Adelaide", "Pacific/Chatham", "Pacific/Apia", "Asia/Tokyo",
	"Africa/Casablanca", "America/St_Johns", "America/Havana",
};
#define NZONES (sizeof(zones) / sizeof(zones[0]))

static const char *zonedir(void)
{
	return "/usr/share/zoneinfo";
}

/* ---- the glibc oracle ---------------------------------------------------- */

/* The oracle reads $TZDIR too, so both sides see the same files. */
static void oracle_zone(const char *name)
{
	if (name)
		setenv("TZ", name, 1);
	else
		unsetenv("TZ");
	tzset();
}

static long oracle_off(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	assert_non_null(localtime_r(&tt, &tm));
	return tm.tm_gmtoff;
}

static int64_t oracle_day(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	assert_non_null(localtime_r(&tt, &tm));
	return days_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday);
}

static int64_t ymd(int y, unsigned m, unsigned d)
{
	return days_from_civil(y, m, d) * 86400;
}

static int64_t iso_ms(const char *s)
{
	int64_t ms = 0;
	assert_int_equal(parse_rfc3339_ms(s, strlen(s), &ms), 0);
	return ms;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static struct tz *must_load(const char *name)
{
	struct aiu_err err = { 0 };
	struct tz *z = NULL;
	int rc = tz_load(name, &z, &err);
	if (rc != 0)
		print_error("tz_load(%s): %d %s\n", name, rc, err.msg);
	assert_int_equal(rc, 0);
	assert_non_null(z);
	return z;
}

static long n_checks;

/* Checks offset, 15-minute alignment (if q15) and local day at t. */
static void check_at(const struct tz *z, const char *what, int64_t t, int q15)
{
	long want = oracle_off(t);
	int32_t got = tz_offset_at(z, t);
	int64_t wday = oracle_day(t);
	if (got != want) {
		print_error("%s: offset at %lld: got %d, glibc %ld\n", what, (long long)t, got, want);
		fail();
	}
	if (q15 && got % 900 != 0) {
		print_error("%s: offset %d at %lld not a multiple of 15 min\n", what, got, (long long)t);
		fail();
	}
	if (tz_local_day(z, t * 1000) != wday || tz_local_day(z, t * 1000 + 999) != wday) {
		print_error("%s: local day at %lld: got %lld, glibc %lld\n", what, (long long)t,
			    (long long)tz_local_day(z, t * 1000), (long long)wday);
		fail();
	}
	n_checks++;
}

/* Grid + random instants in [lo, hi), and t-1, t, t+1 around every change
 * of the oracle's offset in [tlo, thi). Returns the number of changes. */
static int compare_zone(const struct tz *z, const char *what, int64_t lo, int64_t hi,
			int64_t tlo, int64_t thi, int npts, int q15)
{
	int changes = 0;
	int64_t step = (hi - lo) / npts + 1;
	for (int64_t t = lo; t < hi; t += step)
		check_at(z, what, t, q15);
	for (int i = 0; i < npts / 2; i++)
		check_at(z, what, lo + (int64_t)(rnd() % (uint64_t)(hi - lo)), q15);
	for (int64_t t = tlo; t < thi; t += 1800) {
		long a = oracle_off(t), b = oracle_off(t + 1800);
		int64_t l = t, h = t + 1800; /* off(l) == a, off(h) != a */
		if (a == b)
			continue;
		while (h - l > 1) {
			int64_t m = l + (h - l) / 2;
			if (oracle_off(m) == a)
				l = m;
			else
				h = m;
		}
		for (int64_t d = -2; d <= 2; d++)
			check_at(z, what, h + d, q15);
		changes++;
	}
	return changes;
}

static void test_zones_match_glibc(void **state)
{
	(void)state;
	n_checks = 0;
	for (size_t i = 0; i < NZONES; i++) {
		struct tz *z = must_load(zones[i]);
		int ch;
		assert_string_equal(tz_name(z), zones[i]);
		oracle_zone(zones[i]);
		ch = compare_zone(z, zones[i], ymd(1990, 1, 1), ymd(2041, 1, 1), ymd(2024, 1, 1),
				  ymd(2028, 1, 1), 6000, 1);
		/* zones with DST in 2024-2027 must have shown their changes */
		if (!strcmp(zones[i], "Europe/Paris") || !strcmp(zones[i], "America/New_York") ||
		    !strcmp(zones[i], "Australia/Lord_Howe") || !strcmp(zones[i], "Pacific/Chatham"))
			assert_int_equal(ch, 8);
		if (!strcmp(zones[i], "UTC") || !strcmp(zones[i], "Asia/Tokyo"))
			assert_int_equal(ch, 0);
		tz_free(z);
	}
	assert_true(n_checks > 100000);
}

/* POSIX TZ strings (the TZif footer language) against glibc's parser.
 * Rules whose changes cross a year boundary are left out of the
 * comparison: glibc only looks at the rule of the instant's UTC year and
 * so misses e.g. the "permanent DST" idiom, which is checked by hand. */
static void test_posix_strings(void **state)
{
	static const char *const specs[] = {
		"CET-1CEST,M3.5.0,M10.5.0/3", "<-03>3", "EST5EDT,M3.2.0,M11.1.0",
		"PST8PDT,M3.2.0,M11.1.0", "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
		"<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45", "NST3:30NDT,M3.2.0,M11.1.0",
		"XXX3YYY,J60/2,J300/2", "XXX3YYY,59/2,299/2", "XXX-3YYY,J1/5,J365/20",
		"XXX3YYY,0/5,364/1", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0",
		"<+0330>-3:30<+0430>,J79/24,J263/24", "IST-2IDT,M3.4.4/26,M10.5.0",
		"AAA+5:30", "<+13>-13<+14>,M9.5.0/3,M4.1.0/4",
		"ACST-9:30ACDT,M10.1.0,M4.1.0/3", "WGT3WGST,M3.5.0/-2,M10.5.0/-1",
		"AAA4BBB3:15:30,M2.1.1/-167,M10.5.6/167", "AAA-14BBB-15,M1.1.0,M12.5.6",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct aiu_err err = { 0 };
		struct tz *z = NULL;
		int rc = tz_load_posix(specs[i], &z, &err);
		if (rc)
			print_error("%s: %s\n", specs[i], err.msg);
		assert_int_equal(rc, 0);
		assert_string_equal(tz_name(z), specs[i]);
		oracle_zone(specs[i]);
		compare_zone(z, specs[i], ymd(1970, 1, 1), ymd(2100, 1, 1), ymd(2024, 1, 1),
			     ymd(2029, 1, 1), 3000, 0);
		tz_free(z);
	}
	{
		struct tz *z = NULL;
		assert_int_equal(tz_load_posix("EST5EDT,0/0,J365/25", &z, NULL), 0);
		for (int64_t t = ymd(1970, 1, 1); t < ymd(2100, 1, 1); t += 3600 * 7 + 1)
			assert_int_equal(tz_offset_at(z, t), -4 * 3600);
		assert_int_equal(tz_day_start_ms(z, days_from_civil(2025, 1, 1)),
				 iso_ms("2025-01-01T04:00:00Z"));
		tz_free(z);
	}
	static const char *const bad[] = { "", "AB3", "ABC", "ABC25", "ABC3DEF,M13.1.0,M1.1.0",
					   "ABC3DEF,M3.6.0,M1.1.0", "ABC3DEF,J0,J1",
					   "ABC3DEF,366,1", "ABC3DEF,M3.2.0/168,M11.1.0",
					   "ABC3DEF,M3.2.0", "<>3", "<AB3", "ABC3:60",
					   "ABC3DEF,M3.2.0,M11.1.0x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tz *z = (struct tz *)&z;
		assert_int_equal(tz_load_posix(bad[i], &z, NULL), AIU_EARG);
		assert_null(z);
	}
}

/* Every TZif file of the system (but right/: leap seconds) loads and agrees
 * with glibc from 1900 to 2100. */
static int walk(const char *dir, const char *rel, int *nz)
{
	char path[4096], sub[512];
	struct dirent *de;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		struct stat st;
		char magic[4];
		FILE *f;
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "right") || !strcmp(de->d_name, "posix"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		if (stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(path, sub, nz);
			continue;
		}
		if (!(f = fopen(path, "rb")))
			continue;
		if (fread(magic, 1, 4, f) == 4 && !memcmp(magic, "TZif", 4) &&
		    strcmp(sub, "posixrules") && strcmp(sub, "localtime")) {
			struct tz *z = must_load(sub);
			oracle_zone(sub);
			compare_zone(z, sub, ymd(1900, 1, 1), ymd(2100, 1, 1), ymd(2025, 1, 1),
				     ymd(2026, 1, 1), 300, 0);
			tz_free(z);
			(*nz)++;
		}
		fclose(f);
	}
	closedir(d);
	return *nz;
}

static void test_all_system_zones(void **state)
{
	int nz = 0;
	(void)state;
	walk(zonedir(), "", &nz);
	print_message("compared %d system zones\n", nz);
	assert_true(nz >= 300);
}

static void check_day_start(const struct tz *z, const char *name, int64_t day);

/* Debian may ship "slim" TZif files (few transitions; the footer rule
 * covers current dates). Build them with zic when it is installed. */
static void test_slim_files(void **state)
{
	char dir[] = "/tmp/aiu_tzslim_XXXXXX", cmd[256];
	const char *zic = access("/usr/sbin/zic", X_OK) == 0 ? "/usr/sbin/zic" : "zic";
	struct stat fat, slim;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "%s -b slim -d %s %s/tzdata.zi 2>/dev/null", zic, dir,
		 zonedir());
	if (system(cmd) != 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		assert_int_equal(system(cmd), 0);
		skip();
	}
	setenv("TZDIR", dir, 1);
	snprintf(cmd, sizeof(cmd), "%s/Europe/Paris", dir);
	assert_int_equal(stat(cmd, &slim), 0);
	assert_int_equal(stat("/usr/share/zoneinfo/Europe/Paris", &fat), 0);
	print_message("Europe/Paris: slim %lld bytes, system %lld bytes\n",
		      (long long)slim.st_size, (long long)fat.st_size);
	for (size_t i = 0; i < NZONES; i++) {
		struct tz *z = must_load(zones[i]);
		oracle_zone(zones[i]);
		compare_zone(z, zones[i], ymd(1990, 1, 1), ymd(2041, 1, 1), ymd(2024, 1, 1),
			     ymd(2028, 1, 1), 3000, 1);
		for (int64_t d = days_from_civil(2024, 1, 1); d < days_from_civil(2028, 1, 1); d++)
			check_day_start(z, zones[i], d);
		tz_free(z);
	}
	unsetenv("TZDIR");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- day starts ----------------------------------------------------------- */

/* start must be the first instant whose local day (per glibc) is >= day. */
static void check_day_start(const struct tz *z, const char *name, int64_t day)
{
	int64_t s = tz_day_start_ms(z, day);
	assert_int_equal(s % 1000, 0);
	if (oracle_day(s / 1000) < day || oracle_day(s / 1000 - 1) >= day) {
		print_error("%s: day %lld starts at %lld? (days %lld, %lld before)\n", name,
			    (long long)day, (long long)s, (long long)oracle_day(s / 1000),
			    (long long)oracle_day(s / 1000 - 1));
		fail();
	}
	assert_true(tz_local_day(z, s) >= day);
	assert_true(tz_local_day(z, s - 1) < day);
}

static void test_day_start(void **state)
{
	static const struct {
		const char *zone, *day, *start;
	} known[] = {
		{ "UTC", "2025-06-01", "2025-06-01T00:00:00Z" },
		{ "Europe/Paris", "2025-03-30", "2025-03-29T23:00:00Z" },
		{ "Europe/Paris", "2025-10-26", "2025-10-25T22:00:00Z" },
		{ "America/Sao_Paulo", "2018-11-04", "2018-11-04T03:00:00Z" }, /* 00:00 skipped */
		{ "America/Sao_Paulo", "2019-02-17", "2019-02-17T03:00:00Z" }, /* 24:00 -> 23:00 */
		{ "America/Sao_Paulo", "2019-02-16", "2019-02-16T02:00:00Z" },
		{ "America/Sao_Paulo", "2025-11-02", "2025-11-02T03:00:00Z" }, /* no DST since 2019 */
		{ "America/Havana", "2024-03-10", "2024-03-10T05:00:00Z" },    /* 00:00 skipped */
		{ "America/Havana", "2024-11-03", "2024-11-03T04:00:00Z" },
		{ "America/Havana", "2026-03-08", "2026-03-08T05:00:00Z" },    /* footer rule */
		{ "Pacific/Apia", "2011-12-30", "2011-12-30T10:00:00Z" },      /* day skipped */
		{ "Pacific/Apia", "2011-12-31", "2011-12-30T10:00:00Z" },
		{ "Asia/Kathmandu", "2025-01-01", "2024-12-31T18:15:00Z" },
		{ "Pacific/Chatham", "2025-09-28", "2025-09-27T11:15:00Z" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		struct tz *z = must_load(known[i].zone);
		int64_t day;
		assert_int_equal(parse_day_arg(known[i].day, &day), 0);
		if (tz_day_start_ms(z, day) != iso_ms(known[i].start)) {
			char got[32];
			format_iso_ms(tz_day_start_ms(z, day), got, sizeof(got));
			print_error("%s %s: got %s want %s\n", known[i].zone, known[i].day, got,
				    known[i].start);
			fail();
		}
		tz_free(z);
	}
	/* exhaustively, against glibc */
	for (size_t i = 0; i < NZONES; i++) {
		struct tz *z = must_load(zones[i]);
		int hist = !strcmp(zones[i], "America/Sao_Paulo") ||
			   !strcmp(zones[i], "America/Havana") || !strcmp(zones[i], "Pacific/Apia");
		oracle_zone(zones[i]);
		for (int64_t d = days_from_civil(hist ? 1985 : 2023, 1, 1);
		     d < days_from_civil(2031, 1, 1); d++)
			check_day_start(z, zones[i], d);
		tz_free(z);
	}
}

/* ---- names, local zone, errors -------------------------------------------- */

static void expect_err(const char *name, int code, const char *msg)
{
	struct aiu_err err = { 0 };
	struct tz *z = (struct tz *)&err;
	int rc = tz_load(name, &z, &err);
	if (rc != code)
		print_error("tz_load(%s) = %d (%s), want %d\n", name, rc, err.msg, code);
	assert_int_equal(rc, code);
	assert_null(z);
	if (msg && !strstr(err.msg, msg)) {
		print_error("message '%s' lacks '%s'\n", err.msg, msg);
		fail();
	}
}

static void test_bad_names(void **state)
{
	char longname[300];
	(void)state;
	unsetenv("TZDIR");
	expect_err("Mars/Base", AIU_EARG, "unknown time zone 'Mars/Base'");
	expect_err("../etc/passwd", AIU_EARG, "invalid time zone name");
	expect_err("Europe/../../etc/passwd", AIU_EARG, NULL);
	expect_err("/etc/passwd", AIU_EARG, NULL);
	expect_err("/usr/share/zoneinfo/Europe/Paris", AIU_EARG, NULL);
	expect_err("Europe", AIU_EARG, "unknown time zone"); /* a directory */
	expect_err("Europe/Paris\n", AIU_EARG, NULL);
	expect_err("Europe/Paris,M3", AIU_EARG, NULL);
	if (access("/usr/share/zoneinfo/zone.tab", R_OK) == 0)
		expect_err("zone.tab", AIU_EPARSE, "corrupt"); /* exists, not TZif */
	memset(longname, 'A', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	expect_err(longname, AIU_EARG, NULL);
	longname[TZ_NAME_MAX] = '\0'; /* valid length, unknown */
	expect_err(longname, AIU_EARG, "unknown");
}

static void test_local(void **state)
{
	struct tz *z;
	int64_t now = now_ms() / 1000;
	(void)state;
	unsetenv("TZDIR");
	setenv("TZ", "Europe/Paris", 1);
	z = must_load(NULL);
	assert_string_equal(tz_name(z), "Europe/Paris");
	tz_free(z);
	setenv("TZ", ":Asia/Tokyo", 1);
	z = must_load("local");
	assert_string_equal(tz_name(z), "Asia/Tokyo");
	assert_int_equal(tz_offset_at(z, now), 32400);
	tz_free(z);
	setenv("TZ", "/usr/share/zoneinfo/Asia/Kolkata", 1);
	z = must_load("");
	assert_string_equal(tz_name(z), "Asia/Kolkata");
	assert_int_equal(tz_offset_at(z, now), 19800);
	tz_free(z);
	setenv("TZ", "", 1);
	z = must_load(NULL);
	assert_int_equal(tz_offset_at(z, now), 0);
	tz_free(z);
	setenv("TZ", "<+0545>-5:45", 1);
	z = must_load(NULL);
	assert_int_equal(tz_offset_at(z, now), 20700);
	tz_free(z);
	setenv("TZ", "/etc/passwd", 1);
	expect_err(NULL, AIU_EARG, "outside");
	setenv("TZ", "Mars/Base", 1);
	expect_err(NULL, AIU_EARG, "unknown time zone 'Mars/Base'");
	setenv("TZ", ":../etc/passwd", 1);
	expect_err("local", AIU_EARG, NULL);
	/* no $TZ: the system default zone, same as glibc */
	oracle_zone(NULL);
	z = must_load(NULL);
	for (int64_t t = ymd(2020, 1, 1); t < ymd(2030, 1, 1); t += 86400 * 7 + 3599)
		check_at(z, "local", t, 0);
	assert_true(strlen(tz_name(z)) > 0);
	tz_free(z);
	setenv("TZ", ":", 1);
	z = must_load(NULL);
	check_at(z, "TZ=:", now, 0);
	tz_free(z);
	unsetenv("TZ");
}

/* ---- corrupt files ----------------------------------------------------------- */

static void write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[512];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static unsigned char *read_all(const char *path, size_t *n)
{
	static unsigned char buf[1 << 16];
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	*n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_true(*n > 44 && *n < sizeof(buf));
	return buf;
}

static void test_corrupt(void **state)
{
	char dir[] = "/tmp/aiu_tz_XXXXXX", path[512];
	static unsigned char big[TZ_FILE_MAX + 10], junk[1000], mut[1 << 16];
	static const char *const files[] = { "Garbage", "Empty", "Half", "Big", "Counts",
					     "Footer", "Good" };
	unsigned char hdr[64] = "TZif2";
	size_t n;
	unsigned char *paris = read_all("/usr/share/zoneinfo/Europe/Paris", &n);
	struct tz *z = NULL;
	(void)state;

	assert_non_null(mkdtemp(dir));
	setenv("TZDIR", dir, 1);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)rnd();
	write_file(dir, "Garbage", junk, sizeof(junk));
	write_file(dir, "Empty", "", 0);
	write_file(dir, "Half", paris, n / 2);
	memcpy(big, paris, n);
	write_file(dir, "Big", big, sizeof(big));
	hdr[35] = 0xff; hdr[34] = 0xff; hdr[33] = 0xff; hdr[32] = 0xff; /* timecnt */
	hdr[39] = 1;
	write_file(dir, "Counts", hdr, sizeof(hdr));
	memcpy(mut, paris, n);
	memcpy(mut + n - 12, "garbage!!!!\n", 12);
	write_file(dir, "Footer", mut, n);
	write_file(dir, "Good", paris, n);

	expect_err("Garbage", AIU_EPARSE, "corrupt TZif");
	expect_err("Empty", AIU_EPARSE, "truncated");
	expect_err("Half", AIU_EPARSE, NULL);
	expect_err("Big", AIU_ELIMIT, NULL);
	expect_err("Counts", AIU_EPARSE, NULL);
	expect_err("Footer", AIU_EPARSE, "footer");
	expect_err("Europe/Paris", AIU_EARG, "unknown"); /* TZDIR is honoured */
	z = must_load("Good");
	assert_int_equal(tz_offset_at(z, ymd(2026, 7, 1)), 7200);
	assert_int_equal(tz_offset_at(z, INT64_MIN), tz_offset_at(z, ymd(1800, 1, 1)));
	assert_int_equal(tz_offset_at(z, INT64_MAX), 3600);
	assert_int_equal(tz_local_ms(z, INT64_MAX), INT64_MAX);
	(void)tz_day_start_ms(z, INT64_MIN);
	tz_free(z);

	/* every strict prefix of a real file is an error, never a crash */
	for (size_t k = 0; k < n; k++) {
		z = (struct tz *)&z;
		assert_true(tz_load_tzif(paris, k, "prefix", &z, NULL) < 0);
		assert_null(z);
	}
	/* random byte damage: an error or a usable zone, never a crash */
	for (int it = 0; it < 3000; it++) {
		memcpy(mut, paris, n);
		for (int f = 0; f < 1 + it % 4; f++)
			mut[rnd() % n] = (unsigned char)rnd();
		if (tz_load_tzif(mut, n, "mutant", &z, NULL) == 0) {
			for (int64_t t = ymd(1900, 1, 1); t < ymd(2100, 1, 1); t += 86400 * 400)
				(void)tz_local_day(z, t * 1000);
			(void)tz_day_start_ms(z, 20000);
			(void)tz_offset_at(z, INT64_MIN);
			(void)tz_offset_at(z, INT64_MAX);
			(void)tz_local_day(z, INT64_MIN);
			(void)tz_day_start_ms(z, INT64_MAX);
			tz_free(z);
		}
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	assert_int_equal(rmdir(dir), 0);
	unsetenv("TZDIR");
}

/* ---- concurrency ----------------------------------------------------------- */

static struct tz *shared_z;
static void *worker(void *arg)
{
	long bad = 0;
	(void)arg;
	for (int64_t t = ymd(2020, 1, 1); t < ymd(2030, 1, 1); t += 3607) {
		int64_t d = tz_local_day(shared_z, t * 1000);
		if (tz_day_start_ms(shared_z, d) > t * 1000)
			bad++;
	}
	return (void *)bad;
}

static void test_threads(void **state)
{
	pthread_t th[4];
	(void)state;
	shared_z = must_load("America/Sao_Paulo");
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *r;
		assert_int_equal(pthread_join(th[i], &r), 0);
		assert_null(r);
	}
	tz_free(shared_z);
	tz_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zones_match_glibc),
		cmocka_unit_test(test_posix_strings),
		cmocka_unit_test(test_all_system_zones),
		cmocka_unit_test(test_slim_files),
		cmocka_unit_test(test_day_start),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_local),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_threads),
	};
	unsetenv("TZDIR"); /* compare against the system's zoneinfo */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
