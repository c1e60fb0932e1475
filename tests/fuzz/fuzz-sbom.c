/*
 * Fuzz the #sbom plugin's readers (plugins/sbom/): everything they read
 * comes out of the container, which may write any bytes in its package
 * databases, os-release, METADATA, conda-meta and copyright files. The
 * input is such a file, given to every parser (as text, and as an rpm
 * header blob of exactly its size, so that a read past it is caught),
 * then the packages found become documents. The input is also read as the
 * tar stream of "ENGINE export" by the Python and conda visitor (the tar
 * reader itself, move_archive_stream, is fuzzed in fuzz-archive).
 * Properties:
 *
 *  - after sbom_clean every field is valid UTF-8, so both documents dump
 *    as JSON and load again with one entry per package;
 *  - a package URL is "pkg:TYPE/..." with every byte outside [A-Za-z0-9
 *    .-_~:@/?=&%] percent-encoded.
 */
#include <stdbool.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "plugins/sbom/sbom.h"

/* Whether s is valid UTF-8 (no overlong forms, surrogates or > U+10FFFF). */
static bool
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (p != NULL && *p) {
		size_t n = *p < 0x80 ? 1 : *p >= 0xc2 && *p <= 0xdf ? 2 :
		    *p >= 0xe0 && *p <= 0xef ? 3 : *p >= 0xf0 && *p <= 0xf4 ?
		    4 : 0;

		if (n == 0)
			return false;
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		if ((p[0] == 0xe0 && p[1] < 0xa0) ||
		    (p[0] == 0xed && p[1] >= 0xa0) ||
		    (p[0] == 0xf0 && p[1] < 0x90) ||
		    (p[0] == 0xf4 && p[1] >= 0x90))
			return false;
		p += n;
	}
	return true;
}

static void
check_purl(const char *purl)
{
	FUZZ_CHECK(strncmp(purl, "pkg:", 4) == 0, "purl '%s'", purl);
	for (const char *c = purl; *c; c++)
		FUZZ_CHECK((*c >= 'a' && *c <= 'z') || (*c >= 'A' &&
		    *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    strchr(".-_~:@/?=&%", *c) != NULL, "byte %#x in purl",
		    (unsigned char)*c);
}

/* Both documents dump and load again, with one entry per package. */
static void
check_documents(const struct sbom *s)
{
	json_t *docs[2] = {
		sbom_spdx(s, "fuzz/image:1", "2026-01-01T00:00:00Z",
		    "00000000-0000-4000-8000-000000000000"),
		sbom_cyclonedx(s, "fuzz/image:1", "2026-01-01T00:00:00Z",
		    "00000000-0000-4000-8000-000000000000"),
	};
	const char *list[2] = { "packages", "components" };

	for (int i = 0; i < 2; i++) {
		char *text = json_dumps(docs[i], JSON_COMPACT);
		json_error_t jerr;
		json_t *back;

		FUZZ_CHECK(text != NULL, "document %d does not dump", i);
		back = json_loads(text, 0, &jerr);
		FUZZ_CHECK(back != NULL, "document %d does not load: %s", i,
		    jerr.text);
		/* SPDX lists the image itself as a package too */
		FUZZ_CHECK(json_array_size(json_object_get(back, list[i])) >=
		    s->n, "document %d lists %zu of %zu packages", i,
		    json_array_size(json_object_get(back, list[i])), s->n);
		json_decref(back);
		free(text);
		json_decref(docs[i]);
	}
}

/* The input as "ENGINE export"'s tar: Python and conda packages. */
static void
fuzz_export(const uint8_t *data, size_t size, struct sbom *s)
{
	struct sbom_py py = { s, STRV_INIT };
	struct paks_error *err = NULL;
	int fd = memfd_create("fuzz-sbom", MFD_CLOEXEC);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	(void)move_archive_stream(fd, &sbom_py_visit, &py, &err);
	paks_error_free(err);
	sbom_py_release(&py);
	close(fd);
}

static void
fuzz_databases(const uint8_t *data, size_t size, const char *text,
    size_t len)
{
	struct sbom s = SBOM_INIT;
	unsigned char *blob = malloc(size ? size : 1);
	bool conda;
	char *lic;

	if (blob == NULL)
		abort();
	memcpy(blob, data, size);
	(void)sbom_parse_rpm_header(blob, size, &s);
	free(blob);
	(void)sbom_parse_conda(text, len, &s);
	(void)sbom_py_path(text, &conda);
	fuzz_export(data, size, &s);
	sbom_parse_os_release(text, len, &s);
	(void)sbom_parse_dpkg(text, len, &s);
	(void)sbom_parse_apk(text, len, &s);
	(void)sbom_parse_metadata(text, len, &s);
	lic = sbom_copyright_license(text, len);
	free(lic);
	lic = sbom_license_expression(text, true);
	free(lic);
	sbom_clean(&s);
	for (size_t i = 0; i < s.n; i++) {
		const struct sbom_pkg *p = &s.v[i];
		const char *f[] = { p->name, p->version, p->arch, p->license,
			p->supplier, p->source, p->epoch, p->build };
		char *purl;

		FUZZ_CHECK(p->type != NULL && p->name != NULL &&
		    p->version != NULL, "package %zu lacks a field", i);
		for (size_t j = 0; j < sizeof f / sizeof f[0]; j++)
			FUZZ_CHECK(utf8_valid(f[j]), "field %zu of package %zu "
			    "is not UTF-8", j, i);
		purl = sbom_purl(&s, p);
		check_purl(purl);
		free(purl);
	}
	check_documents(&s);
	sbom_release(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size > 1 << 20)
		return 0;
	/* the plugin hands the parsers NUL-terminated file contents */
	if ((text = malloc(size + 1)) == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	fuzz_databases(data, size, text, size);
	free(text);
	return 0;
}
