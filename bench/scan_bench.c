/* scan_bench.c - throughput of the two transcript line parsers.
 *
 * Usage: scan_bench DIR [scan|json|both] [list]
 *
 * Reads every *.jsonl under DIR (sorted by path) with a 1 MiB read buffer
 * (grown only for a longer line), splits lines with memchr and runs
 * (a) cc_scan_line and (b) cc_json_parse_line over all of them, one full
 * pass each. Prints MB/s (10^6 bytes/s) for the pass (wall clock, reads
 * included; warm page cache assumed) and for the parser calls alone, the
 * number of rejected lines, and token sums as a cross-check that both
 * parsers extracted the same numbers. Whitespace-only lines are skipped, as
 * ingest does. "list" prints every rejected line as FILE:LINE: message.
 * Standalone: not part of the CMake build.
 *
 * Build: gcc -std=c11 -D_GNU_SOURCE -O2 -Isrc bench/scan_bench.c
 *        src/ingest/cc_scan.c src/ingest/cc_json.c src/core/err.c
 *        src/core/timeutil.c src/core/strutil.c -ljansson -o scan_bench
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "ingest/cc_json.h"
#include "ingest/cc_scan.h"

#define READ_BUF (1u << 20)

static char **files;
static size_t nfiles, capfiles;
static int list_rejects;

static int collect(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	size_t n = strlen(path);
	(void)sb;
	(void)ftw;
	if (type != FTW_F || n < 6 || strcmp(path + n - 6, ".jsonl") != 0)
		return 0;
	if (nfiles == capfiles) {
		capfiles = capfiles ? capfiles * 2 : 256;
		if (!(files = realloc(files, capfiles * sizeof(*files))))
			return -1;
	}
	if (!(files[nfiles++] = strdup(path)))
		return -1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct pass {
	const char *name;
	struct cc_scanner *scan;
	struct cc_json_state *js;
	uint64_t bytes, lines, blank, rejected;
	int64_t in, out, cw, cr, usage_lines, tools;
	double parse_s;
	uint64_t *rej;       /* (file index << 32 | line number) of rejected lines */
	size_t nrej, caprej;
	char first_err[5][300];
};

static void one_line(struct pass *ps, size_t fi, uint64_t ln, const char *l, size_t n)
{
	struct cc_record rec;
	struct cc_parse_error perr;
	size_t i = 0;
	double t0;
	int rc;

	while (i < n && (l[i] == ' ' || l[i] == '\t' || l[i] == '\r'))
		i++;
	if (i == n) {
		ps->blank++;
		return;
	}
	ps->lines++;
	t0 = now_s();
	rc = ps->scan ? cc_scan_line(ps->scan, l, n, &rec, &perr)
		      : cc_json_parse_line(ps->js, l, n, &rec, &perr);
	ps->parse_s += now_s() - t0;
	if (rc < 0) {
		if (list_rejects)
			printf("%s rejects %s:%llu: column %u: %s\n", ps->name, files[fi],
			       (unsigned long long)ln, perr.column, perr.msg);
		if (ps->rejected < 5)
			snprintf(ps->first_err[ps->rejected], sizeof(ps->first_err[0]),
				 "%s:%llu: column %u: %s", files[fi], (unsigned long long)ln,
				 perr.column, perr.msg);
		ps->rejected++;
		if (ps->nrej == ps->caprej) {
			ps->caprej = ps->caprej ? ps->caprej * 2 : 256;
			if (!(ps->rej = realloc(ps->rej, ps->caprej * sizeof(*ps->rej)))) {
				perror("realloc");
				exit(1);
			}
		}
		ps->rej[ps->nrej++] = ((uint64_t)fi << 32) | ln;
		return;
	}
	if (rec.has_usage && rec.type == CC_ASSISTANT) {
		ps->usage_lines++;
		ps->in += rec.input;
		ps->out += rec.output;
		ps->cw += rec.cache_write;
		ps->cr += rec.cache_read;
	}
	ps->tools += rec.n_tools + rec.n_tools_dropped;
}

