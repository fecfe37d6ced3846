/* linereader.h - streams complete lines from a file, from a byte offset,
 * in bounded memory.
 *
 * Only complete ('\n'-terminated) lines are returned: a trailing partial
 * line waits for the next sync. A line longer than max_line is not held in
 * memory: it is skipped and reported with too_long set, so one giant line
 * can never blow the memory budget. The reader owns its buffer; returned
 * line pointers are valid until the next lr_next() call.
 */
#ifndef AIU_LINEREADER_H
#define AIU_LINEREADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define LR_CHUNK (1u << 20)

struct linereader {
	int fd;
	const char *path;     /* borrowed, for messages */
	char *buf;
	size_t cap, len, pos; /* buf[pos..len) holds unread bytes */
	size_t max_line;
	int64_t buf_off;      /* file offset of buf[0] */
	int64_t consumed;     /* file offset just after the last complete line */
	bool eof;
};

int lr_open(struct linereader *r, const char *path, int64_t offset, size_t max_line,
	    struct aiu_err *err);
/* 1: a line (without '\n'); 0: no more complete lines; <0: error. */
int lr_next(struct linereader *r, const char **line, size_t *len, int64_t *off,
	    bool *too_long, struct aiu_err *err);
void lr_close(struct linereader *r);

#endif
