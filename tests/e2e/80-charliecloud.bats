#!/usr/bin/env bats
# engines: none
#
# 80-charliecloud: paks run -c charliecloud on an image directory, as an
# ordinary user, in a real terminal (tmux). The image is a Debian dev
# container made with docker (else podman), saved with paks save and moved
# with paks move IMAGE charliecloud:DIR (lib/charliecloud.bash).
# Covers: the session runs through ch-run as the user with the image's
# environment, and the earlier file is there; the terminal is restored and
# the shell's status returned; #envload; #cp both ways (relative paths
# follow the shell, links in the image are not followed out of it, /proc
# is refused); #save writes DIR-saved that ch-run runs, and again replaces
# it; #size, #inspect; #move and the options with no meaning say so; a
# missing or wrong image is one clear line; a SquashFS image (run as root,
# where FUSE is usable; as the user, per /dev/fuse here).
# Exercises: src/engine/charliecloud.c, src/engine/engine.c,
# src/host/host-run.c, src/inside/hash-{cp,inspect,save}.c.

load lib/helpers
load lib/charliecloud

setup_file() {
	ch_setup_file
}

teardown_file() {
	ch_teardown_file
}

setup() {
	pk_setup
	PROMPT="^$PK_CH_USER@.*\\\$"
	# paks runs as the user or root, always with --name
	PK_MATCH="^[^ ]*paks run .*--name $PK_NAME( |\$)"
}

teardown() {
	pk_teardown
}

start() {
	ch_start "$@"
	pk_wait_for "$PROMPT"
	pk_line 'echo READY'
	pk_wait_for '^READY$'
}

@test "charliecloud: the user's session has the image, its environment and #envload" {
	as_user "$PK_CH_PAKS" env add proj 'TOKEN=t0k$(id)en' >/dev/null
	# a path picks charliecloud without -c
	pk_start_as "$PK_CH_USER" "$PK_CH_BASE" "$PK_CH_PAKS" run \
	    --name "$PK_NAME" -e 'PK_E=$HOME-given' -w /root ./dev
	pk_wait_for "$PROMPT"
	pk_line 'echo "who=$(id -un) mark=$PK_CH_MARK e=$PK_E in $PWD."'
	pk_wait_for -F "who=$PK_CH_USER mark=from-image e=\$HOME-given in /root."
	pk_line 'cat notes.txt'
	pk_wait_for '^written before the move$'
	pk_line '#envload proj'
	pk_wait_for -F 'loaded 1 variable'
	pk_line 'echo "token=$TOKEN"'
	pk_wait_for -F 'token=t0k$(id)en'
	pk_line 'exit 7'
	pk_exit_is 7
	pk_stty_restored
}

@test "charliecloud: #cp both ways, relative to the shell, never out of the image" {
	local home
	home=$(getent passwd "$PK_CH_USER" | cut -d: -f6)
	echo "from the host" > "$PK_CH_BASE/in.txt"
	mkdir -p "$PK_CH_BASE/out" "$home/victimdir"
	echo original > "$home/victim"
	chown -R "$PK_CH_USER:" "$PK_CH_BASE/in.txt" "$PK_CH_BASE/out" \
	    "$home/victim" "$home/victimdir"
	start "$PK_CH_IMAGE"
	pk_line 'mkdir -p /root/w && cd /root/w'
	pk_line '#cp host:in.txt .'
	pk_wait_for -F 'copied host:in.txt to .'
	pk_line 'cat in.txt; echo result > out.txt'
	pk_wait_for '^from the host$'
	[[ $(cat "$PK_CH_IMAGE/root/w/in.txt") == "from the host" ]]
	pk_line '#cp out.txt host:out/'
	pk_wait_for -F 'copied out.txt to host:out/'
	[[ $(cat "$PK_CH_BASE/out/out.txt") == result ]]
	# links in the image resolve inside it, as the container sees them,
	# never to the user's files on the host; a link as target is refused
	pk_line "ln -s $home/victim trap; ln -s $home/victimdir trapdir"
	pk_line '#cp host:in.txt trap'
	pk_wait_for -F "paks: cannot copy to 'trap': it is a symbolic link"
	pk_line '#cp host:in.txt trapdir/'
	pk_wait_for -F "paks: cannot copy to 'trapdir/': it is a symbolic link"
	pk_line "mkdir -p $home/victimdir; ln -s $home/victimdir/.. up"
	pk_line '#cp host:in.txt trapdir/'
	pk_wait_for -F 'copied host:in.txt to trapdir/'
	pk_line '#cp host:in.txt up/victim'
	pk_wait_for -F 'copied host:in.txt to up/victim'
	[[ $(cat "$PK_CH_IMAGE$home/victimdir/in.txt") == "from the host" ]]
	[[ $(cat "$PK_CH_IMAGE$home/victim") == "from the host" ]]
	[[ $(cat "$home/victim") == original ]]
	[[ -z $(ls -A "$home/victimdir") ]]
	pk_line '#cp /proc/self/environ host:out/'
	pk_wait_for -F "'/proc/self/environ' is not in the image"
	pk_line '#cp nothing-here host:out/'
	pk_wait_for -F "paks: cannot copy 'nothing-here': No such file"
	pk_line 'exit'
	pk_exit_is 0
}

