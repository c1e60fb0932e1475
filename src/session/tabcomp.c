/*
 * Tab completion of #commands in bash and zsh: "#sa<Tab>" gives "#save",
 * "#envload <Tab>" the names of the environments, "#load <Tab>" the
 * plugins, "#inspect <Tab>" its sections.
 *
 * The shell completes from lists paks put in its memory: with the hooks at
 * start-up, and again with the reply to every #command (so #envsave and
 * #load are seen at once, and a "paks env add" on the host at the next
 * #command). The shell never asks paks for them: Tab makes paks neither
 * read nor do anything, so nothing printed in the container can. What the
 * lists hold is what any process in the container may read there: command,
 * plugin and section names, and the names of the environments, never a
 * value or a key in one. A name with a byte outside [A-Za-z0-9_.+-] is
 * left out, so a list is plain words in any shell code.
 *
 * What each word of a #command is comes from its usage ("NAME K=V..."),
 * as the host completions do (tools/gendoc-comp.c): __paks_kinds holds
 * "envsave=env,none..." for each command, a last kind ending in "..."
 * repeating.
 */
#include <string.h>

#include "cmd.h"
#include "engine/engine-inspect.h"
#include "store/envstore.h"
#include "tabcomp.h"
#include "util/cleanup.h"

/* The shell code both shells run: the kind of word N of a #command. */
#define TABCOMP_COMMON \
	"__paks_kind() {\n" \
	"  local ks=\" $__paks_kinds \" n=$2 k\n" \
	"  __paks_k=none\n" \
	"  case $ks in *\" $1=\"*) ;; *) return 0 ;; esac\n" \
	"  ks=${ks#*\" $1=\"}; ks=${ks%% *}\n" \
	"  while [ -n \"$ks\" ]; do\n" \
	"    k=${ks%%,*}\n" \
	"    case $ks in *,*) ks=${ks#*,} ;; *) ks= ;; esac\n" \
	"    if [ \"$n\" -le 1 ] || [ \"${k%...}\" != \"$k\" ]; then " \
	"__paks_k=${k%...}; return 0; fi\n" \
	"    n=$((n - 1))\n" \
	"  done\n" \
	"}\n" \
	"__paks_words() {\n" \
	"  case $1 in env) __paks_w=$__paks_envs ;; " \
	"plugin) __paks_w=$__paks_plugins ;;\n" \
	"  section) __paks_w=$__paks_sections ;; cmd) __paks_w=$__paks_cmds ;; " \
	"*) __paks_w= ;; esac\n" \
	"}\n"

/*
 * bash: "complete -I" completes the first word, #command or not (a line
 * that starts with '#' reaches it whether interactive_comments is on or
 * off); one "complete" per #command its words. An earlier "complete -I"
 * (bash-completion's) still gets the other first words; without one,
 * bash's own (-o bashdefault -o default) does. A word that names a file
 * (#cp) falls back to bash's file names.
 */
const char tabcomp_bash[] =
	TABCOMP_COMMON
	"__paks_ci() {\n"
	"  local IFS=$' \\t\\n' w\n"
	"  if [[ $2 == '#'* ]]; then\n"
	"    compopt +o default +o bashdefault 2>/dev/null\n"
	"    COMPREPLY=()\n"
	"    for w in $__paks_cmds; do [[ \"#$w\" == \"$2\"* ]] && "
	"COMPREPLY+=(\"#$w\"); done\n"
	"  elif [[ -n $__paks_ci0 ]]; then \"$__paks_ci0\" \"$@\"; fi\n"
	"}\n"
	"__paks_ca() {\n"
	"  local IFS=$' \\t\\n' __paks_k __paks_w\n"
	"  COMPREPLY=()\n"
	"  __paks_kind \"${1#\\#}\" \"$COMP_CWORD\"\n"
	"  [[ $__paks_k == file ]] && return 0\n"
	"  compopt +o default 2>/dev/null\n"
	"  __paks_words \"$__paks_k\"\n"
	"  [[ -n $__paks_w ]] && COMPREPLY=($(compgen -W \"$__paks_w\" -- "
	"\"$2\"))\n"
	"  return 0\n"
	"}\n"
	"__paks_tabs() {\n"
	"  local IFS=$' \\t\\n' w\n"
	"  for w in $__paks_cmds; do complete -o default -F __paks_ca \"#$w\"; "
	"done\n"
	"}\n"
	"__paks_ci0=$(complete -p -I 2>/dev/null)\n"
	"if [[ $__paks_ci0 == *' -F '* ]]; then __paks_ci0=${__paks_ci0#* -F }; "
	"__paks_ci0=${__paks_ci0%% *}; else __paks_ci0=; fi\n"
	"complete -I -o bashdefault -o default -F __paks_ci 2>/dev/null\n"
	"__paks_tabs\n";

