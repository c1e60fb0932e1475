/* Command lookup, arity checks, help, and output for host and #commands. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

const struct cmd_entry *
cmd_find(const struct cmd_entry *const *table, const char *name)
{
	for (; *table != NULL; table++) {
		if (strcmp((*table)->name, name) == 0 ||
		    ((*table)->alias && strcmp((*table)->alias, name) == 0))
			return *table;
	}
	return NULL;
}

/* The table first, then ctx's plugin entries: a built-in always wins. */
const struct cmd_entry *
cmd_lookup(const struct cmd_ctx *ctx, const struct cmd_entry *const *table,
    const char *name)
{
	const struct cmd_entry *e = cmd_find(table, name);

	if (e == NULL && ctx->plugins != NULL)
		e = cmd_find(ctx->plugins, name);
	return e;
}

void
cmd_write(struct cmd_ctx *ctx, const char *s, size_t len)
{
	if (ctx->crlf)
		write_crlf(ctx->out, s, len);
	else
		write_all(ctx->out, s, len);
	if (ctx->last != NULL && len > 0)
		*ctx->last = s[len - 1];
}

/* Command output: through one writer that knows about raw terminals. */
void
cmd_printf(struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	cmd_write(ctx, s, strlen(s));
	free(s);
}

/* Usage of one command; full adds the summary and the long help. */
void
cmd_usage(struct cmd_ctx *ctx, const struct cmd_entry *e, bool full)
{
	cmd_printf(ctx, "usage: %s%s%s%s\n", ctx->prefix, e->name,
	    e->usage && *e->usage ? " " : "", e->usage ? e->usage : "");
	if (!full)
		return;
	cmd_printf(ctx, "\n%s\n", e->summary);
	if (e->sub != NULL) {
		cmd_printf(ctx, "\ncommands:\n");
		for (const struct cmd_entry *const *s = e->sub; *s; s++)
			cmd_printf(ctx, "  %-8s %-22s %s\n", (*s)->name,
			    (*s)->usage ? (*s)->usage : "", (*s)->summary);
	}
	if (e->help != NULL)
		cmd_printf(ctx, "\n%s", e->help);
}

/* One line per command of a table. */
void
cmd_list(struct cmd_ctx *ctx, const struct cmd_entry *const *table)
{
	for (; *table != NULL; table++)
		cmd_printf(ctx, "  %s%-10s %s\n", ctx->prefix, (*table)->name,
		    (*table)->summary);
}

static bool
cmd_is_help(const char *a)
{
	return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/*
 * Find argv[0] in table and run it: --help and arity are handled here so
 * that no command repeats them; subcommand tables recurse one level down.
 */
int
cmd_dispatch(struct cmd_ctx *ctx, const struct cmd_entry *const *table,
    int argc, char **argv, struct paks_error **err)
{
	const struct cmd_entry *e = cmd_lookup(ctx, table, argv[0]);
	_cleanup_free_ char *saved_prefix = NULL;
	int nargs = argc - 1;

	if (e == NULL) {
		/* a word with '=' may be KEY=VALUE: never show the value */
		int n = (int)strcspn(argv[0], "=");
		paks_error_set(err, 0, "unknown %scommand '%s%.*s%s'",
		    *ctx->prefix == '#' ? "paks " : "", ctx->prefix, n, argv[0],
		    argv[0][n] == '=' ? "=..." : "");
		paks_error_hint(err, "see '%s%s'", ctx->prefix,
		    *ctx->prefix == '#' ? "help" : "--help");
		return CMD_USAGE_ERROR;
	}
	ctx->entry = e;
	if (nargs >= 1 && cmd_is_help(argv[1])) {
		cmd_usage(ctx, e, true);
		return 0;
	}
	if (e->sub != NULL) {
		struct paks_error *suberr = NULL;
		const char *old = ctx->prefix;
		int rc;

		if (nargs == 0) {
			paks_error_set(err, 0, "'%s%s' needs a command",
			    ctx->prefix, e->name);
			paks_error_hint(err, "see '%s%s --help'", ctx->prefix,
			    e->name);
			return CMD_USAGE_ERROR;
		}
		const struct cmd_entry *const *plugins = ctx->plugins;

		saved_prefix = xasprintf("%s%s ", ctx->prefix, e->name);
		ctx->prefix = saved_prefix;
		ctx->plugins = NULL;	/* they extend the top level only */
		rc = cmd_dispatch(ctx, e->sub, argc - 1, argv + 1, &suberr);
		ctx->plugins = plugins;
		ctx->prefix = old;
		if (rc < 0)
			*err = suberr;
		return rc;
	}
	if (!(e->flags & CMD_OWN_OPTIONS) &&
	    (nargs < e->min_args || (e->max_args >= 0 && nargs > e->max_args))) {
		/* main.c prints "paks: " already */
		const char *who = strncmp(ctx->prefix, "paks ", 5) == 0 ?
		    ctx->prefix + 5 : ctx->prefix;
		paks_error_set(err, 0, "%s%s: %s arguments", who,
		    e->name, nargs < e->min_args ? "too few" : "too many");
		paks_error_hint(err, "usage: %s%s %s", ctx->prefix,
		    e->name, e->usage ? e->usage : "");
		return CMD_USAGE_ERROR;
	}
	return e->exec(ctx, argc, argv, err);
}
