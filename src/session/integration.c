/*
 * The shell side of paks: the entrypoint shim, the bash and sh hooks, and
 * the shell code paks sends back to them.
 *
 * Start-up: the boot line is the container's first process. It turns echo
 * off, says hello, and reads the start-up script that paks types into the
 * terminal: it picks the shell, acks with its kind, and starts it with the
 * hooks on fd 9 (a here-document: a pipe, never a file) holding the nonce
 * as an unexported variable. No other process exists in the container
 * until then, so the hello and ack cannot be forged, and the nonce is
 * never in argv, the environment, the engine's metadata or an image.
 *
 * bash: Enter runs __paks_hook through a readline macro. It reports every
 * accepted line ("L"), and a #command line ("C") with its text and $PWD,
 * then reads paks's reply from the terminal with echo off: lines of shell
 * code (exports) marked with "\035paks:", ended by ".". Keys typed ahead
 * that the read swallowed go back to paks in "D", and paks types them
 * again, so nothing typed is lost; "D" with "+" says that another
 * #command of the same pasted block follows, so the one Enter still
 * counts for it. A consumed #command is neither executed nor recorded by
 * the shell; the hook adds it to history (not #envsave).
 *
 * zsh: the same messages, from a widget in place of accept-line.
 * The nonce never travels from paks to the shell after start-up: a process
 * that reads the terminal could otherwise learn it.
 *
 * bash and zsh: an EXIT trap (zshexit) reports the shell's own end ("X"), so that paks
 * can tell an exit status the shell chose from an engine or a kill that
 * ended the session. bash runs an EXIT trap its bashrc set after it; a
 * trap set later, at the prompt, replaces it, and paks then judges by
 * the status alone.
 *
 * sh (busybox ash, dash): no hooks, so paks follows the keystrokes; the
 * prompt carries a marker so paks knows when the shell is at a prompt, and
 * __paks_x reads injected exports the same way.
 */
#include <stdio.h>
#include <string.h>

#include "integration.h"
#include "tabcomp.h"
#include "util/cleanup.h"
#include "util/xalloc.h"
#include "util/text.h"

/*
 * The container's entrypoint is only this: turn echo off, say hello, read
 * the start-up script that paks types (lines up to "."), run it. So the
 * engine's metadata and a saved image's history hold nothing but these
 * lines, never the nonce or the hooks.
 *
 * The script's first line is its length in lines, and head reads them
 * when the image has one: the shell's read builtin takes a byte per
 * system call, and the 13 KB script took 70 ms of the start that way
 * (busybox; 30 ms in bash), more than all the rest of paks's part. The
 * terminal is in canonical mode, so each read(2) of head's gets one line
 * and it takes none past its count (sed would: it reads a line ahead).
 * head is the image's, as the shell and stty are: the nonce is no safer
 * from one than from the others (docs/security.md).
 */
const char integration_boot[] =
	"stty -echo 2>/dev/null; printf '\\033]6973;H\\007'; IFS= read -r n; "
	"s=; if [ \"$n\" -gt 0 ] 2>/dev/null && command -v head >/dev/null 2>&1; "
	"then s=$(head -n \"$n\"); IFS= read -r l; else\n"
	"while IFS= read -r l && [ \"$l\" != . ]; do s=\"$s$l\n\"; done; fi; "
	"stty echo 2>/dev/null; eval \"$s\"\n";

/*
 * The start-up script, after the lines paks puts first (__paks_w: the
 * wanted shell, __paks_t: the user's TERM). "@NONCE@" and "@DATA@" (the
 * lists of tabcomp.c) are filled in by integration_script().
 */
