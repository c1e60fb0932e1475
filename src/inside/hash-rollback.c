/* #rollback: a new container from a snapshot, in place of this one. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "image/save.h"
#include "image/snapshot.h"
#include "session/session.h"
#include "store/sessions.h"
#include "util/cleanup.h"

/* Snapshot N (argument), or the newest; an error names the range. */
static const struct snapshot *
rollback_pick(const struct snapshot *v, size_t n, const char *arg,
    const char *target, struct paks_error **err)
{
	const struct snapshot *snap;
	char *end;
	long k;

	if (arg == NULL)
		return &v[n - 1];
	errno = 0;
	k = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0 || k < 1 ||
	    k > 1000000) {
		paks_error_set(err, 0, "#rollback: '%s' is not a snapshot "
		    "number", arg);
		paks_error_hint(err, "#snapshots lists them");
		return NULL;
	}
	if ((snap = snapshot_find(v, n, (int)k)) == NULL) {
		paks_error_set(err, 0, "#rollback: %s has no snapshot %ld "
		    "(it has %d to %d)", target, k, v[0].number,
		    v[n - 1].number);
		paks_error_hint(err, "#snapshots lists them");
	}
	return snap;
}

/* Another session in the container would lose it: refuse. */
static int
rollback_alone(const struct engine_op *op, struct paks_error **err)
{
	if (!sessions_shared(op->run->name, getpid(), op->run->enter))
		return 0;
	paks_error_set(err, 0, "#rollback: another session may be in '%s', "
	    "and would lose it", op->run->name);
	return paks_error_hint(err, "leave the other sessions first; a "
	    "container that was running when paks enter came in is not "
	    "replaced from there");
}

static int
hash_rollback_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	struct engine_op op = session_op(ctx->session);
	_cleanup_free_ char *target = NULL;
	const struct snapshot *snap;
	struct snapshot *v = NULL;
	size_t n = 0;
	const char *cwd;
	int rc = -1;

	if ((target = save_op_target(&op, "-saved", err)) == NULL ||
	    snapshot_list(op.engine, target, &v, &n, err) < 0)
		return -1;
	if (n == 0) {
		paks_error_set(err, 0, "#rollback: no snapshots of %s yet",
		    target);
		paks_error_hint(err, "#save makes one");
		goto out;
	}
	if ((snap = rollback_pick(v, n, argc > 1 ? argv[1] : NULL, target,
	    err)) == NULL || rollback_alone(&op, err) < 0 ||
	    session_cwd(ctx->session, &cwd, err) < 0)
		goto out;
	cmd_printf(ctx, "rolling back to snapshot %d (%s)\n", snap->number,
	    snap->tag);
	if (session_replace(ctx->session, snap->tag, cwd, err) < 0) {
		paks_error_hint(err, "you are still in the container you had");
		goto out;
	}
	cmd_printf(ctx, "rolled back to snapshot %d: a new container from "
	    "%s%s%s\n", snap->number, snap->tag, cwd ? ", in " : "",
	    cwd ? cwd : "");
	rc = 0;
out:
	snapshots_free(v, n);
	return rc;
}

const struct cmd_entry hash_rollback_entry = {
	.name = "rollback",
	.usage = "[N]",
	.summary = "replace this container by a new one from snapshot N of "
	    "IMAGE-saved (default: the newest)",
	.help = "The new container starts from the snapshot that #save number "
	    "N left\n(#snapshots lists them), in the shell's working "
	    "directory, with the\nvariables #envload, #envsave and #envhost "
	    "exported here set again;\nthen the old container is removed. "
	    "It keeps the session's name, and\n--keep. A new container that "
	    "fails to start is removed and the session\ngoes on in the old "
	    "one. Refused while another session is in the\ncontainer, and "
	    "with charliecloud.\n",
	.min_args = 0,
	.max_args = 1,
	.exec = hash_rollback_exec,
};
