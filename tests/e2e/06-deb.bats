#!/usr/bin/env bats
# engines: docker
#
# 06-deb: the Debian package (debian/). One `dpkg-buildpackage -us -uc -b`
# in a copy of the tree (so the tree under test stays as it is; nocheck:
# the unit tests run in tests/run), then: the build wrote nothing the
# copy's .gitignore does not cover, the .deb is named for meson.build's
# version, lintian has nothing to say, the package holds what `apt install`
# should put where Debian looks for it; installed with apt (the README's
# way) on this machine: paks --version, man paks, completion in bash (with
# bash-completion's loader), zsh and fish with their default paths, and a
# session of /usr/bin/paks on docker and podman where `#load sbom` finds the
# plugin in /usr/lib/paks/plugins and #sbom works; purged at the end, with
# nothing left behind.
# The install changes the machine (tests/run's machine is a fresh one, as
# root): when a paks package or /usr/bin/paks is there already, the tests
# that install are skipped, never run over it. The session runs on docker,
# then on podman in the same test file (one dpkg at a time: this file runs
# in one lane only).
# Exercises: debian/, meson.build, man/, completions/, plugins/sbom/,
# src/store/paths-exe.c.

load lib/helpers

bats_require_minimum_version 1.5.0

# The tree's files as git sees them (tracked and new, not ignored), or
# every file but build directories when the tree is not a git checkout.
tree_files() {
	local f
	if git -C "$PK_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$PK_ROOT" ls-files -z --cached --others --exclude-standard |
		    while IFS= read -r -d '' f; do
			[[ -e $PK_ROOT/$f || -L $PK_ROOT/$f ]] && printf '%s\0' "$f"
		    done
	else
		(cd "$PK_ROOT" && find . \( -name .git -o -path './build*' -o \
		    -path './obj-*' -o -path ./tests/.cache \) -prune -o \
		    ! -type d -print0)
	fi
}

setup_file() {
	export PK_RUN_ID=${PK_RUN_ID:-$$}
	export PK_SRC=$BATS_FILE_TMPDIR/src/paks PK_LOG=$BATS_FILE_TMPDIR/build.log
	local tool
	for tool in dpkg-buildpackage dh lintian fakeroot; do
		if ! command -v "$tool" >/dev/null; then
			echo "no $tool: run tests/deps (debhelper, lintian, ...)" >&2
			return 1
		fi
	done
	mkdir -p "$PK_SRC"
	tree_files | tar -C "$PK_ROOT" --null -T - -cf - | tar -C "$PK_SRC" -xf -
	# a repository of the copy as it is, to see what the build adds
	git -C "$PK_SRC" init -q
	git -C "$PK_SRC" add -A
	git -C "$PK_SRC" -c user.name=t -c user.email=t@t.invalid \
	    -c commit.gpgsign=false commit -q -m copy
	if ! (cd "$PK_SRC" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
	    DEB_BUILD_PROFILES=nocheck dpkg-buildpackage -us -uc -b) \
	    > "$PK_LOG" 2>&1; then
		tail -n 40 "$PK_LOG" >&2
		return 1
	fi
	# a paks of someone's own on this machine: the install tests leave it be
	export PK_PREINSTALLED=
	if [[ -e /usr/bin/paks ]] || [[ $(dpkg-query -W \
	    -f '${db:Status-Status}' paks 2>/dev/null) == installed ]]; then
		PK_PREINSTALLED=1
	fi
}

teardown_file() {
	# the purge test failed or never ran: leave the machine as it was
	if [[ -z $PK_PREINSTALLED && -e /usr/bin/paks ]] &&
	    dpkg -S /usr/bin/paks 2>/dev/null | grep -q '^paks:'; then
		apt_get purge paks >/dev/null 2>&1 || true
	fi
}

setup() {
	pk_setup
	mkdir -p "$BATS_TEST_TMPDIR/w"
	cd "$BATS_TEST_TMPDIR/w"
}

