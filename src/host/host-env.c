/* paks env: named sets of variables kept in ~/.paks/envs, one file each. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cmd.h"
#include "host-format.h"
#include "store/envstore.h"
#include "store/settings-edit.h"
#include "store/settings.h"
#include "store/storefile.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define ENV_FILE_MAX	(16u << 20)
#define ENV_VALUE_MAX	(1u << 20)	/* one value read for a KEY */

/* A file that others can read gets one warning line; paks carries on. */
static void
env_warn_open(const char *name)
{
	_cleanup_free_ char *path = NULL;

	if (envstore_too_open(name, &path))
		fprintf(stderr, "paks: warning: '%s' is readable by other "
		    "users; run 'chmod 600 %s'\n", path, path);
}

/* ---- env add: values from the command line, a terminal or a pipe ---- */

/* Values leave memory zeroed: the env of env add holds secrets. */
static void
env_wipe(struct env *env)
{
	for (size_t i = 0; i < env->n; i++)
		explicit_bzero(env->v[i].value, strlen(env->v[i].value));
	env_release(env);
}

static void
env_wipe_strbuf(struct strbuf *sb)
{
	if (sb->buf != NULL)
		explicit_bzero(sb->buf, sb->alloc);
	strbuf_release(sb);
}

/*
 * The terminal while a value is typed: echo off, and given back on every
 * way out. A signal that ends or stops paks runs env_tty_signal, which
 * uses only async-signal-safe calls (tcsetattr, write, sigaction, raise,
 * sigprocmask) and flushes what was typed, so that a half-typed value
 * never reaches the shell.
 */
static const int env_tty_sigs[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM, SIGABRT, SIGTSTP,
};
#define ENV_TTY_NSIGS	(sizeof env_tty_sigs / sizeof env_tty_sigs[0])

static struct termios env_tty_saved, env_tty_quiet;
static struct sigaction env_tty_old[ENV_TTY_NSIGS];
static bool env_tty_caught[ENV_TTY_NSIGS];
static volatile sig_atomic_t env_tty_on;
static const char *volatile env_tty_prompt;

static void env_tty_signal(int);
static void env_tty_quiet_off(void);

static void
env_tty_catch(int sig)
{
	struct sigaction sa = { .sa_handler = env_tty_signal };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ENV_TTY_NSIGS; i++)
		sigaddset(&sa.sa_mask, env_tty_sigs[i]);
	sigaction(sig, &sa, NULL);
}

static void
env_tty_signal(int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	int saved_errno = errno;
	const char *p;
	sigset_t set;

	if (env_tty_on) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &env_tty_saved);
		(void)!write(STDERR_FILENO, "\n", 1);
	}
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	raise(sig);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	/* only a stop gets here, once continued: quiet again, ask again */
	env_tty_catch(sig);
	if (env_tty_on) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &env_tty_quiet);
		if ((p = env_tty_prompt) != NULL)
			(void)!write(STDERR_FILENO, p, strlen(p));
	}
	errno = saved_errno;
}

static int
env_tty_quiet_on(struct paks_error **err)
{
	if (tcgetattr(STDIN_FILENO, &env_tty_saved) < 0)
		return paks_error_set(err, errno, "cannot read the terminal "
		    "settings");
	env_tty_quiet = env_tty_saved;
	env_tty_quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	env_tty_quiet.c_lflag |= ICANON;
	for (size_t i = 0; i < ENV_TTY_NSIGS; i++) {
		/* an ignored signal (nohup) stays ignored */
		sigaction(env_tty_sigs[i], NULL, &env_tty_old[i]);
		env_tty_caught[i] = env_tty_old[i].sa_handler != SIG_IGN;
		if (env_tty_caught[i])
			env_tty_catch(env_tty_sigs[i]);
	}
	env_tty_on = 1;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &env_tty_quiet) < 0) {
		int e = errno;

		env_tty_quiet_off();
		return paks_error_set(err, e, "cannot turn off the terminal's "
		    "echo");
	}
	return 0;
}

/* The terminal and the signals as they were (idempotent). */
static void
env_tty_quiet_off(void)
{
	while (tcsetattr(STDIN_FILENO, TCSANOW, &env_tty_saved) < 0 &&
	    errno == EINTR)
		;
	env_tty_on = 0;
	for (size_t i = 0; i < ENV_TTY_NSIGS; i++) {
		if (env_tty_caught[i])
			sigaction(env_tty_sigs[i], &env_tty_old[i], NULL);
		env_tty_caught[i] = false;
	}
}

