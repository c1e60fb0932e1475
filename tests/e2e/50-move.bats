#!/usr/bin/env bats
# engines: both
#
# 50-move: paks move, #move and paks load, on the engine in $PAKS_ENGINE,
# to each destination and back. The other side is made by
# tests/move-hosts.sh for this file: an sshd in a network namespace of its
# own (reached over that namespace's loopback only), a second dockerd and a
# separate podman store behind it, and a TLS registry with htpasswd auth on
# 127.0.0.1. Nothing is left behind: teardown_file stops and removes them.
# Covers: #move typed into a real terminal (tmux), its file present when
# the image runs over there, and a second #move sending only the new layer
# (bytes counted on the namespace's lo); docker-archive: into the other
# engine and oci-archive: into a separate store with paks load; docker://
# with credentials from a paks environment (never in any argv) and back,
# refused and missing credentials; charliecloud:DIR run by ch-run as an
# unprivileged user with the image's environment and working directory,
# and charliecloud:FILE.sqfs; ssh into the other engine; bad DEST strings
# (one line, exit 2, nothing made); unreachable hosts; paks load of a file
# that is no image archive.
# Exercises: src/image/move*.c, src/host/host-{move,load}.c,
# src/inside/hash-move.c, tests/move-hosts.sh.

load lib/helpers

bats_require_minimum_version 1.5.0

setup_file() {
	pk_require_engine
	export PK_RUN_ID=${PK_RUN_ID:-$$}
	MV_DIR=$(mktemp -d /tmp/pkmv.XXXXXX)
	export MV_DIR
	"$PK_ROOT/tests/move-hosts.sh" up "$MV_DIR" ssh docker podman registry
}

teardown_file() {
	"$PK_ROOT/tests/move-hosts.sh" down "$MV_DIR"
}

setup() {
	pk_setup
	# shellcheck disable=SC1091
	source "$MV_DIR/env"
	export PAKS_SSH=$MV_SSH
	OTHER=podman
	[[ $PAKS_ENGINE == podman ]] && OTHER=docker
	# images this test makes: paks-e2e/mv-RUN-N:TAG, and ids to remove
	MV_IMG=paks-e2e/mv-$PK_RUN_ID-$BATS_TEST_NUMBER
	MV_IDS=$BATS_TEST_TMPDIR/ids
	MV_OUT=$BATS_TEST_TMPDIR/out
	mkdir -p "$MV_OUT"
	: > "$MV_IDS"
}

teardown() {
	local e img
	pk_teardown || true
	for e in "$PAKS_ENGINE" "$OTHER"; do
		for img in $("$e" images --format '{{.Repository}}:{{.Tag}}' |
		    grep -F "paks-e2e/mv-$PK_RUN_ID-$BATS_TEST_NUMBER"); do
			"$e" rmi -f "$img" >/dev/null 2>&1 || true
		done
	done
	while read -r e img; do
		"$e" rmi -f "$img" >/dev/null 2>&1 || true
	done < "$MV_IDS"
	[[ -z ${MV_CHDIR:-} ]] || rm -rf "$MV_CHDIR"
}

# remote ENGINE ARGS...: that engine's separate store (the ssh side)
remote() {
	local e=$1
	shift
	if [[ $e == docker ]]; then
		$MV_REMOTE_DOCKER docker "$@"
	else
		$MV_REMOTE_PODMAN podman "$@"
	fi
}

# make_image TAG [ENGINE run options...]: a busybox image whose
# /root/proj/work.txt holds "work of TAG"
make_image() {
	local tag=$1
	shift
	"$PAKS_ENGINE" run --name "$PK_NAME" --network none "$@" "$PK_BUSYBOX" \
	    sh -c "mkdir -p /root/proj && echo 'work of $tag' > /root/proj/work.txt"
	"$PAKS_ENGINE" commit "$PK_NAME" "$MV_IMG:$tag" >/dev/null
	"$PAKS_ENGINE" rm "$PK_NAME" >/dev/null
}

