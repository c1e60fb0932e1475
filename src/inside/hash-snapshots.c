/* #snapshots: the snapshots of the image #save writes (IMAGE-saved). */
#include <stdlib.h>

#include "cmd.h"
#include "image/save.h"
#include "image/snapshot.h"
#include "session/session.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static int
hash_snapshots_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	struct engine_op op = session_op(ctx->session);
	_cleanup_free_ char *target = NULL;
	struct snapshot *v = NULL;
	size_t n = 0;

	if ((target = save_op_target(&op, argc > 1 ? argv[1] : "-saved",
	    err)) == NULL || snapshot_list(op.engine, target, &v, &n, err) < 0)
		return -1;
	if (n == 0)
		cmd_printf(ctx, "no snapshots of %s yet: #save makes one\n",
		    target);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *size = snapshot_size(&v[i]);
		char when[32];

		cmd_printf(ctx, "%3d  %s UTC  %9s  %s\n", v[i].number,
		    snapshot_when(&v[i], when, sizeof when), size, v[i].tag);
	}
	snapshots_free(v, n);
	return 0;
}

const struct cmd_entry hash_snapshots_entry = {
	.name = "snapshots",
	.usage = "[SUFFIX]",
	.summary = "list the snapshots each #save of IMAGE-saved left",
	.help = "With SUFFIX, those of IMAGE+SUFFIX. On the host:\n"
	    "paks snapshots IMAGE, and paks snapshots prune IMAGE --keep K.\n",
	.min_args = 0,
	.max_args = 1,
	.exec = hash_snapshots_exec,
};
