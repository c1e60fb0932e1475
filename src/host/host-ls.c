/* paks ls: the containers paks ran and the images it saved. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "engine/engine-ps.h"
#include "host-format.h"
#include "image/save.h"
#include "image/snapshot.h"
#include "util/cleanup.h"
#include "util/text.h"
#include "util/xalloc.h"

static const struct cmd_option ls_options[] = {
	{ .name = "engine", .letter = 'c', .arg = "E",
	  .help = "list only this engine's: docker or podman (default: both, "
	  "those that answer)",
	  .aliases = CMD_NAMES("container-tech") },
	HOST_FORMAT_OPTION,
	{ .name = NULL },
};

/* What one engine has. */
struct ls_engine {
	const struct engine	*engine;
	struct engine_box	*boxes;
	size_t			 nboxes;
	struct engine_image	*images;
	size_t			 nimages;
};

/* "5s", "12m", "3h", "9d" since t. */
static void
ls_age(long long t, char *buf, size_t size)
{
	long long d = (long long)time(NULL) - t;

	if (t <= 0)
		snprintf(buf, size, "?");
	else if (d < 60)
		snprintf(buf, size, "%llds", d < 0 ? 0 : d);
	else if (d < 3600)
		snprintf(buf, size, "%lldm", d / 60);
	else if (d < 86400)
		snprintf(buf, size, "%lldh", d / 3600);
	else
		snprintf(buf, size, "%lldd", d / 86400);
}

static char *
ls_size(long long n)
{
	return n < 0 ? xstrdup("?") : text_size((uint64_t)n);
}

/*
 * s cut to width, its end shown as "~" when cut, as plain text: a label
 * is the image's, and any image may carry paks's labels.
 */
static char *
ls_cut(const char *s, int width)
{
	char *c = (int)strlen(s) <= width ? xstrdup(s) :
	    xasprintf("%.*s~", width - 1, s);

	text_plain(c);
	return c;
}

/* The snapshots of what a container's #save writes (IMAGE-saved). */
static int
ls_box_snaps(const struct ls_engine *le, const struct engine_box *b)
{
	_cleanup_free_ char *target = save_target(b->source, "-saved");

	return snapshot_count(le->images, le->nimages, target);
}

/* NAME ENGINE STATUS AGE SIZE FROM SNAPS, in 80 columns: the name as
 * wide as the widest (up to 40), the image it came from in what is left
 * (never under 12) */
#define LS_ROW "%-*s %-6s %-7s %4s %8s %-*s %5s\n"
#define LS_FIXED (6 + 7 + 4 + 8 + 5 + 6)

struct ls_widths {
	int	name, from;
};

static void
ls_widths(const struct ls_engine *le, size_t n, struct ls_widths *w)
{
	w->name = 11;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < le[i].nboxes; j++)
			if ((int)strlen(le[i].boxes[j].name) > w->name)
				w->name = (int)strlen(le[i].boxes[j].name);
		for (size_t j = 0; j < le[i].nimages; j++)
			for (size_t k = 0; k < le[i].images[j].tags.n; k++)
				if (!snapshot_is(le[i].images[j].tags.v[k]) &&
				    (int)strlen(le[i].images[j].tags.v[k]) >
				    w->name)
					w->name = (int)strlen(
					    le[i].images[j].tags.v[k]);
	}
	w->name = w->name > 40 ? 40 : w->name;
	w->from = 79 - LS_FIXED - w->name;
	if (w->from < 12)	/* a wider line beats an unreadable column */
		w->from = 12;
}

static void
ls_print_boxes(struct cmd_ctx *ctx, const struct ls_engine *le, size_t n,
    const struct ls_widths *w)
{
	cmd_printf(ctx, LS_ROW, w->name, "CONTAINER", "ENGINE", "STATUS",
	    "AGE", "SIZE", w->from, "IMAGE", "SNAPS");
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < le[i].nboxes; j++) {
			const struct engine_box *b = &le[i].boxes[j];
			_cleanup_free_ char *name = ls_cut(b->name, w->name);
			_cleanup_free_ char *src = ls_cut(b->source, w->from);
			_cleanup_free_ char *state = ls_cut(b->state, 7);
			_cleanup_free_ char *size = ls_size(b->size);
			char age[24], snaps[16];

			ls_age(b->created, age, sizeof age);
			snprintf(snaps, sizeof snaps, "%d",
			    ls_box_snaps(&le[i], b));
			cmd_printf(ctx, LS_ROW, w->name, name,
			    le[i].engine->name, state, age, size, w->from, src,
			    snaps);
		}
	}
}

