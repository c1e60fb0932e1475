/* Image references: [registry[:port]/]path[:tag][@algo:hex]. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <stdlib.h>

#include "imageref.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static bool
is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* path-component: [a-z0-9]+ joined by ".", "_", "__" or "-"+ */
static bool
imageref_component_ok(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return false;
	while (i < n) {
		if (is_lower_alnum(s[i])) {
			i++;
			continue;
		}
		size_t j = i;
		if (s[i] == '.')
			j++;
		else if (s[i] == '_')
			j += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
		else if (s[i] == '-')
			while (j < n && s[j] == '-')
				j++;
		else
			return false;
		if (j >= n || !is_lower_alnum(s[j]))
			return false;
		i = j;
	}
	return true;
}

/* domain: labels of [A-Za-z0-9-] joined by ".", optional ":port" */
static bool
imageref_domain_ok(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t hn = colon ? (size_t)(colon - s) : n;

	if (hn == 0)
		return false;
	for (size_t i = 0; i < hn; i++) {
		char c = s[i];
		if (!isalnum((unsigned char)c) && c != '-' && c != '.')
			return false;
		if (c == '.' && (i == 0 || i + 1 == hn || s[i + 1] == '.'))
			return false;
	}
	if (colon != NULL) {
		size_t pn = n - hn - 1;
		if (pn == 0 || pn > 5)
			return false;
		for (size_t i = hn + 1; i < n; i++)
			if (!isdigit((unsigned char)s[i]))
				return false;
	}
	return true;
}

static bool
imageref_tag_ok(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > 128 || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++) {
		char c = t[i];
		if (!isalnum((unsigned char)c) && c != '_' && c != '.' && c != '-')
			return false;
	}
	return true;
}

static bool
imageref_digest_ok(const char *d)
{
	const char *colon = strchr(d, ':');
	size_t hex;

	if (colon == NULL || colon == d)
		return false;
	for (const char *p = d; p < colon; p++)
		if (!is_lower_alnum(*p) && *p != '+' && *p != '.' && *p != '_' &&
		    *p != '-')
			return false;
	hex = strlen(colon + 1);
	if (hex < 32)
		return false;
	for (const char *p = colon + 1; *p; p++)
		if (!isxdigit((unsigned char)*p) || isupper((unsigned char)*p))
			return false;
	return true;
}

static int
imageref_bad(struct paks_error **err, const char *ref, const char *why)
{
	paks_error_set(err, 0, "invalid image reference '%s': %s", ref, why);
	return paks_error_hint(err, "expected [REGISTRY/]NAME[:TAG][@DIGEST], "
	    "e.g. debian:bookworm");
}

int
imageref_parse(const char *ref, struct imageref *out, struct paks_error **err)
{
	_cleanup_free_ char *s = NULL;
	char *at, *name, *slash, *lastslash, *colon;

	memset(out, 0, sizeof *out);
	if (*ref == '\0')
		return imageref_bad(err, ref, "it is empty");
	if (strlen(ref) > 512)
		return imageref_bad(err, "...", "it is too long");
	for (const char *p = ref; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return imageref_bad(err, ref, "it contains spaces or "
			    "control characters");
	s = xstrdup(ref);
	if ((at = strchr(s, '@')) != NULL) {
		*at++ = '\0';
		if (!imageref_digest_ok(at))
			return imageref_bad(err, ref, "the digest is not "
			    "ALGORITHM:HEX");
	}
	name = s;
	lastslash = strrchr(name, '/');
	colon = strrchr(name, ':');
	if (colon != NULL && (lastslash == NULL || colon > lastslash)) {
		*colon++ = '\0';
		if (!imageref_tag_ok(colon))
			return imageref_bad(err, ref, "the tag is not valid");
	} else
		colon = NULL;
	slash = strchr(name, '/');
	if (slash != NULL) {
		size_t dn = (size_t)(slash - name);
		if (memchr(name, '.', dn) || memchr(name, ':', dn) ||
		    (dn == 9 && strncmp(name, "localhost", 9) == 0)) {
			if (!imageref_domain_ok(name, dn))
				return imageref_bad(err, ref, "the registry "
				    "name is not valid");
			out->registry = xstrndup(name, dn);
			name = slash + 1;
		}
	}
	if (strlen(name) > 255) {
		imageref_release(out);
		return imageref_bad(err, ref, "the name is too long");
	}
	for (char *p = name;;) {
		char *q = strchr(p, '/');
		size_t n = q ? (size_t)(q - p) : strlen(p);
		if (!imageref_component_ok(p, n)) {
			imageref_release(out);
			return imageref_bad(err, ref, "a name part must be "
			    "lower-case letters and digits, joined by . _ or -");
		}
		if (q == NULL)
			break;
		p = q + 1;
	}
	out->path = xstrdup(name);
	out->tag = colon ? xstrdup(colon) : NULL;
	out->digest = at ? xstrdup(at) : NULL;
	return 0;
}

void
imageref_release(struct imageref *r)
{
	free(r->registry);
	free(r->path);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof *r);
}

char *
imageref_base(const struct imageref *r)
{
	const char *slash = strrchr(r->path, '/');

	return xstrdup(slash ? slash + 1 : r->path);
}
