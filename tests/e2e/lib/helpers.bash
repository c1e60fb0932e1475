# Shared harness for the end-to-end tests: paks runs in a real terminal (a
# tmux pane of fixed size), driven as a person types, and the screen is read
# back with capture-pane. Load with `load lib/helpers` and call pk_setup and
# pk_teardown from setup and teardown.
#
# Each test gets:
#   - its own tmux server (socket in $BATS_TEST_TMPDIR, -f /dev/null)
#   - its own PAKS_HOME ($BATS_TEST_TMPDIR/home), PAKS_SYSTEM_SETTINGS
#     pointing nowhere, and a unique container name in $PK_NAME:
#     paks-e2e-$PK_RUN_ID-$BATS_TEST_NUMBER (tests/run sets PK_RUN_ID;
#     else a file's setup_file should export PK_RUN_ID=$$)
#   - a teardown that removes the container with the engine, waits for
#     paks to end and kills the tmux server
#
# Functions:
#   pk_start [paks run args...]   start `paks run -c $PAKS_ENGINE --name
#                                 $PK_NAME -o --network=none ARGS` in the pane
#   pk_start_cmd CMD...           the same for any paks command line
#   pk_type TEXT                  type TEXT literally
#   pk_key KEY...                 press keys by tmux name: Enter C-c Up Escape
#   pk_line TEXT                  type TEXT and press Enter
#   pk_wait_for [-F] RE [SECS]    wait until a screen line matches RE (or
#                                 contains TEXT with -F); else fail and dump
#   pk_screen                     print the screen (and scrollback)
#   pk_wait_exit [SECS]           wait until paks has ended; prints its status
#   pk_exit_is N [SECS]           wait until paks has ended with status N
#   pk_screen_lacks [-F] RE       no screen line matches RE (or TEXT)
#   pk_refute CMD...              CMD fails (use it, not `! CMD`, mid-test)
#   pk_output                     what appeared between paks start and its end
#   pk_resize COLS ROWS           resize the terminal
#   pk_stty_restored              the terminal settings after equal before
#   pk_container_exists           the engine knows a container named $PK_NAME
#   pk_paks_pid                   pid of the paks process of this test
#   pk_start_as USER DIR CMD...   pk_start_cmd as another user, in DIR
#
# Environment: PAKS_ENGINE (docker or podman; default docker), PAKS_BIN
# (default build/paks of this tree), PK_TIMEOUT (default wait, seconds),
# PAKS_TIOCSTI (the in-container attacker; default build/tests/paks-tiocsti).

PK_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
PAKS=${PAKS_BIN:-$PK_ROOT/build/paks}
PAKS_ENGINE=${PAKS_ENGINE:-docker}
PK_TIMEOUT=${PK_TIMEOUT:-30}
# a static TIOCSTI injector to run inside containers (tests/tools/tiocsti.c)
PK_TIOCSTI=${PAKS_TIOCSTI:-$PK_ROOT/build/tests/paks-tiocsti}
PK_DEBIAN=paks-test/debian:bookworm
PK_BUSYBOX=paks-test/busybox:latest
export PAKS_ENGINE

pk_setup() {
	export PAKS_HOME=$BATS_TEST_TMPDIR/home
	export PAKS_SYSTEM_SETTINGS=/nonexistent
	mkdir -p "$PAKS_HOME"
	PK_DIR=$BATS_TEST_TMPDIR/pk
	mkdir -p "$PK_DIR"
	PK_NAME=paks-e2e-${PK_RUN_ID:-$$}-$BATS_TEST_NUMBER
	PK_SOCK=$PK_DIR/tmux.sock
	PK_STARTED=
}

pk_tmux() {
	# TMUX unset: works when the suite itself runs inside tmux
	TMUX='' tmux -S "$PK_SOCK" -f /dev/null "$@"
}

# Ends what the test started: the container first (so the engine client and
# paks end the ordinary way), then the terminal. Fails when paks outlives
# both.
pk_teardown() {
	local deadline=$((SECONDS + 15)) pid

	if [[ -n ${PK_NAME:-} ]]; then
		"$PAKS_ENGINE" rm -f "$PK_NAME" >/dev/null 2>&1 || true
	fi
	[[ -n ${PK_STARTED:-} ]] || return 0
	while [[ -n $(pk_paks_pid) ]] && ((SECONDS < deadline)); do
		sleep 0.1
	done
	pk_tmux kill-server 2>/dev/null || true
	pid=$(pk_paks_pid)
	if [[ -n $pid ]]; then
		echo "teardown: paks ($pid) still runs after its container" \
		    "and terminal are gone; killing it" >&2
		# shellcheck disable=SC2086 # one or more pids
		ps -o pid,ppid,stat,etimes,wchan:20,args -p "${pid//$'\n'/,}" >&2 ||
		    true
		pkill -KILL -P "$pid" 2>/dev/null || true
		kill -KILL $pid 2>/dev/null || true
		"$PAKS_ENGINE" rm -f "$PK_NAME" >/dev/null 2>&1 || true
		return 1
	fi
}