/* A saved image is listed by each name that is not a snapshot's. */
static void
ls_print_images(struct cmd_ctx *ctx, const struct ls_engine *le, size_t n,
    const struct ls_widths *w)
{
	cmd_printf(ctx, "\n" LS_ROW, w->name, "SAVED IMAGE", "ENGINE", "",
	    "AGE", "SIZE", w->from, "FROM", "SNAPS");
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < le[i].nimages; j++) {
			const struct engine_image *m = &le[i].images[j];
			_cleanup_free_ char *size = ls_size(m->size);
			_cleanup_free_ char *from = ls_cut(m->base ? m->base :
			    "?", w->from);
			char age[24];

			ls_age(m->created, age, sizeof age);
			for (size_t k = 0; k < m->tags.n; k++) {
				_cleanup_free_ char *name = NULL;
				char snaps[16];

				if (snapshot_is(m->tags.v[k]))
					continue;
				name = ls_cut(m->tags.v[k], w->name);
				snprintf(snaps, sizeof snaps, "%d",
				    snapshot_count(le[i].images,
				    le[i].nimages, m->tags.v[k]));
				cmd_printf(ctx, LS_ROW, w->name, name,
				    le[i].engine->name, "", age, size, w->from,
				    from, snaps);
			}
		}
	}
}

static json_t *
ls_json(const struct ls_engine *le, size_t n)
{
	json_t *boxes = json_array(), *images = json_array();

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < le[i].nboxes; j++) {
			const struct engine_box *b = &le[i].boxes[j];
			json_array_append_new(boxes, json_pack("{s:s,s:s,s:s,"
			    "s:I,s:I,s:s,s:i}", "name", b->name, "engine",
			    le[i].engine->name, "status", b->state, "created",
			    (json_int_t)b->created, "size", (json_int_t)b->size,
			    "image", b->source, "snapshots",
			    ls_box_snaps(&le[i], b)));
		}
		for (size_t j = 0; j < le[i].nimages; j++) {
			const struct engine_image *m = &le[i].images[j];
			for (size_t k = 0; k < m->tags.n; k++) {
				if (snapshot_is(m->tags.v[k]))
					continue;
				json_array_append_new(images, json_pack("{s:s,"
				    "s:s,s:s,s:I,s:I,s:s?,s:i}", "name",
				    m->tags.v[k], "engine", le[i].engine->name,
				    "id", m->id, "created",
				    (json_int_t)m->created, "size",
				    (json_int_t)m->size, "from", m->base,
				    "snapshots", snapshot_count(le[i].images,
				    le[i].nimages, m->tags.v[k])));
			}
		}
	}
	return json_pack("{s:o,s:o}", "containers", boxes, "images", images);
}

/* The engines to ask: the one named, else docker and podman if they answer. */
static int
ls_engines(const char *name, struct ls_engine *le, size_t *n,
    struct paks_error **err)
{
	static const char *const both[] = { "docker", "podman" };

	*n = 0;
	if (name != NULL) {
		if (engine_select(name, &le[0].engine, err) < 0)
			return -1;
		*n = 1;
		return 0;
	}
	for (size_t i = 0; i < 2; i++) {
		struct paks_error *down = NULL;
		const struct engine *e = engine_find(both[i]);

		if (engine_probe(e, &down) == 0)
			le[(*n)++].engine = e;
		paks_error_free(down);
	}
	if (*n == 0) {
		paks_error_set(err, 0, "neither docker nor podman answers");
		return paks_error_hint(err, "is either installed and running? "
		    "'paks version' says what paks finds");
	}
	return 0;
}

static int
ls_exec(struct cmd_ctx *ctx, int argc, char **argv, struct paks_error **err)
{
	struct ls_engine le[2] = { 0 };
	size_t n = 0;
	bool json;
	int rc;

	(void)argc, (void)argv;
	if ((rc = host_format_json(ctx, &json, err)) < 0)
		return rc;
	if (ls_engines(cmd_opt_get(ctx->args, "engine"), le, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (engine_boxes(le[i].engine, &le[i].boxes, &le[i].nboxes,
		    err) < 0 || engine_images_saved(le[i].engine,
		    &le[i].images, &le[i].nimages, err) < 0)
			rc = -1;
	}
	if (rc == 0 && json)
		host_json_print(ctx, ls_json(le, n));
	else if (rc == 0) {
		struct ls_widths w;

		ls_widths(le, n, &w);
		ls_print_boxes(ctx, le, n, &w);
		ls_print_images(ctx, le, n, &w);
	}
	for (size_t i = 0; i < n; i++) {
		engine_boxes_free(le[i].boxes, le[i].nboxes);
		engine_images_free(le[i].images, le[i].nimages);
	}
	return rc;
}

const struct cmd_entry host_ls_entry = {
	.name = "ls",
	.usage = "",
	.summary = "list the containers paks ran and the images it saved",
	.help = "Containers: running ones, and stopped ones kept with\n"
	    "'paks run --keep' ('paks enter NAME' goes back in). Images:\n"
	    "those #save and paks save wrote; SNAPS counts their snapshots\n"
	    "(paks snapshots IMAGE lists them).\n"
	    "\nexample:\n  paks ls --format json | jq -r '.containers[].name'\n",
	.options = ls_options,
	.min_args = 0,
	.max_args = 0,
	.exec = ls_exec,
};
