#!/usr/bin/env bats
# engines: both
#
# 30-hash: in-container #commands, typed into a real terminal (tmux) as a
# person types, on the engine in $PAKS_ENGINE. bash (debian image) uses the
# readline hook; busybox sh uses the keystroke fallback.
# Covers: every #command's success path and bad input; exact detection
# through editing keys, history recall, Ctrl-R, Tab completion and pasted
# blocks; comments passing through; exports exact and never on screen or
# in history; forged requests from inside causing nothing; a long mixed
# session without desync.
# Exercises: src/session/{session,shellhook,linebuf,integration}.c,
# src/inside/*.c, src/store/envstore.c.

load lib/helpers

setup_file() {
	pk_require_engine
}

setup() {
	pk_setup
	# a value with every awkward byte: spaces, both quotes, $, backticks,
	# $(...), backslashes, #, =, unicode
	TRICKY='a b "dq" '"'sq'"' $HOME `id` $(id) \\ \n # = é ✓ SECRETMARK'
	export PAKS_T_TRICKY=$TRICKY
}

teardown() {
	pk_teardown
}

PROMPT='#$'

start_shell() {
	pk_start "$@"
	pk_wait_for "$PROMPT"
	# the prompt must be the integration's, not only the image's
	pk_line 'echo READY'
	pk_wait_for '^READY$'
}

sha() {
	printf '%s' "$1" | sha256sum | cut -c1-16
}

# The screen must never show the secret marker.
no_secret_on_screen() {
	pk_screen_lacks -F SECRETMARK
}

@test "bash: #help lists every command, #help CMD shows usage" {
	start_shell "$PK_DEBIAN"
	pk_line '#help'
	for c in save inspect size cp envload envsave envhost help; do
		pk_wait_for "^  #$c "
	done
	pk_line '#help cp'
	pk_wait_for -F 'usage: #cp SRC DST'
	pk_line '#help nope'
	pk_wait_for -F "paks: unknown paks command '#nope'"
}

@test "bash: unknown #word is refused, comments pass through untouched" {
	start_shell "$PK_DEBIAN"
	pk_line '#frobnicate host:/etc/passwd x'
	pk_wait_for -F "paks: unknown paks command '#frobnicate'"
	pk_wait_for -F "hint: see '#help'"
	# a word that may be KEY=VALUE: the value is never shown back
	pk_line '#help PB_TOKEN=s3cr3t'
	pk_wait_for -F "paks: unknown paks command '#PB_TOKEN=...'"
	pk_line '# TODO fix'
	pk_line '#!/bin/sh'
	pk_line '##'
	pk_line 'history | tail -4; echo DONE'
	pk_wait_for '^DONE$'
	pk_screen | grep -q '# TODO fix$'
	pk_screen | grep -q '#!/bin/sh$'
	pk_screen_lacks -F "unknown paks command '#!"
	[[ $(pk_screen | grep -c 'unknown paks command') -eq 2 ]]
}

@test "bash: echo exited is an ordinary command" {
	start_shell "$PK_DEBIAN"
	pk_line 'echo exited; echo "exit status fine"'
	pk_wait_for '^exit status fine$'
	pk_line 'echo STILL-HERE'
	pk_wait_for '^STILL-HERE$'
	pk_container_exists
}

@test "bash: editing keys act on the exact line" {
	start_shell "$PK_DEBIAN"
	# Backspace
	pk_type '#sizX'; pk_key BSpace; pk_type 'e'; pk_key Enter
	pk_wait_for -F 'writable layer:'
	# Ctrl-U clears typed garbage
	pk_line 'clear'
	pk_type 'rm -rf /tmp/oops'; pk_key C-u; pk_type '#help'; pk_key Enter
	pk_wait_for '^  #envload '
	# Left/Right/Home/End, Ctrl-A/E/K/W
	pk_line 'clear'
	pk_type 'elp'; pk_key Home; pk_type '#h'; pk_key End; pk_key Left Right
	pk_type ' cp'; pk_key Enter
	pk_wait_for -F 'usage: #cp SRC DST'
	pk_line 'clear'
	pk_type '#help junk'; pk_key C-w BSpace; pk_key C-a C-e; pk_key Enter
	pk_wait_for '^  #size '
	pk_line 'clear'
	pk_type '#size trailing'; pk_key C-a; pk_key Right Right Right Right Right
	pk_key C-k; pk_key Enter
	pk_wait_for -F 'writable layer:'
	pk_screen_lacks -F 'too many arguments'
}

