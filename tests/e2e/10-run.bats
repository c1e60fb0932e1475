#!/usr/bin/env bats
# engines: both
#
# 10-run: `paks run` end to end, on the engine in $PAKS_ENGINE, typed into a
# real terminal (tmux) on the two test images: paks-test/debian:bookworm
# (bash, less, vi) and paks-test/busybox (no bash: the /bin/sh fallback).
# Covers: the shell answering, exit status, removal of the container, the
# terminal restored however the session ends (exit, engine kill, SIGTERM,
# SIGHUP), window resize, -e/-w/-v/--shell/--keep, full-screen programs,
# Ctrl-C, the one-line errors (missing image, bad reference, unknown
# engine, docker daemon not answering, no terminal, unknown option), and
# --help/--version.
# Exercises: src/main.c, src/host/host-run.c, src/host/host-help.c,
# src/session/{session,proxy,tty}.c, src/engine/engine.c,
# src/image/imageref.c.

load lib/helpers

setup_file() {
	pk_require_engine
	# container names of this file's tests: paks-e2e-$PK_RUN_ID-N
	export PK_RUN_ID=${PK_RUN_ID:-$$}
}

setup() {
	pk_setup
}

teardown() {
	pk_teardown
}

# A shell prompt inside: bash's "root@host:/#", busybox's "/ #".
PROMPT='#$'

# start_shell [run args...] IMAGE: paks run, then wait for the prompt
start_shell() {
	pk_start "$@"
	pk_wait_for "$PROMPT"
}

# The screen between paks start and its end is exactly one "paks: " line
# and at most one "hint: " line.
assert_one_error() {
	local out
	out=$(pk_output)
	printf 'paks printed:\n%s\n' "$out"
	[[ $(grep -c '^paks: ' <<<"$out") -eq 1 ]]
	[[ $(grep -c '^hint: ' <<<"$out") -le 1 ]]
	[[ $(grep -cv '^paks: \|^hint: ' <<<"$out") -eq 0 ]]
}

