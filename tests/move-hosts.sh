#!/bin/bash
# The "other side" for the paks move tests and benchmark, on this machine:
#
#   ssh       a network namespace of our own with sshd listening on its own
#             loopback (127.0.0.1:2222 inside it). The client reaches it by
#             running ssh inside the namespace too (PAKS_SSH="nsenter
#             --net=/run/netns/NS ssh -F DIR/ssh_config"), so every byte
#             stays on the namespace's lo, whose counters measure the
#             traffic. (nsenter, not "ip netns exec": that one mounts a new
#             /sys, which hides the cgroup mounts dockerd needs.)
#   docker    a second dockerd, started inside that namespace, with its own
#             data root, exec root and socket (no bridge, no iptables); the
#             sshd sessions get DOCKER_HOST pointing at it
#   podman    a separate podman store (storage.conf and containers.conf of
#             its own); the sshd sessions get CONTAINERS_STORAGE_CONF and
#             CONTAINERS_CONF pointing at it
#   registry  Debian's docker-registry on 127.0.0.1:PORT with TLS (a
#             self-signed certificate) and htpasswd auth (user paks-test)
#
# Nothing listens outside 127.0.0.0/8 and no bridge or veth is made.
#
# Usage:
#   tests/move-hosts.sh up DIR PART...   start PART (ssh docker podman
#                                        registry) with state under DIR, a
#                                        short new directory; writes DIR/env
#   tests/move-hosts.sh down DIR         stop and remove all of it
#
# DIR/env sets, for `source`:
#   MV_NS           the namespace          MV_SSH   value for PAKS_SSH
#   MV_SSH_HOST     127.0.0.1:2222         MV_REMOTE_DOCKER / MV_REMOTE_PODMAN
#                                          env prefixes to run the remote
#                                          engines from here
#   MV_REGISTRY     127.0.0.1:PORT         MV_REG_USER / MV_REG_PASSWORD
#   MV_AUTHFILE     an auth file for that registry (for the tests' own
#                   skopeo; paks makes its own)
# Needs root. Used by tests/e2e/50-move.bats and bench/move/run.
set -euo pipefail

say() { printf 'move-hosts: %s\n' "$*" >&2; }
die() { printf 'move-hosts: error: %s\n' "$*" >&2; exit 1; }

# wait_for SECONDS COMMAND...
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		((SECONDS < deadline)) || return 1
		sleep 0.2
	done
}

# innet NS COMMAND...: run COMMAND in network namespace NS only
innet() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

# wait_docker DIR PID: until the second dockerd answers; fail at once if
# it has died
wait_docker() {
	local deadline=$((SECONDS + 90))
	until DOCKER_HOST="unix://$1/d/docker.sock" docker info >/dev/null 2>&1; do
		kill -0 "$2" 2>/dev/null || return 1
		((SECONDS < deadline)) || return 1
		sleep 0.2
	done
}

port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A free TCP port on 127.0.0.1 in 20000-59999.
free_port() {
	local p i
	for i in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		if ! port_open "$p"; then
			echo "$p"
			return
		fi
	done
	die "no free port found"
}

up_ssh() {
	local d=$DIR ns
	ns=paks-mv-$(basename "$d" | tr -c 'a-zA-Z0-9\n' -)
	ip netns add "$ns"
	echo "$ns" > "$d/netns"
	ip -n "$ns" link set lo up
	ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
	ssh-keygen -q -t ed25519 -N '' -f "$d/id_ed25519"
	cp "$d/id_ed25519.pub" "$d/authorized_keys"
	printf '[127.0.0.1]:2222 %s\n' "$(cut -d' ' -f1-2 "$d/host_key.pub")" \
	    > "$d/known_hosts"
	# without PAM, sshd refuses a locked account ('!' in shadow) even for
	# a key; with PAM it leaves that to the password check it never does
	local pam=no
	grep -q '^root:!' /etc/shadow 2>/dev/null && pam=yes
	cat > "$d/sshd_config" <<EOF
Port 2222
ListenAddress 127.0.0.1
HostKey $d/host_key
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM $pam
PermitRootLogin prohibit-password
AcceptEnv none
SetEnv DOCKER_HOST=unix://$d/d/docker.sock CONTAINERS_STORAGE_CONF=$d/p/storage.conf CONTAINERS_CONF=$d/p/containers.conf
EOF
	cat > "$d/ssh_config" <<EOF
Host *
	IdentityFile $d/id_ed25519
	IdentitiesOnly yes
	UserKnownHostsFile $d/known_hosts
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	BatchMode yes
	LogLevel ERROR
EOF
	mkdir -p /run/sshd
	chmod 0755 /run/sshd
	innet "$ns" /usr/sbin/sshd -f "$d/sshd_config" -E "$d/sshd.log"
	wait_for 10 innet "$ns" ssh -F "$d/ssh_config" -p 2222 \
	    root@127.0.0.1 true || {
		cat "$d/sshd.log" >&2
		die "sshd in $ns does not answer"
	}
	cat >> "$d/env" <<EOF
MV_NS=$ns
MV_SSH="nsenter --net=/run/netns/$ns ssh -F $d/ssh_config"
MV_SSH_HOST=127.0.0.1:2222
MV_REMOTE_DOCKER="env DOCKER_HOST=unix://$d/d/docker.sock"
MV_REMOTE_PODMAN="env CONTAINERS_STORAGE_CONF=$d/p/storage.conf CONTAINERS_CONF=$d/p/containers.conf"
EOF
	say "sshd in netns $ns on 127.0.0.1:2222"
}

