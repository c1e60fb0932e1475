#!/usr/bin/env bats
# engines: both
#
# 40-save: #save and paks save on the engine in $PAKS_ENGINE.
# Covers: the saved image keeps its source's config and gains provenance
# labels; seven saves in a chain (two of them flatten) keep layers bounded
# (base + 2) and size within 10% of a flattened save; a save that fails part
# way (disk full) leaves the previous image and the images made from its
# base as they were; shell history
# is dropped or kept (without #commands) by save_history; bad input.
# Exercises: src/image/save.c, src/inside/hash-save.c, src/host/host-save.c.

load lib/helpers

setup_file() {
	pk_require_engine
}

setup() {
	pk_setup
	E=$PAKS_ENGINE
	TAG=e2e$$n$BATS_TEST_NUMBER
	CFG=paks-test/cfg:$TAG
	C=paks-e2e-save-$$-$BATS_TEST_NUMBER
}

teardown() {
	"$E" rm -f "$C" >/dev/null 2>&1 || true
	for i in $("$E" images --format '{{.Repository}}:{{.Tag}}' |
	    grep -e "$TAG" || true); do
		"$E" rmi -f "$i" >/dev/null 2>&1 || true
	done
	# images a chain of saves replaced while a container still used them
	# stay behind untagged, as docker commit leaves them
	if [[ -f $BATS_TEST_TMPDIR/ids ]]; then
		while read -r i; do
			"$E" rmi -f "$i" >/dev/null 2>&1 || true
		done < "$BATS_TEST_TMPDIR/ids"
	fi
	if [[ -n ${MNT:-} ]]; then umount "$MNT" 2>/dev/null || true; fi
	pk_teardown
}

# a container of IMAGE, running, named $C
ctr() {
	"$E" run -d --name "$C" --network none --entrypoint /bin/sh "$1" \
	    -c 'sleep 1000' >/dev/null
}

ctr_rm() {
	"$E" rm -f "$C" >/dev/null 2>&1 || "$E" rm -f -t0 "$C" >/dev/null
}

conf() {
	"$E" image inspect --format "{{json .Config.$2}}" "$1"
}

layers() {
	"$E" image inspect --format '{{len .RootFS.Layers}}' "$1"
}

@test "#save in a session keeps the source's config and adds provenance" {
	# a source image with a config of its own
	ctr "$PK_DEBIAN"
	"$E" exec "$C" sh -c 'mkdir -p /work && useradd -m dev'
	"$E" commit --change 'ENTRYPOINT ["/usr/bin/env"]' \
	    --change 'CMD ["bash", "-l"]' --change 'ENV MODE=dev' \
	    --change 'WORKDIR /work' --change 'USER dev' \
	    --change 'EXPOSE 8080' --change 'LABEL team=hpc' \
	    "$C" "$CFG" >/dev/null
	ctr_rm
	pk_start -w /tmp -e RUNVAR=1 "$CFG"
	pk_wait_for '\$ ?$'
	pk_line 'echo made > /tmp/made.txt; pwd'
	pk_wait_for '^/tmp$'
	pk_line '#save'
	pk_wait_for -F "saved $CFG-saved" 120
	# the original paks's spelling; an empty suffix would overwrite $CFG
	pk_line '#save suffix=-v2'
	pk_wait_for -F "saved $CFG-v2" 120
	pk_line '#save suffix='
	pk_wait_for -F "paks: #save: the suffix is empty"
	pk_line 'exit'
	pk_wait_exit
	"$E" image inspect "$CFG-v2" >/dev/null
	local s=$CFG-saved
	[[ $(conf "$s" Entrypoint) == "$(conf "$CFG" Entrypoint)" ]]
	[[ $(conf "$s" Cmd) == '["bash","-l"]' ]]
	[[ $(conf "$s" WorkingDir) == '"/work"' ]]
	[[ $(conf "$s" User) == '"dev"' ]]
	[[ $(conf "$s" ExposedPorts) == *8080* ]]
	conf "$s" Env | grep -q '"MODE=dev"'
	conf "$s" Labels | grep -q '"team":"hpc"'
	conf "$s" Labels | grep -q "\"org.paks.base\":\"$CFG\""
	conf "$s" Labels | grep -q '"org.paks.version"'
	conf "$s" Labels | grep -q '"org.paks.saved":"20'
	[[ $(layers "$s") -eq $(($(layers "$CFG") + 1)) ]]
	# the work is there and the image runs with its own entrypoint
	run "$E" run --rm --network none "$s" cat /tmp/made.txt
	[[ $output == made ]]
	# paks's shim is not the entrypoint, and no nonce is in the config
	[[ $("$E" image inspect "$s" | grep -c -e '__paks' -e 'PAKS_EOF') -eq 0 ]]
}

