#!/bin/sh
# Test plugin: $1 is the command, then the user's words; PAKS_* describe
# the session; fd 3 takes NUL-ended KEY=VALUE records to export.
cmd=$1
shift
case $cmd in
hello)
	printf 'hello from a plugin: %s\n' "$*"
	printf 'container=%s engine=%s image=%s\n' \
	    "$PAKS_CONTAINER" "$PAKS_ENGINE" "$PAKS_IMAGE"
	printf 'api=%s command=%s dir=%s\n' \
	    "$PAKS_PLUGIN_API" "$PAKS_COMMAND" "${PAKS_PLUGIN_DIR##*/}"
	printf 'start=%s\n' "$PAKS_START_DIR"
	;;
hello-export)
	printf 'HELLO_PLAIN=plain value\000' >&3
	# every awkward byte: quotes, $(...), backquotes, backslash, newline
	printf 'HELLO_TRICKY=%s\000' "a 'q' \"dq\" \$(id) \`id\` \\ x=y
second line SECRETMARK" >&3
	[ $# -gt 0 ] && printf 'HELLO_ARG=%s\000' "$1" >&3
	echo "exported"
	;;
hello-fail)
	printf 'HELLO_NEVER=1\000' >&3
	echo "hello-fail: something went wrong" >&2
	exit 3
	;;
hello-badexport)
	printf 'HELLO_OK=1\000' >&3
	printf '1BAD=x\000' >&3
	;;
*)
	echo "hello.sh: unknown command '$cmd'" >&2
	exit 2
	;;
esac
