/*
 * Command lookup, options and arity, help, settings and output for host
 * and #commands.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "store/settings.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/strbuf.h"
#include "util/text.h"
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

/* Usage of one command; full adds the summary, options and long help. */
void
cmd_usage(struct cmd_ctx *ctx, const struct cmd_entry *e, bool full)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	cmd_usage_line(ctx->prefix, e, &sb);
	strbuf_addch(&sb, '\n');
	if (full) {
		strbuf_addf(&sb, "\n%s\n", e->summary);
		if (e->sub != NULL)
			strbuf_adds(&sb, "\ncommands:\n");
		for (const struct cmd_entry *const *s = e->sub; s && *s; s++)
			strbuf_addf(&sb, "  %-8s %-22s %s\n", (*s)->name,
			    (*s)->usage ? (*s)->usage : "", (*s)->summary);
		if (e->options != NULL && e->options[0].name != NULL) {
			strbuf_addch(&sb, '\n');
			cmd_opt_format(e->options, &sb);
		}
		if (e->help != NULL)
			strbuf_addf(&sb, "\n%s", e->help);
	}
	cmd_write(ctx, strbuf_str(&sb), sb.len);
}

/* One line per command of a table. */
void
cmd_list(struct cmd_ctx *ctx, const struct cmd_entry *const *table)
{
	for (; *table != NULL; table++)
		cmd_printf(ctx, "  %s%-10s %s\n", ctx->prefix, (*table)->name,
		    (*table)->summary);
}

/*
 * The settings in effect: defaults, the files, --settings-file, -s, and
 * the values of the command's CMD_OPT_SETTING options (paks run -s).
 * Loaded on first use and kept in ctx, so that they load once, and a
 * command that never needs them (paks config init) never fails on a file
 * that does not load. NULL, with *err set, if they do not load.
 */
struct settings *
cmd_settings(struct cmd_ctx *ctx, struct paks_error **err)
{
	_cleanup_strv_ struct strv overrides = STRV_INIT;
	struct settings *s;

	if (ctx->settings != NULL)
		return ctx->settings;
	strv_pushv(&overrides, ctx->overrides);
	for (size_t i = 0; ctx->args != NULL && i < ctx->args->ngiven; i++) {
		const struct cmd_opt_given *g = &ctx->args->given[i];

		if ((g->opt->flags & CMD_OPT_SETTING) && g->value != NULL)
			strv_push(&overrides, g->value);
	}
	s = xcalloc(1, sizeof *s);
	if (settings_load(s, ctx->settings_file, overrides.v, err) < 0) {
		settings_release(s);
		free(s);
		return NULL;
	}
	ctx->own_settings = true;
	return ctx->settings = s;
}

/* What the commands run with ctx left: the settings cmd_settings loaded. */
void
cmd_ctx_release(struct cmd_ctx *ctx)
{
	if (ctx->own_settings && ctx->settings != NULL) {
		settings_release(ctx->settings);
		free(ctx->settings);
		ctx->settings = NULL;
	}
	ctx->own_settings = false;
}

