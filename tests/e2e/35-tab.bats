#!/usr/bin/env bats
# engines: both
#
# 35-tab: Tab completes #commands and their words inside a session, in
# bash and in zsh, typed into a real terminal (tmux): "#sa" gives "#save",
# "#envload " the environments' names (never a value), "#load " the
# plugins, "#inspect " its sections; the lists follow #envsave and #load;
# Tab on any other line completes as the shell always does. The lists live
# in the shell: the test checks that no value of an environment is there.
# sh has no programmable completion (docs/commands.md). Also: a mistyped
# #command gets a "did you mean".
# Exercises: src/session/tabcomp.c, integration.c, session.c
# (session_comp_data), src/plugin/plugin.c (plugin_session_names).

load lib/helpers

PK_BUILD=${BUILD_DIR:-build}
[[ $PK_BUILD == /* ]] || PK_BUILD=$PK_ROOT/$PK_BUILD

setup_file() {
	pk_require_engine
}

setup() {
	pk_setup
	"$PAKS" env add alpha "TOKEN=SECRET""MARK-a" >/dev/null
	"$PAKS" env add beta "TOKEN=SECRET""MARK-b" >/dev/null
	# sbom, as `ninja install` puts it: the one plugin #load can add
	export PAKS_SYSTEM_PLUGINS=$BATS_TEST_TMPDIR/system
	mkdir -p "$PAKS_SYSTEM_PLUGINS/sbom"
	cp "$PK_ROOT/plugins/sbom/plugin.yml" "$PK_BUILD/plugins/sbom/sbom" \
	    "$PAKS_SYSTEM_PLUGINS/sbom/"
}

teardown() {
	pk_teardown
}

PROMPT='#$'

# tab_run SHELL: a session of SHELL in the Debian image, ready
tab_run() {
	pk_start --shell "$1" "$PK_DEBIAN"
	pk_wait_for "$PROMPT"
	pk_line 'echo READY'
	pk_wait_for '^READY$'
}

# tab_steps N: the steps both shells share; N Tabs list the matches (bash
# lists on the second, zsh on the first)
tab_steps() {
	local tabs=()
	for ((i = 0; i < $1; i++)); do tabs+=(Tab); done

	# the first word: one match is completed
	pk_type '#sa'; pk_key Tab
	pk_wait_for "# #save\$"
	pk_key C-u
	# several: listed
	pk_type '#s'; pk_key "${tabs[@]}"
	pk_wait_for '#save +#size +#snapshots'
	pk_key C-u
	# the environments' names, never their values
	pk_type '#envload '; pk_key "${tabs[@]}"
	pk_wait_for '^alpha +beta$'
	pk_key C-u
	pk_type '#envload b'; pk_key Tab
	pk_wait_for "# #envload beta\$"
	pk_key C-u
	# #envsave makes a name: known at once
	pk_line '#envsave gamma K=1'
	pk_wait_for -F "saved 1 variable to 'gamma'"
	pk_type '#envload g'; pk_key Tab
	pk_wait_for "# #envload gamma\$"
	pk_key C-u
	# #inspect's sections
	pk_type '#inspect config.wo'; pk_key Tab
	pk_wait_for "# #inspect config.workingdir\$"
	pk_key C-u
	# #help's word is a command
	pk_type '#help envs'; pk_key Tab
	pk_wait_for "# #help envsave\$"
	pk_key C-u
	# the plugins; after #load, their commands complete too
	pk_type '#load sb'; pk_key Tab
	pk_wait_for "# #load sbom\$"
	pk_key Enter
	pk_wait_for -F 'loaded plugin'
	pk_type '#sb'; pk_key Tab
	pk_wait_for "# #sbom\$"
	pk_key C-u
	# any other line completes as before
	pk_type 'hostnam'; pk_key Tab
	pk_wait_for "# hostname\$"
	pk_key C-u
	# nothing of a value is in the shell (the marker is typed in two
	# parts, so the command line itself does not hold it)
	pk_line 'clear; (set; typeset -f) | grep -c "SECRET""MARK"'
	pk_wait_for '^0$'
	pk_line 'echo "[$__paks_envs]"'
	pk_wait_for -F '[ alpha beta gamma]'
}

@test "bash: Tab completes #commands, environments, plugins, sections" {
	tab_run bash
	tab_steps 2
	# a #command line without a match completes nothing else
	pk_type '#nosuch'; pk_key Tab Tab
	pk_line ''
	pk_wait_for -F "unknown paks command '#nosuch'"
	# a near miss typed out gets its name (issue 18's "did you mean")
	pk_line '#envlaod alpha'
	pk_wait_for -F "paks: unknown paks command '#envlaod'"
	pk_wait_for -F "hint: did you mean '#envload'?"
	pk_line 'exit 3'
	pk_exit_is 3
}

@test "zsh: Tab completes #commands, environments, plugins, sections" {
	tab_run zsh
	tab_steps 1
	# a word that names a file completes as zsh does
	pk_type '#cp /et'; pk_key Tab
	pk_wait_for "# #cp /etc/\$"
	pk_key C-u
	pk_line 'exit 3'
	pk_exit_is 3
}