@test "seven saves: layers stay at most base + 2, size near a flattened save" {
	local base=$PK_DEBIAN src=$PK_DEBIAN target=paks-test/debian:$TAG-saved
	local n_base
	n_base=$(layers "$base")
	for i in $(seq 1 7); do
		ctr "$src"
		"$E" exec "$C" sh -c "echo $i > /root/f$i; head -c 20000 /dev/urandom > /root/r"
		run "$PAKS" save -c "$E" "$C" "$target"
		echo "$output"
		[[ $status -eq 0 ]]
		"$E" image inspect --format '{{.Id}}' "$target" \
		    >> "$BATS_TEST_TMPDIR/ids"
		ctr_rm
		(($(layers "$target") <= n_base + 2))
		src=$target
	done
	ctr "$target"
	run "$E" exec "$C" sh -c 'cat /root/f* | wc -l'
	[[ $output == 7 ]]
	# one flattened save of the same content
	"$E" export "$C" | "$E" import - "paks-test/flat:$TAG" >/dev/null
	local a b
	a=$("$E" image inspect --format '{{.Size}}' "$target")
	b=$("$E" image inspect --format '{{.Size}}' "paks-test/flat:$TAG")
	echo "chain $a flat $b"
	((a * 10 <= b * 11))
	conf "$target" Labels | grep -Eq "\"org.paks.base\":\"(localhost/)?$base\""
	[[ $(conf "$target" Cmd) == "$(conf "$base" Cmd)" ]]
}

# the images a save from paks-test/busybox:$TAG wrote (their label says so;
# podman may name the base with its localhost/ prefix): this test's own,
# whatever other tests on the engine make meanwhile
made_here() {
	local base
	for base in "paks-test/busybox:$TAG" "localhost/paks-test/busybox:$TAG"; do
		"$E" images -a --filter "label=org.paks.base=$base" \
		    --format '{{.ID}} {{.Repository}}:{{.Tag}}'
	done | sort -u
}

@test "a save that fails part way changes nothing" {
	local target=paks-test/busybox:$TAG-saved
	# two good saves, each with a change: the base's 1 layer + 2, so the
	# next save must flatten through a temporary archive (docker save) or
	# write its layer through the temporary directory (podman commit)
	"$E" tag "$PK_BUSYBOX" "paks-test/busybox:$TAG"
	ctr "paks-test/busybox:$TAG"
	"$E" exec "$C" sh -c 'echo 1 > /one'
	"$PAKS" save -c "$E" "$C" "$target"
	ctr_rm
	ctr "$target"
	"$E" exec "$C" sh -c 'echo 2 > /two'
	"$PAKS" save -c "$E" "$C" "$target"
	ctr_rm
	[[ $(layers "$target") -eq 3 ]]
	ctr "$target"
	"$E" exec "$C" sh -c 'head -c 3000000 /dev/urandom > /big'
	local before_id before_list
	before_id=$("$E" image inspect --format '{{.Id}}' "$target")
	before_list=$(made_here)
	[[ -n $before_list ]]
	# a disk too small for what the save must write
	MNT=$BATS_TEST_TMPDIR/small
	mkdir -p "$MNT"
	mount -t tmpfs -o size=1m tmpfs "$MNT"
	run env TMPDIR="$MNT" "$PAKS" save -c "$E" "$C" "$target"
	echo "$output"
	[[ $status -eq 1 ]]
	[[ ${lines[-1]} == paks:* ]]
	[[ $("$E" image inspect --format '{{.Id}}' "$target") == "$before_id" ]]
	[[ $(made_here) == "$before_list" ]]
	# nothing left in the temporary directory either
	[[ -z $(ls -A "$MNT") ]]
	# and the same save with room succeeds
	run "$PAKS" save -c "$E" "$C" "$target"
	[[ $status -eq 0 ]]
	(($(layers "$target") <= 3))
}

@test "save_history decides whether shell history is kept, never #commands" {
	local target=paks-test/debian:$TAG-saved
	ctr "$PK_DEBIAN"
	"$E" exec "$C" sh -c 'printf "ls -la\n#envload proj\nmake\n" > /root/.bash_history'
	"$PAKS" save -c "$E" "$C" "$target"
	run "$E" run --rm --network none "$target" sh -c 'ls /root/.bash_history 2>&1'
	[[ $output == *"No such file"* ]]
	"$E" exec "$C" sh -c 'printf "ls -la\n#envload proj\nmake\n" > /root/.bash_history'
	"$PAKS" -s save_history=true save -c "$E" "$C" "$target"
	run "$E" run --rm --network none "$target" cat /root/.bash_history
	[[ $output == $'ls -la\nmake' ]]
}

@test "paks save: bad input gives one clear line" {
	run "$PAKS" save -c "$E" no-such-container-$$
	[[ $status -eq 1 ]]
	[[ ${lines[0]} == "paks: no container 'no-such-container-$$' in $E" ]]
	run "$PAKS" save
	[[ $status -eq 2 ]]
	[[ ${lines[0]} == "paks: save: no container given" ]]
	ctr "$PK_BUSYBOX"
	run "$PAKS" save -c "$E" "$C" 'Bad:Name'
	[[ $status -eq 1 ]]
	[[ ${lines[0]} == "paks: invalid image reference 'Bad:Name'"* ]]
	run "$PAKS" save --bogus x
	[[ $status -eq 2 ]]
	run "$PAKS" save --help
	[[ $status -eq 0 ]]
}
