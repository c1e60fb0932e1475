/*
 * Unit tests for the #sbom plugin's parsers and documents
 * (plugins/sbom/sbom-{db,doc,py,rpm}.c): dpkg, apk, rpm header and Python
 * databases, Python and conda packages found in a file system's tar,
 * Debian copyright files, license expressions, package URLs; and the tar
 * streams it reads with libpaks' reader (move_archive_stream,
 * src/image/). Built again as test-sbom-rpmdb (plugins/sbom/meson.build)
 * with SBOM_TEST_RPMDB: the sqlite and Berkeley DB readers
 * (sbom-rpmdb.c), on databases made here with those libraries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "image/move-archive.h"
#include "tarhdr.h"
#include "sbom.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const char dpkg_status[] =
	"Package: bash\n"
	"Status: install ok installed\n"
	"Priority: required\n"
	"Architecture: amd64\n"
	"Maintainer: Matthias Klose <doko@debian.org>\n"
	"Version: 5.2.15-2+b2\n"
	"Description: GNU Bourne Again SHell\n"
	" Bash is an sh-compatible command language interpreter.\n"
	" .\n"
	" Version: not a field\n"
	"\n"
	"Package: libstdc++6\n"
	"Status: install ok installed\n"
	"Architecture: amd64\n"
	"Source: gcc-12 (12.2.0-14)\n"
	"Version: 12.2.0-14\n"
	"\n"
	"Package: gone\n"
	"Status: deinstall ok config-files\n"
	"Version: 1.0\n"
	"\n"
	"Package: purged\n"
	"Status: purge ok not-installed\n"
	"\n"
	"Package: zlib1g\n"
	"Status: install ok unpacked\n"
	"Architecture: amd64\n"
	"Version: 1:1.2.13.dfsg-1\n";

static void
test_dpkg(void **state)
{
	static const char crlf[] = "Package: a\r\nVersion: 1\r\n";
	struct sbom s = SBOM_INIT;
	char *purl;

	(void)state;
	assert_int_equal(sbom_parse_dpkg(dpkg_status, strlen(dpkg_status),
	    &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.v[0].name, "bash");
	assert_string_equal(s.v[0].version, "5.2.15-2+b2");
	assert_string_equal(s.v[0].arch, "amd64");
	assert_string_equal(s.v[0].supplier, "Matthias Klose <doko@debian.org>");
	assert_null(s.v[0].source);
	assert_string_equal(s.v[1].name, "libstdc++6");
	assert_string_equal(s.v[1].source, "gcc-12");
	assert_string_equal(s.v[2].name, "zlib1g");
	assert_int_equal(sbom_count(&s, "deb"), 3);

	purl = sbom_purl(&s, &s.v[0]);
	assert_string_equal(purl, "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64");
	free(purl);
	purl = sbom_purl(&s, &s.v[1]);
	assert_string_equal(purl,
	    "pkg:deb/debian/libstdc%2B%2B6@12.2.0-14?arch=amd64");
	free(purl);
	/* the epoch's ':' stays as it is */
	purl = sbom_purl(&s, &s.v[2]);
	assert_string_equal(purl,
	    "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64");
	free(purl);

	/* an Ubuntu image's packages are Ubuntu's */
	s.distro = xstrdup("ubuntu");
	purl = sbom_purl(&s, &s.v[0]);
	assert_string_equal(purl, "pkg:deb/ubuntu/bash@5.2.15-2%2Bb2?arch=amd64");
	free(purl);
	sbom_release(&s);

	/* no final newline, CRLF, an empty database */
	assert_int_equal(sbom_parse_dpkg(crlf, sizeof crlf - 1, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].version, "1");
	sbom_release(&s);
	assert_int_equal(sbom_parse_dpkg("", 0, &s), 0);
	assert_int_equal(s.n, 0);
	sbom_release(&s);
}

