/*
 * #move: save this container as IMAGE-saved, then move that image to DEST.
 *
 * The move itself is "paks move" run as a child of the session (the same
 * binary, through /proc/self/exe), so its progress streams to the terminal
 * while the session keeps Ctrl-C and resizes working (session_spawn).
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "image/move.h"
#include "image/save.h"
#include "session/session.h"
#include "store/settings.h"
#include "util/cleanup.h"
#include "util/strv.h"
#include "util/xalloc.h"

static int
hash_move_run(void *s, char *const *args, char **out, struct paks_error **err)
{
	return session_engine(s, args, out, err);
}

static int
hash_move_run_fd(void *s, char *const *args, int fd, struct paks_error **err)
{
	struct engine_op op = session_op(s);
	_cleanup_strv_ struct strv argv = STRV_INIT;

	strv_push(&argv, op.engine->program);
	strv_pushv(&argv, args);
	return op.run_fd(op.run_ctx, argv.v, "looking for secrets...", fd, err);
}

/* The child's "paks: MSG" / "hint: HINT" lines become this command's error. */
static int
hash_move_failed(const char *text, int status, struct paks_error **err)
{
	_cleanup_free_ char *copy = xstrdup(text ? text : "");
	char *msg = NULL, *hint = NULL, *save = NULL;

	for (char *l = strtok_r(copy, "\r\n", &save); l != NULL;
	    l = strtok_r(NULL, "\r\n", &save)) {
		if (msg == NULL && strncmp(l, "paks: ", 6) == 0)
			msg = l + 6;
		else if (hint == NULL && strncmp(l, "hint: ", 6) == 0)
			hint = l + 6;
	}
	if (msg == NULL)
		paks_error_set(err, 0, "move failed (status %d)", status);
	else
		paks_error_set(err, 0, "%s", msg);
	if (hint != NULL)
		paks_error_hint(err, "%s", hint);
	return status == EXIT_USAGE ? CMD_USAGE_ERROR : -1;
}

static int
hash_move_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	struct session *s = ctx->session;
	struct engine_op op = session_op(s);
	const struct engine *e = op.engine;
	const struct run_opts *run = op.run;
	const char *creds_env = cmd_opt_get(ctx->args, "creds-env");
	const char *cert_dir = cmd_opt_get(ctx->args, "cert-dir");
	const char *tls = cmd_opt_get(ctx->args, "tls-verify");
	struct move_dest dest;
	_cleanup_free_ char *target = NULL;
	_cleanup_strv_ struct strv child = STRV_INIT;
	struct session_job job = { 0 };
	int rc;

	(void)argc;
	if (strcmp(e->name, "docker") != 0 &&
	    strcmp(e->name, "podman") != 0)
		return paks_error_set(err, 0, "#move: needs a docker or podman "
		    "session, not %s", e->name);
	if (cmd_opt_has(ctx->args, "engine")) {
		paks_error_set(err, 0, "#move: the image is in this session's "
		    "engine (%s); --engine is for paks move", e->name);
		return CMD_USAGE_ERROR;
	}
	/* a bad DEST is refused before anything is saved */
	if (move_dest_parse(argv[1], &dest, err) < 0)
		return CMD_USAGE_ERROR;
	move_dest_release(&dest);

	target = save_target(run->image, "-saved");
	struct save_job sj = {
		.engine = e, .container = run->name,
		.source = run->image, .target = target,
		.keep_history = ctx->settings != NULL &&
		    settings_get_bool(ctx->settings, "save_history"),
		.run = hash_move_run, .run_ctx = s,
		.secrets = session_secrets(s),
		.allow_secrets = cmd_opt_has(ctx->args, "allow-secrets"),
		.run_fd = hash_move_run_fd,
	};
	cmd_printf(ctx, "saving %s as %s ...\n", run->name, target);
	rc = save_image(&sj, err);
	if (rc == 0)
		cmd_printf(ctx, "saved %s (%.19s)\n", target, sj.id);
	save_job_release(&sj);
	if (rc < 0)
		return -1;

	strv_push(&child, "/proc/self/exe");
	strv_push(&child, "move");
	strv_pushf(&child, "--engine=%s", e->name);
	if (creds_env != NULL)
		strv_pushf(&child, "--creds-env=%s", creds_env);
	if (cert_dir != NULL)
		strv_pushf(&child, "--cert-dir=%s", cert_dir);
	if (tls != NULL)	/* either way: "true" for a loopback registry */
		strv_pushf(&child, "--tls-verify=%s",
		    strcmp(tls, "false") == 0 ? "false" : "true");
	strv_push(&child, "--");
	strv_push(&child, target);
	strv_push(&child, argv[1]);
	job.argv = child.v;
	job.stream = true;
	if (session_spawn(s, &job, err) < 0)
		return -1;
	if (job.cancelled)
		rc = paks_error_set(err, 0, "#move: interrupted");
	else if (job.status != 0)
		rc = hash_move_failed(job.err_text, job.status, err);
	session_job_release(&job);
	return rc;
}

/* As paks move's, which runs the move: the same spellings work. */
static const struct cmd_option hash_move_options[] = {
	{ .name = "engine", .letter = 'c', .arg = "E",
	  .help = "not for #move: the image is in this session's engine",
	  .aliases = CMD_NAMES("container-tech") },
	{ .name = "creds-env", .arg = "NAME",
	  .help = "registry credentials from the paks environment NAME "
	      "(REGISTRY_USER, REGISTRY_PASSWORD)" },
	{ .name = "tls-verify", .arg = "true|false",
	  .flags = CMD_OPT_VALUE_OPTIONAL,
	  .help = "false: accept an untrusted certificate or plain http "
	      "(test registries)",
	  .choices = CMD_NAMES("true", "false") },
	{ .name = "cert-dir", .arg = "DIR",
	  .help = "trust the registry certificates in DIR" },
	{ .name = "allow-secrets",
	  .help = "save even if a changed file holds a value this session "
	      "loaded" },
	{ .name = NULL },
};

const struct cmd_entry hash_move_entry = {
	.name = "move",
	.usage = "DEST",
	.summary = "save this container as IMAGE-saved and move it to DEST",
	.help =
	    "DEST: docker-archive:PATH, oci-archive:PATH,\n"
	    "docker://REGISTRY/REPO[:TAG], ssh://[USER@]HOST[:PORT][/ENGINE],\n"
	    "charliecloud:DIR or charliecloud:FILE.sqfs.\n"
	    "\nexample:\n  #move ssh://me@cluster/podman\n",
	.options = hash_move_options,
	.min_args = 1,
	.max_args = 1,
	.exec = hash_move_exec,
};
