/* http_routes.c - the route table: adding an endpoint = adding a row.
 * Order matters only for ROUTE_PREFIX rows (the static catch-all is last). */
#include "http/api.h"
#include "http/api_sync.h"
#include "http/api_org.h"

#include <stddef.h>

#define API (ROUTE_AUTH)
#define CACHED (ROUTE_AUTH | ROUTE_CACHE)

const struct http_route http_routes[] = {
	{ HTTP_GET, "/api/health", api_health, API },
	{ HTTP_GET, "/api/openapi.json", api_openapi, API },
	{ HTTP_GET, "/api/analytics/overview", api_overview, CACHED },
	{ HTTP_GET, "/api/analytics/sessions", api_sessions, CACHED },
	/* not cached: message text is read from transcript files, outside the
	 * store's data version */
	{ HTTP_GET, "/api/analytics/sessions/:id", api_session_detail, API },
	{ HTTP_GET, "/api/analytics/daily-usage", api_daily_usage, CACHED },
	{ HTTP_GET, "/api/analytics/model-distribution", api_model_distribution, CACHED },
	{ HTTP_GET, "/api/analytics/tool-usage", api_tool_usage, CACHED },
	{ HTTP_GET, "/api/analytics/projects", api_projects, CACHED },
	{ HTTP_GET, "/api/sync/status", api_sync_status, API },
	{ HTTP_GET, "/api/sync/preview", api_sync_preview, API },
	{ HTTP_GET, "/api/sync/stats", api_sync_stats, API },
	{ HTTP_POST, "/api/sync/run", api_sync_run, API },
	{ HTTP_POST, "/api/sync/reset", api_sync_reset, API },
	/* organisation view (docs/ORG_API.md): read-only, token-checked like all /api/;
	 * not cached: pulls do not move the data version and the default window
	 * follows the clock */
	{ HTTP_GET, "/api/org/overview", api_org_overview, API },
	{ HTTP_GET, "/api/org/people", api_org_people, API },
	{ HTTP_GET, "/api/org/people/:email", api_org_person, API },
	{ HTTP_GET, "/api/org/teams", api_org_teams, API },
	{ HTTP_GET, "/api/org/adoption", api_org_adoption, API },
	{ HTTP_GET, "/api/org/productivity", api_org_productivity, API },
	{ HTTP_GET, "/api/org/cost", api_org_cost, API },
	{ HTTP_GET, "/api/org/freshness", api_org_freshness, API },
	/* static dashboard files: everything that is not /api/ (see api_static) */
	{ HTTP_GET, "/", api_static, ROUTE_PREFIX },
	{ 0, NULL, NULL, 0 },
};
