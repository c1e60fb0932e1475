/*
 * The man pages, in roff with the man(7) macros: paks.1, one
 * paks-COMMAND.1 per host command, paks-commands.7 (the #commands) and
 * paks-settings.5, each from the tables.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "gendoc.h"
#include "store/settings.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "version.h"

/* len bytes of s as roff text: '-' as \-, '\' as \e. */
static void
man_esc(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '-')
			fputs("\\-", f);
		else if (s[i] == '\\')
			fputs("\\e", f);
		else
			fputc(s[i], f);
	}
}

static void
man_str(FILE *f, const char *s)
{
	man_esc(f, s, strlen(s));
}

/* One line of text; a '.' or '\'' first would make it a request. */
static void
man_line(FILE *f, const char *s, size_t len)
{
	if (len > 0 && (s[0] == '.' || s[0] == '\''))
		fputs("\\&", f);
	man_esc(f, s, len);
	fputc('\n', f);
}

/* A usage such as "NAME KEY[=VALUE]...", its capitals in italics. */
static void
man_usage(FILE *f, const char *u)
{
	static const char caps[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ_";

	while (*u != '\0') {
		size_t n = strspn(u, caps);

		if (n > 0) {
			fputs("\\fI", f);
			man_esc(f, u, n);
			fputs("\\fR", f);
		} else {
			n = strcspn(u, caps);
			man_esc(f, u, n);
		}
		u += n;
	}
}

/* "\fBpaks env add\fR [\fIOPTIONS\fR] \fINAME\fR ..." as one line. */
static void
man_synopsis(FILE *f, const char *prefix, const struct cmd_entry *e)
{
	fputs("\\fB", f);
	man_str(f, prefix);
	man_str(f, e->name);
	fputs("\\fR", f);
	if (e->options != NULL && e->options[0].name != NULL)
		fputs(" [\\fIOPTIONS\\fR]", f);
	if (e->usage != NULL && *e->usage != '\0') {
		fputc(' ', f);
		man_usage(f, e->usage);
	}
	fputc('\n', f);
}

/* A short line that ends with ':' ("examples:") heads a paragraph. */
static bool
man_is_heading(const char *s, size_t len)
{
	return len > 1 && len < 24 && s[len - 1] == ':' &&
	       memchr(s, ' ', len) == NULL;
}

/*
 * A help text: its lines are joined into paragraphs (one input line
 * each, so that groff never takes a line's end for a sentence's), a blank
 * line or a heading ("examples:") starts one, and indented lines
 * (examples, tables) are kept as they are.
 */
static void
man_help(FILE *f, const char *text)
{
	enum { PARA, FILL, KEPT } at = PARA;

	fputs(".PP\n", f);
	while (text != NULL && *text != '\0') {
		size_t len = strcspn(text, "\n");
		bool indented = len > 0 && text[0] == ' ';
		bool heading = man_is_heading(text, len);

		if (at == FILL && (len == 0 || indented || heading))
			fputc('\n', f);
		if (at == KEPT && !indented)
			fputs(".fi\n.RE\n", f);
		if ((at == FILL && (len == 0 || heading)) ||
		    (at == KEPT && !indented)) {
			fputs(".PP\n", f);
			at = PARA;
		}
		if (indented) {
			if (at != KEPT)
				fputs(".RS 4\n.nf\n", f);
			man_line(f, text + 2, len > 2 ? len - 2 : 0);
			at = KEPT;
		} else if (heading) {
			man_line(f, text, len);
			fputs(".br\n", f);
		} else if (len > 0) {
			if (at == FILL)
				fputc(' ', f);
			else if (text[0] == '.' || text[0] == '\'')
				fputs("\\&", f);
			man_esc(f, text, len);
			at = FILL;
		}
		text += len + (text[len] == '\n');
	}
	if (at == FILL)
		fputc('\n', f);
	if (at == KEPT)
		fputs(".fi\n.RE\n", f);
}

/* An option: its names and value, then its help, as --help words it. */
static void
man_option(FILE *f, const struct cmd_option *o)
{
	_cleanup_strbuf_ struct strbuf text = STRBUF_INIT;

	fputs(".TP\n", f);
	if (o->letter != 0)
		fprintf(f, "\\fB\\-%c\\fR, ", o->letter);
	fputs("\\fB\\-\\-", f);
	man_str(f, o->name);
	fputs("\\fR", f);
	if (o->arg != NULL && (o->flags & CMD_OPT_VALUE_OPTIONAL)) {
		fputs("[=", f);
		man_usage(f, o->arg);
		fputc(']', f);
	} else if (o->arg != NULL) {
		fputc(' ', f);
		man_usage(f, o->arg);
	}
	fputc('\n', f);
	strbuf_adds(&text, o->help);
	for (const char *const *a = o->aliases; a && *a; a++)
		strbuf_addf(&text, "%s--%s", a == o->aliases ? " (also " : ", ",
		            *a);
	if (o->aliases != NULL && o->aliases[0] != NULL)
		strbuf_addch(&text, ')');
	if (o->flags & CMD_OPT_REPEAT)
		strbuf_adds(&text, " (repeatable)");
	man_line(f, strbuf_str(&text), text.len);
}

/* Every option of opts; --help too for a host command (every one has). */
static void
man_options(FILE *f, const struct cmd_option *opts, bool host)
{
	for (const struct cmd_option *o = opts; o && o->name != NULL; o++)
		man_option(f, o);
	if (host)
		fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\n"
		      "show the usage and the options, and exit\n",
		      f);
}