static void
test_apk(void **state)
{
	static const char db[] =
	    "C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nS:383152\nL:MIT\n"
	    "o:musl\nm:Timo Teräs <timo.teras@iki.fi>\nt:1\np:so:libc.musl\n"
	    "F:lib\nR:ld-musl-x86_64.so.1\na:0:0:755\nM:0:0:755\n\n"
	    "C:Q1def=\nP:busybox\nV:1.36.1-r5\nA:x86_64\nL:GPL-2.0-only\n"
	    "o:busybox\n\n"
	    "P:odd\nV:1\nL:MIT BSD\n";
	struct sbom s = SBOM_INIT;
	char *purl;

	(void)state;
	assert_int_equal(sbom_parse_apk(db, sizeof db - 1, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.v[0].name, "musl");
	assert_string_equal(s.v[0].version, "1.2.4-r2");
	assert_string_equal(s.v[0].license, "MIT");
	assert_string_equal(s.v[0].supplier, "Timo Teräs <timo.teras@iki.fi>");
	assert_string_equal(s.v[1].license, "GPL-2.0-only");
	assert_null(s.v[2].license);	/* "MIT BSD" is not an expression */
	purl = sbom_purl(&s, &s.v[1]);
	assert_string_equal(purl, "pkg:apk/alpine/busybox@1.36.1-r5?arch=x86_64");
	free(purl);
	sbom_release(&s);
}

static void
test_metadata(void **state)
{
	static const char md[] =
	    "Metadata-Version: 2.1\nName: Foo_Bar.baz\nVersion: 2.0.1\n"
	    "License: BSD-3-Clause\nAuthor: A. Person\n\nName: not a header\n";
	static const char md2[] =
	    "Name: requests\nVersion: 2.31.0\nLicense-Expression: Apache-2.0\n"
	    "License: a long text\n";
	struct sbom s = SBOM_INIT;
	char *purl;

	(void)state;
	assert_int_equal(sbom_parse_metadata(md, sizeof md - 1, &s), 0);
	assert_int_equal(sbom_parse_metadata(md2, sizeof md2 - 1, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.v[0].name, "Foo_Bar.baz");
	assert_string_equal(s.v[0].license, "BSD-3-Clause");
	purl = sbom_purl(&s, &s.v[0]);
	assert_string_equal(purl, "pkg:pypi/foo-bar-baz@2.0.1");
	free(purl);
	assert_string_equal(s.v[1].license, "Apache-2.0");
	assert_int_equal(sbom_count(&s, "pypi"), 2);
	sbom_release(&s);
}

static void
test_licenses(void **state)
{
	static const struct { const char *in; bool debian; const char *out; }
	    cases[] = {
		{ "GPL-2+", true, "GPL-2.0-or-later" },
		{ "Expat", true, "MIT" },
		{ "BSD-3-clause", true, "BSD-3-Clause" },
		{ "GPL-2+ or Artistic", true, "GPL-2.0-or-later OR Artistic-1.0" },
		{ "LGPL-2.1+ and GPL-3", true,
		  "LGPL-2.1-or-later AND GPL-3.0-only" },
		{ "Perl", true, "Artistic-1.0-Perl OR GPL-1.0-or-later" },
		{ "GPL-2+ or Perl", true, NULL },
		{ "GPL-2+ or BSD-3-clause and MIT", true, NULL },
		{ "GPL-2+, and BSD-3-clause", true, NULL },
		{ "public-domain", true, NULL },
		{ "GPL-2+ with OpenSSL exception", true, NULL },
		{ "GPL-2.0-only WITH Classpath-exception-2.0", false,
		  "GPL-2.0-only WITH Classpath-exception-2.0" },
		{ "MIT WITH Apache-2.0", false, NULL },
		{ "mit", false, "MIT" },
		{ "GPL-2+", false, NULL },
		{ "MIT OR", false, NULL },
		{ "", false, NULL },
		{ "(MIT OR Apache-2.0)", false, NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = sbom_license_expression(cases[i].in,
		    cases[i].debian);
		if ((got == NULL) != (cases[i].out == NULL) ||
		    (got && strcmp(got, cases[i].out) != 0))
			fail_msg("'%s': got '%s', want '%s'", cases[i].in,
			    got ? got : "(null)",
			    cases[i].out ? cases[i].out : "(null)");
		free(got);
	}
}

static void
test_copyright(void **state)
{
	static const char dep5[] =
	    "Format: https://www.debian.org/doc/packaging-manuals/"
	    "copyright-format/1.0/\nUpstream-Name: bash\n\n"
	    "Files: lib/*\nCopyright: someone\nLicense: BSD-3-clause\n\n"
	    "Files: *\nCopyright: 1987-2022 Free Software Foundation\n"
	    "License: GPL-3+\n long text\n .\n more\n\n"
	    "License: GPL-3+\n the text again\n";
	static const char old[] =
	    "This is bash, written by Chet.\n\nLicense: GPL-2+\n";
	static const char header[] =
	    "Format: http://www.debian.org/doc/packaging-manuals/"
	    "copyright-format/1.0/\nLicense: Expat\n";
	char *lic;

	(void)state;
	lic = sbom_copyright_license(dep5, sizeof dep5 - 1);
	assert_string_equal(lic, "GPL-3.0-or-later");
	free(lic);
	assert_null(sbom_copyright_license(old, sizeof old - 1));
	lic = sbom_copyright_license(header, sizeof header - 1);
	assert_string_equal(lic, "MIT");
	free(lic);
}

static void
test_os_release(void **state)
{
	static const char osr[] = "PRETTY_NAME=\"Debian GNU/Linux 12\"\n"
	    "VERSION_ID=\"12\"\nID=debian\n";
	struct sbom s = SBOM_INIT;

	(void)state;
	sbom_parse_os_release(osr, sizeof osr - 1, &s);
	assert_string_equal(s.distro, "debian");
	assert_string_equal(s.distro_version, "12");
	sbom_release(&s);
	sbom_parse_os_release("ID=\"bad/id\"\n", 12, &s);
	assert_null(s.distro);
	sbom_release(&s);
}

/* ---- tar ---- */

static void
tar_header(unsigned char *h, const char *name, char type, size_t size,
    const char *link)
{
	tarhdr_fill(h, name, type, 0644, size, 0, link);
}

/* Append one entry (header, data padded to 512) to a buffer. */
static size_t
tar_add(unsigned char *buf, size_t off, const char *name, char type,
    const char *data, const char *link)
{
	size_t n = data ? strlen(data) : 0;

	tar_header(buf + off, name, type, n, link);
	off += 512;
	if (n) {
		memset(buf + off, 0, (n + 511) / 512 * 512);
		memcpy(buf + off, data, n);
		off += (n + 511) / 512 * 512;
	}
	return off;
}

struct seen {
	struct strv	names;
	struct strv	datas;
};

static bool
want_txt(const struct move_archive_entry *e, void *arg)
{
	(void)arg;
	return strstr(e->name, ".txt") != NULL;
}

static int
on_entry(const struct move_archive_entry *e, const char *data, void *arg,
    struct paks_error **err)
{
	struct seen *s = arg;

	(void)err;
	strv_pushf(&s->names, "%c %s%s%s", e->type, e->name,
	    e->type == '2' ? " -> " : "", e->type == '2' ? e->link : "");
	strv_push(&s->datas, data ? data : "(none)");
	return 0;
}

static void
test_tar(void **state)
{
	static const struct move_archive_visit ops = { want_txt, on_entry,
		1 << 20 };
	struct paks_error *err = NULL;
	unsigned char *buf = xcalloc(64, 512);
	char longname[300], pax[400];
	struct seen s = { STRV_INIT, STRV_INIT };
	size_t off = 0;
	int fds[2];

	(void)state;
	memset(longname, 'n', 250);
	strcpy(longname + 250, ".txt");
	/* "LEN path=VALUE\n", LEN counting its own 3 digits */
	snprintf(pax, sizeof pax, "%zu path=%s\n", strlen(longname) + 10,
	    longname);
	off = tar_add(buf, off, "doc/", '5', NULL, NULL);
	off = tar_add(buf, off, "doc/a.txt", '0', "hello", NULL);
	off = tar_add(buf, off, "doc/b.bin", '0', "skipped", NULL);
	off = tar_add(buf, off, "doc/link", '2', NULL, "a.txt");
	off = tar_add(buf, off, "PaxHeaders/x", 'x', pax, NULL);
	off = tar_add(buf, off, "short", '0', "long one", NULL);
	off += 1024;	/* the end: two zero blocks */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], buf, off), (ssize_t)off);
	close(fds[1]);
	assert_int_equal(move_archive_stream(fds[0], &ops, &s, &err), 0);
	close(fds[0]);
	assert_int_equal(s.names.n, 5);
	assert_string_equal(s.names.v[0], "5 doc/");
	assert_string_equal(s.names.v[1], "0 doc/a.txt");
	assert_string_equal(s.datas.v[1], "hello");
	assert_string_equal(s.datas.v[2], "(none)");
	assert_string_equal(s.names.v[3], "2 doc/link -> a.txt");
	assert_int_equal(strlen(s.names.v[4]), 2 + strlen(longname));
	assert_string_equal(s.datas.v[4], "long one");
	strv_release(&s.names);
	strv_release(&s.datas);

	/* an end without the zero blocks is fine; one mid-entry is not */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], buf, 512), 512);
	close(fds[1]);
	assert_int_equal(move_archive_stream(fds[0], &ops, &s, &err), 0);
	close(fds[0]);
	strv_release(&s.names);
	strv_release(&s.datas);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], buf + 512, 512 + 3), 515);
	close(fds[1]);
	assert_int_equal(move_archive_stream(fds[0], &ops, &s, &err), -1);
	assert_non_null(strstr(err->msg, "ends early"));
	paks_error_release(&err);
	close(fds[0]);
	strv_release(&s.names);
	strv_release(&s.datas);
	free(buf);
}

