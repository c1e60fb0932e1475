/*
 * The shell completions: bash and zsh share one walk over the words typed
 * (plain shell that both run) and the data written from the tables; fish
 * gets its own "complete" lines. What a word or an option's value names
 * (an image, an environment, a file) is read from the usage and the
 * option's declaration, so a new command completes without a change here.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "engine/engine.h"
#include "engine/engine-inspect.h"
#include "gendoc.h"
#include "store/settings.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "version.h"

#define COMP_CAPS "ABCDEFGHIJKLMNOPQRSTUVWXYZ_"

/* One command the completion knows: path "" is paks, "env add" a sub. */
struct comp_ctx {
	const char *top; /* the host command: "env"; "" */
	const char *path;
	const struct cmd_entry *e;
	const struct cmd_entry *const *subs;
};

typedef void comp_fn(FILE *, const struct comp_ctx *);

/* fn for paks itself, each host command and each of their subcommands. */
static void
comp_walk(FILE *f, comp_fn *fn)
{
	fn(f, &(struct comp_ctx){"", "", &host_main_entry, host_commands});
	for (const struct cmd_entry *const *e = host_commands; *e; e++) {
		fn(f,
		   &(struct comp_ctx){(*e)->name, (*e)->name, *e, (*e)->sub});
		for (const struct cmd_entry *const *s = (*e)->sub; s && *s;
		     s++) {
			_cleanup_free_ char *path =
			    xasprintf("%s %s", (*e)->name, (*s)->name);

			fn(f, &(struct comp_ctx){(*e)->name, path, *s, NULL});
		}
	}
}

/* What a usage word (its capitals) names: a kind of _paks_values. */
static const char *
comp_word_kind(const char *top, const char *w, size_t len)
{
	static const char *const kinds[][2] = {
	    {"IMAGE", "image"},     {"CONTAINER", "container"},
	    {"PATH", "file"},       {"FILE", "file"},
	    {"DIR", "dir"},         {"KEY", "key"},
	    {"COMMAND", "command"}, {"SECTION", "section"},
	};

	/* a NAME is one of the things its command keeps */
	if (len == 4 && memcmp(w, "NAME", 4) == 0)
		return strcmp(top, "env") == 0      ? "env"
		       : strcmp(top, "plugin") == 0 ? "plugin"
		                                    : "none";
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strlen(kinds[i][0]) == len &&
		    memcmp(w, kinds[i][0], len) == 0)
			return kinds[i][1];
	}
	return "none";
}

/* The kinds of the words of a usage: "CONTAINER [IMAGE]" "container
 * image", "NAME KEY[=VALUE]..." "env key...". */
static void
comp_usage_kinds(const char *top, const char *usage, struct strbuf *sb)
{
	while (usage != NULL && *usage != '\0') {
		size_t len = strcspn(usage, " ");
		const char *w = usage + strspn(usage, "[");
		size_t caps = strspn(w, COMP_CAPS);

		/* "list|install|remove ...": the subcommands say more */
		if (memchr(usage, '|', len) == NULL && caps > 0) {
			strbuf_addf(sb, "%s%s", sb->len ? " " : "",
			            comp_word_kind(top, w, caps));
			if (memmem(usage, len, "...", 3) != NULL)
				strbuf_adds(sb, "...");
		}
		usage += len;
		usage += strspn(usage, " ");
	}
}

static bool
comp_opt_named(const struct cmd_option *o, const char *name)
{
	if (strcmp(o->name, name) == 0)
		return true;
	for (const char *const *a = o->aliases; a && *a; a++) {
		if (strcmp(*a, name) == 0)
			return true;
	}
	return false;
}

/* What the value of o names (into sb), or NULL when it takes none. */
static const char *
comp_opt_kind(const struct cmd_option *o, struct strbuf *sb)
{
	if (o->choices != NULL) {
		strbuf_adds(sb, "list:");
		for (const char *const *c = o->choices; *c; c++)
			strbuf_addf(sb, "%s%s", c == o->choices ? "" : " ", *c);
		return strbuf_str(sb);
	}
	if (comp_opt_named(o, "engine") || comp_opt_named(o, "container-tech"))
		return "engine";
	if (comp_opt_named(o, "creds-env"))
		return "env";
	if (o->arg == NULL)
		return NULL;
	if (strcmp(o->arg, "KEY=VALUE") == 0)
		return "keyval";
	if (strcmp(o->arg, "FILE") == 0 || strcmp(o->arg, "PATH") == 0)
		return "file";
	return strcmp(o->arg, "DIR") == 0 ? "dir" : "none";
}