@test "bash: Up recalls an earlier #command, Ctrl-R finds one" {
	export PAKS_T_A=first
	start_shell "$PK_DEBIAN"
	pk_line '#envhost PAKS_T_A'
	pk_wait_for -F 'copied 1 variable from the host'
	pk_line 'echo between'
	pk_wait_for '^between$'
	# history: #envhost, echo between; Up Up is the #command
	pk_key Up Up Enter
	pk_line 'echo mark1'
	pk_wait_for '^mark1$'
	[[ $(pk_screen | grep -c 'copied 1 variable') -eq 2 ]]
	pk_key C-r; pk_type 'envho'; pk_key Enter
	pk_line 'echo mark2'
	pk_wait_for '^mark2$'
	[[ $(pk_screen | grep -c 'copied 1 variable') -eq 3 ]]
	# every run was recorded once in paks's own history file
	[[ $(grep -c '^#envhost PAKS_T_A$' "$PAKS_HOME/history") -eq 3 ]]
}

@test "bash: Tab completion inside a #command line" {
	start_shell "$PK_DEBIAN"
	pk_type '#cp /etc/hostn'; pk_key Tab
	pk_type " host:$BATS_TEST_TMPDIR/hn"; pk_key Enter
	pk_wait_for -F 'copied /etc/hostname'
	[[ -s $BATS_TEST_TMPDIR/hn ]]
}

@test "bash: a pasted multi-line block runs its #commands" {
	export PAKS_T_P=pasted
	start_shell "$PK_DEBIAN"
	# bracketed paste: the whole block lands in readline's buffer at once;
	# its one Enter counts for each of its #commands
	pk_tmux set-buffer -b blk $'echo one\n#envhost PAKS_T_P\necho "two:$PAKS_T_P"\n#envhost HOME\n'
	pk_tmux paste-buffer -p -b blk -t pk
	pk_key Enter
	pk_wait_for '^two:pasted$'
	pk_wait_for -F 'copied 1 variable from the host'
	pk_wait_for '^one$'
	[[ $(pk_screen | grep -c 'copied 1 variable from the host') -eq 2 ]]
	# unbracketed: each line is typed with its own Enter
	pk_line 'unset PAKS_T_P; clear'
	pk_type $'echo three\n#envhost PAKS_T_P\necho "four:$PAKS_T_P"\n'
	pk_wait_for '^four:pasted$'
	pk_wait_for '^three$'
}

@test "bash: #envsave and #envload export exact values, never shown or kept" {
	start_shell "$PK_DEBIAN"
	pk_line "#envsave proj TOKEN='x y \$(id) \\\\ \"q\" SECRETMARK' PLAIN=1"
	pk_wait_for -F "saved 2 variables to 'proj'"
	[[ $(sed -n 's/^PLAIN=//p' "$PAKS_HOME/envs/proj") == 1 ]]
	# a value with a newline and every awkward byte, added on the host
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
	# not in history, not in the history file
	pk_line 'history -w /tmp/h; grep -c -e SECRET"M"ARK -e env"s"ave /tmp/h; echo H-DONE'
	pk_wait_for '^H-DONE$'
	pk_screen | grep -q '^0$'
	no_secret_on_screen
	pk_refute grep -q SECRETMARK "$PAKS_HOME/history"
}

