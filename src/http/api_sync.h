/* api_sync.h - the /api/sync/... endpoints (docs/API.md "Sync") and what they
 * need from the server: the background sync job and the watcher, handed to
 * handlers as http_req.ext. */
#ifndef AIU_HTTP_API_SYNC_H
#define AIU_HTTP_API_SYNC_H

#include "http/http.h"
#include "ingest/cc_watch.h"
#include "ingest/sync_job.h"

struct org_service;

struct sync_service {
	struct sync_job *job;      /* borrowed */
	struct cc_watch *watch;    /* borrowed; NULL = off */
	const struct org_service *org; /* borrowed; NULL = none (api_org.h) */
};

int api_sync_status(struct http_req *q, struct http_resp *r);
int api_sync_preview(struct http_req *q, struct http_resp *r);
int api_sync_stats(struct http_req *q, struct http_resp *r);
int api_sync_run(struct http_req *q, struct http_resp *r);
int api_sync_reset(struct http_req *q, struct http_resp *r);

/* "45.6 MB" (decimal units, one decimal; "512 B" below 1 kB). */
void api_human_size(int64_t bytes, char *out, size_t cap);

#endif
