/*
 * paks-gendoc: writes the man pages and the shell completions at build
 * time from the command, option and settings tables that paks itself runs
 * on (libpaks), so that a command or option cannot be missing from them.
 * Run by man/meson.build and completions/meson.build; not installed.
 *
 *   paks-gendoc man DIR COMMAND...   paks.1, paks-COMMAND.1 for each host
 *                                    command, paks-commands.7,
 *                                    paks-settings.5
 *   paks-gendoc completions DIR      paks (bash), _paks (zsh), paks.fish
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "gendoc.h"
#include "store/paths.h"
#include "util/cleanup.h"

FILE *
gendoc_open(const char *dir, const char *name, struct paks_error **err)
{
	_cleanup_free_ char *path = paths_join(dir, name);
	FILE *f = fopen(path, "we");

	if (f == NULL)
		paks_error_set(err, errno, "cannot write '%s'", path);
	return f;
}

/* Close f, which gendoc_open opened as name; -1 if anything failed. */
int
gendoc_close(FILE *f, const char *name, struct paks_error **err)
{
	bool bad = ferror(f) != 0;

	if (fclose(f) != 0 || bad)
		return paks_error_set(err, errno, "cannot write '%s'", name);
	return 0;
}

int
main(int argc, char **argv)
{
	struct paks_error *err = NULL;
	int rc;

	if (argc >= 3 && strcmp(argv[1], "man") == 0) {
		rc = gendoc_man(argv[2], argc - 3, argv + 3, &err);
	} else if (argc == 3 && strcmp(argv[1], "completions") == 0) {
		rc = gendoc_completions(argv[2], &err);
	} else {
		fputs("usage: paks-gendoc man DIR COMMAND...\n"
		      "       paks-gendoc completions DIR\n",
		      stderr);
		return 2;
	}
	if (rc < 0) {
		fprintf(stderr, "paks-gendoc: %s\n", err->msg);
		if (err->hint != NULL)
			fprintf(stderr, "hint: %s\n", err->hint);
		paks_error_free(err);
		return 1;
	}
	return 0;
}
