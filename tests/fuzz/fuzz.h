/* Shared bits of the libFuzzer harnesses: checks that abort, splitting. */
#ifndef PAKS_FUZZ_H
#define PAKS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * A property that failed is a finding like a crash: say which one and
 * abort, so that libFuzzer saves the input as a crash artifact.
 */
#define FUZZ_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: property failed: %s: ",        \
			    __FILE__, __LINE__, #cond);                        \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

/* FNV-1a of the input: seeds the chunk sizes, so each input splits one way
 * and a crash reproduces from the input alone. */
static inline uint64_t
fuzz_hash(const uint8_t *data, size_t size)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < size; i++) {
		h ^= data[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* xorshift64*: the next chunk size, 1..max. */
static inline size_t
fuzz_next_chunk(uint64_t *state, size_t max)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x ? x : 0x9e3779b97f4a7c15ull;
	return (size_t)((x * 2685821657736338717ull) >> 33) % max + 1;
}

/* The input as a C string: up to its first NUL, NUL-terminated. */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	size_t n = strnlen((const char *)data, size);
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

/* Whether a is a subsequence of b (bytes in order, gaps allowed). */
static inline int
fuzz_subsequence(const char *a, size_t an, const uint8_t *b, size_t bn)
{
	size_t i = 0;

	for (size_t j = 0; j < bn && i < an; j++) {
		if ((uint8_t)a[i] == b[j])
			i++;
	}
	return i == an;
}

#endif