/*
 * The bug tests/fuzz/fuzz-archive found in move-archive.c, which the
 * plugin's own tar reader had too (one reader serves both now): a PAX
 * record shorter than its own "LEN " ("1 abcdef") gave memchr a negative
 * length, a read past the header's data (a crash under ASan). Such a
 * record ends the PAX header now.
 */
static void
test_tar_short_pax(void **state)
{
	static const struct move_archive_visit ops = { want_txt, on_entry,
		1 << 20 };
	struct paks_error *err = NULL;
	unsigned char *buf = xcalloc(8, 512);
	struct seen s = { STRV_INIT, STRV_INIT };
	size_t off = 0;
	int fds[2];

	(void)state;
	off = tar_add(buf, off, "PaxHeaders/x", 'x', "1 abcdef", NULL);
	off = tar_add(buf, off, "f.txt", '0', "F", NULL);
	off += 1024;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], buf, off), (ssize_t)off);
	close(fds[1]);
	assert_int_equal(move_archive_stream(fds[0], &ops, &s, &err), 0);
	close(fds[0]);
	assert_int_equal(s.names.n, 1);
	assert_string_equal(s.names.v[0], "0 f.txt");
	assert_string_equal(s.datas.v[0], "F");
	strv_release(&s.names);
	strv_release(&s.datas);
	free(buf);
}

