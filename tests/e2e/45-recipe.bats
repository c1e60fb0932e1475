#!/usr/bin/env bats
# engines: both
#
# 45-recipe: from a session to a saved image that carries no secret.
# Covers: #save, #move and paks save refuse while a changed file holds the
# value of a variable paks loaded (the refusal names the file, never the
# value); removing the file or --allow-secrets lets the save go on; a
# change of many files is scanned too (one export rather than many cp).
# The session record: every line bash runs, with its status, directory
# and time, #history in the session and paks history on the host, secrets
# masked, a forged report kept apart and never acted on; a save carries
# the record, and paks recipe drafts a Containerfile from it.
# Exercises: src/image/secretscan.c, src/image/save.c,
# src/inside/hash-save.c, src/inside/hash-move.c, src/host/host-save.c,
# src/session/record.c, src/store/history.c, src/image/imagehistory.c,
# src/image/recipe.c, src/inside/hash-history.c, src/host/host-history.c,
# src/host/host-recipe.c.

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

# The record: one bash session that copies a file in, makes a directory,
# writes a file, reads, fails once, saves a secret and types it, and
# prints forged reports; then #history, paks history, the image's record
# and paks recipe.
@test "session record: #history, paks history, the saved record, paks recipe" {
	local target=$PK_DEBIAN-$TAG out=$BATS_TEST_TMPDIR/rebuild
	local zeros=00000000000000000000000000000000 rec json
	echo hello-from-host > "$BATS_TEST_TMPDIR/hello.txt"
	pk_start "$PK_DEBIAN"
	pk_wait_for '# ?$'
	pk_line "#cp host:$BATS_TEST_TMPDIR/hello.txt /opt/"
	pk_wait_for -F 'copied'
	pk_line 'mkdir -p /opt/app && cd /opt/app'
	pk_line 'echo built > out.txt'
	pk_line 'ls /opt'
	pk_line 'false'
	pk_line "#envsave proj PASS=$TOKEN"
	pk_wait_for -F "saved 1 variable"
	pk_line "echo $TOKEN | wc -c"
	# no nonce: dropped; the shell's own nonce: kept, marked not typed
	pk_line "printf '\\033]6973;L;%s;5;1;evil1/\\a' $zeros"
	pk_line "printf '\\033]6973;L;%s;5;1;evil2/\\a' \"\$__paks_n\""
	pk_line 'echo done-$((6*7))'
	pk_wait_for '^done-42'
	pk_line '#history'
	pk_wait_for '^ +[0-9]+ +1  .* /opt/app +false$'
	pk_wait_for '^ +[0-9]+ +0  .* / +mkdir -p /opt/app && cd /opt/app$'
	pk_wait_for -F '#envsave proj PASS=***'
	pk_wait_for -F 'echo *** | wc -c'
	pk_wait_for '!evil2$'
	pk_screen_lacks -F 'evil1$'
	pk_line "#save -$TAG"
	pk_wait_for -F "saved $target" 120
	pk_line 'exit'
	pk_exit_is 0
	# on the host: the container's record, no secret in it
	rec=$PAKS_HOME/records/$PK_NAME.jsonl
	[[ -f $rec ]]
	run ! grep -F "$TOKEN" "$rec"
	run "$PAKS" history "$PK_NAME"
	[[ $status == 0 ]]
	[[ $output == *"echo built > out.txt"* ]]
	[[ $output != *"$TOKEN"* ]]
	run "$PAKS" history --format json "$PK_NAME"
	[[ $status == 0 ]]
	json=$output
	[[ $(jq -r '.[] | select(.line == "false") | .status' <<<"$json") == 1 ]]
	[[ $(jq -r '.[] | select(.line == "evil2") | .typed' <<<"$json") == false ]]
	[[ $(jq '[.[] | select(.line == "evil1")] | length' <<<"$json") == 0 ]]
	[[ $(jq -r '.[] | select(.line == "ls /opt") | .typed' <<<"$json") == true ]]
	[[ $(jq -r '.[] | select(.line == "echo built > out.txt") | .cwd' \
	    <<<"$json") == /opt/app ]]
	# the saved image carries it, read without running the image
	run "$PAKS" history -c "$E" "$target"
	[[ $status == 0 ]]
	[[ $output == *"mkdir -p /opt/app && cd /opt/app"* ]]
	[[ $output != *"$TOKEN"* ]]
	# the recipe, built and compared with the image: nothing differs
	run "$PAKS" recipe --check -c "$E" "$target" -o "$out"
	echo "$output" >&2
	[[ $status == 0 ]]
	[[ $output == *"the draft rebuilds $target: no path differs"* ]]
	local cf=$out/Containerfile
	cat "$cf" >&2
	head -1 "$cf" | grep -q DRAFT
	grep -qx "FROM $PK_DEBIAN" "$cf"
	grep -qx 'COPY hello.txt /opt/' "$cf"
	grep -qx 'RUN mkdir -p /opt/app && cd /opt/app' "$cf"
	grep -qx 'WORKDIR /opt/app' "$cf"
	grep -qF 'echo built > out.txt' "$cf"
	grep -qx '# failed: false' "$cf"
	grep -qx '# reported, not typed: evil2' "$cf"
	run ! grep -E '^RUN .*ls /opt' "$cf"
	run ! grep -F "$TOKEN" "$cf"
	cmp "$out/hello.txt" "$BATS_TEST_TMPDIR/hello.txt"
}

@test "session record in zsh: status and directory from its hooks" {
	pk_start --shell zsh "$PK_DEBIAN"
	pk_wait_for '#$'
	pk_line 'cd /tmp'
	pk_line 'false'
	pk_line 'echo zsh-$((6*7))'
	pk_wait_for '^zsh-42$'
	pk_line '#history'
	pk_wait_for '^ +1 +0  .* / +cd /tmp$'
	pk_wait_for '^ +2 +1  .* /tmp +false$'
	pk_line 'exit 0'
	pk_exit_is 0
}

@test "session record in sh: the typed line, no status or directory" {
	pk_start "$PK_BUSYBOX"
	pk_wait_for '# ?$'
	pk_line 'ls /'
	pk_line 'echo sh-$((6*7))'
	pk_wait_for '^sh-42$'
	pk_line '#history'
	pk_wait_for '^ +1 +\?  .* \? +ls /$'
	pk_line 'exit 0'
	pk_exit_is 0
}
