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
 * code (exports) ended by ".". A consumed #command is neither executed nor
 * recorded by the shell; paks adds it to history itself (not #envsave).
 *
 * sh (busybox ash, dash): no hooks, so paks follows the keystrokes; the
 * prompt carries a marker so paks knows when the shell is at a prompt, and
 * __paks_x reads injected exports the same way.
 */
#include <stdio.h>
#include <string.h>

#include "integration.h"

/* $1: wanted shell, $2: bash hook, $3: sh hook. */
const char integration_shim[] =
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
	"  local LC_ALL=C l=$1 p=$PWD r\n"
	"  printf '\\033]6973;C;%s;%s;%s;%s%s\\007' \"$__paks_n\" \"${#l}\" "
	"\"${#p}\" \"$l\" \"$p\"\n"
	"  while IFS= read -rs r && [[ $r != . ]]; do eval \"$r\"; done\n"
	"  [[ $l == '#envsave'* ]] || history -s -- \"$l\"\n"
	"}\n"
	"__paks_hook() {\n"
	"  local l=$READLINE_LINE rest line keep= p w n=0 multi=\n"
	"  if [[ $l != *'#'[A-Za-z]* ]]; then\n"
	"    printf '\\033]6973;L;%s\\007' \"$__paks_n\"\n"
	"    [[ -z $__paks_c ]] || { __paks_c=; __paks_bind accept-line; }\n"
	"    return\n"
	"  fi\n"
	"  [[ $l == *$'\\n'* ]] && multi=1\n"
	"  rest=$l\n"
	"  while :; do\n"
	"    line=${rest%%$'\\n'*}\n"
	"    w=${line%%[[:space:]]*}; w=${w#\\#}\n"
	"    if [[ $line == '#'[A-Za-z]* ]] &&\n"
	"       { [[ -z $multi ]] || [[ \" $__paks_cmds \" == *\" $w \"* ]]; }; then\n"
	"      if ((n++ == 0)); then\n"
	"        p=${PS1@P}; p=${p##*$'\\n'}\n"
	"        printf '%s%s\\r\\n' \"$p\" \"$l\"\n"
	"      fi\n"
	"      __paks_run \"$line\"\n"
	"    else\n"
	"      keep+=${keep:+$'\\n'}$line\n"
	"    fi\n"
	"    [[ $rest == *$'\\n'* ]] || break\n"
	"    rest=${rest#*$'\\n'}\n"
	"  done\n"
	"  if ((n == 0)); then\n"
	"    printf '\\033]6973;L;%s\\007' \"$__paks_n\"\n"
	"    [[ -z $__paks_c ]] || { __paks_c=; __paks_bind accept-line; }\n"
	"  elif [[ -n $keep ]]; then\n"
	"    READLINE_LINE=$keep; READLINE_POINT=${#keep}\n"
	"    printf '\\033]6973;L;%s\\007' \"$__paks_n\"\n"
	"    [[ -z $__paks_c ]] || { __paks_c=; __paks_bind accept-line; }\n"
	"  else\n"
	"    READLINE_LINE=; READLINE_POINT=0\n"
	"    __paks_c=1; __paks_bind redraw-current-line\n"
	"    __paks_prompt\n"
	"  fi\n"
	"}\n"
	"__paks_bind() {\n"
	"  local m\n"
	"  for m in emacs vi-insert vi-command; do\n"
	"    bind -m $m \"\\\"\\\\C-x\\\\C-p2\\\": $1\"\n"
	"  done\n"
	"}\n"
	"for __paks_m in emacs vi-insert vi-command; do\n"
	"  bind -m $__paks_m -x '\"\\C-x\\C-p1\": __paks_hook'\n"
	"  bind -m $__paks_m '\"\\C-m\": \"\\C-x\\C-p1\\C-x\\C-p2\"'\n"
	"  bind -m $__paks_m '\"\\C-j\": \"\\C-x\\C-p1\\C-x\\C-p2\"'\n"
	"done\n"
	"unset __paks_m; __paks_c=1; __paks_bind accept-line; __paks_c=\n"
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