/*
 * zsh: Tab runs a widget that completes a #command line itself and hands
 * any other line to what Tab did before. Not zsh's completion system: a
 * completion widget of paks's own (zle -C) would load zsh/complete, and
 * without compinit that leaves Tab completing nothing elsewhere. One
 * match is inserted, several give their common start and are listed
 * under the line (zle -M). A word that names a file goes to the earlier
 * Tab, with interactive_comments off so that it sees the line's words.
 */
const char tabcomp_zsh[] =
	TABCOMP_COMMON
	"__paks_tabcomp() {\n"
	"  emulate -L zsh\n"
	"  local -a w m r\n"
	"  local cur p x __paks_k __paks_w\n"
	"  w=(${=LBUFFER}); [[ $LBUFFER == *[[:space:]] ]] && w+=('')\n"
	"  cur=${w[-1]}\n"
	"  if (( $#w == 1 )); then\n"
	"    m=(${=__paks_cmds}); m=(\"#\"${^m})\n"
	"  else\n"
	"    __paks_kind \"${w[1]#\\#}\" $(( $#w - 1 ))\n"
	"    [[ $__paks_k == file ]] && return 1\n"
	"    __paks_words $__paks_k; m=(${=__paks_w})\n"
	"  fi\n"
	"  for x in $m; do [[ $x == $cur* ]] && r+=($x); done\n"
	"  (( $#r )) || return 0\n"
	"  if (( $#r == 1 )); then p=\"$r[1] \"; zle -M ''\n"
	"  else p=$r[1]; for x in $r; do while [[ $x != $p* ]]; do "
	"p=${p%?}; done; done; zle -M \"${(j:  :)r}\"; fi\n"
	"  LBUFFER=${LBUFFER[1,$(( $#LBUFFER - $#cur ))]}$p\n"
	"}\n"
	"__paks_tab() {\n"
	"  if [[ $BUFFER == '#'* && $BUFFER != *$'\\n'* ]]; then\n"
	"    __paks_tabcomp && return\n"
	"    setopt localoptions nointeractivecomments\n"
	"  fi\n"
	"  zle $__paks_tab0\n"
	"}\n"
	"__paks_tabs() { : }\n"
	"__paks_tab0=$(bindkey '^I'); __paks_tab0=${__paks_tab0##* }\n"
	"[[ -z $__paks_tab0 || $__paks_tab0 == undefined-key || "
	"$__paks_tab0 == __paks_tab ]] && __paks_tab0=expand-or-complete\n"
	"zle -N __paks_tab\n"
	"for __paks_k in emacs viins; do bindkey -M $__paks_k '^I' __paks_tab; "
	"done; unset __paks_k\n";

static bool
tabcomp_word_ok(const char *w)
{
	return *w != '\0' && *w != '-' && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_.+-") == strlen(w);
}

/* "__paks_VAR='a b c'", in lines a terminal takes (200 bytes or so); a
 * word not plain is left out (check) or known to be. */
