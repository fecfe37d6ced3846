/* test_dynlib.c - the libraries loaded on first use (core/dynlib.h): a
 * missing library or symbol is a clear, once-only failure; each of the four
 * real libraries loads, and calls through the forwarding functions reach
 * them with their arguments intact, the variadic ones included (a request
 * from libcurl to a libmicrohttpd server, a ZIP read by libarchive, a
 * connection string parsed by libpq). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <microhttpd.h>

#include "core/dynlib.h"

static struct { void (*f)(void); } one_fn;
static const struct dynlib_sym one_sym[] = { { "aiu_no_such_function", 0 } };

static void t_missing_library(void **state)
{
	struct dynlib lib = DYNLIB_INIT("libaiusage-missing.so.0", "aiusage-missing-pkg", one_sym,
					&one_fn, NULL, NULL);
	(void)state;
	assert_false(dynlib_loaded(&lib));
	assert_false(dynlib_load(&lib));
	assert_non_null(strstr(dynlib_error(&lib), "libaiusage-missing.so.0"));
	assert_non_null(strstr(dynlib_error(&lib), "aiusage-missing-pkg"));
	/* tried once: later calls fail at once, without trying again */
	assert_false(dynlib_ready(&lib));
	assert_false(dynlib_loaded(&lib));
}

static void t_missing_symbol(void **state)
{
	struct dynlib lib = DYNLIB_INIT("libc.so.6", "libc6", one_sym, &one_fn, NULL, NULL);
	(void)state;
	assert_false(dynlib_load(&lib));
	assert_non_null(strstr(dynlib_error(&lib), "aiu_no_such_function"));
	assert_null(one_fn.f);
}

static int loaded_before;

/* The test binary links none of the four: nothing is loaded before use. */
static void t_nothing_loaded_before_use(void **state)
{
	(void)state;
	loaded_before = dynlib_loaded(&dynlib_curl) + dynlib_loaded(&dynlib_pq) +
			dynlib_loaded(&dynlib_mhd) + dynlib_loaded(&dynlib_archive);
	assert_int_equal(loaded_before, 0);
}

/* libmicrohttpd answers; libcurl asks (every kind of setopt argument). */
static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	static const char body[] = "hello from mhd";
	struct MHD_Response *r;
	enum MHD_Result ret;
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Test");
	(void)cls; (void)url; (void)method; (void)version; (void)upload; (void)upload_size;
	(void)con_cls;
	r = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "X-Echo", h ? h : "none");
	ret = MHD_queue_response(c, 201, r);
	MHD_destroy_response(r);
	return ret;
}

struct sink {
	char buf[256];
	size_t n;
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct sink *s = ctx;
	size_t n = size * nmemb;
	if (n > sizeof(s->buf) - 1 - s->n)
		return 0;
	memcpy(s->buf + s->n, p, n);
	s->n += n;
	s->buf[s->n] = '\0';
	return n;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct sink *s = ctx;
	return on_data(p, size, nmemb, s);
}

static void t_curl_to_mhd(void **state)
{
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	struct curl_slist *hdrs = NULL;
	struct sink body = { .n = 0 }, head = { .n = 0 };
	char url[64];
	long code = 0;
	CURL *h;
	(void)state;

	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, answer, NULL,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)4,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)5, MHD_OPTION_END);
	assert_non_null(d);
	assert_true(dynlib_loaded(&dynlib_mhd));
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(info);
	assert_true(info->port > 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/x", (unsigned)info->port);

	assert_int_equal(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
	h = curl_easy_init();
	assert_non_null(h);
	hdrs = curl_slist_append(hdrs, "X-Test: forwarded");
	assert_non_null(hdrs);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_URL, url), CURLE_OK);              /* string */
	assert_int_equal(curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L), CURLE_OK);    /* long */
	assert_int_equal(curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)4096),
			 CURLE_OK);                                                      /* off_t */
	assert_int_equal(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data), CURLE_OK); /* function */
	assert_int_equal(curl_easy_setopt(h, CURLOPT_WRITEDATA, &body), CURLE_OK);      /* object */
	assert_int_equal(curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header), CURLE_OK);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_HEADERDATA, &head), CURLE_OK);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs), CURLE_OK);       /* slist */
	assert_int_equal(curl_easy_perform(h), CURLE_OK);
	assert_int_equal(curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code), CURLE_OK);
	assert_int_equal(code, 201);
	assert_string_equal(body.buf, "hello from mhd");
	assert_non_null(strstr(head.buf, "X-Echo: forwarded"));
	assert_true(dynlib_loaded(&dynlib_curl));
	/* a refused option is the library's own error, not the loader's */
	assert_int_equal(curl_easy_setopt(h, (CURLoption)9999, 1L), CURLE_UNKNOWN_OPTION);
	assert_non_null(strstr(curl_easy_strerror(CURLE_UNKNOWN_OPTION), "nknown"));
	assert_int_equal(curl_getdate("Sun, 06 Nov 1994 08:49:37 GMT", NULL), 784111777);
	curl_easy_reset(h);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	MHD_stop_daemon(d);
}

