/*
 * The one option parser of paks, over the options an entry declares, and
 * the usage and option lines of --help, generated from the same table.
 *
 * Accepted: --name VALUE, --name=VALUE, -x VALUE, -xVALUE, clustered
 * flags (-fk), an optional value only as --name=VALUE, "--" to end the
 * options, and --help or -h anywhere among them. A value is taken as it
 * is, even when it starts with '-' ("-o --network=none"). Errors name the
 * option, never its value; a word that may be a value ("-s3cr3t") is named
 * by its position only.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

#define CMD_OPT_SHOWN_MAX	24	/* a longer word may be a value */
#define CMD_OPT_WIDTH_MAX	26	/* of the option column in --help */
#define CMD_OPT_COLUMNS		80	/* --help lines are shorter */

struct cmd_parser {
	const struct cmd_option	*opts;
	const char		*who;	/* "save: ", "env add: ", "" */
	int			 argc;
	char			**argv;
	struct cmd_args		*args;
	struct paks_error	*first;	/* the first error; --help wins */
	struct paks_error	*later;	/* the others, dropped */
};

static const struct cmd_option cmd_no_options[] = { { .name = NULL } };

/* An option named name (its first len bytes), by its name or an alias. */
static const struct cmd_option *
cmd_opt_long(const struct cmd_option *o, const char *name, size_t len)
{
	for (; o->name != NULL; o++) {
		if (strlen(o->name) == len && memcmp(o->name, name, len) == 0)
			return o;
		for (const char *const *a = o->aliases; a && *a; a++) {
			if (strlen(*a) == len && memcmp(*a, name, len) == 0)
				return o;
		}
	}
	return NULL;
}

static const struct cmd_option *
cmd_opt_letter(const struct cmd_option *o, char c)
{
	for (; o->name != NULL; o++) {
		if (o->letter == c)
			return o;
	}
	return NULL;
}

/* The declaration of name, which the command must have declared. */
static const struct cmd_option *
cmd_opt_declared(const struct cmd_args *args, const char *name)
{
	const struct cmd_option *o = cmd_opt_long(args->options ?
	    args->options : cmd_no_options, name, strlen(name));

	if (o == NULL || strcmp(o->name, name) != 0)
		BUG("option '--%s' is not declared", name);
	return o;
}

/*
 * Whether an unknown option may be quoted: it has the shape of one ("-x",
 * "--long-name", up to any '='), not of a value that starts with '-'.
 */
static bool
cmd_opt_showable(const char *a, size_t len)
{
	if (len == 2)
		return isalpha((unsigned char)a[1]);
	if (len > CMD_OPT_SHOWN_MAX || a[1] != '-')
		return false;
	for (size_t i = 2; i < len; i++) {
		if (!islower((unsigned char)a[i]) && a[i] != '-')
			return false;
	}
	return true;
}

/* How far name is from candidate c: 1 for a beginning of it ("--cont"). */
static size_t
cmd_opt_score(const char *name, size_t len, const char *c)
{
	if (len >= 3 && strncmp(c, name, len) == 0)
		return 1;
	return text_distance(name, len, c, strlen(c));
}

/* The long name closest to name, if one is close enough; else NULL. */
static const char *
cmd_opt_suggest(const struct cmd_option *o, const char *name, size_t len)
{
	size_t best = len < 4 ? 1 : 2;
	const char *found = NULL;

	if (cmd_opt_score(name, len, "help") <= best) {
		best = cmd_opt_score(name, len, "help");
		found = "help";
	}
	for (; o->name != NULL; o++) {
		size_t s = cmd_opt_score(name, len, o->name);

		if (s < best || (s == best && found == NULL)) {
			best = s;
			found = o->name;
		}
		for (const char *const *a = o->aliases; a && *a; a++) {
			s = cmd_opt_score(name, len, *a);
			if (s < best || (s == best && found == NULL)) {
				best = s;
				found = *a;
			}
		}
	}
	return found;
}

/* Where the next error goes: the first is kept, later ones dropped. */
static struct paks_error **
cmd_parser_err(struct cmd_parser *p)
{
	if (p->first == NULL)
		return &p->first;
	paks_error_release(&p->later);
	return &p->later;
}

/* argv[i] is an unknown option: name it if that cannot show a value. */
static void
cmd_parser_unknown(struct cmd_parser *p, int i)
{
	const char *a = p->argv[i];
	size_t len = strcspn(a, "=");
	const char *near = NULL;

	if (!cmd_opt_showable(a, len)) {
		paks_error_set(cmd_parser_err(p), 0, "%sargument %d is an "
		    "unknown option (values are never shown)", p->who, i);
		return;
	}
	if (a[1] == '-')
		near = cmd_opt_suggest(p->opts, a + 2, len - 2);
	paks_error_set(cmd_parser_err(p), 0, "%sunknown option '%.*s'%s%s%s",
	    p->who, (int)len, a, near ? "; did you mean '--" : "",
	    near ? near : "", near ? "'?" : "");
}

