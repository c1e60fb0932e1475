/*
 * Commands are data: one entry type serves host subcommands ("paks env")
 * and in-container #commands ("#envload").
 *
 * Adding a #command (host commands alike):
 *  1. src/inside/hash-foo.c: a const struct cmd_entry hash_foo_entry and a
 *     static exec function; logic that is not glue goes into its module.
 *  2. Two lines in cmd-table.c (extern and slot); the file in meson.build.
 *  3. tests/e2e/NN-hash-foo.bats: the success path and each bad input.
 *  4. README, with an example; tests/e2e/00-meta.bats checks the rest.
 */
#ifndef PAKS_CMD_H
#define PAKS_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* Exit statuses of paks itself (paks run returns the shell's). */
enum paks_exit {
	EXIT_OK = 0,
	EXIT_ERROR = 1,
	EXIT_USAGE = 2,
};

/* exec returns an exit status (>= 0), -1 on error, or CMD_USAGE_ERROR. */
#define CMD_USAGE_ERROR (-2)

enum cmd_flags {
	CMD_NEEDS_CONTAINER = 1 << 0,	/* #command acting on the container */
	CMD_OWN_OPTIONS = 1 << 1,	/* host command parses its own options */
	CMD_NO_ENGINE_CALL = 1 << 2,	/* answers without running an engine */
};

struct cmd_ctx;
struct cmd_entry;

typedef int cmd_exec_fn(struct cmd_ctx *, int, char **, struct paks_error **);

struct cmd_entry {
	const char		*name;
	const char		*alias;
	const char		*usage;		/* arguments, e.g. "NAME K=V..." */
	const char		*summary;	/* one line, for help */
	const char		*help;		/* options and details, or NULL */
	int			 min_args;
	int			 max_args;	/* -1: no limit */
	enum cmd_flags		 flags;
	const struct cmd_entry	*const *sub;	/* nested subcommands */
	cmd_exec_fn		*exec;
	const void		*data;		/* plugin record; NULL for built-ins */
};

struct settings;
struct session;

/* What a command runs with. */
struct cmd_ctx {
	struct settings		*settings;	/* loaded once, before exec */
	const char		*settings_file;	/* --settings-file, or NULL */
	char *const		*overrides;	/* -s key=value */
	struct session		*session;	/* NULL outside a session */
	int			 out;		/* where command output goes */
	bool			 crlf;		/* out is a raw-mode terminal */
	char			*last;		/* if set: gets the last byte written */
	const char		*prefix;	/* "paks " or "#" for messages */
	const struct cmd_entry	*entry;		/* the command being run */
	/* entries plugins added, looked up after the table (#commands) */
	const struct cmd_entry	*const *plugins;
};

extern const struct cmd_entry *const host_commands[];
extern const struct cmd_entry *const hash_commands[];

const struct cmd_entry *cmd_find(const struct cmd_entry *const *, const char *);
const struct cmd_entry *cmd_lookup(const struct cmd_ctx *,
	    const struct cmd_entry *const *, const char *);
int	cmd_dispatch(struct cmd_ctx *, const struct cmd_entry *const *,
	    int, char **, struct paks_error **);
void	cmd_usage(struct cmd_ctx *, const struct cmd_entry *, bool);
void	cmd_list(struct cmd_ctx *, const struct cmd_entry *const *);
void	cmd_printf(struct cmd_ctx *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	cmd_write(struct cmd_ctx *, const char *, size_t);

#endif
