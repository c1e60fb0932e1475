/*
 * Python distributions and conda packages anywhere in a container's file
 * system, picked out of its tar stream ("ENGINE export"): every
 * site-packages and dist-packages directory, whichever interpreter, venv
 * or conda environment it belongs to, and conda's conda-meta/NAME.json.
 */
#include <stdlib.h>
#include <string.h>

#include "sbom.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Whether the n bytes at p are the file name name. */
static bool
is_name(const char *p, size_t n, const char *name)
{
	return strlen(name) == n && memcmp(p, name, n) == 0;
}

/* Whether the n bytes at p end with suffix (and are more than it). */
static bool
ends_with(const char *p, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n > k && memcmp(p + n - k, suffix, k) == 0;
}

/*
 * Split path into its last three components: c[0] the file, c[1] its
 * directory, c[2] that one's parent (each { start, length }; a missing
 * one is empty). The length of the path up to c[i] is c[i].start - path.
 */
struct comp {
	const char	*p;
	size_t		 n;
};

static void
path_tail(const char *path, struct comp c[3])
{
	const char *end = path + strlen(path);

	for (int i = 0; i < 3; i++) {
		const char *s = end;
		while (s > path && s[-1] != '/')
			s--;
		c[i].p = s;
		c[i].n = (size_t)(end - s);
		end = s > path ? s - 1 : s;
		if (s == path) {
			for (int j = i + 1; j < 3; j++)
				c[j] = (struct comp){ path, 0 };
			break;
		}
	}
}

static bool
is_site(const struct comp *c)
{
	return is_name(c->p, c->n, "site-packages") ||
	    is_name(c->p, c->n, "dist-packages");
}

/*
 * Whether path (a tar member's name) is one sbom_py_visit reads; *conda:
 * a conda-meta record rather than Python metadata. The location (for
 * de-duplication) is what precedes the metadata's directory.
 */
bool
sbom_py_path(const char *path, bool *conda)
{
	struct comp c[3];

	path_tail(path, c);
	*conda = false;
	/* site-packages/NAME.dist-info/METADATA, .egg-info/PKG-INFO */
	if (is_name(c[0].p, c[0].n, "METADATA"))
		return ends_with(c[1].p, c[1].n, ".dist-info") &&
		    is_site(&c[2]);
	if (is_name(c[0].p, c[0].n, "PKG-INFO"))
		return ends_with(c[1].p, c[1].n, ".egg-info") && is_site(&c[2]);
	/* site-packages/NAME.egg-info, a file (distutils) */
	if (ends_with(c[0].p, c[0].n, ".egg-info"))
		return is_site(&c[1]);
	/* PREFIX/conda-meta/NAME-VERSION-BUILD.json */
	if (ends_with(c[0].p, c[0].n, ".json") &&
	    is_name(c[1].p, c[1].n, "conda-meta")) {
		*conda = true;
		return true;
	}
	return false;
}

static bool
py_want(const struct move_archive_entry *e, void *arg)
{
	bool conda;

	(void)arg;
	return sbom_py_path(e->name, &conda);
}

/* The directory holding the metadata: the site-packages or the prefix. */
static char *
py_location(const char *path, bool conda)
{
	struct comp c[3];
	bool egg_file;

	path_tail(path, c);
	egg_file = !conda && ends_with(c[0].p, c[0].n, ".egg-info");
	/* everything before NAME.dist-info/, NAME.egg-info or conda-meta/ */
	return xstrndup(path, (size_t)((conda || !egg_file ? c[1].p : c[0].p) -
	    path));
}

static int
py_entry(const struct move_archive_entry *e, const char *data, void *arg,
    struct paks_error **err)
{
	struct sbom_py *py = arg;
	struct sbom t = SBOM_INIT;
	_cleanup_free_ char *loc = NULL;
	bool conda;

	(void)err;
	if (data == NULL || e->type != '0' || !sbom_py_path(e->name, &conda))
		return 0;
	t.distro = py->sbom->distro;	/* borrowed, for the purls */
	if (conda)
		sbom_parse_conda(data, (size_t)e->size, &t);
	else
		sbom_parse_metadata(data, (size_t)e->size, &t);
	loc = py_location(e->name, conda);
	for (size_t i = 0; i < t.n; i++) {
		struct sbom_pkg *q = &t.v[i], *p;
		_cleanup_free_ char *purl = sbom_purl(&t, q);
		_cleanup_free_ char *key = xasprintf("%s\n%s", loc, purl);
		bool dup = false;

		for (size_t j = 0; j < py->seen.n && !dup; j++)
			dup = strcmp(py->seen.v[j], key) == 0;
		if (dup)
			continue;
		strv_push(&py->seen, key);
		p = sbom_add(py->sbom, q->type, q->name, q->version);
		p->arch = TAKE_PTR(q->arch);
		p->license = TAKE_PTR(q->license);
		p->supplier = TAKE_PTR(q->supplier);
		p->build = TAKE_PTR(q->build);
	}
	t.distro = NULL;
	sbom_release(&t);
	return 0;
}

const struct move_archive_visit sbom_py_visit = { py_want, py_entry,
	SBOM_PY_MAX };

void
sbom_py_release(struct sbom_py *py)
{
	strv_release(&py->seen);
}

/* A string member of o, or NULL. */
static const char *
json_str(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/*
 * One conda-meta/NAME.json record: name, version, build, subdir and license
 * (a package conda installed, Python or not).
 */
int
sbom_parse_conda(const char *text, size_t len, struct sbom *s)
{
	json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	const char *name, *version, *v;
	struct sbom_pkg *p;

	if (!json_is_object(o) || (name = json_str(o, "name")) == NULL ||
	    (version = json_str(o, "version")) == NULL || *name == '\0' ||
	    *version == '\0') {
		json_decref(o);
		return -1;
	}
	p = sbom_add(s, "conda", name, version);
	if ((v = json_str(o, "build")) != NULL && *v != '\0')
		p->build = xstrdup(v);
	if ((v = json_str(o, "subdir")) != NULL && *v != '\0')
		p->arch = xstrdup(v);
	if ((v = json_str(o, "license")) != NULL)
		p->license = sbom_license_expression(v, false);
	json_decref(o);
	return 0;
}