static const char integration_start[] =
	"[ -n \"$__paks_t\" ] && export TERM=\"$__paks_t\"\n"
	"s=$__paks_w\n"
	"case $s in /*) ;; *) s=$(command -v \"$s\" 2>/dev/null) ;; esac\n"
	"f=\n"
	/* __paks_s: --shell named it, so no fallback: 127 absent, 126 not
	 * executable, as docker says of a command (acked as the status) */
	"if [ -z \"$s\" ] || [ ! -x \"$s\" ]; then\n"
	"if [ -n \"$__paks_s\" ]; then k=127; "
	"[ -n \"$s\" ] && [ -e \"$s\" ] && k=126; "
	"printf '\\033]6973;A;%s\\007' \"$k\"; exit $k; fi\n"
	"f=1; s=/bin/sh; fi\n"
	"case ${s##*/} in bash) k=bash ;; zsh) k=zsh ;; "
	"sh|ash|dash|ksh|mksh) k=sh ;; *) k=plain ;; esac\n"
	/* zsh reads no rc file named on its command line: a directory of
	 * its own as ZDOTDIR, whose .zshrc sources fd 9 (no secret in it);
	 * in /dev/shm when /tmp is read-only (docker run --read-only) */
	"if [ $k = zsh ]; then d=$(mktemp -d 2>/dev/null || "
	"TMPDIR=/dev/shm mktemp -d 2>/dev/null) && "
	"echo '. /dev/fd/9' > \"$d/.zshrc\" && "
	"echo '[[ -r \"${__paks_zd:-$HOME}/.zshenv\" ]] && "
	". \"${__paks_zd:-$HOME}/.zshenv\"' "
	"> \"$d/.zshenv\" || { [ -n \"$d\" ] && rm -rf \"$d\"; k=zsh-notmp; }; "
	"fi\n"
	"printf '\\033]6973;A;%s\\007' \"$k\"\n"
	"[ -n \"$f\" ] && printf 'paks: %s not found in the image, using "
	"/bin/sh\\r\\n' \"$__paks_w\" >&2\n"
	"unset __paks_w __paks_t __paks_s f l\n"
	"case $k in\n"
	"bash) exec \"$s\" --rcfile /dev/fd/9 -i 9<<'PAKS_EOF'\n"
	"@BASHRC@"
	"__paks_n=@NONCE@\n"
	"@DATA@"
	"@BASH@"
	"@TABBASH@"
	"PAKS_EOF\n"
	";;\n"
	"zsh) __paks_zd=${ZDOTDIR-}; ZDOTDIR=$d; export __paks_zd ZDOTDIR; "
	"exec \"$s\" -i 9<<'PAKS_EOF'\n"
	"@ZSHRC@"
	"__paks_n=@NONCE@\n"
	"@DATA@"
	"@ZSH@"
	"@TABZSH@"
	"PAKS_EOF\n"
	";;\n"
	/* sh: a PS1 from the environment leaves it here (see integration_sh) */
	"sh) __paks_o=${PS1-}; unset PS1; export __paks_o ENV=/dev/fd/9; "
	"exec \"$s\" -i 9<<'PAKS_EOF'\n"
	"__paks_n=@NONCE@\n"
	"@SH@"
	"PAKS_EOF\n"
	";;\n"
	"esac\n"
	"exec \"$s\"\n";

/*
 * The image's start-up files run first, before the nonce exists in the
 * shell: what they do at start-up cannot copy it. (Code they leave behind,
 * a PROMPT_COMMAND say, runs in the same shell later and can; so the nonce
 * only keeps a file being cat'ed from forging messages, and the trust
 * gate, not the nonce, decides what runs: see gate.c.)
 */
static const char integration_bashrc[] =
	"exec 9<&-\n"
	"[ -r /etc/bash.bashrc ] && . /etc/bash.bashrc\n"
	"[ -r ~/.bashrc ] && . ~/.bashrc\n";

