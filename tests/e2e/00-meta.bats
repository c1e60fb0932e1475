#!/usr/bin/env bats
# engines: none
#
# 00-meta: tests over the host command table, as printed by `paks --help`
# (git's t0012-help.sh): every command listed has a summary, `paks CMD
# --help` exits 0 with that command's usage, and README.md mentions it.
# Exercises: src/cmd-table.c, src/cmd.c, src/host/host-help.c, README.md.

load lib/helpers

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