up_docker() {
	local d=$DIR ns
	ns=$(cat "$d/netns" 2>/dev/null) || die "start ssh before docker"
	mkdir -p "$d/d"
	# detached from this script, so it outlives it; its own everything
	innet "$ns" setsid dockerd --data-root "$d/d/data" \
	    --exec-root "$d/d/x" --pidfile "$d/d/docker.pid" \
	    -H "unix://$d/d/docker.sock" --bridge=none --iptables=false \
	    --ip6tables=false > "$d/d/dockerd.log" 2>&1 < /dev/null &
	if ! wait_docker "$d" $!; then
		tail -n 20 "$d/d/dockerd.log" >&2
		die "the second dockerd does not answer"
	fi
	say "second dockerd at $d/d/docker.sock"
}

up_podman() {
	local d=$DIR
	mkdir -p "$d/p/root" "$d/p/run" "$d/p/tmp"
	cat > "$d/p/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$d/p/root"
runroot = "$d/p/run"
EOF
	cat > "$d/p/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
netns = "none"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$d/p/tmp"
EOF
	env CONTAINERS_STORAGE_CONF="$d/p/storage.conf" \
	    CONTAINERS_CONF="$d/p/containers.conf" podman info >/dev/null ||
	    die "the separate podman store does not work"
	say "separate podman store at $d/p"
}

up_registry() {
	local d=$DIR port
	mkdir -p "$d/r/data"
	port=$(free_port)
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$d/r/key.pem" -out "$d/r/cert.pem" -days 2 \
	    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	    2>/dev/null
	# a password made here, for this run only
	local pass
	pass=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
	printf '%s\n' "$pass" | htpasswd -Bci "$d/r/htpasswd" paks-test \
	    2>/dev/null
	cat > "$d/r/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $d/r/data
http:
  addr: 127.0.0.1:$port
  tls:
    certificate: $d/r/cert.pem
    key: $d/r/key.pem
auth:
  htpasswd:
    realm: paks-test
    path: $d/r/htpasswd
EOF
	setsid docker-registry serve "$d/r/config.yml" > "$d/r/registry.log" \
	    2>&1 < /dev/null &
	echo $! > "$d/r/registry.pid"
	wait_for 20 port_open "$port" || {
		cat "$d/r/registry.log" >&2
		die "the registry does not answer on 127.0.0.1:$port"
	}
	printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}\n' "$port" \
	    "$(printf 'paks-test:%s' "$pass" | base64 -w0)" > "$d/r/auth.json"
	chmod 600 "$d/r/auth.json"
	cat >> "$d/env" <<EOF
MV_REGISTRY=127.0.0.1:$port
MV_REG_USER=paks-test
MV_REG_PASSWORD=$pass
MV_AUTHFILE=$d/r/auth.json
EOF
	say "registry on 127.0.0.1:$port"
}

# kill_pidfile FILE [SECS]: TERM the process named in FILE, wait, then KILL
kill_pidfile() {
	local pid
	[[ -s $1 ]] || return 0
	pid=$(cat "$1")
	kill -TERM "$pid" 2>/dev/null || return 0
	wait_for "${2:-20}" bash -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null || true
}

down() {
	local d=$DIR ns
	[[ -d $d ]] || return 0
	kill_pidfile "$d/r/registry.pid"
	if [[ -S $d/d/docker.sock ]]; then
		# containers first, so dockerd stops quickly
		DOCKER_HOST=unix://$d/d/docker.sock docker ps -aq 2>/dev/null |
		    xargs -r env DOCKER_HOST="unix://$d/d/docker.sock" \
		    docker rm -f >/dev/null 2>&1 || true
	fi
	kill_pidfile "$d/d/docker.pid" 30
	if [[ -f $d/p/storage.conf ]]; then
		env CONTAINERS_STORAGE_CONF="$d/p/storage.conf" \
		    CONTAINERS_CONF="$d/p/containers.conf" \
		    podman rm -af >/dev/null 2>&1 || true
	fi
	kill_pidfile "$d/sshd.pid"
	if [[ -s $d/netns ]]; then
		ns=$(cat "$d/netns")
		# anything still in the namespace (a stray ssh session)
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
		ip netns delete "$ns" 2>/dev/null || true
	fi
	# mounts left under DIR (podman's overlay), deepest first
	findmnt -rn -o TARGET | grep -F "$d/" | sort -r |
	    xargs -r -n1 umount -l 2>/dev/null || true
	rm -rf --one-file-system "$d"
}

cmd=${1:-}
DIR=${2:-}
[[ -n $cmd && -n $DIR ]] || die "usage: $0 up|down DIR [PART...]"
shift 2
case $cmd in
up)
	mkdir -p "$DIR"
	DIR=$(cd "$DIR" && pwd)
	: > "$DIR/env"
	for part in "$@"; do
		case $part in
		ssh | docker | podman | registry) "up_$part" ;;
		*) die "unknown part '$part'" ;;
		esac
	done
	;;
down)
	[[ -d $DIR ]] || exit 0
	DIR=$(cd "$DIR" && pwd)
	down
	;;
*) die "usage: $0 up|down DIR [PART...]" ;;
esac