teardown() {
	pk_teardown
}

apt_get() {
	DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get -y -q \
	    -o DPkg::Lock::Timeout=120 "$@" < /dev/null
}

# The version meson.build declares.
meson_version() {
	sed -n "s/^  version : '\([^']*\)',\$/\1/p" "$PK_ROOT/meson.build"
}

# The .deb the build made, named for meson.build's version.
deb_file() {
	echo "$BATS_FILE_TMPDIR/src/paks_$(meson_version)_$(dpkg --print-architecture).deb"
}

need_install_allowed() {
	[[ -z $PK_PREINSTALLED ]] ||
	    skip "paks is installed on this machine already; not replacing it"
}

@test "the package builds from the tree, named for meson.build's version, and adds only ignored files" {
	local deb
	deb=$(deb_file)
	[[ -n $(meson_version) && -s $deb ]]
	# debian/changelog's version is the one meson.build declares
	[[ $(dpkg-deb -f "$deb" Version) == "$(meson_version)" ]]
	# the build ran meson in obj-*, not in build/
	grep -q 'meson setup' "$PK_LOG"
	# nothing changed in the copy, and .gitignore covers what the build
	# left (obj-*, debian/paks, debian/.debhelper, debian/files, ...)
	run git -C "$PK_SRC" status --porcelain --untracked-files=all
	echo "$output"
	[[ $status -eq 0 && -z $output ]]
	run git -C "$PK_SRC" status --porcelain --ignored
	[[ $output == *"obj-"* && $output == *"debian/paks/"* ]]
	# the products went beside the tree, not into it
	[[ ! -e $PK_SRC/$(basename "$deb") ]]
}

@test "lintian has nothing to say about the .deb" {
	run lintian --pedantic "$(deb_file)"
	echo "$output"
	[[ $status -eq 0 ]]
	# errors, warnings and pedantic notes alike (the one override is
	# explained in debian/paks.lintian-overrides)
	run grep -E '^[EWIP]: ' <<<"$output"
	[[ -z $output ]]
}

@test "the package holds paks, the plugin, the pages and the completions where Debian looks" {
	local deb root=$BATS_TEST_TMPDIR/root f bad=0
	deb=$(deb_file)
	dpkg-deb -x "$deb" "$root"
	for f in usr/bin/paks usr/lib/paks/plugins/sbom/sbom \
	    usr/lib/paks/plugins/sbom/plugin.yml \
	    usr/share/man/man1/paks.1.gz usr/share/man/man1/paks-run.1.gz \
	    usr/share/man/man5/paks-settings.5.gz \
	    usr/share/man/man7/paks-commands.7.gz \
	    usr/share/bash-completion/completions/paks \
	    usr/share/zsh/vendor-completions/_paks \
	    usr/share/fish/vendor_completions.d/paks.fish \
	    usr/share/doc/paks/copyright usr/share/doc/paks/README.md.gz; do
		[[ -s $root/$f ]] || { echo "missing: $f"; bad=1; }
	done
	[[ $bad -eq 0 ]]
	# nothing outside /usr; no zsh directory Debian's zsh does not read
	run find "$root" -mindepth 1 -maxdepth 1 ! -name usr
	[[ -z $output ]]
	[[ ! -e $root/usr/share/zsh/site-functions ]]
	# the copyright names the license of LICENSE
	grep -qx 'License: MPL-2.0' "$root/usr/share/doc/paks/copyright"
	head -n 1 "$PK_ROOT/LICENSE" | grep -qx 'Mozilla Public License Version 2.0'
	# what dpkg-shlibdeps found, and an engine recommended
	run dpkg-deb -f "$deb" Depends
	[[ $output == *libc6* && $output == *libyaml-0-2* && $output == *libjansson4* &&
	    $output == *libhttp-parser2.9* ]]
	run dpkg-deb -f "$deb" Recommends
	[[ $output == "docker.io | podman" ]]
	# unpacked anywhere, its paks finds the plugin that came with it
	run env PAKS_HOME="$BATS_TEST_TMPDIR/home" PAKS_SYSTEM_SETTINGS=/nonexistent \
	    "$root/usr/bin/paks" plugin list
	[[ $status -eq 0 && $output == *"sbom "*"system"* ]]
}

