/*
 * The shell side of paks: the entrypoint shim, the bash and sh hooks, and
 * the shell code paks sends back to them.
 *
 * Start-up: the shim is the container's first process. It turns echo off,
 * says hello (with the kind of shell it found), reads the session nonce
 * that paks types into the terminal, then starts the shell with the hook
 * script on fd 9 (a here-document: a pipe, never a file) with the nonce as
 * an unexported variable. No other process exists in the container until
 * then, so the hello cannot be forged and the nonce is never in argv, the
 * environment or the image.
 *
 * bash: Enter runs __paks_hook through a readline macro. It reports every
 * accepted line ("L"), and a #command line ("C") with its text and $PWD,
 * then reads paks's reply from the terminal with echo off: lines of shell
 * code (exports) marked with "\035paks:", ended by ".". Keys typed ahead
 * that the read swallowed go back to paks in "D", and paks types them
 * again, so nothing typed is lost. A consumed #command is neither executed
 * nor recorded by the shell; the hook adds it to history (not #envsave).
 * The nonce never travels from paks to the shell after start-up: a process
 * that reads the terminal could otherwise learn it.
 *
 * sh (busybox ash, dash): no hooks, so paks follows the keystrokes; the
 * prompt carries a marker so paks knows when the shell is at a prompt, and
 * __paks_x reads injected exports the same way.
 */
#include <stdio.h>
#include <string.h>

#include "integration.h"

/*
 * $1: wanted shell, $2: bash hook, $3: sh hook, $4: the user's TERM (set
 * here, not with the engine's --env, so that it is not saved in images).
 */
const char integration_shim[] =
	"[ -n \"$4\" ] && export TERM=\"$4\"\n"
	"s=$1\n"
	"case $s in /*) ;; *) s=$(command -v \"$s\" 2>/dev/null) ;; esac\n"
	"if [ -z \"$s\" ] || [ ! -x \"$s\" ]; then\n"
	"  printf 'paks: %s not found in the image, using /bin/sh\\r\\n' \"$1\" >&2\n"
	"  s=/bin/sh\n"
	"fi\n"
	"case ${s##*/} in bash) k=bash ;; sh|ash|dash|ksh|mksh) k=sh ;; *) k=plain ;; esac\n"
	"stty -echo 2>/dev/null\n"
	"printf '\\033]6973;H;%s\\007' \"$k\"\n"
	"IFS= read -r n\n"
	"stty echo 2>/dev/null\n"
	"printf '\\033]6973;A\\007'\n"
	"case $k in\n"
	"bash) exec \"$s\" --rcfile /dev/fd/9 -i 9<<EOF\n"
	"__paks_n=$n\n"
	"$2\n"
	"EOF\n"
	";;\n"
	"sh) export ENV=/dev/fd/9; exec \"$s\" -i 9<<EOF\n"
	"__paks_n=$n\n"
	"$3\n"
	"EOF\n"
	";;\n"
	"esac\n"
	"exec \"$s\"\n";

