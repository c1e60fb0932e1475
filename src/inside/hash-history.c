/* #history: the lines this container's sessions ran, with their status. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "session/session.h"
#include "store/history.h"
#include "util/cleanup.h"

static int
hash_history_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	struct engine_op op = session_op(ctx->session);
	_cleanup_history_ struct history h = HISTORY_INIT;
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	_cleanup_free_ char *path = NULL;
	char *end = NULL;
	long last = argc > 1 ? strtol(argv[1], &end, 10) : 0;

	if (argc > 1 && (*argv[1] == '\0' || *end != '\0' || last <= 0)) {
		paks_error_set(err, 0, "#history: N is a number of lines, 1 "
		    "or more");
		return CMD_USAGE_ERROR;
	}
	if ((path = history_path(op.run->name)) == NULL)
		return paks_error_set(err, 0, "no record for this container");
	if (history_load(path, &h, err) < 0)
		return -1;
	history_mask_all(&h, session_secrets(ctx->session));
	if (h.n == 0) {
		cmd_printf(ctx, "no lines recorded yet\n");
		return 0;
	}
	history_table(&h, last > 0 && (size_t)last < h.n ?
	    h.n - (size_t)last : 0, &out);
	cmd_write(ctx, out.buf, out.len);
	return 0;
}

const struct cmd_entry hash_history_entry = {
	.name = "history",
	.usage = "[N]",
	.summary = "the lines run in this container, with status and time",
	.help = "Each line the shell ran (bash, zsh; sh: the lines paks saw\n"
	    "typed, without status or directory) and each #command, with its\n"
	    "exit status, start (UTC), duration and directory; N: the last N.\n"
	    "A line marked ! was reported by the shell but not typed on this\n"
	    "terminal. Values of variables paks loaded are shown as ***.\n"
	    "On the host: paks history NAME|IMAGE.\n",
	.min_args = 0,
	.max_args = 1,
	.exec = hash_history_exec,
};