# Fail the test file early (not skip) when the engine or an image is missing.
pk_require_engine() {
	local image
	if ! "$PAKS_ENGINE" version >/dev/null 2>&1; then
		echo "engine '$PAKS_ENGINE' is not answering; run tests/engines.sh" >&2
		return 1
	fi
	for image in "$PK_DEBIAN" "$PK_BUSYBOX"; do
		if ! "$PAKS_ENGINE" image inspect "$image" >/dev/null 2>&1; then
			echo "$PAKS_ENGINE has no image $image; run tests/images/build.sh" >&2
			return 1
		fi
	done
}

# pk_start_cmd CMD...: run a command line in a fresh 80x24 terminal, as
# typed at a bash prompt. The terminal settings are saved before and after,
# and the status is shown as PAKS_EXIT=N when it ends.
pk_start_cmd() {
	local script=$PK_DIR/start.sh

	{
		printf 'stty -g > %q\n' "$PK_DIR/stty.before"
		printf 'echo PK_BEGIN\n'
		printf '%q ' "$@"
		printf '\npk_rc=$?\n'
		printf 'stty -g > %q\n' "$PK_DIR/stty.after"
		printf 'echo "$pk_rc" > %q\n' "$PK_DIR/exit"
		printf 'echo "PAKS_EXIT=$pk_rc"\n'
	} > "$script"
	rm -f "$PK_DIR/stty.before" "$PK_DIR/stty.after" "$PK_DIR/exit"
	PK_STARTED=1
	pk_tmux new-session -d -s pk -x 80 -y 24 \
	    "env PS1='pk\$ ' HISTFILE=/dev/null bash --norc --noprofile"
	pk_wait_for '^pk\$' 10 || return 1
	pk_line "source $(printf %q "$script")"
}

# pk_start [paks run args...]
pk_start() {
	pk_start_cmd "$PAKS" run -c "$PAKS_ENGINE" --name "$PK_NAME" \
	    -o --network=none "$@"
}

pk_type() {
	pk_tmux send-keys -t pk -l -- "$1"
}

pk_key() {
	pk_tmux send-keys -t pk "$@"
}

pk_line() {
	pk_type "$1"
	pk_key Enter
}

pk_screen() {
	pk_tmux capture-pane -p -J -S - -t pk | sed 's/[[:space:]]*$//'
}

pk_dump() {
	echo "--- screen ($PAKS_ENGINE, $PK_NAME) ---"
	pk_screen 2>&1 | grep -v '^$' | tail -n 60
	echo "---"
}

# pk_wait_for [-F] PATTERN [TIMEOUT]
pk_wait_for() {
	local mode=-E
	if [[ $1 == -F ]]; then
		mode=-F
		shift
	fi
	local pattern=$1 deadline=$((SECONDS + ${2:-$PK_TIMEOUT}))

	while :; do
		if pk_screen 2>/dev/null | grep -q "$mode" -- "$pattern"; then
			return 0
		fi
		if ((SECONDS >= deadline)); then
			echo "timed out after ${2:-$PK_TIMEOUT}s waiting for" \
			    "screen to match: $pattern" >&2
			pk_dump >&2
			return 1
		fi
		sleep 0.1
	done
}

# pk_wait_for_alt 0|1: wait until the alternate screen is off (0) or on (1).
pk_wait_for_alt() {
	local deadline=$((SECONDS + PK_TIMEOUT))

	until [[ $(pk_tmux display -p -t pk '#{alternate_on}') == "$1" ]]; do
		if ((SECONDS >= deadline)); then
			echo "timed out waiting for alternate_on=$1" >&2
			pk_dump >&2
			return 1
		fi
		sleep 0.1
	done
}

# Wait until paks has ended; print its exit status.
pk_wait_exit() {
	# not anchored: after a kill the line can start with the last prompt
	pk_wait_for 'PAKS_EXIT=[0-9]+$' "${1:-$PK_TIMEOUT}" || return 1
	cat "$PK_DIR/exit"
}

# What paks printed: the screen lines between the start and PAKS_EXIT=.
pk_output() {
	pk_screen | sed -n '/^PK_BEGIN$/,/PAKS_EXIT=/p' |
	    sed '1d; s/PAKS_EXIT=[0-9]*$//' |
	    grep -v '^[[:space:]]*$' || true
}

# pk_exit_is N [SECS]: wait until paks ends, and it ended with status N.
pk_exit_is() {
	local code
	code=$(pk_wait_exit "${2:-$PK_TIMEOUT}") || return 1
	if [[ $code != "$1" ]]; then
		echo "paks exited with $code, expected $1" >&2
		pk_dump >&2
		return 1
	fi
}

# pk_refute CMD...: CMD must fail. (A bare `! CMD` never fails a bats test
# unless it is the test's last line: set -e ignores negated commands.)
pk_refute() {
	if "$@"; then
		echo "expected to fail, but succeeded: $*" >&2
		return 1
	fi
}

