/*
 * One rpm header blob, as rpm's databases (sqlite and Berkeley DB) keep
 * each installed package: the container wrote it, so every count and
 * offset is checked before a byte is read.
 *
 * The blob is big-endian: the index length il and the data length dl
 * (4 bytes each), il entries of 16 bytes (tag, type, offset into the
 * data, count), then dl bytes of data. A header read from a package file
 * starts with 8 more bytes of magic; a database blob does not.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbom.h"
#include "util/xalloc.h"

/* rpm's own limits (rpm/lib/header_internal.h) */
#define RPM_TAGS_MAX	0xffffu
#define RPM_DATA_MAX	0x0fffffffu

enum rpm_tag {
	RPMTAG_NAME = 1000,
	RPMTAG_VERSION = 1001,
	RPMTAG_RELEASE = 1002,
	RPMTAG_EPOCH = 1003,
	RPMTAG_VENDOR = 1011,
	RPMTAG_LICENSE = 1014,
	RPMTAG_ARCH = 1022,
	RPMTAG_SOURCERPM = 1044,
};

enum rpm_type {
	RPM_INT32_TYPE = 4,
	RPM_STRING_TYPE = 6,
	RPM_I18NSTRING_TYPE = 9,
};

struct rpm_header {
	const unsigned char	*index;
	uint32_t		 il;
	const unsigned char	*data;
	uint32_t		 dl;
};

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* The index entry of tag, or NULL: the first one, as rpm takes it. */
static const unsigned char *
rpm_entry(const struct rpm_header *h, uint32_t tag)
{
	for (uint32_t i = 0; i < h->il; i++) {
		if (be32(h->index + 16 * (size_t)i) == tag)
			return h->index + 16 * (size_t)i;
	}
	return NULL;
}

/*
 * A string tag's value, NUL-terminated inside the data store; NULL when
 * absent or malformed.
 */
static const char *
rpm_string(const struct rpm_header *h, uint32_t tag)
{
	const unsigned char *e = rpm_entry(h, tag);
	uint32_t type, off;

	if (e == NULL)
		return NULL;
	type = be32(e + 4);
	off = be32(e + 8);
	if ((type != RPM_STRING_TYPE && type != RPM_I18NSTRING_TYPE) ||
	    off >= h->dl || be32(e + 12) < 1)
		return NULL;
	if (memchr(h->data + off, '\0', h->dl - off) == NULL)
		return NULL;
	return (const char *)h->data + off;
}

/* An INT32 tag's first value, in *v; false when absent or malformed. */
static bool
rpm_int32(const struct rpm_header *h, uint32_t tag, uint32_t *v)
{
	const unsigned char *e = rpm_entry(h, tag);
	uint32_t off;

	if (e == NULL || be32(e + 4) != RPM_INT32_TYPE || be32(e + 12) < 1)
		return false;
	off = be32(e + 8);
	if (off > h->dl || h->dl - off < 4)
		return false;
	*v = be32(h->data + off);
	return true;
}

/*
 * The package one header blob describes, added to s: 0, or -1 when the
 * blob is not a header (too short, counts past its end) or names no
 * package. rpm's "gpg-pubkey" entries are keys, not software: 0, none
 * added.
 */
int
sbom_parse_rpm_header(const unsigned char *blob, size_t len, struct sbom *s)
{
	struct rpm_header h;
	const char *name, *version, *release, *arch, *lic, *vendor, *src;
	struct sbom_pkg *p;
	uint32_t epoch;

	if (blob == NULL || len < 8)
		return -1;
	h.il = be32(blob);
	h.dl = be32(blob + 4);
	if (h.il < 1 || h.il > RPM_TAGS_MAX || h.dl > RPM_DATA_MAX)
		return -1;
	/* both are bounded, so this cannot overflow */
	if ((uint64_t)8 + 16 * (uint64_t)h.il + h.dl > len)
		return -1;
	h.index = blob + 8;
	h.data = h.index + 16 * (size_t)h.il;

	name = rpm_string(&h, RPMTAG_NAME);
	version = rpm_string(&h, RPMTAG_VERSION);
	release = rpm_string(&h, RPMTAG_RELEASE);
	if (name == NULL || *name == '\0' || version == NULL ||
	    *version == '\0')
		return -1;
	if (strcmp(name, "gpg-pubkey") == 0)
		return 0;
	if (release != NULL && *release != '\0') {
		char *v = xasprintf("%s-%s", version, release);
		p = sbom_add(s, "rpm", name, v);
		free(v);
	} else
		p = sbom_add(s, "rpm", name, version);
	if ((arch = rpm_string(&h, RPMTAG_ARCH)) != NULL && *arch != '\0')
		p->arch = xstrdup(arch);
	if (rpm_int32(&h, RPMTAG_EPOCH, &epoch))
		p->epoch = xasprintf("%u", epoch);
	if ((lic = rpm_string(&h, RPMTAG_LICENSE)) != NULL)
		p->license = sbom_license_expression(lic, false);
	if ((vendor = rpm_string(&h, RPMTAG_VENDOR)) != NULL &&
	    *vendor != '\0')
		p->supplier = xstrdup(vendor);
	if ((src = rpm_string(&h, RPMTAG_SOURCERPM)) != NULL && *src != '\0')
		p->source = xstrdup(src);
	return 0;
}