/* Whether value is one of o's choices (any value when it has none). */
static bool
cmd_opt_chosen(const struct cmd_option *o, const char *value)
{
	const char *const *c = o->choices;

	if (c == NULL || value == NULL)
		return true;
	while (*c != NULL && strcmp(*c, value) != 0)
		c++;
	return *c != NULL;
}

/* Record option o as given (shown: as it was typed, for messages). */
static void
cmd_parser_add(struct cmd_parser *p, const struct cmd_option *o,
    const char *shown, const char *value)
{
	struct cmd_args *args = p->args;

	if (!cmd_opt_chosen(o, value)) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

		for (const char *const *c = o->choices; *c != NULL; c++)
			strbuf_addf(&sb, "%s%s", c == o->choices ? "" :
			    c[1] == NULL ? " or " : ", ", *c);
		paks_error_set(cmd_parser_err(p), 0, "%soption '%s' takes %s",
		    p->who, shown, strbuf_str(&sb));
		return;
	}
	args->given = xreallocarray(args->given, args->ngiven + 1,
	    sizeof *args->given);
	args->given[args->ngiven++] = (struct cmd_opt_given){ o, value };
}

/* argv[*i] is "--name" or "--name=VALUE"; a value may be argv[*i + 1]. */
static void
cmd_parser_long(struct cmd_parser *p, int *i)
{
	const char *a = p->argv[*i], *name = a + 2;
	size_t len = strcspn(name, "=");
	const char *eq = name[len] == '=' ? name + len + 1 : NULL;
	const struct cmd_option *o = cmd_opt_long(p->opts, name, len);
	_cleanup_free_ char *shown = xstrndup(a, len + 2);

	if (o == NULL && len == 4 && memcmp(name, "help", 4) == 0) {
		p->args->help = true;
		return;
	}
	if (o == NULL) {
		cmd_parser_unknown(p, *i);
		return;
	}
	if (o->arg == NULL && eq != NULL) {
		paks_error_set(cmd_parser_err(p), 0, "%soption '%s' takes no "
		    "value", p->who, shown);
		return;
	}
	if (o->arg != NULL && eq == NULL &&
	    !(o->flags & CMD_OPT_VALUE_OPTIONAL)) {
		if (*i + 1 >= p->argc) {
			paks_error_set(cmd_parser_err(p), 0, "%soption '%s' "
			    "needs a value", p->who, shown);
			return;
		}
		eq = p->argv[++*i];
	}
	cmd_parser_add(p, o, shown, eq);
}

/* argv[*i] is "-x", "-xVALUE" or "-fk": letters until one takes a value. */
static void
cmd_parser_short(struct cmd_parser *p, int *i)
{
	const char *a = p->argv[*i];

	for (const char *c = a + 1; *c != '\0'; c++) {
		const struct cmd_option *o = cmd_opt_letter(p->opts, *c);
		char shown[3] = { '-', *c, '\0' };

		if (o == NULL && *c == 'h') {
			p->args->help = true;
			continue;
		}
		if (o == NULL) {
			cmd_parser_unknown(p, *i);
			return;
		}
		if (o->arg == NULL) {
			cmd_parser_add(p, o, shown, NULL);
			continue;
		}
		if (c[1] != '\0')
			cmd_parser_add(p, o, shown, c + 1);
		else if (o->flags & CMD_OPT_VALUE_OPTIONAL)
			cmd_parser_add(p, o, shown, NULL);
		else if (*i + 1 < p->argc)
			cmd_parser_add(p, o, shown, p->argv[++*i]);
		else
			paks_error_set(cmd_parser_err(p), 0, "%soption '%s' "
			    "needs a value", p->who, shown);
		return;
	}
}

/*
 * Parse argv (argv[0] the command's name) against opts (NULL: none) into
 * args, which the caller releases. who names the command in messages
 * ("save", "env add"; "" for none). Returns 0, with args->help set when
 * --help or -h was among the options (then any error is dropped), or
 * CMD_USAGE_ERROR with *err set for the first bad option.
 */
int
cmd_parse(const struct cmd_option *opts, enum cmd_flags flags,
    const char *who, int argc, char **argv, struct cmd_args *args,
    struct paks_error **err)
{
	_cleanup_free_ char *prefix = *who ? xasprintf("%s: ", who) : NULL;
	struct cmd_parser p = { .opts = opts ? opts : cmd_no_options,
		.who = prefix ? prefix : "", .argc = argc, .argv = argv,
		.args = args };
	bool options = true;

	*args = (struct cmd_args){ .options = opts };
	args->argv = xcalloc((size_t)argc + 1, sizeof *args->argv);
	args->pos = xcalloc((size_t)argc + 1, sizeof *args->pos);
	args->argv[args->argc++] = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (options && strcmp(a, "--") == 0) {
			options = false;
		} else if (options && a[0] == '-' && a[1] == '-') {
			cmd_parser_long(&p, &i);
		} else if (options && a[0] == '-' && a[1] != '\0') {
			cmd_parser_short(&p, &i);
		} else {
			args->pos[args->argc] = i;
			args->argv[args->argc++] = argv[i];
			if (flags & CMD_OPTIONS_FIRST)
				options = false;
		}
	}
	paks_error_free(p.later);
	if (args->help || p.first == NULL) {
		paks_error_free(p.first);
		return 0;
	}
	*err = p.first;
	return CMD_USAGE_ERROR;
}