/*
 * One line of standard input into line, without its newline: 1 if read,
 * 0 at the end of input before any byte. A byte at a time, so that the
 * line of the next key stays in a pipe for the next call.
 */
static int
env_read_line(struct strbuf *line, const char *key, struct paks_error **err)
{
	for (;;) {
		ssize_t n;
		char c;

		if ((n = read(STDIN_FILENO, &c, 1)) < 0) {
			if (errno == EINTR)
				continue;
			return paks_error_set(err, errno, "env add: cannot "
			    "read the value of '%s'", key);
		}
		if (n == 0)
			return line->len > 0;
		if (c == '\n')
			return 1;
		if (c == '\0')
			return paks_error_set(err, 0, "env add: the value of "
			    "'%s' holds a NUL byte", key);
		if (line->len >= ENV_VALUE_MAX)
			return paks_error_set(err, 0, "env add: the value of "
			    "'%s' is longer than 1 MiB", key);
		strbuf_addch(line, c);
	}
}

/* The value of key into vars: typed unseen at a prompt on a terminal,
 * else the next line of standard input. */
static int
env_read_value(struct env *vars, const char *key, bool tty,
    struct paks_error **err)
{
	struct strbuf line = STRBUF_INIT;
	_cleanup_free_ char *prompt = NULL;
	int rc;

	if (tty) {
		prompt = xasprintf("%s: ", key);
		env_tty_prompt = prompt;
		write_all(STDERR_FILENO, prompt, strlen(prompt));
	}
	rc = env_read_line(&line, key, err);
	if (tty) {
		env_tty_prompt = NULL;
		write_all(STDERR_FILENO, "\n", 1);
	}
	if (rc == 0)
		paks_error_set(err, 0, "env add: no value for '%s'%s", key,
		    tty ? "" : " on standard input");
	if (rc > 0)
		env_set(vars, key, strbuf_str(&line));
	env_wipe_strbuf(&line);
	return rc > 0 ? 0 : -1;
}

/* The values of keys; they replace the empty ones vars holds for them. */
static int
env_read_values(struct env *vars, const struct strv *keys,
    struct paks_error **err)
{
	bool tty = isatty(STDIN_FILENO);
	int rc = 0;

	if (tty && env_tty_quiet_on(err) < 0)
		return -1;
	for (size_t i = 0; i < keys->n && rc == 0; i++)
		rc = env_read_value(vars, keys->v[i], tty, err);
	if (tty)
		env_tty_quiet_off();
	return rc;
}

/* "paks env add NAME --stdin": KEY=VALUE lines (the env file format) until
 * the end of input, all or nothing. */
static int
env_read_stdin(struct env *vars, struct paks_error **err)
{
	struct strbuf sb = STRBUF_INIT;
	struct env got = ENV_INIT;
	char buf[4096];
	int rc = 0;

	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof buf);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = paks_error_set(err, errno, "cannot read standard "
			    "input");
			break;
		}
		if (n == 0)
			break;
		if (sb.len + (size_t)n > ENV_FILE_MAX) {
			rc = paks_error_set(err, 0, "standard input is longer "
			    "than 16 MiB");
			break;
		}
		strbuf_add(&sb, buf, (size_t)n);
	}
	explicit_bzero(buf, sizeof buf);
	if (rc == 0)
		rc = envstore_parse(strbuf_str(&sb), sb.len, &got, "stdin",
		    err);
	if (rc == 0 && got.n == 0) {
		paks_error_set(err, 0, "no KEY=VALUE line on standard "
		    "input");
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < got.n; i++)
		env_set(vars, got.v[i].key, got.v[i].value);
	env_wipe_strbuf(&sb);
	env_wipe(&got);
	return rc;
}

/* One word after NAME: KEY=VALUE, or KEY whose value is read (into keys). */
static int
env_add_word(struct env *vars, struct strv *keys, const char *a, int pos,
    struct paks_error **err)
{
	const char *eq = strchr(a, '=');
	_cleanup_free_ char *key = xstrndup(a, eq != NULL ?
	    (size_t)(eq - a) : strlen(a));

	/* by position: the word may be a value typed alone */
	if (envstore_check_key(key, err) < 0)
		return paks_error_wrap(err, "env add: argument %d", pos);
	if (env_get(vars, key) != NULL)
		return paks_error_set(err, 0, "env add: '%s' is given twice",
		    key);
	env_set(vars, key, eq != NULL ? eq + 1 : "");
	if (eq == NULL)
		strv_push(keys, key);
	return 0;
}