/* A #command or a subcommand: synopsis, summary, options and help. */
static void
man_entry(FILE *f, const char *prefix, const struct cmd_entry *e)
{
	fputs(".SS \"", f);
	man_str(f, prefix);
	man_str(f, e->name);
	fputs("\"\n", f);
	man_synopsis(f, prefix, e);
	fputs(".PP\n", f);
	man_line(f, e->summary, strlen(e->summary));
	if (e->options != NULL && e->options[0].name != NULL) {
		fputs(".PP\noptions:\n", f);
		man_options(f, e->options, false);
	}
	if (e->help != NULL)
		man_help(f, e->help);
}

static void
man_header(FILE *f, const char *name, int section, const char *title)
{
	fputs(".\\\" Generated by paks-gendoc (tools/) from the tables of "
	      "paks; do not edit.\n.TH \"",
	      f);
	for (const char *c = name; *c != '\0'; c++) {
		if (*c == '-')
			fputs("\\-", f);
		else
			fputc(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c, f);
	}
	fprintf(f, "\" %d \"\" \"paks %s\" \"paks manual\"\n", section,
	        PAKS_VERSION);
	/* option names must not break at a hyphen, nor spread out */
	fputs(".nh\n.ad l\n.SH NAME\n", f);
	man_str(f, name);
	fputs(" \\- ", f);
	man_str(f, title);
	fputs("\n", f);
}

static void
man_see_also(FILE *f, const char *const *pages)
{
	fputs(".SH SEE ALSO\n", f);
	for (const char *const *p = pages; *p != NULL; p++) {
		const char *sect = strchr(*p, '(');

		fputs(".BR ", f);
		man_esc(f, *p, (size_t)(sect - *p));
		fprintf(f, " %s%s\n", sect, p[1] ? "," : "");
	}
}

/* paks-NAME.1: one host command, with its subcommands if it has some. */
static int
man_host_page(const char *dir, const struct cmd_entry *e,
              struct paks_error **err)
{
	_cleanup_free_ char *name = xasprintf("paks-%s", e->name);
	_cleanup_free_ char *file = xasprintf("%s.1", name);
	FILE *f = gendoc_open(dir, file, err);

