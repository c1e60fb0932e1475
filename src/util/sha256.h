/*
 * SHA-256 digests as image archives name layers and configs: nettle's
 * sha256 (nettle/sha2.h) does the hashing; these write the hex.
 */
#ifndef PAKS_SHA256_H
#define PAKS_SHA256_H

#include <nettle/sha2.h>
#include <stddef.h>

#define SHA256_HEX_LEN 64

/* the digest of data as 64 lower-case hex digits and a NUL */
void	sha256_hex(const void *, size_t, char[SHA256_HEX_LEN + 1]);
/* the digest of what ctx was given, the same way (ctx starts again) */
void	sha256_final_hex(struct sha256_ctx *, char[SHA256_HEX_LEN + 1]);

#endif
