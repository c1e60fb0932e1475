#!/usr/bin/env bats
# engines: both
#
# 12-exit: paks run and paks exec as docker's own: the exit statuses (2
# usage, 125 failed before the shell or CMD, 126 cannot run, 127 not
# found, else its own), command mode (`paks run IMAGE -- CMD`) with and
# without a terminal, --envload (values reach CMD and the shell, never
# the container's Config.Env, an argv or a file left behind), paks exec
# into a --keep session, and pulls from a registry on 127.0.0.1 showing
# the engine's progress, or its reason when the pull fails.
# Exercises: src/host/host-run.c, src/host/host-runcmd.c,
# src/host/host-exec.c, src/engine/engine.c (cli_command_argv,
# engine_pull_shown), src/session/integration.c (the strict --shell),
# src/main.c (--settings-file).

load lib/helpers
bats_require_minimum_version 1.5.0

# A plain-http docker-registry on a free port of 127.0.0.1, its state in
# this file's temporary directory, holding the busybox test image.
registry_up() {
	local d=$BATS_FILE_TMPDIR/registry port i
	mkdir -p "$d/data"
	for i in $(seq 50); do
		port=$((20000 + RANDOM % 40000))
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
	done
	cat > "$d/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $d/data
http:
  addr: 127.0.0.1:$port
EOF
	setsid docker-registry serve "$d/config.yml" > "$d/log" 2>&1 </dev/null &
	echo $! > "$d/pid"
	for i in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.1
	done
	export PK_REG=127.0.0.1:$port
	local src=docker-daemon:$PK_BUSYBOX
	[[ $PAKS_ENGINE == podman ]] && src=containers-storage:localhost/$PK_BUSYBOX
	skopeo copy -q --dest-tls-verify=false "$src" \
	    "docker://$PK_REG/pk-exit/busybox:there" >/dev/null
}

setup_file() {
	pk_require_engine
	export PK_RUN_ID=${PK_RUN_ID:-$$}
	registry_up
}

