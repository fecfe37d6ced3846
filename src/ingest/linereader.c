/* linereader.c - see linereader.h. */
#include "ingest/linereader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int lr_open(struct linereader *r, const char *path, int64_t offset, size_t max_line,
	    struct aiu_err *err)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->path = path;
	r->max_line = max_line;
	if ((r->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return aiu_errf(err, AIU_EIO, "%s: cannot open: %s", path, strerror(errno));
	if (offset && lseek(r->fd, offset, SEEK_SET) < 0) {
		int e = errno;
		close(r->fd);
		r->fd = -1;
		return aiu_errf(err, AIU_EIO, "%s: cannot seek: %s", path, strerror(e));
	}
	posix_fadvise(r->fd, offset, 0, POSIX_FADV_SEQUENTIAL);
	r->buf_off = r->consumed = offset;
	return AIU_OK;
}

/* Makes room for at least one more chunk, compacting or growing. */
static int make_room(struct linereader *r)
{
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->buf_off += (int64_t)r->pos;
		r->pos = 0;
	}
	if (r->cap - r->len < LR_CHUNK) {
		size_t ncap = r->cap ? r->cap * 2 : 2 * (size_t)LR_CHUNK;
		char *nb;
		while (ncap - r->len < LR_CHUNK)
			ncap *= 2;
		if (!(nb = realloc(r->buf, ncap)))
			return AIU_ENOMEM;
		r->buf = nb;
		r->cap = ncap;
	}
	return AIU_OK;
}

static ssize_t fill(struct linereader *r)
{
	ssize_t n;
	do
		n = read(r->fd, r->buf + r->len, r->cap - r->len);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		r->eof = true;
	if (n > 0)
		r->len += (size_t)n;
	return n;
}

/* Returns the buffer to its normal size after a long line. */
static void shrink(struct linereader *r)
{
	if (r->cap > 4 * (size_t)LR_CHUNK && r->len - r->pos < LR_CHUNK) {
		char *nb = malloc(2 * (size_t)LR_CHUNK);
		if (!nb)
			return;
		memcpy(nb, r->buf + r->pos, r->len - r->pos);
		r->buf_off += (int64_t)r->pos;
		r->len -= r->pos;
		r->pos = 0;
		free(r->buf);
		r->buf = nb;
		r->cap = 2 * (size_t)LR_CHUNK;
	}
}

int lr_next(struct linereader *r, const char **line, size_t *len, int64_t *off,
	    bool *too_long, struct aiu_err *err)
{
	size_t scan_from = r->pos;
	bool skipping = false;
	int64_t skip_start = 0;

	*too_long = false;
	for (;;) {
		char *nl = r->len > scan_from ? memchr(r->buf + scan_from, '\n', r->len - scan_from) : NULL;
		if (nl) {
			size_t end = (size_t)(nl - r->buf);
			if (skipping) {
				*line = NULL;
				*off = skip_start;
				*len = (size_t)(r->buf_off + (int64_t)end - skip_start);
				*too_long = true;
			} else {
				*line = r->buf + r->pos;
				*len = end - r->pos;
				*off = r->buf_off + (int64_t)r->pos;
			}
			r->pos = end + 1;
			r->consumed = r->buf_off + (int64_t)r->pos;
			return 1;
		}
		if (r->eof)
			return 0; /* partial last line: leave it for the next sync */
		if (!skipping && r->len - r->pos > r->max_line) {
			/* over the cap: drop what we hold and skip to the next '\n' */
			skipping = true;
			skip_start = r->buf_off + (int64_t)r->pos;
		}
		if (skipping) {
			r->buf_off += (int64_t)r->len;
			r->len = r->pos = 0;
			shrink(r);
		}
		scan_from = r->len - r->pos; /* relative; rebased after make_room */
		if (make_room(r) < 0)
			return aiu_errf(err, AIU_ENOMEM, "%s: out of memory reading a long line", r->path);
		scan_from += r->pos;
		if (fill(r) < 0)
			return aiu_errf(err, AIU_EIO, "%s: read failed: %s", r->path, strerror(errno));
		if (!skipping && r->len - r->pos < LR_CHUNK)
			shrink(r);
	}
}

void lr_close(struct linereader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	free(r->buf);
	r->fd = -1;
	r->buf = NULL;
}