/* " id created ...": the sections of paks inspect, as #inspect's Tab */
static void
comp_sections(FILE *f)
{
	for (const char *const *s = engine_inspect_sections(NULL); *s; s++)
		fprintf(f, " %s", *s);
}

/* ---- bash and zsh ---- */

/* " -c --container-tech --engine": every name of o */
static void
comp_sh_optnames(FILE *f, const struct cmd_option *o)
{
	if (o->letter != 0)
		fprintf(f, " -%c", o->letter);
	fprintf(f, " --%s", o->name);
	for (const char *const *a = o->aliases; a && *a; a++)
		fprintf(f, " --%s", *a);
}

static void
comp_sh_ctx(FILE *f, const struct comp_ctx *c)
{
	_cleanup_strbuf_ struct strbuf pos = STRBUF_INIT;
	const struct cmd_option *o;

	fprintf(f, "\t'%s')\n\t\topts='-h --help", c->path);
	for (o = c->e->options; o && o->name; o++)
		comp_sh_optnames(f, o);
	fputs("'\n\t\tvopts='", f);
	for (o = c->e->options; o && o->name; o++) {
		if (o->arg != NULL && !(o->flags & CMD_OPT_VALUE_OPTIONAL))
			comp_sh_optnames(f, o);
	}
	fputs("'\n", f);
	if (c->subs != NULL) {
		fputs("\t\tsubs='", f);
		for (const struct cmd_entry *const *s = c->subs; *s; s++)
			fprintf(f, "%s%s", s == c->subs ? "" : " ", (*s)->name);
		fputs("'\n", f);
	} else {
		comp_usage_kinds(c->top, c->e->usage, &pos);
		fprintf(f, "\t\tpos='%s'\n", strbuf_str(&pos));
	}
	if (c->e->flags & CMD_OPTIONS_FIRST)
		fputs("\t\tfirst=1\n", f);
	fputs("\t\t;;\n", f);
}

static void
comp_sh_optkinds(FILE *f, const struct comp_ctx *c)
{
	for (const struct cmd_option *o = c->e->options; o && o->name; o++) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		const char *kind = comp_opt_kind(o, &sb);

		if (kind == NULL)
			continue;
		fputs("\t", f);
		if (o->letter != 0)
			fprintf(f, "'%s/-%c'|", c->path, o->letter);
		fprintf(f, "'%s/--%s'", c->path, o->name);
		for (const char *const *a = o->aliases; a && *a; a++)
			fprintf(f, "|'%s/--%s'", c->path, *a);
		fprintf(f, ") kind='%s' ;;\n", kind);
	}
}