/* ---- rpm headers ---- */

/* One index entry of a hand-made rpm header, and its data. */
struct hent {
	uint32_t	 tag, type, count;
	const void	*data;
	size_t		 len;
	int32_t		 offset;	/* HERE: where the data goes */
};

#define HERE	INT32_MIN

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/*
 * An rpm header blob as the databases hold it: il, dl, the index, the
 * data (INT32 values aligned to 4, as rpm does). Allocated; *len set.
 */
static unsigned char *
rpm_blob(const struct hent *e, size_t n, size_t *len)
{
	unsigned char data[1024], *blob;
	size_t dl = 0;
	uint32_t off[16];

	assert_true(n <= 16);
	for (size_t i = 0; i < n; i++) {
		if (e[i].type == 4)
			dl = (dl + 3) & ~(size_t)3;
		off[i] = e[i].offset != HERE ? (uint32_t)e[i].offset :
		    (uint32_t)dl;
		memcpy(data + dl, e[i].data, e[i].len);
		dl += e[i].len;
	}
	*len = 8 + 16 * n + dl;
	blob = xmalloc(*len);
	put32(blob, (uint32_t)n);
	put32(blob + 4, (uint32_t)dl);
	for (size_t i = 0; i < n; i++) {
		unsigned char *x = blob + 8 + 16 * i;
		put32(x, e[i].tag);
		put32(x + 4, e[i].type);
		put32(x + 8, off[i]);
		put32(x + 12, e[i].count);
	}
	memcpy(blob + 8 + 16 * n, data, dl);
	return blob;
}

#define HSTR(tag, s)	{ tag, 6, 1, s, sizeof s, HERE }

static const unsigned char epoch2[4] = { 0, 0, 0, 2 };

/* A package as rpm -i writes it: a region tag, strings, an INT32. */
static const struct hent demo_hdr[] = {
	{ 63, 7, 16, "\0\0\0\077\0\0\0\007\377\377\377\000\0\0\0\020", 16,
	    HERE },
	HSTR(1000, "paks-demo"),
	HSTR(1001, "1.0"),
	HSTR(1002, "3.el9"),
	{ 1003, 4, 1, epoch2, 4, HERE },
	HSTR(1011, "Paks Test"),
	HSTR(1014, "MIT"),
	HSTR(1022, "noarch"),
	HSTR(1044, "paks-demo-1.0-3.el9.src.rpm"),
	{ 1004, 9, 1, "a summary", 10, HERE },
};

/* Parse a copy of exactly len bytes, so that ASan sees any overread. */
static int
parse_exact(const unsigned char *blob, size_t len, struct sbom *s)
{
	unsigned char *copy = xmalloc(len ? len : 1);
	int rc;

	memcpy(copy, blob, len);
	rc = sbom_parse_rpm_header(copy, len, s);
	free(copy);
	return rc;
}