const char integration_bash[] =
	"__paks_prompt() { printf '\\033]6973;P;%s\\007' \"$__paks_n\"; }\n"
	/* the record (session/record.c): the line and $PWD as the shell
	 * takes it, then $? and $PWD before the next prompt; lengths in
	 * bytes, a line cut at 16 KiB */
	"__paks_line() {\n"
	"  local LC_ALL=C; local __paks_x=${1:0:16384}\n"
	"  printf '\\033]6973;L;%s;%s;%s;%s%s\\007' \"$__paks_n\" \"${#__paks_x}\" \"${#PWD}\" \"$__paks_x\" \"$PWD\"\n"
	"}\n"
	"__paks_status() {\n"
	"  local __paks_x=$?; local LC_ALL=C\n"
	"  printf '\\033]6973;S;%s;%s;%s;%s%s\\007' \"$__paks_n\" \"${#__paks_x}\" \"${#PWD}\" \"$__paks_x\" \"$PWD\"\n"
	"}\n"
	"__paks_run() {\n"
	"  local LC_ALL=C __paks_l=$1 __paks_p=$PWD __paks_r __paks_s= __paks_m=$'\\035paks:'\n"
	"  printf '\\033]6973;C;%s;%s;%s;%s%s\\007' \"$__paks_n\" \"${#__paks_l}\" \"${#__paks_p}\" \"$__paks_l\" \"$__paks_p\"\n"
	"  while IFS= read -rs -d '' __paks_r; do\n"
	"    if [[ $__paks_r != *\"$__paks_m\"* ]]; then __paks_s+=${__paks_r//$'\\n'/$'\\036'}; continue; fi\n"
	"    __paks_s+=${__paks_r%%\"$__paks_m\"*}; __paks_s=${__paks_s//$'\\n'/$'\\036'}; __paks_r=${__paks_r#*\"$__paks_m\"}\n"
	"    [[ $__paks_r == . ]] && break\n"
	"    eval \"$__paks_r\"\n"
	"  done\n"
	"  __paks_sw=$__paks_s\n"
	"  [[ $__paks_l == '#envsave'* ]] || history -s -- \"$__paks_l\"\n"
	"}\n"
	"__paks_done() {\n"
	"  local LC_ALL=C\n"
	"  printf '\\033]6973;D;%s;%s;%s;%s%s\\007' \"$__paks_n\" \"${#__paks_sw}\" \"${#1}\" \"$__paks_sw\" \"$1\"\n"
	"}\n"
	"__paks_bind() {\n"
	"  local __paks_k\n"
	"  for __paks_k in emacs vi-insert vi-command; do\n"
	"    bind -m $__paks_k \"\\\"\\\\C-x\\\\C-p2\\\": $1\"\n"
	"  done\n"
	"}\n"
	"__paks_hook() {\n"
	"  local __paks_a=$READLINE_LINE __paks_rest __paks_line __paks_keep= __paks_pr __paks_w __paks_i=0 __paks_multi= __paks_sw\n"
	"  if [[ $__paks_a != *'#'[A-Za-z]* ]]; then\n"
	"    __paks_line \"$__paks_a\"\n"
	"    [[ -z $__paks_c ]] || { __paks_c=; __paks_bind accept-line; }\n"
	"    return\n"
	"  fi\n"
	"  [[ $__paks_a == *$'\\n'* ]] && __paks_multi=1\n"
	"  __paks_rest=$__paks_a\n"
	"  while :; do\n"
	"    __paks_line=${__paks_rest%%$'\\n'*}\n"
	"    __paks_w=${__paks_line%%[[:space:]]*}; __paks_w=${__paks_w#\\#}\n"
	"    if [[ $__paks_line == '#'[A-Za-z]* ]] &&\n"
	"       { [[ -z $__paks_multi ]] || [[ \" $__paks_cmds \" == *\" $__paks_w \"* ]]; }; then\n"
	"      if ((__paks_i++ == 0)); then\n"
	"        __paks_pr=${PS1@P}; __paks_pr=${__paks_pr##*$'\\n'}\n"
	"        printf '%s%s\\r\\n' \"$__paks_pr\" \"$__paks_a\"\n"
	"      else\n"
	"        __paks_done +\n"
	"      fi\n"
	"      __paks_run \"$__paks_line\"\n"
	"    else\n"
	"      __paks_keep+=${__paks_keep:+$'\\n'}$__paks_line\n"
	"    fi\n"
	"    [[ $__paks_rest == *$'\\n'* ]] || break\n"
	"    __paks_rest=${__paks_rest#*$'\\n'}\n"
	"  done\n"
	"  ((__paks_i == 0)) || __paks_done\n"
	"  if ((__paks_i == 0)); then\n"
	"    __paks_line \"$__paks_a\"\n"
	"    [[ -z $__paks_c ]] || { __paks_c=; __paks_bind accept-line; }\n"
	"  elif [[ -n $__paks_keep ]]; then\n"
	"    READLINE_LINE=$__paks_keep; READLINE_POINT=${#__paks_keep}\n"
	"    __paks_line \"$__paks_keep\"\n"
	"    [[ -z $__paks_c ]] || { __paks_c=; __paks_bind accept-line; }\n"
	"  else\n"
	"    READLINE_LINE=; READLINE_POINT=0\n"
	"    __paks_c=1; __paks_bind redraw-current-line\n"
	"    __paks_prompt\n"
	"  fi\n"
	"}\n"
	"for __paks_k in emacs vi-insert vi-command; do\n"
	"  bind -m $__paks_k '\"\\035paks:.\": redraw-current-line'\n"
	"  bind -m $__paks_k -x '\"\\C-x\\C-p1\": __paks_hook'\n"
	"  bind -m $__paks_k '\"\\C-m\": \"\\C-x\\C-p1\\C-x\\C-p2\"'\n"
	"  bind -m $__paks_k '\"\\C-j\": \"\\C-x\\C-p1\\C-x\\C-p2\"'\n"
	"done\n"
	"unset __paks_k; __paks_c=1; __paks_bind accept-line; __paks_c=\n"
	"PROMPT_COMMAND=__paks_status$'\\n'\"${PROMPT_COMMAND:+$PROMPT_COMMAND$'\\n'}__paks_prompt\"\n"
	/* the shell ending by itself says so, before any EXIT trap that
	 * bashrc set (kept: it runs after, and may exit with its own status) */
	"__paks_bye() { printf '\\033]6973;X;%s\\007' \"$__paks_n\"; }\n"
	"__paks_trap() { local n=$'\\n'; eval \"set -- $(trap -p EXIT)\"; "
	"trap -- \"__paks_bye${3:+$n$3}\" EXIT; }\n"
	"__paks_trap; unset -f __paks_trap\n";

