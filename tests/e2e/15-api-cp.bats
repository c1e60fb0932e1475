#!/usr/bin/env bats
# engines: both
#
# 15-api-cp: #cp host:SRC CTRPATH through the Engine API (docker's daemon,
# podman's service), with no client run for it (a wrapper on PATH logs
# every client run; without the API the client's path is expected).
# Covers, in one session: a file into an existing directory, onto a new
# name, onto an existing file (mode kept, owner root); a directory tree
# whose links arrive as links (relative and absolute, never followed on
# the host); names with spaces and $(x); a relative container path after
# cd; errors as one line with the session going on (no parent directory,
# a directory onto a file, "DEST/" missing for a file); a hostile
# container whose DEST is a link to / or to a path that is also the
# host's canary directory: what lands, lands in the container, and the
# host's canary is untouched.
# Exercises: src/engine/engine-api-cp.c, src/engine/docker-api.c
# (docker_api_head, docker_api_put_fd), src/image/tarpack.c,
# src/inside/hash-cp.c.

load lib/helpers

setup_file() {
	pk_require_engine
}

setup() {
	pk_setup
	E=$PAKS_ENGINE
	pk_client_log
}

teardown() {
	pk_teardown
}

@test "#cp host:SRC into the container through the API: docker cp's rules, links as links, a hostile DEST" {
	H=$BATS_TEST_TMPDIR/h
	CAN=$BATS_TEST_TMPDIR/canary
	mkdir -p "$H/tree/sub" "$CAN"
	echo alpha > "$H/a.txt"
	U=e$$.txt	# what the link to / takes: never at the host's /
	echo evil > "$H/$U"
	chmod 640 "$H/a.txt"
	echo odd > "$H/sp ace \$(x).txt"
	echo deep > "$H/tree/sub/f"
	ln -s sub/f "$H/tree/ln"
	ln -s /etc/hostname "$H/tree/abs"
	echo untouched > "$CAN/kept"
	before=$(cd "$CAN" && ls -la --time-style=+%s .)
	cd "$H"
	PATH=$W:$PATH pk_start "$PK_BUSYBOX"
	pk_wait_for '#$'
	pk_line "mkdir -p /dst/dir '$CAN' && echo old > /dst/file && ln -s / /dst/evil && ln -s '$CAN' /dst/evil2 && echo READY"
	pk_wait_for '^READY$'
	pk_line '#cp host:a.txt /dst/dir'
	pk_wait_for -F 'copied host:a.txt to /dst/dir'
	pk_line '#cp host:a.txt /dst/new.txt'
	pk_wait_for -F 'copied host:a.txt to /dst/new.txt'
	pk_line '#cp host:a.txt /dst/file'
	pk_wait_for -F 'copied host:a.txt to /dst/file'
	pk_line '#cp host:tree /dst/dir/'
	pk_wait_for -F 'copied host:tree to /dst/dir/'
	pk_line "#cp 'host:sp ace \$(x).txt' '/dst/n \$(y)'"
	pk_wait_for -F 'copied host:sp ace $(x).txt to /dst/n $(y)'
	pk_line '#cp host:tree/. /dst/c2'
	pk_wait_for -F 'copied host:tree/. to /dst/c2'
	pk_line 'cd /dst/dir && echo CD'
	pk_wait_for '^CD$'
	pk_line '#cp host:a.txt rel.txt'
	pk_wait_for -F 'copied host:a.txt to rel.txt'
	# errors: one line each, and the session goes on (the client's
	# words differ: without the API, one line each is all)
	pk_line '#cp host:a.txt /nope/x'
	pk_line '#cp host:tree /dst/file'
	pk_line '#cp host:a.txt /dst/none/'
	pk_line 'echo ERRORS-DONE'
	pk_wait_for '^ERRORS-DONE$'
	run pk_output
	errs=$(grep -c '^paks: ' <<< "$output" || true)
	if pk_api_on; then
		[[ $output == *"paks: cannot copy 'host:a.txt': no directory '/nope' in the container"* ]]
		[[ $output == *"paks: cannot copy 'host:tree': cannot copy a directory onto the file '/dst/file'"* ]]
		[[ $output == *"paks: cannot copy 'host:a.txt': no directory '/dst/none' in the container"* ]]
	fi
	# and "/bin/bash not found" of the start
	[[ $errs -eq 4 ]]
	# hostile: DEST a link to /, and to the host canary's own path
	pk_line "#cp host:$U /dst/evil"
	pk_wait_for -F "copied host:$U to /dst/evil"
	pk_line '#cp host:tree /dst/evil2'
	pk_wait_for -F 'copied host:tree to /dst/evil2'
	pk_line 'echo "got:$(cat /dst/dir/a.txt):$(cat /dst/new.txt):$(cat /dst/file):$(cat /dst/dir/tree/sub/f):$(readlink /dst/dir/tree/ln):$(readlink /dst/dir/tree/abs):$(cat "/dst/n \$(y)"):$(cat /dst/dir/rel.txt):$(cat /'$U'):$(readlink '"$CAN"'/tree/ln):$(cat /dst/c2/sub/f):$(stat -c %a:%u:%g /dst/file /dst/dir/a.txt | tr "\n" :)"'
	pk_wait_for "^got:alpha:alpha:alpha:deep:sub/f:/etc/hostname:odd:alpha:evil:sub/f:deep:640:0:0:640:0:0:$"
	pk_line 'exit 0'
	pk_exit_is 0
	# nothing written on the host
	[[ $(cd "$CAN" && ls -la --time-style=+%s .) == "$before" ]]
	[[ ! -e /$U && ! -e $H/tree/$U ]]
	if pk_api_on; then
		run grep -E '^(container )?cp ' "$W/log"
		[[ $status -eq 1 ]]
	else
		grep -q '^cp ' "$W/log"
	fi
}
