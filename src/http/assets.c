/* Lookup in the embedded dashboard files (see assets.h). */
#include "http/assets.h"

#include <string.h>

const struct asset *assets_find(const char *path)
{
	size_t lo = 0, hi = aiu_web_assets_count;

	if (!path || !path[0])
		return NULL;
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	/* the table is sorted by strcmp order of path (list(SORT) in CMake) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(path, aiu_web_assets[mid].path);

		if (c == 0)
			return &aiu_web_assets[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t assets_count(void)
{
	return aiu_web_assets_count;
}

size_t assets_total_bytes(void)
{
	return aiu_web_assets_bytes;
}

const struct asset *assets_at(size_t i)
{
	return i < aiu_web_assets_count ? &aiu_web_assets[i] : NULL;
}
