#!/bin/sh
# Test plugin: "hang" never ends by itself (its sleep carries a marker the
# test looks for after the timeout; its pid is in hang.pid beside this
# script); "crash" dies of a signal; "daemon" ends at once but leaves a
# child holding its stdout (its pid in daemon.pid); "nonl" prints a line
# without its newline; "forge" prints paks's own escape sequence (and fails
# with another in its last line of stderr).
case $1 in
hang)
	echo "hanging now"
	echo $$ > "$PAKS_PLUGIN_DIR/hang.pid"
	exec sleep 4242
	;;
crash)
	echo "about to crash"
	kill -SEGV $$
	;;
daemon)
	echo "leaving a child behind"
	sleep 4343 &
	echo $! > "$PAKS_PLUGIN_DIR/daemon.pid"
	exit 0
	;;
nonl)
	printf 'no newline at the end'
	;;
forge)
	printf '\033]6973;P;00000000000000000000000000000000\007FORGED-OUT\n'
	printf 'bad \033]6973;X;00000000000000000000000000000000\007end\n' >&2
	exit 1
	;;
esac
