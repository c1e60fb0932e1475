#!/usr/bin/env bats
# engines: both
#
# 16-rollback: #rollback replaces the container the user is in by a new one
# from a snapshot. In bash: refused with no snapshot yet; two #saves; a
# file changed and one added; #rollback N out of range refused; #rollback 1
# gives the file of snapshot 1 and not the added one, in the same working
# directory, with the variable #envsave exported, in a new container under
# the same name while the old one is gone; #rollback with no N goes to the
# newest snapshot; a snapshot whose container cannot start, and one stopped
# with Ctrl-C while it starts, leave the user in the container they had;
# exit, and the terminal is as it was. In sh (busybox), where paks follows the keys and
# asks the container for its directory: the same rollback.
# Exercises: src/inside/hash-rollback.c, src/session/session-replace.c,
# src/session/session.c (the generation count), src/image/save.c
# (save_target of a snapshot), src/store/sessions.c.

load lib/helpers

setup_file() {
	pk_require_engine
	export PK_RUN_ID=${PK_RUN_ID:-$$}
}

setup() {
	pk_setup
	E=$PAKS_ENGINE
	REPO=paks-e2e-rb-${PK_RUN_ID}-$BATS_TEST_NUMBER
}

teardown() {
	local c

	pk_teardown || true
	for c in $("$E" ps -a --format '{{.Names}}' |
	    grep -F -- "$PK_NAME-old-" || true); do
		"$E" rm -f "$c" >/dev/null 2>&1 || true
	done
	pk_rmi_matching "$REPO:"
}

ctr_id() {
	"$E" container inspect --format '{{.Id}}' "$PK_NAME"
}

# a snapshot by hand: base's files, the given ENTRYPOINT, paks's label
fake_snapshot() {
	"$E" create --name "$PK_NAME-mk" "$REPO:base" >/dev/null
	"$E" commit --change "ENTRYPOINT $2" \
	    --change 'LABEL org.paks.saved=2026-01-01T00:00:00Z' \
	    "$PK_NAME-mk" "$REPO:base-saved.snap-$1" >/dev/null
	"$E" rm -f "$PK_NAME-mk" >/dev/null
}

# the container $PK_NAME runs from an image whose name ends with $1
wait_running_from() {
	local deadline=$((SECONDS + PK_TIMEOUT))

	until [[ $("$E" container inspect --format '{{.Config.Image}}' \
	    "$PK_NAME" 2>/dev/null) == *"$1" ]]; do
		if ((SECONDS >= deadline)); then
			echo "no container $PK_NAME from *$1" >&2
			pk_dump >&2
			return 1
		fi
		sleep 0.2
	done
}

@test "bash: #rollback to a snapshot, in the same directory, with the exports" {
	local old

	"$E" tag "$PK_DEBIAN" "$REPO:base"
	pk_start "$REPO:base"
	pk_wait_for '#$'
	pk_line '#rollback'
	pk_wait_for -F "no snapshots of $REPO:base-saved yet"
	pk_line 'mkdir -p /w/sub && cd /w/sub && echo one > f'
	pk_line '#save'
	pk_wait_for -F 'snapshot 1)'
	pk_line 'echo two > f'
	pk_line '#save'
	pk_wait_for -F 'snapshot 2)'
	pk_line 'echo three > f; touch added'
	pk_line '#envsave rb ROLLVAR=kept-4242'
	pk_wait_for -F 'ROLLVAR'
	pk_line '#rollback 7'
	pk_wait_for -F "has no snapshot 7 (it has 1 to 2)"

	old=$(ctr_id)
	pk_line '#rollback 1'
	pk_wait_for -F 'rolled back to snapshot 1'
	pk_line 'echo "f=$(cat f) in=$PWD var=$ROLLVAR"; ls added'
	pk_wait_for '^f=one in=/w/sub var=kept-4242$'
	pk_wait_for 'cannot access .added'
	# a new container under the same name; the old one is gone
	[[ $(ctr_id) != "$old" ]]
	pk_refute "$E" container inspect "$old"
	[[ -z $("$E" ps -a --format '{{.Names}}' | grep -F -- "$PK_NAME-old-") ]]

	# the newest by default
	pk_line '#rollback'
	pk_wait_for -F 'rolled back to snapshot 2'
	pk_line 'echo "now=$(cat f)"; echo four > f'
	pk_wait_for '^now=two$'

	# a snapshot that cannot start: the user stays where they were
	old=$(ctr_id)
	fake_snapshot 8 '["/bin/false"]'
	pk_line '#rollback 8'
	pk_wait_for -F 'the new container did not start'
	pk_wait_for -F 'you are still in the container you had'
	pk_line 'echo "still=$(cat f)"'
	pk_wait_for '^still=four$'
	[[ $(ctr_id) == "$old" ]]

	# Ctrl-C while the new container starts (its ENTRYPOINT hangs,
	# whatever arguments paks gives it: "sleep 600 /bin/bash ..." would
	# end at once, and the wait below would race the container's end)
	fake_snapshot 9 '["/bin/sh", "-c", "sleep 600"]'
	pk_line '#rollback 9'
	pk_wait_for -F 'rolling back to snapshot 9'
	wait_running_from snap-9
	pk_key C-c
	pk_wait_for -F 'interrupted'
	pk_line 'echo "again=$(cat f)"'
	pk_wait_for '^again=four$'
	[[ $(ctr_id) == "$old" ]]

	pk_line 'exit'
	pk_exit_is 0
	pk_stty_restored
	pk_refute pk_container_exists
	[[ -z $("$E" ps -a --format '{{.Names}}' | grep -F -- "$PK_NAME-") ]]
}

@test "sh: #rollback in busybox, directory and exports kept" {
	local old

	"$E" tag "$PK_BUSYBOX" "$REPO:base"
	pk_start --keep "$REPO:base"
	pk_wait_for '#[[:space:]]*$'
	pk_line 'mkdir -p /w && cd /w && echo one > f'
	pk_line '#save'
	pk_wait_for -F 'snapshot 1)'
	pk_line 'echo two > f'
	pk_line '#envsave rb SHVAR=sh-4343'
	pk_wait_for -F 'SHVAR'
	old=$(ctr_id)
	pk_line '#rollback'
	pk_wait_for -F 'rolled back to snapshot 1'
	pk_line 'echo "f=$(cat f) in=$PWD var=$SHVAR"'
	pk_wait_for '^f=one in=/w var=sh-4343$'
	[[ $(ctr_id) != "$old" ]]
	pk_refute "$E" container inspect "$old"
	pk_line 'exit'
	pk_exit_is 0
	pk_stty_restored
	# --keep: the new container is kept, under the same name
	pk_container_exists
}
