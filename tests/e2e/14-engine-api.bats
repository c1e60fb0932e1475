#!/usr/bin/env bats
# engines: both
#
# 14-engine-api: docker through its Engine API, podman through its API
# service when it answers (tests/engines.sh podman-api), its client when
# not or with PAKS_PODMAN_API=0 in the environment.
# Covers: paks save commits, tags and inspects through the socket and
# starts no client for them (a wrapper on PATH logs every client run);
# PAKS_DOCKER_API=0 / PAKS_PODMAN_API=0 use the client; a DOCKER_HOST
# (CONTAINER_HOST) socket that does not answer falls back to the client,
# whose failure is one line; #inspect and #size in a session through the
# API; the session itself over the API, with run options said in the
# create body, and a #move in it (a child of paks, on a connection of its
# own); PAKS_*_API_RUN=0 puts the client back; paks enter's shell exec'd
# through the API (resize, exit status, the container kept).
# Exercises: src/engine/docker-api.c, src/engine/engine-api.c,
# src/engine/engine-api-run.c, src/engine/engine.c (engine_simple,
# engine_attach, cli_probe).

load lib/helpers

setup_file() {
	pk_require_engine
}

setup() {
	pk_setup
	E=$PAKS_ENGINE
	TAG=e2e$$n$BATS_TEST_NUMBER
	C=paks-e2e-api-$$-$BATS_TEST_NUMBER
	# the engine's client, each run logged
	pk_client_log
}

teardown() {
	"$E" rm -f "$C" >/dev/null 2>&1 || true
	# the saves and their snapshot tags
	PAKS_ENGINE=$E pk_rmi_matching "paks-test/api:$TAG"
	pk_teardown
}

@test "paks save: commits through the API socket; PAKS_*_API=0 through the client" {
	"$E" run -d --name "$C" --network none --entrypoint /bin/sh \
	    "$PK_BUSYBOX" -c 'echo api > /made; sleep 1000' >/dev/null
	PATH=$W:$PATH run "$PAKS" save -c "$E" "$C" "paks-test/api:$TAG"
	[[ $status -eq 0 ]]
	[[ $output == *"saved paks-test/api:$TAG ("* ]]
	run "$E" run --rm --network none --entrypoint /bin/cat \
	    "paks-test/api:$TAG" /made
	[[ $output == api ]]
	if pk_api_on; then
		# only what is asked with a Go template
		run grep -E '^(commit|tag|image inspect [^-]|container inspect [^-])' "$W/log"
		[[ $status -eq 1 ]]
	else
		grep -q '^commit ' "$W/log"
	fi
	# podman's own names: NAME:TAG is localhost/NAME:TAG, as its client says
	if [[ $E == podman ]]; then
		podman image inspect "localhost/paks-test/api:$TAG" >/dev/null
	fi
	# paks ls lists it: the containers and images paks made, asked with
	# the API's label filters
	: > "$W/log"
	PATH=$W:$PATH run "$PAKS" ls -c "$E"
	[[ $status -eq 0 ]]
	[[ $output == *"paks-test/api:$TAG"* ]]
	if pk_api_on; then
		run grep -E '^(ps|images|image|container) ' "$W/log"
		[[ $status -eq 1 ]]
	fi
	: > "$W/log"
	env "$OFF=0" PATH="$W:$PATH" "$PAKS" save -c "$E" "$C" \
	    "paks-test/api:$TAG-cli"
	grep -q '^commit ' "$W/log"
	run "$E" run --rm --network none --entrypoint /bin/cat \
	    "paks-test/api:$TAG-cli" /made
	[[ $output == api ]]
}

