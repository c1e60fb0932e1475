#!/usr/bin/env bats
# engines: both
#
# 41-save-chain: #save in a chain of sessions, typed as people type.
# Covers: ten rounds, each a new session on the previous round's image: make
# a file, #save, type the next command at once (it waits for the save), and
# `exit` 3 s after #save, often while the save still runs (from the third
# on, every second save flattens, the slow one). Each session ends within a
# bound, each save is reported, the typed-ahead command runs after the save
# (so it is not in the image), the last image holds every round's work, and
# every snapshot of the chain shares the base's layers (a flatten merges
# only the layers above them), within base + 2 layers. paks stopped in the
# middle of a save (SIGTERM, or its terminal closed) ends at once, and a
# save interrupted with Ctrl-C fails; both leave the name on the previous
# image, intact, and what the engine may still finish has no name.
# Exercises: src/session/session.c and proxy.c (session_job,
# proxy_job_poll: keys, signals and the terminal's end during a job),
# src/util/run.c, src/image/save.c, src/image/save-flatten.c.

load lib/helpers

ROUNDS=10
# a round is a session start, a save (a flatten saves the image to an
# archive and loads the merged layers back) and an exit; far above what one
# takes, far below a hang
ROUND_SECS=90

setup_file() {
	pk_require_engine
}

setup() {
	pk_setup
	E=$PAKS_ENGINE
	REPO=paks-e2e-chain-${PK_RUN_ID:-$$}-$BATS_TEST_NUMBER
	IDS=$BATS_TEST_TMPDIR/ids
	"$E" tag "$PK_DEBIAN" "$REPO:base"
}

teardown() {
	local i

	pk_teardown || true
	pk_rmi_matching "$REPO:"
	# images a save replaced while its session's container still used
	# them are left untagged (only saved ones are listed: the base's id
	# is paks-test/debian's too), and so is what an engine finished after
	# paks stopped
	if [[ -f $IDS ]]; then
		while read -r i; do
			"$E" rmi -f "$i" >/dev/null 2>&1 || true
		done < "$IDS"
	fi
	for i in $(made_here); do
		"$E" rmi -f "$i" >/dev/null 2>&1 || true
	done
	"$E" rm -f "$PK_NAME-old" >/dev/null 2>&1 || true
}

# the ids of every image a save from $REPO:base wrote (its label says so)
made_here() {
	"$E" images -a --filter "label=org.paks.base=$REPO:base" \
	    --format '{{.ID}}' 2>/dev/null | sort -u
}

image_id() {
	"$E" image inspect --format '{{.Id}}' "$1"
}

@test "ten #saves in a chain, typed ahead and left with exit 3 s later" {
	local src=$REPO:base target=$REPO:base-saved i code prev started

	for i in $(seq 1 $ROUNDS); do
		prev=$(image_id "$src")
		# a terminal of its own for each round
		pk_tmux kill-server 2>/dev/null || true
		PK_SOCK=$PK_DIR/tmux$i.sock
		pk_start "$src"
		pk_wait_for '#$'
		pk_line "echo $i > /root/round$i; echo made-\$((2000 + $i))"
		pk_wait_for "^made-$((2000 + i))\$"
		# the next command typed at once; what it prints is not what
		# was typed, so the screen shows whether it ran
		pk_line '#save'
		pk_line "touch /root/after$i; echo ran-\$((1000 + $i))"
		started=$SECONDS
		sleep 3
		pk_line 'exit'
		if ! code=$(pk_wait_exit $ROUND_SECS); then
			echo "round $i: paks did not end within ${ROUND_SECS}s" >&2
			return 1
		fi
		echo "round $i: $((SECONDS - started))s after #save, status $code"
		pk_wait_for -F "saved $target"
		pk_wait_for "^ran-$((1000 + i))\$" 1
		[[ $code == 0 ]]
		[[ $(image_id "$target") != "$prev" ]]
		image_id "$target" >> "$IDS"
		src=$target
	done
	# every round's work, and none of what was typed after a #save
	run "$E" run --rm --network none "$target" sh -c \
	    'cd /root && ls -d round* after* 2>/dev/null | sort -V'
	echo "$output"
	[[ $output == "$(printf 'round%s\n' $(seq 1 $ROUNDS) | head -c -1)" ]]
	# the base is stored once: the saved image and each snapshot start
	# with the base's layers, flattened ones too, and stay within base + 2
	local base_ids base_n snap n=0
	base_ids=$(layer_ids "$REPO:base")
	base_n=$(layers_of "$REPO:base")
	[[ -n $base_ids && $base_n -gt 0 ]]
	for snap in "$target" $("$E" images --format '{{.Repository}}:{{.Tag}}' |
	    grep -F "$REPO:base-saved.snap-"); do
		echo "$snap: $(layers_of "$snap") layers"
		[[ $(layer_ids "$snap") == "$base_ids "* ]]
		(($(layers_of "$snap") <= base_n + 2))
		n=$((n + 1))
	done
	((n == ROUNDS + 1))
}