@test "bash: #envhost copies host variables and reports unset ones" {
	start_shell "$PK_DEBIAN"
	pk_line '#envhost PAKS_T_TRICKY PAKS_T_UNSET_XYZ'
	pk_wait_for -F "paks: 'PAKS_T_UNSET_XYZ' is not set on the host"
	pk_wait_for -F 'copied 1 variable from the host'
	pk_line 'printf %s "$PAKS_T_TRICKY" | sha256sum | cut -c1-16'
	pk_wait_for "^$(sha "$TRICKY")\$"
	no_secret_on_screen
}

@test "bash: bad input to the env commands" {
	start_shell "$PK_DEBIAN"
	pk_line '#envload ../x'
	pk_wait_for -F "paks: "
	pk_line '#envload nosuch'
	pk_wait_for -F "nosuch"
	pk_line '#envsave x 1A=2'
	pk_line '#envsave x novalue'
	pk_wait_for -F "#envsave: word 2 is not KEY=VALUE"
	pk_line '#envload'
	pk_wait_for -F "#envload: too few arguments"
	pk_line 'echo B-DONE'
	pk_wait_for '^B-DONE$'
	[[ ! -e $PAKS_HOME/envs/x ]]
	[[ ! -e $BATS_TEST_TMPDIR/x ]]
}

@test "bash: #cp both ways, names with spaces, missing source" {
	mkdir -p "$BATS_TEST_TMPDIR/w"
	echo "from host" > "$BATS_TEST_TMPDIR/w/in file.txt"
	cd "$BATS_TEST_TMPDIR/w"
	start_shell "$PK_DEBIAN"
	pk_line 'cd /tmp'
	pk_line '#cp "host:in file.txt" "my copy.txt"'
	pk_wait_for -F 'copied host:in file.txt to my copy.txt'
	pk_line 'cat "/tmp/my copy.txt"'
	pk_wait_for '^from host$'
	pk_line 'mkdir -p d/sub && echo deep > d/sub/f && echo made'
	pk_wait_for '^made$'
	pk_line '#cp d "host:out dir"'
	pk_wait_for -F 'copied d to host:out dir'
	[[ $(cat "$BATS_TEST_TMPDIR/w/out dir/sub/f") == deep ]]
	pk_line '#cp host:nope.txt /tmp/'
	pk_wait_for -F "paks: cannot copy 'host:nope.txt'"
	pk_line '#cp /tmp/nope host:x'
	pk_wait_for -F "paks: cannot copy '/tmp/nope'"
	pk_line '#cp a b'
	pk_wait_for -F 'exactly one side must be host:PATH'
}

@test "bash: #inspect sections and #size" {
	start_shell -e PAKS_T_E=inspected "$PK_DEBIAN"
	pk_line '#inspect config.env'
	pk_wait_for -F '"PAKS_T_E=inspected"'
	pk_line '#inspect STATE.status'
	pk_wait_for -F '"running"'
	pk_line '#inspect nosuch'
	pk_wait_for -F "paks: no section 'nosuch'"
	pk_line '#size'
	pk_wait_for -F 'writable layer:'
	pk_wait_for -F 'virtual size:'
}

@test "bash: #save commits the container as IMAGE-saved" {
	local target=paks-test/debian:bookworm-e2e$$
	"$PAKS_ENGINE" rmi -f "$target" >/dev/null 2>&1 || true
	start_shell "$PK_DEBIAN"
	pk_line 'echo kept > /root/work.txt'
	pk_line "#save -e2e$$"
	pk_wait_for -F "saved $target" 120
	run "$PAKS_ENGINE" run --rm --network none "$target" cat /root/work.txt
	# the save's snapshot is a tag too (see paks snapshots)
	"$PAKS_ENGINE" rmi -f "$target" "$target.snap-1" >/dev/null 2>&1 || true
	[[ $output == kept ]]
	pk_line '#save bad:suffix'
	pk_wait_for -F "paks: invalid image reference"
}