static bool
cmd_is_help(const char *a)
{
	return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* The command as messages name it: "save", "env add", "#move". */
static char *
cmd_who(const struct cmd_ctx *ctx, const struct cmd_entry *e)
{
	/* main.c prints "paks: " already */
	const char *who = strncmp(ctx->prefix, "paks ", 5) == 0 ?
	    ctx->prefix + 5 : ctx->prefix;

	return xasprintf("%s%s", who, e->name);
}

/* The name in table (or ctx's plugins) nearest to name, if near enough. */
static const char *
cmd_near(const struct cmd_ctx *ctx, const struct cmd_entry *const *table,
    const char *name)
{
	const struct cmd_entry *const *tables[] = { table, ctx->plugins };
	size_t len = strlen(name), best = len < 4 ? 1 : 2;
	const char *near = NULL;

	for (size_t t = 0; t < 2; t++) {
		for (const struct cmd_entry *const *e = tables[t];
		     e != NULL && *e != NULL; e++) {
			size_t d = text_distance(name, len, (*e)->name,
			    strlen((*e)->name));

			if (d <= best && d > 0) {
				best = d - 1;
				near = (*e)->name;
			}
		}
	}
	return near;
}

/* Unknown argv[0]: one line, and a word that may be KEY=VALUE cut short. */
static int
cmd_unknown(struct cmd_ctx *ctx, const struct cmd_entry *const *table,
    const char *name, struct paks_error **err)
{
	int n = (int)strcspn(name, "=");
	const char *near = name[n] == '=' ? NULL : cmd_near(ctx, table, name);

	paks_error_set(err, 0, "unknown %scommand '%s%.*s%s'",
	    *ctx->prefix == '#' ? "paks " : "", ctx->prefix, n, name,
	    name[n] == '=' ? "=..." : "");
	if (near != NULL)
		paks_error_hint(err, "did you mean '%s%s'?", ctx->prefix, near);
	else
		paks_error_hint(err, "see '%s%s'", ctx->prefix,
		    *ctx->prefix == '#' ? "help" : "--help");
	return CMD_USAGE_ERROR;
}

/* argv[0] names a command with subcommands: dispatch one level down. */
static int
cmd_dispatch_sub(struct cmd_ctx *ctx, const struct cmd_entry *e, int argc,
    char **argv, struct paks_error **err)
{
	const struct cmd_entry *const *plugins = ctx->plugins;
	_cleanup_free_ char *prefix = NULL;
	struct paks_error *suberr = NULL;
	const char *old = ctx->prefix;
	int rc;

	if (argc < 2) {
		paks_error_set(err, 0, "'%s%s' needs a command", ctx->prefix,
		    e->name);
		paks_error_hint(err, "see '%s%s --help'", ctx->prefix,
		    e->name);
		return CMD_USAGE_ERROR;
	}
	prefix = xasprintf("%s%s ", ctx->prefix, e->name);
	ctx->prefix = prefix;
	ctx->plugins = NULL;	/* they extend the top level only */
	rc = cmd_dispatch(ctx, e->sub, argc - 1, argv + 1, &suberr);
	ctx->plugins = plugins;
	ctx->prefix = old;
	if (rc < 0)
		*err = suberr;
	return rc;
}

/* The words are parsed (or taken as typed): check their number, run. */
static int
cmd_run(struct cmd_ctx *ctx, const struct cmd_entry *e,
    const struct cmd_args *args, struct paks_error **err)
{
	const struct cmd_args *old = ctx->args;
	int nargs = args->argc - 1, rc;

	if (nargs < e->min_args || (e->max_args >= 0 && nargs > e->max_args)) {
		_cleanup_free_ char *who = cmd_who(ctx, e);
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

		cmd_usage_line(ctx->prefix, e, &sb);
		paks_error_set(err, 0, "%s: %s arguments", who,
		    nargs < e->min_args ? "too few" : "too many");
		paks_error_hint(err, "%s", strbuf_str(&sb));
		return CMD_USAGE_ERROR;
	}
	ctx->args = args;
	rc = e->exec(ctx, args->argc, args->argv, err);
	ctx->args = old;
	return rc;
}

/*
 * Find argv[0] in table and run it. Options, --help and arity are
 * handled here so that no command repeats them; subcommand tables recurse
 * one level down. A #command that declares no options gets its words as
 * typed (see cmd.h).
 */
int
cmd_dispatch(struct cmd_ctx *ctx, const struct cmd_entry *const *table,
    int argc, char **argv, struct paks_error **err)
{
	const struct cmd_entry *e = cmd_lookup(ctx, table, argv[0]);
	struct cmd_args args = CMD_ARGS_INIT;
	_cleanup_free_ char *who = NULL;
	int rc;

	if (e == NULL)
		return cmd_unknown(ctx, table, argv[0], err);
	ctx->entry = e;
	if (argc >= 2 && cmd_is_help(argv[1])) {
		cmd_usage(ctx, e, true);
		return 0;
	}
	if (e->sub != NULL)
		return cmd_dispatch_sub(ctx, e, argc, argv, err);
	if (*ctx->prefix == '#' && e->options == NULL) {
		args = (struct cmd_args){ .argc = argc, .argv = argv };
		return cmd_run(ctx, e, &args, err);
	}
	who = cmd_who(ctx, e);
	rc = cmd_parse(e->options, e->flags, who, argc, argv, &args, err);
	if (rc < 0) {
		paks_error_hint(err, "see '%s%s --help'", ctx->prefix,
		    e->name);
	} else if (args.help) {
		cmd_usage(ctx, e, true);
	} else {
		rc = cmd_run(ctx, e, &args, err);
	}
	cmd_args_release(&args);
	return rc;
}