@test "installed with apt: paks --version, man paks, completion in bash, zsh and fish" {
	need_install_allowed
	apt_get install --no-install-recommends "$(deb_file)"
	[[ $(dpkg-query -W -f '${Version}' paks) == "$(meson_version)" ]]
	run /usr/bin/paks --version
	[[ $status -eq 0 && $output == "paks $(meson_version)" ]]
	[[ $(command -v paks) == /usr/bin/paks ]]
	run man -w paks
	[[ $output == /usr/share/man/man1/paks.1.gz ]]
	run env LC_ALL=C MANWIDTH=80 man paks-run
	[[ $status -eq 0 && $output == *"paks run"* ]]
	# bash: bash-completion's loader finds it by the command's name
	run bash --norc --noprofile -c '
		source /usr/share/bash-completion/bash_completion
		_completion_loader paks
		complete -p paks
		COMP_WORDS=(paks en); COMP_CWORD=1
		_paks paks en paks
		printf "%s\n" "${COMPREPLY[@]}"'
	[[ ${lines[0]} == "complete -F _paks paks" && ${lines[1]} == env ]]
	# zsh and fish: their own default paths, no fpath given
	run zsh -f -c 'autoload -Uz +X _paks && whence -w _paks'
	[[ $output == "_paks: function" ]]
	run env HOME="$BATS_TEST_TMPDIR" XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/c" \
	    XDG_DATA_HOME="$BATS_TEST_TMPDIR/d" fish -c "complete -C'paks conf'"
	[[ ${lines[0]} == config* ]]
}

# deb_session ENGINE: /usr/bin/paks run on ENGINE, #load sbom, #sbom, exit
deb_session() {
	need_install_allowed
	[[ -x /usr/bin/paks ]]
	PAKS_ENGINE=$1
	pk_require_engine
	run /usr/bin/paks plugin list
	[[ $output == *"sbom "*"system"* ]]
	pk_start_cmd /usr/bin/paks run -c "$PAKS_ENGINE" --name "$PK_NAME" \
	    -o --network=none "$PK_DEBIAN"
	pk_wait_for '#$'
	pk_line '#load sbom'
	pk_wait_for -F "loaded plugin 'sbom' $(meson_version): #sbom"
	pk_line '#sbom'
	local doc=$BATS_TEST_TMPDIR/w/paks-test-debian-bookworm-sbom.spdx.json
	pk_wait_for -F "wrote $doc (SPDX 2.3) of " 60
	jq -e '.packages[] | select(.name == "bash")' "$doc" >/dev/null
	pk_line 'exit'
	pk_exit_is 0
}

@test "installed paks on docker: #load sbom finds the plugin in /usr/lib/paks" {
	deb_session docker
}

@test "installed paks on podman: #load sbom finds the plugin in /usr/lib/paks" {
	[[ " ${PAKS_TEST_ENGINES:-docker podman} " == *" podman "* ]] ||
	    skip "podman is not among PAKS_TEST_ENGINES"
	deb_session podman
}

@test "apt purge removes every file the package installed" {
	need_install_allowed
	local files
	files=$(dpkg -L paks | grep -E '^/usr/(bin|lib/paks|share/(man|zsh|fish|bash-completion))/')
	[[ -n $files ]]
	apt_get purge paks
	run dpkg-query -W -f '${db:Status-Status}' paks
	[[ $output != installed ]]
	local f left=0
	for f in $files; do
		[[ -d $f || ! -e $f ]] || { echo "left: $f"; left=1; }
	done
	[[ $left -eq 0 && ! -e /usr/lib/paks ]]
}