@test "a DOCKER_HOST (CONTAINER_HOST) socket that does not answer: the client's path, one line" {
	none=unix://$BATS_TEST_TMPDIR/none.sock
	DOCKER_HOST=$none CONTAINER_HOST=$none PATH=$W:$PATH \
	    run --separate-stderr "$PAKS" save -c "$E" "$C"
	[[ $status -eq 1 ]]
	# the client's own word: podman's client goes to CONTAINER_HOST too
	[[ ${stderr_lines[0]} == "paks: $E is not answering (is its daemon running?)" ]]
	if [[ $E == docker ]]; then
		[[ ${#stderr_lines[@]} -eq 2 && ${stderr_lines[1]} == hint:* ]]
	else
		[[ ${#stderr_lines[@]} -eq 1 ]]
	fi
	# the client was asked
	[[ -s $W/log ]]
}

@test "#inspect, #size, #cp out and #save in a session: no client run for them with the API" {
	"$E" tag "$PK_BUSYBOX" "paks-test/api:$TAG-box"
	PATH=$W:$PATH pk_start "paks-test/api:$TAG-box"
	pk_wait_for '#$'
	pk_line 'echo x > /grown'
	pk_line '#inspect config.image'
	pk_wait_for "^\"(localhost/)?paks-test/api:$TAG-box\"$"
	pk_line '#size'
	pk_wait_for '^writable layer: [0-9]'
	pk_wait_for '^virtual size: +[1-9]'
	# the session's jobs: a #cp out of the container, a #save (its
	# history exec, commit, tag, inspect, snapshot list) in a child of
	# paks that asks the API
	pk_line "#cp /grown host:$BATS_TEST_TMPDIR/"
	pk_wait_for '^copied /grown to host:'
	[[ $(cat "$BATS_TEST_TMPDIR/grown") == x ]]
	pk_line '#save'
	pk_wait_for "saved paks-test/api:$TAG-box-saved"
	pk_line 'exit 0'
	pk_exit_is 0
	run "$E" run --rm --network none --entrypoint /bin/cat \
	    "paks-test/api:$TAG-box-saved" /grown
	[[ $output == x ]]
	if pk_api_on; then
		# (the log's "run" may span lines: its boot script)
		run grep -E '^(cp|commit|exec|export|diff|images?|container|save|load|import|rm) ' "$W/log"
		[[ $status -eq 1 ]]
	else
		grep -q '^container inspect' "$W/log"
		grep -q '^commit ' "$W/log"
	fi
}

@test "the session over the API, no client, no pty, run options in it" {
	# podman's session goes over its service only when asked
	export PAKS_PODMAN_API_RUN=1
	"$E" tag "$PK_BUSYBOX" "paks-test/api:$TAG-box"
	PATH=$W:$PATH pk_start -o --hostname=api-host -o --cap-drop=ALL \
	    -o --tmpfs -o "/scratch:size=1m" "paks-test/api:$TAG-box"
	pk_wait_for '#$'
	pk_line 'stty size'
	pk_wait_for '^24 80$'
	pk_line 'echo "host=$(hostname)"; grep -c " /scratch tmpfs" /proc/mounts'
	pk_wait_for '^host=api-host$'
	pk_wait_for '^1$'
	# --cap-drop=ALL: no capability left, not even root's chown
	pk_line 'grep CapEff /proc/self/status'
	pk_wait_for '^CapEff:[[:space:]]+0+$'
	pk_line '#inspect config.labels'
	pk_wait_for "\"org.paks.run\": \"$PK_NAME\""
	# #move works in a child of paks, which asks the daemon on a
	# connection of its own, not on the session's
	pk_line "#move docker-archive:$BATS_TEST_TMPDIR/box.tar"
	pk_wait_for -F "wrote $BATS_TEST_TMPDIR/box.tar"
	tar -tf "$BATS_TEST_TMPDIR/box.tar" | grep -qx manifest.json
	pk_line 'exit 3'
	pk_exit_is 3
	pk_stty_restored
	run "$E" container inspect "$PK_NAME"
	[[ $status -ne 0 ]]
	if pk_api_on; then
		run grep -E '^run ' "$W/log"
		[[ $status -eq 1 ]]
	else
		grep -q '^run -it ' "$W/log"
	fi
}

@test "PAKS_DOCKER_API_RUN=0, and podman by default: the session through the engine's client" {
	unset PAKS_PODMAN_API_RUN
	PAKS_DOCKER_API_RUN=0 PATH=$W:$PATH \
	    pk_start "$PK_BUSYBOX"
	pk_wait_for '#$'
	pk_line 'exit 0'
	pk_exit_is 0
	grep -q '^run -it ' "$W/log"
}

@test "paks enter: the shell exec'd through the API, else the client's" {
	export PAKS_PODMAN_API_RUN=1
	"$E" run -d --name "$C" --network none --label "org.paks.run=$C" \
	    --label "org.paks.source=$PK_BUSYBOX" --entrypoint /bin/sh \
	    "$PK_BUSYBOX" -c 'sleep 1000' >/dev/null
	PK_MATCH="paks enter -c $E $C" PATH=$W:$PATH pk_start_cmd "$PAKS" \
	    enter -c "$E" "$C"
	pk_wait_for '#$'
	pk_line 'echo "in=$(cat /proc/1/cmdline | tr "\0" " ")"'
	pk_wait_for '^in=(/bin/sh -c )?sleep 1000$'
	pk_resize 100 30
	pk_line 'stty size'
	pk_wait_for '^30 100$'
	pk_line 'exit 6'
	pk_exit_is 6
	pk_stty_restored
	# the container goes on: it was not paks enter's
	[[ $("$E" container inspect -f '{{.State.Running}}' "$C") == true ]]
	if pk_api_on; then
		run grep -E '^exec ' "$W/log"
		[[ $status -eq 1 ]]
	else
		grep -q '^exec -it ' "$W/log"
	fi
}
