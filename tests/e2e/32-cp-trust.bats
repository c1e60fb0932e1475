#!/usr/bin/env bats
# engines: both
#
# 32-cp-trust: #cp from the container to the host when the container plants
# symbolic links, on the engine in $PAKS_ENGINE, in a real terminal (tmux).
# Covers: a link copied out is never written through by a later copy (the
# victim on the host stays untouched); a directory holding a link that
# leaves it (absolute, or climbing with "up -> ." and "x -> up/../..") is
# refused whole, one line naming the member, nothing written; links that
# stay inside are copied as links; a directory goes inside an existing
# one; a destination that is a link on the host is refused; the same with
# the fallback resolver (PAKS_NO_OPENAT2=1).
# Exercises: src/inside/hash-cp.c, src/engine/engine-cli.c,
# src/util/safetree.c, src/image/move-archive.c.

load lib/helpers

setup_file() {
	pk_require_engine
}

setup() {
	pk_setup
	W=$BATS_TEST_TMPDIR/w
	mkdir -p "$W"
	cd "$W"
}

teardown() {
	pk_teardown
}

start_shell() {
	pk_start "$@"
	pk_wait_for '#$'
	pk_line 'echo READY'
	pk_wait_for '^READY$'
}

# no staging directory of paks is left in DIR
no_leftovers() {
	[[ -z $(find "$1" -name '.paks-cp-*') ]]
}

# end the session (a running container takes podman 10 s to remove)
finish() {
	pk_line 'exit'
	pk_exit_is 0
}

@test "a link copied out never leads a later copy out of the destination" {
	local victim=$BATS_TEST_TMPDIR/victim kept=$BATS_TEST_TMPDIR/kept
	echo original > "$kept"
	start_shell "$PK_DEBIAN"
	# the host paths mean nothing in the container: only on the host
	pk_line "ln -s $victim /tmp/evil; ln -s $kept /tmp/evil2; echo made"
	pk_wait_for '^made$'
	pk_line '#cp /tmp/evil host:out'
	pk_line '#cp /tmp/evil2 host:out2'
	pk_line '#cp /etc/hostname host:out'
	pk_wait_for -F 'copied /etc/hostname to host:out'
	pk_line '#cp /etc/hostname host:out2'
	pk_wait_for -F 'to host:out2'
	[[ ! -e $victim && ! -L $victim ]]
	[[ $(cat "$kept") == original ]]
	[[ -f $W/out && ! -L $W/out ]]
	[[ ! -L $W/out2 ]]
	no_leftovers "$W"
	finish
}

@test "links leaving a directory refuse it whole; inside links copy" {
	ln -s "$BATS_TEST_TMPDIR/kept" "$W/dest-link"
	echo original > "$BATS_TEST_TMPDIR/kept"
	mkdir "$W/into"
	start_shell "$PK_DEBIAN"
	pk_line 'mkdir -p /tmp/a1/sub /tmp/a2 /tmp/ok/sub && echo f > /tmp/a1/f && ln -s /usr/lib /tmp/a1/sub/lib && ln -s . /tmp/a2/up && ln -s up/../.. /tmp/a2/x && echo b > /tmp/ok/b && ln -s b /tmp/ok/a && ln -s sub/../b /tmp/ok/c && echo made'
	pk_wait_for '^made$'
	pk_line '#cp /tmp/a1 host:out1'
	pk_wait_for -F "paks: #cp: 'out1/sub/lib' is a link to '/usr/lib', outside what is copied; nothing was written"
	pk_line '#cp /tmp/a2 host:out2'
	pk_wait_for -F "paks: #cp: 'out2/x' is a link to 'up/../..', outside what is copied; nothing was written"
	pk_line '#cp /tmp/ok host:ok'
	pk_wait_for -F 'copied /tmp/ok to host:ok'
	pk_line '#cp /tmp/ok host:into'
	pk_wait_for -F 'copied /tmp/ok to host:into'
	pk_line '#cp /etc/hostname host:dest-link'
	pk_wait_for -F "paks: cannot copy to 'dest-link': it is a symbolic link"
	[[ ! -e $W/out1 && ! -e $W/out2 ]]
	[[ $(readlink "$W/ok/a") == b && $(readlink "$W/ok/c") == sub/../b ]]
	[[ $(cat "$W/ok/c") == b ]]
	[[ $(readlink "$W/into/ok/a") == b && -d $W/into/ok/sub ]]
	[[ $(cat "$BATS_TEST_TMPDIR/kept") == original && -L $W/dest-link ]]
	no_leftovers "$W"
	finish
}

@test "the same refusals without openat2 (PAKS_NO_OPENAT2=1)" {
	export PAKS_NO_OPENAT2=1
	start_shell "$PK_DEBIAN"
	pk_line 'mkdir -p /tmp/a2 /tmp/a3 /tmp/ok/sub && ln -s . /tmp/a2/up && ln -s up/../.. /tmp/a2/x && ln -s sub/../../etc /tmp/a3/y && echo b > /tmp/ok/b && ln -s sub/../b /tmp/ok/c && echo made'
	pk_wait_for '^made$'
	pk_line '#cp /tmp/a2 host:out2'
	pk_wait_for -F "paks: #cp: 'out2/x' is a link to 'up/../..', outside what is copied; nothing was written"
	pk_line '#cp /tmp/a3 host:out3'
	pk_wait_for -F "paks: #cp: 'out3/y' is a link to 'sub/../../etc'"
	pk_line '#cp /tmp/ok host:ok'
	pk_wait_for -F 'copied /tmp/ok to host:ok'
	[[ ! -e $W/out2 && ! -e $W/out3 ]]
	[[ $(cat "$W/ok/c") == b ]]
	no_leftovers "$W"
	finish
}