layers_of() {
	"$E" image inspect --format '{{len .RootFS.Layers}}' "$1"
}

# an image's layers (diff ids), one line
layer_ids() {
	"$E" image inspect --format '{{range .RootFS.Layers}}{{.}} {{end}}' \
	    "$1" | sed 's/ $//'
}

# stop_mid_save HOW: $REPO:base-saved exists; a session on $REPO:base makes
# a change slow to commit, runs #save, and while the commit runs paks is
# stopped (HOW: TERM, or HUP by closing its terminal) or the save is
# interrupted (INT: Ctrl-C, and the session goes on).
stop_mid_save() {
	local old deadline i

	"$E" run --name "$PK_NAME-old" --network none --entrypoint /bin/sh \
	    "$REPO:base" -c 'echo old > /root/old' >/dev/null
	"$E" commit "$PK_NAME-old" "$REPO:base-saved" >/dev/null
	"$E" rm "$PK_NAME-old" >/dev/null
	old=$(image_id "$REPO:base-saved")
	pk_start "$REPO:base"
	pk_wait_for '#$'
	# 500 MB: the commit takes seconds after its first one, so the stop
	# lands while the engine writes the image
	pk_line 'head -c 500000000 /dev/urandom > /root/big; echo big-$((6 * 7))'
	pk_wait_for '^big-42$' 60
	pk_line '#save'
	pk_wait_for 'saving\.\.\. [0-9]+s$' 60
	if [[ $1 == TERM ]]; then
		pk_signal_paks TERM
		pk_exit_is 143 15
	elif [[ $1 == INT ]]; then
		pk_key C-c
		pk_wait_for -F 'paks: interrupted' 15
		pk_line 'exit'
		pk_exit_is 0
	else
		pk_tmux kill-server
		deadline=$((SECONDS + 15))
		while [[ -n $(pk_paks_pid) ]]; do
			if ((SECONDS >= deadline)); then
				echo "paks still runs 15 s after its terminal closed" >&2
				return 1
			fi
			sleep 0.2
		done
	fi
	# the name is where it was, on the image as it was
	[[ $(image_id "$REPO:base-saved") == "$old" ]]
	run "$E" run --rm --network none --entrypoint /bin/ls \
	    "$REPO:base-saved" /root
	echo "$output"
	[[ $output == old ]]
	# docker's daemon finishes a commit whose client is gone; podman's
	# client is the engine. Either way nothing it made has the name.
	if [[ $E == docker ]]; then
		deadline=$((SECONDS + 60))
		until [[ -n $(made_here) ]]; do
			if ((SECONDS >= deadline)); then
				echo "docker never finished the commit" >&2
				return 1
			fi
			sleep 1
		done
	fi
	for i in $(made_here); do
		[[ $("$E" image inspect --format '{{len .RepoTags}}' "$i") == 0 ]]
	done
	[[ $(image_id "$REPO:base-saved") == "$old" ]]
}

@test "SIGTERM in the middle of a #save: the name stays where it was" {
	stop_mid_save TERM
}

@test "terminal closed in the middle of a #save: the name stays where it was" {
	stop_mid_save HUP
}

@test "Ctrl-C in the middle of a #save: the name stays where it was" {
	stop_mid_save INT
}
