/* The known settings keys: name, type, default and one line of help. */
#include "settings.h"

/* engine/engine.c's names; test-engine checks that they agree */
const char *const settings_engines[] = {
	"docker", "podman", "charliecloud", NULL,
};

/* Names follow the original Python paks so existing files keep working. */
const struct setting_def settings_table[] = {
	{ "container_tech", SETTING_STRING, "",
	  "engine: docker, podman or charliecloud; empty picks docker if its "
	  "daemon answers, else podman (charliecloud for an image path)",
	  CHECK_CHOICE, settings_engines },
	{ "container_shell", SETTING_STRING, "/bin/bash",
	  "shell started in the container (falls back to /bin/sh)",
	  CHECK_ABSPATH, NULL },
	{ "user", SETTING_STRING, "",
	  "user to run the shell as inside the container (empty: image default)",
	  CHECK_NONE, NULL },
	{ "history_file", SETTING_STRING, "",
	  "file where paks records the #commands you ran (empty: history in "
	  "the paks directory; none: keep no record)",
	  CHECK_NONE, NULL },
	{ "config_editor", SETTING_STRING, "",
	  "editor for 'paks config edit' and 'paks env edit' "
	  "(empty: $VISUAL, $EDITOR, vi)", CHECK_COMMAND, NULL },
	{ "run_options", SETTING_LIST, "[]",
	  "extra options handed to the engine's run, e.g. [--network, none]",
	  CHECK_NONE, NULL },
	{ "save_history", SETTING_BOOL, "false",
	  "keep your own shell history in images made by #save",
	  CHECK_NONE, NULL },
	{ "plugins", SETTING_LIST, "[]",
	  "plugins loaded at the start of every session",
	  CHECK_NONE, NULL },
	{ "plugin_timeout", SETTING_INT, "60",
	  "seconds a plugin may run before it is stopped",
	  CHECK_NONE, NULL },
	{ "ch_run_options", SETTING_LIST, "[]",
	  "extra options handed to ch-run (charliecloud), e.g. [--home]",
	  CHECK_NONE, NULL },
	{ "srun", SETTING_BOOL, "false",
	  "start every session on a compute node with Slurm's srun --pty",
	  CHECK_NONE, NULL },
	{ "srun_options", SETTING_LIST, "[]",
	  "options for srun when a session uses it, e.g. [--partition=debug]",
	  CHECK_NONE, NULL },
};
const int settings_count = sizeof settings_table / sizeof settings_table[0];
