/* cc_defer.h - transcript records waiting for batched store lookups.
 *
 * On a store behind a network round trip (PostgreSQL), applying each
 * record alone costs a lookup round trip for its session (is it stored?)
 * and for its request (is this (message.id, requestId) stored, with how
 * many tokens?). A push batch touches hundreds of sessions, a sync one per
 * file. cc_apply instead queues the records of a run that is not a first
 * sync here, then asks the store once for all their sessions
 * (session_get_many, creating the missing ones) and once for all their
 * requests (usage_get_many), and applies the records in their original
 * order with the answers at hand (cc_apply.c, resolve_deferred): the same
 * writes and decisions as one record at a time.
 *
 * A queued record is a compact copy of what applying it reads (struct
 * cc_record's fields and its origin); strings live in one arena owned by
 * the queue. Bounded: at most CC_DEFER_MAX records and CC_DEFER_ARENA_MAX
 * bytes of strings; cc_defer_push says when it is full.
 *
 * Each answer is used once: after a record used it, the request or
 * session is in cc_apply's own maps (or, once those are emptied, written to
 * the store), so a later miss must ask the store again.
 */
#ifndef AIU_CC_DEFER_H
#define AIU_CC_DEFER_H

#include "core/kmap.h"
#include "ingest/cc_record.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CC_DEFER_MAX 4096
#define CC_DEFER_ARENA_MAX ((size_t)8 << 20)

struct cc_defer_rec;

struct cc_origin;   /* cc_apply.h */

struct cc_defer_sess {
	struct session_row row;
	bool used;
};

struct cc_defer {
	struct cc_defer_rec **v;     /* queued records, each malloc()ed */
	size_t n, cap;
	char *arena;                 /* strings of the queued records */
	size_t alen, acap;
	/* answers: usage key -> index + 1 into rows (0 = not stored), and
	 * hash(uuid) -> index + 1 into sess; each used once */
	struct kmap known, known_sess;
	struct usage_row *rows;
	size_t nrows, crows;
	struct cc_defer_sess *sess;
	size_t nsess, csess;
};

void cc_defer_init(struct cc_defer *d);
void cc_defer_release(struct cc_defer *d);
/* Forgets queued records and answers (keeps memory). */
void cc_defer_clear(struct cc_defer *d);
/* Queues r (a record with a timestamp) and its origin. AIU_ELIMIT when the
 * queue is full or r alone is too large (resolve the queue, or apply r
 * directly), AIU_ENOMEM. */
int cc_defer_push(struct cc_defer *d, const struct cc_record *r, const struct cc_origin *o);
/* Queued record i, rebuilt into *r and *o (slices and strings point into
 * the arena: valid until the next push or clear). */
void cc_defer_get(const struct cc_defer *d, size_t i, struct cc_record *r, struct cc_origin *o);
/* Records the batched usage lookup's answer for key (row NULL = not stored). */
int cc_defer_answer(struct cc_defer *d, int64_t key, const struct usage_row *row);
/* Takes the answer for key if it was looked up and not used yet: true,
 * with *found and *row. */
bool cc_defer_take(struct cc_defer *d, int64_t key, struct usage_row *row, bool *found);
/* True if key was asked for in this batch (used or not). */
bool cc_defer_asked(const struct cc_defer *d, int64_t key);
/* The batched session lookup's answer (a stored row). */
int cc_defer_answer_session(struct cc_defer *d, const struct session_row *row);
/* Takes the stored row for uuid, if answered and not used yet. */
bool cc_defer_take_session(struct cc_defer *d, const char *uuid, struct session_row *row);

#endif
