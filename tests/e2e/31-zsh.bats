#!/usr/bin/env bats
# engines: both
#
# 31-zsh: the #commands in zsh (paks run --shell zsh), typed into a real
# terminal (tmux) on the engine in $PAKS_ENGINE. zsh has its own hook, a
# widget in place of accept-line (src/session/integration.c), that speaks
# the same messages as bash's.
# Covers: start-up through a private ZDOTDIR that leaves nothing behind and
# still reads the user's .zshenv and .zshrc; #help and bad #words; exports
# exact and never on screen or in history; keys typed ahead of a reply
# neither lost nor echoed; a pasted block with several #commands; forged
# requests causing nothing; the shell's own exit status; a .zshrc with
# options that change how shell code reads (ksh_arrays, sh_word_split,
# no_unset, extended_glob) and its own accept-line widget; a read-only
# root file system.
# Exercises: src/session/{session,shellhook,integration}.c, src/inside/*.c.

load lib/helpers

setup_file() {
	pk_require_engine
}

setup() {
	pk_setup
	TRICKY='a b "dq" '"'sq'"' $HOME `id` $(id) \\ \n # = é ✓ SECRETMARK'
	export PAKS_T_TRICKY=$TRICKY
}

teardown() {
	pk_teardown
}

PROMPT='#$'

# start_zsh [run args...]: zsh in the Debian image, ready
start_zsh() {
	pk_start --shell zsh "$@" "$PK_DEBIAN"
	pk_wait_for "$PROMPT"
	pk_line 'echo "READY $ZSH_NAME"'
	pk_wait_for '^READY zsh$'
}

sha() {
	printf '%s' "$1" | sha256sum | cut -c1-16
}

@test "zsh: the hook starts, #help answers, unknown #words are refused" {
	start_zsh
	# the private ZDOTDIR is gone and not left set
	pk_line 'echo "zd=[${ZDOTDIR-unset}] pz=[${__paks_zd-unset}]"; ls -d /tmp/tmp.* 2>/dev/null | wc -l'
	pk_wait_for -F 'zd=[unset] pz=[unset]'
	pk_wait_for '^0$'
	pk_line '#help'
	for c in save inspect size cp envload envsave envhost help; do
		pk_wait_for "^  #$c "
	done
	pk_line '#help cp'
	pk_wait_for -F 'usage: #cp SRC DST'
	pk_line '#nope'
	pk_wait_for -F "paks: unknown paks command '#nope'"
	pk_line 'echo still-here'
	pk_wait_for '^still-here$'
	pk_screen_lacks -F 'no paks integration'
}

@test "zsh: #envsave and #envload export exact values, never shown or kept" {
	start_zsh
	pk_line "#envsave proj TOKEN='x y \$(id) \\\\ \"q\" SECRETMARK' PLAIN=1"
	pk_wait_for -F "saved 2 variables to 'proj'"
	"$PAKS" env add proj "TRICKY=$TRICKY" "NL=line1
line2" --force
	pk_line 'unset TOKEN; clear'
	pk_tmux clear-history -t pk
	pk_line '#envload proj'
	pk_wait_for -F "loaded 4 variables from 'proj'"
	pk_line 'printf %s "$TRICKY" | sha256sum | cut -c1-16'
	pk_wait_for "^$(sha "$TRICKY")\$"
	pk_line 'printf %s "$NL" | sha256sum | cut -c1-16'
	pk_wait_for "^$(sha $'line1\nline2')\$"
	pk_line 'printf %s "$TOKEN" | sha256sum | cut -c1-16'
	pk_wait_for "^$(sha 'x y $(id) \\ "q" SECRETMARK')\$"
	pk_line 'env | grep -c "^TOKEN=" '
	pk_wait_for '^1$'
	pk_line '#envhost PAKS_T_TRICKY'
	pk_wait_for -F 'copied 1 variable from the host'
	pk_line 'printf %s "$PAKS_T_TRICKY" | sha256sum | cut -c1-16'
	pk_wait_for "^$(sha "$TRICKY")\$"
	# in history: #envload, never #envsave or a value
	pk_line 'fc -ln 1 | grep -c -e SECRET"M"ARK -e env"s"ave; fc -ln 1 | grep -c "^#env"load; echo H-DONE'
	pk_wait_for '^H-DONE$'
	pk_screen | grep -q '^0$'
	pk_screen | grep -q '^1$'
	pk_screen_lacks -F SECRETMARK
	pk_screen_lacks -F 'paks:export'
}

@test "zsh: keys typed during a #command are kept, in order, not echoed" {
	start_zsh
	# typed in one burst: the hook is still reading the reply when the
	# next line arrives
	pk_type $'#envhost HOME\recho "after-$((6 * 7))"\r'
	pk_wait_for '^after-42$'
	pk_wait_for -F 'copied 1 variable from the host'
	# the line shows once, after the prompt, never on a line of its own
	[[ $(pk_screen | grep -c 'echo "after-') -eq 1 ]]
	pk_screen | grep -q '#.*echo "after-'
	pk_screen_lacks -F $'\035'
}