# wait_lines N RE [SECS]: until N screen lines match RE
wait_lines() {
	local deadline=$((SECONDS + ${3:-$PK_TIMEOUT}))
	until (($(pk_screen | grep -cE -- "$2") >= $1)); do
		if ((SECONDS >= deadline)); then
			echo "timed out waiting for $1 lines matching: $2" >&2
			pk_dump >&2
			return 1
		fi
		sleep 0.2
	done
}

# Bytes that crossed the ssh namespace's loopback so far.
wire_bytes() {
	ip netns exec "$MV_NS" cat /sys/class/net/lo/statistics/tx_bytes
}

# Bytes of IMAGE's top layer, config and manifest.json as the engine's own
# save writes them.
top_layer_bytes() {
	local f=$BATS_TEST_TMPDIR/top.tar fmt=() layer config
	[[ $PAKS_ENGINE == podman ]] && fmt=(--format=docker-archive)
	"$PAKS_ENGINE" save "${fmt[@]}" "$1" > "$f"
	layer=$(tar -xOf "$f" manifest.json | jq -r '.[0].Layers[-1]')
	config=$(tar -xOf "$f" manifest.json | jq -r '.[0].Config')
	tar -tvf "$f" "$layer" "$config" manifest.json |
	    awk '{ n += $3 } END { print n }'
	rm -f "$f"
}

@test "#move to ssh: the session's file is there; a second #move sends only the new layer" {
	local img=paks-e2e/mv-$PK_RUN_ID-$BATS_TEST_NUMBER:deb
	local target=$img-saved dest=ssh://root@$MV_SSH_HOST/$PAKS_ENGINE
	local b0 b1 b2 want top
	"$PAKS_ENGINE" tag "$PK_DEBIAN" "$img"
	pk_start "$img"
	pk_wait_for '#$'
	# a bad destination is refused before anything is saved
	pk_line '#move nowhere:x'
	pk_wait_for -F "paks: unknown destination 'nowhere:x'"
	pk_refute "$PAKS_ENGINE" image inspect "$target"
	pk_line "echo 'made in session $PK_RUN_ID' > /root/work.txt"
	b0=$(wire_bytes)
	pk_line "#move $dest"
	pk_wait_for -F "saved $target"
	wait_lines 1 '^loaded .* there; run it:$' 180
	b1=$(wire_bytes)
	pk_wait_for -F "$PAKS_ENGINE on root@$MV_SSH_HOST has 0 of the 2 layers" 1
	"$PAKS_ENGINE" image inspect --format '{{.Id}}' "$target" |
	    sed "s/^/$PAKS_ENGINE /" >> "$MV_IDS"
	run remote "$PAKS_ENGINE" run --rm --network none "$target" cat /root/work.txt
	[[ $output == "made in session $PK_RUN_ID" ]]

	# a small change; the second move must send only the new top layer
	pk_line 'head -c 2000000 /dev/urandom > /root/more.bin; echo CHANGED-$((1 + 1))'
	pk_wait_for '^CHANGED-2$'
	pk_line "#move $dest"
	wait_lines 2 '^loaded .* there; run it:$' 180
	b2=$(wire_bytes)
	pk_wait_for "has 1 of the 2 layers" 1
	pk_wait_for '^sent .*: 1 new layer and the metadata; 1 layer reused' 1
	# the last line is the command to run it there
	pk_wait_for -F "ssh -F $MV_DIR/ssh_config -t -p 2222 root@127.0.0.1 $PAKS_ENGINE run -it --rm" 1
	top=$(top_layer_bytes "$target")
	want=$((top * 12 / 10))
	echo "first move: $((b1 - b0)) bytes on the wire"
	echo "second move: $((b2 - b1)) bytes; new layer + metadata: $top; bound: $want"
	((b2 - b1 < want))
	# and the first move sent the whole image
	((b1 - b0 > 50000000))
	run remote "$PAKS_ENGINE" run --rm --network none "$target" \
	    sh -c 'cat /root/work.txt; wc -c < /root/more.bin'
	[[ ${lines[0]} == "made in session $PK_RUN_ID" ]]
	[[ ${lines[1]} == 2000000 ]]
	"$PAKS_ENGINE" image inspect --format '{{.Id}}' "$target" |
	    sed "s/^/$PAKS_ENGINE /" >> "$MV_IDS"
}

