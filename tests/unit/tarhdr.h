/* A ustar header written by a test: the tars the readers are tried on. */
#ifndef PAKS_TEST_TARHDR_H
#define PAKS_TEST_TARHDR_H

#include <stdio.h>
#include <string.h>

/*
 * h[512]: a header for a member NAME of TYPE ('0' file, '2' symlink, '5'
 * directory, ...), with mode, size, mtime and LINK (or NULL), owned by
 * root, its checksum right. NAME and LINK are under 100 bytes; size and
 * mtime under 8 GiB and 2^33 s, as eleven octal digits hold.
 */
static inline void
tarhdr_fill(unsigned char *h, const char *name, char type, unsigned mode,
    unsigned long size, unsigned long mtime, const char *link)
{
	unsigned sum = 0;

	memset(h, 0, 512);
	memcpy(h, name, strlen(name));
	snprintf((char *)h + 100, 8, "%07o", mode);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011lo", size & 077777777777ul);
	snprintf((char *)h + 136, 12, "%011lo", mtime & 077777777777ul);
	h[156] = (unsigned char)type;
	if (link != NULL)
		memcpy(h + 157, link, strlen(link));
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
}

#endif