/* The walk over the words, in the shell that bash and zsh both run. */
static const char comp_sh_walk[] =
    "# _paks_what WORD...: what the last word is to be, from the words before\n"
    "# it. Sets kind (a kind of _paks_values, file, dir or none), cur (what\n"
    "# is typed of it) and pre (what precedes that in the word: --engine=).\n"
    "_paks_what() {\n"
    "\tlocal p='' n=0 val='' optok=1 w subs opts vopts pos first\n"
    "\t_paks_eng=''\n"
    "\t_paks_ctx ''\n"
    "\tshift\n"
    "\twhile [ $# -gt 1 ]; do\n"
    "\t\tw=$1\n"
    "\t\tshift\n"
    "\t\tif [ -n \"$val\" ]; then\n"
    "\t\t\t[ \"$val\" = engine ] && _paks_eng=$w\n"
    "\t\t\tval=''\n"
    "\t\telif [ -n \"$optok\" ] && [ \"$w\" = -- ]; then\n"
    "\t\t\toptok=''\n"
    "\t\telif [ -n \"$optok\" ] && [[ $w == --?*=* ]]; then\n"
    "\t\t\t_paks_optkind \"$p\" \"${w%%=*}\"\n"
    "\t\t\t[ \"$kind\" = engine ] && _paks_eng=${w#*=}\n"
    "\t\telif [ -n \"$optok\" ] && [[ $w == -?* ]]; then\n"
    "\t\t\t# -c VALUE, --engine VALUE; -cVALUE holds its value\n"
    "\t\t\tif [[ \" $vopts \" == *\" ${w:0:2} \"* && $w != --* &&\n"
    "\t\t\t    ${#w} -gt 2 ]]; then\n"
    "\t\t\t\t_paks_optkind \"$p\" \"${w:0:2}\"\n"
    "\t\t\t\t[ \"$kind\" = engine ] && _paks_eng=${w:2}\n"
    "\t\t\telif [[ \" $vopts \" == *\" $w \"* ]]; then\n"
    "\t\t\t\t_paks_optkind \"$p\" \"$w\"\n"
    "\t\t\t\tval=$kind\n"
    "\t\t\tfi\n"
    "\t\telif [ -n \"$subs\" ] && [ $n -eq 0 ] &&\n"
    "\t\t    [[ \" $subs \" == *\" $w \"* ]]; then\n"
    "\t\t\tp=${p:+$p }$w\n"
    "\t\t\t_paks_ctx \"$p\"\n"
    "\t\t\toptok=1\n"
    "\t\telse\n"
    "\t\t\tn=$((n + 1))\n"
    "\t\t\t[ -n \"$first\" ] && optok=''\n"
    "\t\tfi\n"
    "\tdone\n"
    "\tcur=$1 pre=''\n"
    "\tif [ -n \"$val\" ]; then\n"
    "\t\tkind=$val\n"
    "\telif [ -n \"$optok\" ] && [[ $cur == --*=* ]]; then\n"
    "\t\tpre=${cur%%=*}=\n"
    "\t\t_paks_optkind \"$p\" \"${cur%%=*}\"\n"
    "\t\tcur=${cur#*=}\n"
    "\telif [ -n \"$optok\" ] && [[ $cur == -* ]]; then\n"
    "\t\tkind=\"list:$opts\"\n"
    "\telif [ -n \"$subs\" ] && [ $n -eq 0 ]; then\n"
    "\t\tkind=\"list:$subs\"\n"
    "\telse\n"
    "\t\t_paks_pos $n $pos\n"
    "\tfi\n"
    "}\n"
    "\n"
    "# _paks_pos N KIND...: the kind of word N (from 0); a last KIND... "
    "repeats\n"
    "_paks_pos() {\n"
    "\tlocal n=$1\n"
    "\tshift\n"
    "\twhile [ $# -gt 1 ] && [ \"$n\" -gt 0 ]; do\n"
    "\t\tshift\n"
    "\t\tn=$((n - 1))\n"
    "\tdone\n"
    "\tkind=none\n"
    "\tif [ $# -gt 0 ] && { [ \"$n\" -eq 0 ] || [[ $1 == *... ]]; }; then\n"
    "\t\tkind=${1%...}\n"
    "\tfi\n"
    "}\n"
    "\n"
    "# _paks_ls DIR: the names in ~/.paks/DIR ($PAKS_HOME/DIR); not a "
    "\"#lock\"\n"
    "_paks_ls() {\n"
    "\tlocal f\n"
    "\tfor f in \"${PAKS_HOME:-$HOME/.paks}/$1\"/*; do\n"
    "\t\tf=${f##*/}\n"
    "\t\tcase $f in *[!A-Za-z0-9_.-]* | \\*) continue ;; esac\n"
    "\t\tprintf '%s\\n' \"$f\"\n"
    "\tdone\n"
    "}\n"
    "\n"
    "# _paks_engine ARGS...: the engine named on the line (-c), else docker "
    "or\n"
    "# podman, whichever is on PATH, run with ARGS; nothing when it is not\n"
    "# there or does not answer within 3 seconds\n"
    "_paks_engine() {\n"
    "\tlocal e=$_paks_eng\n"
    "\tif [ -z \"$e\" ]; then\n"
    "\t\te=podman\n"
    "\t\tcommand -v docker >/dev/null 2>&1 && e=docker\n"
    "\tfi\n"
    "\tcase $e in docker | podman) ;; *) return 0 ;; esac\n"
    "\tcommand -v \"$e\" >/dev/null 2>&1 || return 0\n"
    "\ttimeout 3 \"$e\" \"$@\" 2>/dev/null | grep -v '<none>'\n"
    "}\n";

