#!/usr/bin/env bats
# engines: none
#
# 00-meta: tests over the host command table, as printed by `paks --help`
# (git's t0012-help.sh): every command listed has a summary, `paks CMD
# --help` exits 0 with that command's usage, and README.md mentions it;
# for paks itself, every host command and every subcommand, each option its
# --help lists is accepted, in each of its names, before a --help that then
# still answers (the declared options are all listed: tests/unit/test-cmd.c).
# Exercises: src/cmd-table.c, src/cmd.c, src/cmd-opt.c, src/host/*.c,
# README.md.

load lib/helpers

bats_require_minimum_version 1.5.0

# The host commands `paks --help` lists, one a line.
host_commands() {
	"$PAKS" --help | sed -n 's/^  paks \([a-z][a-z0-9-]*\)\( .*\)\{0,1\}$/\1/p'
}

@test "paks --help lists host commands, each with a summary" {
	run "$PAKS" --help
	[[ $status -eq 0 ]]
	local listed
	listed=$(grep -E '^  paks [a-z]' <<<"$output")
	echo "$listed"
	[[ -n $listed ]]
	# "  paks NAME    summary": no entry without a summary
	if grep -vE '^  paks [a-z][a-z0-9-]* +[^ ].*$' <<<"$listed"; then
		echo "^ listed without a summary"
		return 1
	fi
	[[ $(host_commands | grep -cx run) -eq 1 ]]
}

@test "paks CMD --help exits 0 and prints its usage, for every host command" {
	local cmd bad=0
	for cmd in $(host_commands); do
		run "$PAKS" "$cmd" --help
		if [[ $status -ne 0 || ${lines[0]} != "usage: paks $cmd"* ]]; then
			echo "paks $cmd --help: status $status, first line: ${lines[0]:-}"
			bad=1
		fi
		run "$PAKS" help "$cmd"
		if [[ $status -ne 0 || ${lines[0]} != "usage: paks $cmd"* ]]; then
			echo "paks help $cmd: status $status"
			bad=1
		fi
	done
	[[ $bad -eq 0 ]]
}

@test "README.md mentions every host command" {
	local cmd bad=0
	for cmd in $(host_commands); do
		if ! grep -qE "paks $cmd([^a-z0-9-]|$)" "$PK_ROOT/README.md"; then
			echo "README.md does not mention 'paks $cmd'"
			bad=1
		fi
	done
	[[ $bad -eq 0 ]]
}

@test "an unknown command is one line, exit 2, and a KEY=VALUE word is not shown whole" {
	run "$PAKS" PB_TOKEN=s3cr3t
	[[ $status -eq 2 ]]
	[[ ${lines[0]} == "paks: unknown command 'paks PB_TOKEN=...'" ]]
	[[ $output != *s3cr3t* ]]
}

