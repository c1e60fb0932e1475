#!/usr/bin/env bats
# engines: both
#
# 90-faults: what goes wrong around a session, end to end in a real
# terminal (tmux) on the engine in $PAKS_ENGINE. Each test ends with the
# terminal settings as they were before paks and, where paks has something
# to say, one clear line.
# Covers: the engine client killed mid-session (docker: its client's path,
# PAKS_DOCKER_API_RUN=0); the engine itself stopped mid-session (docker,
# over its API: a private dockerd of this test shut down; podman,
# which has no daemon: the container's conmon killed); ~/.paks read-only;
# a 1 GB flood of output interrupted with Ctrl-C (bash and busybox sh);
# hostile output with every kind of escape sequence, broken UTF-8 and huge
# lines (bash and busybox sh).
# corrupted settings and env files as a session meets them. The rest of
# the fault list of issue 7 lives with its feature: the container killed,
# SIGTERM and SIGHUP in 10-run, a full disk while saving in 40-save, the
# host commands on corrupted files in 20-config and 21-env, forged
# requests in 30-hash.
# Exercises: src/host/host-run.c (run_explain_end),
# src/session/{session,proxy,shellhook,linebuf}.c, src/store/storefile.c.

load lib/helpers

setup_file() {
	pk_require_engine
	export PK_RUN_ID=${PK_RUN_ID:-$$}
}

setup() {
	pk_setup
	RO_MOUNT=
	PRIVATE_DOCKERD=
}

teardown() {
	pk_teardown || true
	if [[ -n $RO_MOUNT ]]; then
		umount "$RO_MOUNT" || true
	fi
	if [[ -n $PRIVATE_DOCKERD ]]; then
		stop_private_dockerd
	fi
}

PROMPT='#$'

start_shell() {
	pk_start "$@"
	pk_wait_for "$PROMPT"
	pk_line 'echo READY'
	pk_wait_for '^READY$'
}

# paks's peak resident memory stays under 16 MiB however much went by.
# (Not for the ASan build that tests/run gives some lanes: its shadow
# memory and quarantine make the figure meaningless.)
paks_memory_bounded() {
	local pid peak
	pid=$(pk_paks_pid)
	[[ -n $pid ]] || return 1
	peak=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
	echo "paks peak RSS: $peak KiB${PAKS_SANITIZED:+ (asan build, not checked)}"
	[[ -n ${PAKS_SANITIZED:-} ]] || ((peak < 16384))
}

# The lines paks printed on the screen (its own, not the shell's).
paks_lines() {
	pk_output | grep '^paks: \|^hint: ' || true
}

# A second dockerd that only this test uses, so that stopping it cannot
# disturb anything else: its own data root, exec root and socket under a
# short directory, no bridge, no iptables, and the busybox image loaded.
start_private_dockerd() {
	local d deadline=$((SECONDS + 90))
	d=$(mktemp -d /tmp/pkd.XXXXXX)
	PRIVATE_DOCKERD=$d
	setsid dockerd --data-root "$d/data" --exec-root "$d/x" \
	    --pidfile "$d/pid" -H "unix://$d/sock" --bridge=none \
	    --iptables=false --ip6tables=false > "$d/log" 2>&1 < /dev/null &
	echo $! > "$d/dockerd.pid"
	until DOCKER_HOST=unix://$d/sock docker info >/dev/null 2>&1; do
		if ((SECONDS >= deadline)); then
			tail -n 20 "$d/log" >&2
			return 1
		fi
		sleep 0.2
	done
	docker save "$PK_BUSYBOX" |
	    DOCKER_HOST=unix://$d/sock docker load >/dev/null
}

stop_private_dockerd() {
	local d=$PRIVATE_DOCKERD pid
	pid=$(cat "$d/dockerd.pid" 2>/dev/null)
	if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	# what the daemon may have left mounted, deepest first
	grep -F " $d/" /proc/self/mounts | awk '{ print $2 }' | sort -r |
	    while read -r m; do umount -l "$m" 2>/dev/null || true; done
	rm -rf "$d"
	PRIVATE_DOCKERD=
}

# The engine's run process of this test's session.
engine_client_pid() {
	pgrep -f -- "^$PAKS_ENGINE run .*--name=$PK_NAME( |\$)"
}

@test "the engine client killed mid-session: one line, container removed" {
	# the session goes through the API: the client's path is asked for
	export PAKS_DOCKER_API_RUN=0 PAKS_PODMAN_API_RUN=0
	start_shell "$PK_DEBIAN"
	kill -KILL "$(engine_client_pid)"
	pk_exit_is 137
	pk_stty_restored
	paks_lines
	paks_lines | grep -qx "paks: the $PAKS_ENGINE client was killed (SIGKILL); the session is over"
	pk_refute pk_container_exists
}