@test "ssh into the other engine: only what it lacks, the file is there" {
	make_image v1
	run "$PAKS" move -c "$PAKS_ENGINE" "$MV_IMG:v1" \
	    "ssh://root@$MV_SSH_HOST/$OTHER"
	echo "$output"
	[[ $status -eq 0 ]]
	[[ ${lines[0]} == "$OTHER on root@$MV_SSH_HOST has "*" of the 2 layers; sending "*" ..." ]]
	[[ ${lines[-1]} == *"$OTHER run -it --rm "* ]]
	run remote "$OTHER" run --rm --network none "$MV_IMG:v1" cat /root/proj/work.txt
	[[ $output == "work of v1" ]]
	# again: nothing new to send
	run "$PAKS" move -c "$PAKS_ENGINE" "$MV_IMG:v1" \
	    "ssh://root@$MV_SSH_HOST/$OTHER"
	[[ $status -eq 0 ]]
	[[ ${lines[1]} == "sent "*": 0 new layers and the metadata; 2 layers reused"* ]]
	remote "$OTHER" rmi "$MV_IMG:v1" >/dev/null
}

@test "docker-archive: paks load brings it into the other engine" {
	make_image v1
	run "$PAKS" move -c "$PAKS_ENGINE" "$MV_IMG:v1" \
	    "docker-archive:$MV_OUT/img.tar"
	echo "$output"
	[[ $status -eq 0 ]]
	[[ ${lines[0]} == "wrote $MV_OUT/img.tar ("*", 2 layers)" ]]
	[[ ${lines[-1]} == "  paks load $MV_OUT/img.tar && paks run $MV_IMG:v1" ]]
	run "$PAKS" load "$MV_OUT/img.tar" --engine "$OTHER"
	echo "$output"
	[[ $status -eq 0 ]]
	[[ $output == *"(docker-archive)"* ]]
	run "$OTHER" run --rm --network none "$MV_IMG:v1" cat /root/proj/work.txt
	[[ $output == "work of v1" ]]
}

@test "oci-archive: paks load brings it into a separate store of the same engine" {
	make_image v1
	run "$PAKS" move -c "$PAKS_ENGINE" "$MV_IMG:v1" "oci-archive:$MV_OUT/img.oci.tar"
	echo "$output"
	[[ $status -eq 0 ]]
	local env
	[[ $PAKS_ENGINE == docker ]] && env=$MV_REMOTE_DOCKER || env=$MV_REMOTE_PODMAN
	run $env "$PAKS" load "oci-archive:$MV_OUT/img.oci.tar" -c "$PAKS_ENGINE"
	echo "$output"
	[[ $status -eq 0 ]]
	[[ $output == *"(oci-archive)"* ]]
	run remote "$PAKS_ENGINE" run --rm --network none "$MV_IMG:v1" cat /root/proj/work.txt
	[[ $output == "work of v1" ]]
	remote "$PAKS_ENGINE" rmi "$MV_IMG:v1" >/dev/null
}

