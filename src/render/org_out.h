/* org_out.h - renders a struct org_report (query/org_report.h). */
#ifndef AIU_ORG_OUT_H
#define AIU_ORG_OUT_H

#include <stdio.h>

#include "core/buf.h"
#include "query/org_report.h"

int org_render_text(const struct org_report *r, FILE *f);
int org_render_json(const struct org_report *r, struct buf *out);

#endif