@test "a mistyped command gets a 'did you mean', a far one the list" {
	local typo want
	for typo in rn:run sav:save confg:config "env lst:env list" vresion:version; do
		want=${typo#*:}
		run --separate-stderr "$PAKS" ${typo%%:*}
		[[ $status -eq 2 ]]
		[[ ${#stderr_lines[@]} -eq 2 ]]
		[[ ${stderr_lines[1]} == "hint: did you mean 'paks $want'?" ]]
	done
	run --separate-stderr "$PAKS" zzz
	[[ $status -eq 2 ]]
	[[ ${stderr_lines[1]} == "hint: see 'paks --help'" ]]
}

# A private PAKS_HOME, for the tests below that may write one.
meta_home() {
	export PAKS_HOME=$BATS_TEST_TMPDIR/home
	export PAKS_SYSTEM_SETTINGS=/nonexistent
}

# The subcommands `paks CMD --help` lists under "commands:", one a line.
sub_commands() {
	"$PAKS" "$1" --help </dev/null |
	    sed -n '/^commands:$/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p'
}

# listed_options WORDS...: the options `paks WORDS... --help` lists, one a
# line: "LONG MODE LETTER ALIAS...", MODE being flag, value or optional
# (--long[=VALUE]), LETTER the short name or "-".
listed_options() {
	local line on=0 name= mode= letter= text= rest
	local re='^  (-([A-Za-z]), |    )--([a-z][a-z0-9-]*)(.*)$'
	while IFS= read -r line; do
		if [[ $line == options: ]]; then
			on=1
			continue
		fi
		((on)) || continue
		[[ -z $line ]] && break
		if [[ $line =~ $re ]]; then
			[[ -n $name ]] && echo "$name $mode $letter $(aliases_in "$text")"
			letter=${BASH_REMATCH[2]:--}
			name=${BASH_REMATCH[3]}
			rest=${BASH_REMATCH[4]}
			mode=flag
			[[ $rest == "[="* ]] && mode=optional
			[[ $rest =~ ^\ [^\ ] ]] && mode=value
			text=$rest
		else
			text+=" $line"
		fi
	done < <("$PAKS" "$@" --help </dev/null)
	[[ -n $name ]] && echo "$name $mode $letter $(aliases_in "$text")"
	return 0
}

# The other names in an option's help, "(also --a, --b)": "a b".
aliases_in() {
	local -a a
	[[ $1 =~ \(also\ ([^\)]*)\) ]] || return 0
	read -ra a <<<"${BASH_REMATCH[1]//,/ }"
	echo "${a[*]#--}"
}

# check_options WORDS...: --help answers, and answers after each option.
check_options() {
	local name mode letter aliases long n=0
	local -a opt
	run "$PAKS" "$@" --help </dev/null
	if [[ $status -ne 0 || ${lines[0]} != "usage: paks"* ]]; then
		echo "paks $* --help: status $status, first line: ${lines[0]:-}"
		return 1
	fi
	while read -r name mode letter aliases; do
		n=$((n + 1))
		for long in "--$name" ${aliases:+$(printf -- '--%s ' $aliases)} \
		    ${letter#-}; do
			[[ $long == -* ]] || long=-$long
			opt=("$long")
			[[ $mode == value ]] && opt+=(x)
			run "$PAKS" "$@" "${opt[@]}" --help </dev/null
			if [[ $status -ne 0 || ${lines[0]} != "usage: paks"* ]]
			then
				echo "paks $* ${opt[*]} --help: status $status:" \
				    "${lines[0]:-}"
				return 1
			fi
		done
	done < <(listed_options "$@")
	echo "paks $*: $n options"
}

@test "every option --help lists is accepted, and --help still answers after it" {
	local cmd sub subs bad=0
	meta_home
	check_options || bad=1
	for cmd in $(host_commands); do
		subs=$(sub_commands "$cmd")
		if [[ -z $subs ]]; then
			check_options "$cmd" || bad=1
		fi
		for sub in $subs; do
			check_options "$cmd" "$sub" || bad=1
		done
	done
	[[ $bad -eq 0 ]]
	# the options were found: paks run lists twelve
	[[ $(listed_options run | wc -l) -eq 12 ]]
	# one spelling for the engine everywhere, the old one an alias
	for cmd in run save move load; do
		[[ $(listed_options "$cmd" | grep -c '^engine value c container-tech$') -eq 1 ]]
	done
}

@test "--help anywhere among the options, and after the words of env and load" {
	local -a forms=(
		"save -c docker --help"
		"save --container-tech=docker -h"
		"run -c docker -o --network=none --help"
		"move x y --tls-verify=false --help"
		"load x.tar --help"
		"env add proj --help"
		"env add proj TOKEN=x --force --help"
		"env show proj --reveal -h"
		"config init -f --help"
		"plugin install -f dir --help"
	)
	local form
	meta_home
	for form in "${forms[@]}"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$PAKS" $form </dev/null
		echo "paks $form: $status ${lines[0]:-} $stderr"
		[[ $status -eq 0 && ${lines[0]} == "usage: paks ${form%% *}"* ]]
		[[ -z $stderr ]]
	done
	[ ! -e "$PAKS_HOME/envs" ]
}

@test "an unknown option: one line and a hint, exit 2, a near name, no value" {
	meta_home
	run --separate-stderr "$PAKS" save --contaner-tech docker x
	[[ $status -eq 2 && -z $output ]]
	[[ ${stderr_lines[0]} == "paks: save: unknown option '--contaner-tech'; did you mean '--container-tech'?" ]]
	[[ ${stderr_lines[1]} == "hint: see 'paks save --help'" ]]
	[[ ${#stderr_lines[@]} -eq 2 ]]
	run --separate-stderr "$PAKS" env add x --tokn=s3cr3t A=1
	[[ $status -eq 2 && ${stderr_lines[0]} == "paks: env add: unknown option '--tokn'" ]]
	[[ $stderr != *s3cr3t* ]]
	run --separate-stderr "$PAKS" move -c docker --tls-verify=s3cr3t x y
	[[ $status -eq 2 && ${stderr_lines[0]} == "paks: move: option '--tls-verify' takes true or false" ]]
	[[ $stderr != *s3cr3t* ]]
	run --separate-stderr "$PAKS" --setings-file x config list
	[[ $status -eq 2 && ${stderr_lines[0]} == "paks: unknown option '--setings-file'; did you mean '--settings-file'?" ]]
	run --separate-stderr "$PAKS" run --keep=s3cr3t img
	[[ $status -eq 2 && ${stderr_lines[0]} == "paks: run: option '--keep' takes no value" ]]
	run --separate-stderr "$PAKS" config set user -s3cr3t
	[[ $status -eq 0 ]]
	[[ $("$PAKS" config get user) == -s3cr3t ]]
}

@test "paks version: paks's, each engine's, and the same as JSON" {
	run --separate-stderr "$PAKS" version
	[ "$status" -eq 0 ]
	[[ ${lines[0]} =~ ^paks\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	[ "${lines[1]}" = "engines:" ]
	[[ ${lines[2]} =~ ^\ \ docker\ + ]]
	[[ ${lines[3]} =~ ^\ \ podman\ + ]]
	[[ ${lines[4]} =~ ^\ \ charliecloud\ + ]]
	[[ ${lines[5]} == "build: "* ]]
	run --separate-stderr "$PAKS" version --format json
	[ "$status" -eq 0 ]
	[ "$(python3 -c 'import json, sys; d = json.load(sys.stdin)
print(d["paks"] != "", " ".join(e["name"] for e in d["engines"]))' \
	    <<< "$output")" = "True docker podman charliecloud" ]
	# --version stays one line, for scripts
	run --separate-stderr "$PAKS" --version
	[ "${#lines[@]}" -eq 1 ]
}