static void
test_rpm_header(void **state)
{
	struct sbom s = SBOM_INIT;
	size_t len;
	unsigned char *blob = rpm_blob(demo_hdr, 10, &len);
	char *purl;

	(void)state;
	assert_int_equal(parse_exact(blob, len, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].type, "rpm");
	assert_string_equal(s.v[0].name, "paks-demo");
	assert_string_equal(s.v[0].version, "1.0-3.el9");
	assert_string_equal(s.v[0].arch, "noarch");
	assert_string_equal(s.v[0].epoch, "2");
	assert_string_equal(s.v[0].license, "MIT");
	assert_string_equal(s.v[0].supplier, "Paks Test");
	assert_string_equal(s.v[0].source, "paks-demo-1.0-3.el9.src.rpm");
	assert_int_equal(sbom_count(&s, "rpm"), 1);

	/* the namespace: the distribution's ID, "rpm" when it is none */
	purl = sbom_purl(&s, &s.v[0]);
	assert_string_equal(purl,
	    "pkg:rpm/rpm/paks-demo@1.0-3.el9?arch=noarch&epoch=2");
	free(purl);
	s.distro = xstrdup("rocky");
	purl = sbom_purl(&s, &s.v[0]);
	assert_string_equal(purl,
	    "pkg:rpm/rocky/paks-demo@1.0-3.el9?arch=noarch&epoch=2");
	free(purl);
	free(s.distro);
	s.distro = xstrdup("debian");
	purl = sbom_purl(&s, &s.v[0]);
	assert_string_equal(purl,
	    "pkg:rpm/rpm/paks-demo@1.0-3.el9?arch=noarch&epoch=2");
	free(purl);
	/* no epoch, no arch */
	free(s.v[0].arch);
	s.v[0].arch = NULL;
	free(s.v[0].epoch);
	s.v[0].epoch = NULL;
	purl = sbom_purl(&s, &s.v[0]);
	assert_string_equal(purl, "pkg:rpm/rpm/paks-demo@1.0-3.el9");
	free(purl);
	sbom_release(&s);

	/* every truncation is refused, and adds nothing */
	for (size_t n = 0; n < len; n++) {
		assert_int_equal(parse_exact(blob, n, &s), -1);
		assert_int_equal(s.n, 0);
	}
	/* trailing bytes are not the header's */
	{
		unsigned char *more = xmalloc(len + 7);
		memcpy(more, blob, len);
		memset(more + len, 'x', 7);
		assert_int_equal(parse_exact(more, len + 7, &s), 0);
		assert_int_equal(s.n, 1);
		sbom_release(&s);
		free(more);
	}
	free(blob);
}

static void
test_rpm_hostile(void **state)
{
	static const unsigned char huge_il[] = { 0xff, 0xff, 0xff, 0xff, 0, 0,
		0, 0 };
	static const unsigned char huge_dl[] = { 0, 0, 0, 1, 0x7f, 0xff,
		0xff, 0xff };
	static const unsigned char none[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	/* NAME's offset past the data; a string at the very end, unended */
	const struct hent past[] = { { 1000, 6, 1, "x", 2, 4096 },
		HSTR(1001, "1") };
	const struct hent unended[] = { HSTR(1001, "1"),
		{ 1000, 6, 1, "name", 4, HERE } };
	/* NAME as an INT32, a count of 0, an EPOCH that runs past the end */
	const struct hent wrongtype[] = { { 1000, 4, 1, epoch2, 4, HERE },
		HSTR(1001, "1") };
	const struct hent nocount[] = { { 1000, 6, 0, "n", 2, HERE },
		HSTR(1001, "1") };
	const struct hent epochend[] = { HSTR(1000, "n"), HSTR(1001, "1"),
		{ 1003, 4, 1, "\0\0", 2, HERE } };
	const struct hent negoff[] = { { 1000, 6, 1, "n", 2, -8 },
		HSTR(1001, "1") };
	const struct hent key[] = { HSTR(1000, "gpg-pubkey"),
		HSTR(1001, "fd431d51") };
	const struct hent norel[] = { HSTR(1000, "n\377"),
		HSTR(1001, "2"), HSTR(1014, "GPLv2+") };
	struct sbom s = SBOM_INIT;
	unsigned char *b;
	size_t len;

	(void)state;
	assert_int_equal(parse_exact(huge_il, sizeof huge_il, &s), -1);
	assert_int_equal(parse_exact(huge_dl, sizeof huge_dl, &s), -1);
	assert_int_equal(parse_exact(none, sizeof none, &s), -1);
	assert_int_equal(sbom_parse_rpm_header(NULL, 0, &s), -1);

	b = rpm_blob(past, 2, &len);
	assert_int_equal(parse_exact(b, len, &s), -1);
	free(b);
	b = rpm_blob(unended, 2, &len);
	assert_int_equal(parse_exact(b, len, &s), -1);
	free(b);
	b = rpm_blob(wrongtype, 2, &len);
	assert_int_equal(parse_exact(b, len, &s), -1);
	free(b);
	b = rpm_blob(nocount, 2, &len);
	assert_int_equal(parse_exact(b, len, &s), -1);
	free(b);
	b = rpm_blob(negoff, 2, &len);
	assert_int_equal(parse_exact(b, len, &s), -1);
	free(b);
	assert_int_equal(s.n, 0);

	/* a bad EPOCH is left out, the package kept */
	b = rpm_blob(epochend, 3, &len);
	assert_int_equal(parse_exact(b, len, &s), 0);
	assert_int_equal(s.n, 1);
	assert_null(s.v[0].epoch);
	free(b);
	sbom_release(&s);

	/* rpm's keys are no packages */
	b = rpm_blob(key, 2, &len);
	assert_int_equal(parse_exact(b, len, &s), 0);
	assert_int_equal(s.n, 0);
	free(b);

	/* no RELEASE: the version alone; a name that is not UTF-8 */
	b = rpm_blob(norel, 3, &len);
	assert_int_equal(parse_exact(b, len, &s), 0);
	assert_string_equal(s.v[0].version, "2");
	assert_null(s.v[0].license);	/* "GPLv2+" is no SPDX id */
	sbom_clean(&s);
	assert_string_equal(s.v[0].name, "n?");
	free(b);
	sbom_release(&s);
}

/* ---- Python and conda anywhere in a file system ---- */

static void
test_py_path(void **state)
{
	static const char *const yes[] = {
		"usr/lib/python3/dist-packages/a-1.dist-info/METADATA",
		"opt/venv/lib/python3.11/site-packages/a-1.dist-info/METADATA",
		"site-packages/a-1.dist-info/METADATA",
		"usr/lib/python3/dist-packages/a-1.egg-info/PKG-INFO",
		"usr/lib/python3/dist-packages/a-1.egg-info",
		"opt/conda/conda-meta/python-3.11.5-h0_0.json",
	};
	static const char *const no[] = {
		"usr/lib/python3/dist-packages/a-1.dist-info/RECORD",
		"lib/python3/dist-packages/pip/_vendor/v.dist-info/METADATA",
		"usr/lib/python3/dist-packages/METADATA",
		"usr/lib/python3/dist-packages/.dist-info/METADATA",
		"opt/x-packages/a-1.dist-info/METADATA",
		"usr/lib/python3/dist-packages/a-1.egg-info/other",
		"usr/share/doc/a-1.egg-info",
		"opt/conda/conda-meta/history",
		"opt/conda/conda-meta/sub/x.json",
		"METADATA", "", "conda-meta/.json",
	};
	bool conda;

	(void)state;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (!sbom_py_path(yes[i], &conda))
			fail_msg("not taken: %s", yes[i]);
		assert_int_equal(conda, strstr(yes[i], "conda-meta") != NULL);
	}
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		if (sbom_py_path(no[i], &conda))
			fail_msg("taken: %s", no[i]);
	}
}