/*
 * zsh: the same messages as bash's hook, from a widget that takes the
 * place of accept-line (Enter and Ctrl-J in every keymap). A widget's
 * stdin is /dev/null, so the reply is read from /dev/tty, and in zle's raw
 * mode, which swaps CR and NL on input, its lines end in CR (a key typed
 * ahead, Enter, comes as NL). The terminal stays raw (no echo: the reply
 * is never shown) while the commands run
 * below the line; then zle -I has zle draw its prompt afresh under their
 * output (it steps one line down first: hence the cursor up), and zle -R
 * makes the terminal raw again before the last "D" lets paks type the
 * keys it held, which a cooked terminal would echo.
 * Each function sets the options it needs (emulate -L): a zshrc may set
 * ksh_arrays, sh_word_split or no_unset. nomultibyte: lengths in bytes.
 */
static const char integration_zshrc[] =
	"exec 9<&-\n"
	"rm -f -- \"$ZDOTDIR/.zshrc\" \"$ZDOTDIR/.zshenv\"; rmdir -- \"$ZDOTDIR\"\n"
	"if [[ -n $__paks_zd ]]; then ZDOTDIR=$__paks_zd; else unset ZDOTDIR; fi\n"
	"unset __paks_zd\n"
	"[[ -r \"${ZDOTDIR:-$HOME}/.zshrc\" ]] && . \"${ZDOTDIR:-$HOME}/.zshrc\"\n";

