/* api.h - the handlers behind http_routes[] (one group per api_*.c file). */
#ifndef AIU_HTTP_API_H
#define AIU_HTTP_API_H

#include "http/http.h"

/* api_analytics.c */
int api_overview(struct http_req *q, struct http_resp *r);
int api_sessions(struct http_req *q, struct http_resp *r);
int api_session_detail(struct http_req *q, struct http_resp *r);
int api_daily_usage(struct http_req *q, struct http_resp *r);
int api_model_distribution(struct http_req *q, struct http_resp *r);
int api_tool_usage(struct http_req *q, struct http_resp *r);
int api_projects(struct http_req *q, struct http_resp *r);

/* api_ingest.c: POST /api/ingest/usage (pushes from `aiusage push`) */
int api_ingest_usage(struct http_req *q, struct http_resp *r);

/* api_service.c */
int api_health(struct http_req *q, struct http_resp *r);
int api_openapi(struct http_req *q, struct http_resp *r);
int api_static(struct http_req *q, struct http_resp *r);

#endif
