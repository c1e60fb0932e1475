#!/usr/bin/env bats
# engines: both
#
# 15-comeback: coming back to a container. One kept box, typed into two
# real terminals (tmux sessions pk and pk2 of one server): it is listed by
# paks ls (table and --format json), entered from a second terminal while
# the first runs, each terminal running #commands of its own, left with
# its own exit status without stopping the container; entered again once
# stopped (started, its files there, stopped again by the last one out);
# three #saves make three snapshots, listed by paks snapshots and pruned;
# paks inspect and paks size show it from the host, running and stopped,
# and say a bad name in one line.
# Exercises: src/host/host-ls.c, host-enter.c, host-snapshots.c,
# host-inspect.c, src/engine/engine-inspect.c,
# src/engine/engine-ps.c, engine.c (labels, the exec argv),
# src/image/snapshot.c, src/store/sessions.c.

load lib/helpers

setup_file() {
	pk_require_engine
	export PK_RUN_ID=${PK_RUN_ID:-$$}
}

setup() {
	pk_setup
	E=$PAKS_ENGINE
	REPO=paks-e2e-back-${PK_RUN_ID}-$BATS_TEST_NUMBER
	"$E" tag "$PK_DEBIAN" "$REPO:base"
}

teardown() {
	pk_teardown || true
	pk_rmi_matching "$REPO:"
}

PROMPT='#$'

# The second terminal: pk2 on the same tmux server.
p2_start() {
	pk_tmux new-session -d -s pk2 -x 80 -y 24 \
	    "env PS1='p2\$ ' HISTFILE=/dev/null bash --norc --noprofile"
	p2_wait_for '^p2\$'
}

p2_line() {
	pk_tmux send-keys -t pk2 -l -- "$1"
	pk_tmux send-keys -t pk2 Enter
}

p2_screen() {
	pk_tmux capture-pane -p -J -S - -t pk2 | sed 's/[[:space:]]*$//'
}

p2_wait_for() {
	local deadline=$((SECONDS + PK_TIMEOUT))

	until p2_screen | grep -qE -- "$1"; do
		if ((SECONDS >= deadline)); then
			echo "pk2: timed out waiting for: $1" >&2
			p2_screen | grep -v '^$' | tail -n 40 >&2
			return 1
		fi
		sleep 0.1
	done
}

state() {
	"$E" container inspect --format '{{.State.Status}}' "$PK_NAME"
}