static int run_file(struct pass *ps, size_t fi, char **buf, size_t *cap)
{
	size_t have = 0;
	uint64_t ln = 0;
	int fd = open(files[fi], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(files[fi]);
		return -1;
	}
	for (;;) {
		ssize_t got;
		size_t start = 0;
		char *nl;
		if (have == *cap) { /* a line longer than the buffer */
			*cap *= 2;
			if (!(*buf = realloc(*buf, *cap))) {
				perror("realloc");
				exit(1);
			}
		}
		got = read(fd, *buf + have, *cap - have);
		if (got < 0) {
			perror(files[fi]);
			close(fd);
			return -1;
		}
		if (got == 0) {
			if (have) /* last line without a newline */
				one_line(ps, fi, ++ln, *buf, have);
			break;
		}
		ps->bytes += (uint64_t)got;
		have += (size_t)got;
		while ((nl = memchr(*buf + start, '\n', have - start))) {
			one_line(ps, fi, ++ln, *buf + start, (size_t)(nl - (*buf + start)));
			start = (size_t)(nl - *buf) + 1;
		}
		memmove(*buf, *buf + start, have - start);
		have -= start;
	}
	close(fd);
	return 0;
}

static void run_pass(struct pass *ps)
{
	size_t cap = READ_BUF;
	char *buf = malloc(cap);
	double t0, wall;

	if (!buf) {
		perror("malloc");
		exit(1);
	}
	t0 = now_s();
	for (size_t i = 0; i < nfiles; i++)
		if (run_file(ps, i, &buf, &cap) < 0)
			exit(1);
	wall = now_s() - t0;
	free(buf);
	printf("%-5s %llu bytes, %llu lines (%llu blank): %.3f s wall = %.0f MB/s; "
	       "parser alone %.3f s = %.0f MB/s; rejected %llu\n",
	       ps->name, (unsigned long long)ps->bytes, (unsigned long long)ps->lines,
	       (unsigned long long)ps->blank, wall, (double)ps->bytes / 1e6 / wall, ps->parse_s,
	       (double)ps->bytes / 1e6 / ps->parse_s, (unsigned long long)ps->rejected);
	printf("      assistant usage lines %lld: input %lld output %lld cache_write %lld "
	       "cache_read %lld; tool_use blocks %lld\n",
	       (long long)ps->usage_lines, (long long)ps->in, (long long)ps->out,
	       (long long)ps->cw, (long long)ps->cr, (long long)ps->tools);
	for (uint64_t i = 0; i < ps->rejected && i < 5; i++)
		printf("      e.g. %s\n", ps->first_err[i]);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct pass a, b;
	const char *which = argc > 2 ? argv[2] : "both";
	size_t only_a = 0, only_b = 0, i = 0, j = 0;

	list_rejects = argc > 3 && strcmp(argv[3], "list") == 0;
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR [scan|json|both] [list]\n", argv[0]);
		return 2;
	}
	if (nftw(argv[1], collect, 32, FTW_PHYS) != 0) {
		perror(argv[1]);
		return 1;
	}
	qsort(files, nfiles, sizeof(*files), cmp_str);
	printf("%zu .jsonl files under %s\n", nfiles, argv[1]);

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.name = "scan";
	b.name = "json";
	if (!(a.scan = cc_scanner_new()) || !(b.js = cc_json_state_new())) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	if (strcmp(which, "json") != 0)
		run_pass(&a);
	if (strcmp(which, "scan") != 0)
		run_pass(&b);
	if (strcmp(which, "both") == 0) {
		/* both lists are in (file, line) order: a merge finds the differences */
		while (i < a.nrej || j < b.nrej) {
			if (j >= b.nrej || (i < a.nrej && a.rej[i] < b.rej[j])) {
				printf("      only scan rejects %s:%u\n", files[a.rej[i] >> 32],
				       (unsigned)a.rej[i]);
				only_a++;
				i++;
			} else if (i >= a.nrej || b.rej[j] < a.rej[i]) {
				if (only_b < 10)
					printf("      only json rejects %s:%u\n", files[b.rej[j] >> 32],
					       (unsigned)b.rej[j]);
				only_b++;
				j++;
			} else {
				i++;
				j++;
			}
		}
		printf("rejected by both %zu, only by scan %zu, only by json %zu\n",
		       a.nrej - only_a, only_a, only_b);
	}
	cc_scanner_free(a.scan);
	cc_json_state_free(b.js);
	free(a.rej);
	free(b.rej);
	for (i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	return 0;
}