@test "the engine stopped mid-session: one line, terminal restored" {
	local code
	if [[ $PAKS_ENGINE == docker ]]; then
		start_private_dockerd
		export DOCKER_HOST=unix://$PRIVATE_DOCKERD/sock
		start_shell "$PK_BUSYBOX"
		# as 'systemctl stop docker' does
		kill -TERM "$(cat "$PRIVATE_DOCKERD/dockerd.pid")"
		code=$(pk_wait_exit 60)
		[[ $code -ne 0 ]]
		pk_stty_restored
		paks_lines
		# dockerd kills its containers first and stops answering
		# after: over the API paks sees the first, the client the last
		if ! paks_lines | grep -qx 'paks: docker stopped answering during the session'; then
			paks_lines | grep -qx 'paks: the shell was killed (SIGKILL): the container was killed or stopped from outside'
			[[ $code -eq 137 ]]
		else
			paks_lines | grep -qxF "hint: once it is back, 'docker rm -f $PK_NAME' removes the container if it is left"
		fi
	else
		# podman has no daemon: what keeps a container going is its
		# conmon, and with conmon gone the client has lost the container
		start_shell "$PK_BUSYBOX"
		pkill -KILL -f -- "^/usr/[a-z/]*conmon .*-n $PK_NAME( |\$)"
		code=$(pk_wait_exit 60)
		[[ $code -ne 0 ]]
		pk_stty_restored
		paks_lines
		paks_lines | grep -qx "paks: podman lost the session (status $code); the container '$PK_NAME' it left running is removed"
		pk_refute pk_container_exists
	fi
}

