/* paks env: named sets of variables kept in ~/.paks/envs, one file each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "store/envstore.h"
#include "store/settings-edit.h"
#include "store/settings.h"
#include "store/storefile.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define ENV_FILE_MAX	(16u << 20)

enum env_opts {
	ENV_FORCE = 1 << 0,
	ENV_REVEAL = 1 << 1,
};

/*
 * Options may come anywhere; "--" ends them (for a name such as "-x").
 * what is left goes to rest, which must hold min to max words (max -1:
 * any number).
 */
static int
env_args(struct cmd_ctx *ctx, int argc, char **argv, enum env_opts allowed,
    int min, int max, enum env_opts *opts, struct strv *rest,
    struct paks_error **err)
{
	const struct cmd_entry *e = ctx->entry;
	const char *cmd = ctx->prefix;
	bool options = true;

	if (strncmp(cmd, "paks ", 5) == 0)
		cmd += 5;	/* main says "paks: " already */

	*opts = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (options && strcmp(a, "--") == 0) {
			options = false;
		} else if (options && a[0] == '-' && a[1] != '\0') {
			if ((allowed & ENV_FORCE) &&
			    (strcmp(a, "--force") == 0 || strcmp(a, "-f") == 0))
				*opts |= ENV_FORCE;
			else if ((allowed & ENV_REVEAL) &&
			    strcmp(a, "--reveal") == 0)
				*opts |= ENV_REVEAL;
			else {
				/* up to any '=': what follows may be a value */
				paks_error_set(err, 0, "%s%s: unknown option "
				    "'%.*s'", cmd, e->name,
				    (int)strcspn(a, "="), a);
				goto usage;
			}
		} else
			strv_push(rest, a);
	}
	if ((int)rest->n >= min && (max < 0 || (int)rest->n <= max))
		return 0;
	paks_error_set(err, 0, "%s%s: too %s arguments", cmd, e->name,
	    (int)rest->n < min ? "few" : "many");
usage:
	paks_error_hint(err, "usage: %s%s %s", ctx->prefix, e->name, e->usage);
	return CMD_USAGE_ERROR;
}

/* A file that others can read gets one warning line; paks carries on. */
static void
env_warn_open(const char *name)
{
	_cleanup_free_ char *path = NULL;

	if (envstore_too_open(name, &path))
		fprintf(stderr, "paks: warning: '%s' is readable by other "
		    "users; run 'chmod 600 %s'\n", path, path);
}

static int
env_add_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	_cleanup_strv_ struct strv rest = STRV_INIT;
	_cleanup_env_ struct env vars = ENV_INIT;
	enum env_opts opts;
	int rc;

	if ((rc = env_args(ctx, argc, argv, ENV_FORCE, 2, -1, &opts, &rest,
	    err)) != 0)
		return rc;
	if (envstore_check_name(rest.v[0], err) < 0)
		return CMD_USAGE_ERROR;
	for (size_t i = 1; i < rest.n; i++) {
		const char *a = rest.v[i], *eq = strchr(a, '=');
		_cleanup_free_ char *key = NULL;

		if (eq == NULL) {
			/* never echo it: it may be a value typed alone */
			paks_error_set(err, 0, "env add: argument %zu has no "
			    "'='", i + 1);
			paks_error_hint(err, "write KEY=VALUE (KEY= for an "
			    "empty value)");
			return CMD_USAGE_ERROR;
		}
		key = xstrndup(a, (size_t)(eq - a));
		if (envstore_check_key(key, err) < 0)
			return CMD_USAGE_ERROR;
		env_set(&vars, key, eq + 1);
	}
	return envstore_add(rest.v[0], &vars, opts & ENV_FORCE, err);
}

static int
env_rm_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	_cleanup_strv_ struct strv rest = STRV_INIT;
	enum env_opts opts;
	int rc;

	if ((rc = env_args(ctx, argc, argv, 0, 2, -1, &opts, &rest, err)) != 0)
		return rc;
	if (envstore_check_name(rest.v[0], err) < 0)
		return CMD_USAGE_ERROR;
	for (size_t i = 1; i < rest.n; i++) {
		if (envstore_check_key(rest.v[i], err) < 0)
			return CMD_USAGE_ERROR;
	}
	return envstore_remove(rest.v[0], rest.v + 1, err);
}