/* Read a tar stream of buf with the Python visitor into s. */
static int
py_stream(const unsigned char *buf, size_t len, struct sbom *s)
{
	struct sbom_py py = { s, STRV_INIT };
	struct paks_error *err = NULL;
	int fds[2], rc;

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], buf, len), (ssize_t)len);
	close(fds[1]);
	rc = move_archive_stream(fds[0], &sbom_py_visit, &py, &err);
	close(fds[0]);
	if (err != NULL)
		paks_error_release(&err);
	sbom_py_release(&py);
	return rc;
}

static void
test_py_tar(void **state)
{
	static const char foo[] = "Metadata-Version: 2.1\nName: Foo\n"
	    "Version: 1.2\n\nName: body\n";
	static const char bar[] = "Metadata-Version: 2.1\nName: bar\n"
	    "Version: 0.3\nLicense: MIT\n\n";
	static const char conda[] = "{\"name\": \"bar\", \"version\": \"0.3\", "
	    "\"build\": \"py311_0\", \"subdir\": \"linux-64\", \"license\": "
	    "\"MIT\", \"files\": [\"x\"]}";
	static const char *const want[] = {
		"pypi Foo 1.2 pkg:pypi/foo@1.2",
		"pypi bar 0.3 pkg:pypi/bar@0.3",
		"conda bar 0.3 pkg:conda/bar@0.3?build=py311_0&subdir=linux-64",
		"pypi Zope.Interface 5.0 pkg:pypi/zope-interface@5.0",
		"pypi Foo 1.2 pkg:pypi/foo@1.2",
	};
	unsigned char *buf = xcalloc(64, 512);
	struct sbom s = SBOM_INIT;
	size_t off = 0;

	(void)state;
	/* a venv */
	off = tar_add(buf, off, "opt/venv/lib/python3.11/site-packages/", '5',
	    NULL, NULL);
	off = tar_add(buf, off, "opt/venv/lib/python3.11/site-packages/"
	    "foo-1.2.dist-info/METADATA", '0', foo, NULL);
	off = tar_add(buf, off, "opt/venv/lib/python3.11/site-packages/"
	    "foo-1.2.dist-info/RECORD", '0', "Name: no\nVersion: 1\n", NULL);
	/* a conda environment: site-packages (twice: once) and conda-meta */
	off = tar_add(buf, off, "opt/conda/envs/x/lib/python3.11/"
	    "site-packages/bar-0.3.dist-info/METADATA", '0', bar, NULL);
	off = tar_add(buf, off, "opt/conda/envs/x/lib/python3.11/"
	    "site-packages/bar-0.3.egg-info/PKG-INFO", '0', bar, NULL);
	off = tar_add(buf, off, "opt/conda/envs/x/conda-meta/"
	    "bar-0.3-py311_0.json", '0', conda, NULL);
	off = tar_add(buf, off, "opt/conda/envs/x/conda-meta/history", '0',
	    "==> 2024 <==\n", NULL);
	off = tar_add(buf, off, "opt/conda/envs/x/conda-meta/bad.json", '0',
	    "{\"name\": 1}", NULL);
	/* a distutils egg-info file; a link; vendored metadata */
	off = tar_add(buf, off, "usr/lib/python3/dist-packages/"
	    "zope.interface-5.0.egg-info", '0',
	    "Name: Zope.Interface\nVersion: 5.0\n", NULL);
	off = tar_add(buf, off, "usr/lib/python3/dist-packages/"
	    "l-1.dist-info/METADATA", '2', NULL, "../x");
	off = tar_add(buf, off, "usr/lib/python3/dist-packages/pip/_vendor/"
	    "v-1.dist-info/METADATA", '0', "Name: v\nVersion: 1\n", NULL);
	/* the same distribution in another place is another install */
	off = tar_add(buf, off, "root/.local/lib/python3.11/site-packages/"
	    "foo-1.2.dist-info/METADATA", '0', foo, NULL);
	off += 1024;
	assert_true(off <= 64 * 512);

	assert_int_equal(py_stream(buf, off, &s), 0);
	assert_int_equal(s.n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < s.n; i++) {
		char *purl = sbom_purl(&s, &s.v[i]);
		char *got = xasprintf("%s %s %s %s", s.v[i].type, s.v[i].name,
		    s.v[i].version, purl);
		assert_string_equal(got, want[i]);
		free(got);
		free(purl);
	}
	assert_string_equal(s.v[1].license, "MIT");
	assert_string_equal(s.v[2].license, "MIT");
	assert_int_equal(sbom_count(&s, "pypi"), 4);
	assert_int_equal(sbom_count(&s, "conda"), 1);
	sbom_release(&s);
	free(buf);
}

