#!/usr/bin/env bats
# engines: both
#
# 33-trust-engine: defence in depth at the engine level, on the engine in
# $PAKS_ENGINE. Covers: a program in the container cannot type into the
# shell's terminal with TIOCSTI (paks's seccomp profile), also with the
# request's high 32 bits set; a seccomp option of the user's wins and paks
# adds none; a --keep session leaves no log, and neither the engine's
# logs nor the metadata of its container or of an image #save made hold
# the session's nonce, a protocol message or a value of #envsave/#envload.
# Exercises: src/engine/seccomp.c, src/engine/engine.c (run options),
# tests/tools/tiocsti.c (the attacker, in the container).

load lib/helpers

setup_file() {
	pk_require_engine
}

setup() {
	pk_setup
	TARGET=$PK_DEBIAN-e2e$$t$BATS_TEST_NUMBER
}

teardown() {
	"$PAKS_ENGINE" rmi -f "$TARGET" "$TARGET.snap-1" >/dev/null 2>&1 || true
	pk_teardown
}

PROMPT='#$'

start_shell() {
	pk_start "$@"
	pk_wait_for "$PROMPT"
	pk_line 'echo READY'
	pk_wait_for '^READY$'
}

sha() {
	printf '%s' "$1" | sha256sum | cut -c1-16
}

@test "TIOCSTI from inside is refused, also with the request's high bits set" {
	start_shell -v "$PK_TIOCSTI:/paks-tiocsti:ro" "$PK_DEBIAN"
	[[ -s $PAKS_HOME/seccomp/$PAKS_ENGINE.json ]]
	pk_line "/paks-tiocsti 'echo INJ-A'; echo rc=\$?"
	pk_wait_for '^rc=3$'
	pk_wait_for -F 'tiocsti: refused: Operation not permitted'
	# 0xffffffff00005412: the kernel still reads TIOCSTI
	pk_line "/paks-tiocsti -H 'echo INJ-B'; echo rc-high=\$?"
	pk_wait_for '^rc-high=3$'
	# had anything gone in, the shell would have run it before this
	pk_line 'echo AFTER'
	pk_wait_for '^AFTER$'
	pk_screen_lacks '^INJ-[AB]$'
}

@test "a seccomp option of the user's wins: paks adds no profile" {
	start_shell -o --security-opt=seccomp=unconfined \
	    -v "$PK_TIOCSTI:/paks-tiocsti:ro" "$PK_DEBIAN"
	[[ ! -e $PAKS_HOME/seccomp/$PAKS_ENGINE.json ]]
	pk_line "/paks-tiocsti 'echo INJ-C'; echo rc=\$?"
	pk_wait_for '^rc=0$'
	# the shell ran what was pushed into its input
	pk_wait_for '^INJ-C$'
}

# holds_nothing TEXT: none of the session's secrets or protocol in TEXT
holds_nothing() {
	local rest

	if [[ $1 == *"$MARKER"* || $1 == *"$NONCE"* ]]; then
		echo "the #env value or the nonce is there:" >&2
		grep -n -e "$MARKER" -e "$NONCE" <<<"$1" >&2
		return 1
	fi
	# 6973 may appear only in the entrypoint's hello format (the same
	# in every session; JSON and plain), never as a message sent
	rest=${1//'\\033]6973;H\\007'/}
	rest=${rest//'\033]6973;H\007'/}
	if [[ $rest == *6973* ]]; then
		echo "a protocol message is there:" >&2
		grep -n 6973 <<<"$rest" >&2
		return 1
	fi
	# nor any nonce (32 hex digits) of another session
	pk_refute grep -Eq '(^|[^0-9a-fA-F])[0-9a-fA-F]{32}([^0-9a-fA-F]|$)' \
	    <<<"$rest"
}

@test "--keep: no log; no nonce, protocol or #env value in logs, metadata" {
	local out
	MARKER=PKSECRET${RANDOM}X
	start_shell --keep "$PK_DEBIAN"
	# the test reads the nonce from the shell, to look for it
	pk_line 'echo "nonce=$__paks_n"'
	pk_wait_for '^nonce=[0-9a-f]{32}$'
	NONCE=$(pk_screen | sed -n 's/^nonce=\([0-9a-f]\{32\}\)$/\1/p' |
	    tail -n 1)
	[[ ${#NONCE} -eq 32 ]]
	pk_line "#envsave trust TOKEN=$MARKER"
	pk_wait_for -F "saved 1 variable to 'trust'"
	pk_line 'unset TOKEN'
	pk_line '#envload trust'
	pk_wait_for -F "loaded 1 variable from 'trust'"
	pk_line 'printf %s "$TOKEN" | sha256sum | cut -c1-16'
	pk_wait_for "^$(sha "$MARKER")\$"
	pk_line "#save -e2e$$t$BATS_TEST_NUMBER"
	pk_wait_for -F "saved $TARGET" 120
	pk_line 'exit'
	pk_wait_exit >/dev/null
	pk_container_exists

	[[ $("$PAKS_ENGINE" inspect --format '{{.HostConfig.LogConfig.Type}}' \
	    "$PK_NAME") == none ]]
	run "$PAKS_ENGINE" logs "$PK_NAME"
	# no log to read, and the engine says so
	if ((status != 0)); then
		[[ $output == *"does not support reading"* ||
		    $output == *"not logging output"* ]]
	fi
	holds_nothing "$output"
	out=$("$PAKS_ENGINE" inspect "$PK_NAME")
	[[ $out == *'"Name'*"$PK_NAME"* ]]
	holds_nothing "$out"
	out=$("$PAKS_ENGINE" image inspect "$TARGET"
	    "$PAKS_ENGINE" history --no-trunc "$TARGET")
	[[ $out == *'"Id"'* ]]
	holds_nothing "$out"
	"$PAKS_ENGINE" rm -f "$PK_NAME" >/dev/null
	pk_refute pk_container_exists
}