# pk_screen_lacks [-F] PATTERN: no screen line matches.
pk_screen_lacks() {
	local mode=-E
	if [[ $1 == -F ]]; then
		mode=-F
		shift
	fi
	if pk_screen | grep "$mode" -- "$1" >&2; then
		echo "the screen should not match: $1" >&2
		pk_dump >&2
		return 1
	fi
}

# pk_forgery_had_no_effect DIR: what a hostile program inside tried
# (#envsave forged, #cp ... host:stolen into DIR, imitations of paks's own
# OSC 6973 messages) did nothing on the host or on the screen, and the real
# keyboard still runs a #command.
pk_forgery_had_no_effect() {
	[[ ! -e $PAKS_HOME/envs/forged ]] || {
		echo "a forged #envsave wrote envs/forged" >&2
		return 1
	}
	[[ ! -e $1/stolen ]] || {
		echo "a forged #cp copied $1/stolen" >&2
		return 1
	}
	pk_screen_lacks -F '6973'
	pk_line '#envhost HOME'
	pk_wait_for -F 'copied 1 variable from the host'
}

pk_resize() {
	pk_tmux resize-window -t pk -x "$1" -y "$2"
}

pk_stty_restored() {
	local deadline=$((SECONDS + 10))

	while [[ ! -s $PK_DIR/stty.after ]]; do
		if ((SECONDS >= deadline)); then
			echo "no terminal settings recorded after paks ended" >&2
			return 1
		fi
		sleep 0.1
	done
	if ! cmp -s "$PK_DIR/stty.before" "$PK_DIR/stty.after"; then
		echo "terminal settings not restored:" >&2
		echo "before: $(cat "$PK_DIR/stty.before")" >&2
		echo "after:  $(cat "$PK_DIR/stty.after")" >&2
		return 1
	fi
}

pk_container_exists() {
	"$PAKS_ENGINE" ps -a --format '{{.Names}}' | grep -qxF -- "$PK_NAME"
}

# (the oldest match: a #move job is a fork of paks, its command line the
# same)
pk_paks_pid() {
	pgrep -o -f -- "${PK_MATCH:-paks run -c $PAKS_ENGINE --name $PK_NAME }" ||
	    true
}

# pk_start_as USER DIR [VAR=VALUE...] CMD...: pk_start_cmd as another user
# (runuser), in DIR, with PAKS_HOME=DIR/home (USER must own DIR) and the
# variables given. CMD's paks must be a copy USER may run; it should be
# "paks run ... --name $PK_NAME" for pk_paks_pid and pk_teardown.
pk_start_as() {
	local user=$1 dir=$2
	shift 2
	PK_MATCH="^[^ ]*paks run .*--name $PK_NAME( |\$)"
	pk_start_cmd runuser -u "$user" -- env -C "$dir" \
	    PAKS_HOME="$dir/home" PAKS_SYSTEM_SETTINGS=/nonexistent "$@"
}

# Send a signal to this test's paks process.
pk_signal_paks() {
	local pid
	pid=$(pk_paks_pid)
	if [[ -z $pid ]]; then
		echo "no paks process for $PK_NAME" >&2
		return 1
	fi
	kill "-$1" $pid
}

# pk_rmi_matching TEXT: remove the images of $PAKS_ENGINE whose
# REPOSITORY:TAG holds TEXT (a test's own repository, "REPO:")
pk_rmi_matching() {
	local i

	for i in $("$PAKS_ENGINE" images --format '{{.Repository}}:{{.Tag}}' |
	    grep -F -e "$1" || true); do
		"$PAKS_ENGINE" rmi -f "$i" >/dev/null 2>&1 || true
	done
}

# A wrapper of the engine's client that logs every run of it in $W/log:
# put $W first on PATH. Sets W, and OFF: the variable that turns the
# engine's API off (PAKS_DOCKER_API, PAKS_PODMAN_API).
pk_client_log() {
	local real
	W=$BATS_TEST_TMPDIR/wrap
	mkdir -p "$W"
	real=$(command -v "$PAKS_ENGINE")
	printf '#!/bin/sh\necho "$*" >> %s/log\nexec %s "$@"\n' "$W" "$real" \
	    > "$W/$PAKS_ENGINE"
	chmod +x "$W/$PAKS_ENGINE"
	: > "$W/log"
	OFF=PAKS_DOCKER_API
	[[ $PAKS_ENGINE == docker ]] || OFF=PAKS_PODMAN_API
}

# Does paks use the engine's API here? docker's: unless turned off;
# podman's: when its service answers on the rootful socket
# (tests/engines.sh podman-api).
pk_api_on() {
	[[ ${!OFF:-} != 0 ]] || return 1
	[[ $PAKS_ENGINE == docker ]] && return 0
	[[ $(curl -s --max-time 5 --unix-socket /run/podman/podman.sock \
	    http://d/_ping 2>/dev/null) == OK ]]
}
