/*
 * The containers and images paks made: listed by their labels, then read
 * from one "inspect" of them all, whose JSON docker and podman write
 * alike (their "ps" and "images" JSON differ in shape and fields).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine-ps.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* "2026-12-03T03:55:22.123456789Z" or "...+01:00": Unix time, or 0. */
static long long
ps_time(const char *s)
{
	struct tm tm = { 0 };
	const char *p;
	long long t;
	int sign, hh, mm;

	if (s == NULL || (p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return 0;
	t = (long long)timegm(&tm);
	if (*p == '.')
		p += 1 + strspn(p + 1, "0123456789");
	if ((*p == '+' || *p == '-') && sscanf(p + 1, "%d:%d", &hh, &mm) == 2) {
		sign = *p == '+' ? 1 : -1;
		t -= sign * (hh * 3600LL + mm * 60LL);
	}
	return t;
}

/* "localhost/x:y" (podman's name for a local image): "x:y". */
char *
engine_tag_plain(const char *tag)
{
	if (strncmp(tag, "localhost/", 10) == 0)
		tag += 10;
	return xstrdup(tag);
}

static const char *
ps_label(json_t *obj, const char *key)
{
	json_t *labels = json_object_get(json_object_get(obj, "Config"),
	    "Labels");

	return json_string_value(json_object_get(labels, key));
}

/*
 * args (KIND inspect [--size] IDS...) one id at a time, those still there:
 * another program (a test, a prune) may remove one between the list and
 * the inspect, which then fails for all.
 */
static json_t *
ps_inspect_each(const struct engine *e, const struct strv *args,
    size_t first)
{
	json_t *all = json_array();

	for (size_t i = first; i < args->n; i++) {
		_cleanup_strv_ struct strv one = STRV_INIT;
		_cleanup_free_ char *out = NULL;
		struct paks_error *gone = NULL;
		json_t *doc;

		for (size_t j = 0; j < first; j++)
			strv_push(&one, args->v[j]);
		strv_push(&one, args->v[i]);
		if (engine_simple(e, one.v, &out, &gone) < 0) {
			paks_error_free(gone);
			continue;
		}
		if ((doc = json_loads(out, 0, NULL)) != NULL &&
		    json_is_array(doc))
			json_array_extend(all, doc);
		json_decref(doc);
	}
	return all;
}

/*
 * "ENGINE LIST... -q --filter label=LABEL", then "ENGINE KIND inspect
 * IDS...": a JSON array (empty when nothing is listed).
 */
static json_t *
ps_inspect_once(const struct engine *e, char *const *list, const char *kind,
    bool size, struct paks_error **err)
{
	_cleanup_strv_ struct strv args = STRV_INIT;
	_cleanup_free_ char *ids = NULL, *out = NULL;
	struct paks_error *gone = NULL;
	char *save = NULL;
	json_error_t jerr;
	json_t *doc;

	if (engine_simple(e, list, &ids, err) < 0)
		return NULL;
	strv_push(&args, kind);
	strv_push(&args, "inspect");
	if (size)
		strv_push(&args, "--size");
	size_t first = args.n;
	for (char *w = strtok_r(ids, " \n", &save); w != NULL;
	    w = strtok_r(NULL, " \n", &save)) {
		bool seen = false;
		for (size_t i = first; i < args.n && !seen; i++)
			seen = strcmp(args.v[i], w) == 0;
		if (!seen)
			strv_push(&args, w);
	}
	if (args.n == first)
		return json_array();
	if (engine_simple(e, args.v, &out, &gone) < 0) {
		paks_error_free(gone);
		return ps_inspect_each(e, &args, first);
	}
	if ((doc = json_loads(out, 0, &jerr)) == NULL || !json_is_array(doc)) {
		json_decref(doc);
		paks_error_set(err, 0, "cannot read %s's %s inspect output",
		    e->name, kind);
		return NULL;
	}
	return doc;
}

/*
 * The same, listed again when the inspect fails: one of the listed may
 * have been removed in between (a --rm container that ended, an image
 * another program removed), which fails the whole inspect.
 */
static json_t *
ps_inspect(const struct engine *e, char *const *list, const char *kind,
    bool size, struct paks_error **err)
{
	json_t *doc = NULL;

	/* the list too: podman's service may fail one while another
	 * program removes an image */
	for (int i = 0; i < 3 && doc == NULL; i++) {
		if (i > 0)
			paks_error_release(err);
		doc = ps_inspect_once(e, list, kind, size, err);
	}
	return doc;
}

/* One container of an inspect; false if paks did not run it. */
static bool
ps_box(json_t *c, struct engine_box *b)
{
	const char *name = json_string_value(json_object_get(c, "Name"));
	const char *run = ps_label(c, ENGINE_LABEL_RUN);
	const char *source = ps_label(c, ENGINE_LABEL_SOURCE);
	json_t *rw = json_object_get(c, "SizeRw");

	if (name == NULL)
		return false;
	name += name[0] == '/';
	/* a container from an image saved from a paks container inherits
	 * its labels, with another name */
	if (run == NULL || strcmp(run, name) != 0)
		return false;
	b->name = xstrdup(name);
	b->state = xstrdup(json_string_value(json_object_get(json_object_get(c,
	    "State"), "Status")) ?: "?");
	b->source = xstrdup(source ? source : "?");
	b->created = ps_time(json_string_value(json_object_get(c, "Created")));
	b->size = json_is_integer(rw) ? (long long)json_integer_value(rw) : -1;
	return true;
}

/* The containers paks ran that the engine has, running or not. */
int
engine_boxes(const struct engine *e, struct engine_box **out, size_t *n,
    struct paks_error **err)
{
	char *list[] = { "ps", "-a", "-q", "--no-trunc", "--filter",
		"label=" ENGINE_LABEL_RUN, NULL };
	json_t *doc = ps_inspect(e, list, "container", true, err), *c;
	size_t i;

	*out = NULL;
	*n = 0;
	if (doc == NULL)
		return -1;
	*out = xcalloc(json_array_size(doc) + 1, sizeof **out);
	json_array_foreach(doc, i, c) {
		if (ps_box(c, &(*out)[*n]))
			(*n)++;
	}
	json_decref(doc);
	return 0;
}

/* The container NAME, if paks ran it; else a one-line error. */
int
engine_box_get(const struct engine *e, const char *name,
    struct engine_box *b, struct paks_error **err)
{
	char *args[] = { "container", "inspect", (char *)name, NULL };
	_cleanup_free_ char *out = NULL;
	json_t *doc;
	bool ok;

	*b = (struct engine_box){ 0 };
	if (engine_simple(e, args, &out, err) < 0) {
		paks_error_release(err);
		paks_error_set(err, 0, "no container '%s' in %s", name, e->name);
		return paks_error_hint(err, "'paks ls' lists the containers "
		    "paks made");
	}
	doc = json_loads(out, 0, NULL);
	ok = ps_box(json_array_get(doc, 0), b);
	json_decref(doc);
	if (!ok) {
		engine_box_release(b);
		paks_error_set(err, 0, "the container '%s' was not made by "
		    "paks run", name);
		return paks_error_hint(err, "'%s exec -it %s sh' opens a shell "
		    "in it", e->program, name);
	}
	return 0;
}

/*
 * The container NAME paks ran, and the engine that has it: the one tech
 * names, else docker or podman, whichever has it. A container that is
 * there but not paks's is said so.
 */
int
engine_box_find(const char *tech, const char *name, const struct engine **e,
    struct engine_box *box, struct paks_error **err)
{
	static const char *const both[] = { "docker", "podman" };

	if (tech != NULL && *tech != '\0')
		return engine_select(tech, e, err) < 0 ? -1 :
		    engine_box_get(*e, name, box, err);
	for (size_t i = 0; i < 2; i++) {
		struct paks_error *no = NULL;

		*e = engine_find(both[i]);
		if (engine_probe(*e, &no) == 0 &&
		    engine_box_get(*e, name, box, &no) == 0)
			return 0;
		/* one that has it but not from paks run: say that */
		if (no != NULL && strstr(no->msg, "not made by") != NULL) {
			*err = no;
			return -1;
		}
		paks_error_free(no);
	}
	paks_error_set(err, 0, "no container '%s' in docker or podman", name);
	return paks_error_hint(err, "'paks ls' lists the containers paks ran");
}

void
engine_box_release(struct engine_box *b)
{
	free(b->name);
	free(b->state);
	free(b->source);
	*b = (struct engine_box){ 0 };
}

void
engine_boxes_free(struct engine_box *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		engine_box_release(&v[i]);
	free(v);
}

static void
ps_image(json_t *c, struct engine_image *m)
{
	const char *base = ps_label(c, "org.paks.base");
	json_t *size = json_object_get(c, "Size"), *t;
	size_t i;

	m->id = xstrdup(json_string_value(json_object_get(c, "Id")) ?: "?");
	json_array_foreach(json_object_get(c, "RepoTags"), i, t) {
		if (json_is_string(t)) {
			_cleanup_free_ char *p = engine_tag_plain(
			    json_string_value(t));
			strv_push(&m->tags, p);
		}
	}
	m->base = base ? xstrdup(base) : NULL;
	m->created = ps_time(json_string_value(json_object_get(c, "Created")));
	m->size = json_is_integer(size) ? (long long)json_integer_value(size) :
	    -1;
}

/* The images paks saved (#save, paks save), snapshots among them. */
int
engine_images_saved(const struct engine *e, struct engine_image **out,
    size_t *n, struct paks_error **err)
{
	char *list[] = { "images", "-q", "--no-trunc", "--filter",
		"label=org.paks.saved", NULL };
	json_t *doc = ps_inspect(e, list, "image", false, err), *c;
	size_t i;

	*out = NULL;
	*n = 0;
	if (doc == NULL)
		return -1;
	*out = xcalloc(json_array_size(doc) + 1, sizeof **out);
	json_array_foreach(doc, i, c)
		ps_image(c, &(*out)[(*n)++]);
	json_decref(doc);
	return 0;
}

void
engine_images_free(struct engine_image *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		strv_release(&v[i].tags);
		free(v[i].base);
	}
	free(v);
}
