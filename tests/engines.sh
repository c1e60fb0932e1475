#!/bin/bash
# Make docker and podman ready for the end-to-end tests, idempotently:
# - mount cgroups when nothing has (no init system)
# - write /etc/containers/containers.conf when missing (runc, cgroupfs, file
#   events, no network namespace by default: nothing here needs a network)
# - start dockerd in the background when `docker info` does not answer,
#   without bridge or iptables (no test creates a network; every container
#   runs with --network none)
# - wait until both engines answer;
# - with PAKS_PODMAN_SERVICE=1 (or the engine word podman-api), start
#   podman's API service on /run/podman/podman.sock when nothing answers
#   there, and wait until its _ping does (paks then uses it: see
#   docs/engine-api.md; PAKS_PODMAN_API=0 makes paks use the client).
# Run by .ci/run and tests/run. Needs root.
#
# Usage: tests/engines.sh [ENGINE...]     (default: docker podman;
#        podman-api: podman and its API service)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
engines=("$@")
[[ ${#engines[@]} -gt 0 ]] || engines=(docker podman)

say() { printf 'engines: %s\n' "$*" >&2; }
die() { printf 'engines: error: %s\n' "$*" >&2; exit 1; }

# wait_for SECONDS COMMAND...: until COMMAND succeeds, or fail
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		((SECONDS < deadline)) || return 1
		sleep 0.5
	done
}

setup_podman() {
	command -v podman >/dev/null || die "podman is not installed"
	if [[ ! -e /etc/containers/containers.conf ]]; then
		say "writing /etc/containers/containers.conf"
		mkdir -p /etc/containers
		cat > /etc/containers/containers.conf <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
netns = "none"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
	fi
	wait_for 60 podman info || die "podman info does not answer"
}

podman_sock=/run/podman/podman.sock

podman_service_up() {
	[[ $(curl -s --max-time 5 --unix-socket "$podman_sock" \
	    http://d/_ping 2>/dev/null) == OK ]]
}

# podman's API service, started once: a running one (another run's) is
# left as it is.
setup_podman_service() {
	local log
	podman_service_up && return
	command -v curl >/dev/null || die "curl is not installed"
	mkdir -p "$root/tests/.cache" "${podman_sock%/*}"
	log=$root/tests/.cache/podman-service.log
	say "starting podman system service (log: $log)"
	# detached from this script's session and stdio, so it outlives it
	setsid podman system service -t 0 "unix://$podman_sock" \
	    > "$log" 2>&1 < /dev/null &
	if ! wait_for 60 podman_service_up; then
		tail -n 20 "$log" >&2
		die "podman's API service did not answer within 60 s"
	fi
}

setup_docker() {
	local log
	command -v docker >/dev/null || die "docker is not installed"
	if docker info >/dev/null 2>&1; then
		return
	fi
	command -v dockerd >/dev/null || die "dockerd is not installed"
	mkdir -p "$root/tests/.cache"
	log=$root/tests/.cache/dockerd.log
	say "starting dockerd (log: $log)"
	# detached from this script's session and stdio, so it outlives it
	setsid dockerd --iptables=false --ip6tables=false --bridge=none \
	    > "$log" 2>&1 < /dev/null &
	if ! wait_for 90 docker info; then
		tail -n 20 "$log" >&2
		die "dockerd did not answer within 90 s"
	fi
}

# Without an init that mounts them (a bare VM or a container), mount the
# cgroup hierarchies the engines need.
setup_cgroups() {
	if [[ -e /sys/fs/cgroup/cgroup.controllers || -d /sys/fs/cgroup/memory ||
	    -d /sys/fs/cgroup/devices ]]; then
		return
	fi
	if command -v cgroupfs-mount >/dev/null; then
		say "mounting cgroups (cgroupfs-mount)"
		cgroupfs-mount || die "cgroupfs-mount failed"
	fi
}

setup_cgroups
for engine in "${engines[@]}"; do
	case $engine in
	docker) setup_docker ;;
	podman)
		setup_podman
		[[ ${PAKS_PODMAN_SERVICE:-} != 1 ]] || setup_podman_service ;;
	podman-api) setup_podman && setup_podman_service ;;
	*) die "unknown engine '$engine'" ;;
	esac
	say "$engine is ready"
done
