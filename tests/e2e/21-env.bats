#!/usr/bin/env bats
# engines: none
#
# 21-env: `paks env add|rm|show|list|edit|delete` on a private PAKS_HOME.
# Covers: the file format (simple values raw, others quoted, every tricky
# value stored exactly), masking in show and list, --reveal, --force,
# permissions (0700 directory, 0600 files, a warning for a file others can
# read), 50 concurrent adds, edit with good and bad results, and the
# bad-input rule: one "paks:" line (plus at most one "hint:" line), exit 2
# for usage errors and 1 otherwise, every file byte-identical, and never a
# value in a message, even one typed where a name, key or option belongs.
# Values kept out of argv: `env add NAME KEY` reads a line per KEY from a
# pipe, or from a terminal (tmux) with echo off, restored on Enter, Ctrl-C,
# SIGTERM and Ctrl-Z/fg; `env add NAME --stdin` reads KEY=VALUE lines.
# Exercises: src/host/host-env.c, src/store/envstore.c,
# src/store/storefile.c, src/store/settings-edit.c (the editor), src/cmd.c.

bats_require_minimum_version 1.5.0

# the tmux terminal of tests/e2e/lib/helpers, for the prompts; no engine
load lib/helpers

PAKS=${PAKS:-$BATS_TEST_DIRNAME/../../build/paks}
SECRET=s3cr3t-Value
# every secret of this file holds MARK; no message may
MARK=s3cr3t

setup() {
	export PAKS_HOME="$BATS_TEST_TMPDIR/home"
	export PAKS_SYSTEM_SETTINGS=/nonexistent
	unset VISUAL EDITOR
	ENVS=$PAKS_HOME/envs
}

teardown() {
	if [[ -n ${PK_STARTED:-} ]]; then
		pk_teardown
	fi
}

# A terminal of its own (tests/e2e/lib/helpers), with no container.
tty_setup() {
	pk_setup
	PK_NAME=
}

# Every file under PAKS_HOME with its hash, to compare before and after.
snapshot() {
	if [[ -d $PAKS_HOME ]]; then
		(cd "$PAKS_HOME" && find . -print0 | sort -z |
		    xargs -0 -n1 sh -c 'if [ -f "$0" ]; then sha256sum "$0";
		    else echo "$0"; fi')
	fi
}

# check_error STATUS: failed with STATUS, nothing on stdout, and on stderr
# one "paks: " line, optionally followed by one "hint: " line, and never
# the secret value.
check_error() {
	if [[ $status -ne $1 ]]; then
		echo "status $status, expected $1; stderr: $stderr"
		return 1
	fi
	if [[ -n $output ]]; then
		echo "unexpected stdout: $output"
		return 1
	fi
	local n=${#stderr_lines[@]}
	if ((n < 1 || n > 2)) || [[ ${stderr_lines[0]} != "paks: "* ]]; then
		echo "stderr is not one 'paks:' line: $stderr"
		return 1
	fi
	if ((n == 2)) && [[ ${stderr_lines[1]} != "hint: "* ]]; then
		echo "second stderr line is not a hint: $stderr"
		return 1
	fi
	if [[ $stderr == *"$MARK"* ]]; then
		echo "a value leaked into the message: $stderr"
		return 1
	fi
}

# an editor script: editor NAME BODY (BODY runs with the file as $f)
editor() {
	local path=$BATS_TEST_TMPDIR/$1
	printf '#!/bin/sh\nf=$1\n%s\n' "$2" > "$path"
	chmod +x "$path"
	echo "$path"
}

@test "env add, show masks values, --reveal prints them, list counts" {
	run --separate-stderr "$PAKS" env add proj "TOKEN=$SECRET" \
	    'GREETING=hello world'
	[ "$status" -eq 0 ]
	[ "$(cat "$ENVS/proj")" = "$(printf 'TOKEN=%s\nGREETING=hello world' \
	    "$SECRET")" ]
	run --separate-stderr "$PAKS" env show proj
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "TOKEN=********" ]
	[ "${lines[1]}" = "GREETING=********" ]
	[[ $output != *"$SECRET"* && $output != *hello* ]]
	[ -z "$stderr" ]
	run --separate-stderr "$PAKS" env show proj --reveal
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "TOKEN=$SECRET" ]
	[ "${lines[1]}" = "GREETING=hello world" ]
	"$PAKS" env add other A=1
	run --separate-stderr "$PAKS" env list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ ${lines[0]} =~ ^other\ +1\ variable$ ]]
	[[ ${lines[1]} =~ ^proj\ +2\ variables$ ]]
	[[ $output != *"$SECRET"* ]]
}