const char integration_zsh[] =
	"__paks_prompt() { printf '\\033]6973;P;%s\\007' \"$__paks_n\"; }\n"
	"__paks_line() {\n"
	"  emulate -L zsh; setopt nomultibyte\n"
	"  local __paks_x=${1[1,16384]}\n"
	"  printf '\\033]6973;L;%s;%s;%s;%s%s\\007' \"$__paks_n\" \"${#__paks_x}\" \"${#PWD}\" \"$__paks_x\" \"$PWD\"\n"
	"}\n"
	"__paks_status() {\n"
	"  local __paks_x=$?; emulate -L zsh; setopt nomultibyte\n"
	"  printf '\\033]6973;S;%s;%s;%s;%s%s\\007' \"$__paks_n\" \"${#__paks_x}\" \"${#PWD}\" \"$__paks_x\" \"$PWD\"\n"
	"}\n"
	"__paks_run() {\n"
	"  emulate -L zsh; setopt nomultibyte\n"
	"  local __paks_l=$1 __paks_p=$PWD __paks_r __paks_s= __paks_m=$'\\035paks:'\n"
	"  printf '\\033]6973;C;%s;%s;%s;%s%s\\007' \"$__paks_n\" \"${#__paks_l}\" \"${#__paks_p}\" \"$__paks_l\" \"$__paks_p\"\n"
	"  while IFS= read -rs -d '' __paks_r; do\n"
	"    if [[ $__paks_r != *\"$__paks_m\"* ]]; then __paks_s+=${${__paks_r//$'\\r'/$'\\n'}//$'\\n'/$'\\036'}; continue; fi\n"
	"    __paks_s+=${${${__paks_r%%\"$__paks_m\"*}//$'\\r'/$'\\n'}//$'\\n'/$'\\036'}; __paks_r=${__paks_r#*\"$__paks_m\"}\n"
	"    [[ $__paks_r == . ]] && break\n"
	"    eval \"$__paks_r\"\n"
	"  done </dev/tty\n"
	"  __paks_sw=$__paks_s\n"
	"  [[ $__paks_l == '#envsave'* ]] || print -rs -- \"$__paks_l\"\n"
	"}\n"
	"__paks_done() {\n"
	"  emulate -L zsh; setopt nomultibyte\n"
	"  printf '\\033]6973;D;%s;%s;%s;%s%s\\007' \"$__paks_n\" \"${#__paks_sw}\" \"${#1}\" \"$__paks_sw\" \"$1\"\n"
	"}\n"
	"__paks_accept() {\n"
	"  emulate -L zsh\n"
	"  local __paks_a=$BUFFER __paks_sw= __paks_rest __paks_line __paks_keep= __paks_w __paks_i=0 __paks_multi=\n"
	"  if [[ $__paks_a == *'#'[A-Za-z]* ]]; then\n"
	"    [[ $__paks_a == *$'\\n'* ]] && __paks_multi=1\n"
	"    __paks_rest=$__paks_a\n"
	"    while :; do\n"
	"      __paks_line=${__paks_rest%%$'\\n'*}\n"
	"      __paks_w=${__paks_line%%[[:space:]]*}; __paks_w=${__paks_w#\\#}\n"
	"      if [[ $__paks_line == '#'[A-Za-z]* ]] &&\n"
	"         { [[ -z $__paks_multi ]] || [[ \" $__paks_cmds \" == *\" $__paks_w \"* ]]; }; then\n"
	"        if ((__paks_i++ == 0)); then CURSOR=$#BUFFER; zle -R; print -n '\\r\\n'\n"
	"        else __paks_done +; fi\n"
	"        __paks_run \"$__paks_line\"\n"
	"      else\n"
	"        __paks_keep+=${__paks_keep:+$'\\n'}$__paks_line\n"
	"      fi\n"
	"      [[ $__paks_rest == *$'\\n'* ]] || break\n"
	"      __paks_rest=${__paks_rest#*$'\\n'}\n"
	"    done\n"
	"    if ((__paks_i > 0)); then\n"
	"      print -n '\\e[A\\r'; zle -I; BUFFER=$__paks_keep; zle -R\n"
	"      __paks_done\n"
	"      [[ -z $__paks_keep ]] && { __paks_prompt; return; }\n"
	"    fi\n"
	"    BUFFER=$__paks_keep\n"
	"  fi\n"
	"  __paks_line \"$BUFFER\"\n"
	"  zle $__paks_acc\n"
	"}\n"
	/* a zshrc's own accept-line widget still runs, after the report */
	"if [[ ${widgets[accept-line]-} == user:* ]]; then\n"
	"  zle -N __paks_user_accept \"${widgets[accept-line]#user:}\"; __paks_acc=__paks_user_accept\n"
	"else __paks_acc=.accept-line; fi\n"
	"zle -N accept-line __paks_accept\n"
	"__paks_nop() { zle reset-prompt }; zle -N __paks_nop\n"
	"for __paks_k in emacs viins vicmd; do bindkey -M $__paks_k $'\\035paks:.' __paks_nop; done; unset __paks_k\n"
	/* first, to see the line's $?; no_unset and ksh_arrays safe */
	"typeset -ga precmd_functions\n"
	"precmd_functions=(__paks_status \"${precmd_functions[@]}\" __paks_prompt)\n"
	"__paks_bye() { printf '\\033]6973;X;%s\\007' \"$__paks_n\"; }\n"
	"zshexit_functions+=(__paks_bye)\n";

