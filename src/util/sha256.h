/* SHA-256 (FIPS 180-4): layer and config digests of image archives. */
#ifndef PAKS_SHA256_H
#define PAKS_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t	h[8];
	uint64_t	len;		/* bytes hashed so far */
	unsigned char	buf[64];	/* a block not yet full */
};

#define SHA256_HEX_LEN 64

void	sha256_init(struct sha256 *);
void	sha256_update(struct sha256 *, const void *, size_t);
void	sha256_final(struct sha256 *, unsigned char[32]);
/* the digest of data as 64 lower-case hex digits and a NUL */
void	sha256_hex(const void *, size_t, char[SHA256_HEX_LEN + 1]);
void	sha256_final_hex(struct sha256 *, char[SHA256_HEX_LEN + 1]);

#endif
