#!/usr/bin/env bats
# engines: both
#
# 34-trust-keys: only a line the user typed makes paks act, whatever a
# hostile image does. Each session runs with the engine's seccomp filter
# off (-o --security-opt=seccomp=unconfined), as where paks cannot block
# TIOCSTI, and with an attacker tool inside (/paks-tiocsti, from
# tests/tools/tiocsti.c) that pushes keys into the shell's input.
# Covers: an Enter typed into another program then a pushed #command
# (bash, zsh); forged reports from code an image's bashrc leaves in the
# shell, which knows the nonce; a line changed behind the user's back,
# asked about and run only on y; history recall of a line never run; a
# busybox sh prompt that carries the nonce and is not exported.
# Exercises: src/session/{gate,linebuf,session,integration}.c.

load lib/helpers

setup_file() {
	pk_require_engine
}

setup() {
	pk_setup
	export PAKS_T_SECRET=SECRETMARK-host-only
	mkdir -p "$BATS_TEST_TMPDIR/w"
	echo 'SECRETMARK file' > "$BATS_TEST_TMPDIR/w/secret.txt"
	cd "$BATS_TEST_TMPDIR/w"
}

teardown() {
	pk_teardown
}

# start a session with the attacker inside and TIOCSTI allowed
start_hostile() {
	pk_start -o --security-opt=seccomp=unconfined \
	    -v "$PK_TIOCSTI:/paks-tiocsti:ro" "$@"
	pk_wait_for '[#$] *$'
	pk_line 'echo READY'
	pk_wait_for '^READY$'
}

# nothing reached the container from the host, and the keyboard still works
nothing_leaked() {
	pk_line 'echo "var=[$PAKS_T_SECRET]"; test -e /tmp/loot; echo "loot=$?"'
	pk_wait_for -F 'loot=1'
	pk_wait_for -F 'var=[]'
	pk_line '#envhost PAKS_T_SECRET'
	pk_wait_for -F 'copied 1 variable from the host'
	pk_line 'echo "after=[$PAKS_T_SECRET]"'
	pk_wait_for -F 'after=[SECRETMARK-host-only]'
}

@test "bash: an Enter typed into read, then a #command pushed with TIOCSTI, is refused" {
	start_hostile "$PK_DEBIAN"
	# the attacker waits in the background; the user answers a prompt
	# of another program (an Enter paks saw, not typed at the shell's)
	pk_line "/paks-tiocsti -d 3 '#envhost PAKS_T_SECRET' '#cp host:secret.txt /tmp/loot' & read -p '[Y/n] ' x"
	pk_wait_for -F '[Y/n]'
	pk_line 'y'
	pk_wait_for -F "paks: refused '#envhost': it was not typed" 20
	pk_wait_for -F "paks: refused '#cp': it was not typed"
	# the shell stays usable, and keys typed now are not lost
	pk_line 'echo still-typing'
	pk_wait_for '^still-typing$'
	nothing_leaked
}

@test "zsh: a #command pushed with TIOCSTI is refused" {
	start_hostile --shell /bin/zsh "$PK_DEBIAN"
	pk_line "/paks-tiocsti -d 2 '#cp host:secret.txt /tmp/loot' &"
	pk_line 'read x; echo "read=$x"'
	pk_line 'y'
	pk_wait_for -F 'read=y'
	pk_wait_for -F "paks: refused '#cp': it was not typed" 20
	pk_line 'echo still-typing'
	pk_wait_for '^still-typing$'
	nothing_leaked
}

@test "bash: code an image's bashrc leaves behind knows the nonce, and its reports do nothing" {
	# the image's bashrc: what it sees at start-up, and a PROMPT_COMMAND
	# that forges a #command report (with the nonce) a second after each
	# prompt, while the user is typing
	cat > "$BATS_TEST_TMPDIR/bashrc" <<'RC'
echo "at-start:${__paks_n:-none}" > /tmp/rc-saw
__evil() {
	local l='#envhost PAKS_T_SECRET' p=/
	printf '\033]6973;C;%s;%s;%s;%s%s\007' "$__paks_n" ${#l} ${#p} "$l" "$p"
}
__evil_later() { { sleep 1; __evil; } & disown; }
PROMPT_COMMAND=__evil_later
RC
	start_hostile -v "$BATS_TEST_TMPDIR/bashrc:/root/.bashrc:ro" "$PK_DEBIAN"
	pk_type 'echo par'
	pk_wait_for -F "paks: refused '#envhost'" 20
	# what the user was typing is intact and not run early
	pk_type 'tial'
	pk_key Enter
	pk_wait_for '^partial$'
	pk_line 'cat /tmp/rc-saw'
	pk_wait_for '^at-start:none$'
	nothing_leaked
}

@test "bash: a line changed behind the user's back runs only if the user answers y" {
	start_hostile "$PK_DEBIAN"
	# while the user types, the attacker replaces the line (Ctrl-U)
	pk_line "{ sleep 2; /paks-tiocsti -n \$'\\025#envhost PAKS_T_SECRET'; } &"
	pk_type 'echo hi'
	sleep 4
	pk_key Enter
	pk_wait_for -F "paks: run '#envhost PAKS_T_SECRET' on the host?"
	pk_type 'n'
	pk_wait_for -F 'paks: not run'
	pk_line 'echo "var=[$PAKS_T_SECRET]"'
	pk_wait_for -F 'var=[]'
	# a line put in history by the shell, never run by paks: asked
	pk_line "history -s '#envhost PAKS_T_SECRET'"
	pk_key Up Enter
	pk_wait_for -F "paks: run '#envhost PAKS_T_SECRET' on the host?"
	pk_type 'y'
	pk_wait_for -F 'copied 1 variable from the host'
	pk_line 'echo "now=[$PAKS_T_SECRET]"'
	pk_wait_for -F 'now=[SECRETMARK-host-only]'
}

@test "sh: the prompt's nonce is in no process's environment" {
	start_hostile -e 'PS1=bb$ ' "$PK_BUSYBOX"
	# (paks removes its own markers from the screen: count them instead)
	pk_line 'echo "env=$(env | grep -c 6973) child=$(sh -c '\''echo "$PS1"'\'' | grep -c 6973)"'
	pk_wait_for -F 'env=0 child=0'
	# a #command pushed at the prompt is a comment to sh: nothing runs
	pk_line "/paks-tiocsti -d 1 '#cp host:secret.txt /tmp/loot' &"
	sleep 2
	pk_line 'test -e /tmp/loot; echo "loot=$?"'
	pk_wait_for -F 'loot=1'
}
