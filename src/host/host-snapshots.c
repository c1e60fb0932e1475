/* paks snapshots: the snapshots of a saved image, and pruning them. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine/engine.h"
#include "host-format.h"
#include "image/snapshot.h"
#include "store/settings.h"
#include "util/cleanup.h"
#include "util/text.h"
#include "util/xalloc.h"

static const struct cmd_option snapshots_options[] = {
	{ .name = "engine", .letter = 'c', .arg = "E",
	  .help = "engine that has the image: docker or podman",
	  .aliases = CMD_NAMES("container-tech") },
	{ .name = "keep", .arg = "K",
	  .help = "prune: keep the newest K snapshots (default 5)" },
	HOST_FORMAT_OPTION,
	{ .name = NULL },
};

static void
snapshots_print(struct cmd_ctx *ctx, const struct snapshot *v, size_t n)
{
	cmd_printf(ctx, "%-4s %-20s %9s %9s  %s\n", "N", "SAVED (UTC)", "SIZE",
	    "ADDED", "TAG");
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *size = snapshot_size(&v[i]);
		_cleanup_free_ char *added = v[i].added < 0 ? xstrdup("-") :
		    text_size((uint64_t)(v[i].added > 0 ? v[i].added : 0));
		char when[32];

		cmd_printf(ctx, "%-4d %-20s %9s %9s  %s\n", v[i].number,
		    snapshot_when(&v[i], when, sizeof when), size, added,
		    v[i].tag);
	}
}

static json_t *
snapshots_json(const struct snapshot *v, size_t n)
{
	json_t *list = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:i,s:s,s:s,s:I,s:I,"
		    "s:I}", "number", v[i].number, "tag", v[i].tag, "id",
		    v[i].id, "created", (json_int_t)v[i].created, "size",
		    (json_int_t)v[i].size, "added", (json_int_t)v[i].added));
	return list;
}

/*
 * Drop a snapshot's tag. podman's untag never touches a container; docker
 * removes the image with its last tag, unless a container uses it.
 */
static int
snapshots_drop(const struct engine *e, const struct snapshot *s,
    struct paks_error **err)
{
	char *untag[] = { "untag", s->id, s->tag, NULL };
	char *rmi[] = { "image", "rm", s->tag, NULL };
	char *rmid[] = { "image", "rm", s->id, NULL };
	struct paks_error *ignored = NULL;

	if (e->daemon)
		return engine_simple(e, rmi, NULL, err);
	if (engine_simple(e, untag, NULL, err) < 0)
		return -1;
	/* fails while another tag or a container holds it: it stays */
	if (engine_simple(e, rmid, NULL, &ignored) < 0)
		paks_error_free(ignored);
	return 0;
}

static int
snapshots_prune(struct cmd_ctx *ctx, const struct engine *e,
    const struct snapshot *v, size_t n, struct paks_error **err)
{
	const char *ks = cmd_opt_get(ctx->args, "keep");
	char *end = NULL;
	long keep = ks ? strtol(ks, &end, 10) : 5;
	size_t dropped = 0;

	if (ks != NULL && (*ks == '\0' || *end != '\0' || keep < 0)) {
		paks_error_set(err, 0, "prune: --keep takes a number of "
		    "snapshots, 0 or more");
		return CMD_USAGE_ERROR;
	}
	for (size_t i = 0; i + (size_t)keep < n; i++) {
		if (snapshots_drop(e, &v[i], err) < 0)
			return paks_error_wrap(err, "cannot remove snapshot %d",
			    v[i].number);
		dropped++;
	}
	cmd_printf(ctx, "removed %zu snapshot%s, kept %zu\n", dropped,
	    dropped == 1 ? "" : "s", n - dropped);
	return 0;
}

static int
snapshots_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	const struct settings *settings;
	const struct engine *e;
	const char *tech = cmd_opt_get(ctx->args, "engine");
	bool prune = argc == 3 && strcmp(argv[1], "prune") == 0, json;
	const char *image = argv[argc - 1];
	struct snapshot *v = NULL;
	size_t n = 0;
	int rc;

	if (argc == 3 && !prune) {
		paks_error_set(err, 0, "snapshots: unknown action '%s'",
		    argv[1]);
		paks_error_hint(err, "usage: paks snapshots [prune] IMAGE");
		return CMD_USAGE_ERROR;
	}
	if (!prune && cmd_opt_has(ctx->args, "keep")) {
		paks_error_set(err, 0, "snapshots: --keep is for prune");
		paks_error_hint(err, "paks snapshots prune IMAGE --keep K");
		return CMD_USAGE_ERROR;
	}
	if ((rc = host_format_json(ctx, &json, err)) < 0)
		return rc;
	if ((settings = cmd_settings(ctx, err)) == NULL ||
	    engine_select(tech ? tech : settings_get(settings,
	    "container_tech"), &e, err) < 0 ||
	    snapshot_list(e, image, &v, &n, err) < 0)
		return -1;
	if (prune)
		rc = snapshots_prune(ctx, e, v, n, err);
	else if (json)
		host_json_print(ctx, snapshots_json(v, n));
	else if (n == 0)
		cmd_printf(ctx, "no snapshots of '%s' in %s\n", image, e->name);
	else
		snapshots_print(ctx, v, n);
	snapshots_free(v, n);
	return rc;
}

const struct cmd_entry host_snapshots_entry = {
	.name = "snapshots",
	.usage = "[prune] IMAGE",
	.summary = "list the snapshots of a saved image, or prune them",
	.help = "Each save of IMAGE (#save, paks save) also tags the image it\n"
	    "wrote IMAGE.snap-N, N counting up; #rollback N goes back to one.\n"
	    "prune removes all but the newest K (--keep, default 5).\n"
	    "\nexamples:\n  paks snapshots debian:bookworm-saved\n"
	    "  paks snapshots prune debian:bookworm-saved --keep 3\n",
	.options = snapshots_options,
	.min_args = 1,
	.max_args = 2,
	.exec = snapshots_exec,
};