#ifdef SBOM_TEST_RPMDB
/* ---- rpm databases (plugins/sbom/sbom-rpmdb.c) ---- */

#include <db.h>
#include <sqlite3.h>
#include "tmpdir.h"

static void
test_rpmdb_sqlite(void **state)
{
	char dir[] = "/tmp/test-sbom-XXXXXX";
	char *path, *why = NULL;
	unsigned char *blob;
	size_t len;
	sqlite3 *db;
	sqlite3_stmt *st;
	struct sbom s = SBOM_INIT;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/rpmdb.sqlite", dir);
	blob = rpm_blob(demo_hdr, 10, &len);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode = WAL; "
	    "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, "
	    "blob BLOB NOT NULL)", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) "
	    "VALUES (?)", -1, &st, NULL), SQLITE_OK);
	/* the package, then a blob that is no header, then a NULL */
	sqlite3_bind_blob(st, 1, blob, (int)len, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_reset(st);
	sqlite3_bind_blob(st, 1, blob, (int)len - 3, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_reset(st);
	sqlite3_bind_zeroblob(st, 1, 0);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	assert_int_equal(sbom_rpmdb_sqlite(path, &s, &why), 1);
	assert_null(why);
	assert_string_equal(s.v[0].name, "paks-demo");
	assert_string_equal(s.v[0].version, "1.0-3.el9");
	sbom_release(&s);

	/* not a database, no Packages table */
	assert_non_null(f = fopen(path, "w"));
	fputs("not sqlite at all, not at all, not at all, no\n", f);
	fclose(f);
	assert_int_equal(sbom_rpmdb_sqlite(path, &s, &why), -1);
	assert_non_null(why);
	free(why);
	why = NULL;
	unlink(path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE Other (x)", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(sbom_rpmdb_sqlite(path, &s, &why), -1);
	assert_non_null(strstr(why, "Packages"));
	free(why);
	assert_int_equal(s.n, 0);
	free(blob);
	free(path);
	tmpdir_remove(dir);
}

static void
db_put(DB *db, uint32_t k, const void *v, size_t n)
{
	DBT key, val;

	memset(&key, 0, sizeof key);
	memset(&val, 0, sizeof val);
	key.data = &k;
	key.size = sizeof k;
	val.data = (void *)v;
	val.size = (uint32_t)n;
	assert_int_equal(db->put(db, NULL, &key, &val, 0), 0);
}

static void
test_rpmdb_bdb(void **state)
{
	char dir[] = "/tmp/test-sbom-XXXXXX";
	char *path, *why = NULL;
	unsigned char *blob;
	uint32_t next = 3;
	size_t len;
	struct sbom s = SBOM_INIT;
	DB *db;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/Packages", dir);
	blob = rpm_blob(demo_hdr, 10, &len);
	assert_int_equal(db_create(&db, NULL, 0), 0);
	assert_int_equal(db->open(db, NULL, path, NULL, DB_HASH, DB_CREATE,
	    0600), 0);
	/* rpm's record 0 (the next instance), a package, a broken one */
	db_put(db, 0, &next, sizeof next);
	db_put(db, 1, blob, len);
	db_put(db, 2, blob, len / 2);
	assert_int_equal(db->close(db, 0), 0);

	assert_int_equal(sbom_rpmdb_bdb(path, &s, &why), 1);
	assert_null(why);
	assert_string_equal(s.v[0].name, "paks-demo");
	assert_string_equal(s.v[0].epoch, "2");
	sbom_release(&s);

	/* not a Berkeley DB */
	assert_non_null(f = fopen(path, "w"));
	for (int i = 0; i < 600; i++)
		fputs("garbage!", f);
	fclose(f);
	assert_int_equal(sbom_rpmdb_bdb(path, &s, &why), -1);
	assert_non_null(strstr(why, "Packages"));
	free(why);
	assert_int_equal(s.n, 0);
	free(blob);
	free(path);
	tmpdir_remove(dir);
}
#endif

/* ---- documents ---- */

static void
test_documents(void **state)
{
	struct sbom s = SBOM_INIT;
	json_t *doc, *pkgs, *rels, *comps;

	(void)state;
	sbom_parse_dpkg(dpkg_status, strlen(dpkg_status), &s);
	s.v[0].license = xstrdup("GPL-3.0-or-later");
	free(s.v[1].supplier);
	s.v[1].supplier = xstrdup("Debian GCC Maintainers <x@y>");
	s.v[2].name[0] = (char)0xff;	/* not UTF-8 */
	sbom_clean(&s);
	assert_int_equal(s.v[2].name[0], '?');

	doc = sbom_spdx(&s, "reg/img:tag", "2024-01-02T03:04:05Z",
	    "00000000-0000-4000-8000-000000000000");
	assert_string_equal(json_string_value(json_object_get(doc,
	    "spdxVersion")), "SPDX-2.3");
	pkgs = json_object_get(doc, "packages");
	rels = json_object_get(doc, "relationships");
	assert_int_equal(json_array_size(pkgs), 4);	/* the image + 3 */
	assert_int_equal(json_array_size(rels), 4);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(pkgs, 1), "licenseDeclared")), "GPL-3.0-or-later");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(pkgs, 1), "supplier")),
	    "Person: Matthias Klose (doko@debian.org)");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(pkgs, 2), "supplier")),
	    "Organization: Debian GCC Maintainers (x@y)");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(pkgs, 2), "SPDXID")), "SPDXRef-Package-deb-libstdc--6-2");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(pkgs, 3), "licenseDeclared")), "NOASSERTION");
	json_decref(doc);

	doc = sbom_cyclonedx(&s, "reg/img:tag", "2024-01-02T03:04:05Z",
	    "00000000-0000-4000-8000-000000000000");
	comps = json_object_get(doc, "components");
	assert_int_equal(json_array_size(comps), 3);
	assert_string_equal(json_string_value(json_object_get(doc,
	    "serialNumber")), "urn:uuid:00000000-0000-4000-8000-000000000000");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(comps, 0), "purl")),
	    "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64");
	json_decref(doc);

	/* nothing found: still a document, describing the image */
	sbom_release(&s);
	doc = sbom_spdx(&s, "busybox", "2024-01-02T03:04:05Z",
	    "00000000-0000-4000-8000-000000000000");
	assert_int_equal(json_array_size(json_object_get(doc, "packages")), 1);
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpkg),
		cmocka_unit_test(test_apk),
		cmocka_unit_test(test_metadata),
		cmocka_unit_test(test_licenses),
		cmocka_unit_test(test_copyright),
		cmocka_unit_test(test_os_release),
		cmocka_unit_test(test_tar),
		cmocka_unit_test(test_tar_short_pax),
		cmocka_unit_test(test_documents),
		cmocka_unit_test(test_rpm_header),
		cmocka_unit_test(test_rpm_hostile),
		cmocka_unit_test(test_py_path),
		cmocka_unit_test(test_py_tar),
#ifdef SBOM_TEST_RPMDB
		cmocka_unit_test(test_rpmdb_sqlite),
		cmocka_unit_test(test_rpmdb_bdb),
#endif
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