@test "docker://: credentials from a paks environment, never in an argv; and back" {
	local ref=$MV_REGISTRY/paks-e2e/mv-$PK_RUN_ID:v1 shim=$BATS_TEST_TMPDIR/bin
	make_image v1
	"$PAKS" env add reg "REGISTRY_USER=$MV_REG_USER" \
	    "REGISTRY_PASSWORD=$MV_REG_PASSWORD" >/dev/null
	# a skopeo that records its arguments and environment
	mkdir -p "$shim"
	cat > "$shim/skopeo" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >> "$BATS_TEST_TMPDIR/argv.log"
env >> "$BATS_TEST_TMPDIR/argv.log"
exec /usr/bin/skopeo "\$@"
EOF
	chmod +x "$shim/skopeo"
	PATH=$shim:$PATH run "$PAKS" move -c "$PAKS_ENGINE" "$MV_IMG:v1" \
	    "docker://$ref" --creds-env reg --tls-verify=false
	echo "$output"
	[[ $status -eq 0 ]]
	[[ ${lines[1]} == "sent "*": 2 new layers and the metadata; 0 layers reused" ]]
	[[ ${lines[-1]} == "  $PAKS_ENGINE run -it --rm $ref" ]]
	grep -q -- '--authfile=/dev/fd/3' "$BATS_TEST_TMPDIR/argv.log"
	pk_refute grep -qF "$MV_REG_PASSWORD" "$BATS_TEST_TMPDIR/argv.log"
	pk_refute grep -qF "$(printf '%s:%s' "$MV_REG_USER" "$MV_REG_PASSWORD" | base64 -w0)" \
	    "$BATS_TEST_TMPDIR/argv.log"
	# no auth file left anywhere paks could have put one (the test's own
	# files and the paks environment aside)
	[[ -z $(grep -rlsF "$MV_REG_PASSWORD" /tmp /var/tmp |
	    grep -v -e "^$MV_DIR/" -e "^$BATS_TEST_TMPDIR/") ]]

	# back: remove it here, pull it from the registry, the file is there
	"$PAKS_ENGINE" rmi "$MV_IMG:v1" >/dev/null
	local into=docker-daemon:$MV_IMG:v1
	[[ $PAKS_ENGINE == podman ]] && into=containers-storage:$MV_IMG:v1
	skopeo copy --quiet --authfile "$MV_AUTHFILE" --src-tls-verify=false \
	    "docker://$ref" "$into"
	run "$PAKS_ENGINE" run --rm --network none "$MV_IMG:v1" cat /root/proj/work.txt
	[[ $output == "work of v1" ]]
	# pushed again: the registry has every layer; on 127.0.0.1 it is
	# taken as insecure without --tls-verify=false, as docker does
	run "$PAKS" move -c "$PAKS_ENGINE" "$MV_IMG:v1" "docker://$ref" \
	    --creds-env reg
	[[ $status -eq 0 ]]
	[[ ${lines[1]} == "sent "*": 0 new layers and the metadata; 2 layers reused" ]]
}

