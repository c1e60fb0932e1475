#!/usr/bin/env bats
# engines: both
#
# 45-recipe: from a session to a saved image that carries no secret.
# Covers: #save, #move and paks save refuse while a changed file holds the
# value of a variable paks loaded (the refusal names the file, never the
# value); removing the file or --allow-secrets lets the save go on; a
# change of many files is scanned too (one export rather than many cp).
# Exercises: src/image/secretscan.c, src/image/save.c,
# src/inside/hash-save.c, src/inside/hash-move.c, src/host/host-save.c.

load lib/helpers
bats_require_minimum_version 1.5.0

setup_file() {
	pk_require_engine
}

setup() {
	pk_setup
	E=$PAKS_ENGINE
	TAG=e2e${PK_RUN_ID:-$$}r$BATS_TEST_NUMBER
	C=paks-e2e-recipe-${PK_RUN_ID:-$$}-$BATS_TEST_NUMBER
	# made of parts, so that no line of this file holds it whole
	TOKEN=tok$$-Qz8
	TOKEN+=-sekretvalue
}

teardown() {
	"$E" rm -f "$C" >/dev/null 2>&1 || true
	pk_teardown
	for i in $("$E" images --format '{{.Repository}}:{{.Tag}}' |
	    grep -e "$TAG" || true); do
		"$E" rmi -f "$i" >/dev/null 2>&1 || true
	done
}

# wait_count TEXT N: TEXT is on N lines of the screen
wait_count() {
	local deadline=$((SECONDS + 120))
	until [[ $(pk_screen | grep -cF -- "$1") == "$2" ]]; do
		((SECONDS < deadline)) || { pk_dump >&2; return 1; }
		sleep 0.2
	done
}

# the token appears nowhere on the screen, scrollback included
no_token() {
	pk_screen_lacks -F "$TOKEN"
}

@test "#save and #move refuse a secret in a changed file, name the file only" {
	local target=$PK_DEBIAN-$TAG
	"$PAKS" env add proj "TOKEN=$TOKEN" >/dev/null
	pk_start "$PK_DEBIAN"
	pk_wait_for '# ?$'
	pk_line '#envload proj'
	pk_wait_for -F "loaded 1 variable from 'proj'"
	pk_line 'echo "machine example.org password $TOKEN" > /root/.netrc'
	pk_line "#save -$TAG"
	pk_wait_for -F "paks: not saved: a changed file holds the value of a" 120
	pk_wait_for -F "'/root/.netrc'"
	pk_wait_for -F "hint: remove it and save again, or save anyway with"
	pk_refute "$E" image inspect "$target" >/dev/null 2>&1
	# #move saves first: refused the same way, nothing written
	pk_line "#move docker-archive:$BATS_TEST_TMPDIR/out.tar"
	wait_count 'paks: not saved: a changed file' 2
	[[ ! -e $BATS_TEST_TMPDIR/out.tar ]]
	# --allow-secrets saves it all the same
	pk_line "#save --allow-secrets -$TAG"
	pk_wait_for -F "saved $target" 120
	run "$E" run --rm --network none "$target" cat /root/.netrc
	[[ $output == *"$TOKEN"* ]]
	# removed: the save goes on, and the image no longer has it
	pk_line 'rm /root/.netrc; echo removed-$((6*7))'
	pk_wait_for '^removed-42'
	pk_line "#save -$TAG"
	wait_count "saved $target" 2
	run "$E" run --rm --network none "$target" ls -a /root
	[[ $output != *.netrc* ]]
	no_token
	pk_line 'exit'
	pk_exit_is 0
	no_token
}

@test "paks save refuses values of any environment, in few or many files" {
	local target=paks-test/secret:$TAG
	"$PAKS" env add other "KEY=$TOKEN" SHORT=abc >/dev/null
	"$E" run -d --name "$C" --network none --entrypoint /bin/sh \
	    "$PK_DEBIAN" -c 'sleep 1000' >/dev/null
	# values shorter than 6 bytes are not looked for
	"$E" exec "$C" sh -c 'echo abc > /root/short'
	run "$PAKS" save -c "$E" "$C" "$target"
	[[ $status == 0 ]]
	# many changed paths: read with one export
	"$E" exec -e "V=$TOKEN" "$C" sh -c 'for i in 1 2 3 4 5 6 7 8; do
		mkdir -p /opt/d$i; echo x > /opt/d$i/f; done
		printf "%s\n" "a" "key=$V" > /opt/d5/conf'
	run --separate-stderr "$PAKS" save -c "$E" "$C" "$target"
	[[ $status == 1 ]]
	[[ $stderr == *"not saved: a changed file holds"*"'/opt/d5/conf'"* ]]
	[[ $output$stderr != *"$TOKEN"* ]]
	[[ $stderr != *KEY* ]]
	run "$PAKS" save -c "$E" --allow-secrets "$C" "$target"
	[[ $status == 0 ]]
}