/* The data and the walk, the same for bash and zsh. */
static void
comp_sh_common(FILE *f)
{
	fputs(
	    "# The command PATH (\"\" is paks, \"env add\" a subcommand): its\n"
	    "# options, those of them that take a value, its subcommands, "
	    "what\n"
	    "# each word names (a last KIND... repeats), whether options end "
	    "at\n"
	    "# the first word.\n"
	    "_paks_ctx() {\n\topts='' vopts='' subs='' pos='' first=''\n"
	    "\tcase $1 in\n",
	    f);
	comp_walk(f, comp_sh_ctx);
	fputs("\tesac\n}\n\n# _paks_optkind PATH OPTION: what its value names"
	      "\n_paks_optkind() {\n\tcase $1/$2 in\n",
	      f);
	comp_walk(f, comp_sh_optkinds);
	fputs("\t*) kind=none ;;\n\tesac\n}\n\n"
	      "# _paks_values KIND: the words of a kind, one a line\n"
	      "_paks_values() {\n\tcase $1 in\n",
	      f);
	fputs("\tengine) printf '%s\\n'", f);
	for (const struct engine *const *e = engines; *e; e++)
		fprintf(f, " %s", (*e)->name);
	fputs(" ;;\n\tenv) _paks_ls envs ;;\n\tplugin) _paks_ls plugins ;;\n"
	      "\timage) _paks_engine images --format "
	      "'{{.Repository}}:{{.Tag}}' ;;\n"
	      "\tcontainer) _paks_engine ps -a --format '{{.Names}}' ;;\n"
	      "\tlist:*) printf '%s\\n' ${1#list:} ;;\n",
	      f);
	fputs("\tkey) printf '%s\\n'", f);
	for (int i = 0; i < settings_count; i++)
		fprintf(f, " %s", settings_table[i].name);
	fputs(" ;;\n\tkeyval) printf '%s=\\n'", f);
	for (int i = 0; i < settings_count; i++)
		fprintf(f, " %s", settings_table[i].name);
	fputs(" ;;\n\tcommand) printf '%s\\n'", f);
	for (const struct cmd_entry *const *e = host_commands; *e; e++)
		fprintf(f, " %s", (*e)->name);
	fputs(" ;;\n\tsection) printf '%s\\n'", f);
	comp_sections(f);
	fputs(" ;;\n\tesac\n}\n\n", f);
	fputs(comp_sh_walk, f);
}

static const char comp_bash_main[] =
    "_paks() {\n"
    "\tlocal -a w=()\n"
    "\tlocal i c kind cur pre skip _paks_eng\n"
    "\t# bash splits a word at '=' and ':' (COMP_WORDBREAKS): join the parts\n"
    "\tfor ((i = 0; i <= COMP_CWORD; i++)); do\n"
    "\t\tc=${COMP_WORDS[i]}\n"
    "\t\tif ((i > 1)) && [[ -n $c && -z ${c//[=:]/} ||\n"
    "\t\t    ( -n ${COMP_WORDS[i-1]} && -z ${COMP_WORDS[i-1]//[=:]/} ) ]]; "
    "then\n"
    "\t\t\tw[${#w[@]}-1]+=$c\n"
    "\t\telse\n"
    "\t\t\tw+=(\"$c\")\n"
    "\t\tfi\n"
    "\tdone\n"
    "\t_paks_what \"${w[@]}\"\n"
    "\t# bash replaces only the last part: drop what comes before it\n"
    "\tc=${COMP_WORDS[COMP_CWORD]}\n"
    "\tskip=$((${#pre} + ${#cur} - ${#c}))\n"
    "\tCOMPREPLY=()\n"
    "\tcase $kind in\n"
    "\tnone) return 0 ;;\n"
    "\tfile) compopt -o filenames 2>/dev/null\n"
    "\t\tmapfile -t COMPREPLY < <(compgen -f -- \"$cur\") ;;\n"
    "\tdir) compopt -o filenames 2>/dev/null\n"
    "\t\tmapfile -t COMPREPLY < <(compgen -d -- \"$cur\") ;;\n"
    "\t*) mapfile -t COMPREPLY < <(compgen -W \"$(_paks_values \"$kind\")\" "
    "\\\n"
    "\t\t    -- \"$cur\") ;;\n"
    "\tesac\n"
    "\tfor i in \"${!COMPREPLY[@]}\"; do\n"
    "\t\tc=$pre${COMPREPLY[i]}\n"
    "\t\tCOMPREPLY[i]=${c:skip}\n"
    "\tdone\n"
    "\t# KEY= wants its value next\n"
    "\tif [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then\n"
    "\t\tcompopt -o nospace 2>/dev/null\n"
    "\tfi\n"
    "\treturn 0\n"
    "}\n"
    "\n"
    "complete -F _paks paks\n";

