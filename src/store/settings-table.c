/* The known settings keys: name, type, default and one line of help. */
#include "settings.h"

/* Names follow the original Python paks so existing files keep working. */
const struct setting_def settings_table[] = {
	{ "container_tech", SETTING_STRING, "",
	  "engine: docker, podman or charliecloud; empty picks docker if its "
	  "daemon answers, else podman (charliecloud for an image path)" },
	{ "container_shell", SETTING_STRING, "/bin/bash",
	  "shell started in the container (falls back to /bin/sh)" },
	{ "user", SETTING_STRING, "",
	  "user to run the shell as inside the container (empty: image default)" },
	{ "history_file", SETTING_STRING, "",
	  "file where paks records the #commands you ran (empty: history in "
	  "the paks directory; none: keep no record)" },
	{ "config_editor", SETTING_STRING, "",
	  "editor for 'paks config edit' and 'paks env edit' "
	  "(empty: $VISUAL, $EDITOR, vi)" },
	{ "run_options", SETTING_LIST, "[]",
	  "extra options handed to the engine's run, e.g. [--network, none]" },
	{ "save_history", SETTING_BOOL, "false",
	  "keep your own shell history in images made by #save" },
	{ "plugins", SETTING_LIST, "[]",
	  "plugins loaded at the start of every session" },
	{ "plugin_timeout", SETTING_INT, "60",
	  "seconds a plugin may run before it is stopped" },
	{ "ch_run_options", SETTING_LIST, "[]",
	  "extra options handed to ch-run (charliecloud), e.g. [--home]" },
	{ "srun", SETTING_BOOL, "false",
	  "start every session on a compute node with Slurm's srun --pty" },
	{ "srun_options", SETTING_LIST, "[]",
	  "options for srun when a session uses it, e.g. [--partition=debug]" },
};
const int settings_count = sizeof settings_table / sizeof settings_table[0];