/* The words after NAME into vars, and the KEYs to read into keys. */
static int
env_add_words(struct cmd_ctx *ctx, int argc, char **argv, struct env *vars,
    struct strv *keys, struct paks_error **err)
{
	const int *pos = ctx->args->pos;

	for (int i = 2; i < argc; i++) {
		if (env_add_word(vars, keys, argv[i], pos[i], err) < 0)
			return CMD_USAGE_ERROR;
	}
	if (keys->n > 0 && keys->n < vars->n) {
		/* "TOKEN= abc123": abc123 is a value, not a KEY to ask for */
		int i = 2;

		while (strchr(argv[i], '=') != NULL)
			i++;
		paks_error_set(err, 0, "env add: argument %d has no '=' but "
		    "others do (values are never shown)", pos[i]);
		paks_error_hint(err, "write KEY=VALUE for each, or KEYs alone "
		    "to type their values unseen");
		return CMD_USAGE_ERROR;
	}
	return 0;
}

/*
 * The original paks wrote the name last ("env add KEY=VALUE NAME", "env rm
 * KEY NAME"). Its order is taken when it cannot be mistaken: for add, the
 * first word is KEY=VALUE (a name has no '='); for rm, the first word is
 * no environment and the last one is. Words and positions move together.
 */
static void
env_name_first(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *name = argv[argc - 1];
	int pos = ctx->args->pos[argc - 1];

	memmove(argv + 2, argv + 1, (size_t)(argc - 2) * sizeof *argv);
	memmove(ctx->args->pos + 2, ctx->args->pos + 1,
	    (size_t)(argc - 2) * sizeof *ctx->args->pos);
	argv[1] = name;
	ctx->args->pos[1] = pos;
}

static int
env_add_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	_cleanup_strv_ struct strv keys = STRV_INIT;
	_cleanup_strbuf_ struct strbuf usage = STRBUF_INIT;
	__attribute__((cleanup(env_wipe))) struct env vars = ENV_INIT;
	const struct env none = ENV_INIT;
	bool force = cmd_opt_has(ctx->args, "force");
	bool from_stdin = cmd_opt_has(ctx->args, "stdin");
	const char *name;

	if (argc >= 3 && strchr(argv[1], '=') != NULL &&
	    strchr(argv[argc - 1], '=') == NULL)
		env_name_first(ctx, argc, argv);
	name = argv[1];
	if (envstore_check_name(name, err) < 0)
		return CMD_USAGE_ERROR;
	if (from_stdin && argc > 2) {
		paks_error_set(err, 0, "env add: --stdin takes no KEY or "
		    "KEY=VALUE arguments");
		goto usage;
	}
	if (!from_stdin && argc < 3) {
		paks_error_set(err, 0, "env add: too few arguments");
		goto usage;
	}
	if (from_stdin && isatty(STDIN_FILENO)) {
		paks_error_set(err, 0, "env add: --stdin reads a pipe or a "
		    "file, not a terminal");
		paks_error_hint(err, "to type a value unseen: paks env add "
		    "%s KEY", name);
		return CMD_USAGE_ERROR;
	}
	if (env_add_words(ctx, argc, argv, &vars, &keys, err) < 0)
		return CMD_USAGE_ERROR;
	if (from_stdin && env_read_stdin(&vars, err) < 0)
		return paks_error_wrap(err, "env add");
	/* refuse before anyone types a value that could not be stored */
	if (keys.n > 0 && envstore_check_new(name, force ? &none : &vars,
	    err) < 0)
		return -1;
	if (keys.n > 0 && env_read_values(&vars, &keys, err) < 0)
		return -1;
	return envstore_add(name, &vars, force, err);
usage:
	cmd_usage_line(ctx->prefix, ctx->entry, &usage);
	paks_error_hint(err, "%s", strbuf_str(&usage));
	return CMD_USAGE_ERROR;
}

static int
env_rm_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	if (envstore_name_valid(argv[argc - 1]) && !envstore_exists(argv[1]) &&
	    envstore_exists(argv[argc - 1]))
		env_name_first(ctx, argc, argv);
	if (envstore_check_name(argv[1], err) < 0)
		return CMD_USAGE_ERROR;
	for (int i = 2; i < argc; i++) {
		if (envstore_check_key(argv[i], err) < 0) {
			paks_error_wrap(err, "env rm: argument %d",
			    ctx->args->pos[i]);
			return CMD_USAGE_ERROR;
		}
	}
	return envstore_remove(argv[1], argv + 2, err);
}

