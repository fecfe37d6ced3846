/* mb_spec.h - the Metabase content aiusage provisions, as tables: native-SQL
 * cards on the reporting views (docs/VIEWS.md) and four dashboards.
 *
 * A card's template tags are the {{name}} occurrences in its SQL; each name
 * must be one of mb_tags (its type and the dashboard filter it maps to).
 * Every card and dashboard carries a stable marker "[aiusage:<key>]" in its
 * description, which is how a rerun finds what it created. All strings are
 * static.
 */
#ifndef AIU_MB_SPEC_H
#define AIU_MB_SPEC_H

#include <stddef.h>

struct mb_tag {
	const char *name;         /* template tag and dashboard parameter slug */
	const char *display_name;
	const char *tag_type;     /* "date", "text" or "number" */
	const char *param_type;   /* dashboard parameter type */
	const char *section;      /* dashboard parameter sectionId */
	const char *default_value;/* tag default, or NULL */
};

struct mb_card {
	const char *key;          /* stable marker key */
	const char *name;
	const char *display;      /* scalar, line, bar, pie, area, table, ... */
	const char *description;
	const char *sql;
	const char *dimensions;   /* graph.dimensions / pie.dimension, comma-separated, or NULL */
	const char *metrics;      /* graph.metrics / pie.metric, comma-separated, or NULL */
};

struct mb_dashboard {
	const char *key;
	const char *name;
	const char *description;
	const char *const *cards; /* card keys in layout order, NULL-terminated */
};

extern const struct mb_tag mb_tags[];
extern const size_t mb_ntags;
extern const struct mb_card mb_cards[];
extern const size_t mb_ncards;
extern const struct mb_dashboard mb_dashboards[];
extern const size_t mb_ndashboards;

const struct mb_card *mb_card_find(const char *key);
const struct mb_tag *mb_tag_find(const char *name, size_t n);

/* The grid is 24 columns; a card's size follows from its display. */
#define MB_GRID_COLS 24
void mb_card_size(const struct mb_card *c, int *size_x, int *size_y);

#endif
