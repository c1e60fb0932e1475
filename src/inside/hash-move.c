/*
 * #move: save this container as IMAGE-saved, then move that image to DEST.
 *
 * The move is move_image, paks move's own code, called in a child process
 * that runs as a job of the session (session_runner, util/run.h: fn): its
 * progress streams to the terminal while the session keeps Ctrl-C and
 * resizes working, and Ctrl-C ends it with all it started (ssh, skopeo)
 * wherever it is, even in the middle of a write. Its error comes back
 * whole on fd 3.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "image/move.h"
#include "image/save.h"
#include "session/session.h"
#include "store/settings.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/run.h"
#include "util/xalloc.h"

/*
 * In the child: the move; its error, if any, as "MSG\0HINT\0" on fd 3
 * (the errno's words in MSG, as paks_error_format puts them).
 */
static int
hash_move_child(void *arg)
{
	struct paks_error *e = NULL;

	if (move_image(arg, &e) == 0)
		return 0;
	if (e != NULL) {
		_cleanup_free_ char *msg = e->code == 0 ? xstrdup(e->msg) :
		    xasprintf("%s: %s", e->msg, strerror(e->code));

		write_all(3, msg, strlen(msg) + 1);
		if (e->hint != NULL)
			write_all(3, e->hint, strlen(e->hint) + 1);
	}
	return 1;
}

/* The child's error, back from fd 3 ("move failed" if it said none). */
static int
hash_move_failed(const struct run *job, struct paks_error **err)
{
	const char *msg = strbuf_str(&job->fd3_text);
	size_t n = strnlen(msg, job->fd3_text.len);

	if (n == 0 || n == job->fd3_text.len)
		return paks_error_set(err, 0, "move failed (status %d)",
		    job->code);
	paks_error_set(err, 0, "%s", msg);
	if (n + 1 < job->fd3_text.len)
		paks_error_hint(err, "%.*s", (int)(job->fd3_text.len - n - 1),
		    msg + n + 1);
	return -1;
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
	_cleanup_run_ struct run job = RUN_INIT(NULL);
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

	target = save_target(run->image, "-saved");
	struct save_job sj = {
		.engine = e, .container = run->name,
		.source = run->image, .target = target,
		.keep_history = ctx->settings != NULL &&
		    settings_get_bool(ctx->settings, "save_history"),
		.runner = op.runner,
		.secrets = session_secrets(s),
		.allow_secrets = cmd_opt_has(ctx->args, "allow-secrets"),
	};
	cmd_printf(ctx, "saving %s as %s ...\n", run->name, target);
	rc = save_image(&sj, err);
	if (rc == 0)
		cmd_printf(ctx, "saved %s (%.19s)\n", target, sj.id);
	save_job_release(&sj);
	if (rc < 0) {
		move_dest_release(&dest);
		return -1;
	}

	struct move_job mj = {
		.engine = e, .image = target, .dest = &dest,
		.creds_env = creds_env, .cert_dir = cert_dir,
		.tls_verify = tls == NULL || strcmp(tls, "false") != 0,
		.tls_chosen = tls != NULL,
		.strict = cmd_opt_has(ctx->args, "strict"),
		.out = STDOUT_FILENO,	/* the child's: the job's pipe */
	};
	job.fn = hash_move_child;
	job.fn_arg = &mj;
	job.out.how = job.err.how = RUN_PASS;	/* the terminal, as it comes */
	job.fd3_capture = true;
	rc = runner_run(&op.runner, &job, err);
	move_dest_release(&dest);
	if (rc < 0)
		return -1;
	if (job.cancelled)
		return paks_error_set(err, 0, "#move: interrupted");
	if (job.code != 0)
		return hash_move_failed(&job, err);
	return 0;
}

/* As paks move's: the same spellings work. */
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
	{ .name = "strict",
	  .help = "charliecloud:, ssh://: refuse to move when the portability "
	      "check warns" },
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
