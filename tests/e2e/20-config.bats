#!/usr/bin/env bats
# engines: none
#
# 20-config: `paks config init|get|set|list|edit` on a private PAKS_HOME.
# Covers: init (every key, refusal to overwrite, --force), get, the three
# forms of set and that it keeps comments and key order, list with the
# source of each value (default, system file, user file, --settings-file,
# -s), edit with editors that write a bad file, a good file, or fail, and
# the bad-input rule: one "paks:" line (plus at most one "hint:" line),
# exit 2 for usage errors and 1 otherwise, every file byte-identical.
# Exercises: src/host/host-config.c, src/store/settings-edit.c,
# src/store/settings.c, src/store/storefile.c, src/cmd.c.

bats_require_minimum_version 1.5.0

PAKS=${PAKS:-$BATS_TEST_DIRNAME/../../build/paks}

setup() {
	export PAKS_HOME="$BATS_TEST_TMPDIR/home"
	export PAKS_SYSTEM_SETTINGS=/nonexistent
	unset VISUAL EDITOR
	SETTINGS=$PAKS_HOME/settings.yml
}

# Every file under PAKS_HOME with its hash, to compare before and after.
snapshot() {
	if [[ -d $PAKS_HOME ]]; then
		(cd "$PAKS_HOME" && find . -print0 | sort -z |
		    xargs -0 -n1 sh -c 'if [ -f "$0" ]; then sha256sum "$0";
		    else echo "$0"; fi')
	fi
}

# check_error STATUS: failed with STATUS, nothing on stdout, and on stderr
# one "paks: " line, optionally followed by one "hint: " line.
check_error() {
	if [[ $status -ne $1 ]]; then
		echo "status $status, expected $1; stderr: $stderr"
		return 1
	fi
	if [[ -n $output ]]; then
		echo "unexpected stdout: $output"
		return 1
	fi
	local n=${#stderr_lines[@]}
	if ((n < 1 || n > 2)) || [[ ${stderr_lines[0]} != "paks: "* ]]; then
		echo "stderr is not one 'paks:' line: $stderr"
		return 1
	fi
	if ((n == 2)) && [[ ${stderr_lines[1]} != "hint: "* ]]; then
		echo "second stderr line is not a hint: $stderr"
		return 1
	fi
}

# an editor script: editor NAME BODY (BODY runs with the file as $f)
editor() {
	local path=$BATS_TEST_TMPDIR/$1
	printf '#!/bin/sh\nf=$1\n%s\n' "$2" > "$path"
	chmod +x "$path"
	echo "$path"
}

@test "config init writes every key with its default and a comment" {
	run --separate-stderr "$PAKS" config init
	[ "$status" -eq 0 ]
	[[ $output == "wrote $SETTINGS" ]]
	for key in container_tech container_shell user history_file \
	    config_editor run_options save_history plugins plugin_timeout; do
		grep -q "^$key: " "$SETTINGS"
	done
	grep -qx "container_shell: /bin/bash" "$SETTINGS"
	grep -qx "plugin_timeout: 60" "$SETTINGS"
	grep -qx "run_options: \[\]" "$SETTINGS"
	[ "$(grep -c '^# ' "$SETTINGS")" -ge 9 ]
	[ "$(stat -c %a "$PAKS_HOME")" = 700 ]
	run --separate-stderr "$PAKS" config get container_shell
	[ "$output" = /bin/bash ]
}

@test "config init refuses to overwrite without --force" {
	"$PAKS" config init
	echo "# mine" >> "$SETTINGS"
	before=$(snapshot)
	run --separate-stderr "$PAKS" config init
	check_error 1
	[[ ${stderr_lines[0]} == *"'$SETTINGS' already exists"* ]]
	[[ ${stderr_lines[1]} == *"--force"* ]]
	[ "$(snapshot)" = "$before" ]
	run --separate-stderr "$PAKS" config init --force
	[ "$status" -eq 0 ]
	! grep -q "^# mine" "$SETTINGS"
	run --separate-stderr "$PAKS" config init --frobnicate
	check_error 2
}

@test "config get prints the value in effect" {
	run --separate-stderr "$PAKS" config get container_tech
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	run --separate-stderr "$PAKS" -s container_tech=podman config get \
	    container_tech
	[ "$output" = podman ]
	run --separate-stderr "$PAKS" -s 'run_options=[--network, none]' \
	    config get run_options
	[ "$output" = "[--network, none]" ]
	[ ! -e "$PAKS_HOME" ]
}

@test "config set: KEY VALUE, KEY=VALUE and KEY:VALUE" {
	run --separate-stderr "$PAKS" config set container_tech podman
	[ "$status" -eq 0 ]
	run --separate-stderr "$PAKS" config set user=alice
	[ "$status" -eq 0 ]
	run --separate-stderr "$PAKS" config set plugin_timeout:30
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$PAKS_HOME")" = 700 ]
	[ "$("$PAKS" config get container_tech)" = podman ]
	[ "$("$PAKS" config get user)" = alice ]
	[ "$("$PAKS" config get plugin_timeout)" = 30 ]
	[ "$(cat "$SETTINGS")" = "$(printf '%s\n' 'container_tech: podman' \
	    'user: alice' 'plugin_timeout: 30')" ]
}

@test "config set keeps comments, blank lines and key order" {
	mkdir -p "$PAKS_HOME"
	cat > "$SETTINGS" <<-'EOF'
	# my settings, by hand
	container_shell: /bin/zsh   # zsh is nicer

	# the engine
	container_tech: docker
	run_options:
	  - --network   # offline
	  - none
	user:
	EOF
	"$PAKS" config set container_tech podman
	"$PAKS" config set run_options '[--pull, never]'
	"$PAKS" config set user "o'brien"
	"$PAKS" config set save_history true
	expected=$(cat <<-'EOF'
	# my settings, by hand
	container_shell: /bin/zsh   # zsh is nicer

	# the engine
	container_tech: podman
	run_options: [--pull, never]
	user: 'o''brien'
	save_history: true
	EOF
	)
	[ "$(cat "$SETTINGS")" = "$expected" ]
	[ "$("$PAKS" config get user)" = "o'brien" ]
	[ "$("$PAKS" config get run_options)" = "[--pull, never]" ]
}

@test "config set writes values that read back exactly" {
	for v in 'a b' "it's" '"quoted"' 'x: y # z' '~' 'null' 'yes' '42' \
	    '[not a list]' '' '  padded  ' 'ü✓' "$(printf 'two\nlines')"; do
		"$PAKS" config set user "$v"
		[ "$("$PAKS" config get user)" = "$v" ]
	done
	# a program on PATH, with an argument
	"$PAKS" config set config_editor 'true --wait'
	[ "$("$PAKS" config get config_editor)" = "true --wait" ]
}

@test "config set refuses an unknown key, with a suggestion" {
	"$PAKS" config set user bob
	before=$(snapshot)
	run --separate-stderr "$PAKS" config set contaner_tech podman
	check_error 2
	[[ ${stderr_lines[0]} == "paks: unknown setting 'contaner_tech'" ]]
	[[ ${stderr_lines[1]} == *"did you mean 'container_tech'"* ]]
	[[ ${stderr_lines[1]} == *"plugin_timeout"* ]]
	[ "$(snapshot)" = "$before" ]
	run --separate-stderr "$PAKS" config get nope
	check_error 2
	[[ ${stderr_lines[1]} == *"known settings: container_tech"* ]]
}

@test "config set refuses a value of the wrong type" {
	"$PAKS" config set user bob
	before=$(snapshot)
	run --separate-stderr "$PAKS" config set save_history maybe
	check_error 2
	[[ $stderr == *"'save_history' must be true or false"* ]]
	run --separate-stderr "$PAKS" config set plugin_timeout soon
	check_error 2
	run --separate-stderr "$PAKS" config set run_options --network
	check_error 2
	[[ $stderr == *"must be a list"* ]]
	run --separate-stderr "$PAKS" config set plugin_timeout "$(printf '1\nuser: x')"
	check_error 2
	run --separate-stderr "$PAKS" config set user
	check_error 2
	[ "$(snapshot)" = "$before" ]
}

@test "config set refuses an engine, shell or editor that cannot work" {
	"$PAKS" config set user bob
	before=$(snapshot)
	run --separate-stderr "$PAKS" config set container_tech podmn
	check_error 2
	[ "${stderr_lines[0]}" = "paks: container_tech cannot be 'podmn' (did you mean 'podman'?)" ]
	[ "${stderr_lines[1]}" = "hint: one of docker, podman, charliecloud, or empty" ]
	run --separate-stderr "$PAKS" config set container_shell bash
	check_error 2
	[[ ${stderr_lines[0]} == *"container_shell must be an absolute path"* ]]
	run --separate-stderr "$PAKS" config set config_editor 'no-such-editor --wait'
	check_error 2
	[ "${stderr_lines[0]}" = "paks: config_editor: no program 'no-such-editor' here" ]
	run --separate-stderr "$PAKS" config set config_editor "$BATS_TEST_TMPDIR/none"
	check_error 2
	[ "$(snapshot)" = "$before" ]
	# what works, and empty (the default) always does
	for kv in container_tech=charliecloud container_tech= \
	    container_shell=/usr/bin/zsh config_editor=sh config_editor=; do
		"$PAKS" config set "$kv"
		[ "$("$PAKS" config get "${kv%%=*}")" = "${kv#*=}" ]
	done
}

@test "config list --format json: typed values and where each comes from" {
	"$PAKS" config set plugin_timeout 5
	"$PAKS" config set run_options '[--network, none]'
	run --separate-stderr "$PAKS" config list --format json
	[ "$status" -eq 0 ]
	[ "$(python3 -c 'import json, sys; s = json.load(sys.stdin)
print(s["plugin_timeout"]["value"] + 1, s["plugin_timeout"]["source"],
      s["run_options"]["value"], s["save_history"]["value"],
      s["container_shell"]["source"], len(s))' <<< "$output")" = \
	    "6 user file ['--network', 'none'] False default 12" ]
}

@test "config list shows each value and where it comes from" {
	system=$BATS_TEST_TMPDIR/system.yml
	extra=$BATS_TEST_TMPDIR/extra.yml
	echo "container_shell: /bin/sh" > "$system"
	echo "plugin_timeout: 5" > "$extra"
	"$PAKS" config set user bob
	run --separate-stderr env PAKS_SYSTEM_SETTINGS="$system" "$PAKS" \
	    --settings-file "$extra" -s save_history=yes config list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 12 ]
	[[ ${lines[0]} =~ ^container_tech:\ \'\'\ +#\ default$ ]]
	[[ ${lines[1]} =~ ^container_shell:\ /bin/sh\ +#\ system\ file\ $system$ ]]
	[[ ${lines[2]} =~ ^user:\ bob\ +#\ user\ file\ $SETTINGS$ ]]
	[[ ${lines[6]} =~ ^save_history:\ yes\ +#\ -s$ ]]
	[[ ${lines[8]} =~ ^plugin_timeout:\ 5\ +#\ settings\ file\ $extra$ ]]
	[[ ${lines[11]} =~ ^srun_options:\ \[\]\ +#\ default$ ]]
}

@test "a malformed settings file is one error and is left alone" {
	mkdir -p "$PAKS_HOME"
	printf 'user: a\ncontainer_tech: [docker\n' > "$SETTINGS"
	before=$(snapshot)
	run --separate-stderr "$PAKS" config list
	check_error 1
	[[ ${stderr_lines[0]} == "paks: $SETTINGS:"*"malformed YAML"* ]]
	run --separate-stderr "$PAKS" config set user b
	check_error 1
	[[ ${stderr_lines[0]} == "paks: $SETTINGS:"* ]]
	printf 'user: a\nbogus: 1\n' > "$SETTINGS"
	before=$(snapshot)
	run --separate-stderr "$PAKS" config get user
	check_error 1
	[[ ${stderr_lines[0]} == "paks: $SETTINGS:2: unknown setting 'bogus'" ]]
	run --separate-stderr "$PAKS" config set user b
	check_error 1
	[ "$(snapshot)" = "$before" ]
}

@test "config edit keeps the previous file when the edit is invalid" {
	"$PAKS" config init
	before=$(snapshot)
	export EDITOR=$(editor bad 'printf "container_tech: docker\nbogus_key: 1\n" > "$f"')
	run --separate-stderr "$PAKS" config edit
	check_error 1
	[[ ${stderr_lines[0]} == "paks: edit not saved: $SETTINGS:2: unknown setting 'bogus_key'" ]]
	[ "$(snapshot)" = "$before" ]
	export EDITOR=$(editor yaml 'printf "user: [\n" > "$f"')
	run --separate-stderr "$PAKS" config edit
	check_error 1
	[[ $stderr == *"malformed YAML"* ]]
	export EDITOR=$(editor fails 'echo "user: x" > "$f"; exit 3')
	run --separate-stderr "$PAKS" config edit
	check_error 1
	[[ $stderr == *"exited with status 3"* ]]
	[ "$(snapshot)" = "$before" ]
}

@test "config edit saves a good edit" {
	"$PAKS" config set user bob
	chmod 644 "$SETTINGS"
	export VISUAL=$(editor good 'printf "# edited\ncontainer_tech: podman\n" > "$f"')
	run --separate-stderr "$PAKS" config edit
	[ "$status" -eq 0 ]
	[ "$(cat "$SETTINGS")" = "$(printf '# edited\ncontainer_tech: podman')" ]
	[ "$(stat -c %a "$SETTINGS")" = 644 ]
	[ "$("$PAKS" config get container_tech)" = podman ]
	# no temporary file is left behind
	[ "$(ls -A "$PAKS_HOME")" = settings.yml ]
}

@test "config edit uses config_editor, split on whitespace, and the file" {
	script=$(editor ed 'printf "%s\n" "$@" > "$BATS_TEST_TMPDIR/args"
	    last=$(eval echo \${$#}); echo "user: edited" >> "$last"')
	"$PAKS" config set config_editor "$script   --wait"
	export EDITOR=false
	run --separate-stderr "$PAKS" config edit
	[ "$status" -eq 0 ]
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/args")" = --wait ]
	[[ $(sed -n 2p "$BATS_TEST_TMPDIR/args") == "$PAKS_HOME/"*.yml ]]
	[ "$("$PAKS" config get user)" = edited ]
	grep -q "^config_editor: " "$SETTINGS"
}

@test "config edit on a missing file starts from the init text" {
	export EDITOR=$(editor ed 'sed -i "s/^user: .*/user: new/" "$f"')
	run --separate-stderr "$PAKS" config edit
	[ "$status" -eq 0 ]
	grep -qx "user: new" "$SETTINGS"
	grep -qx "container_shell: /bin/bash" "$SETTINGS"
}

@test "config with no or an unknown subcommand is a usage error" {
	run --separate-stderr "$PAKS" config
	check_error 2
	run --separate-stderr "$PAKS" config frob
	check_error 2
	[[ ${stderr_lines[0]} == *"frob"* ]]
	run --separate-stderr "$PAKS" config get
	check_error 2
	run --separate-stderr "$PAKS" config --help
	[ "$status" -eq 0 ]
	[[ $output == *"init"*"get"*"set"*"list"*"edit"* ]]
	[ ! -e "$PAKS_HOME" ]
}
