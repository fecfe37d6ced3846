/* cc_pipe.c - see cc_pipe.h. */
#include "ingest/cc_pipe.h"
#include "core/err.h"
#include "ingest/cc_json.h"
#include "ingest/cc_scan.h"
#include "ingest/linereader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>

#define CHUNK (64u << 10)
#define BATCH_BYTES (1 << 20)      /* input bytes per batch */
#define BATCH_ITEMS 8192
#define QUEUE_MAX 40
/* Readers run this much nicer than the writer (Linux: per-thread nice).
 * They are ahead of it (their queues fill and they wait), while the writer
 * is the critical path; with two readers and a writer on two cores, equal
 * priority let the readers take the writer's CPU. Measured on the 1 GiB
 * reference corpus, ten alternating first syncs each: median 1.02 s at +5
 * against 1.05 s at +0. */
#define READER_NICE 5

struct cc_arena_chunk {
	struct cc_arena_chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

/* Bump allocation in the batch arena; chunks never move. */
static void *arena_alloc(struct cc_batch *b, size_t n)
{
	struct cc_arena_chunk *c = b->chunks;
	n = (n + 15) & ~(size_t)15;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > CHUNK ? n : CHUNK;
		if (!(c = malloc(sizeof(*c) + cap)))
			return NULL;
		c->used = 0;
		c->cap = cap;
		c->next = b->chunks;
		b->chunks = c;
	}
	c->used += n;
	return c->data + c->used - n;
}

void cc_batch_free(struct cc_batch *b)
{
	if (!b)
		return;
	while (b->chunks) {
		struct cc_arena_chunk *n = b->chunks->next;
		free(b->chunks);
		b->chunks = n;
	}
	free(b->items);
	free(b);
}

static struct cc_item *add_item(struct cc_batch *b)
{
	if (b->n == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 1024;
		struct cc_item *nv = realloc(b->items, ncap * sizeof(*nv));
		if (!nv)
			return NULL;
		b->items = nv;
		b->cap = ncap;
	}
	memset(&b->items[b->n], 0, sizeof(b->items[0]));
	return &b->items[b->n++];
}

static int copy_str(struct cc_batch *b, struct cc_str *s)
{
	char *d;
	if (!s->n) {
		s->p = "";
		return 0;
	}
	if (!(d = arena_alloc(b, s->n)))
		return -1;
	memcpy(d, s->p, s->n);
	s->p = d;
	return 0;
}

/* Deep-copies the part of r that matters (only n_tools tool slots). */
static const struct cc_record *copy_record(struct cc_batch *b, const struct cc_record *r)
{
	size_t sz = offsetof(struct cc_record, tools) + r->n_tools * sizeof(struct cc_tool);
	struct cc_record *c = arena_alloc(b, sz);
	struct cc_str *strs[] = { &c->type_raw, &c->uuid, &c->session_id, &c->cwd, &c->git_branch,
				  &c->version, &c->request_id, &c->agent_id, &c->msg_id, &c->model,
				  &c->role, &c->service_tier, &c->speed };
	if (!c)
		return NULL;
	memcpy(c, r, sz);
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (copy_str(b, strs[i]) < 0)
			return NULL;
	for (uint32_t i = 0; i < c->n_tools; i++)
		if (copy_str(b, &c->tools[i].id) < 0 || copy_str(b, &c->tools[i].name) < 0)
			return NULL;
	return c;
}