static int
env_show_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	_cleanup_env_ struct env env = ENV_INIT;
	bool reveal = cmd_opt_has(ctx->args, "reveal");

	(void)argc;
	if (envstore_check_name(argv[1], err) < 0)
		return CMD_USAGE_ERROR;
	if (envstore_load(argv[1], &env, err) < 0)
		return -1;
	env_warn_open(argv[1]);
	for (size_t i = 0; i < env.n; i++) {
		if (reveal)
			envstore_format_var(env.v[i].key, env.v[i].value, &sb);
		else
			strbuf_addf(&sb, "%s=********\n", env.v[i].key);
	}
	cmd_write(ctx, strbuf_str(&sb), sb.len);
	return 0;
}

static int
env_list_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	_cleanup_strv_ struct strv names = STRV_INIT;
	json_t *list = json_array();
	bool json;
	int width = 0, rc;

	(void)argc, (void)argv;
	if ((rc = host_format_json(ctx, &json, err)) < 0 ||
	    envstore_list(&names, err) < 0) {
		json_decref(list);
		return rc < 0 ? rc : -1;
	}
	for (size_t i = 0; i < names.n; i++) {
		if ((int)strlen(names.v[i]) > width)
			width = (int)strlen(names.v[i]);
	}
	for (size_t i = 0; i < names.n; i++) {
		_cleanup_env_ struct env env = ENV_INIT;
		struct paks_error *e = NULL;
		bool bad = envstore_load(names.v[i], &env, &e) < 0;

		if (bad) {
			/* report the first bad file, list the rest */
			if (*err == NULL)
				*err = e;
			else
				paks_error_free(e);
		} else
			env_warn_open(names.v[i]);
		if (json)
			json_array_append_new(list, bad ? json_pack("{s:s,s:b}",
			    "name", names.v[i], "unreadable", 1) :
			    json_pack("{s:s,s:I}", "name", names.v[i],
			    "variables", (json_int_t)env.n));
		else if (bad)
			cmd_printf(ctx, "%-*s  (unreadable)\n", width,
			    names.v[i]);
		else
			cmd_printf(ctx, "%-*s  %zu variable%s\n", width,
			    names.v[i], env.n, env.n == 1 ? "" : "s");
	}
	if (json)
		host_json_print(ctx, list);
	else
		json_decref(list);
	return *err != NULL ? -1 : 0;
}

/*
 * Edit a copy in the envs directory (private, like the file), check it,
 * and save it only if it parses and nobody changed the file meanwhile.
 */
static int
env_edit_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	_cleanup_free_ char *old = NULL, *start = NULL, *text = NULL;
	_cleanup_free_ char *dir = NULL, *path = NULL;
	_cleanup_storefile_ struct storefile sf = STOREFILE_INIT;
	const struct settings none = { 0 }, *s;
	struct paks_error *e = NULL;
	const char *name = argv[1];
	size_t oldlen, len;

	(void)argc;
	if (envstore_check_name(name, err) < 0)
		return CMD_USAGE_ERROR;
	if (envstore_read(name, &old, &oldlen, err) < 0)
		return -1;
	start = old != NULL ? xstrndup(old, oldlen) : xasprintf(
	    "# environment %s: one KEY=VALUE per line, taken literally.\n"
	    "# KEY=\"...\" reads the escapes \\n \\t \\r \\\\ \\\" \\xHH.\n",
	    name);
	dir = envstore_dir();
	path = envstore_path(name);
	if (storefile_mkdir(dir, err) < 0 ||
	    storefile_open(&sf, path, NULL, err) < 0 ||
	    storefile_write(&sf, start, strlen(start), err) < 0)
		return -1;
	/* settings that do not load leave the editor to the environment */
	if ((s = cmd_settings(ctx, &e)) == NULL) {
		paks_error_release(&e);
		s = &none;
	}
	if (settings_run_editor(s, sf.tmp, err) != 0 ||
	    storefile_read(sf.tmp, ENV_FILE_MAX, &text, &len, err) < 0)
		return -1;
	if (len == strlen(start) && memcmp(text, start, len) == 0)
		return 0;
	if (envstore_replace(name, old, oldlen, text, len, err) < 0)
		return paks_error_wrap(err, "edit not saved");
	return 0;
}

