/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the guest workloads (usemem, buildload). */
#ifndef GUEST_UTIL_H
#define GUEST_UTIL_H

#include <stdint.h>
#include <time.h>

static inline double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A 64-bit finalizer (splitmix64): page content derived from an index. */
static inline uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

#endif /* GUEST_UTIL_H */
