/*
 * What #inspect and #size show, and paks inspect and paks size on the
 * host: the container's metadata as a JSON object, its sections, and its
 * sizes as text or JSON. Both commands call these, so they print the same.
 */
#include <jansson.h>
#include <string.h>
#include <strings.h>

#include "engine-inspect.h"
#include "util/cleanup.h"
#include "util/text.h"
#include "util/xalloc.h"

/* The engine's metadata of the container: an object (*doc to json_decref). */
json_t *
engine_inspect_get(const struct engine_op *op, json_t **doc,
    struct paks_error **err)
{
	_cleanup_free_ char *out = NULL;
	json_error_t jerr;
	json_t *obj;

	*doc = NULL;
	if (op->engine->inspect(op, &out, err) < 0)
		return NULL;
	if ((*doc = json_loads(out, 0, &jerr)) == NULL) {
		paks_error_set(err, 0, "cannot read %s's inspect output: %s",
		    op->engine->name, jerr.text);
		return NULL;
	}
	obj = json_is_array(*doc) ? json_array_get(*doc, 0) : *doc;
	if (!json_is_object(obj)) {
		json_decref(TAKE_PTR(*doc));
		paks_error_set(err, 0, "%s returned no metadata",
		    op->engine->name);
		return NULL;
	}
	return obj;
}

/* Walk "config.env" through objects, matching keys case-insensitively. */
json_t *
engine_inspect_find(json_t *root, const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path);
	char *save = NULL;
	json_t *cur = root;

	for (char *part = strtok_r(copy, ".", &save); part != NULL;
	     part = strtok_r(NULL, ".", &save)) {
		const char *key;
		json_t *val, *next = NULL;

		if (!json_is_object(cur))
			return NULL;
		json_object_foreach(cur, key, val) {
			if (strcasecmp(key, part) == 0) {
				next = val;
				break;
			}
		}
		if (next == NULL)
			return NULL;
		cur = next;
	}
	return cur;
}

/* "no section 'x'; sections: id created ...", the object's own keys. */
int
engine_inspect_nosection(json_t *obj, const char *path,
    struct paks_error **err)
{
	struct strbuf sb = STRBUF_INIT;
	const char *key;
	json_t *val;

	json_object_foreach(obj, key, val) {
		strbuf_addch(&sb, ' ');
		for (const char *k = key; *k; k++)
			strbuf_addch(&sb, (char)(*k >= 'A' && *k <= 'Z' ?
			    *k - 'A' + 'a' : *k));
	}
	paks_error_set(err, 0, "no section '%s'", path);
	paks_error_hint(err, "sections:%s", strbuf_str(&sb));
	strbuf_release(&sb);
	return -1;
}

/*
 * The sections Tab offers after #inspect and paks inspect NAME: those
 * docker and podman share (charliecloud has its own), in lower case, as
 * they are typed. Any other key path works as well.
 */
static const char *const inspect_sections_cli[] = {
	"id", "created", "path", "args", "state", "image", "name",
	"config", "hostconfig", "mounts", "networksettings", "graphdriver",
	"state.status", "state.running", "state.pid", "state.exitcode",
	"state.startedat", "config.env", "config.cmd", "config.entrypoint",
	"config.image", "config.labels", "config.user", "config.workingdir",
	"config.hostname", "hostconfig.binds", "hostconfig.networkmode",
	"hostconfig.readonlyrootfs", "hostconfig.securityopt",
	"hostconfig.capadd", "hostconfig.capdrop", "hostconfig.memory",
	"hostconfig.privileged", NULL,
};

static const char *const inspect_sections_ch[] = {
	"image", "format", "writable", "environment", "metadata", NULL,
};

const char *const *
engine_inspect_sections(const struct engine *e)
{
	if (e != NULL && strcmp(e->name, "charliecloud") == 0)
		return inspect_sections_ch;
	return inspect_sections_cli;
}

/* For people: one line each, as #size prints it. */
void
engine_size_text(const struct engine_size *z, struct strbuf *sb)
{
	_cleanup_free_ char *a = NULL, *b = NULL;

	if (z->path != NULL) {
		a = text_size((uint64_t)z->image);
		if (z->squashfs)
			strbuf_addf(sb, "SquashFS file:  %s (%s)\n", a,
			    z->path);
		else
			strbuf_addf(sb, "image directory: %s on disk (%s)\n",
			    a, z->path);
		return;
	}
	a = text_size((uint64_t)z->writable);
	b = text_size((uint64_t)z->virtual_size);
	strbuf_addf(sb, "writable layer: %s\nvirtual size:   %s\n", a, b);
}

/* For scripts: bytes, never rounded. */
json_t *
engine_size_json(const struct engine_size *z)
{
	json_t *o;

	if (z->path != NULL)
		o = json_pack("{s:s, s:s, s:I}", "path", z->path,
		    "format", z->squashfs ? "squashfs" : "directory",
		    "bytes", (json_int_t)z->image);
	else
		o = json_pack("{s:I, s:I}", "writable", (json_int_t)z->writable,
		    "virtual", (json_int_t)z->virtual_size);
	if (o == NULL)
		xoom();
	return o;
}
