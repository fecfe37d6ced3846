/* pylit.h - a safe parser for the Python-literal subset found in claude.ai
 * audit-log exports (the actor_info / event_info / entity_info columns hold
 * Python dict reprs, not JSON). Nothing is evaluated: only literals are
 * recognised, and the result is a jansson tree.
 *
 * Accepted: dicts {k: v} (string, number, True/False/None keys become
 * strings), lists [..], tuples (..) (as arrays), strings in single or double
 * quotes with an optional u/b/r prefix and Python escapes (\\ \' \" \n \r \t
 * \0 \a \b \f \v \xHH \uHHHH \UHHHHHHHH, and backslash-newline), integers
 * (decimal, underscores), floats,
 * True/False/None, and JSON's true/false/null as a courtesy. Trailing commas
 * are fine.
 *
 * The export's trap: apostrophes inside single-quoted values are not always
 * escaped ('Ana O'Neil'). So a single quote closes a single-quoted string
 * only when what follows (after spaces) is the end of input or one of
 * , : } ] ) ; any other quote is taken as part of the string. (So Python's
 * adjacent-literal concatenation, 'a' 'b', is not supported: reprs never
 * write it, and exports do write unescaped apostrophes.)
 *
 * Caps: nesting deeper than PYLIT_MAX_DEPTH fails; the caller caps the
 * input length. Numbers too large for int64 are kept as strings, floats are
 * kept as strings too (exact decimal text; money never goes through a double).
 */
#ifndef AIU_PYLIT_H
#define AIU_PYLIT_H

#include <jansson.h>
#include <stddef.h>

#include "core/err.h"

#define PYLIT_MAX_DEPTH 32

/* Parses s[0..n) (one literal, surrounding whitespace allowed). On success
 * *out is a new reference the caller json_decref()s. On failure returns
 * AIU_EPARSE (or AIU_ENOMEM / AIU_ELIMIT) and err says what and at which
 * byte offset. */
int pylit_parse(const char *s, size_t n, json_t **out, struct aiu_err *err);

#endif
