/*
 * Package databases as text: dpkg's status, apk's installed, a Python
 * METADATA, a Debian machine-readable copyright file and os-release; and
 * the package URLs and SPDX license expressions made from them.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sbom.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

struct sbom_pkg *
sbom_add(struct sbom *s, const char *type, const char *name,
    const char *version)
{
	struct sbom_pkg *p;

	if (s->n == s->alloc) {
		s->alloc = s->alloc ? 2 * s->alloc : 64;
		s->v = xreallocarray(s->v, s->alloc, sizeof *s->v);
	}
	p = &s->v[s->n++];
	memset(p, 0, sizeof *p);
	p->type = xstrdup(type);
	p->name = xstrdup(name);
	p->version = xstrdup(version);
	return p;
}

void
sbom_release(struct sbom *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct sbom_pkg *p = &s->v[i];
		free(p->type);
		free(p->name);
		free(p->version);
		free(p->arch);
		free(p->license);
		free(p->supplier);
		free(p->source);
		free(p->epoch);
		free(p->build);
	}
	free(s->v);
	free(s->distro);
	free(s->distro_version);
	*s = (struct sbom)SBOM_INIT;
}

size_t
sbom_count(const struct sbom *s, const char *type)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		n += type == NULL || strcmp(s->v[i].type, type) == 0;
	return n;
}

/* ---- RFC 822-like paragraphs ---- */

/* The fields of one paragraph that we keep: name and first line. */
struct para {
	const char	*keys[8];
	char		*vals[8];
	int		 nkeys;
	bool		 exact;		/* keys match case-sensitively */
};

static void
para_reset(struct para *pa)
{
	for (int i = 0; i < pa->nkeys; i++) {
		free(pa->vals[i]);
		pa->vals[i] = NULL;
	}
}

static const char *
para_get(const struct para *pa, const char *key)
{
	for (int i = 0; i < pa->nkeys; i++) {
		if ((pa->exact ? strcmp(pa->keys[i], key) :
		    strcasecmp(pa->keys[i], key)) == 0)
			return pa->vals[i];
	}
	return NULL;
}

/* A copy of key's value, or NULL. */
static char *
para_dup(const struct para *pa, const char *key)
{
	const char *v = para_get(pa, key);

	return v != NULL ? xstrdup(v) : NULL;
}

/* The package of a paragraph, if it names one and its version. */
static struct sbom_pkg *
para_package(const struct para *pa, struct sbom *s, const char *type,
    const char *name_key, const char *version_key)
{
	const char *name = para_get(pa, name_key);
	const char *version = para_get(pa, version_key);

	if (name == NULL || version == NULL || *name == '\0')
		return NULL;
	return sbom_add(s, type, name, version);
}

/* "Key: value" (sep ':') or "K:value" (apk); other lines are ignored. */
static void
para_line(struct para *pa, const char *line, size_t len, char sep,
    bool space)
{
	const char *colon = memchr(line, sep, len);
	const char *v;
	size_t klen;

	if (colon == NULL || line[0] == ' ' || line[0] == '\t')
		return;
	klen = (size_t)(colon - line);
	v = colon + 1;
	while (space && v < line + len && (*v == ' ' || *v == '\t'))
		v++;
	for (int i = 0; i < pa->nkeys; i++) {
		if (strlen(pa->keys[i]) == klen &&
		    (pa->exact ? strncmp(pa->keys[i], line, klen) :
		    strncasecmp(pa->keys[i], line, klen)) == 0 &&
		    pa->vals[i] == NULL) {
			size_t vlen = (size_t)(line + len - v);
			while (vlen > 0 && isspace((unsigned char)v[vlen - 1]))
				vlen--;
			pa->vals[i] = xstrndup(v, vlen);
		}
	}
}

/*
 * Call fn for each paragraph (blank-line separated) of text, with the
 * wanted keys filled in. headers_only: stop at the first blank line.
 */
static int
para_each(const char *text, size_t len, struct para *pa, char sep, bool space,
    bool headers_only, int (*fn)(struct para *, void *), void *arg)
{
	const char *p = text, *end = text + len;
	bool any = false;
	int rc = 0;

	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		bool blank = true;

		for (size_t i = 0; i < n; i++)
			blank = blank && isspace((unsigned char)p[i]);
		if (blank) {
			if (any)
				rc = fn(pa, arg);
			para_reset(pa);
			any = false;
			if (headers_only)
				return rc;
		} else {
			para_line(pa, p, n, sep, space);
			any = true;
		}
		p = nl ? nl + 1 : end;
	}
	if (any && rc == 0)
		rc = fn(pa, arg);
	para_reset(pa);
	return rc;
}

