/* ksort.h - sorts (key, index) pairs by a non-negative 64-bit key with an
 * LSD radix sort: linear time, used to write rows in B-tree key order. */
#ifndef AIU_KSORT_H
#define AIU_KSORT_H

#include <stddef.h>
#include <stdint.h>

struct key_idx {
	int64_t key;   /* >= 0 */
	size_t i;      /* caller's index */
};

/* Sorts v[0..n) ascending by key (stable). Returns 0, or -1 if the scratch
 * buffer cannot be allocated (v is then left unsorted). */
int ksort(struct key_idx *v, size_t n);

#endif