/* A stored ZIP holding a.txt = "hello zip\n" (made by Python's zipfile). */
static const unsigned char zip[] = {
	0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a, 0x7d, 0x7e, 0x5d, 0x48, 0xc9,
	0x11, 0x48, 0x0a, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x61, 0x2e,
	0x74, 0x78, 0x74, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x20, 0x7a, 0x69, 0x70, 0x0a, 0x50, 0x4b, 0x01,
	0x02, 0x14, 0x03, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a, 0x7d, 0x7e, 0x5d, 0x48, 0xc9, 0x11,
	0x48, 0x0a, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x61, 0x2e, 0x74, 0x78, 0x74,
	0x50, 0x4b, 0x05, 0x06, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x33, 0x00, 0x00, 0x00,
	0x2d, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void t_archive(void **state)
{
	struct archive *a;
	struct archive_entry *e;
	char buf[64] = { 0 };
	(void)state;

	a = archive_read_new();
	assert_non_null(a);
	assert_true(dynlib_loaded(&dynlib_archive));
	assert_int_equal(archive_read_support_format_zip(a), ARCHIVE_OK);
	assert_int_equal(archive_read_open_memory(a, zip, sizeof(zip)), ARCHIVE_OK);
	assert_int_equal(archive_read_next_header(a, &e), ARCHIVE_OK);
	assert_string_equal(archive_entry_pathname(e), "a.txt");
	assert_int_equal(archive_entry_filetype(e), AE_IFREG);
	assert_true(archive_entry_size_is_set(e));
	assert_int_equal(archive_entry_size(e), 10);
	assert_int_equal(archive_read_data(a, buf, sizeof(buf) - 1), 10);
	assert_string_equal(buf, "hello zip\n");
	assert_int_equal(archive_read_next_header(a, &e), ARCHIVE_EOF);
	assert_int_equal(archive_read_free(a), ARCHIVE_OK);

	/* a file that is not there: libarchive's own message */
	a = archive_read_new();
	archive_read_support_format_zip(a);
	assert_int_equal(archive_read_open_filename(a, "/nonexistent/x.zip", 10240), ARCHIVE_FATAL);
	assert_non_null(archive_error_string(a));
	archive_read_free(a);
}

static void t_pq(void **state)
{
	char *msg = NULL;
	PQconninfoOption *o;
	const char *host = NULL, *db = NULL;
	(void)state;

	o = PQconninfoParse("host=127.0.0.1 dbname=aiu_test", &msg);
	assert_non_null(o);
	assert_true(dynlib_loaded(&dynlib_pq));
	for (PQconninfoOption *p = o; p->keyword; p++) {
		if (strcmp(p->keyword, "host") == 0)
			host = p->val;
		if (strcmp(p->keyword, "dbname") == 0)
			db = p->val;
	}
	assert_string_equal(host, "127.0.0.1");
	assert_string_equal(db, "aiu_test");
	PQconninfoFree(o);
	/* a malformed string: libpq's message, freed with PQfreemem */
	msg = NULL;
	assert_null(PQconninfoParse("nonsense", &msg));
	assert_non_null(msg);
	PQfreemem(msg);
	assert_true(pg_char_to_encoding("UTF8") >= 0);
	assert_int_equal(PQstatus(NULL), CONNECTION_BAD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_missing_library),
		cmocka_unit_test(t_missing_symbol),
		cmocka_unit_test(t_nothing_loaded_before_use),
		cmocka_unit_test(t_curl_to_mhd),
		cmocka_unit_test(t_archive),
		cmocka_unit_test(t_pq),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	dynlib_cleanup();
	return rc;
}