/* ---- dpkg ---- */

/*
 * A package whose files are on disk: every dpkg state but not-installed
 * and config-files (removed, its configuration kept).
 */
static bool
dpkg_installed(const char *status)
{
	const char *state;

	if (status == NULL)
		return true;	/* status.d files of distroless images */
	state = strrchr(status, ' ');
	state = state ? state + 1 : status;
	return strcmp(state, "not-installed") != 0 &&
	    strcmp(state, "config-files") != 0;
}

static int
dpkg_para(struct para *pa, void *arg)
{
	const char *src = para_get(pa, "Source");
	struct sbom_pkg *p;

	if (!dpkg_installed(para_get(pa, "Status")) ||
	    (p = para_package(pa, arg, "deb", "Package", "Version")) == NULL)
		return 0;
	p->arch = para_dup(pa, "Architecture");
	p->supplier = para_dup(pa, "Maintainer");
	if (src != NULL)	/* "name" or "name (version)" */
		p->source = xstrndup(src, strcspn(src, " "));
	return 0;
}

/* /var/lib/dpkg/status (or one file of status.d). */
int
sbom_parse_dpkg(const char *text, size_t len, struct sbom *s)
{
	struct para pa = { .keys = { "Package", "Status", "Version",
		"Architecture", "Maintainer", "Source" }, .nkeys = 6 };

	return para_each(text, len, &pa, ':', true, false, dpkg_para, s);
}

/* ---- apk ---- */

static int
apk_para(struct para *pa, void *arg)
{
	const char *lic = para_get(pa, "L");
	struct sbom_pkg *p = para_package(pa, arg, "apk", "P", "V");

	if (p == NULL)
		return 0;
	p->arch = para_dup(pa, "A");
	p->supplier = para_dup(pa, "m");
	p->source = para_dup(pa, "o");
	if (lic != NULL)
		p->license = sbom_license_expression(lic, false);
	return 0;
}

/* /lib/apk/db/installed: "P:name", "V:version", ... per package. */
int
sbom_parse_apk(const char *text, size_t len, struct sbom *s)
{
	struct para pa = { .nkeys = 0, .exact = true };
	static const char *keys[] = { "P", "V", "A", "L", "m", "o" };

	/* apk's keys are case-sensitive single letters: match exactly */
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		pa.keys[pa.nkeys++] = keys[i];
	return para_each(text, len, &pa, ':', false, false, apk_para, s);
}

/* ---- Python ---- */

static int
metadata_para(struct para *pa, void *arg)
{
	const char *expr = para_get(pa, "License-Expression");
	const char *lic = para_get(pa, "License");
	const char *author = para_get(pa, "Author");
	struct sbom_pkg *p = para_package(pa, arg, "pypi", "Name", "Version");

	if (p == NULL)
		return 0;
	if (expr != NULL)
		p->license = sbom_license_expression(expr, false);
	else if (lic != NULL)
		p->license = sbom_license_expression(lic, false);
	if (author != NULL && *author != '\0')
		p->supplier = xstrdup(author);
	return 0;
}

/* The headers of one *.dist-info/METADATA (or *.egg-info/PKG-INFO). */
int
sbom_parse_metadata(const char *text, size_t len, struct sbom *s)
{
	struct para pa = { .keys = { "Name", "Version", "License-Expression",
		"License", "Author" }, .nkeys = 5 };

	return para_each(text, len, &pa, ':', true, true, metadata_para, s);
}

/* ---- os-release ---- */

static char *
os_release_value(const char *v, size_t n)
{
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0])
		return xstrndup(v + 1, n - 2);
	return xstrndup(v, n);
}

/* ID and VERSION_ID; 0 always (an int like the other parsers). */
int
sbom_parse_os_release(const char *text, size_t len, struct sbom *s)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n > 3 && strncmp(p, "ID=", 3) == 0 && s->distro == NULL)
			s->distro = os_release_value(p + 3, n - 3);
		else if (n > 11 && strncmp(p, "VERSION_ID=", 11) == 0 &&
		    s->distro_version == NULL)
			s->distro_version = os_release_value(p + 11, n - 11);
		p = nl ? nl + 1 : end;
	}
	/* an ID goes into package URLs: keep it to what a purl allows */
	for (char *c = s->distro; c && *c; c++) {
		if (!isalnum((unsigned char)*c) && *c != '.' && *c != '-') {
			free(s->distro);
			s->distro = NULL;
			break;
		}
		*c = (char)tolower((unsigned char)*c);
	}
	return 0;
}

