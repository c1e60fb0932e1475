/* The host command and #command tables. */
#include <stddef.h>

#include "cmd.h"

extern const struct cmd_entry host_run_entry;
extern const struct cmd_entry host_exec_entry;
extern const struct cmd_entry host_save_entry;
extern const struct cmd_entry host_move_entry;
extern const struct cmd_entry host_load_entry;
extern const struct cmd_entry host_config_entry;
extern const struct cmd_entry host_env_entry;
extern const struct cmd_entry host_plugin_entry;
extern const struct cmd_entry host_help_entry;
extern const struct cmd_entry host_version_entry;
extern const struct cmd_entry host_ls_entry;
extern const struct cmd_entry host_enter_entry;
extern const struct cmd_entry host_snapshots_entry;
extern const struct cmd_entry host_history_entry;
extern const struct cmd_entry host_recipe_entry;
extern const struct cmd_entry host_inspect_entry;
extern const struct cmd_entry host_size_entry;

const struct cmd_entry *const host_commands[] = {
	&host_run_entry,
	&host_exec_entry,
	&host_save_entry,
	&host_move_entry,
	&host_load_entry,
	&host_config_entry,
	&host_env_entry,
	&host_plugin_entry,
	&host_help_entry,
	&host_version_entry,
	&host_ls_entry,
	&host_enter_entry,
	&host_snapshots_entry,
	&host_history_entry,
	&host_recipe_entry,
	&host_inspect_entry,
	&host_size_entry,
	NULL,
};

extern const struct cmd_entry hash_cp_entry;
extern const struct cmd_entry hash_envhost_entry;
extern const struct cmd_entry hash_envload_entry;
extern const struct cmd_entry hash_envsave_entry;
extern const struct cmd_entry hash_help_entry;
extern const struct cmd_entry hash_history_entry;
extern const struct cmd_entry hash_inspect_entry;
extern const struct cmd_entry hash_load_entry;
extern const struct cmd_entry hash_move_entry;
extern const struct cmd_entry hash_save_entry;
extern const struct cmd_entry hash_size_entry;
extern const struct cmd_entry hash_snapshots_entry;
extern const struct cmd_entry hash_rollback_entry;

const struct cmd_entry *const hash_commands[] = {
	&hash_save_entry,
	&hash_move_entry,
	&hash_inspect_entry,
	&hash_size_entry,
	&hash_cp_entry,
	&hash_envload_entry,
	&hash_envsave_entry,
	&hash_envhost_entry,
	&hash_load_entry,
	&hash_help_entry,
	&hash_snapshots_entry,
	&hash_history_entry,
	&hash_rollback_entry,
	NULL,
};