const char integration_bash[] =
	"exec 9<&-\n"
	"[ -r /etc/bash.bashrc ] && . /etc/bash.bashrc\n"
	"[ -r ~/.bashrc ] && . ~/.bashrc\n"
	"__paks_prompt() { printf '\\033]6973;P;%s\\007' \"$__paks_n\"; }\n"
	"__paks_run() {\n"
	"  local LC_ALL=C __paks_l=$1 __paks_p=$PWD __paks_r __paks_s= __paks_m=$'\\035paks:'\n"
	"  printf '\\033]6973;C;%s;%s;%s;%s%s\\007' \"$__paks_n\" \"${#__paks_l}\" \"${#__paks_p}\" \"$__paks_l\" \"$__paks_p\"\n"
	"  while IFS= read -rs __paks_r; do\n"
	"    if [[ $__paks_r != *\"$__paks_m\"* ]]; then __paks_s+=$__paks_r$'\\036'; continue; fi\n"
	"    __paks_s+=${__paks_r%%\"$__paks_m\"*}; __paks_r=${__paks_r#*\"$__paks_m\"}\n"
	"    [[ $__paks_r == . ]] && break\n"
	"    eval \"$__paks_r\"\n"
	"  done\n"
	"  printf '\\033]6973;D;%s;%s;0;%s\\007' \"$__paks_n\" \"${#__paks_s}\" \"$__paks_s\"\n"
	"  [[ $__paks_l == '#envsave'* ]] || history -s -- \"$__paks_l\"\n"
	"}\n"
	"__paks_bind() {\n"
	"  local __paks_k\n"
	"  for __paks_k in emacs vi-insert vi-command; do\n"
	"    bind -m $__paks_k \"\\\"\\\\C-x\\\\C-p2\\\": $1\"\n"
	"  done\n"
	"}\n"
	"__paks_hook() {\n"
	"  local __paks_a=$READLINE_LINE __paks_rest __paks_line __paks_keep= __paks_pr __paks_w __paks_i=0 __paks_multi=\n"
	"  if [[ $__paks_a != *'#'[A-Za-z]* ]]; then\n"
	"    printf '\\033]6973;L;%s\\007' \"$__paks_n\"\n"
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
	"      fi\n"
	"      __paks_run \"$__paks_line\"\n"
	"    else\n"
	"      __paks_keep+=${__paks_keep:+$'\\n'}$__paks_line\n"
	"    fi\n"
	"    [[ $__paks_rest == *$'\\n'* ]] || break\n"
	"    __paks_rest=${__paks_rest#*$'\\n'}\n"
	"  done\n"
	"  if ((__paks_i == 0)); then\n"
	"    printf '\\033]6973;L;%s\\007' \"$__paks_n\"\n"
	"    [[ -z $__paks_c ]] || { __paks_c=; __paks_bind accept-line; }\n"
	"  elif [[ -n $__paks_keep ]]; then\n"
	"    READLINE_LINE=$__paks_keep; READLINE_POINT=${#__paks_keep}\n"
	"    printf '\\033]6973;L;%s\\007' \"$__paks_n\"\n"
	"    [[ -z $__paks_c ]] || { __paks_c=; __paks_bind accept-line; }\n"
	"  else\n"
	"    READLINE_LINE=; READLINE_POINT=0\n"
	"    __paks_c=1; __paks_bind redraw-current-line\n"
	"    __paks_prompt\n"
	"  fi\n"
	"}\n"
	"for __paks_k in emacs vi-insert vi-command; do\n"
	"  bind -m $__paks_k -x '\"\\C-x\\C-p1\": __paks_hook'\n"
	"  bind -m $__paks_k '\"\\C-m\": \"\\C-x\\C-p1\\C-x\\C-p2\"'\n"
	"  bind -m $__paks_k '\"\\C-j\": \"\\C-x\\C-p1\\C-x\\C-p2\"'\n"
	"done\n"
	"unset __paks_k; __paks_c=1; __paks_bind accept-line; __paks_c=\n"
	"PROMPT_COMMAND=\"${PROMPT_COMMAND:+$PROMPT_COMMAND$'\\n'}__paks_prompt\"\n";

const char integration_sh[] =
	"exec 9<&-\n"
	"unset ENV\n"
	"__paks_p=$(printf '\\033]6973;P;%s\\007' \"$__paks_n\")\n"
	"__paks_e=$(printf '\\033]6973;E;%s\\007' \"$__paks_n\")\n"
	"case $PS1 in\n"
	"*'\\'*) PS1=\"\\\\[$__paks_p\\\\]$PS1\\\\[$__paks_e\\\\]\" ;;\n"
	"*) PS1=\"$__paks_p${PS1:-\\$ }$__paks_e\" ;;\n"
	"esac\n"
	"unset __paks_p __paks_e\n"
	"__paks_x() {\n"
	"  printf '\\033]6973;R;%s\\007' \"$__paks_n\"\n"
	"  while IFS= read -r __paks_l && [ \"$__paks_l\" != . ]; do "
	"eval \"$__paks_l\"; done\n"
	"  unset __paks_l\n"
	"}\n";

enum shell_kind
integration_kind(const char *s)
{
	if (strcmp(s, "bash") == 0)
		return SHELL_BASH;
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

	if (kind == SHELL_BASH) {
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