@test "charliecloud: #save writes DIR-saved, which ch-run runs; again replaces it" {
	start "$PK_CH_IMAGE"
	pk_line 'echo "saved work" > /root/work.txt'
	pk_line '#save'
	pk_wait_for -F "saved $PK_CH_IMAGE-saved ("
	[[ $(as_user ch-run "$PK_CH_IMAGE-saved" -- cat /root/work.txt) == \
	    "saved work" ]]
	[[ $(as_user ch-run "$PK_CH_IMAGE-saved" -- cat /root/notes.txt) == \
	    "written before the move" ]]
	pk_line 'clear; echo "second" > /root/work.txt'
	pk_line '#save'
	pk_wait_for -F "saved $PK_CH_IMAGE-saved ("
	[[ $(as_user ch-run "$PK_CH_IMAGE-saved" -- cat /root/work.txt) == \
	    second ]]
	# nothing left beside it, and the source still runs
	[[ -z $(find "$PK_CH_BASE" -maxdepth 1 -name '.*paks-*') ]]
	[[ $(as_user ch-run "$PK_CH_IMAGE" -- cat /root/notes.txt) == \
	    "written before the move" ]]
	pk_line '#save bad/suffix'
	pk_wait_for -F "paks: invalid suffix 'bad/suffix'"
	pk_line 'exit'
	pk_exit_is 0
	pk_stty_restored
	rm -rf "$PK_CH_IMAGE-saved"
}

@test "charliecloud: #size, #inspect, and what has no meaning here says so" {
	start "$PK_CH_IMAGE"
	pk_line '#size'
	pk_wait_for "^image directory: [0-9.]+ MB on disk \\($PK_CH_IMAGE\\)\$"
	pk_line '#inspect format writable'
	pk_wait_for '^format: "directory"$'
	pk_wait_for '^writable: true$'
	pk_line '#inspect environment'
	pk_wait_for -F '"PK_CH_MARK=from-image"'
	pk_line '#move docker-archive:/tmp/x.tar'
	pk_wait_for -F 'paks: #move is not supported by charliecloud'
	pk_line 'exit'
	pk_exit_is 0
	[[ ! -e /tmp/x.tar ]]
	# options of docker's run with no ch-run equivalent
	pk_tmux kill-server
	pk_setup
	ch_start --keep "$PK_CH_IMAGE"
	pk_exit_is 125
	pk_output | grep -qx 'paks: run: --keep is not supported by charliecloud'
}

@test "charliecloud: a missing or wrong image is one clear line" {
	ch_start "$PK_CH_BASE/nope"
	pk_exit_is 125
	[[ $(pk_output) == \
	    "paks: no Charliecloud image '$PK_CH_BASE/nope': No such file or directory" ]]
	pk_tmux kill-server
	pk_setup
	mkdir -p "$PK_CH_BASE/empty"
	ch_start "$PK_CH_BASE/empty"
	pk_exit_is 125
	pk_output | grep -qx "paks: '$PK_CH_BASE/empty' is not a Charliecloud image directory (no bin, usr or ch in it)"
	rmdir "$PK_CH_BASE/empty"
}

@test "charliecloud: a SquashFS image runs where FUSE is usable, else says why" {
	local sq=$PK_CH_BASE/bb.sqfs
	ch-convert -i "$PK_CH_ENGINE" "$PK_BUSYBOX" "$PK_CH_BASE/bb" >/dev/null
	echo squashed > "$PK_CH_BASE/bb/sq-mark.txt"
	ch-convert -i dir -o squash "$PK_CH_BASE/bb" "$sq" >/dev/null
	chown "$PK_CH_USER:" "$sq"
	# root may open /dev/fuse: the session runs (busybox sh, no bash)
	pk_start_cmd env -C "$PK_CH_BASE" PAKS_HOME="$PK_CH_BASE/root-home" \
	    "$PK_CH_PAKS" run -c charliecloud --name "$PK_NAME" "$sq"
	pk_wait_for -F 'paks: /bin/bash not found in the image, using /bin/sh'
	pk_line 'cat /sq-mark.txt; touch /x'
	pk_wait_for '^squashed$'
	pk_wait_for -F 'Read-only file system'
	pk_line '#save'
	pk_wait_for -F 'paks: #save of a SquashFS image is not supported by charliecloud'
	pk_line 'exit 0'
	pk_exit_is 0
	pk_tmux kill-server
	pk_setup
	# the user: as /dev/fuse lets them
	ch_start "$sq"
	if runuser -u "$PK_CH_USER" -- test -r /dev/fuse -a -w /dev/fuse; then
		pk_wait_for -F 'using /bin/sh'
		pk_line 'exit 3'
		pk_exit_is 3
	else
		pk_exit_is 125
		pk_output | grep -q "^paks: '$sq' is a SquashFS image, and ch-run mounts those with FUSE"
	fi
	rm -rf "$PK_CH_BASE/bb" "$sq"
}