@test "env files are private: 0700 directory, 0600 files" {
	umask 022
	"$PAKS" env add proj A=1
	[ "$(stat -c %a "$PAKS_HOME")" = 700 ]
	[ "$(stat -c %a "$ENVS")" = 700 ]
	[ "$(stat -c %a "$ENVS/proj")" = 600 ]
	"$PAKS" env add proj B=2
	[ "$(stat -c %a "$ENVS/proj")" = 600 ]
}

@test "a file others can read is reported with chmod 600" {
	"$PAKS" env add proj "A=$SECRET"
	chmod 644 "$ENVS/proj"
	run --separate-stderr "$PAKS" env show proj
	[ "$status" -eq 0 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ ${stderr_lines[0]} == *"warning"*"$ENVS/proj"*"chmod 600"* ]]
	[[ $stderr != *"$SECRET"* ]]
	run --separate-stderr "$PAKS" env list
	[ "$status" -eq 0 ]
	[[ $stderr == *"chmod 600 $ENVS/proj"* ]]
	chmod 600 "$ENVS/proj"
	run --separate-stderr "$PAKS" env show proj
	[ -z "$stderr" ]
}

@test "every tricky value is stored exactly; simple ones stay raw" {
	nl=$'\n'
	run --separate-stderr "$PAKS" env add t \
	    'SPACES=a b  c' \
	    "QUOTES=it's \"so\"" \
	    'DOLLAR=$HOME ${X} $(id) `id`' \
	    'BACKSLASH=C:\dir\n\\' \
	    'HASH=# not a comment' \
	    'EQUALS=a=b=c' \
	    'UNICODE=héllo ✓ 日本' \
	    "NEWLINE=line1${nl}line2" \
	    'LEADQUOTE="x' \
	    'PADDED= both ' \
	    "TAB=a	b" \
	    'EMPTY='
	[ "$status" -eq 0 ]
	expected=$(cat <<-'EOF'
	SPACES=a b  c
	QUOTES=it's "so"
	DOLLAR=$HOME ${X} $(id) `id`
	BACKSLASH=C:\dir\n\\
	HASH=# not a comment
	EQUALS=a=b=c
	UNICODE=héllo ✓ 日本
	NEWLINE="line1\nline2"
	LEADQUOTE="\"x"
	PADDED=" both "
	TAB="a\tb"
	EMPTY=
	EOF
	)
	[ "$(cat "$ENVS/t")" = "$expected" ]
	run --separate-stderr "$PAKS" env show t --reveal
	[ "$output" = "$expected" ]
	# a rewrite (add another key) keeps every value as it was
	"$PAKS" env add t LAST=1
	[ "$(cat "$ENVS/t")" = "$expected${nl}LAST=1" ]
}

@test "env add refuses to replace a key without --force" {
	"$PAKS" env add proj "A=$SECRET" B=2
	before=$(snapshot)
	run --separate-stderr "$PAKS" env add proj A=other C=3
	check_error 1
	[ "${stderr_lines[0]}" = "paks: environment 'proj' already has 'A'" ]
	[[ ${stderr_lines[1]} == *--force* ]]
	[ "$(snapshot)" = "$before" ]
	run --separate-stderr "$PAKS" env add --force proj A=other C=3
	[ "$status" -eq 0 ]
	[ "$(cat "$ENVS/proj")" = "$(printf 'A=other\nB=2\nC=3')" ]
	run --separate-stderr "$PAKS" env add proj A=again -f
	[ "$status" -eq 0 ]
	grep -qx "A=again" "$ENVS/proj"
}

