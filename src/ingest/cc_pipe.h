/* cc_pipe.h - the reader/parser thread of a sync and the batches it hands
 * to the applying (store-writing) thread.
 *
 * Reading and JSON scanning run on one core while SQLite writes run on the
 * other. The producer owns its line reader and parsers; everything a batch
 * refers to lives in the batch's own arena, so a batch is self-contained
 * and is freed by whoever pops it (cc_batch_free). The queue is bounded, so
 * memory stays flat however large the history is.
 */
#ifndef AIU_CC_PIPE_H
#define AIU_CC_PIPE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "ingest/cc_record.h"

enum cc_item_kind { CC_ITEM_REC, CC_ITEM_BAD };

struct cc_item {
	enum cc_item_kind kind;
	uint32_t column;          /* BAD: 1-based column, 0 if unknown */
	int64_t line_no, off, len;
	const struct cc_record *rec; /* REC: tools[] holds only rec->n_tools entries */
	int64_t ts_min, ts_max;   /* REC: bounds of the streamed lines merged into it */
	const char *msg;          /* BAD: why */
};

struct cc_arena_chunk;

struct cc_batch {
	size_t file;              /* index into the producer's job list */
	struct cc_item *items;
	size_t n, cap;
	struct cc_arena_chunk *chunks;
	int64_t end_off, end_line;/* file position after the last line of the batch */
	int64_t bytes;            /* input bytes the batch covers */
	int64_t fallbacks;        /* lines jansson recovered after the scanner refused */
	bool eof;                 /* last batch of this file */
	bool last_open;           /* the last item may absorb the next streamed line */
	int read_err;             /* 0, or AIU_E* if the file could not be read */
	char errmsg[sizeof(((struct aiu_err *)0)->msg)];
	struct cc_batch *next;
};

void cc_batch_free(struct cc_batch *b);

/* One file for the producer to read from a byte offset. */
struct cc_job {
	const char *path;         /* borrowed */
	int64_t offset, line_no;
};

#define CC_PIPE_MAX_WORKERS 4

struct cc_pipe;

/* One reader/parser thread: it takes jobs w, w+n, w+2n... in order, so its
 * queue holds batches in file order. */
struct cc_worker {
	struct cc_pipe *p;
	size_t w;
	pthread_t thread;
	bool started, done;
	struct cc_batch *head, *tail;
	int queued;
	double wait_push;         /* seconds blocked on a full queue (diagnostics) */
};

struct cc_pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct cc_worker workers[CC_PIPE_MAX_WORKERS];
	size_t nworkers;
	size_t cur;               /* job whose batches the consumer takes next */
	int max_queued;           /* per worker */
	bool stop;                /* consumer asks the producers to quit */
	int fatal;                /* producer-wide failure (out of memory) */
	const struct cc_job *jobs;
	size_t njobs;
	size_t max_line;
	double wait_pop;          /* seconds the consumer waited (diagnostics) */
	struct cc_batch *spare;   /* applied batches kept for reuse (no malloc churn) */
	int nspare;
};

/* Starts nworkers producers over jobs (borrowed until cc_pipe_finish). */
int cc_pipe_start(struct cc_pipe *p, const struct cc_job *jobs, size_t njobs, size_t max_line,
		  size_t nworkers);
/* Next batch in file order, or NULL when all jobs are done (or a producer
 * failed: see p->fatal). The caller frees it. */
struct cc_batch *cc_pipe_pop(struct cc_pipe *p);
/* Hands an applied batch back for reuse (or frees it). */
void cc_pipe_recycle(struct cc_pipe *p, struct cc_batch *b);
/* Stops the producers (if running), joins them, frees queued batches. */
void cc_pipe_finish(struct cc_pipe *p);

#endif
