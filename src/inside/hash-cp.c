/* #cp: copy files between the host and the container. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "image/move-archive.h"
#include "image/tarpack.h"
#include "session/session.h"
#include "store/paths.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static bool
cp_is_host(const char *a)
{
	return strncmp(a, "host:", 5) == 0;
}

/* Host paths are relative to where paks was started. */
static char *
cp_host_path(const struct engine_op *op, const char *a)
{
	const char *p = a + 5;

	if (p[0] == '~')
		return paths_expand_user(p);
	if (p[0] == '/' || op->start_dir == NULL)
		return xstrdup(p);
	return paths_join(op->start_dir, p);
}

/*
 * The members of the engine's tar, made below st (util/safetree.c). An
 * archive that cannot be read names the source; a member refused names
 * itself ("#cp: 'out/lib' is a link to ...").
 */
static int
cp_unpack(const struct engine_cp *cp, int tar, struct safetree *st,
    bool contents, struct paks_error **err)
{
	struct move_archive a = MOVE_ARCHIVE_INIT;
	int rc = move_archive_index(tar, &a, err);

	if (rc < 0)
		paks_error_wrap(err, "cannot copy '%s'", cp->what);
	else
		rc = move_archive_extract(&a, st, contents, err);
	move_archive_release(&a);
	return rc;
}

/* The host side as a tar, for the Engine API's upload (tarpack.c). */
static int
cp_pack(const struct engine_cp *cp, int fd, const char *top,
    struct paks_error **err)
{
	return tarpack_write(fd, cp->host, top, err);
}

static int
hash_cp_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	bool from_host = cp_is_host(argv[1]), to_host = cp_is_host(argv[2]);
	_cleanup_free_ char *host = NULL;
	struct engine_op op = session_op(ctx->session);
	struct engine_cp cp = { .ctr = argv[from_host ? 2 : 1],
		.to_host = to_host, .what = argv[1], .shown = argv[2],
		.unpack = cp_unpack, .pack = cp_pack };
	struct stat st;

	(void)argc;
	if (from_host == to_host) {
		paks_error_set(err, 0, "exactly one side must be host:PATH");
		paks_error_hint(err, "e.g. #cp host:notes.txt /tmp or "
		    "#cp /tmp/out.log host:");
		return CMD_USAGE_ERROR;
	}
	if (from_host) {
		host = cp_host_path(&op, argv[1]);
		if (stat(host, &st) < 0)
			return paks_error_set(err, errno, "cannot copy "
			    "'%s'", argv[1]);
	} else {
		/* "~" alone: the home directory to copy into, even
		 * when it is a symbolic link (see safetree_begin_host) */
		host = cp_host_path(&op, strcmp(argv[2], "host:~") == 0 ?
		    "host:~/" : argv[2]);
		if (host[strlen(host) - 1] == ':')
			host[strlen(host) - 1] = '\0';
		if (*host == '\0') {
			free(host);
			host = xstrdup(op.start_dir ? op.start_dir : ".");
		}
	}
	/* a relative container path starts in the shell's directory */
	if (cp.ctr[0] != '/' && session_cwd(ctx->session, &op.cwd, err) < 0)
		return -1;
	cp.host = host;
	if (to_host)	/* "host:out" as "out" */
		cp.shown = argv[2][5] != '\0' ? argv[2] + 5 : ".";
	if (op.engine->cp(&op, &cp, err) < 0)
		return -1;
	cmd_printf(ctx, "copied %s to %s\n", argv[1], argv[2]);
	return 0;
}

const struct cmd_entry hash_cp_entry = {
	.name = "cp",
	.usage = "SRC DST",
	.summary = "copy between host and container; one side is host:PATH",
	.help = "Relative host paths are relative to where paks was started;\n"
	    "relative container paths to the shell's current directory.\n"
	    "Into the container, as docker cp: DST a directory, SRC goes into\n"
	    "it; DST a file, a file SRC replaces it; DST absent, SRC is made\n"
	    "there (its directory must exist); SRC/. copies a directory's\n"
	    "contents. A link in SRC is copied as a link, never followed.\n"
	    "examples:\n  #cp host:data.csv /work/\n  #cp results host:out/\n",
	.min_args = 2,
	.max_args = 2,
	.exec = hash_cp_exec,
};
