#!/bin/bash
# tests/meta/glibc.sh: the binary for clusters (docs/cluster.md, issue 17)
# runs where the login nodes have glibc 2.28 and Linux 4.18 (RHEL/Rocky 8).
#
#   1. the binary asks for no glibc symbol newer than 2.28 (GLIBC_2.29 or
#      later in `objdump -T`); a fully static binary has no dynamic symbol
#      table at all, which passes;
#   2. it runs: `paks --version`, `paks run --help`;
#   3. the fallbacks for older kernels work: the unit test of them
#      (tests/unit/test-compat.c) runs with PAKS_NO_OPENAT2=1 and
#      PAKS_NO_CLOSE_RANGE=1, as paks would on Linux 4.18.
#
# Usage: tests/meta/glibc.sh [PAKS_BINARY]
#   Without an argument, builds paks and the unit test in STATIC_BUILD_DIR
#   (default build-static; configured with -Dstatic=true when new) and
#   checks that paks. With one, checks that binary; the unit test comes
#   from STATIC_BUILD_DIR when it is configured, else from BUILD_DIR
#   (default build). Only these two targets are built: a few seconds once
#   the build directory exists, about 20 s from nothing on 2 cores.
# Prints one line per check; exits 1 if any fails.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root" || exit 1
static=${STATIC_BUILD_DIR:-build-static}
failed=0

fail() {
	printf 'FAIL: %s\n' "$*"
	failed=1
}

ok() {
	printf 'ok: %s\n' "$*"
}

# the build directory that gives the unit test (and paks, without $1)
if [[ $# -eq 0 || -f $static/build.ninja ]]; then
	dir=$static
	if [[ ! -f $dir/build.ninja ]] &&
	    ! meson setup "$dir" -Dstatic=true >/dev/null; then
		echo "FAIL: meson setup $dir -Dstatic=true"
		exit 1
	fi
else
	dir=${BUILD_DIR:-build}
fi
targets=(tests/test-compat)
[[ $# -eq 0 ]] && targets+=(paks)
if ! out=$(ninja -C "$dir" "${targets[@]}" 2>&1); then
	printf '%s\n' "$out"
	echo "FAIL: ninja -C $dir ${targets[*]}"
	exit 1
fi
# link warnings: one is known (docs/cluster.md, "Link warnings")
grep -i 'warning' <<< "$out" | sed 's/^/  link: /'
bin=${1:-$dir/paks}

# 1. glibc symbol versions
if ! syms=$(LC_ALL=C objdump -T "$bin" 2>&1); then
	if grep -q 'not a dynamic object' <<< "$syms"; then
		ok "$bin is static: no dynamic symbol table, no glibc version asked"
	else
		fail "objdump -T $bin: $syms"
	fi
else
	newer=$(grep -oE 'GLIBC_[0-9]+\.[0-9]+' <<< "$syms" | sort -uV |
	    awk -F'[_.]' '$2 > 2 || ($2 == 2 && $3 >= 29)')
	if [[ -n $newer ]]; then
		fail "$bin needs glibc newer than 2.28:"
		grep -E "$(tr '\n' '|' <<< "$newer" | sed 's/|$//')" <<< "$syms" |
		    awk '{ print "  " $(NF-1), $NF }'
	else
		ok "$bin asks for no glibc symbol newer than 2.28"
	fi
fi
file "$bin" 2>/dev/null | grep -q 'statically linked' ||
	printf '  note: %s is not statically linked\n' "$bin"

# 2. it runs
if v=$("$bin" --version 2>&1) && [[ $v == paks\ * ]]; then
	ok "paks --version: $v"
else
	fail "paks --version: $v"
fi
if h=$("$bin" run --help 2>&1) && grep -q '^usage: paks run' <<< "$h"; then
	ok "paks run --help"
else
	fail "paks run --help: $(head -n 3 <<< "$h")"
fi

# 3. the fallbacks of Linux < 5.6 and < 5.9 (openat2, close_range)
if t=$(PAKS_NO_OPENAT2=1 PAKS_NO_CLOSE_RANGE=1 \
    CMOCKA_MESSAGE_OUTPUT=TAP "$dir/tests/test-compat" 2>&1) &&
    ! grep -q '^not ok' <<< "$t"; then
	ok "test-compat with PAKS_NO_OPENAT2=1 PAKS_NO_CLOSE_RANGE=1:" \
	    "$(grep -c '^ok' <<< "$t") passed"
else
	printf '%s\n' "$t"
	fail "test-compat with PAKS_NO_OPENAT2=1 PAKS_NO_CLOSE_RANGE=1"
fi
exit "$failed"