	if (f == NULL)
		return -1;
	man_header(f, name, 1, e->summary);
	fputs(".SH SYNOPSIS\n", f);
	if (e->sub == NULL) {
		man_synopsis(f, "paks ", e);
	}
	for (const struct cmd_entry *const *s = e->sub; s && *s; s++) {
		_cleanup_free_ char *prefix = xasprintf("paks %s ", e->name);

		man_synopsis(f, prefix, *s);
		if (s[1] != NULL)
			fputs(".br\n", f);
	}
	fputs(".SH DESCRIPTION\n", f);
	man_line(f, e->summary, strlen(e->summary));
	if (e->help != NULL)
		man_help(f, e->help);
	fputs(".SH OPTIONS\n", f);
	man_options(f, e->options, true);
	if (e->sub != NULL)
		fputs(".SH COMMANDS\n", f);
	for (const struct cmd_entry *const *s = e->sub; s && *s; s++) {
		_cleanup_free_ char *prefix = xasprintf("paks %s ", e->name);

		man_entry(f, prefix, *s);
	}
	man_see_also(
	    f, CMD_NAMES("paks(1)", "paks-commands(7)", "paks-settings(5)"));
	return gendoc_close(f, file, err);
}

/* paks.1: paks itself, its options and commands, files and so on. */
static int
man_paks_page(const char *dir, struct paks_error **err)
{
	const struct cmd_entry *m = &host_main_entry;
	_cleanup_free_ char *sys = settings_system_path();
	FILE *f = gendoc_open(dir, "paks.1", err);

	if (f == NULL)
		return -1;
	man_header(f, "paks", 1, m->summary);
	fputs(".SH SYNOPSIS\n", f);
	man_synopsis(f, "", m);
	fputs(".SH DESCRIPTION\n\\fBpaks\\fR starts an interactive shell in "
	      "a new container (docker, podman or Charliecloud) and watches "
	      "what you type: a line that starts with \\fB#\\fR and names a "
	      "#command (\\fB#save\\fR, \\fB#cp\\fR, \\fB#envload\\fR ...) is "
	      "run by paks on the host, not by the shell; see\n"
	      ".BR paks\\-commands (7).\n"
	      ".PP\nThe host commands below manage images, settings, "
	      "environments and plugins; each has its own page.\n"
	      ".SH OPTIONS\n",
	      f);
	man_options(f, m->options, true);
	fputs(".SH COMMANDS\n", f);
	for (const struct cmd_entry *const *e = host_commands; *e; e++) {
		fputs(".TP\n", f);
		man_synopsis(f, "paks ", *e);
		man_line(f, (*e)->summary, strlen((*e)->summary));
		fprintf(f, "(see \\fBpaks\\-%s\\fR(1))\n", (*e)->name);
	}
	fprintf(
	    f,
	    ".SH EXIT STATUS\n.TP\n%d\nsuccess\n.TP\n%d\nan error, "
	    "which paks prints in one line on standard error\n.TP\n%d\na "
	    "usage error: an unknown command or option, a missing or extra "
	    "argument, a bad -v or -e, a --settings-file that is not there, "
	    "or no terminal where one is needed\n"
	    ".PP\n\\fBpaks run\\fR and \\fBpaks exec\\fR answer as "
	    "\\fBdocker run\\fR does:\n"
	    ".TP\n%d\npaks or the engine failed before the shell (or CMD) "
	    "started: the image is missing and cannot be pulled, the engine "
	    "is down, an option's value is wrong, the engine refused to start "
	    "the container\n"
	    ".TP\n%d\nthe shell (or CMD) is in the image but cannot be run\n"
	    ".TP\n%d\nthe shell \\-\\-shell names (or CMD) is not in the image "
	    "(without \\-\\-shell, paks starts /bin/sh where there is no bash)\n"
	    ".PP\nOtherwise they exit with the status of the shell or CMD.\n",
	    EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_RUN_FAILED, EXIT_CANNOT_RUN,
	    EXIT_NOT_FOUND);
	fputs(
	    ".SH ENVIRONMENT\n"
	    ".TP\n.B PAKS_HOME\nthe directory of your settings, environments "
	    "and plugins (default: \\fI~/.paks\\fR)\n"
	    ".TP\n.B PAKS_SYSTEM_SETTINGS\nthe system settings file, instead "
	    "of the one under FILES\n"
	    ".TP\n.B PAKS_SYSTEM_PLUGINS\nthe directory of the system's "
	    "plugins, instead of the one bundled with paks\n"
	    ".TP\n.B PAKS_SSH\nthe ssh command of \\fBpaks move\\fR to "
	    "ssh:// destinations (default: ssh)\n"
	    ".TP\n.BR VISUAL \", \" EDITOR\nthe editor of \\fBpaks config edit"
	    "\\fR and \\fBpaks env edit\\fR when config_editor is not set\n"
	    ".TP\n.B DOCKER_HOST\nthe docker daemon to use, as for "
	    "\\fBdocker\\fR(1)\n",
	    f);
	fputs(
	    ".SH FILES\n.TP\n.I ~/.paks/settings.yml\nyour settings; see\n"
	    ".BR paks\\-settings (5)\n"
	    ".TP\n.I ~/.paks/envs/NAME\nthe variables of environment NAME "
	    "(\\fBpaks env\\fR)\n"
	    ".TP\n.I ~/.paks/plugins/NAME\nyour plugins (\\fBpaks plugin\\fR)\n"
	    ".TP\n.I ",
	    f);
	man_str(f, sys);
	fputs("\nthe system's settings, read before yours\n.TP\n.I ", f);
	man_str(f, PAKS_PLUGIN_DIR);
	fputs("\nthe plugins installed with paks, such as sbom (found from "
	      "where the paks binary is, under any prefix)\n",
	      f);
	man_see_also(f, CMD_NAMES("paks-commands(7)", "paks-settings(5)",
	                          "docker(1)", "podman(1)", "ch-run(1)"));
	fputs(".PP\nThe host commands: ", f);
	for (const struct cmd_entry *const *e = host_commands; *e; e++)
		fprintf(f, "\\fBpaks\\-%s\\fR(1)%s", (*e)->name,
		        e[1] ? ", " : ".\n");
	return gendoc_close(f, "paks.1", err);
}

