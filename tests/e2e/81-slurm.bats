#!/usr/bin/env bats
# engines: none
#
# 81-slurm: paks run --srun on a one-node Slurm cluster that this file
# starts on the machine (tests/slurm/start: slurmctld, slurmd and munge,
# loopback only) and stops at its end. The session is a Charliecloud image
# directory (lib/charliecloud.bash), run as an ordinary user through
# srun --pty on the allocated node; the #commands act from where paks runs
# (here the same host; on a real cluster the image and the user's files are
# on a shared file system).
# Covers: the shell runs in a Slurm job step, the earlier file is there,
# #envload and #save work, the window size follows a resize, the shell's
# status comes back and the terminal is restored; while the job waits for
# the node, srun's message is shown; the srun and srun_options
# settings; a SIGTERM to paks ends the job step; --srun with docker and a
# missing srun are refused in one line.
# Exercises: src/host/host-run.c, src/session/session.c,
# src/engine/charliecloud.c, tests/slurm/.

load lib/helpers
load lib/charliecloud

setup_file() {
	"$BATS_TEST_DIRNAME/../slurm/start" >&2
	export SLURM_CONF=${PAKS_SLURM_DIR:-/run/paks-slurm}/slurm.conf
	ch_setup_file
}

teardown_file() {
	ch_teardown_file
	"$BATS_TEST_DIRNAME/../slurm/start" --stop
}

setup() {
	pk_setup
	PROMPT="^$PK_CH_USER@.*\\\$"
	PK_MATCH="^[^ ]*paks run .*--name $PK_NAME( |\\$)"
}

teardown() {
	pk_teardown
}

# the user's jobs that Slurm still knows (running or ending)
jobs_left() {
	squeue -h -u "$PK_CH_USER" -o %i
}

# ch_srun [paks run args...]: paks run through srun, as the user
srun_start() {
	pk_start_as "$PK_CH_USER" "$PK_CH_BASE" SLURM_CONF="$SLURM_CONF" \
	    "$PK_CH_PAKS" run -c charliecloud --name "$PK_NAME" "$@"
}

no_jobs_left() {
	local deadline=$((SECONDS + 20))
	while [[ -n $(jobs_left) ]]; do
		if ((SECONDS >= deadline)); then
			echo "jobs left: $(squeue -u "$PK_CH_USER")" >&2
			return 1
		fi
		sleep 0.2
	done
}

@test "slurm: --srun runs the session in a job step on the node, #commands work" {
	as_user "$PK_CH_PAKS" env add proj TOKEN=on-the-node >/dev/null
	srun_start --srun='--job-name=pkdev --time=10' "$PK_CH_IMAGE"
	pk_wait_for "$PROMPT"
	pk_line 'echo "job=$SLURM_JOB_ID name=$SLURM_JOB_NAME who=$(id -un)"'
	pk_wait_for "^job=[0-9]+ name=pkdev who=$PK_CH_USER\$"
	[[ $(squeue -h -u "$PK_CH_USER" -o %j) == pkdev ]]
	pk_line 'cat /root/notes.txt'
	pk_wait_for '^written before the move$'
	pk_line '#envload proj'
	pk_wait_for -F 'loaded 1 variable'
	pk_line 'echo "token=$TOKEN"'
	pk_wait_for '^token=on-the-node$'
	pk_resize 100 30
	pk_line 'stty size'
	pk_wait_for '^30 100$'
	pk_line 'echo "from the node" > /root/node.txt'
	pk_line '#save -node'
	pk_wait_for -F "saved $PK_CH_IMAGE-node ("
	[[ $(as_user ch-run "$PK_CH_IMAGE-node" -- cat /root/node.txt) == \
	    "from the node" ]]
	pk_line 'exit 5'
	pk_exit_is 5
	pk_stty_restored
	no_jobs_left
	rm -rf "$PK_CH_IMAGE-node"
}

@test "slurm: while the node is busy, srun's queue message shows; then the shell" {
	local blocker
	blocker=$(sbatch --parsable --exclusive --output=/dev/null \
	    --wrap 'sleep 300')
	srun_start --srun "$PK_CH_IMAGE"
	pk_wait_for 'srun: job [0-9]+ queued and waiting for resources'
	scancel "$blocker"
	pk_wait_for "$PROMPT"
	pk_line 'echo "job=$SLURM_JOB_ID"'
	pk_wait_for '^job=[0-9]+$'
	pk_line 'exit'
	pk_exit_is 0
	no_jobs_left
}

@test "slurm: the srun and srun_options settings" {
	srun_start -s srun=true -s 'srun_options=[--job-name=fromsettings]' \
	    "$PK_CH_IMAGE"
	pk_wait_for "$PROMPT"
	pk_line 'echo "name=$SLURM_JOB_NAME"'
	pk_wait_for '^name=fromsettings$'
	pk_line 'exit'
	pk_exit_is 0
	no_jobs_left
}

@test "slurm: SIGTERM to paks ends the job step and restores the terminal" {
	srun_start --srun "$PK_CH_IMAGE"
	pk_wait_for "$PROMPT"
	pk_line 'echo "job=$SLURM_JOB_ID"'
	pk_wait_for '^job=[0-9]+$'
	[[ -n $(jobs_left) ]]
	pk_signal_paks TERM
	pk_exit_is 143
	pk_stty_restored
	no_jobs_left
}

@test "slurm: --srun with docker, or without srun, is one clear line" {
	pk_start_cmd env PAKS_HOME="$PK_CH_BASE/root-home" "$PAKS" run \
	    -c "$PK_CH_ENGINE" --name "$PK_NAME" --srun "$PK_DEBIAN"
	pk_exit_is 125
	pk_output | grep -qx "paks: run: --srun is not supported with $PK_CH_ENGINE"
	pk_tmux kill-server
	pk_setup
	# a PATH without srun (ch-run and paks are still found)
	mkdir -p "$PK_CH_BASE/nosrun"
	ln -sf "$(command -v ch-run)" "$PK_CH_BASE/nosrun/ch-run"
	pk_start_as "$PK_CH_USER" "$PK_CH_BASE" PATH="$PK_CH_BASE/nosrun" \
	    "$PK_CH_PAKS" run -c charliecloud --name "$PK_NAME" --srun \
	    "$PK_CH_IMAGE"
	pk_exit_is 125
	pk_output | grep -qx "paks: run: --srun needs Slurm's srun, which is not installed"
}
