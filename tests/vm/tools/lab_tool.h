/* SPDX-License-Identifier: GPL-2.0-only */
/* What the lab's tools share: strict number and address arguments, the RFC 1071 sum. */
#ifndef LAB_TOOL_H
#define LAB_TOOL_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The number S in BASE, at most MAX; anything else ends PROG with a message and exit 2. */
static inline unsigned long lab_number(const char *prog, int base, const char *s,
				       unsigned long max, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || *s == '\0' || *end != '\0' || *s == '-' || v > max) {
		fprintf(stderr, "%s: bad %s \"%s\" (0..%lu)\n", prog, what, s, max);
		exit(2);
	}
	return v;
}

/* The address S of FAMILY (AF_INET, AF_INET6) into OUT; anything else ends PROG (exit 2). */
static inline void lab_addr(const char *prog, int family, const char *s, void *out)
{
	if (inet_pton(family, s, out) != 1) {
		fprintf(stderr, "%s: bad %s address \"%s\"\n", prog,
			family == AF_INET ? "IPv4" : "IPv6", s);
		exit(2);
	}
}

/* Adds N bytes at P to the 32-bit one's-complement sum SUM (big-endian 16-bit words). */
static inline uint32_t lab_sum(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n % 2)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

#endif