static const char *copy_msg(struct cc_batch *b, const char *m)
{
	size_t n = strlen(m) + 1;
	char *d = arena_alloc(b, n);
	if (d)
		memcpy(d, m, n);
	return d;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Queue: push blocks while the worker's queue is full (unless stopping). */
static void push(struct cc_worker *wk, struct cc_batch *b)
{
	struct cc_pipe *p = wk->p;
	pthread_mutex_lock(&p->mu);
	if (wk->queued >= p->max_queued && !p->stop) {
		double t0 = now_s();
		while (wk->queued >= p->max_queued && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		wk->wait_push += now_s() - t0;
	}
	if (p->stop) {
		pthread_mutex_unlock(&p->mu);
		cc_batch_free(b);
		return;
	}
	if (wk->tail)
		wk->tail->next = b;
	else
		wk->head = b;
	wk->tail = b;
	wk->queued++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static bool stopping(struct cc_pipe *p)
{
	bool s;
	pthread_mutex_lock(&p->mu);
	s = p->stop;
	pthread_mutex_unlock(&p->mu);
	return s;
}

/* An empty batch for file: a recycled one when available. */
static struct cc_batch *new_batch(struct cc_pipe *p, size_t file)
{
	struct cc_batch *b = NULL;
	pthread_mutex_lock(&p->mu);
	if (p->spare) {
		b = p->spare;
		p->spare = b->next;
		p->nspare--;
	}
	pthread_mutex_unlock(&p->mu);
	if (b) {
		struct cc_arena_chunk *keep = b->chunks;
		struct cc_item *items = b->items;
		size_t cap = b->cap;
		/* keep one arena chunk and the item array, drop the rest */
		while (keep && keep->next) {
			struct cc_arena_chunk *n = keep->next;
			keep->next = n->next;
			free(n);
		}
		if (keep)
			keep->used = 0;
		memset(b, 0, sizeof(*b));
		b->chunks = keep;
		b->items = items;
		b->cap = cap;
	} else if (!(b = calloc(1, sizeof(*b)))) {
		return NULL;
	}
	b->file = file;
	return b;
}

void cc_pipe_recycle(struct cc_pipe *p, struct cc_batch *b)
{
	if (!b)
		return;
	pthread_mutex_lock(&p->mu);
	if (p->nspare < 8) { /* a few spares cover the steady state */
		b->next = p->spare;
		p->spare = b;
		p->nspare++;
		b = NULL;
	}
	pthread_mutex_unlock(&p->mu);
	cc_batch_free(b);
}

static bool slice_same(struct cc_str a, struct cc_str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

/* An assistant line with usage: one (part of a) request. */
static bool is_request(const struct cc_record *r)
{
	return r->type == CC_ASSISTANT && r->has_usage && r->msg_id.n && r->model.n;
}

static int64_t rec_total(const struct cc_record *r)
{
	return r->input + r->output + r->cache_write + r->cache_read;
}

/* Claude Code writes a streamed response as one line per content block,
 * each repeating the request's ids and usage. Consecutive lines of the
 * same request (same ids, session, sidechain flag and 15-minute bucket) are
 * merged here, with exactly the rule the writer applies to repeats (the
 * larger usage wins, the first on a tie; tool calls are united), so the
 * store writer sees the request once. */
static bool mergeable(const struct cc_record *prev, const struct cc_record *r)
{
	const int64_t bucket = 15 * 60 * 1000;
	return prev && is_request(r) && is_request(prev) && prev->is_sidechain == r->is_sidechain &&
	       prev->ts_ms / bucket == r->ts_ms / bucket && slice_same(prev->msg_id, r->msg_id) &&
	       slice_same(prev->request_id, r->request_id) &&
	       slice_same(prev->session_id, r->session_id) && slice_same(prev->model, r->model);
}

static int merge_into(struct cc_batch *b, struct cc_item *it, const struct cc_record *r,
		      int64_t line_no, int64_t off, size_t len)
{
	struct cc_record m;
	const struct cc_record *prev = it->rec, *extra;
	bool take_new = rec_total(r) > rec_total(prev);

	/* m = the winner with room for every tool slot, then the other's tools */
	memcpy(&m, take_new ? r : prev, offsetof(struct cc_record, tools) +
	       (take_new ? r->n_tools : prev->n_tools) * sizeof(struct cc_tool));
	extra = take_new ? prev : r;
	for (uint32_t i = 0; i < extra->n_tools; i++) {
		bool have = false;
		for (uint32_t j = 0; j < m.n_tools && !have; j++)
			have = slice_same(m.tools[j].id, extra->tools[i].id) &&
			       slice_same(m.tools[j].name, extra->tools[i].name);
		if (have)
			continue;
		if (m.n_tools < CC_MAX_TOOLS)
			m.tools[m.n_tools++] = extra->tools[i];
		else
			m.n_tools_dropped++;
	}
	if (!(it->rec = copy_record(b, &m)))
		return -1;
	if (take_new) {
		it->line_no = line_no;
		it->off = off;
		it->len = (int64_t)len;
	}
	if (r->ts_ms < it->ts_min)
		it->ts_min = r->ts_ms;
	if (r->ts_ms > it->ts_max)
		it->ts_max = r->ts_ms;
	return 0;
}

/* Parses one line into b. Returns -1 on out of memory. */
static int parse_line(struct cc_batch *b, struct cc_scanner *sc, struct cc_json_state *js,
		      const char *line, size_t len, int64_t line_no, int64_t off)
{
	struct cc_record rec;
	struct cc_parse_error perr, jerr;
	struct cc_item *it;
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
		i++;
	if (i == len)
		return 0; /* blank line */
	if (cc_scan_line(sc, line, len, &rec, &perr) < 0) {
		if (cc_json_parse_line(js, line, len, &rec, &jerr) < 0) {
			/* A field error from the scanner ("message.usage.x: ...")
			 * names the field; otherwise the library's text is precise. */
			bool field = strstr(perr.msg, ": ") != NULL;
			if (!(it = add_item(b)))
				return -1;
			b->last_open = false;
			it->kind = CC_ITEM_BAD;
			it->line_no = line_no;
			it->off = off;
			it->len = (int64_t)len;
			it->column = field && perr.column ? perr.column : jerr.column;
			it->msg = copy_msg(b, field ? perr.msg : jerr.msg);
			return it->msg ? 0 : -1;
		}
		b->fallbacks++;
	}
	if (!rec.has_ts)
		return 0; /* summary, snapshot...: nothing to count */
	if (b->last_open && b->n && mergeable(b->items[b->n - 1].rec, &rec))
		return merge_into(b, &b->items[b->n - 1], &rec, line_no, off, len);
	if (!(it = add_item(b)))
		return -1;
	it->kind = CC_ITEM_REC;
	it->line_no = line_no;
	it->off = off;
	it->len = (int64_t)len;
	it->ts_min = it->ts_max = rec.ts_ms;
	it->rec = copy_record(b, &rec);
	b->last_open = it->rec && is_request(&rec);
	return it->rec ? 0 : -1;
}

static void *producer(void *arg)
{
	struct cc_worker *wk = arg;
	struct cc_pipe *p = wk->p;
	struct cc_scanner *sc = cc_scanner_new();
	struct cc_json_state *js = cc_json_state_new();
	int nice_now;

	errno = 0;
	nice_now = getpriority(PRIO_PROCESS, (id_t)gettid());
	if (errno == 0) /* best effort: a failure only costs speed */
		setpriority(PRIO_PROCESS, (id_t)gettid(), nice_now + READER_NICE);
	if (!sc || !js) {
		p->fatal = AIU_ENOMEM;
		goto out;
	}
	for (size_t f = wk->w; f < p->njobs && !stopping(p); f += p->nworkers) {
		const struct cc_job *j = &p->jobs[f];
		struct linereader lr;
		struct aiu_err err = { 0 };
		struct cc_batch *b = new_batch(p, f);
		int64_t line_no = j->line_no;
		int got = 0;

		if (!b) {
			p->fatal = AIU_ENOMEM;
			break;
		}
		b->end_off = j->offset;
		b->end_line = line_no;
		if (lr_open(&lr, j->path, j->offset, p->max_line, &err) < 0) {
			b->eof = true;
			b->read_err = err.code ? err.code : AIU_EIO;
			snprintf(b->errmsg, sizeof(b->errmsg), "%s", err.msg);
			push(wk, b);
			continue;
		}
		for (;;) {
			const char *line;
			size_t len;
			int64_t off;
			bool too_long;
			got = lr_next(&lr, &line, &len, &off, &too_long, &err);
			if (got <= 0)
				break;
			line_no++;
			if (too_long) {
				char m[128];
				struct cc_item *it = add_item(b);
				snprintf(m, sizeof(m), "line of %zu bytes exceeds the %zu-byte limit", len, p->max_line);
				if (!it || !(it->msg = copy_msg(b, m))) {
					got = AIU_ENOMEM;
					break;
				}
				it->kind = CC_ITEM_BAD;
				it->line_no = line_no;
				it->off = off;
				it->len = (int64_t)len;
			} else if (parse_line(b, sc, js, line, len, line_no, off) < 0) {
				got = AIU_ENOMEM;
				break;
			}
			b->bytes += (int64_t)len + 1;
			b->end_off = lr.consumed;
			b->end_line = line_no;
			if (b->bytes >= BATCH_BYTES || b->n >= BATCH_ITEMS) {
				struct cc_batch *nb = new_batch(p, f);
				if (!nb) {
					got = AIU_ENOMEM;
					break;
				}
				nb->end_off = b->end_off;
				nb->end_line = b->end_line;
				push(wk, b);
				b = nb;
				if (stopping(p))
					break;
			}
		}
		lr_close(&lr);
		if (got == AIU_ENOMEM) {
			p->fatal = AIU_ENOMEM;
			cc_batch_free(b);
			break;
		}
		if (got < 0) {
			b->read_err = got;
			snprintf(b->errmsg, sizeof(b->errmsg), "%s", err.msg);
		}
		b->eof = true;
		push(wk, b);
	}
out:
	cc_scanner_free(sc);
	cc_json_state_free(js);
	pthread_mutex_lock(&p->mu);
	wk->done = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int cc_pipe_start(struct cc_pipe *p, const struct cc_job *jobs, size_t njobs, size_t max_line,
		  size_t nworkers)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->jobs = jobs;
	p->njobs = njobs;
	p->max_line = max_line;
	if (nworkers < 1)
		nworkers = 1;
	if (nworkers > CC_PIPE_MAX_WORKERS)
		nworkers = CC_PIPE_MAX_WORKERS;
	if (nworkers > njobs && njobs)
		nworkers = njobs;
	p->nworkers = nworkers;
	p->max_queued = QUEUE_MAX / (int)nworkers;
	for (size_t w = 0; w < nworkers; w++) {
		p->workers[w].p = p;
		p->workers[w].w = w;
		if (pthread_create(&p->workers[w].thread, NULL, producer, &p->workers[w]) != 0) {
			pthread_mutex_lock(&p->mu);
			p->stop = true;
			pthread_mutex_unlock(&p->mu);
			return AIU_ENOMEM;
		}
		p->workers[w].started = true;
	}
	return AIU_OK;
}

struct cc_batch *cc_pipe_pop(struct cc_pipe *p)
{
	struct cc_batch *b = NULL;
	struct cc_worker *wk;

	pthread_mutex_lock(&p->mu);
	if (p->cur >= p->njobs)
		goto out;
	wk = &p->workers[p->cur % p->nworkers];
	if (!wk->head && !wk->done) {
		double t0 = now_s();
		while (!wk->head && !wk->done)
			pthread_cond_wait(&p->cv, &p->mu);
		p->wait_pop += now_s() - t0;
	}
	if (wk->head) {
		b = wk->head;
		wk->head = b->next;
		if (!wk->head)
			wk->tail = NULL;
		wk->queued--;
		b->next = NULL;
		if (b->eof)
			p->cur++;
		pthread_cond_broadcast(&p->cv);
	}
out:
	pthread_mutex_unlock(&p->mu);
	return b;
}

void cc_pipe_finish(struct cc_pipe *p)
{
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (size_t w = 0; w < p->nworkers; w++) {
		struct cc_worker *wk = &p->workers[w];
		if (wk->started)
			pthread_join(wk->thread, NULL);
		wk->started = false;
		while (wk->head) {
			struct cc_batch *n = wk->head->next;
			cc_batch_free(wk->head);
			wk->head = n;
		}
		wk->tail = NULL;
	}
	while (p->spare) {
		struct cc_batch *n = p->spare->next;
		cc_batch_free(p->spare);
		p->spare = n;
	}
	p->nspare = 0;
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
}
