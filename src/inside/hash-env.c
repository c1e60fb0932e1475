/* #envload, #envsave, #envhost: variables from the host into the shell. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "session/session.h"
#include "store/envstore.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static int
hash_envload_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	_cleanup_env_ struct env env = ENV_INIT;

	(void)argc;
	if (envstore_load(argv[1], &env, err) < 0)
		return -1;
	for (size_t i = 0; i < env.n; i++)
		session_export(ctx->session, env.v[i].key, env.v[i].value);
	cmd_printf(ctx, "loaded %zu variable%s from '%s'\n", env.n,
	    env.n == 1 ? "" : "s", argv[1]);
	return 0;
}

static int
hash_envsave_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	_cleanup_env_ struct env env = ENV_INIT;

	if (envstore_check_name(argv[1], err) < 0)
		return paks_error_wrap(err, "#envsave");
	/*
	 * Words are named by position, never quoted: "KEY= value" makes
	 * the value a word of its own, "a+b/c==" a key made of a value.
	 */
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		_cleanup_free_ char *key = NULL;

		if (eq == NULL) {
			paks_error_set(err, 0, "#envsave: word %d is not "
			    "KEY=VALUE (values are never shown)", i);
			paks_error_hint(err, "usage: #envsave NAME KEY=VALUE..."
			    "; quote a value with spaces: KEY='a b'");
			return CMD_USAGE_ERROR;
		}
		key = xstrndup(argv[i], (size_t)(eq - argv[i]));
		if (envstore_check_key(key, err) < 0)
			return paks_error_wrap(err, "#envsave: word %d", i);
		env_set(&env, key, eq + 1);
	}
	if (envstore_add(argv[1], &env, true, err) < 0)
		return -1;
	for (size_t i = 0; i < env.n; i++)
		session_export(ctx->session, env.v[i].key, env.v[i].value);
	cmd_printf(ctx, "saved %zu variable%s to '%s' and exported %s\n",
	    env.n, env.n == 1 ? "" : "s", argv[1], env.n == 1 ? "it" : "them");
	return 0;
}

static int
hash_envhost_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	int missing = 0, done = 0;

	for (int i = 1; i < argc; i++) {
		const char *v;
		if (envstore_check_key(argv[i], err) < 0)
			return paks_error_wrap(err, "#envhost: word %d", i);
		if ((v = getenv(argv[i])) == NULL) {
			cmd_printf(ctx, "paks: '%s' is not set on the host\n",
			    argv[i]);
			missing++;
			continue;
		}
		session_export(ctx->session, argv[i], v);
		done++;
	}
	cmd_printf(ctx, "copied %d variable%s from the host\n", done,
	    done == 1 ? "" : "s");
	return missing ? 1 : 0;
}

const struct cmd_entry hash_envload_entry = {
	.name = "envload",
	.usage = "NAME",
	.summary = "export every variable of environment NAME into this shell",
	.min_args = 1,
	.max_args = 1,
	.exec = hash_envload_exec,
};

const struct cmd_entry hash_envsave_entry = {
	.name = "envsave",
	.usage = "NAME KEY=VALUE...",
	.summary = "save variables to environment NAME on the host and export "
	    "them",
	.help = "The line is never kept in the shell's history, and values "
	    "are never shown.\n",
	.min_args = 2,
	.max_args = -1,
	.exec = hash_envsave_exec,
};

const struct cmd_entry hash_envhost_entry = {
	.name = "envhost",
	.usage = "VAR...",
	.summary = "copy variables from paks's host environment into this shell",
	.min_args = 1,
	.max_args = -1,
	.exec = hash_envhost_exec,
};