@test "docker://: refused or missing credentials and an untrusted certificate give one clear line" {
	local ref=$MV_REGISTRY/paks-e2e/mv-$PK_RUN_ID:bad
	make_image v1
	"$PAKS" env add bad "REGISTRY_USER=$MV_REG_USER" REGISTRY_PASSWORD=wrong \
	    >/dev/null
	run --separate-stderr "$PAKS" move -c "$PAKS_ENGINE" "$MV_IMG:v1" \
	    "docker://$ref" --creds-env bad --tls-verify=false
	echo "$stderr"
	[[ $status -eq 1 ]]
	[[ $stderr == "paks: registry '$MV_REGISTRY' refused the credentials of environment 'bad'" ]]
	run --separate-stderr "$PAKS" move -c "$PAKS_ENGINE" "$MV_IMG:v1" \
	    "docker://$ref" --tls-verify=false
	[[ $status -eq 1 ]]
	[[ $stderr == "paks: registry '$MV_REGISTRY' wants credentials; give them with --creds-env NAME" ]]
	# a loopback registry is verified only when asked to be
	run --separate-stderr "$PAKS" move -c "$PAKS_ENGINE" "$MV_IMG:v1" \
	    "docker://$ref" --creds-env bad --tls-verify=true
	[[ $status -eq 1 ]]
	[[ $stderr == "paks: registry '$MV_REGISTRY': its TLS certificate is not trusted"* ]]
	[[ ${#stderr_lines[@]} -eq 1 ]]
}

@test "charliecloud:DIR: ch-run as an unprivileged user finds the work, environment and directory" {
	make_image v1 -w /root -e MOVE_VAR=from-image
	MV_CHDIR=$(mktemp -d /tmp/pkch.XXXXXX)
	chmod 755 "$MV_CHDIR"
	run "$PAKS" move -c "$PAKS_ENGINE" "$MV_IMG:v1" "charliecloud:$MV_CHDIR/img"
	echo "$output"
	[[ $status -eq 0 ]]
	local want="  ch-run --set-env --cd=/root $MV_CHDIR/img -- sh"
	[[ ${lines[-1]} == "$want" ]]
	# the printed command, as nobody, with a probe instead of the shell
	local -a cmd
	read -ra cmd <<<"${lines[-1]}"
	unset 'cmd[-1]'
	run setpriv --reuid=65534 --regid=65534 --clear-groups env -i \
	    USER=nobody PATH=/usr/bin:/bin "${cmd[@]}" \
	    sh -c 'id -u; pwd; cat proj/work.txt; echo "$MOVE_VAR"'
	echo "$output"
	[[ $status -eq 0 ]]
	[[ ${lines[0]} == 65534 && ${lines[1]} == /root ]]
	[[ ${lines[2]} == "work of v1" && ${lines[3]} == from-image ]]
	# a directory that exists is never overwritten
	run "$PAKS" move -c "$PAKS_ENGINE" "$MV_IMG:v1" "charliecloud:$MV_CHDIR/img"
	[[ $status -eq 1 && $output == "paks: '$MV_CHDIR/img' exists; remove it or name a new directory" ]]
}

@test "charliecloud:FILE.sqfs: a SquashFS image with the work readable" {
	make_image v1 -w /root
	MV_CHDIR=$(mktemp -d /tmp/pkch.XXXXXX)
	run "$PAKS" move -c "$PAKS_ENGINE" "$MV_IMG:v1" \
	    "charliecloud:$MV_CHDIR/img.sqfs"
	echo "$output"
	[[ $status -eq 0 ]]
	[[ ${lines[-1]} == "  ch-run --set-env --cd=/root $MV_CHDIR/img.sqfs -- sh" ]]
	[[ $(unsquashfs -cat "$MV_CHDIR/img.sqfs" root/proj/work.txt) == "work of v1" ]]
	unsquashfs -lls "$MV_CHDIR/img.sqfs" | grep -q '^drwxr-xr-x .* squashfs-root/root$'
	# nothing left beside it
	[[ $(ls -A "$MV_CHDIR") == img.sqfs ]]
}

@test "bad DEST strings: one line, exit 2, nothing made" {
	local bad
	for bad in nowhere:x /tmp/x.tar docker-archive: 'oci-archive:a:b.tar' \
	    docker:// 'docker://Bad/Name' ssh:// 'ssh://-oProxyCommand=x' \
	    'ssh://h;reboot' ssh://host:0 ssh://host/lxc charliecloud:; do
		run --separate-stderr "$PAKS" move -c "$PAKS_ENGINE" "$PK_BUSYBOX" "$bad"
		echo "$bad -> $status: $stderr"
		[[ $status -eq 2 ]]
		[[ ${#stderr_lines[@]} -eq 1 && $stderr == "paks: "* ]]
		[[ -z $output ]]
	done
	[[ -z $(ls -A "$MV_OUT") ]]
}

@test "unreachable ssh host, missing image, non-archive: one clear line, exit 1" {
	run --separate-stderr "$PAKS" move -c "$PAKS_ENGINE" "$PK_BUSYBOX" \
	    "ssh://root@127.0.0.1:2223/$PAKS_ENGINE"
	[[ $status -eq 1 ]]
	[[ $stderr == "paks: cannot reach 'root@127.0.0.1:2223' over ssh: "* ]]
	[[ ${#stderr_lines[@]} -eq 1 ]]
	run --separate-stderr "$PAKS" move -c "$PAKS_ENGINE" "$MV_IMG:nope" \
	    "docker-archive:$MV_OUT/x.tar"
	[[ $status -eq 1 ]]
	[[ $stderr == "paks: image '$MV_IMG:nope' is not in $PAKS_ENGINE"* ]]
	[[ -z $(ls -A "$MV_OUT") ]]
	echo "not an archive" > "$MV_OUT/junk.tar"
	run --separate-stderr "$PAKS" load "$MV_OUT/junk.tar" -c "$PAKS_ENGINE"
	[[ $status -eq 1 ]]
	[[ $stderr == "paks: '$MV_OUT/junk.tar' is not an image archive (docker-archive or oci-archive)" ]]
}
