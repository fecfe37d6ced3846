/* demo_org.h - `aiusage demo --org`: a realistic organisation in the demo
 * database (people in teams, Anthropic users, workspaces including the
 * Default one, API keys attributed by creator, by people.csv mapping and
 * not at all (a service account), daily messages usage, the cost report
 * derived from it at demo list prices, Claude Code analytics with tool
 * actions and ESTIMATED cost, and the pull runs freshness shows).
 *
 * Everything goes through the same store ops the Anthropic pull uses
 * (anth_day_clear + puts per day, in one transaction per day), so every
 * figure the org pages show is computed by the same query code as for real
 * data. Re-running replaces the same days (idempotent). Deterministic for
 * a seed. Cursor and claude.ai data come from demo_org_tools.h.
 */
#ifndef AIU_DEMO_ORG_H
#define AIU_DEMO_ORG_H

#include <stdint.h>

#include "core/err.h"
#include "demo/demo_org_tools.h"
#include "store/store.h"

struct demo_org_stats {
	int64_t people, usage_rows, cost_rows, cc_records;
	int64_t bill_nano;           /* sum of the generated cost rows */
	struct demo_tools_stats tools; /* Cursor and claude.ai (demo_org_tools.h) */
};

/* Fills days [today - days + 1, today]. */
int demo_org_fill(struct store *s, int64_t today, int days, uint64_t seed,
		  struct demo_org_stats *st, struct aiu_err *err);

#endif
