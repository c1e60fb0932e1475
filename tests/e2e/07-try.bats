#!/usr/bin/env bats
# engines: none
#
# 07-try: scripts/try, the README's first command, decides which engine to
# install and to use from what is on PATH, never installing one over
# another: its functions, sourced, against fake docker and podman commands
# (a docker that is there but whose daemon does not answer, a podman that
# works, neither). The session it opens is the build tree's paks with the
# plugins built beside it.
# Exercises: scripts/try, README.md.

load lib/helpers

setup() {
	# shellcheck source=../../scripts/try
	source "$PK_ROOT/scripts/try"
	FAKE=$BATS_TEST_TMPDIR/bin
	mkdir -p "$FAKE"
}

# fake NAME STATUS: a NAME command on $FAKE whose `NAME info` exits STATUS
fake() {
	printf '#!/bin/sh\n[ "$1" = info ] && exit %d\nexit 0\n' "$2" > "$FAKE/$1"
	chmod +x "$FAKE/$1"
}

# on_fake FUNCTION [ARGS...]: FUNCTION with only $FAKE on PATH
on_fake() {
	(PATH=$FAKE; "$@")
}

@test "try installs an engine only when neither docker nor podman is there" {
	local out
	out=$(on_fake try_engine_packages)
	[[ $out == $'docker.io\ncontainerd\nrunc' ]]
	fake docker 0
	out=$(on_fake try_engine_packages)
	[[ -z $out ]]
	rm "$FAKE/docker"
	fake podman 0
	out=$(on_fake try_engine_packages)
	[[ -z $out ]]
	# and its fixed list of packages names no engine
	run sed -n '/^\tpackages=(/,/)/p' "$PK_ROOT/scripts/try"
	[[ $output == *meson* ]]
	[[ $output != *docker* && $output != *podman* ]]
}

@test "try uses the engine that answers: docker first, else podman" {
	local out
	run on_fake try_engines
	[[ -z $output ]]
	run on_fake try_pick_engine
	[[ $status -ne 0 ]]
	fake docker 1
	fake podman 0
	out=$(on_fake try_engines)
	[[ $out == $'docker\npodman' ]]
	# docker installed, its daemon not answering: podman
	out=$(on_fake try_pick_engine docker podman)
	[[ $out == podman ]]
	fake docker 0
	out=$(on_fake try_pick_engine docker podman)
	[[ $out == docker ]]
	fake podman 1
	rm "$FAKE/docker"
	run on_fake try_pick_engine podman
	[[ $status -ne 0 ]]
}

@test "the README's first command is scripts/try, which runs the build tree's paks" {
	grep -qx 'sudo ./scripts/try' "$PK_ROOT/README.md"
	[[ -x $PK_ROOT/scripts/try ]]
	grep -q '^	exec build/paks run ' "$PK_ROOT/scripts/try"
	# the plugins built beside it (build/plugins/sbom) are the ones it loads
	grep -q 'PAKS_SYSTEM_PLUGINS:-$root/build/plugins' "$PK_ROOT/scripts/try"
	local build=${BUILD_DIR:-build}
	[[ $build == /* ]] || build=$PK_ROOT/$build
	run env PAKS_HOME="$BATS_TEST_TMPDIR/home" PAKS_SYSTEM_SETTINGS=/nonexistent \
	    PAKS_SYSTEM_PLUGINS="$build/plugins" "$build/paks" plugin list
	[[ $status -eq 0 && $output == *"sbom "*"system"* ]]
}
