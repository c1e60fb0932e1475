/* paks: global options, host command dispatch, exit status. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "session/tty.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "version.h"

static const struct option main_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "settings-file", required_argument, NULL, 'f' },
	{ "set", required_argument, NULL, 's' },
	{ NULL, 0, NULL, 0 },
};

static void
main_print_error(struct paks_error *e)
{
	char *s = paks_error_format(e);

	fprintf(stderr, "paks: %s\n", s);
	free(s);
}

int
main(int argc, char **argv)
{
	struct strv overrides = STRV_INIT;
	struct paks_error *err = NULL;
	struct cmd_ctx ctx = { .out = STDOUT_FILENO, .prefix = "paks " };
	char *help[] = { "help", NULL };
	bool want_help = false;
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hVs:f:", main_options, NULL)) !=
	    -1) {
		switch (c) {
		case 'h':
			want_help = true;
			break;
		case 'V':
			printf("paks %s\n", PAKS_VERSION);
			return EXIT_OK;
		case 'f':
			ctx.settings_file = optarg;
			break;
		case 's':
			strv_push(&overrides, optarg);
			break;
		default:
			fprintf(stderr, "paks: unknown or incomplete option "
			    "'%s'\nhint: see 'paks --help'\n", argv[optind - 1]);
			strv_release(&overrides);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (want_help) {
		argv = help;
		argc = 1;
	} else if (argc == 0) {
		fprintf(stderr, "paks: no command given\nhint: see "
		    "'paks --help'\n");
		strv_release(&overrides);
		return EXIT_USAGE;
	}
	ctx.overrides = overrides.v;
	rc = cmd_dispatch(&ctx, host_commands, argc, argv, &err);
	if (err != NULL) {
		tty_restore();
		main_print_error(err);
		paks_error_free(err);
	}
	strv_release(&overrides);
	if (rc == CMD_USAGE_ERROR)
		return EXIT_USAGE;
	if (rc < 0)
		return EXIT_ERROR;
	return rc;
}