/* ---- licenses ---- */

/* SPDX License List identifiers paks recognises (a common subset). */
static const char *const spdx_ids[] = {
	"0BSD", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.0",
	"Apache-1.1", "Apache-2.0", "Artistic-1.0", "Artistic-1.0-Perl",
	"Artistic-2.0", "BSD-1-Clause", "BSD-2-Clause", "BSD-3-Clause",
	"BSD-4-Clause", "BSL-1.0", "bzip2-1.0.6", "CC-BY-3.0", "CC-BY-4.0",
	"CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC0-1.0", "curl", "EPL-1.0",
	"EPL-2.0", "FSFAP", "FSFUL", "FSFULLR", "GFDL-1.2-only",
	"GFDL-1.2-or-later", "GFDL-1.3-only", "GFDL-1.3-or-later",
	"GPL-1.0-only", "GPL-1.0-or-later", "GPL-2.0-only",
	"GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "HPND",
	"ICU", "IJG", "ISC", "LGPL-2.0-only", "LGPL-2.0-or-later",
	"LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only",
	"LGPL-3.0-or-later", "Libpng", "libtiff", "MIT", "MIT-0", "MPL-1.1",
	"MPL-2.0", "NCSA", "OpenSSL", "PHP-3.01", "PostgreSQL", "PSF-2.0",
	"Python-2.0", "Ruby", "Sleepycat", "Unicode-DFS-2016", "Unlicense",
	"Vim", "W3C", "WTFPL", "X11", "Zlib", "ZPL-2.1",
	/* exceptions, after WITH */
	"Autoconf-exception-3.0", "Bison-exception-2.2",
	"Classpath-exception-2.0", "GCC-exception-3.1", "LLVM-exception",
	"OpenSSL-exception",
};

/* Debian's short names (copyright-format 1.0) and their SPDX ids. */
static const char *const debian_names[][2] = {
	{ "Artistic", "Artistic-1.0" },
	{ "BSD-2-clause", "BSD-2-Clause" },
	{ "BSD-3-clause", "BSD-3-Clause" },
	{ "BSD-4-clause", "BSD-4-Clause" },
	{ "Expat", "MIT" },
	{ "AGPL-3", "AGPL-3.0-only" }, { "AGPL-3+", "AGPL-3.0-or-later" },
	{ "GFDL-1.2", "GFDL-1.2-only" }, { "GFDL-1.2+", "GFDL-1.2-or-later" },
	{ "GFDL-1.3", "GFDL-1.3-only" }, { "GFDL-1.3+", "GFDL-1.3-or-later" },
	{ "GPL-1", "GPL-1.0-only" }, { "GPL-1+", "GPL-1.0-or-later" },
	{ "GPL-2", "GPL-2.0-only" }, { "GPL-2+", "GPL-2.0-or-later" },
	{ "GPL-3", "GPL-3.0-only" }, { "GPL-3+", "GPL-3.0-or-later" },
	{ "LGPL-2", "LGPL-2.0-only" }, { "LGPL-2+", "LGPL-2.0-or-later" },
	{ "LGPL-2.1", "LGPL-2.1-only" }, { "LGPL-2.1+", "LGPL-2.1-or-later" },
	{ "LGPL-3", "LGPL-3.0-only" }, { "LGPL-3+", "LGPL-3.0-or-later" },
	{ "GPL-2.0+", "GPL-2.0-or-later" }, { "GPL-3.0+", "GPL-3.0-or-later" },
	{ "Perl", "Artistic-1.0-Perl OR GPL-1.0-or-later" },
	{ "Zope-2.1", "ZPL-2.1" },
	{ "PSF", "PSF-2.0" },
};

/* One license name as an SPDX id (or a small expression), or NULL. */
static const char *
license_id(const char *w, size_t n, bool debian)
{
	for (size_t i = 0; debian && i < sizeof debian_names /
	    sizeof debian_names[0]; i++) {
		if (strlen(debian_names[i][0]) == n &&
		    strncasecmp(debian_names[i][0], w, n) == 0)
			return debian_names[i][1];
	}
	for (size_t i = 0; i < sizeof spdx_ids / sizeof spdx_ids[0]; i++) {
		if (strlen(spdx_ids[i]) == n &&
		    strncasecmp(spdx_ids[i], w, n) == 0)
			return spdx_ids[i];
	}
	return NULL;
}

