/* demo_gen.h - writes a realistic, deterministic Claude Code history
 * (a projects/ tree of JSONL transcripts) for `aiusage demo`. The demo goes
 * through the real ingest pipeline, so every report works on it. */
#ifndef AIU_DEMO_GEN_H
#define AIU_DEMO_GEN_H

#include <stdint.h>

#include "core/err.h"

struct demo_opts {
	uint64_t seed;
	int days;          /* history length ending at end_ms */
	int64_t end_ms;    /* usually now: the last session may still be active */
	int64_t target_messages; /* roughly how many assistant requests to write */
};

/* Creates dir/projects/... (dir is created if missing; existing demo files
 * are replaced). Returns 0 or a negative AIU_E* code with err set. */
int demo_generate(const char *dir, const struct demo_opts *o, struct aiu_err *err);

#endif
