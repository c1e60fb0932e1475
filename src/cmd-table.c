/* The host command and #command tables. */
#include <stddef.h>

#include "cmd.h"

extern const struct cmd_entry host_run_entry;
extern const struct cmd_entry host_config_entry;
extern const struct cmd_entry host_env_entry;
extern const struct cmd_entry host_help_entry;
extern const struct cmd_entry host_version_entry;

const struct cmd_entry *const host_commands[] = {
	&host_run_entry,
	&host_config_entry,
	&host_env_entry,
	&host_help_entry,
	&host_version_entry,
	NULL,
};

const struct cmd_entry *const hash_commands[] = {
	NULL,
};