void
cmd_args_release(struct cmd_args *args)
{
	free(args->given);
	free(args->argv);
	free(args->pos);
	*args = (struct cmd_args)CMD_ARGS_INIT;
}

/* Whether option name (its long name) was given. */
bool
cmd_opt_has(const struct cmd_args *args, const char *name)
{
	const struct cmd_option *o = cmd_opt_declared(args, name);

	for (size_t i = 0; i < args->ngiven; i++) {
		if (args->given[i].opt == o)
			return true;
	}
	return false;
}

/* The value of option name given last, or NULL. */
const char *
cmd_opt_get(const struct cmd_args *args, const char *name)
{
	const struct cmd_option *o = cmd_opt_declared(args, name);

	for (size_t i = args->ngiven; i > 0; i--) {
		if (args->given[i - 1].opt == o)
			return args->given[i - 1].value;
	}
	return NULL;
}

/* Every value of option name, in order, added to out. */
void
cmd_opt_values(const struct cmd_args *args, const char *name,
    struct strv *out)
{
	const struct cmd_option *o = cmd_opt_declared(args, name);

	for (size_t i = 0; i < args->ngiven; i++) {
		if (args->given[i].opt == o && args->given[i].value != NULL)
			strv_push(out, args->given[i].value);
	}
}

/* "usage: paks save [OPTIONS] CONTAINER [IMAGE]" (no newline). */
void
cmd_usage_line(const char *prefix, const struct cmd_entry *e,
    struct strbuf *sb)
{
	strbuf_addf(sb, "usage: %s%s", prefix, e->name);
	if (e->options != NULL && e->options[0].name != NULL)
		strbuf_adds(sb, " [OPTIONS]");
	if (e->usage != NULL && *e->usage != '\0')
		strbuf_addf(sb, " %s", e->usage);
}

/* "-c, --engine E", "    --srun[=OPTIONS]" */
static void
cmd_opt_spec(const struct cmd_option *o, struct strbuf *sb)
{
	if (o->letter != 0)
		strbuf_addf(sb, "-%c, --%s", o->letter, o->name);
	else
		strbuf_addf(sb, "    --%s", o->name);
	if (o->arg != NULL && (o->flags & CMD_OPT_VALUE_OPTIONAL))
		strbuf_addf(sb, "[=%s]", o->arg);
	else if (o->arg != NULL)
		strbuf_addf(sb, " %s", o->arg);
}

/* text into sb from column col on, wrapped before column 80 at spaces;
 * a line it wraps starts at column indent. */
static void
cmd_opt_wrap(struct strbuf *sb, const char *text, size_t col, size_t indent)
{
	while (*text != '\0') {
		size_t len = strcspn(text, " ");

		if (col > indent && col + 1 + len >= CMD_OPT_COLUMNS) {
			strbuf_addf(sb, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			strbuf_addch(sb, ' ');
			col++;
		}
		strbuf_add(sb, text, len);
		col += len;
		text += len;
		text += strspn(text, " ");
	}
	strbuf_addch(sb, '\n');
}

/* One option: its spec, then its help, aliases and whether it repeats. */
static void
cmd_opt_line(const struct cmd_option *o, int width, struct strbuf *sb)
{
	_cleanup_strbuf_ struct strbuf spec = STRBUF_INIT, text = STRBUF_INIT;
	size_t indent = (size_t)width + 4;

	cmd_opt_spec(o, &spec);
	strbuf_adds(&text, o->help);
	for (const char *const *a = o->aliases; a && *a; a++)
		strbuf_addf(&text, "%s--%s", a == o->aliases ? " (also " :
		    ", ", *a);
	if (o->aliases != NULL && o->aliases[0] != NULL)
		strbuf_addch(&text, ')');
	if (o->flags & CMD_OPT_REPEAT)
		strbuf_adds(&text, " (repeatable)");
	if ((int)spec.len > width)
		strbuf_addf(sb, "  %s\n%*s", strbuf_str(&spec), (int)indent, "");
	else
		strbuf_addf(sb, "  %-*s  ", width, strbuf_str(&spec));
	cmd_opt_wrap(sb, strbuf_str(&text), indent, indent);
}

/* "options:" and a line for each option; nothing when there are none. */
void
cmd_opt_format(const struct cmd_option *opts, struct strbuf *sb)
{
	int width = 0;

	if (opts == NULL || opts->name == NULL)
		return;
	for (const struct cmd_option *o = opts; o->name != NULL; o++) {
		_cleanup_strbuf_ struct strbuf spec = STRBUF_INIT;

		cmd_opt_spec(o, &spec);
		if ((int)spec.len > width && spec.len <= CMD_OPT_WIDTH_MAX)
			width = (int)spec.len;
	}
	strbuf_adds(sb, "options:\n");
	for (const struct cmd_option *o = opts; o->name != NULL; o++)
		cmd_opt_line(o, width, sb);
}