@test "env rm removes keys; a missing key or environment is an error" {
	"$PAKS" env add proj A=1 B=2 C=3
	run --separate-stderr "$PAKS" env rm proj B
	[ "$status" -eq 0 ]
	[ "$(cat "$ENVS/proj")" = "$(printf 'A=1\nC=3')" ]
	before=$(snapshot)
	run --separate-stderr "$PAKS" env rm proj A Z
	check_error 1
	[ "${stderr_lines[0]}" = "paks: environment 'proj' has no variable 'Z'" ]
	run --separate-stderr "$PAKS" env rm nope A
	check_error 1
	[ "${stderr_lines[0]}" = "paks: environment 'nope' does not exist" ]
	run --separate-stderr "$PAKS" env rm proj 1A
	check_error 2
	[ "$(snapshot)" = "$before" ]
}

@test "the original paks's order, name last, works where it is unambiguous" {
	run --separate-stderr "$PAKS" env add "PB_TOKEN=$SECRET" B=2 pbenv
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(cat "$ENVS/pbenv")" = "$(printf 'PB_TOKEN=%s\nB=2' "$SECRET")" ]
	run --separate-stderr "$PAKS" env rm PB_TOKEN pbenv
	[ "$status" -eq 0 ]
	[ "$(cat "$ENVS/pbenv")" = "B=2" ]
	# both words could be an environment: the name comes first
	"$PAKS" env add B B=1
	run --separate-stderr "$PAKS" env rm B pbenv
	check_error 1
	[ "${stderr_lines[0]}" = "paks: environment 'B' has no variable 'pbenv'" ]
	[ "$(cat "$ENVS/pbenv")" = "B=2" ]
}