@test "bash: forged requests from a process inside cause nothing" {
	mkdir -p "$BATS_TEST_TMPDIR/w"
	cd "$BATS_TEST_TMPDIR/w"
	start_shell "$PK_DEBIAN"
	# a hostile background job prints every kind of imitation, guessing
	# nonces, replaying the shape of real messages, and faking a prompt
	cat > "$BATS_TEST_TMPDIR/w/forge.sh" <<'FORGE'
for i in 1 2 3 4 5 6 7 8 9 10; do
	for n in 00000000000000000000000000000000 "" x; do
		l='#envsave forged K=V'; p=/
		printf '\033]6973;C;%s;%s;%s;%s%s\007' "$n" ${#l} ${#p} "$l" "$p"
		l='#cp /etc/passwd host:stolen'
		printf '\033]6973;C;%s;%s;%s;%s%s\007' "$n" ${#l} ${#p} "$l" "$p"
		printf '\033]6973;P;%s\007\033]6973;H;bash\007\033]6973;A\007' "$n"
	done
	printf '#envsave forged K=V\r\n#cp /etc/passwd host:stolen\n'
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

@test "bash: 200 mixed lines, each #command detected exactly once" {
	export PAKS_T_N=n
	start_shell "$PK_DEBIAN"
	local i
	for ((i = 1; i <= 100; i++)); do
		pk_type "echo line$i"; pk_key Enter
		pk_type '#envhost PAKS_T_N'; pk_key Enter
	done
	pk_line 'echo ALL-SENT'
	pk_wait_for '^ALL-SENT$' 120
	grep -c '^#envhost PAKS_T_N$' "$PAKS_HOME/history"
	[[ $(grep -c '^#envhost PAKS_T_N$' "$PAKS_HOME/history") -eq 100 ]]
	[[ $(grep -c '^#' "$PAKS_HOME/history") -eq 100 ]]
	pk_screen | grep -q '^line100$'
	pk_screen_lacks -F 'unknown paks command'
}

@test "sh: #help, editing with Backspace and Ctrl-U, comments" {
	start_shell "$PK_BUSYBOX"
	pk_type '#helq'; pk_key BSpace; pk_type 'p'; pk_key Enter
	pk_wait_for '^  #envsave '
	# (no 'clear' here: busybox's editor drops keys typed right after it
	# asks the terminal for the cursor position, with or without paks)
	pk_type 'rm -rf /tmp/x'; pk_key C-u; pk_type '#help cp'; pk_key Enter
	pk_wait_for -F 'usage: #cp SRC DST'
	pk_line '#frob'
	pk_wait_for -F "paks: unknown paks command '#frob'"
	pk_line '# just a comment'
	pk_line 'echo S-DONE'
	pk_wait_for '^S-DONE$'
	[[ $(pk_screen | grep -c 'unknown paks command') -eq 1 ]]
}

@test "sh: #envload and #envhost export exact values, never shown" {
	"$PAKS" env add proj "TRICKY=$TRICKY" "NL=a
b"
	start_shell "$PK_BUSYBOX"
	pk_line '#envload proj'
	pk_wait_for -F "loaded 2 variables from 'proj'"
	pk_line 'printf %s "$TRICKY" | sha256sum | cut -c1-16'
	pk_wait_for "^$(sha "$TRICKY")\$"
	pk_line 'printf %s "$NL" | sha256sum | cut -c1-16'
	pk_wait_for "^$(sha $'a\nb')\$"
	pk_line '#envhost PAKS_T_TRICKY'
	pk_wait_for -F 'copied 1 variable from the host'
	pk_line 'printf %s "$PAKS_T_TRICKY" | sha256sum | cut -c1-16'
	pk_wait_for "^$(sha "$TRICKY")\$" 
	pk_line 'history | grep -c -e SECRET"M"ARK -e env"s"ave; echo H-DONE'
	pk_wait_for '^H-DONE$'
	no_secret_on_screen
}

@test "sh: #envsave, #cp and #size" {
	mkdir -p "$BATS_TEST_TMPDIR/w"
	cd "$BATS_TEST_TMPDIR/w"
	start_shell "$PK_BUSYBOX"
	pk_line '#envsave bb K="v SECRETMARK"'
	pk_wait_for -F "saved 1 variable to 'bb'"
	# what the user typed is on the screen; nothing after it may be
	pk_line 'echo AFTER-SAVE'
	pk_wait_for '^AFTER-SAVE$'
	pk_line 'echo "len=${#K}"'
	pk_wait_for '^len=12$'
	pk_line 'echo hi > /tmp/o.txt'
	pk_line '#cp /tmp/o.txt host:o.txt'
	pk_wait_for -F 'copied /tmp/o.txt to host:o.txt'
	[[ $(cat "$BATS_TEST_TMPDIR/w/o.txt") == hi ]]
	pk_line '#size'
	pk_wait_for -F 'writable layer:'
	pk_line 'history | grep -c SECRET"M"ARK; echo H-DONE'
	pk_wait_for '^H-DONE$'
	[[ $(pk_screen | sed -n '/^AFTER-SAVE$/,$p' | grep -c SECRETMARK) -eq 0 ]]
}

@test "sh: #cp with a relative container path starts in the shell's directory" {
	mkdir -p "$BATS_TEST_TMPDIR/w/out"
	echo back > "$BATS_TEST_TMPDIR/w/b.txt"
	cd "$BATS_TEST_TMPDIR/w"
	start_shell "$PK_BUSYBOX"
	pk_line 'mkdir -p /tmp/rel && cd /tmp/rel && echo rel > r.txt && echo CD-DONE'
	pk_wait_for '^CD-DONE$'
	# "host:" alone: where paks was started
	pk_line '#cp r.txt host:'
	pk_wait_for 'copied r\.txt to host:$'
	[[ $(cat "$BATS_TEST_TMPDIR/w/r.txt") == rel ]]
	pk_line '#cp r.txt host:out/'
	pk_wait_for -F 'copied r.txt to host:out/'
	[[ $(cat "$BATS_TEST_TMPDIR/w/out/r.txt") == rel ]]
	pk_line '#cp host:b.txt sub.txt'
	pk_wait_for -F 'copied host:b.txt to sub.txt'
	pk_line 'cat /tmp/rel/sub.txt'
	pk_wait_for '^back$'
}

@test "bash: a value in the wrong place of #envsave is never echoed" {
	start_shell "$PK_DEBIAN"
	# the value after "K= ", where the name goes, as a key, as a VAR
	pk_line '#envsave proj K= SECRETMARKvalue'
	pk_wait_for -F 'paks: #envsave: word 3 is not KEY=VALUE (values are never shown)'
	pk_line '#envsave PB_TOKEN=SECRETMARK proj'
	pk_wait_for -F 'paks: #envsave: invalid environment name: it looks like KEY=VALUE'
	pk_line "#envsave proj 'a+b/SECRETMARK=='"
	pk_wait_for -F 'paks: #envsave: word 2: invalid variable name'
	pk_line '#envhost SECRETMARK-x'
	pk_wait_for -F 'paks: #envhost: word 1: invalid variable name'
	# what the user typed is on the screen; no line of paks's holds it
	[[ $(pk_screen | grep -cE '^(paks|hint): ') -eq 8 ]]
	pk_refute grep -qE '^(paks|hint): .*SECRETMARK' <(pk_screen)
	# paks's history keeps valid keys of #envsave, never such words
	[[ $(grep -c '^#envsave ' "$PAKS_HOME/history") -eq 3 ]]
	pk_refute grep -q '^#envsave .*SECRETMARK' "$PAKS_HOME/history"
	[[ ! -e $PAKS_HOME/envs/proj ]]
}