static void
tabcomp_list(struct strbuf *sb, const char *var, const char *const *words,
    bool check)
{
	size_t line = 0;

	strbuf_addf(sb, "__paks_%s=''\n", var);
	for (; words != NULL && *words != NULL; words++) {
		if (check && !tabcomp_word_ok(*words))
			continue;
		if (line == 0)
			line = sb->len, strbuf_addf(sb, "__paks_%s+='", var);
		strbuf_addf(sb, " %s", *words);
		if (sb->len - line > 200)
			strbuf_adds(sb, "'\n"), line = 0;
	}
	if (line != 0)
		strbuf_adds(sb, "'\n");
}

/* What a word of a usage is: "NAME" of #envload an env. */
static const char *
tabcomp_word_kind(const char *cmd, const char *w, size_t len)
{
	static const char *const kinds[][2] = {
		{ "COMMAND", "cmd" }, { "SECTION", "section" },
		{ "SRC", "file" }, { "DST", "file" }, { "PATH", "file" },
		{ "FILE", "file" }, { "DIR", "file" },
	};

	if (len == 4 && memcmp(w, "NAME", 4) == 0)
		return strncmp(cmd, "env", 3) == 0 ? "env" :
		    strcmp(cmd, "load") == 0 ? "plugin" : "none";
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strlen(kinds[i][0]) == len &&
		    memcmp(w, kinds[i][0], len) == 0)
			return kinds[i][1];
	return "none";
}

/* "envsave=env,none...": the kinds of a command's words, options left
 * out; NULL for a name that is not plain. */
static char *
tabcomp_kinds(const struct cmd_entry *e)
{
	struct strbuf sbv = STRBUF_INIT, *sb = &sbv;
	const char *u = e->usage ? e->usage : "";
	bool first = true;

	if (!tabcomp_word_ok(e->name))
		return NULL;
	strbuf_addf(sb, "%s=", e->name);
	while (*u != '\0') {
		size_t len = strcspn(u, " ");
		const char *w = u + strspn(u, "[");
		size_t caps = strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_");

		if (*w != '-') {
			strbuf_addf(sb, "%s%s", first ? "" : ",",
			    tabcomp_word_kind(e->name, w, caps));
			if (memmem(u, len, "...", 3) != NULL)
				strbuf_adds(sb, "...");
			first = false;
		}
		u += len;
		u += strspn(u, " ");
	}
	return strbuf_detach(sb);
}

/*
 * The lists, as shell code for bash and zsh (the same in both); with
 * call, then __paks_tabs, which tells bash of new #commands.
 */
void
tabcomp_data(struct strbuf *sb, const struct tabcomp_src *src, bool call)
{
	_cleanup_strv_ struct strv names = STRV_INIT, envs = STRV_INIT;
	_cleanup_strv_ struct strv kinds = STRV_INIT;
	const struct cmd_entry *const *lists[] = { src->cmds, src->extra };
	struct paks_error *err = NULL;

	for (size_t i = 0; i < 2; i++)
		for (const struct cmd_entry *const *e = lists[i];
		     e != NULL && *e != NULL; e++) {
			_cleanup_free_ char *k = tabcomp_kinds(*e);

			strv_push(&names, (*e)->name);
			if (k != NULL)
				strv_push(&kinds, k);
		}
	tabcomp_list(sb, "cmds", (const char *const *)names.v, true);
	tabcomp_list(sb, "kinds", (const char *const *)kinds.v, false);
	if (envstore_list(&envs, &err) < 0)
		paks_error_free(err);
	tabcomp_list(sb, "envs", (const char *const *)envs.v, true);
	tabcomp_list(sb, "plugins", (const char *const *)src->plugins, true);
	tabcomp_list(sb, "sections", engine_inspect_sections(src->engine),
	    true);
	if (call)
		strbuf_adds(sb, "__paks_tabs\n");
}
