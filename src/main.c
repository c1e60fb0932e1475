/* paks: global options, host command dispatch, exit status. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "session/tty.h"
#include "util/strv.h"
#include "version.h"

static void
main_print_error(struct paks_error *e)
{
	char *s = paks_error_format(e);

	fprintf(stderr, "paks: %s\n", s);
	free(s);
}

/* The options before COMMAND (host_main_entry's), then the command. */
static int
main_run(struct cmd_ctx *ctx, int argc, char **argv, struct strv *overrides,
    struct paks_error **err)
{
	struct cmd_args args = CMD_ARGS_INIT;
	char *help[] = { "help", NULL };
	int rc;

	rc = cmd_parse(host_main_entry.options, host_main_entry.flags, "",
	    argc, argv, &args, err);
	if (rc < 0) {
		paks_error_hint(err, "see 'paks --help'");
	} else if (args.help) {
		rc = cmd_dispatch(ctx, host_commands, 1, help, err);
	} else if (cmd_opt_has(&args, "version")) {
		printf("paks %s\n", PAKS_VERSION);
	} else if (args.argc < 2) {
		paks_error_set(err, 0, "no command given");
		paks_error_hint(err, "see 'paks --help'");
		rc = CMD_USAGE_ERROR;
	} else if ((ctx->settings_file = cmd_opt_get(&args,
	    "settings-file")) != NULL && access(ctx->settings_file, R_OK) < 0) {
		/* a file named and not there is a usage error, for any command */
		paks_error_set(err, errno, "cannot read settings file '%s'",
		    ctx->settings_file);
		paks_error_hint(err, "name an existing file, or leave out "
		    "--settings-file");
		rc = CMD_USAGE_ERROR;
	} else {
		cmd_opt_values(&args, "set", overrides);
		ctx->overrides = overrides->v;
		rc = cmd_dispatch(ctx, host_commands, args.argc - 1,
		    args.argv + 1, err);
	}
	cmd_args_release(&args);
	return rc;
}

int
main(int argc, char **argv)
{
	struct strv overrides = STRV_INIT;
	struct paks_error *err = NULL;
	struct cmd_ctx ctx = { .out = STDOUT_FILENO, .prefix = "paks " };
	int rc;

	rc = main_run(&ctx, argc, argv, &overrides, &err);
	if (err != NULL) {
		tty_restore();
		main_print_error(err);
		paks_error_free(err);
	}
	cmd_ctx_release(&ctx);
	strv_release(&overrides);
	if (rc == CMD_USAGE_ERROR)
		return EXIT_USAGE;
	if (rc < 0)
		return EXIT_ERROR;
	return rc;
}