/*
 * The prompt carries the nonce, so it must not be exported. A PS1 from the
 * environment (-e PS1=..., an image's ENV PS1) stays exported through
 * unset and assignment in dash and busybox ash, so the start-up script
 * unsets it before the shell starts and hands its text over in __paks_o;
 * this shell's PS1 is then its own, unexported.
 */
const char integration_sh[] =
	"exec 9<&-\n"
	"unset ENV\n"
	"__paks_o=${__paks_o:-${PS1-}}\n"
	"__paks_p=$(printf '\\033]6973;P;%s\\007' \"$__paks_n\")\n"
	"__paks_e=$(printf '\\033]6973;E;%s\\007' \"$__paks_n\")\n"
	"case $__paks_o in\n"
	"*'\\'*) PS1=\"\\\\[$__paks_p\\\\]$__paks_o\\\\[$__paks_e\\\\]\" ;;\n"
	"*) PS1=\"$__paks_p${__paks_o:-\\$ }$__paks_e\" ;;\n"
	"esac\n"
	"unset __paks_p __paks_e __paks_o\n"
	"__paks_bye() { printf '\\033]6973;X;%s\\007' \"$__paks_n\"; }\n"
	"trap __paks_bye EXIT\n"
	"__paks_x() {\n"
	"  printf '\\033]6973;R;%s\\007' \"$__paks_n\"\n"
	"  while IFS= read -r __paks_l && [ \"$__paks_l\" != . ]; do "
	"eval \"$__paks_l\"; done\n"
	"  unset __paks_l\n"
	"}\n";

/*
 * The start-up script: the wanted shell and TERM (quoted), then
 * integration_start with the nonce, the lists Tab uses and the hooks
 * filled in. Terminal lines are short and plain ASCII.
 */