# The same for output captured by bats' run.
assert_one_error_output() {
	printf 'paks printed:\n%s\n' "$output"
	[[ ${lines[0]} == "paks: "* ]]
	[[ ${#lines[@]} -eq 1 || (${#lines[@]} -eq 2 && ${lines[1]} == "hint: "*) ]]
}

@test "debian: bash answers typed input, exit 0 restores the terminal" {
	start_shell "$PK_DEBIAN"
	pk_line 'echo "$((6*7)) ${BASH_VERSION%%.*}"'
	pk_wait_for '^42 5$'
	pk_line 'exit'
	pk_exit_is 0
	pk_stty_restored
	pk_refute pk_container_exists
}

@test "busybox: no bash, falls back to /bin/sh with a notice" {
	start_shell "$PK_BUSYBOX"
	pk_wait_for -F 'paks: /bin/bash not found in the image, using /bin/sh'
	pk_line 'echo $((6*7))'
	pk_wait_for '^42$'
	pk_line 'exit'
	pk_exit_is 0
	pk_stty_restored
}

@test "debian: exit 3 ends paks with status 3 and removes the container" {
	start_shell "$PK_DEBIAN"
	pk_container_exists
	pk_line 'exit 3'
	pk_exit_is 3
	pk_stty_restored
	pk_refute pk_container_exists
}

@test "busybox: exit 3 ends paks with status 3 and removes the container" {
	start_shell "$PK_BUSYBOX"
	pk_line 'exit 3'
	pk_exit_is 3
	pk_stty_restored
	pk_refute pk_container_exists
}

@test "the engine killing the container ends paks, terminal restored" {
	start_shell "$PK_DEBIAN"
	"$PAKS_ENGINE" kill "$PK_NAME" >/dev/null
	code=$(pk_wait_exit)
	echo "exit status: $code"
	[[ $code -eq 137 ]]
	pk_stty_restored
	pk_refute pk_container_exists
	# one line, at the start of a line, says what happened
	pk_output | grep -qx 'paks: the shell was killed (SIGKILL): the container was killed or stopped from outside'
}

# exit_is_own IMAGE: a shell that ends with 137 by itself (exit 137) is
# not taken for a killed container: the shell reported its end
exit_is_own() {
	start_shell "$1"
	pk_line 'exit 137'
	pk_exit_is 137
	pk_stty_restored
	pk_output
	# (busybox: only the notice that it has no bash)
	pk_refute grep '^paks: ' <<<"$(pk_output | grep -v 'not found in the image')"
}

@test "debian: exit 137 is the shell's own status, paks adds no word" {
	exit_is_own "$PK_DEBIAN"
}

@test "busybox: exit 137 is the shell's own status, paks adds no word" {
	exit_is_own "$PK_BUSYBOX"
}

@test "debian: a bashrc's own EXIT trap still runs, and exit 137 stays the shell's" {
	# the user's trap runs after paks's report, and may end with its own
	# status; paks adds no word either way
	printf '%s\n' "trap 'echo \"bye from \$HOME, \\\"quoted\\\"\"' EXIT" \
	    > "$BATS_TEST_TMPDIR/bashrc"
	start_shell -v "$BATS_TEST_TMPDIR/bashrc:/root/.bashrc:ro" "$PK_DEBIAN"
	pk_line 'exit 137'
	pk_exit_is 137
	pk_stty_restored
	pk_output | grep -qxF 'bye from /root, "quoted"'
	pk_refute grep '^paks: ' <<<"$(pk_output)"
}

@test "a resize reaches the shell inside" {
	start_shell "$PK_DEBIAN"
	pk_line 'stty size'
	pk_wait_for '^24 80$'
	pk_resize 100 30
	# the size travels paks -> pty -> engine client -> container while
	# the typed line takes its own way; ask until the answer is there
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		pk_line 'stty size'
		if pk_wait_for '^30 100$' 2 2>/dev/null; then
			break
		fi
	done
	pk_wait_for '^30 100$' 1
}

@test "SIGTERM ends paks, terminal restored, container removed" {
	start_shell "$PK_DEBIAN"
	pk_signal_paks TERM
	pk_exit_is 143
	pk_stty_restored
	pk_refute pk_container_exists
	pk_output | grep -qx "paks: stopped by SIGTERM; the container '$PK_NAME' is removed"
}

@test "SIGHUP ends paks, terminal restored, container removed" {
	start_shell "$PK_BUSYBOX"
	pk_signal_paks HUP
	pk_exit_is 129
	pk_stty_restored
	pk_refute pk_container_exists
	pk_output | grep -qx "paks: stopped by SIGHUP; the container '$PK_NAME' is removed"
}

@test "a missing image gives one clear line and a non-zero exit" {
	pk_start paks-test/no-such-image:nope
	code=$(pk_wait_exit 60)
	[[ $code -ne 0 ]]
	assert_one_error
	pk_output | grep -q "paks-test/no-such-image:nope"
	pk_stty_restored
}

@test "a bad image reference gives one clear line and a non-zero exit" {
	pk_start 'Bad/Image:x y'
	code=$(pk_wait_exit)
	[[ $code -ne 0 ]]
	assert_one_error
	pk_output | grep -q '^paks: invalid image reference'
}

@test "an unknown engine gives one clear line and a non-zero exit" {
	pk_start_cmd "$PAKS" run -c rkt --name "$PK_NAME" "$PK_DEBIAN"
	code=$(pk_wait_exit)
	[[ $code -ne 0 ]]
	assert_one_error
	pk_output | grep -q "rkt"
}

@test "a docker daemon that does not answer gives one clear line" {
	DOCKER_HOST=unix:///nonexistent.sock pk_start_cmd "$PAKS" run \
	    -c docker --name "$PK_NAME" -o --network=none "$PK_DEBIAN"
	code=$(pk_wait_exit)
	[[ $code -ne 0 ]]
	assert_one_error
	pk_output | grep -q '^paks: docker '
	pk_stty_restored
}

@test "not on a terminal: exit 2 and one line" {
	run "$PAKS" run -c "$PAKS_ENGINE" "$PK_DEBIAN" </dev/null
	[[ $status -eq 2 ]]
	assert_one_error_output
	pk_refute pk_container_exists
}

@test "--keep leaves the container" {
	start_shell --keep "$PK_BUSYBOX"
	pk_line 'exit 0'
	pk_exit_is 0
	pk_container_exists
	"$PAKS_ENGINE" rm -f "$PK_NAME" >/dev/null
}

@test "-e, -w and -v arrive exactly" {
	local val host
	val="a  b 'c' \"d\" \$(echo no) \`echo no\` \$HOME ; | & * \\"
	host="$BATS_TEST_TMPDIR/host dir"
	mkdir -p "$host"
	printf '%s\n' "$val" > "$host/f"
	# podman, unlike docker, does not create a missing workdir: use the
	# mount point
	start_shell -e "PK_VAL=$val" -w "/mnt/host dir" \
	    -v "$host:/mnt/host dir" "$PK_DEBIAN"
	pk_line 'printf "env<%s>\n" "$PK_VAL"'
	pk_wait_for -F "env<$val>"
	pk_line 'printf "pwd<%s>\n" "$PWD"'
	pk_wait_for -F "pwd</mnt/host dir>"
	pk_line 'printf "file<%s>\n" "$(cat f)"'
	pk_wait_for -F "file<$val>"
	pk_line 'echo from-inside > "/mnt/host dir/g"; exit'
	pk_exit_is 0
	[[ $(cat "$host/g") == from-inside ]]
}

@test "--shell /bin/sh starts sh" {
	start_shell --shell /bin/sh "$PK_DEBIAN"
	pk_line 'echo "shell=$0 bash=${BASH_VERSION:-none}"'
	pk_wait_for '^shell=/bin/sh bash=none$'
	pk_line 'exit 4'
	pk_exit_is 4
}

@test "vi works full-screen" {
	start_shell "$PK_DEBIAN"
	pk_line 'vi /tmp/note'
	pk_wait_for '^~$'
	[[ $(pk_tmux display -p -t pk '#{alternate_on}') == 1 ]]
	pk_type 'ihello from vi'
	pk_key Escape
	pk_type ':wq'
	pk_key Enter
	# as a person would: the next line once vi has closed
	pk_wait_for_alt 0
	pk_line 'printf "file:%s\n" "$(cat /tmp/note)"'
	pk_wait_for '^file:hello from vi$'
	[[ $(pk_tmux display -p -t pk '#{alternate_on}') == 0 ]]
}

@test "less pages full-screen and quits" {
	start_shell "$PK_DEBIAN"
	pk_line 'seq 1 100 | less'
	pk_wait_for '^23$'
	pk_wait_for '^:$'
	[[ $(pk_tmux display -p -t pk '#{alternate_on}') == 1 ]]
	# one screen: 23 lines and the prompt, not line 24
	pk_refute grep -q '^24$' <<<"$(pk_tmux capture-pane -p -t pk)"
	pk_type 'G'
	pk_wait_for '^100$'
	pk_wait_for '\(END\)'
	pk_type 'q'
	pk_line 'echo "less-rc=$?"'
	pk_wait_for '^less-rc=0$'
}

@test "Ctrl-C interrupts sleep 100" {
	start_shell "$PK_DEBIAN"
	pk_line 'echo sleeping; sleep 100; echo not-interrupted'
	pk_wait_for '^sleeping$'
	pk_key C-c
	pk_line 'echo "rc=$?"'
	pk_wait_for '^rc=130$' 10
	pk_screen_lacks '^not-interrupted$'
	pk_line 'exit'
	pk_exit_is 0
}

@test "--version, --help and run --help exit 0" {
	run "$PAKS" --version
	[[ $status -eq 0 && $output == "paks "[0-9]* ]]
	run "$PAKS" --help
	[[ $status -eq 0 && $output == *"paks run"* ]]
	run "$PAKS" run --help
	[[ $status -eq 0 && $output == "usage: paks run"* ]]
}

@test "an unknown option exits 2 with one line" {
	run "$PAKS" --no-such-option
	[[ $status -eq 2 ]]
	assert_one_error_output
	run "$PAKS" run --no-such-option "$PK_DEBIAN" </dev/null
	[[ $status -eq 2 ]]
	assert_one_error_output
}

@test "no test container is left behind" {
	run "$PAKS_ENGINE" ps -a --format '{{.Names}}'
	[[ $status -eq 0 ]]
	echo "$output"
	pk_refute grep -q "^paks-e2e-$PK_RUN_ID-" <<<"$output"
}

# An image whose ENTRYPOINT sets a variable and a directory, then runs its
# arguments (as conda's and CUDA's do), made from the Debian test image.
entrypoint_image() {
	local img=paks-e2e-ep-$PK_RUN_ID:latest ctr=paks-e2e-ep-$PK_RUN_ID
	local ep=$BATS_TEST_TMPDIR/ep.sh

	printf '#!/bin/sh\nexport FROM_EP=set-by-entrypoint\nexec "$@"\n' > "$ep"
	chmod +x "$ep"
	"$PAKS_ENGINE" create --name "$ctr" --network none "$PK_DEBIAN" true >/dev/null
	"$PAKS_ENGINE" cp "$ep" "$ctr:/ep.sh"
	"$PAKS_ENGINE" commit --change 'ENTRYPOINT ["/ep.sh"]' "$ctr" "$img" >/dev/null
	"$PAKS_ENGINE" rm "$ctr" >/dev/null
	echo "$img"
}

@test "the image's ENTRYPOINT runs before the shell, #commands work; --no-entrypoint skips it" {
	local img
	img=$(entrypoint_image)
	export PK_EP_HOST=from-the-host
	start_shell "$img"
	pk_line 'echo "ep=$FROM_EP"'
	pk_wait_for '^ep=set-by-entrypoint$'
	pk_line '#envhost PK_EP_HOST'
	pk_wait_for -F 'copied 1 variable from the host'
	pk_line 'echo "host=$PK_EP_HOST"'
	pk_wait_for '^host=from-the-host$'
	pk_line 'exit'
	pk_exit_is 0
	pk_tmux kill-server 2>/dev/null || true
	PK_SOCK=$PK_DIR/tmux2.sock
	start_shell --no-entrypoint "$img"
	pk_line 'echo "ep=${FROM_EP:-none}"'
	pk_wait_for '^ep=none$'
	pk_line 'exit'
	pk_exit_is 0
	pk_tmux kill-server 2>/dev/null || true
	# an ENTRYPOINT that never runs its arguments: said, with the way out
	local ctr=paks-e2e-ep2-$PK_RUN_ID
	"$PAKS_ENGINE" create --name "$ctr" --network none "$img" >/dev/null
	"$PAKS_ENGINE" commit --change 'ENTRYPOINT ["/bin/echo"]' "$ctr" \
	    "$img-echo" >/dev/null
	"$PAKS_ENGINE" rm "$ctr" >/dev/null
	PK_SOCK=$PK_DIR/tmux3.sock
	pk_start "$img-echo"
	pk_exit_is 125
	pk_wait_for -F "paks: the image's ENTRYPOINT [\"/bin/echo\"] ended before the shell started"
	pk_wait_for -F "hint: 'paks run --no-entrypoint $img-echo' starts the shell directly"
	"$PAKS_ENGINE" rmi "$img" "$img-echo" >/dev/null
}
