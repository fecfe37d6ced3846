/* cc_discover.h - where Claude Code keeps transcripts, and which files.
 *
 * Roots, in order of precedence:
 *   1. every --claude-dir DIR given (repeatable);
 *   2. else $CLAUDE_CONFIG_DIR, a comma-separated list;
 *   3. else $XDG_CONFIG_HOME/claude (default ~/.config/claude) and ~/.claude.
 * Each entry may be a config dir (holding projects/) or a projects/ dir
 * itself. The tree below each projects/ dir is walked recursively for
 * *.jsonl files (inline sidechains, agent-*.jsonl siblings and
 * <session>/subagents/agent-*.jsonl with its .meta.json all included).
 */
#ifndef AIU_CC_DISCOVER_H
#define AIU_CC_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

struct cc_file {
	char *path;          /* absolute or as given; owned */
	char *project_dir;   /* first folder under projects/ (e.g. -Users-me-app); owned */
	char *session_hint;  /* session id implied by the path; owned */
	char *agent_type;    /* agentType from a sibling .meta.json, or NULL; owned */
};

struct cc_file_list {
	struct cc_file *v;
	size_t n, cap;
	char **roots;        /* projects/ directories that exist; owned */
	size_t nroots;
};

/* Collects roots and files. dirs may be NULL/empty (then env/defaults).
 * Missing default roots are not errors; a missing explicit root is.
 * Caller frees with cc_file_list_free(). Files are sorted by path. */
int cc_discover(const char *const *dirs, size_t ndirs, struct cc_file_list *out,
		struct aiu_err *err);
void cc_file_list_free(struct cc_file_list *l);

#endif