static int
env_delete_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	(void)ctx, (void)argc;
	if (envstore_check_name(argv[1], err) < 0)
		return CMD_USAGE_ERROR;
	return envstore_delete(argv[1], err);
}

static const struct cmd_option env_add_options[] = {
	{ .name = "force", .letter = 'f',
	  .help = "replace variables that exist" },
	{ .name = "stdin",
	  .help = "read KEY=VALUE lines from standard input (no KEY then)" },
	{ .name = NULL },
};

static const struct cmd_option env_show_options[] = {
	{ .name = "reveal", .help = "show the values (masked otherwise)" },
	{ .name = NULL },
};

static const struct cmd_entry env_add_entry = {
	.name = "add",
	.usage = "NAME KEY[=VALUE]...",
	.summary = "add variables (--force replaces existing ones)",
	.help =
	    "The original paks's order, KEY=VALUE... NAME, works too.\n"
	    "KEY=VALUE puts the value where ps and your shell's history\n"
	    "see it. A KEY alone has its value read instead: typed at a\n"
	    "'KEY: ' prompt with echo off, or one line per KEY from a pipe.\n"
	    "--stdin reads KEY=VALUE lines (the file's format) until the\n"
	    "end of input, skipping blank and '#' lines; a bad line stores\n"
	    "nothing. Values are never shown.\n"
	    "\nexamples:\n"
	    "  paks env add proj TOKEN           # TOKEN: (typed, not shown)\n"
	    "  printf '%s\\n' \"$TOKEN\" | paks env add proj TOKEN\n"
	    "  paks env add proj --stdin < proj.env\n",
	.options = env_add_options,
	/* 1: NAME --stdin; without --stdin, exec wants a KEY too */
	.min_args = 1,
	.max_args = -1,
	.exec = env_add_exec,
};

static const struct cmd_entry env_rm_entry = {
	.name = "rm",
	.usage = "NAME KEY...",
	.summary = "remove variables from an environment",
	.help = "The original paks's order, KEY... NAME, works too when NAME\n"
	    "is an environment and the first word is not.\n",
	.min_args = 2,
	.max_args = -1,
	.exec = env_rm_exec,
};

static const struct cmd_entry env_show_entry = {
	.name = "show",
	.usage = "NAME",
	.summary = "list the variables, values masked unless --reveal",
	.options = env_show_options,
	.min_args = 1,
	.max_args = 1,
	.exec = env_show_exec,
};

static const struct cmd_option env_list_options[] = {
	HOST_FORMAT_OPTION,
	{ .name = NULL },
};

static const struct cmd_entry env_list_entry = {
	.name = "list",
	.usage = "",
	.summary = "the environments and how many variables each holds",
	.options = env_list_options,
	.min_args = 0,
	.max_args = 0,
	.exec = env_list_exec,
};

static const struct cmd_entry env_edit_entry = {
	.name = "edit",
	.usage = "NAME",
	.summary = "edit an environment's file, then check it",
	.min_args = 1,
	.max_args = 1,
	.exec = env_edit_exec,
};

static const struct cmd_entry env_delete_entry = {
	.name = "delete",
	.usage = "NAME",
	.summary = "delete an environment",
	.min_args = 1,
	.max_args = 1,
	.exec = env_delete_exec,
};

static const struct cmd_entry *const env_sub[] = {
	&env_add_entry,
	&env_rm_entry,
	&env_show_entry,
	&env_list_entry,
	&env_edit_entry,
	&env_delete_entry,
	NULL,
};

const struct cmd_entry host_env_entry = {
	.name = "env",
	.usage = "COMMAND [ARGS]",
	.summary = "keep named sets of variables (~/.paks/envs)",
	.help =
	    "Each environment is a file ~/.paks/envs/NAME\n"
	    "($PAKS_HOME/envs), mode 0600, one KEY=VALUE per line. A value\n"
	    "is taken literally; one that needs it is written KEY=\"...\"\n"
	    "with the escapes \\n \\t \\r \\\\ \\\" \\xHH. Names use letters,\n"
	    "digits, '_', '.' and '-'.\n"
	    "show masks values unless --reveal; list never shows them.\n"
	    "\nexamples:\n"
	    "  paks env add proj TOKEN=abc 'GREETING=hello world'\n"
	    "  paks env add proj SECRET           # typed unseen at a prompt\n"
	    "  paks env show proj --reveal\n",
	.min_args = 1,
	.max_args = -1,
	.sub = env_sub,
};