@test "a kept box: listed, entered from two terminals, entered again, snapshots" {
	local enter="PAKS_HOME=$PAKS_HOME PAKS_SYSTEM_SETTINGS=/nonexistent"
	enter+=" $PAKS enter -c $E $PK_NAME"

	pk_start --keep "$REPO:base"
	pk_wait_for "$PROMPT"
	pk_line 'mkdir -p /w && cd /w && echo one > f1'
	pk_line '#save'
	pk_wait_for -F 'snapshot 1)'

	# paks ls: the box, running, from its image, one snapshot
	run "$PAKS" ls -c "$E"
	[[ $status -eq 0 ]]
	echo "$output" | grep -E "^$PK_NAME +$E +running .* 1\$"
	echo "$output" | grep -E "^$REPO:base-saved +$E .* +1\$"
	run "$PAKS" ls -c "$E" --format json
	[[ $status -eq 0 ]]
	[[ $(jq -r --arg n "$PK_NAME" '.containers[] | select(.name == $n) |
	    "\(.status) \(.image) \(.snapshots)"' <<< "$output") == \
	    "running $REPO:base 1" ]]
	[[ $(jq -r --arg n "$REPO:base-saved" \
	    '.images[] | select(.name == $n) | .snapshots' <<< "$output") == 1 ]]

	# a second terminal in the same container, #commands of its own
	p2_start
	p2_line "$enter"
	p2_wait_for "$PROMPT"
	p2_line 'cat /w/f1; echo "p2 in $(hostname)"'
	p2_wait_for '^one$'
	p2_line '#size'
	p2_wait_for '^writable layer:'
	pk_line '#envhost HOME'
	pk_wait_for -F 'copied 1 variable from the host'
	pk_screen_lacks '^writable layer:'
	if p2_screen | grep -F 'copied 1 variable'; then
		echo "the first terminal's #command showed in the second" >&2
		return 1
	fi
	# its exit is its own, and the container goes on
	p2_line 'exit 4'
	p2_wait_for '^p2\$ *$'
	[[ $(state) == running ]]
	run "$PAKS" inspect -c "$E" "$PK_NAME" state.status
	[[ $status -eq 0 && $output == '"running"' ]]
	pk_line 'echo "still $((40 + 2))"'
	pk_wait_for '^still 42$'

	# two more saves: snapshots 2 and 3
	pk_line 'echo two > f2'
	pk_line '#save'
	pk_wait_for -F 'snapshot 2)'
	pk_line 'echo three > f3'
	pk_line '#save'
	pk_wait_for -F 'snapshot 3)'
	pk_line '#snapshots'
	pk_wait_for -F "$REPO:base-saved.snap-3"
	pk_wait_for -F "$REPO:base-saved.snap-1"
	pk_line 'exit 0'
	pk_exit_is 0
	[[ $(state) == exited ]]

	# paks inspect and paks size: #inspect and #size from the host
	run "$PAKS" inspect -c "$E" "$PK_NAME" state.status
	[[ $status -eq 0 && $output == '"exited"' ]]
	# without -c: the engine that has it
	run "$PAKS" inspect "$PK_NAME" CONFIG.labels
	[[ $status -eq 0 ]]
	[[ $(jq -r '."org.paks.run"' <<< "$output") == "$PK_NAME" ]]
	run "$PAKS" inspect -c "$E" --format json "$PK_NAME"
	[[ $(jq -r .State.Status <<< "$output") == exited ]]
	run "$PAKS" inspect -c "$E" "$PK_NAME" nosuch
	[[ $status -eq 1 && ${lines[0]} == "paks: no section 'nosuch'" ]]
	[[ ${lines[1]} == 'hint: sections: id created '* ]]
	run "$PAKS" size -c "$E" "$PK_NAME"
	[[ $status -eq 0 && ${lines[0]} == 'writable layer: '* ]]
	[[ ${lines[1]} == 'virtual size: '* ]]
	run "$PAKS" size -c "$E" --format json "$PK_NAME"
	[[ $(jq -r '"\(.name) \(.engine) \(.writable > 0) \(.virtual > .writable)"' \
	    <<< "$output") == "$PK_NAME $E true true" ]]
	run "$PAKS" ls -c "$E"
	echo "$output" | grep -E "^$PK_NAME +$E +exited .* 3\$"

	# entered again: started, its files there, stopped by the last one out
	p2_line "$enter"
	p2_wait_for "$PROMPT"
	[[ $(state) == running ]]
	p2_line 'cat /w/f1 /w/f3'
	p2_wait_for '^three$'
	p2_line 'exit 5'
	p2_wait_for '^p2\$ *$'
	p2_line 'echo "rc=$?"'
	p2_wait_for '^rc=5$'
	[[ $(state) == exited ]]

	# snapshots: listed, then pruned to the newest two
	run "$PAKS" snapshots -c "$E" "$REPO:base-saved"
	[[ $status -eq 0 ]]
	[[ $(grep -cE '^[123] ' <<< "$output") -eq 3 ]]
	run "$PAKS" snapshots -c "$E" --format json "$REPO:base-saved"
	[[ $(jq -r '[.[].number] | join(",")' <<< "$output") == 1,2,3 ]]
	run "$PAKS" snapshots prune -c "$E" --keep 2 "$REPO:base-saved"
	[[ $status -eq 0 ]]
	[[ $output == 'removed 1 snapshot, kept 2' ]]
	run "$PAKS" snapshots -c "$E" --format json "$REPO:base-saved"
	[[ $(jq -r '[.[].number] | join(",")' <<< "$output") == 2,3 ]]
	# the saved image itself stays
	"$E" image inspect "$REPO:base-saved" >/dev/null
}

@test "enter: a container paks did not run, or none, is one clear line" {
	run "$PAKS" enter -c "$E" "$PK_NAME-none" < /dev/null
	[[ $status -ne 0 ]]
	run "$PAKS" inspect -c "$E" "$PK_NAME-none"
	[[ $status -eq 1 && ${lines[0]} == "paks: no container '$PK_NAME-none' in $E" ]]
	run "$PAKS" size "$PK_NAME-none"
	[[ $status -eq 1 ]]
	[[ ${lines[0]} == "paks: no container '$PK_NAME-none' in docker or podman" ]]
	run "$PAKS" inspect -c "$E" --format yaml "$PK_NAME-none"
	[[ $status -eq 2 && ${lines[0]} == "paks: unknown format 'yaml'" ]]
	run "$PAKS" ls -c "$E" --format nope
	[[ $status -eq 2 ]]
	[[ ${#lines[@]} -le 2 ]]
	"$E" run -d --name "$PK_NAME" --network none "$PK_BUSYBOX" \
	    sleep 1000 >/dev/null
	PK_STARTED=1
	pk_start_cmd "$PAKS" enter -c "$E" "$PK_NAME"
	pk_exit_is 1
	pk_output | grep -F "the container '$PK_NAME' was not made by paks run"
	run "$PAKS" size -c "$E" "$PK_NAME"
	[[ $status -eq 1 ]]
	[[ ${lines[0]} == "paks: the container '$PK_NAME' was not made by paks run" ]]
	run "$PAKS" snapshots -c "$E" "$REPO:none"
	[[ $output == "no snapshots of '$REPO:none' in $E" ]]
}

@test "ls: an image's forged paks labels reach the terminal as plain text" {
	local c=paks-e2e-evil-$PK_RUN_ID esc
	esc=$(printf 'x\033]0;pwned\007y')
	"$E" create --name "$c" --network none "$PK_DEBIAN" true >/dev/null
	"$E" commit --change "LABEL org.paks.saved=2026-01-01T00:00:00Z" \
	    --change "LABEL org.paks.base=$esc" "$c" "$REPO:evil" >/dev/null
	"$E" rm "$c" >/dev/null
	run "$PAKS" ls -c "$E"
	[[ $status -eq 0 ]]
	echo "$output"
	[[ $output == *"$REPO:evil"* ]]
	[[ $output != *$'\033'* && $output != *$'\007'* ]]
	[[ $output == *'x?]0;pw'* ]]
}