static int
env_show_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	_cleanup_strv_ struct strv rest = STRV_INIT;
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	_cleanup_env_ struct env env = ENV_INIT;
	enum env_opts opts;
	int rc;

	if ((rc = env_args(ctx, argc, argv, ENV_REVEAL, 1, 1, &opts, &rest,
	    err)) != 0)
		return rc;
	if (envstore_check_name(rest.v[0], err) < 0)
		return CMD_USAGE_ERROR;
	if (envstore_load(rest.v[0], &env, err) < 0)
		return -1;
	env_warn_open(rest.v[0]);
	for (size_t i = 0; i < env.n; i++) {
		if (opts & ENV_REVEAL)
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
	int width = 0;

	(void)argc, (void)argv;
	if (envstore_list(&names, err) < 0)
		return -1;
	for (size_t i = 0; i < names.n; i++) {
		if ((int)strlen(names.v[i]) > width)
			width = (int)strlen(names.v[i]);
	}
	for (size_t i = 0; i < names.n; i++) {
		_cleanup_env_ struct env env = ENV_INIT;
		struct paks_error *e = NULL;

		if (envstore_load(names.v[i], &env, &e) < 0) {
			/* report the first bad file, list the rest */
			cmd_printf(ctx, "%-*s  (unreadable)\n", width,
			    names.v[i]);
			if (*err == NULL)
				*err = e;
			else
				paks_error_free(e);
			continue;
		}
		env_warn_open(names.v[i]);
		cmd_printf(ctx, "%-*s  %zu variable%s\n", width, names.v[i],
		    env.n, env.n == 1 ? "" : "s");
	}
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
	_cleanup_strv_ struct strv rest = STRV_INIT;
	_cleanup_free_ char *old = NULL, *start = NULL, *text = NULL;
	_cleanup_free_ char *dir = NULL, *path = NULL;
	_cleanup_storefile_ struct storefile sf = STOREFILE_INIT;
	struct paks_error *e = NULL;
	struct settings s;
	enum env_opts opts;
	size_t oldlen, len;
	const char *name;
	int rc;

	if ((rc = env_args(ctx, argc, argv, 0, 1, 1, &opts, &rest, err)) != 0)
		return rc;
	name = rest.v[0];
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
	if (settings_load(&s, ctx->settings_file, ctx->overrides, &e) < 0) {
		paks_error_release(&e);
		settings_release(&s);
	}
	rc = settings_run_editor(&s, sf.tmp, err);
	settings_release(&s);
	if (rc != 0 ||
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
	_cleanup_strv_ struct strv rest = STRV_INIT;
	enum env_opts opts;
	int rc;

	if ((rc = env_args(ctx, argc, argv, 0, 1, 1, &opts, &rest, err)) != 0)
		return rc;
	if (envstore_check_name(rest.v[0], err) < 0)
		return CMD_USAGE_ERROR;
	return envstore_delete(rest.v[0], err);
}

static const struct cmd_entry env_add_entry = {
	.name = "add",
	.usage = "NAME KEY=VALUE... [--force]",
	.summary = "add variables (--force replaces existing ones)",
	.min_args = 2,
	.max_args = -1,
	.exec = env_add_exec,
};

static const struct cmd_entry env_rm_entry = {
	.name = "rm",
	.usage = "NAME KEY...",
	.summary = "remove variables from an environment",
	.min_args = 2,
	.max_args = -1,
	.exec = env_rm_exec,
};

static const struct cmd_entry env_show_entry = {
	.name = "show",
	.usage = "NAME [--reveal]",
	.summary = "list the variables, values masked unless --reveal",
	.min_args = 1,
	.max_args = 2,
	.exec = env_show_exec,
};

static const struct cmd_entry env_list_entry = {
	.name = "list",
	.usage = "",
	.summary = "the environments and how many variables each holds",
	.min_args = 0,
	.max_args = 0,
	.exec = env_list_exec,
};

static const struct cmd_entry env_edit_entry = {
	.name = "edit",
	.usage = "NAME",
	.summary = "edit an environment's file, then check it",
	.min_args = 1,
	.max_args = 2,
	.exec = env_edit_exec,
};

static const struct cmd_entry env_delete_entry = {
	.name = "delete",
	.usage = "NAME",
	.summary = "delete an environment",
	.min_args = 1,
	.max_args = 2,
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
	    "  paks env show proj --reveal\n",
	.min_args = 1,
	.max_args = -1,
	.flags = CMD_NO_ENGINE_CALL,
	.sub = env_sub,
};
