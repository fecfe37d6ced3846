/* demo_org_tools.h - the Cursor and claude.ai part of `aiusage demo --org`:
 * the same demo people (case-folded emails) as Cursor members (one removed,
 * one idle seat) with daily usage rows, usage events (money in nano-dollars:
 * the token cost at demo prices, which is ESTIMATED-looking but exact
 * integers), billing-cycle spend snapshots (running totals per cycle, which
 * the store turns into deltas), AI Code Tracking commits and changes; and
 * claude.ai audit events for an overlapping but different set of people.
 *
 * Only the store ops the Cursor pull and claude.ai import use; every row has
 * its natural key, so re-running adds nothing. Deterministic for a seed.
 * A pull run per source ("cursor", "claude_ai") is recorded. */
#ifndef AIU_DEMO_ORG_TOOLS_H
#define AIU_DEMO_ORG_TOOLS_H

#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

struct demo_tools_stats {
	int64_t cursor_members, cursor_days, cursor_events, cursor_commits, cursor_changes;
	int64_t spend_snaps, claude_ai_events;
	int64_t cursor_cost_nano; /* sum of the generated events' token cost */
};

/* Fills days [today - days + 1, today]; one transaction per day. */
int demo_org_tools_fill(struct store *s, int64_t today, int days, uint64_t seed,
			struct demo_tools_stats *st, struct aiu_err *err);

#endif
