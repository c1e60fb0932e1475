/* paks help and paks version, and the options of paks itself. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "engine/engine.h"
#include "host-format.h"
#include "util/cleanup.h"
#include "util/run.h"
#include "util/safetree.h"
#include "util/spawn.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "version.h"

#ifdef PAKS_STATIC
#define VERSION_BUILD "static"
#else
#define VERSION_BUILD "dynamic"
#endif

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

/*
 * What an engine says of its version: "" when it is not installed, else
 * the client's (and the daemon's, for docker: "client X, server Y", or
 * "client X, server not answering").
 */
static char *
version_of(const struct engine *e)
{
	char *dv[] = { "docker", "version", "--format",
		"{{.Client.Version}}|{{.Server.Version}}", NULL };
	char *pv[] = { "podman", "version", "--format",
		"{{.Client.Version}}", NULL };
	char *cv[] = { "ch-run", "--version", NULL };
	char *const *argv = strcmp(e->name, "docker") == 0 ? dv :
	    strcmp(e->name, "podman") == 0 ? pv : cv;
	_cleanup_run_ struct run r = RUN_INIT(argv);
	struct paks_error *err = NULL;
	_cleanup_free_ char *out = NULL;
	char *bar;
	int code;

	r.out.how = r.err.how = RUN_CAPTURE;
	code = run_cmd(&r, &err) < 0 ? -1 : r.code;
	paks_error_free(err);
	if (code < 0)
		return xstrdup("");
	/* ch-run says its version on stderr */
	out = xstrdup(strbuf_str(r.out_text.len > 0 ? &r.out_text :
	    &r.err_text));
	out[strcspn(out, "\r\n")] = '\0';
	if ((bar = strchr(out, '|')) == NULL)
		return xstrdup(code == 0 && *out ? out :
		    "installed (it did not say its version)");
	*bar = '\0';
	return xasprintf("client %s, server %s", out, bar[1] && code == 0 ?
	    bar + 1 : "not answering");
}

static int
version_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	json_t *doc = json_object(), *list = json_array();
	bool json;
	int rc;

	(void)argc, (void)argv;
	if ((rc = host_format_json(ctx, &json, err)) < 0) {
		json_decref(doc);
		json_decref(list);
		return rc;
	}
	if (!json)
		cmd_printf(ctx, "paks %s\nengines:\n", PAKS_VERSION);
	for (const struct engine *const *e = engines; *e != NULL; e++) {
		_cleanup_free_ char *v = version_of(*e);

		json_array_append_new(list, json_pack("{s:s,s:s?}", "name",
		    (*e)->name, "version", *v ? v : NULL));
		if (!json)
			cmd_printf(ctx, "  %-13s %s\n", (*e)->name, *v ? v :
			    "not installed");
	}
	json_object_set_new(doc, "paks", json_string(PAKS_VERSION));
	json_object_set_new(doc, "engines", list);
	json_object_set_new(doc, "build", json_string(VERSION_BUILD));
	json_object_set_new(doc, "openat2", json_boolean(safetree_openat2()));
	if (json) {
		host_json_print(ctx, doc);
		return 0;
	}
	cmd_printf(ctx, "build: %s; openat2: %s\n", VERSION_BUILD,
	    safetree_openat2() ? "yes" : "no (paks walks paths itself)");
	json_decref(doc);
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

static const struct cmd_option version_options[] = {
	HOST_FORMAT_OPTION,
	{ .name = NULL },
};

const struct cmd_entry host_version_entry = {
	.name = "version",
	.usage = "",
	.summary = "paks's version, the engines found and their versions",
	.help = "paks --version prints paks's version alone.\n",
	.options = version_options,
	.min_args = 0,
	.max_args = 0,
	.exec = version_exec,
};