/* paks-commands.7: the #commands typed inside a session. */
static int
man_commands_page(const char *dir, struct paks_error **err)
{
	FILE *f = gendoc_open(dir, "paks-commands.7", err);

	if (f == NULL)
		return -1;
	man_header(f, "paks-commands", 7, "the #commands of a paks session");
	fputs(
	    ".SH SYNOPSIS\n\\fB#\\fR\\fICOMMAND\\fR [\\fIARGS\\fR]\n"
	    ".SH DESCRIPTION\nIn a shell that \\fBpaks run\\fR started, a line "
	    "that starts with \\fB#\\fR and names one of the commands below "
	    "is not run by the shell: paks runs it on the host, where it can "
	    "save the container, copy files and keep variables. "
	    "\\fB#help\\fR lists them, \\fB#help\\fR \\fICOMMAND\\fR shows "
	    "one; plugins add more (\\fB#load\\fR).\n"
	    ".SH COMMANDS\n",
	    f);
	for (const struct cmd_entry *const *e = hash_commands; *e; e++)
		man_entry(f, "#", *e);
	man_see_also(f, CMD_NAMES("paks(1)", "paks-run(1)", "paks-plugin(1)",
	                          "paks-settings(5)"));
	return gendoc_close(f, "paks-commands.7", err);
}

static const char *
man_type_name(enum setting_type t)
{
	switch (t) {
	case SETTING_STRING:
		return "string";
	case SETTING_BOOL:
		return "true or false";
	case SETTING_INT:
		return "whole number";
	case SETTING_LIST:
		return "list";
	}
	return "?";
}