@test "env list --format json: names and counts, never a value" {
	"$PAKS" env add proj "A=$SECRET" B=2
	"$PAKS" env add other C=3
	run --separate-stderr "$PAKS" env list --format json
	[ "$status" -eq 0 ]
	[[ $output != *"$MARK"* ]]
	[ "$(python3 -c 'import json, sys
print(" ".join("%s:%d" % (e["name"], e["variables"]) for e in json.load(sys.stdin)))' \
	    <<< "$output")" = "other:1 proj:2" ]
	run --separate-stderr "$PAKS" env list --format yaml
	check_error 2
	[ "${stderr_lines[0]}" = "paks: unknown format 'yaml'" ]
}

@test "env delete removes the environment" {
	"$PAKS" env add proj A=1
	"$PAKS" env add keep A=1
	run --separate-stderr "$PAKS" env delete proj
	[ "$status" -eq 0 ]
	[ ! -e "$ENVS/proj" ]
	[ -e "$ENVS/keep" ]
	run --separate-stderr "$PAKS" env list
	[ "$output" = "keep  1 variable" ]
	run --separate-stderr "$PAKS" env delete proj
	check_error 1
	run --separate-stderr "$PAKS" env show proj
	check_error 1
}

@test "bad environment names are refused and nothing is written" {
	"$PAKS" env add keep A=1
	before=$(snapshot)
	for name in ../x . .. a/b /etc/passwd '' 'x y' '~x' "$(printf 'a\nb')" \
	    "$(printf 'x%.0s' {1..201})"; do
		run --separate-stderr "$PAKS" env add -- "$name" "A=$SECRET"
		check_error 2
		[[ ${stderr_lines[0]} == "paks: "*"environment name"* ]]
		run --separate-stderr "$PAKS" env show -- "$name"
		check_error 2
		run --separate-stderr "$PAKS" env delete -- "$name"
		check_error 2
	done
	[ "$(snapshot)" = "$before" ]
	[ ! -e "$BATS_TEST_TMPDIR/x" ]
	run --separate-stderr "$PAKS" env add ../x A=1
	[ "${stderr_lines[0]}" = "paks: invalid environment name (not shown: it may be a value)" ]
	run --separate-stderr "$PAKS" env add .. A=1
	[ "${stderr_lines[0]}" = "paks: invalid environment name '..'" ]
}

@test "bad keys and arguments are refused without echoing a value" {
	"$PAKS" env add keep A=1
	before=$(snapshot)
	for arg in "1A=$SECRET" "A-B=$SECRET" "=$SECRET" "A B=$SECRET" \
	    "$SECRET" "ü=$SECRET"; do
		run --separate-stderr "$PAKS" env add x "$arg"
		check_error 2
	done
	run --separate-stderr "$PAKS" env add x 1A=2
	[ "${stderr_lines[0]}" = "paks: env add: argument 2: invalid variable name" ]
	run --separate-stderr "$PAKS" env add x "--bogus=$SECRET"
	check_error 2
	[[ ${stderr_lines[0]} == *"unknown option '--bogus'"* ]]
	run --separate-stderr "$PAKS" env show keep --force
	check_error 2
	run --separate-stderr "$PAKS" env add x
	check_error 2
	run --separate-stderr "$PAKS" env add x --force
	check_error 2
	[ "$(snapshot)" = "$before" ]
}

@test "a malformed file is reported as FILE:LINE and left untouched" {
	"$PAKS" env add proj A=1 "B=$SECRET"
	"$PAKS" env add good A=1
	printf 'this line has no equals %s\n' "$SECRET" >> "$ENVS/proj"
	before=$(snapshot)
	for cmd in "show proj" "show proj --reveal" "add proj C=3" \
	    "add proj C=3 --force" "rm proj A"; do
		run --separate-stderr "$PAKS" env $cmd
		check_error 1
		[[ ${stderr_lines[0]} == "paks: $ENVS/proj:3: expected KEY=VALUE" ]]
	done
	run --separate-stderr "$PAKS" env list
	[ "$status" -eq 1 ]
	[[ ${lines[0]} =~ ^good\ +1\ variable$ ]]
	[[ ${lines[1]} =~ ^proj\ +\(unreadable\)$ ]]
	[[ $stderr == "paks: $ENVS/proj:3: expected KEY=VALUE"* ]]
	[[ $stderr != *"$SECRET"* ]]
	printf 'X="%s\\q"\n' "$SECRET" > "$ENVS/good"
	before=$(snapshot)
	run --separate-stderr "$PAKS" env show good --reveal
	check_error 1
	[[ ${stderr_lines[0]} == "paks: $ENVS/good:1: value of 'X': unknown escape"* ]]
	[ "$(snapshot)" = "$before" ]
}

@test "50 concurrent adds all land" {
	for i in $(seq 1 50); do
		"$PAKS" env add proj "K$i=v$i" &
	done
	wait
	[ "$(wc -l < "$ENVS/proj")" -eq 50 ]
	for i in $(seq 1 50); do
		grep -qx "K$i=v$i" "$ENVS/proj"
	done
	run --separate-stderr "$PAKS" env list
	[[ $output =~ ^proj\ +50\ variables$ ]]
	# only the environment and the lock file: no temporary file is left
	[ "$(ls -A "$ENVS" | sort | tr '\n' ' ')" = "#lock proj " ]
}

@test "env edit saves a good edit and keeps the file on a bad one" {
	"$PAKS" env add proj A=1
	export EDITOR=$(editor good "cat >> \"\$f\" <<'X'
# mine
B=\"x\\ny\"
X")
	run --separate-stderr "$PAKS" env edit proj
	[ "$status" -eq 0 ]
	[ "$(cat "$ENVS/proj")" = "$(printf 'A=1\n# mine\nB="x\\ny"')" ]
	[ "$(stat -c %a "$ENVS/proj")" = 600 ]
	run --separate-stderr "$PAKS" env show proj
	[ "${#lines[@]}" -eq 2 ]

	before=$(snapshot)
	export EDITOR=$(editor bad "printf 'C=1\nnot a line $SECRET\n' >> \"\$f\"")
	run --separate-stderr "$PAKS" env edit proj
	check_error 1
	[ "${stderr_lines[0]}" = "paks: edit not saved: $ENVS/proj:5: expected KEY=VALUE" ]
	[ "$(snapshot)" = "$before" ]
	export EDITOR=$(editor dup 'echo "A=2" >> "$f"')
	run --separate-stderr "$PAKS" env edit proj
	check_error 1
	[[ ${stderr_lines[0]} == *"proj:4: 'A' is set twice" ]]
	export EDITOR=$(editor fails 'echo "Z=1" >> "$f"; exit 1')
	run --separate-stderr "$PAKS" env edit proj
	check_error 1
	[ "$(snapshot)" = "$before" ]
}

@test "env edit creates a new environment, but not when left unchanged" {
	export EDITOR=true
	run --separate-stderr "$PAKS" env edit fresh
	[ "$status" -eq 0 ]
	[ ! -e "$ENVS/fresh" ]
	export EDITOR=$(editor add 'echo "NEW=1" >> "$f"')
	run --separate-stderr "$PAKS" env edit fresh
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$ENVS/fresh")" = 600 ]
	run --separate-stderr "$PAKS" env show fresh --reveal
	[ "$output" = "NEW=1" ]
	[ "$(ls -A "$ENVS" | sort | tr '\n' ' ')" = "#lock fresh " ]
}

@test "env with no or an unknown subcommand is a usage error" {
	run --separate-stderr "$PAKS" env
	check_error 2
	run --separate-stderr "$PAKS" env frob
	check_error 2
	run --separate-stderr "$PAKS" env show
	check_error 2
	run --separate-stderr "$PAKS" env --help
	[ "$status" -eq 0 ]
	[[ $output == *add*rm*show*list*edit*delete* ]]
	run --separate-stderr "$PAKS" env list
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "a value typed where a name, key or option belongs is never echoed" {
	"$PAKS" env add keep A=1
	before=$(snapshot)
	# NAME forgotten: the KEY=VALUE is taken for the name
	run --separate-stderr "$PAKS" env add "PB_TOKEN=$SECRET"
	check_error 2
	[ "${stderr_lines[0]}" = "paks: invalid environment name: it looks like KEY=VALUE (values are never shown)" ]
	for cmd in show delete edit; do
		run --separate-stderr "$PAKS" env $cmd "T=$SECRET"
		check_error 2
	done
	run --separate-stderr "$PAKS" env add "$SECRET/x" A=1
	check_error 2
	run --separate-stderr "$PAKS" env rm "T=$SECRET" A
	check_error 2
	# "KEY= value": the value is a word of its own, shaped like a KEY
	run --separate-stderr "$PAKS" env add x TOKEN= "${MARK}Value" </dev/null
	check_error 2
	[ "${stderr_lines[0]}" = "paks: env add: argument 3 has no '=' but others do (values are never shown)" ]
	# a base64 value read as KEY=VALUE: its key part is refused unquoted
	run --separate-stderr "$PAKS" env add x "a+b/${MARK}==" </dev/null
	check_error 2
	[ "${stderr_lines[0]}" = "paks: env add: argument 2: invalid variable name" ]
	# a value that starts with '-' is not quoted as an unknown option
	for opt in "-$SECRET" "--$SECRET" "-x$MARK=1"; do
		run --separate-stderr "$PAKS" env add x A=1 "$opt"
		check_error 2
		[ "${stderr_lines[0]}" = "paks: env add: argument 3 is an unknown option (values are never shown)" ]
	done
	run --separate-stderr "$PAKS" env rm keep "$SECRET"
	check_error 2
	[ "${stderr_lines[0]}" = "paks: env rm: argument 2: invalid variable name" ]
	# "-e $TOKEN" for the container: refused before any engine is asked
	run --separate-stderr env PATH=/nonexistent "$PAKS" run -e A=1 -e "$SECRET" img
	check_error 2
	[ "${stderr_lines[0]}" = "paks: run: -e number 2 is not KEY=VALUE (values are never shown)" ]
	[ "$(snapshot)" = "$before" ]
	[ ! -e "$ENVS/x" ]
}

@test "env add NAME KEY... reads one line per KEY from a pipe" {
	run --separate-stderr "$PAKS" env add proj TOKEN OTHER < <(
	    printf '%s\n%s\n' "$SECRET" ' spaced "q" $x \n ')
	[ "$status" -eq 0 ]
	# no prompt when standard input is not a terminal, nothing echoed
	[ -z "$output" ] && [ -z "$stderr" ]
	[ "$(cat "$ENVS/proj")" = "$(printf 'TOKEN=%s\nOTHER=" spaced \\"q\\" $x \\\\n "' "$SECRET")" ]
	# a last line without newline; an empty line is an empty value
	printf 'last %s' "$SECRET" | "$PAKS" env add proj LAST
	printf '\nnext\n' | "$PAKS" env add proj EMPTY NEXT
	run --separate-stderr "$PAKS" env show proj --reveal
	[ "${lines[2]}" = "LAST=last $SECRET" ]
	[ "${lines[3]}" = "EMPTY=" ]
	[ "${lines[4]}" = "NEXT=next" ]

	before=$(snapshot)
	# fewer lines than keys: nothing is written
	run --separate-stderr "$PAKS" env add proj X Y < <(printf '%s\n' "$SECRET")
	check_error 1
	[ "${stderr_lines[0]}" = "paks: env add: no value for 'Y' on standard input" ]
	run --separate-stderr "$PAKS" env add proj X </dev/null
	check_error 1
	# an existing key is refused before its value is read
	run --separate-stderr "$PAKS" env add proj TOKEN < <(echo "new$MARK")
	check_error 1
	[ "${stderr_lines[0]}" = "paks: environment 'proj' already has 'TOKEN'" ]
	run --separate-stderr "$PAKS" env add proj A A </dev/null
	check_error 2
	[ "${stderr_lines[0]}" = "paks: env add: 'A' is given twice" ]
	[ "$(snapshot)" = "$before" ]
	printf 'new\n' | "$PAKS" env add proj TOKEN --force
	grep -qx 'TOKEN=new' "$ENVS/proj"
}

@test "env add NAME --stdin reads KEY=VALUE lines, all or nothing" {
	"$PAKS" env add proj KEEP=1
	cat > "$BATS_TEST_TMPDIR/in" <<-EOF
	# comments and blank lines are skipped

	TOKEN=$SECRET
	  SPACED=a b \$HOME 
	QUOTED="line1\\nline2"
	EOF
	run --separate-stderr "$PAKS" env add proj --stdin < "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ -z "$output" ] && [ -z "$stderr" ]
	[ "$(cat "$ENVS/proj")" = "$(printf 'KEEP=1\nTOKEN=%s\nSPACED="a b $HOME "\nQUOTED="line1\\nline2"' "$SECRET")" ]
	[ "$(stat -c %a "$ENVS/proj")" = 600 ]

	before=$(snapshot)
	# a malformed line: its number, never its text; the file unchanged
	run --separate-stderr "$PAKS" env add proj --stdin --force < <(
	    printf 'A=1\nB=%s\nnot a line %s\nC=3\n' "$SECRET" "$SECRET")
	check_error 1
	[ "${stderr_lines[0]}" = "paks: env add: stdin:3: expected KEY=VALUE" ]
	run --separate-stderr "$PAKS" env add proj --stdin < <(
	    printf 'A=1\n1A=%s\n' "$SECRET")
	check_error 1
	[ "${stderr_lines[0]}" = "paks: env add: stdin:2: invalid variable name" ]
	run --separate-stderr "$PAKS" env add proj --stdin < <(
	    printf 'A=1\nA=%s\n' "$SECRET")
	check_error 1
	[[ ${stderr_lines[0]} == *"stdin:2: 'A' is set twice" ]]
	run --separate-stderr "$PAKS" env add proj --stdin < <(printf '# only\n\n')
	check_error 1
	[ "${stderr_lines[0]}" = "paks: env add: no KEY=VALUE line on standard input" ]
	# an existing key needs --force, as on the command line
	run --separate-stderr "$PAKS" env add proj --stdin < <(echo "TOKEN=x$MARK")
	check_error 1
	run --separate-stderr "$PAKS" env add proj --stdin TOKEN </dev/null
	check_error 2
	[ "$(snapshot)" = "$before" ]
	echo "TOKEN=replaced" | "$PAKS" env add proj --stdin --force
	grep -qx 'TOKEN=replaced' "$ENVS/proj"
}

@test "a KEY typed at a terminal is not shown, not in argv, stored exactly" {
	tty_setup
	typed1="$SECRET \$(id) 'q' \\x"
	typed2="second $MARK"
	pk_start_cmd "$PAKS" env add tty TOKEN OTHER
	pk_wait_for '^TOKEN:$'
	pk_type "$typed1"
	pk_key Enter
	pk_wait_for '^OTHER:$'
	# the first value is in paks's memory now: not in its argv (ps)
	pid=$(pgrep -f -- 'env add tty TOKEN OTHER$')
	[ -n "$pid" ]
	grep -q 'TOKEN' "/proc/$pid/cmdline"
	pk_refute grep -q "$MARK" "/proc/$pid/cmdline"
	pk_type "$typed2"
	pk_key Enter
	pk_exit_is 0
	pk_screen_lacks -F "$MARK"
	pk_stty_restored
	[ "$(cat "$ENVS/tty")" = "$(printf 'TOKEN=%s\nOTHER=%s' "$typed1" "$typed2")" ]
	# --stdin never reads a terminal: what is typed there would show
	pk_tmux kill-server
	pk_start_cmd "$PAKS" env add tty --stdin
	pk_exit_is 2
	pk_wait_for -F 'not a terminal'
}

# tty_start_sh SCRIPT: run SCRIPT in sh -c in the test's terminal, with
# $1 paks and $2 a file for `stty -g`. sh, unlike an interactive bash,
# leaves the terminal as a killed paks left it.
tty_start_sh() {
	pk_start_cmd sh -c "$1" sh "$PAKS" "$PK_DIR/stty.mid"
}

# What sh saw after paks was the terminal from before.
tty_mid_restored() {
	if ! cmp -s "$PK_DIR/stty.before" "$PK_DIR/stty.mid"; then
		echo "terminal not restored: $(cat "$PK_DIR/stty.mid")" >&2
		return 1
	fi
}

@test "Ctrl-C or SIGTERM at the prompt restores the terminal, stores nothing" {
	tty_setup
	tty_start_sh 'trap : INT; "$1" env add tty TOKEN; echo "rc=$?"
	    stty -g > "$2"'
	pk_wait_for '^TOKEN:$'
	pk_type "half$MARK"
	pk_key C-c
	pk_wait_for 'rc=130$'
	pk_exit_is 0
	tty_mid_restored
	pk_screen_lacks -F "$MARK"
	[ ! -e "$ENVS/tty" ]

	pk_tmux kill-server
	tty_start_sh '"$1" env add tty TOKEN; echo "rc=$?"; stty -g > "$2"'
	pk_wait_for '^TOKEN:$'
	# typed but not entered: flushed, so that no shell reads it
	pk_type "half$MARK"
	sleep 0.2
	kill -TERM "$(pgrep -f -- 'env add tty TOKEN$')"
	pk_wait_for 'rc=143$'
	pk_exit_is 0
	tty_mid_restored
	pk_line 'echo after-term'
	pk_wait_for '^after-term$'
	pk_screen_lacks -F "$MARK"
	[ ! -e "$ENVS/tty" ]
}

@test "Ctrl-Z at the prompt gives the terminal back; fg asks again, unseen" {
	tty_setup
	pk_start_cmd true
	pk_exit_is 0
	pk_line "$PAKS env add tty TOKEN"
	pk_wait_for '^TOKEN:$'
	pk_key C-z
	pk_wait_for 'Stopped'
	pk_line "stty -g > $PK_DIR/stty.mid; echo stty-taken"
	pk_wait_for '^stty-taken$'
	tty_mid_restored
	pk_line 'fg'
	# the prompt again, once continued
	deadline=$((SECONDS + 10))
	until (($(pk_screen | grep -c '^TOKEN:$') == 2)); do
		((SECONDS < deadline)) || { pk_dump; return 1; }
		sleep 0.1
	done
	pk_type "$SECRET"
	pk_key Enter
	pk_line 'echo "rc=$?"'
	pk_wait_for '^rc=0$'
	pk_screen_lacks -F "$MARK"
	[ "$(cat "$ENVS/tty")" = "TOKEN=$SECRET" ]
}
