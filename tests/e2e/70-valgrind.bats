#!/usr/bin/env bats
# engines: both
#
# 70-valgrind: whole sessions of paks run under valgrind memcheck, typed into
# a real terminal (tmux) as a person types: a few ordinary lines, #help,
# #envhost, #envsave, #envload, #size, a plugin's commands, a resize, then
# exit; and one ended by SIGTERM; and the host commands (config, env,
# plugin) with good and bad input. Each must end with the expected status
# and memcheck
# must report no error and no leak (definitely, indirectly or possibly
# lost; still-reachable blocks are allowed, exit frees them). Only paks
# itself is checked: the engine client it runs is not traced
# (--trace-children=no), and a forked child that has not yet exec'd is
# quiet (--child-silent-after-fork).
# Exercises: src/main.c, src/host/*.c, src/session/*.c, src/inside/*.c,
# src/plugin/plugin.c, src/store/*.c, src/util/*.c.

load lib/helpers

# memcheck cannot run an ASan build: tests/run may give PAKS_BIN one
PAKS=${PAKS_PLAIN_BIN:-$PAKS}

setup_file() {
	pk_require_engine
	if ! command -v valgrind >/dev/null; then
		echo "valgrind is not installed (apt-get install valgrind)" >&2
		return 1
	fi
}

setup() {
	pk_setup
	# valgrind slows paks's start and each #command a little
	PK_TIMEOUT=$((PK_TIMEOUT * 2))
	VG_LOG=$PK_DIR/memcheck.log
	export PAKS_T_VG='a b $HOME "q" é'
	export PAKS_SYSTEM_PLUGINS=$BATS_TEST_TMPDIR/system-plugins
}

teardown() {
	pk_teardown
}

VG=(valgrind --leak-check=full --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99
    --trace-children=no --child-silent-after-fork=yes --num-callers=30)

# pk_start under memcheck
vg_start() {
	pk_start_cmd "${VG[@]}" --log-file="$VG_LOG" \
	    "$PAKS" run -c "$PAKS_ENGINE" --name "$PK_NAME" \
	    -o --network=none "$@"
}

# vg_host STATUS ARGS...: paks ARGS under memcheck exits with STATUS and
# memcheck found nothing
vg_host() {
	local want=$1 log=$PK_DIR/host.log
	shift
	run "${VG[@]}" --log-file="$log" "$PAKS" "$@"
	if [[ $status -ne $want ]] ||
	    ! grep -q 'ERROR SUMMARY: 0 errors from 0 contexts' "$log"; then
		echo "paks $* exited with $status, expected $want" >&2
		cat "$log" >&2
		return 1
	fi
}

# vg_clean [STATUS]: the session ended with STATUS (0) and memcheck found
# nothing: no error, no leak (leaks of the kinds above count as errors), in
# paks's own process.
vg_clean() {
	pk_exit_is "${1:-0}" || { cat "$VG_LOG" >&2; return 1; }
	if ! grep -q 'ERROR SUMMARY: 0 errors from 0 contexts' "$VG_LOG" ||
	    grep -qE '(definitely|indirectly|possibly) lost: [1-9]' "$VG_LOG"; then
		echo "memcheck reported:" >&2
		cat "$VG_LOG" >&2
		return 1
	fi
}

@test "valgrind: a bash session with #commands, no errors and no leaks" {
	"$PAKS" plugin install "$PK_ROOT/tests/data/plugins/hello" >/dev/null
	vg_start "$PK_DEBIAN"
	pk_wait_for '#$'
	pk_line 'echo READY'
	pk_wait_for '^READY$'
	pk_line 'echo one; echo two'
	pk_wait_for '^two$'
	pk_line '#help'
	pk_wait_for '^  #envhost '
	pk_line '#envhost PAKS_T_VG'
	pk_wait_for -F 'copied 1 variable from the host'
	pk_line '#envsave vg K=v1 L="x y"'
	pk_line '#envload vg'
	pk_line 'echo "got:$K:$L:$PAKS_T_VG"'
	pk_wait_for -F 'got:v1:x y:a b $HOME "q" é'
	pk_line '#size'
	pk_wait_for -F 'virtual size:'
	pk_line '#load hello'
	pk_wait_for -F "loaded plugin 'hello'"
	pk_line "#hello a 'b c'"
	pk_wait_for -F 'hello from a plugin: a b c'
	pk_line "#hello-export 'x y'"
	pk_wait_for '^exported$'
	pk_line '#hello-badexport'
	pk_wait_for -F "export record 2: invalid variable name"
	pk_resize 100 30
	pk_line '#nosuch'
	pk_wait_for -F "unknown paks command '#nosuch'"
	pk_line 'echo DONE'
	pk_wait_for '^DONE$'
	pk_line 'exit'
	vg_clean
}

@test "valgrind: a busybox sh session (keystroke tracking), no errors and no leaks" {
	vg_start "$PK_BUSYBOX"
	pk_wait_for '#'
	pk_line 'echo READY'
	pk_wait_for '^READY$'
	pk_type '#helq'; pk_key BSpace; pk_type 'p'; pk_key Enter
	pk_wait_for '^  #envsave '
	pk_line '#envhost PAKS_T_VG'
	pk_wait_for -F 'copied 1 variable from the host'
	pk_line 'echo "got:$PAKS_T_VG"'
	pk_wait_for -F 'got:a b $HOME "q" é'
	pk_line '#size'
	pk_wait_for -F 'virtual size:'
	pk_type 'rm -rf /tmp/x'; pk_key C-u; pk_line 'echo DONE'
	pk_wait_for '^DONE$'
	pk_line 'exit 0'
	vg_clean
}

@test "valgrind: SIGTERM in a session ends paks with no errors and no leaks" {
	vg_start "$PK_DEBIAN"
	pk_wait_for '#$'
	pk_line 'echo READY'
	pk_wait_for '^READY$'
	pk_type 'echo typed but not sent'
	pk_signal_paks TERM
	vg_clean 143
	pk_stty_restored
}

@test "valgrind: host commands with good and bad input, no errors and no leaks" {
	vg_host 0 config init
	vg_host 0 config set run_options '[--network, none]'
	vg_host 2 config set nosuch 1
	vg_host 0 config list
	vg_host 0 env add proj K=v 'L=a b'
	vg_host 0 env show proj --reveal
	vg_host 2 env add ../x K=v
	vg_host 0 env list
	vg_host 0 plugin install "$PK_ROOT/tests/data/plugins/hello"
	vg_host 0 plugin list
	vg_host 1 plugin install "$PK_ROOT/tests/data/plugins/broken"
	vg_host 0 plugin remove hello
	vg_host 0 --help
	vg_host 2 run --nosuch
}