@test "a read-only ~/.paks: clear lines, nothing changes, the session goes on" {
	local before after
	"$PAKS" env add proj 'TOKEN=s3cret value' >/dev/null
	"$PAKS" config init >/dev/null
	before=$(cd "$PAKS_HOME" && find . -printf '%p %m %s\n' | sort &&
	    find . -type f -exec sha256sum {} + | sort)
	mount --bind "$PAKS_HOME" "$PAKS_HOME"
	RO_MOUNT=$PAKS_HOME
	mount -o remount,bind,ro "$PAKS_HOME"

	run "$PAKS" env add proj OTHER=1
	echo "$output"
	[[ $status -ne 0 ]]
	[[ ${lines[0]} == "paks: "*[Rr]"ead-only"* ]]
	[[ ${#lines[@]} -le 2 ]]
	run "$PAKS" env add fresh K=V
	[[ $status -ne 0 && ${lines[0]} == "paks: "*[Rr]"ead-only"* ]]
	run "$PAKS" config set container_shell /bin/sh
	echo "$output"
	[[ $status -ne 0 && ${lines[0]} == "paks: "*[Rr]"ead-only"* ]]
	[[ $output != *s3cret* ]]

	# a session only reads: it runs, loads, and says why a save fails
	start_shell "$PK_DEBIAN"
	pk_line '#envload proj'
	pk_wait_for -F 'loaded 1 variable'
	pk_line 'echo "[$TOKEN]"'
	pk_wait_for -F '[s3cret value]'
	pk_line '#envsave proj K=V'
	pk_wait_for '[Rr]ead-only'
	pk_line 'echo still-here'
	pk_wait_for '^still-here$'
	pk_line 'exit'
	pk_exit_is 0
	pk_stty_restored

	after=$(cd "$PAKS_HOME" && find . -printf '%p %m %s\n' | sort &&
	    find . -type f -exec sha256sum {} + | sort)
	[[ $before == "$after" ]]
}

@test "corrupted settings and env files: one line each, nothing changed" {
	local envs=$PAKS_HOME/envs before
	"$PAKS" env add proj 'TOKEN=s3cret' >/dev/null
	printf 'this line has no equals s3cret\n' >> "$envs/proj"
	printf 'user: a\ncontainer_tech: [docker\n' > "$PAKS_HOME/settings.yml"
	before=$(sha256sum "$envs/proj" "$PAKS_HOME/settings.yml")

	# paks run will not start on a settings file it cannot read
	pk_start "$PK_DEBIAN"
	code=$(pk_wait_exit)
	[[ $code -eq 125 ]]	# docker's: failed before the shell started
	pk_output
	pk_output | grep -q "^paks: $PAKS_HOME/settings.yml:.*malformed YAML"
	[[ $(pk_output | grep -c '^paks: ') -eq 1 ]]
	pk_stty_restored
	pk_refute pk_container_exists
	pk_tmux kill-server

	# in a session, #envload names the file and line, and the session
	# goes on
	[[ $(sha256sum "$PAKS_HOME/settings.yml") == "$(sed -n 2p <<<"$before")" ]]
	rm "$PAKS_HOME/settings.yml"
	start_shell "$PK_DEBIAN"
	pk_line '#envload proj'
	pk_wait_for -F "paks: $envs/proj:2: expected KEY=VALUE"
	pk_screen_lacks -F s3cret
	pk_line 'echo "still-here [$TOKEN]"'
	pk_wait_for -F 'still-here []'
	pk_line 'exit'
	pk_exit_is 0
	pk_stty_restored
	[[ $(sha256sum "$envs/proj") == "$(sed -n 1p <<<"$before")" ]]
}

# flood IMAGE: 1 GB on its way to the screen, Ctrl-C, and the shell is
# there again at once; paks's memory stays small however much went by
flood() {
	start_shell "$1"
	pk_line 'yes "paks flood line" | head -c 1000000000; echo FLOOD-END'
	pk_wait_for -F 'paks flood line'
	sleep 2
	pk_key C-c
	pk_line 'echo "alive-$((6 * 7))"'
	pk_wait_for '^alive-42$' 60
	pk_screen_lacks -F FLOOD-END
	paks_memory_bounded
	# and the #commands still work
	pk_line '#envhost HOME'
	pk_wait_for -F 'copied 1 variable from the host'
	pk_line 'exit'
	pk_exit_is 0
	pk_stty_restored
}

@test "bash: 1 GB of output, Ctrl-C: the prompt is back, memory stays small" {
	flood "$PK_DEBIAN"
}

@test "sh: 1 GB of output, Ctrl-C: the prompt is back, memory stays small" {
	flood "$PK_BUSYBOX"
}

# Every kind of sequence a hostile or broken program can print: OSC
# (titles, clipboard, paks's own 6973 with guessed nonces, one bigger than
# any message, one never ended), DCS (tmux passthrough too), APC, PM, SOS,
# 8-bit C1 controls, CSI with absurd parameters, broken and overlong
# UTF-8, NUL, and lines of 4 MiB and 1 MiB without a newline between.
write_hostile() {
	local f=$1 n
	{
		printf '\033]0;hostile title\007\033]2;t2\033\\'
		printf '\033]52;c;%s\007' "$(printf 'rm -rf ~' | base64)"
		for n in 00000000000000000000000000000000 '' x; do
			printf '\033]6973;C;%s;19;1;#envsave forged K=V/\007' "$n"
			printf '\033]6973;C;%s;32;1;#cp /etc/passwd host:stolen  x/\007' "$n"
			printf '\033]6973;L;%s\007\033]6973;P;%s\007' "$n" "$n"
			printf '\033]6973;D;%s;3;0;abc\007' "$n"
			printf '\033]6973;H\007\033]6973;A;bash\007'
		done
		printf '\033]6973;C;'
		head -c 100000 /dev/zero | tr '\0' 'A'
		printf '\007'
		printf '\033P+q544e\033\\\033Ptmux;\033\033]6973;L;x\007\033\\'
		printf '\033_APC payload\033\\\033^PM payload\033\\'
		printf '\033XSOS payload\033\\'
		printf '\233999999999999999999;99999999999999999999H\2331;2m'
		printf '\235 8-bit OSC \234\220 8-bit DCS \234'
		printf '\033[999999999999999999999999999999A\033[?1049h\033[?1049l'
		printf '\033[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1m'
		printf '\377\376\300\200\340\200\200\355\240\200\360\220\200'
		printf '\342\202 \0 \303'
		head -c 4194304 /dev/zero | tr '\0' 'B'
		head -c 1048576 /dev/urandom | tr -d '\033\n\r\016\017'
		# an OSC left open: the next bytes are the shell's, and what
		# stays open must not swallow them
		printf '\033]6973;P;'
		printf '\007\033\\\033[0m\r\nHOSTILE-END\r\n'
	} > "$f"
}

hostile() {
	mkdir -p "$BATS_TEST_TMPDIR/w"
	write_hostile "$BATS_TEST_TMPDIR/w/hostile"
	cd "$BATS_TEST_TMPDIR/w"
	start_shell -v "$BATS_TEST_TMPDIR/w:/w:ro" "$1"
	pk_line 'cat /w/hostile; echo'
	pk_wait_for '^HOSTILE-END$' 60
	# paks is not confused: the keyboard, the shell and the #commands
	# work as before
	pk_line 'echo "alive-$((6 * 7))"'
	pk_wait_for '^alive-42$'
	# and nothing happened on the host
	pk_forgery_had_no_effect "$BATS_TEST_TMPDIR/w"
	paks_memory_bounded
	pk_line 'exit'
	pk_exit_is 0
	pk_stty_restored
}

@test "bash: hostile escape sequences, broken UTF-8, huge lines: no effect" {
	hostile "$PK_DEBIAN"
}

@test "sh: hostile escape sequences, broken UTF-8, huge lines: no effect" {
	hostile "$PK_BUSYBOX"
}