teardown_file() {
	local pid
	pid=$(cat "$BATS_FILE_TMPDIR/registry/pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
}

setup() {
	pk_setup
}

teardown() {
	pk_teardown
}

# paks run on the test's engine with the test's container name, no
# terminal (bats' run): PAKS_RUN ARGS...
paks_run() {
	run --separate-stderr "$PAKS" run -c "$PAKS_ENGINE" --name "$PK_NAME" \
	    -o --network=none "$@"
}

@test "exit statuses without a terminal: usage 2, failed 125, cannot run 126, not found 127, else CMD's" {
	local row want args
	# want|arguments of paks run (split on spaces; '_' stands for one)
	local table=(
	    "2|-v /tmp $PK_BUSYBOX -- true"
	    "2|-e FOO $PK_BUSYBOX -- true"
	    "2|$PK_BUSYBOX true"
	    "2|--no-such-option $PK_BUSYBOX -- true"
	    "125|-c nosuch $PK_BUSYBOX -- true"
	    "125|--envload nosuch $PK_BUSYBOX -- true"
	    "125|-o --no-such-engine-flag $PK_BUSYBOX -- true"
	    "125|127.0.0.1:1/pk-exit/absent:1 -- true"
	    "126|$PK_BUSYBOX -- /etc/passwd"
	    "127|$PK_BUSYBOX -- /no/such/cmd"
	    "127|--no-entrypoint $PK_BUSYBOX -- /no/such/cmd"
	    "7|$PK_BUSYBOX -- sh -c exit_7"
	    "0|$PK_BUSYBOX -- true"
	)
	for row in "${table[@]}"; do
		want=${row%%|*}
		# shellcheck disable=SC2206
		args=(${row#*|})
		args=("${args[@]//_/ }")
		run "-$want" --separate-stderr "$PAKS" run -c "$PAKS_ENGINE" \
		    --name "$PK_NAME" -o --network=none "${args[@]}" </dev/null
		echo "paks run ${args[*]}: $status (want $want): $stderr"
	done
	# a --settings-file that is not there is a usage error, for any command
	run "$PAKS" --settings-file "$BATS_TEST_TMPDIR/none.yml" run "$PK_BUSYBOX" -- true
	[[ $status -eq 2 && ${lines[0]} == "paks: cannot read settings file "* ]]
	pk_refute pk_container_exists
}

@test "a session: --shell naming a shell the image lacks exits 127, one it cannot run 126" {
	pk_start --shell /bin/nosuch "$PK_BUSYBOX"
	pk_exit_is 127
	pk_wait_for -F "paks: shell '/bin/nosuch' not found in the image"
	pk_stty_restored
	pk_tmux kill-server 2>/dev/null || true
	PK_SOCK=$PK_DIR/tmux2.sock
	pk_start --shell /etc/passwd "$PK_BUSYBOX"
	pk_exit_is 126
	pk_wait_for -F "paks: shell '/etc/passwd' cannot be run in the image"
	pk_tmux kill-server 2>/dev/null || true
	# without --shell, no bash still means /bin/sh (a notice, no error)
	PK_SOCK=$PK_DIR/tmux3.sock
	pk_start "$PK_BUSYBOX"
	pk_wait_for -F 'paks: /bin/bash not found in the image, using /bin/sh'
	pk_line 'exit 5'
	pk_exit_is 5
}

@test "command mode without a terminal: stdin piped in, stdout clean, CMD's status" {
	run --separate-stderr bash -c 'printf "one\ntwo\n" | "$@"' _ "$PAKS" run \
	    -c "$PAKS_ENGINE" --name "$PK_NAME" -o --network=none \
	    "$PK_BUSYBOX" -- sh -c '[ -t 0 ] || echo no-tty; tr a-z A-Z; exit 4'
	echo "status $status, stdout: $output, stderr: $stderr"
	[[ $status -eq 4 ]]
	[[ $output == $'no-tty\nONE\nTWO' ]]
	# stdin /dev/null: no -i, CMD reads nothing
	paks_run "$PK_BUSYBOX" -- sh -c 'cat; echo done' </dev/null
	[[ $status -eq 0 && $output == done ]]
	pk_refute pk_container_exists
}

@test "command mode on a terminal: CMD gets a tty, reads typed input, its status is paks's" {
	pk_start "$PK_BUSYBOX" -- sh -c \
	    '[ -t 0 ] && echo has-tty; read x; echo "got <$x>"; exit 3'
	pk_wait_for '^has-tty'
	pk_line 'typed here'
	pk_wait_for -F 'got <typed here>'
	pk_exit_is 3
	pk_stty_restored
}

@test "--envload: CMD and the shell have the values; not in Config.Env, argv or a file" {
	local val='s3cr3t $(no) "q" x'
	mkdir -p "$PAKS_HOME/envs"
	printf 'PK_TOKEN="s3cr3t $(no) \\"q\\" x"\nPK_OTHER=2\n' > "$PAKS_HOME/envs/proj"
	chmod 600 "$PAKS_HOME/envs/proj"
	local tmp=$BATS_TEST_TMPDIR/tmp
	mkdir -p "$tmp"
	TMPDIR=$tmp paks_run --keep --envload proj "$PK_BUSYBOX" -- sh -c \
	    'printf "tok<%s> other<%s>\n" "$PK_TOKEN" "$PK_OTHER"; tr "\0" " " </proc/1/cmdline'
	echo "$status: $output $stderr"
	[[ $status -eq 0 ]]
	[[ ${lines[0]} == "tok<$val> other<2>" ]]
	pk_refute grep -q s3cr3t <<<"${lines[1]}"
	run "$PAKS_ENGINE" inspect --format '{{json .Config.Env}} {{json .Config.Cmd}}' "$PK_NAME"
	echo "$output"
	[[ $status -eq 0 ]]
	pk_refute grep -q s3cr3t <<<"$output"
	# the FIFO and its directory are gone
	[[ -z $(ls -A "$tmp") ]]
	"$PAKS_ENGINE" rm -f "$PK_NAME" >/dev/null
	# a session starts with them exported
	pk_start --envload proj "$PK_DEBIAN"
	pk_wait_for '#$'
	pk_line 'printf "tok<%s>\n" "$PK_TOKEN"; exit 0'
	pk_wait_for -F "tok<$val>"
	pk_exit_is 0
	pk_screen_lacks -F 'export PK_TOKEN'
}

@test "paks exec runs CMD in a --keep session, with --envload; a stopped one gets one clear line" {
	mkdir -p "$PAKS_HOME/envs"
	printf 'PK_EXEC=from-env\n' > "$PAKS_HOME/envs/ex"
	chmod 600 "$PAKS_HOME/envs/ex"
	pk_start --keep "$PK_DEBIAN"
	pk_wait_for '#$'
	pk_line 'echo in-session > /tmp/mark'
	run --separate-stderr "$PAKS" exec -c "$PAKS_ENGINE" --envload ex \
	    "$PK_NAME" -- sh -c 'cat /tmp/mark; echo "$PK_EXEC"; exit 6' </dev/null
	echo "$status: $output $stderr"
	[[ $status -eq 6 && $output == $'in-session\nfrom-env' ]]
	run "$PAKS_ENGINE" inspect --format '{{json .Config.Env}}' "$PK_NAME"
	pk_refute grep -q from-env <<<"$output"
	pk_line 'exit'
	pk_exit_is 0
	run --separate-stderr "$PAKS" exec -c "$PAKS_ENGINE" "$PK_NAME" -- true
	[[ $status -eq 125 ]]
	[[ $stderr == "paks: container '$PK_NAME' is not running"$'\n'"hint: start it with '$PAKS_ENGINE start $PK_NAME', then run paks exec again" ]]
	run --separate-stderr "$PAKS" exec -c "$PAKS_ENGINE" "$PK_NAME" true
	[[ $status -eq 2 ]]
	"$PAKS_ENGINE" rm -f "$PK_NAME" >/dev/null
}

@test "an absent image is pulled with the engine's progress; a failed pull gives its reason and 125" {
	local img=$PK_REG/pk-exit/busybox:there
	"$PAKS_ENGINE" rmi "$img" >/dev/null 2>&1 || true
	pk_start "$img"
	pk_wait_for 'Downloaded newer image|Writing manifest'
	pk_wait_for '#$'
	pk_line 'exit 0'
	pk_exit_is 0
	"$PAKS_ENGINE" rmi "$img" >/dev/null
	pk_tmux kill-server 2>/dev/null || true
	PK_SOCK=$PK_DIR/tmux2.sock
	pk_start "$PK_REG/pk-exit/busybox:absent"
	pk_exit_is 125
	pk_wait_for "^paks: $PAKS_ENGINE pull .*:absent failed: .*(manifest unknown|not found)"
	pk_stty_restored
}
