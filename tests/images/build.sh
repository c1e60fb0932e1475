#!/bin/bash
# Build the two images the end-to-end tests run, once, and import them into
# docker and podman:
#
#   paks-test/debian:bookworm  debootstrap --variant=minbase bookworm, plus
#                              less, vim-tiny and procps for the full-screen
#                              tests and zsh; bash is the default command
#   paks-test/busybox:latest   /bin/busybox from busybox-static with a symlink
#                              per applet; /bin/sh only, no bash
#
# Idempotent. The Debian root file system is cached as a tarball under
# tests/.cache/ (git-ignored), so only the first run pays for debootstrap.
# Each image carries a label with the sha256 of the tarball it was imported
# from; an image is imported only when it is missing from an engine or its
# label differs (the recipe or busybox changed).
#
# Usage: tests/images/build.sh [ENGINE...]     (default: docker podman)
# Environment: PAKS_TEST_MIRROR overrides the Debian mirror, which is
# otherwise the one apt on this machine uses for bookworm.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=$root/tests/.cache
engines=("$@")
[[ ${#engines[@]} -gt 0 ]] || engines=(docker podman)

debian_image=paks-test/debian:bookworm
busybox_image=paks-test/busybox:latest
debian_packages=less,vim-tiny,procps,zsh
label=org.paks.test.source
std_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

say() { printf 'images: %s\n' "$*" >&2; }
die() { printf 'images: error: %s\n' "$*" >&2; exit 1; }

# The URI apt uses for Debian bookworm (one-line .list or deb822 .sources).
apt_mirror() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[[ -r $f ]] || continue
		awk '$1 == "deb" {
			i = 2
			if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
			if ($(i + 1) == "bookworm") print $i
		}' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[[ -r $f ]] || continue
		awk 'BEGIN { RS = ""; FS = "\n" }
		{
			types = uris = suites = ""; enabled = "yes"
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^[ \t]*#/) continue
				split($i, kv, ":")
				key = tolower(kv[1]); val = substr($i, length(kv[1]) + 2)
				gsub(/^[ \t]+|[ \t]+$/, "", val)
				if (key == "types") types = val
				else if (key == "uris") uris = val
				else if (key == "suites") suites = val
				else if (key == "enabled") enabled = tolower(val)
			}
			if (enabled == "no" || (" " types " ") !~ / deb /) next
			if ((" " suites " ") !~ / bookworm /) next
			split(uris, u, /[ \t]+/); print u[1]
		}' "$f"
	done
}

mirror() {
	local m
	if [[ -n ${PAKS_TEST_MIRROR:-} ]]; then
		printf '%s\n' "$PAKS_TEST_MIRROR"
		return
	fi
	m=$(apt_mirror | grep -E '^(https?|file):' | head -n 1 || true)
	printf '%s\n' "${m:-http://deb.debian.org/debian}"
}

# Reproducible tar of directory $1 into file $2 (same input, same bytes).
tar_dir() {
	tar -C "$1" --one-file-system --sort=name --mtime=@0 --owner=0 --group=0 \
	    --numeric-owner -cf "$2.tmp" .
	mv -f "$2.tmp" "$2"
	sha256sum "$2" | cut -d' ' -f1 > "$2.sha256"
}

# Remove a scratch root file system. An interrupted debootstrap can leave
# /proc, /sys or a bind mount of /dev mounted inside: unmount those first,
# and never cross into a file system that is still mounted.
remove_rootfs() {
	local dir=$1 m
	[[ -e $dir ]] || return 0
	awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts |
	    sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf --one-file-system "$dir"
}

build_debian_tar() {
	local tarball=$1 dir m
	if [[ -s $tarball && -s $tarball.sha256 ]]; then
		say "cached $(basename "$tarball")"
		return
	fi
	command -v debootstrap >/dev/null || die "debootstrap is not installed"
	m=$(mirror)
	dir=$cache/debian-rootfs.tmp
	remove_rootfs "$dir"
	say "debootstrap minbase bookworm from $m (first run only)"
	if ! debootstrap --variant=minbase --include="$debian_packages" \
	    bookworm "$dir" "$m" > "$cache/debootstrap.log" 2>&1; then
		tail -n 20 "$cache/debootstrap.log" >&2
		remove_rootfs "$dir"
		die "debootstrap failed (log: $cache/debootstrap.log)"
	fi
	rm -rf "$dir"/var/cache/apt/archives/*.deb \
	    "$dir"/var/lib/apt/lists/* "$dir"/tmp/* 2>/dev/null || true
	: > "$dir/etc/resolv.conf"
	echo paks-test > "$dir/etc/hostname"
	tar_dir "$dir" "$tarball"
	remove_rootfs "$dir"
}

build_busybox_tar() {
	local tarball=$1 dir bb a
	bb=$(command -v busybox || true)
	[[ -x /bin/busybox ]] && bb=/bin/busybox
	[[ -n $bb ]] || die "busybox is not installed (apt-get install busybox-static)"
	# a dynamically linked busybox would not run in an image without libc
	if ldd "$bb" >/dev/null 2>&1; then
		die "$bb is dynamically linked; install busybox-static"
	fi
	dir=$cache/busybox-rootfs.tmp
	rm -rf "$dir"
	mkdir -p "$dir/bin" "$dir/etc" "$dir/root" "$dir/tmp"
	chmod 1777 "$dir/tmp"
	chmod 700 "$dir/root"
	cp "$bb" "$dir/bin/busybox"
	for a in $("$bb" --list); do
		[[ $a == busybox || -e $dir/bin/$a ]] && continue
		ln -s busybox "$dir/bin/$a"
	done
	[[ -e $dir/bin/bash ]] && rm -f "$dir/bin/bash"   # the image must lack bash
	[[ -e $dir/bin/sh ]] || die "busybox has no sh applet"
	printf 'root:x:0:0:root:/root:/bin/sh\n' > "$dir/etc/passwd"
	printf 'root:x:0:\n' > "$dir/etc/group"
	tar_dir "$dir" "$tarball"
	rm -rf "$dir"
}

# import ENGINE IMAGE TARBALL CMD
import() {
	local engine=$1 image=$2 tarball=$3 cmd=$4 want have out old
	want=$(cat "$tarball.sha256")
	have=$("$engine" image inspect --format "{{index .Config.Labels \"$label\"}}" \
	    "$image" 2>/dev/null || true)
	if [[ $have == "$want" ]]; then
		say "$engine: $image is up to date"
		return
	fi
	old=$("$engine" image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
	say "$engine: importing $image"
	if ! out=$("$engine" import \
	    --change "CMD [\"$cmd\"]" \
	    --change "ENV PATH=$std_path" \
	    --change "LABEL $label=$want" \
	    "$tarball" "$image" 2>&1); then
		printf '%s\n' "$out" >&2
		die "$engine import of $image failed"
	fi
	# drop the image this one replaced, unless something still uses it
	[[ -z $old ]] || "$engine" rmi "$old" > /dev/null 2>&1 || true
}

mkdir -p "$cache"
exec 9> "$cache/images.lock"
flock 9

debian_tar=$cache/debian-bookworm-minbase-${debian_packages//,/-}.tar
busybox_tar=$cache/busybox.tar
build_debian_tar "$debian_tar"
build_busybox_tar "$busybox_tar"

for engine in "${engines[@]}"; do
	command -v "$engine" >/dev/null || die "$engine is not installed"
	import "$engine" "$debian_image" "$debian_tar" /bin/bash
	import "$engine" "$busybox_image" "$busybox_tar" /bin/sh
done