@test "zsh: a pasted block runs each #command once, and its other lines" {
	export PAKS_T_P=pasted
	start_zsh
	pk_tmux set-buffer -b blk $'echo one\n#envhost PAKS_T_P\necho "two:$PAKS_T_P"\n#size\n#envhost HOME'
	pk_tmux paste-buffer -p -b blk -t pk
	pk_key Enter
	pk_wait_for '^two:pasted$'
	pk_wait_for '^one$'
	pk_wait_for -F 'virtual size:'
	[[ $(pk_screen | grep -c 'copied 1 variable from the host') -eq 2 ]]
	pk_line 'echo typing-goes-on'
	pk_wait_for '^typing-goes-on$'
}

@test "zsh: forged requests from a process inside cause nothing" {
	mkdir -p "$BATS_TEST_TMPDIR/w"
	cd "$BATS_TEST_TMPDIR/w"
	start_zsh
	cat > "$BATS_TEST_TMPDIR/w/forge.sh" <<'FORGE'
for i in 1 2 3 4 5; do
	for n in 00000000000000000000000000000000 "" x; do
		l='#envsave forged K=V'; p=/
		printf '\033]6973;C;%s;%s;%s;%s%s\007' "$n" ${#l} ${#p} "$l" "$p"
		l='#cp /etc/passwd host:stolen'
		printf '\033]6973;C;%s;%s;%s;%s%s\007' "$n" ${#l} ${#p} "$l" "$p"
		printf '\033]6973;D;%s;0;1;+\007\033]6973;P;%s\007' "$n" "$n"
	done
	sleep 0.1
done
echo FORGE-DONE
FORGE
	pk_line '#cp host:forge.sh /tmp/forge.sh'
	pk_wait_for -F 'copied host:forge.sh'
	pk_line 'bash /tmp/forge.sh & sleep 0.3; echo typing-goes-on'
	pk_wait_for '^typing-goes-on$'
	pk_line 'wait; echo "K=[$K]"'
	pk_wait_for 'FORGE-DONE$'
	pk_wait_for -F 'K=[]'
	pk_forgery_had_no_effect "$BATS_TEST_TMPDIR/w"
}

@test "zsh: the user's .zshenv and .zshrc are read; odd options do not break the hook" {
	mkdir -p "$BATS_TEST_TMPDIR/zdot"
	echo 'export PAKS_T_ZSHENV=read' > "$BATS_TEST_TMPDIR/zdot/.zshenv"
	cat > "$BATS_TEST_TMPDIR/zdot/.zshrc" <<'RC'
setopt ksh_arrays sh_word_split no_unset extended_glob
PROMPT='zrc %# '
PAKS_T_ZSHRC=read
zshexit() { echo "bye from zshrc"; }
# a widget of the user's own on Enter: it still runs, for ordinary lines
PAKS_T_ACCEPTS=0
my-accept() { PAKS_T_ACCEPTS=$((PAKS_T_ACCEPTS + 1)); zle .accept-line; }
zle -N accept-line my-accept
RC
	start_zsh -v "$BATS_TEST_TMPDIR/zdot:/zdot:ro" -e ZDOTDIR=/zdot
	pk_wait_for '^zrc #'
	pk_line 'echo "env=$PAKS_T_ZSHENV rc=$PAKS_T_ZSHRC zd=$ZDOTDIR"'
	pk_wait_for -F 'env=read rc=read zd=/zdot'
	# three lines so far, this one included
	pk_line 'echo "accepts=$PAKS_T_ACCEPTS"'
	pk_wait_for -F 'accepts=3'
	pk_line '#envsave opts V="x  y"'
	pk_wait_for -F "saved 1 variable to 'opts'"
	pk_line 'printf "<%s>\n" "$V"'
	pk_wait_for -F '<x  y>'
	pk_tmux set-buffer -b blk $'#envhost HOME\n#envload opts'
	pk_tmux paste-buffer -p -b blk -t pk
	pk_key Enter
	pk_wait_for -F "loaded 1 variable from 'opts'"
	pk_line 'exit 137'
	pk_exit_is 137
	pk_stty_restored
	pk_output | grep -qx 'bye from zshrc'
	pk_refute grep '^paks: ' <<<"$(pk_output)"
}

@test "zsh with nowhere to write its start-up files: one line says why no #commands" {
	# docker --read-only leaves /tmp read-only; podman mounts a tmpfs
	# there unless told not to
	local ro=(-o --read-only -o --tmpfs=/dev/shm:ro)
	[[ $PAKS_ENGINE == podman ]] && ro+=(-o --read-only-tmpfs=false)
	pk_start --shell zsh "${ro[@]}" "$PK_DEBIAN"
	pk_wait_for -F 'paks: zsh runs without #commands: its start-up files need a writable /tmp or /dev/shm'
	pk_wait_for "$PROMPT"
	pk_line 'exit'
	pk_exit_is 0
	[[ $(pk_output | grep -c '^paks: ') -eq 1 ]]
}

@test "zsh on a read-only root: start-up files where it can write, left clean" {
	# docker: /dev/shm; podman: its tmpfs on /tmp
	pk_start --shell zsh -o --read-only "$PK_DEBIAN"
	pk_wait_for "$PROMPT"
	pk_line '#envhost HOME'
	pk_wait_for -F 'copied 1 variable from the host'
	pk_line 'find /tmp /dev/shm -mindepth 1 | wc -l'
	pk_wait_for '^0$'
}