static const char comp_zsh_main[] =
    "_paks() {\n"
    "\tsetopt localoptions shwordsplit nullglob\n"
    "\tlocal kind cur pre _paks_eng\n"
    "\tlocal -a vals suffix\n"
    "\t_paks_what \"${(@)words[1,CURRENT]}\"\n"
    "\t[[ -n $pre ]] && compset -P '*='\n"
    "\tcase $kind in\n"
    "\tnone) return 1 ;;\n"
    "\tfile) _files ;;\n"
    "\tdir) _files -/ ;;\n"
    "\t*)\n"
    "\t\tvals=(${(f)\"$(_paks_values \"$kind\")\"})\n"
    "\t\t[[ $kind == keyval ]] && suffix=(-S '')\n"
    "\t\tcompadd \"${suffix[@]}\" -a vals ;;\n"
    "\tesac\n"
    "}\n"
    "\n"
    "_paks \"$@\"\n";

/* ---- fish ---- */

/* s in fish's single quotes */
static void
comp_fish_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s != '\0'; s++) {
		if (*s == '\'' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

/* How fish completes a value of this kind: the arguments of complete. */
static void
comp_fish_values(FILE *f, const char *kind)
{
	if (strcmp(kind, "file") == 0)
		fputs(" -r -F", f);
	else if (strcmp(kind, "dir") == 0)
		fputs(" -x -a '(__fish_complete_directories)'", f);
	else if (strcmp(kind, "none") == 0)
		fputs(" -x", f);
	else if (strncmp(kind, "list:", 5) == 0)
		fprintf(f, " -x -a '%s'", kind + 5);
	else
		fprintf(f, " -x -a '(__paks_values %s)'", kind);
}

static void
comp_fish_ctx(FILE *f, const struct comp_ctx *c)
{
	_cleanup_strbuf_ struct strbuf pos = STRBUF_INIT;
	_cleanup_free_ char *cond = xasprintf("complete -c paks -n "
	                                      "\"__paks_is '%s'\"",
	                                      c->path);

	for (const struct cmd_entry *const *s = c->subs; s && *s; s++) {
		fprintf(f, "%s -a %s -d ", cond, (*s)->name);
		comp_fish_quoted(f, (*s)->summary);
		fputc('\n', f);
	}
	for (const struct cmd_option *o = c->e->options; o && o->name; o++) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		const char *kind = comp_opt_kind(o, &sb);

		fputs(cond, f);
		if (o->letter != 0)
			fprintf(f, " -s %c", o->letter);
		fprintf(f, " -l %s", o->name);
		for (const char *const *a = o->aliases; a && *a; a++)
			fprintf(f, " -l %s", *a);
		if (kind != NULL && !(o->flags & CMD_OPT_VALUE_OPTIONAL))
			comp_fish_values(f, kind);
		fputs(" -d ", f);
		comp_fish_quoted(f, o->help);
		fputc('\n', f);
	}
	if (c->subs != NULL)
		return;
	comp_usage_kinds(c->top, c->e->usage, &pos);
	for (const char *k = strbuf_str(&pos); *k != '\0';) {
		size_t len = strcspn(k, " .");
		_cleanup_free_ char *kind = xstrndup(k, len);

		if (strcmp(kind, "none") != 0) {
			fputs(cond, f);
			comp_fish_values(f, kind);
			fputc('\n', f);
		}
		k += len;
		k += strspn(k, " .");
	}
}

static void
comp_fish_path(FILE *f, const struct comp_ctx *c)
{
	if (c->subs == NULL)
		return;
	fprintf(f, "\t\tcase '%s'\n\t\t\tcontains -- $w", c->path);
	for (const struct cmd_entry *const *s = c->subs; *s; s++)
		fprintf(f, " %s", (*s)->name);
	fprintf(f, "\n\t\t\tand set p %s$w\n", *c->path ? "\"$p \"" : "");
}

static void
comp_fish(FILE *f)
{
	fprintf(
	    f,
	    "# fish completion for paks %s; generated by paks-gendoc "
	    "from the tables\n# of paks: do not edit.\n\ncomplete -c paks -f\n"
	    "complete -c paks -s h -l help -d 'show the usage and the "
	    "options'\n\n",
	    PAKS_VERSION);
	fputs("# the command typed so far: '' (paks), 'run', 'env add'\n"
	      "function __paks_path\n\tset -l p ''\n"
	      "\tfor w in (commandline -opc)[2..-1]\n\t\tswitch $p\n",
	      f);
	comp_walk(f, comp_fish_path);
	fputs("\t\tend\n\tend\n\techo $p\nend\n\n"
	      "function __paks_is\n\tset -l p (__paks_path)\n"
	      "\ttest \"$p\" = \"$argv[1]\"\nend\n\n"
	      "# the engine on PATH, docker first, run with argv; at most 3 s\n"
	      "function __paks_engine\n\tset -l e docker\n"
	      "\ttype -q docker; or set e podman\n\ttype -q $e; or return 0\n"
	      "\ttimeout 3 $e $argv 2>/dev/null | string match -v '*<none>*'\n"
	      "end\n\n"
	      "# the names in a directory of ~/.paks; not a \"#lock\"\n"
	      "function __paks_ls\n\tfor d in $argv[1]/*\n"
	      "\t\tbasename $d | string match -r '^[A-Za-z0-9_.-]+$'\n"
	      "\tend\nend\n\n"
	      "function __paks_values\n\tset -l home $PAKS_HOME\n"
	      "\ttest -n \"$home\"; or set home ~/.paks\n"
	      "\tswitch $argv[1]\n"
	      "\t\tcase env\n\t\t\t__paks_ls $home/envs\n"
	      "\t\tcase plugin\n\t\t\t__paks_ls $home/plugins\n"
	      "\t\tcase image\n\t\t\t__paks_engine images --format "
	      "'{{.Repository}}:{{.Tag}}'\n"
	      "\t\tcase container\n\t\t\t__paks_engine ps -a --format "
	      "'{{.Names}}'\n\t\tcase engine\n\t\t\tprintf '%s\\n'",
	      f);
	for (const struct engine *const *e = engines; *e; e++)
		fprintf(f, " %s", (*e)->name);
	fputs("\n\t\tcase key\n\t\t\tprintf '%s\\n'", f);
	for (int i = 0; i < settings_count; i++)
		fprintf(f, " %s", settings_table[i].name);
	fputs("\n\t\tcase keyval\n\t\t\tprintf '%s=\\n'", f);
	for (int i = 0; i < settings_count; i++)
		fprintf(f, " %s", settings_table[i].name);
	fputs("\n\t\tcase command\n\t\t\tprintf '%s\\n'", f);
	for (const struct cmd_entry *const *e = host_commands; *e; e++)
		fprintf(f, " %s", (*e)->name);
	fputs("\n\t\tcase section\n\t\t\tprintf '%s\\n'", f);
	comp_sections(f);
	fputs("\n\tend\nend\n\n", f);
	comp_walk(f, comp_fish_ctx);
}

int
gendoc_completions(const char *dir, struct paks_error **err)
{
	static const char head[] =
	    "# %s completion for paks %s; generated by "
	    "paks-gendoc from the\n# command, option and settings tables of "
	    "paks: do not edit.\n\n";
	FILE *f;

	if ((f = gendoc_open(dir, "paks", err)) == NULL)
		return -1;
	fprintf(f, head, "bash", PAKS_VERSION);
	comp_sh_common(f);
	fputs("\n", f);
	fputs(comp_bash_main, f);
	if (gendoc_close(f, "paks", err) < 0)
		return -1;
	if ((f = gendoc_open(dir, "_paks", err)) == NULL)
		return -1;
	fputs("#compdef paks\n", f);
	fprintf(f, head, "zsh", PAKS_VERSION);
	comp_sh_common(f);
	fputs("\n", f);
	fputs(comp_zsh_main, f);
	if (gendoc_close(f, "_paks", err) < 0)
		return -1;
	if ((f = gendoc_open(dir, "paks.fish", err)) == NULL)
		return -1;
	comp_fish(f);
	return gendoc_close(f, "paks.fish", err);
}
