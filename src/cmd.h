/*
 * Commands are data: one entry type serves host subcommands ("paks env")
 * and in-container #commands ("#envload").
 *
 * Adding a #command (host commands alike):
 *  1. src/inside/hash-foo.c: a const struct cmd_entry hash_foo_entry, its
 *     options declared in .options, and a static exec function; logic that
 *     is not glue goes into its module.
 *  2. Two lines in cmd-table.c (extern and slot); the file in meson.build.
 *  3. tests/e2e/NN-hash-foo.bats: the success path and each bad input.
 *  4. README, with an example; tests/e2e/00-meta.bats checks the rest.
 *
 * Options are declared once, in the entry (struct cmd_option). The
 * dispatcher parses them (cmd_parse, in cmd-opt.c) before exec, answers
 * --help and -h wherever they stand among them, and checks the words that
 * are left against min_args and max_args. exec gets those words as argc
 * and argv (argv[0] is the command's name) and reads the options from
 * ctx->args: cmd_opt_has, cmd_opt_get, cmd_opt_values. Usage and --help
 * are generated from the same declarations.
 *
 * Every host command is parsed so. A #command is parsed only when it
 * declares options: the words of the others go to exec as typed (a #save
 * SUFFIX may start with '-'), and only "#foo --help" shows the usage.
 */
#ifndef PAKS_CMD_H
#define PAKS_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"
#include "util/strv.h"

/* Exit statuses of paks itself (paks run returns the shell's). */
enum paks_exit {
	EXIT_OK = 0,
	EXIT_ERROR = 1,
	EXIT_USAGE = 2,
	/* paks run, as docker run: failed before the shell or CMD started,
	 * it cannot be run, it is not in the image */
	EXIT_RUN_FAILED = 125,
	EXIT_CANNOT_RUN = 126,
	EXIT_NOT_FOUND = 127,
};

/* exec returns an exit status (>= 0), -1 on error, or CMD_USAGE_ERROR. */
#define CMD_USAGE_ERROR PAKS_USAGE_ERROR

enum cmd_flags {
	/* options end at the first word: what follows is never an option
	 * ("paks run IMAGE ...", "paks config set KEY -1") */
	CMD_OPTIONS_FIRST = 1 << 0,
};

enum cmd_option_flags {
	CMD_OPT_REPEAT = 1 << 0,	/* may be given again; all values kept */
	CMD_OPT_VALUE_OPTIONAL = 1 << 1, /* --name[=VALUE]: only after '=' */
	CMD_OPT_SETTING = 1 << 2,	/* values are -s KEY=VALUE overrides */
};

/*
 * One option: --name, maybe -letter, with a value when arg is set. Its
 * value is never shown in an error (it may be a secret); its name is.
 * --help and -h are every command's and are not declared.
 */
struct cmd_option {
	const char		*name;		/* long name: "engine" */
	char			 letter;	/* short name: 'c', or 0 */
	const char		*arg;		/* value's name, "E"; NULL: none */
	enum cmd_option_flags	 flags;
	const char		*help;		/* one line, for --help */
	const char *const	*aliases;	/* other long names, or NULL */
	const char *const	*choices;	/* the only values taken, or NULL */
};

/* A NULL-terminated list of names, for .aliases and .choices. */
#define CMD_NAMES(...) ((const char *const[]){ __VA_ARGS__, NULL })

struct cmd_ctx;
struct cmd_entry;

typedef int cmd_exec_fn(struct cmd_ctx *, int, char **, struct paks_error **);

struct cmd_entry {
	const char		*name;
	const char		*alias;
	const char		*usage;		/* the words, e.g. "NAME K=V..." */
	const char		*summary;	/* one line, for help */
	const char		*help;		/* details after the options */
	const struct cmd_option	*options;	/* ends with { NULL }; or NULL */
	int			 min_args;	/* words, options not counted */
	int			 max_args;	/* -1: no limit */
	enum cmd_flags		 flags;
	const struct cmd_entry	*const *sub;	/* nested subcommands */
	cmd_exec_fn		*exec;
	const void		*data;		/* plugin record; NULL for built-ins */
};

/* One option as given: value is NULL for one that takes none. */
struct cmd_opt_given {
	const struct cmd_option	*opt;
	const char		*value;
};

/* What cmd_parse made of a command's argv. */
struct cmd_args {
	const struct cmd_option	*options;	/* the declarations */
	struct cmd_opt_given	*given;		/* in the order given */
	size_t			 ngiven;
	char			**argv;		/* argv[0] and the words */
	int			 argc;
	int			*pos;		/* argv[i] was input argv[pos[i]] */
	bool			 help;		/* --help or -h was given */
};

#define CMD_ARGS_INIT { 0 }

struct plugin_registry;
struct settings;
struct session;

/* What a command runs with. */
struct cmd_ctx {
	struct settings		*settings;	/* cmd_settings() loads them */
	const char		*settings_file;	/* --settings-file, or NULL */
	char *const		*overrides;	/* -s key=value */
	struct session		*session;	/* NULL outside a session */
	int			 out;		/* where command output goes */
	bool			 crlf;		/* out is a raw-mode terminal */
	char			*last;		/* if set: gets the last byte written */
	const char		*prefix;	/* "paks " or "#" for messages */
	const struct cmd_entry	*entry;		/* the command being run */
	const struct cmd_args	*args;		/* its options and words */
	/* entries plugins added, looked up after the table (#commands) */
	const struct cmd_entry	*const *plugins;
	struct plugin_registry	*registry;	/* a session's plugins (#load) */
	bool			 own_settings;	/* cmd_ctx_release frees them */
};

extern const struct cmd_entry *const host_commands[];
extern const struct cmd_entry *const hash_commands[];
extern const struct cmd_entry host_main_entry;	/* "paks" and its options */

const struct cmd_entry *cmd_find(const struct cmd_entry *const *, const char *);
const struct cmd_entry *cmd_lookup(const struct cmd_ctx *,
	    const struct cmd_entry *const *, const char *);
int	cmd_dispatch(struct cmd_ctx *, const struct cmd_entry *const *,
	    int, char **, struct paks_error **);
struct settings *cmd_settings(struct cmd_ctx *, struct paks_error **);
void	cmd_ctx_release(struct cmd_ctx *);
void	cmd_usage(struct cmd_ctx *, const struct cmd_entry *, bool);
void	cmd_list(struct cmd_ctx *, const struct cmd_entry *const *);
void	cmd_printf(struct cmd_ctx *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	cmd_write(struct cmd_ctx *, const char *, size_t);

/* cmd-opt.c: the one option parser, and the text generated for help. */
struct strbuf;

int	cmd_parse(const struct cmd_option *, enum cmd_flags, const char *,
	    int, char **, struct cmd_args *, struct paks_error **);
void	cmd_args_release(struct cmd_args *);
bool	cmd_opt_has(const struct cmd_args *, const char *);
const char *cmd_opt_get(const struct cmd_args *, const char *);
void	cmd_opt_values(const struct cmd_args *, const char *, struct strv *);
void	cmd_usage_line(const char *, const struct cmd_entry *,
	    struct strbuf *);
void	cmd_opt_format(const struct cmd_option *, struct strbuf *);

#endif
