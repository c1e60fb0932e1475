#!/bin/sh
# Test plugin: "hang" never ends by itself (its sleep carries a marker the
# test looks for after the timeout); "crash" dies of a signal; "daemon"
# ends at once but leaves a child holding its stdout; "nonl" prints a line
# without its newline.
case $1 in
hang)
	echo "hanging now"
	exec sleep 4242
	;;
crash)
	echo "about to crash"
	kill -SEGV $$
	;;
daemon)
	echo "leaving a child behind"
	sleep 4343 &
	exit 0
	;;
nonl)
	printf 'no newline at the end'
	;;
esac
