/* The #command operations of docker and podman, through their clients. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "engine-api.h"
#include "util/cleanup.h"
#include "util/safetree.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* "ENGINE ARGS..." through the operation's runner. */
static int
cli_run(const struct engine_op *op, char *const *args, const char *progress,
    char **out, struct paks_error **err)
{
	return engine_cmd_args(op->engine, &op->runner, args, progress, out,
	    -1, err);
}

/* Container paths are relative to the shell's directory when known. */
static char *
cli_ctr_path(const struct engine_op *op, const char *a)
{
	if (a[0] == '/' || op->cwd == NULL || *op->cwd == '\0')
		return xasprintf("%s:%s", op->run->name, a);
	return xasprintf("%s:%s/%s", op->run->name, op->cwd, a);
}

/* "cannot copy 'SRC'" for a source the engine did not find. */
static int
cli_cp_error(const struct engine_cp *cp, struct paks_error **err)
{
	if (strstr((*err)->msg, "find the file") ||
	    strstr((*err)->msg, "no such file")) {
		paks_error_release(err);
		return paks_error_set(err, ENOENT, "cannot copy '%s'",
		    cp->what);
	}
	return -1;
}

/*
 * Container to host: the engine sends a tar ("ENGINE cp CTR:SRC -") into
 * a scratch file beside the destination, and paks makes its members
 * itself, never through a link, refusing links that leave what is copied
 * (util/safetree.c). A link named as the source is followed inside the
 * container: podman does so, docker with -L; copied as a link, it would
 * point at whatever its text names on the host.
 */
int
engine_cli_cp(const struct engine_op *op, const struct engine_cp *cp,
    struct paks_error **err)
{
	_cleanup_free_ char *ctr = cli_ctr_path(op, cp->ctr);
	_cleanup_safetree_ struct safetree st = SAFETREE_INIT;
	_cleanup_close_ int tar = -1;
	bool docker = strcmp(op->engine->name, "docker") == 0;
	char *to[] = { "cp", (char *)cp->host, ctr, NULL };
	char *from[] = { "cp", docker ? "-L" : ctr, docker ? ctr : "-",
		docker ? "-" : NULL, NULL };

	if (!cp->to_host) {
		/* host to container: through the Engine API when it answers */
		int rc = engine_api_cp_in(op, cp, err);

		if (rc <= 0)
			return rc;
		return cli_run(op, to, NULL, NULL, err) < 0 ?
		    cli_cp_error(cp, err) : 0;
	}
	if (cp->unpack == NULL)
		BUG("engine_cli_cp without unpack");
	if (safetree_begin_host(&st, cp->host, cp->shown, err) < 0 ||
	    (tar = safetree_scratch(&st, err)) < 0)
		return -1;
	if (engine_cmd_args(op->engine, &op->runner, from, NULL, NULL, tar,
	    err) < 0)
		return cli_cp_error(cp, err);
	if (cp->unpack(cp, tar, &st, safetree_wants_contents(cp->ctr),
	    err) < 0)
		return -1;
	return safetree_commit(&st, err);
}

int
engine_cli_inspect(const struct engine_op *op, char **out,
    struct paks_error **err)
{
	char *args[] = { "container", "inspect", (char *)op->run->name, NULL };
	struct docker_api *api = NULL;

	if (engine_api_get(op->engine, &api, err) < 0)
		return -1;
	if (api != NULL)
		return engine_api_inspect(api, op->run->name, out, err);
	return cli_run(op, args, NULL, out, err);
}

int
engine_cli_size(const struct engine_op *op, struct engine_size *z,
    struct paks_error **err)
{
	char *args[] = { "container", "inspect", "--size", "--format",
		"{{.SizeRw}} {{.SizeRootFs}}", (char *)op->run->name, NULL };
	_cleanup_free_ char *text = NULL;
	double rw, root;
	struct docker_api *api = NULL;

	if (engine_api_get(op->engine, &api, err) < 0)
		return -1;
	if (api != NULL)
		return engine_api_size(api, op->run->name, z, err);
	if (cli_run(op, args, NULL, &text, err) < 0)
		return -1;
	if (sscanf(text, "%lf %lf", &rw, &root) != 2 || rw < 0 || root < 0)
		return paks_error_set(err, 0, "cannot read the size from %s",
		    op->engine->name);
	*z = (struct engine_size){ .writable = (long long)rw,
		.virtual_size = (long long)root, .image = -1 };
	return 0;
}
