#!/usr/bin/env bats
# engines: none
#
# 05-install: what `meson install --destdir` puts under the prefix of the
# build under test (BUILD_DIR, default build), and that it is complete:
# the man pages render without a warning and name every host command,
# subcommand and option that --help lists and every settings key; the
# bash, zsh and fish completions load and complete the same commands and
# options; the bundled sbom plugin is found by the installed paks (in any
# place the prefix is copied to) and by the build tree's. The lists come
# from the --help and `config list` of the installed paks, never from here.
# Exercises: tools/gendoc*.c, man/meson.build, completions/meson.build,
# src/store/paths-exe.c, plugin_system_dir() in src/plugin/plugin.c.

load lib/helpers

bats_require_minimum_version 1.5.0

setup_file() {
	local build=${BUILD_DIR:-build} opt
	[[ $build == /* ]] || build=$PK_ROOT/$build
	export PK_BUILD=$build PK_DEST=$BATS_FILE_TMPDIR/dest
	# the build is tests/run's; a rebuild here would race other files
	meson install -C "$build" --destdir "$PK_DEST" --no-rebuild --quiet \
	    >/dev/null
	for opt in prefix mandir datadir; do
		export "PK_$opt=$(meson introspect "$build" --buildoptions |
		    jq -r ".[] | select(.name == \"$opt\") | .value")"
	done
	export PK_TOP=$PK_DEST$PK_prefix
	export PK_MAN=$PK_TOP/$PK_mandir PK_SHARE=$PK_TOP/$PK_datadir
	export PK_PAKS=$PK_TOP/bin/paks
}

setup() {
	export PAKS_HOME=$BATS_TEST_TMPDIR/home PAKS_SYSTEM_SETTINGS=/nonexistent
	export HOME=$BATS_TEST_TMPDIR
	unset PAKS_SYSTEM_PLUGINS
	mkdir -p "$PAKS_HOME"
}

# ---- what the installed paks says it has

# The host commands `paks --help` lists, one a line.
host_commands() {
	"$PK_PAKS" --help | sed -n 's/^  paks \([a-z][a-z0-9-]*\) .*/\1/p'
}

# The subcommands `paks CMD --help` lists under "commands:".
sub_commands() {
	"$PK_PAKS" "$1" --help |
	    sed -n '/^commands:$/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p'
}

# Every name of every option `paks WORDS... --help` lists (-c, --engine,
# the aliases in "(also --container-tech)"), and -h --help, one a line.
help_options() {
	local text
	text=$("$PK_PAKS" "$@" --help | sed -n '/^options:$/,/^$/p')
	printf '%s\n' -h --help
	sed -n 's/^  \(-[A-Za-z]\), \(--[a-z][a-z0-9-]*\).*/\1\n\2/p
	    s/^      \(--[a-z][a-z0-9-]*\).*/\1/p' <<<"$text"
	tr -s ' \n' '  ' <<<"$text" |
	    grep -oE '\(also --[a-z0-9-]+(, --[a-z0-9-]+)*\)' |
	    grep -oE -- '--[a-z0-9-]+' || true
}

# Every command line whose options count: "", "run", "env add", ...
command_lines() {
	local cmd sub
	echo ""
	for cmd in $(host_commands); do
		echo "$cmd"
		for sub in $(sub_commands "$cmd"); do
			echo "$cmd $sub"
		done
	done
}

# A page as text, 80 columns wide, plain ASCII.
man_text() {
	LC_ALL=C MANWIDTH=80 man -l "$1" 2>/dev/null
}

# bash_complete WORD...: what the installed bash completion offers for the
# last WORD, one a line (COMP_WORDS as bash would set them).
bash_complete() {
	bash --norc --noprofile -c '
		source "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_paks paks "${COMP_WORDS[COMP_CWORD]}" \
		    "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' bash "$PK_SHARE/bash-completion/completions/paks" "$@"
}

@test "meson install puts paks, the pages, the completions and sbom under the prefix" {
	local f bad=0
	for f in "$PK_PAKS" "$PK_MAN/man1/paks.1" "$PK_MAN/man7/paks-commands.7" \
	    "$PK_MAN/man5/paks-settings.5" \
	    "$PK_SHARE/bash-completion/completions/paks" \
	    "$PK_SHARE/zsh/site-functions/_paks" \
	    "$PK_SHARE/fish/vendor_completions.d/paks.fish" \
	    "$PK_TOP/lib/paks/plugins/sbom/plugin.yml"; do
		if [[ ! -s $f ]]; then
			echo "missing: $f"
			bad=1
		fi
	done
	[[ $bad -eq 0 ]]
	# nothing is installed outside the prefix
	run find "$PK_DEST" ! -type d ! -path "$PK_TOP/*"
	[[ -z $output ]]
}

@test "every man page renders without a warning" {
	local f out n=0 bad=0
	for f in "$PK_MAN"/man[0-9]/*; do
		n=$((n + 1))
		out=$(LC_ALL=C MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
		if [[ -n $out ]]; then
			echo "${f##*/}: $out"
			bad=1
		fi
	done
	# paks.1, paks-COMMAND.1 for each host command, commands.7, settings.5
	echo "$n pages"
	[[ $n -eq $(($(host_commands | wc -l) + 3)) ]]
	[[ $bad -eq 0 ]]
}

@test "paks.1 and paks-COMMAND.1 name every command, subcommand and option --help lists" {
	local line page text opt sub bad=0
	text=$(man_text "$PK_MAN/man1/paks.1")
	for line in $(host_commands); do
		grep -qE "paks $line( |$)" <<<"$text" ||
		    { echo "paks.1 lacks 'paks $line'"; bad=1; }
		[[ -s $PK_MAN/man1/paks-$line.1 ]] || { echo "no paks-$line.1"; bad=1; }
	done
	while IFS= read -r line; do
		page=$PK_MAN/man1/paks${line:+-${line%% *}}.1
		text=$(man_text "$page")
		# shellcheck disable=SC2086 # the words of the command line
		for opt in $(help_options $line); do
			if ! grep -qE -- "(^|[^a-z-])$opt([^a-z-]|$)" <<<"$text"; then
				echo "${page##*/} lacks '$opt' of 'paks $line'"
				bad=1
			fi
		done
		if [[ $line == *" "* ]]; then
			sub=${line#* }
			[[ $text == *"paks ${line%% *} $sub"* ]] ||
			    { echo "${page##*/} lacks 'paks $line'"; bad=1; }
		fi
	done < <(command_lines)
	[[ $bad -eq 0 ]]
}

@test "paks-settings.5 describes every key of 'paks config list'" {
	local key text bad=0
	text=$(man_text "$PK_MAN/man5/paks-settings.5")
	for key in $("$PK_PAKS" config list | sed -n 's/^\([a-z_][a-z0-9_]*\):.*/\1/p'); do
		[[ $text == *"$key ("* ]] || { echo "no key '$key'"; bad=1; }
	done
	[[ -n ${key:-} && $bad -eq 0 ]]
}

@test "bash: the completion loads and offers every command, subcommand and option" {
	local line opt cmd bad=0
	run bash --norc --noprofile -c \
	    "source '$PK_SHARE/bash-completion/completions/paks' && complete -p paks"
	[[ $status -eq 0 && $output == "complete -F _paks paks" ]]
	run bash_complete paks conf
	[[ $output == config ]]
	run bash_complete paks en
	[[ $output == $'enter\nenv' || $output == $'env\nenter' ]]
	run bash_complete paks run -
	[[ $'\n'$output$'\n' == *$'\n--keep\n'* ]]
	for cmd in $(host_commands); do
		bash_complete paks '' | grep -qx -- "$cmd" ||
		    { echo "paks <tab> lacks '$cmd'"; bad=1; }
		for line in $(sub_commands "$cmd"); do
			bash_complete paks "$cmd" '' | grep -qx -- "$line" ||
			    { echo "paks $cmd <tab> lacks '$line'"; bad=1; }
		done
	done
	while IFS= read -r line; do
		# shellcheck disable=SC2086 # the words of the command line
		for opt in $(help_options $line); do
			bash_complete paks $line - | grep -qx -- "$opt" ||
			    { echo "'paks $line -<tab>' lacks '$opt'"; bad=1; }
		done
	done < <(command_lines)
	[[ $bad -eq 0 ]]
}

@test "bash: values complete: engines, settings keys, environments, KEY=VALUE" {
	"$PK_PAKS" env add proj A=1 >/dev/null
	run bash_complete paks run -c ''
	[[ $output == *docker* && $output == *podman* ]]
	run bash_complete paks run --container-tech = pod
	[[ $output == podman ]]
	run bash_complete paks env show ''
	[[ $output == proj ]]
	run bash_complete paks -s container_t
	[[ $output == container_tech= ]]
	run bash_complete paks config get container_t
	[[ $output == container_tech ]]
	run bash_complete paks help ru
	[[ $output == run ]]
}

# fake_engine NAME WORD...: a NAME command in $BATS_TEST_TMPDIR/bin whose
# `images --format F` and `ps -a --format F` print the WORDs, one a line
fake_engine() {
	local bin=$BATS_TEST_TMPDIR/bin name=$1
	shift
	mkdir -p "$bin"
	{
		printf '#!/bin/sh\ncase "$1 $2" in\n'
		printf '"images --format"|"ps -a") printf "%%s\\n"'
		printf ' %q' "$@"
		printf ' ;;\n*) exit 1 ;;\nesac\n'
	} > "$bin/$name"
	chmod +x "$bin/$name"
}

@test "bash: image names come from the engine on the line, else docker, else podman" {
	local bin=$BATS_TEST_TMPDIR/bin t
	fake_engine docker dock/a:1 '<none>:<none>' dock/b:2
	fake_engine podman pod/c:3
	# only the fakes and what the completion itself runs
	for t in bash timeout grep; do
		ln -s "$(command -v "$t")" "$bin/$t"
	done
	PATH=$bin run bash_complete paks run ''
	[[ $output == $'dock/a:1\ndock/b:2' ]]
	PATH=$bin run bash_complete paks run -c podman ''
	[[ $output == pod/c:3 ]]
	PATH=$bin run bash_complete paks save --engine=podman x ''
	[[ $output == pod/c:3 ]]
	PATH=$bin run bash_complete paks run dock/b
	[[ $output == dock/b:2 ]]
	rm "$bin/docker"
	PATH=$bin run bash_complete paks run ''
	[[ $output == pod/c:3 ]]
	# an engine that does not answer: nothing, and no error
	printf '#!/bin/sh\nexit 1\n' > "$bin/podman"
	PATH=$bin run bash_complete paks run ''
	[[ $status -eq 0 && -z $output ]]
}

@test "zsh: autoload finds _paks in fpath, and it completes" {
	command -v zsh >/dev/null || skip "zsh is not installed (tests/deps)"
	local dir=$PK_SHARE/zsh/site-functions
	run zsh -f -c "fpath=('$dir' \$fpath); autoload -Uz +X _paks && whence -w _paks"
	[[ $status -eq 0 && $output == "_paks: function" ]]
	# compadd and _files stand in for the completion system's
	run zsh -f -c "fpath=('$dir' \$fpath); autoload -Uz _paks
		compadd() { print -rl -- \"\${vals[@]}\"; }
		compset() { return 0; }
		_files() { print -r -- files; }
		words=(paks en); CURRENT=2; _paks
		words=(paks run -); CURRENT=3; _paks"
	[[ $status -eq 0 ]]
	[[ $'\n'$output$'\n' == *$'\nenv\n'* && $'\n'$output$'\n' == *$'\n--keep\n'* ]]
}

@test "fish: the completion loads and completes commands and options" {
	command -v fish >/dev/null || skip "fish is not installed (tests/deps)"
	local f=$PK_SHARE/fish/vendor_completions.d/paks.fish
	run fish --no-config -c "source '$f'; complete -C'paks conf'"
	[[ $status -eq 0 && ${lines[0]} == config* ]]
	run fish --no-config -c "source '$f'; complete -C'paks run --'"
	[[ $output == *--keep* ]]
}

# plugin_list PAKS: `PAKS plugin list`, with no plugin of the user's
plugin_list() {
	run "$1" plugin list
	echo "$output"
	[[ $status -eq 0 ]]
}

@test "the installed paks finds its bundled sbom plugin, wherever the prefix is" {
	plugin_list "$PK_PAKS"
	[[ $output == *"sbom "*"system"* ]]
	# a copy of the prefix elsewhere finds its own plugins, not the
	# prefix's it was built for
	local moved=$BATS_TEST_TMPDIR/moved
	cp -a "$PK_TOP" "$moved"
	plugin_list "$moved/bin/paks"
	[[ $output == *"sbom "*"system"* ]]
	rm -r "$moved/lib/paks/plugins/sbom"
	plugin_list "$moved/bin/paks"
	[[ $output == "no plugins installed"*"$moved/lib/paks/plugins"* ]]
}

@test "the build tree's paks finds the sbom plugin built beside it" {
	plugin_list "$PK_BUILD/paks"
	[[ $output == *"sbom "*"system"* ]]
	# the same layout elsewhere: paks, and plugins/sbom beside it
	local tree=$BATS_TEST_TMPDIR/tree
	mkdir -p "$tree/plugins"
	cp "$PK_BUILD/paks" "$tree/"
	cp -r "$PK_BUILD/plugins/sbom" "$tree/plugins/"
	plugin_list "$tree/paks"
	[[ $output == *"sbom "*"system"* ]]
	rm -r "$tree/plugins/sbom"
	plugin_list "$tree/paks"
	if [[ ! -e $PK_prefix/lib/paks/plugins/sbom ]]; then
		[[ $output == "no plugins installed"* ]]
	fi
}

@test "a user without root: -Dtests=disabled builds with no cmocka, installs into ~/.local" {
	local u=paks-e2e-inst home pc
	id "$u" >/dev/null 2>&1 || useradd -M -d /nonexistent "$u"
	# a home the user can reach (bats's own directories are root's)
	home=$(mktemp -d /tmp/paks-e2e-inst.XXXXXX)
	mkdir -p "$home/src" "$home/pc"
	# the tree as committed and edited, without build directories
	git -C "$PK_ROOT" ls-files -z --cached --others --exclude-standard |
	    tar -C "$PK_ROOT" --null -T - -c | tar -C "$home/src" -x
	# pkg-config that knows every library paks needs but cmocka (and
	# http-parser, which has no .pc: meson finds it by name)
	for pc in yaml-0.1 jansson nettle; do
		cp "$(pkg-config --variable=pcfiledir "$pc")/$pc.pc" "$home/pc/"
	done
	chown -R "$u" "$home"
	run runuser -u "$u" -- env -i PATH=/usr/bin:/bin HOME="$home" \
	    PKG_CONFIG_LIBDIR="$home/pc" sh -c '
		cd "$HOME/src" &&
		meson setup b --prefix="$HOME/.local" -Dtests=disabled \
		    >"$HOME/setup.log" 2>&1 || { tail -5 "$HOME/setup.log"; exit 1; }
		grep -q "cmocka" b/build.ninja && { echo "cmocka used"; exit 1; }
		ninja -C b >/dev/null && meson install -C b --quiet &&
		"$HOME/.local/bin/paks" version &&
		"$HOME/.local/bin/paks" plugin list'
	echo "$output"
	[[ $status -eq 0 ]]
	[[ $output == *"paks "* ]]
	[[ $output == *sbom* ]]
	[[ -f $home/.local/share/man/man1/paks.1 ]]
	[[ -f $home/.local/share/bash-completion/completions/paks ]]
	rm -rf "$home"
	userdel "$u" 2>/dev/null || true
}

@test "docs/man holds every page as it renders now (tools/render-man)" {
	local page name n=0
	for page in "$PK_MAN"/man[0-9]/paks*.[0-9]; do
		name=$(basename "$page")
		[[ -f $PK_ROOT/docs/man/$name.txt ]] ||
		    { echo "docs/man/$name.txt is missing: run tools/render-man"; false; }
		diff -u "$PK_ROOT/docs/man/$name.txt" \
		    <(MANWIDTH=80 man -l "$page" 2>/dev/null) ||
		    { echo "docs/man/$name.txt is stale: run tools/render-man"; false; }
		n=$((n + 1))
	done
	[[ $n -ge 20 ]]
	[[ $(ls "$PK_ROOT/docs/man" | wc -l) -eq $n ]]
}
