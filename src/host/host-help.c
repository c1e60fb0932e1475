/* paks help and paks version, and the options of paks itself. */
#include <string.h>

#include "cmd.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "version.h"

static const struct cmd_option main_options[] = {
	{ .name = "settings-file", .letter = 'f', .arg = "FILE",
	  .help = "read FILE after the system and user settings files" },
	{ .name = "set", .letter = 's', .arg = "KEY=VALUE",
	  .flags = CMD_OPT_REPEAT,
	  .help = "override a setting, after every file" },
	{ .name = "version", .letter = 'V',
	  .help = "print the version of paks" },
	{ .name = NULL },
};

/* paks itself: main.c parses these options, then runs a host command. */
const struct cmd_entry host_main_entry = {
	.name = "paks",
	.usage = "COMMAND [ARGS]",
	.summary = "a developer's shell in a container, with #commands that "
	    "act on the host",
	.options = main_options,
	.flags = CMD_OPTIONS_FIRST,
};

static int
help_exec(struct cmd_ctx *ctx, int argc, char **argv, struct paks_error **err)
{
	const struct cmd_entry *e;

	if (argc < 2) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

		cmd_usage_line("", &host_main_entry, &sb);
		strbuf_addf(&sb, "\n\npaks: %s.\n\n", host_main_entry.summary);
		cmd_opt_format(host_main_entry.options, &sb);
		strbuf_adds(&sb, "\ncommands:\n");
		cmd_write(ctx, strbuf_str(&sb), sb.len);
		cmd_list(ctx, host_commands);
		cmd_printf(ctx, "\nInside a session, type #help for the "
		    "#commands.\nRun 'paks COMMAND --help' for a command's "
		    "options.\n");
		return 0;
	}
	if ((e = cmd_find(host_commands, argv[1])) == NULL) {
		/* a word with '=' may be KEY=VALUE: never show the value */
		int n = (int)strcspn(argv[1], "=");

		paks_error_set(err, 0, "unknown command '%.*s%s'", n, argv[1],
		    argv[1][n] == '=' ? "=..." : "");
		paks_error_hint(err, "see 'paks --help'");
		return CMD_USAGE_ERROR;
	}
	cmd_usage(ctx, e, true);
	return 0;
}

static int
version_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	(void)argc, (void)argv, (void)err;
	cmd_printf(ctx, "paks %s\n", PAKS_VERSION);
	return 0;
}

const struct cmd_entry host_help_entry = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "show the commands, or one command's usage",
	.min_args = 0,
	.max_args = 1,
	.exec = help_exec,
};

const struct cmd_entry host_version_entry = {
	.name = "version",
	.usage = "",
	.summary = "print the version of paks",
	.min_args = 0,
	.max_args = 0,
	.exec = version_exec,
};
