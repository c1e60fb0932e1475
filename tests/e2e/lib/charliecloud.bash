# Set-up shared by the Charliecloud tests (80-charliecloud.bats,
# 81-slurm.bats): an ordinary user, a directory of theirs, and a Debian dev
# image made the way a developer makes one before going to the cluster:
#
#   1. a container of paks-test/debian:bookworm (docker, else podman) in
#      which a file is written: /root/notes.txt, and an image variable
#      PK_CH_MARK=from-image (a -e value, which a save keeps);
#   2. paks save CONTAINER IMAGE;
#   3. paks move IMAGE charliecloud:DIR (ch-convert underneath);
#   4. DIR handed to the user (chown -R), as a copy on the cluster would be.
#
# Under tests/run the image is made once and copied for the second file.
#
# Load after lib/helpers; call ch_setup_file from setup_file and
# ch_teardown_file from teardown_file. Exported for the tests:
#   PK_CH_USER    the ordinary user (paksuser, created if missing)
#   PK_CH_BASE    a directory the user owns; pk_start_as runs in it
#   PK_CH_PAKS    a copy of paks the user may run
#   PK_CH_IMAGE   the image directory
#   PK_CH_ENGINE  the engine that built it

PK_CH_USER=${PK_CH_USER:-paksuser}

ch_setup_file() {
	local ctr img
	if ! id "$PK_CH_USER" >/dev/null 2>&1; then
		useradd -m "$PK_CH_USER" || return 1
	fi
	command -v ch-run >/dev/null || {
		echo "ch-run is missing: apt-get install charliecloud" >&2
		return 1
	}
	if docker version >/dev/null 2>&1; then
		PK_CH_ENGINE=docker
	else
		PK_CH_ENGINE=podman
	fi
	export PK_CH_USER PK_CH_ENGINE
	PAKS_ENGINE=$PK_CH_ENGINE pk_require_engine || return 1
	PK_RUN_ID=${PK_RUN_ID:-$$}
	PK_CH_BASE=$(mktemp -d /tmp/paks-ch.XXXXXX)
	chmod 755 "$PK_CH_BASE"
	PK_CH_PAKS=$PK_CH_BASE/bin/paks
	PK_CH_IMAGE=$PK_CH_BASE/dev
	export PK_CH_BASE PK_CH_PAKS PK_CH_IMAGE
	mkdir -p "$PK_CH_BASE/bin"
	cp "$PAKS" "$PK_CH_PAKS"

	# under tests/run, the image is made once per run, in its private
	# directory (which it removes at the end), and copied for each file
	cache=
	if [[ -n ${PK_RUN_ID:-} && ${PAKS_BIN:-} == */paks-tests.*/paks ]]; then
		cache=$(dirname "$PAKS_BIN")/charliecloud-dev
	fi
	if [[ -n $cache && -f $cache.done ]]; then
		cp -a "$cache" "$PK_CH_IMAGE" || return 1
	else
		ch_make_image "$PK_CH_IMAGE" || return 1
		if [[ -n $cache ]]; then
			cp -a "$PK_CH_IMAGE" "$cache" && touch "$cache.done"
		fi
	fi
	chown -R "$PK_CH_USER:" "$PK_CH_BASE"
}

# ch_make_image DIR: steps 1 to 3 above
ch_make_image() {
	local ctr=paks-e2e-$PK_RUN_ID-ch-$$ img=paks-e2e-ch-$PK_RUN_ID-$$:dev
	"$PK_CH_ENGINE" run --name "$ctr" --network=none -e PK_CH_MARK=from-image \
	    "$PK_DEBIAN" sh -c 'echo "written before the move" > /root/notes.txt' ||
	    return 1
	PAKS_HOME=$PK_CH_BASE/root-home "$PAKS" save -c "$PK_CH_ENGINE" "$ctr" \
	    "$img" >/dev/null || return 1
	"$PK_CH_ENGINE" rm -f "$ctr" >/dev/null
	PAKS_HOME=$PK_CH_BASE/root-home "$PAKS" move -c "$PK_CH_ENGINE" "$img" \
	    "charliecloud:$1" >/dev/null || return 1
	# the save's snapshot tag too
	"$PK_CH_ENGINE" rmi -f "$img" "$img.snap-1" >/dev/null 2>&1 || true
}

ch_teardown_file() {
	if [[ -n ${PK_CH_BASE:-} && $PK_CH_BASE == /tmp/paks-ch.* ]]; then
		rm -rf --one-file-system "$PK_CH_BASE"
	fi
}

# as_user CMD...: run CMD as the user, in PK_CH_BASE
as_user() {
	runuser -u "$PK_CH_USER" -- env -C "$PK_CH_BASE" \
	    PAKS_HOME="$PK_CH_BASE/home" PAKS_SYSTEM_SETTINGS=/nonexistent "$@"
}

# ch_start [paks run args...]: paks run -c charliecloud as the user
ch_start() {
	pk_start_as "$PK_CH_USER" "$PK_CH_BASE" "$PK_CH_PAKS" run \
	    -c charliecloud --name "$PK_NAME" "$@"
}

# wait for the shell, and that it is the integration's
ch_ready() {
	pk_wait_for '\$ ?$'
	pk_line 'echo READY'
	pk_wait_for '^READY$'
}
