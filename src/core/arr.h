/* arr.h - small helpers for plain C arrays. */
#ifndef AIU_ARR_H
#define AIU_ARR_H

#include <stddef.h>

/* Reverses n elements of size sz in place. */
void arr_reverse(void *v, size_t n, size_t sz);

#endif
