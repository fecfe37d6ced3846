/* cc_record.c - see cc_record.h. */
#include "ingest/cc_record.h"

#include <string.h>

void cc_record_clear(struct cc_record *r)
{
	memset(r, 0, sizeof(*r));
}