/*
 * A license field as an SPDX expression: names joined by one kind of
 * operator ("or"/"and", any case), "X with Y" where both are known. NULL
 * (NOASSERTION) for anything else: an unknown name, commas, parentheses,
 * mixed operators. debian: the field uses Debian's short names.
 */
char *
sbom_license_expression(const char *field, bool debian)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	const char *p = field, *op = NULL;
	bool want_id = true, with = false;
	int ids = 0;

	if (strpbrk(field, ",()\n") != NULL)
		return NULL;
	while (*p) {
		size_t n;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		n = strcspn(p, " \t");
		if (want_id) {
			const char *id = license_id(p, n, debian);
			if (id == NULL || (strchr(id, ' ') && (ids > 0 ||
			    p[n] != '\0')))
				return NULL;	/* unknown, or Perl in a list */
			if (with != (strstr(id, "exception") != NULL))
				return NULL;	/* WITH takes an exception */
			strbuf_adds(&sb, id);
			ids++;
			want_id = false;
		} else {
			const char *o = n == 2 && strncasecmp(p, "or", 2) == 0 ?
			    "OR" : n == 3 && strncasecmp(p, "and", 3) == 0 ?
			    "AND" : n == 4 && strncasecmp(p, "with", 4) == 0 ?
			    "WITH" : NULL;
			if (o == NULL || with)
				return NULL;
			if (strcmp(o, "WITH") == 0) {
				/* "with X exception" in Debian's files */
				with = true;
			} else if (op != NULL && strcmp(op, o) != 0)
				return NULL;
			else
				op = o;
			strbuf_addf(&sb, " %s ", o);
			want_id = true;
		}
		p += n;
	}
	if (want_id || ids == 0)
		return NULL;
	return strbuf_detach(&sb);
}

/* ---- Debian copyright files ---- */

struct copyright {
	bool	 first;
	bool	 machine;	/* the header says copyright-format 1.0 */
	char	*license;	/* of "Files: *" */
};

/* Whether a Files: field lists "*" itself. */
static bool
files_has_star(const char *files)
{
	for (const char *p = files; *p;) {
		size_t n;

		while (*p == ' ' || *p == '\t')
			p++;
		n = strcspn(p, " \t");
		if (n == 1 && *p == '*')
			return true;
		p += n;
	}
	return false;
}

static int
copyright_para(struct para *pa, void *arg)
{
	struct copyright *c = arg;
	const char *fmt = para_get(pa, "Format");
	const char *files = para_get(pa, "Files");
	const char *lic = para_get(pa, "License");

	if (c->first) {
		c->first = false;
		c->machine = fmt != NULL &&
		    (strstr(fmt, "copyright-format/1.0") != NULL ||
		    strstr(fmt, "dep5") != NULL);
		/* a header may carry the whole work's License */
		if (c->machine && lic != NULL && *lic != '\0')
			c->license = xstrdup(lic);
		return c->machine ? 0 : 1;
	}
	if (files != NULL && files_has_star(files) && lic != NULL &&
	    *lic != '\0') {
		free(c->license);
		c->license = xstrdup(lic);
		return 1;
	}
	return 0;
}

/*
 * The license of "Files: *" in a machine-readable copyright file, as an
 * SPDX expression; NULL when the file is not machine-readable or the
 * license has no SPDX equivalent paks knows.
 */
char *
sbom_copyright_license(const char *text, size_t len)
{
	struct para pa = { .keys = { "Format", "Files", "License" },
		.nkeys = 3 };
	struct copyright c = { .first = true };
	char *expr;

	para_each(text, len, &pa, ':', true, false, copyright_para, &c);
	if (c.license == NULL)
		return NULL;
	expr = sbom_license_expression(c.license, true);
	free(c.license);
	return expr;
}

/* ---- package URLs ---- */

/* purl's percent-encoding: all but unreserved characters (and ':'). */
static void
purl_encode(struct strbuf *sb, const char *s, bool colon)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || strchr(".-_~", c) || (colon && c == ':'))
			strbuf_addch(sb, (char)c);
		else
			strbuf_addf(sb, "%%%02X", c);
	}
}

/* PEP 503: lower case, runs of '-', '_' and '.' become one '-'. */
static char *
pypi_name(const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *p = name; *p; p++) {
		if (strchr("-_.", *p)) {
			while (p[1] && strchr("-_.", p[1]))
				p++;
			strbuf_addch(&sb, '-');
		} else
			strbuf_addch(&sb, (char)tolower((unsigned char)*p));
	}
	return strbuf_detach(&sb);
}