static void
integration_lines(struct strbuf *sb, const struct integration_opts *o,
    const char *nonce, const char *data)
{
	const char *p = integration_start;

	strbuf_adds(sb, "__paks_w=");
	text_shell_quote(sb, o->shell);
	strbuf_adds(sb, "\n__paks_t=");
	text_shell_quote(sb, o->term ? o->term : "");
	strbuf_adds(sb, o->strict ? "\n__paks_s=1\n" : "\n");
	/* --envload: exported here, so the shell starts with them */
	for (char *const *e = o->exports; e && *e; e++) {
		_cleanup_free_ char *key = xstrndup(*e, strcspn(*e, "="));

		integration_export(sb, SHELL_SH, key, *e + strlen(key) +
		    ((*e)[strlen(key)] == '='));
	}
	/* not --workdir: podman refuses one the image lacks */
	if (o->cwd != NULL) {
		strbuf_adds(sb, "cd -- ");
		text_shell_quote(sb, o->cwd);
		strbuf_adds(sb, " 2>/dev/null\n");
	}
	while (*p) {
		const char *at = strchr(p, '@');
		if (at == NULL) {
			strbuf_adds(sb, p);
			break;
		}
		strbuf_add(sb, p, (size_t)(at - p));
		if (strncmp(at, "@NONCE@", 7) == 0)
			strbuf_adds(sb, nonce), p = at + 7;
		else if (strncmp(at, "@DATA@", 6) == 0)
			strbuf_adds(sb, data), p = at + 6;
		else if (strncmp(at, "@TABBASH@", 9) == 0)
			strbuf_adds(sb, tabcomp_bash), p = at + 9;
		else if (strncmp(at, "@TABZSH@", 8) == 0)
			strbuf_adds(sb, tabcomp_zsh), p = at + 8;
		else if (strncmp(at, "@BASHRC@", 8) == 0)
			strbuf_adds(sb, integration_bashrc), p = at + 8;
		else if (strncmp(at, "@ZSHRC@", 7) == 0)
			strbuf_adds(sb, integration_zshrc), p = at + 7;
		else if (strncmp(at, "@BASH@", 6) == 0)
			strbuf_adds(sb, integration_bash), p = at + 6;
		else if (strncmp(at, "@ZSH@", 5) == 0)
			strbuf_adds(sb, integration_zsh), p = at + 5;
		else if (strncmp(at, "@SH@", 4) == 0)
			strbuf_adds(sb, integration_sh), p = at + 4;
		else
			strbuf_addch(sb, '@'), p = at + 1;
	}
}

/*
 * What paks types at start-up: the script's count of lines, the script
 * (integration_lines), ".".
 */
void
integration_script(struct strbuf *sb, const struct integration_opts *o,
    const char *nonce, const char *data)
{
	struct strbuf body = STRBUF_INIT;
	size_t n = 0;

	integration_lines(&body, o, nonce, data);
	for (size_t i = 0; i < body.len; i++)
		n += body.buf[i] == '\n';
	strbuf_addf(sb, "%zu\n", n);
	strbuf_add(sb, body.buf, body.len);
	strbuf_adds(sb, ".\n");
	explicit_bzero(body.buf, body.len);
	strbuf_release(&body);
}

enum shell_kind
integration_kind(const char *s)
{
	if (strcmp(s, "bash") == 0)
		return SHELL_BASH;
	if (strcmp(s, "zsh") == 0)
		return SHELL_ZSH;
	if (strcmp(s, "sh") == 0)
		return SHELL_SH;
	return SHELL_PLAIN;
}

static int
safe_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("_./,:@%+=-", c) != NULL;
}

/*
 * Shell code that exports key=value exactly, one line per chunk and
 * nothing but printable ASCII (a terminal line has limits and special
 * keys). bash: export K=$'\xNN...'. POSIX sh has no $'', so the bytes go
 * through printf octal escapes, with an 'x' guarding trailing newlines.
 */
void
integration_export(struct strbuf *sb, enum shell_kind kind, const char *key,
    const char *value)
{
	size_t len = strlen(value), chunk = 200;

	if (kind == SHELL_BASH || kind == SHELL_ZSH) {
		strbuf_addf(sb, "export %s=''\n", key);
		for (size_t off = 0; off < len; off += chunk) {
			strbuf_addf(sb, "%s+=$'", key);
			for (size_t i = off; i < len && i < off + chunk; i++) {
				unsigned char c = (unsigned char)value[i];
				if (safe_byte(c))
					strbuf_addch(sb, (char)c);
				else
					strbuf_addf(sb, "\\x%02x", c);
			}
			strbuf_adds(sb, "'\n");
		}
		return;
	}
	strbuf_addf(sb, "%s=; export %s\n", key, key);
	for (size_t off = 0; off < len; off += chunk) {
		strbuf_adds(sb, "__paks_v=$(printf '");
		for (size_t i = off; i < len && i < off + chunk; i++) {
			unsigned char c = (unsigned char)value[i];
			if (safe_byte(c) && c != '%')
				strbuf_addch(sb, (char)c);
			else
				strbuf_addf(sb, "\\%03o", c);
		}
		strbuf_addf(sb, "x'); %s=$%s${__paks_v%%x}; unset __paks_v\n",
		    key, key);
	}
}
