#!/usr/bin/env bats
# engines: both
#
# 52-preflight: the portability preflight of paks move, on the engine in
# $PAKS_ENGINE. Covers: before charliecloud:DIR, one warning per kind
# (a file only root can read, a setuid file, a link into /tmp) naming the
# paths, with what the image's base has (busybox's /etc/shadow, /root)
# and a file an upper layer removed left out, and the move goes on;
# --strict refuses with exit 1 and writes nothing beside DIR; a stock
# busybox, and an image paks saved (org.paks.base.layers) whose own
# layer is clean, give no warning; before ssh://, the other side's architecture (uname -m there,
# over the same connection; a stand-in ssh here) against the image's,
# and --strict refuses before a byte is sent.
# Exercises: src/image/preflight.c, src/image/move-charliecloud.c,
# src/image/move-ssh.c, src/image/move-archive.c (move_archive_walk),
# src/host/host-move.c.

load lib/helpers

bats_require_minimum_version 1.5.0

setup_file() {
	pk_require_engine
	export PK_RUN_ID=${PK_RUN_ID:-$$}
}

setup() {
	pk_setup
	PF_IMG=paks-e2e/pf-$PK_RUN_ID-$BATS_TEST_NUMBER
	PF_DIR=$(mktemp -d /tmp/pkpf.XXXXXX)
}

teardown() {
	pk_teardown || true
	pk_rmi_matching "$PF_IMG:"
	rm -rf "$PF_DIR"
}

# commit_from IMAGE TAG SCRIPT [commit options...]: run SCRIPT in IMAGE,
# commit it as $PF_IMG:TAG
commit_from() {
	local from=$1 tag=$2 script=$3
	shift 3
	"$PAKS_ENGINE" run --name "$PK_NAME" --network none "$from" \
	    sh -c "$script"
	"$PAKS_ENGINE" commit "$@" "$PK_NAME" "$PF_IMG:$tag" >/dev/null
	"$PAKS_ENGINE" rm "$PK_NAME" >/dev/null
}

@test "charliecloud: root-only, setuid and a link into /tmp are warned; --strict refuses and writes nothing" {
	# layer 1: the files; layer 2 removes one root-only file again
	commit_from "$PK_BUSYBOX" v1 'mkdir -p /srv /usr/local/bin &&
	    echo s > /srv/secret.conf && chmod 600 /srv/secret.conf &&
	    echo g > /srv/gone && chmod 600 /srv/gone &&
	    cp /bin/busybox /usr/local/bin/tool &&
	    chmod 4755 /usr/local/bin/tool && ln -s /tmp/x /srv/scratch'
	commit_from "$PF_IMG:v1" v2 'rm /srv/gone'

	run --separate-stderr "$PAKS" move -c "$PAKS_ENGINE" --strict \
	    "$PF_IMG:v2" "charliecloud:$PF_DIR/img"
	echo "$output"$'\n'"$stderr"
	[[ $status -eq 1 ]]
	[[ ${stderr_lines[0]} == "paks: warning: 1 file only root can read (ch-run runs as you): /srv/secret.conf" ]]
	[[ ${stderr_lines[1]} == "paks: warning: 1 setuid or setgid file (no privilege is gained under ch-run): /usr/local/bin/tool" ]]
	[[ ${stderr_lines[2]} == "paks: warning: 1 symbolic link into /tmp or /home (under ch-run those are the host's): /srv/scratch" ]]
	[[ ${stderr_lines[3]} == "paks: --strict: the image is not moved (3 warnings above)" ]]
	[[ ${stderr_lines[4]} == "hint: fix what the warnings name in the image, or move without --strict" ]]
	[[ ${#stderr_lines[@]} -eq 5 ]]
	# nothing written: no DIR, no temporary beside it
	[[ -z $(ls -A "$PF_DIR") ]]

	run --separate-stderr "$PAKS" move -c "$PAKS_ENGINE" "$PF_IMG:v2" \
	    "charliecloud:$PF_DIR/img"
	echo "$output"$'\n'"$stderr"
	[[ $status -eq 0 ]]
	[[ ${#stderr_lines[@]} -eq 3 ]]
	[[ ${stderr_lines[0]} == "paks: warning: 1 file only root can read"* ]]
	[[ ${lines[-1]} == "  ch-run --set-env --cd=/ $PF_DIR/img -- sh" ]]
	[[ $(cat "$PF_DIR/img/srv/secret.conf") == s ]]
	[[ ! -e $PF_DIR/img/srv/gone ]]
}

@test "charliecloud: a stock image, and one paks saved whose own layer is clean, give no warning" {
	local n
	# busybox's /etc/shadow and /root are root's: noise, left out
	run --separate-stderr "$PAKS" move -c "$PAKS_ENGINE" --strict \
	    "$PK_BUSYBOX" "charliecloud:$PF_DIR/bb"
	echo "$output"$'\n'"$stderr"
	[[ $status -eq 0 && -z $stderr && -d $PF_DIR/bb/etc ]]
	commit_from "$PK_BUSYBOX" v1 'mkdir -p /srv && echo s > /srv/secret.conf &&
	    chmod 600 /srv/secret.conf'
	n=$("$PAKS_ENGINE" image inspect --format '{{len .RootFS.Layers}}' \
	    "$PF_IMG:v1")
	# what paks save writes: the base's layers are counted in a label
	commit_from "$PF_IMG:v1" v2 'mkdir -p /root/proj &&
	    echo work > /root/proj/w.txt && chmod 600 /root/proj/w.txt &&
	    echo open > /srv/readme' --change "LABEL org.paks.base.layers=$n"

	run --separate-stderr "$PAKS" move -c "$PAKS_ENGINE" --strict \
	    "$PF_IMG:v2" "charliecloud:$PF_DIR/img"
	echo "$output"$'\n'"$stderr"
	[[ $status -eq 0 ]]
	[[ -z $stderr ]]
	[[ $(cat "$PF_DIR/img/srv/readme") == open ]]
}

@test "ssh: an architecture the other side does not run is warned; --strict refuses before anything is sent" {
	local bin=$BATS_TEST_TMPDIR/bin arch
	mkdir -p "$bin"
	# the other side: this machine, but its uname -m says s390x (or
	# aarch64 when the image is for s390x); what ssh is fed is kept
	arch=s390x
	[[ $("$PAKS_ENGINE" image inspect --format '{{.Architecture}}' \
	    "$PK_BUSYBOX") == s390x ]] && arch=aarch64
	printf '#!/bin/sh\necho %s\n' "$arch" > "$bin/uname"
	cat > "$bin/ssh" <<-EOF
	#!/bin/sh
	for a; do cmd=\$a; done
	PATH=$bin:\$PATH
	export PATH
	tee "$BATS_TEST_TMPDIR/sent" | sh -c "\$cmd"
	EOF
	chmod +x "$bin/uname" "$bin/ssh"
	: > "$BATS_TEST_TMPDIR/sent"
	export PAKS_SSH=$bin/ssh

	run --separate-stderr "$PAKS" move -c "$PAKS_ENGINE" --strict \
	    "$PK_BUSYBOX" "ssh://other/$PAKS_ENGINE"
	echo "$output"$'\n'"$stderr"
	[[ $status -eq 1 ]]
	local want
	want=$(case $arch in s390x) echo s390x ;; *) echo arm64 ;; esac)
	[[ ${stderr_lines[0]} == "paks: warning: the image is for "*", but other runs $want: its programs will not start there" ]]
	[[ ${stderr_lines[1]} == "paks: --strict: the image is not moved (1 warning above)" ]]
	[[ ! -s $BATS_TEST_TMPDIR/sent ]]
}