/* Whether the os-release ID names a distribution of package type. */
static bool
purl_distro_fits(const char *distro, const char *type)
{
	static const char *const others[][2] = {
		{ "alpine", "deb" }, { "alpine", "rpm" },
		{ "debian", "apk" }, { "debian", "rpm" },
		{ "ubuntu", "apk" }, { "ubuntu", "rpm" },
	};

	if (distro == NULL)
		return false;
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
		if (strcmp(others[i][0], distro) == 0 &&
		    strcmp(others[i][1], type) == 0)
			return false;
	}
	return true;
}

/* "?K=V&K=V", the qualifiers that are set, in the order given (sorted). */
static void
purl_qualifiers(struct strbuf *sb, const char *const (*q)[2], size_t n)
{
	char sep = '?';

	for (size_t i = 0; i < n; i++) {
		if (q[i][1] == NULL || *q[i][1] == '\0')
			continue;
		strbuf_addf(sb, "%c%s=", sep, q[i][0]);
		purl_encode(sb, q[i][1], false);
		sep = '&';
	}
}

/*
 * pkg:deb/debian/NAME@VERSION?arch=ARCH, pkg:apk/alpine/...,
 * pkg:rpm/rocky/NAME@VERSION-RELEASE?arch=ARCH&epoch=1 (the namespace is
 * the os-release ID, or "rpm"), pkg:pypi/NAME@VERSION (PEP 503 name),
 * pkg:conda/NAME@VERSION?build=BUILD&subdir=SUBDIR.
 */
char *
sbom_purl(const struct sbom *s, const struct sbom_pkg *p)
{
	struct strbuf sb = STRBUF_INIT;
	const char *ns = NULL;

	if (strcmp(p->type, "deb") == 0)
		ns = purl_distro_fits(s->distro, "deb") ? s->distro : "debian";
	else if (strcmp(p->type, "apk") == 0)
		ns = purl_distro_fits(s->distro, "apk") ? s->distro : "alpine";
	else if (strcmp(p->type, "rpm") == 0)
		ns = purl_distro_fits(s->distro, "rpm") ? s->distro : "rpm";
	strbuf_addf(&sb, "pkg:%s/", p->type);
	if (ns != NULL) {
		purl_encode(&sb, ns, false);
		strbuf_addch(&sb, '/');
	}
	if (strcmp(p->type, "pypi") == 0) {
		_cleanup_free_ char *n = pypi_name(p->name);
		purl_encode(&sb, n, false);
	} else
		purl_encode(&sb, p->name, false);
	strbuf_addch(&sb, '@');
	purl_encode(&sb, p->version, true);
	if (strcmp(p->type, "conda") == 0) {
		const char *const q[][2] = { { "build", p->build },
			{ "subdir", p->arch } };
		purl_qualifiers(&sb, q, 2);
	} else {
		const char *const q[][2] = { { "arch", p->arch },
			{ "epoch", p->epoch } };
		purl_qualifiers(&sb, q, 2);
	}
	return strbuf_detach(&sb);
}

/* Replace each byte that is not part of valid UTF-8 with '?', in place. */
static void
utf8_fix(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (p != NULL && *p) {
		size_t n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 :
		    (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
		bool ok = n > 0 && !(n == 2 && *p < 0xc2) &&
		    !(n == 4 && *p > 0xf4);

		for (size_t i = 1; ok && i < n; i++)
			ok = (p[i] & 0xc0) == 0x80;
		/* overlong forms, surrogates, past U+10FFFF */
		if (ok && ((p[0] == 0xe0 && p[1] < 0xa0) ||
		    (p[0] == 0xed && p[1] >= 0xa0) ||
		    (p[0] == 0xf0 && p[1] < 0x90) ||
		    (p[0] == 0xf4 && p[1] >= 0x90)))
			ok = false;
		if (!ok) {
			*p++ = '?';
			continue;
		}
		p += n;
	}
}

/* JSON strings must be UTF-8: databases may hold other encodings. */
void
sbom_clean(struct sbom *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct sbom_pkg *p = &s->v[i];
		char *fields[] = { p->name, p->version, p->arch, p->license,
			p->supplier, p->source, p->epoch, p->build };

		for (size_t j = 0; j < sizeof fields / sizeof fields[0]; j++)
			utf8_fix(fields[j]);
	}
}