/* paks-settings.5: every key of the settings files. */
static int
man_settings_page(const char *dir, struct paks_error **err)
{
	_cleanup_free_ char *sys = settings_system_path();
	FILE *f = gendoc_open(dir, "paks-settings.5", err);

	if (f == NULL)
		return -1;
	man_header(f, "paks-settings", 5, "the settings of paks");
	fputs(".SH SYNOPSIS\n.I ", f);
	man_str(f, sys);
	fputs(
	    "\n.br\n.I ~/.paks/settings.yml\n"
	    ".SH DESCRIPTION\nA settings file is a YAML mapping of "
	    "\\fIkey\\fR: \\fIvalue\\fR. paks reads, lowest first: the "
	    "defaults below, the system file, your file (under "
	    "\\fB$PAKS_HOME\\fR when it is set), \\fB\\-\\-settings\\-file\\fR "
	    "\\fIFILE\\fR, then each \\fB\\-s\\fR \\fIKEY\\fR=\\fIVALUE\\fR. "
	    "\\fBpaks config\\fR shows and changes them; an unknown key or a "
	    "value of the wrong type is an error.\n.SH KEYS\n",
	    f);
	for (int i = 0; i < settings_count; i++) {
		const struct setting_def *d = &settings_table[i];

		fputs(".TP\n\\fB", f);
		man_str(f, d->name);
		fprintf(f, "\\fR (%s, default: ", man_type_name(d->type));
		if (strcmp(d->def, "") == 0)
			fputs("empty)\n", f);
		else {
			fputs("\\fB", f);
			man_str(f, d->def);
			fputs("\\fR)\n", f);
		}
		man_line(f, d->help, strlen(d->help));
		for (const char *const *c = d->choices; c && *c; c++)
			fprintf(f, "%s\\fB%s\\fR",
			        c == d->choices ? ".br\nOne of: " : ", ", *c);
		if (d->choices != NULL)
			fputs(".\n", f);
	}
	fputs(".SH EXAMPLE\n.RS 4\n.nf\ncontainer_tech: podman\n"
	      "run_options: [\\-\\-network, none]\n.fi\n.RE\n",
	      f);
	man_see_also(f, CMD_NAMES("paks(1)", "paks-config(1)"));
	return gendoc_close(f, "paks-settings.5", err);
}

/*
 * meson names the pages of the host commands before they are built (from
 * src/cmd-table.c): names must be exactly the table's, or a page would be
 * missing from the install.
 */
static int
man_check_names(int n, char **names, struct paks_error **err)
{
	int count = 0;

	for (const struct cmd_entry *const *e = host_commands; *e; e++) {
		int i = 0;

		while (i < n && strcmp(names[i], (*e)->name) != 0)
			i++;
		if (i == n) {
			paks_error_set(err, 0,
			               "meson names no page for host "
			               "command '%s'",
			               (*e)->name);
			return paks_error_hint(
			    err, "man/meson.build takes the "
			         "names from the slots '&host_NAME_entry,' of "
			         "host_commands[] in src/cmd-table.c");
		}
		count++;
	}
	if (count != n)
		return paks_error_set(err, 0,
		                      "meson names %d pages for %d "
		                      "host commands",
		                      n, count);
	return 0;
}

int
gendoc_man(const char *dir, int n, char **names, struct paks_error **err)
{
	/* the pages name the default system file, not this machine's */
	unsetenv("PAKS_SYSTEM_SETTINGS");
	if (man_check_names(n, names, err) < 0)
		return -1;
	if (man_paks_page(dir, err) < 0 || man_commands_page(dir, err) < 0 ||
	    man_settings_page(dir, err) < 0)
		return -1;
	for (const struct cmd_entry *const *e = host_commands; *e; e++) {
		if (man_host_page(dir, *e, err) < 0)
			return -1;
	}
	return 0;
}
