/*
 * ssh://[USER@]HOST[:PORT][/ENGINE]: straight into the engine of another
 * machine, sending only the layers it lacks.
 *
 * One ssh connection, and nothing of paks is needed over there. A small
 * sh script there
 *  1. says which engine answers (unless /ENGINE was given), lists the
 *     layer diff ids of every image it holds and says its uname -m (for
 *     the preflight's architecture check, preflight.c), then
 *     "paks-ready";
 *  2. becomes "ENGINE load", fed a docker-archive written here from the
 *     local engine's save (which runs meanwhile) in which each layer the
 *     other side has is an empty file (see move-archive.c for why both
 *     engines accept that).
 * docker finds a layer by its chain (the layer and all below it), so for
 * docker a layer counts as present only when an image there starts with
 * the same layers; podman reuses a layer by its diff id alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "move-archive.h"
#include "move-ssh.h"
#include "preflight.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/text.h"
#include "util/xalloc.h"

/* Exit codes of the query script, apart from ssh's own 255. */
#define QUERY_NO_ENGINE	97
#define QUERY_ENGINE_FAILED 98

/* $PAKS_SSH split on blanks (e.g. "ssh -F ~/.ssh/other"), else "ssh". */
static void
ssh_program(struct strv *argv)
{
	const char *env = getenv("PAKS_SSH");
	_cleanup_free_ char *copy = xstrdup(env && *env ? env : "ssh");
	char *save = NULL;

	for (char *w = strtok_r(copy, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save))
		strv_push(argv, w);
}

static char *
ssh_who(const struct move_dest *d)
{
	return xasprintf("%s%s%s%s%s", d->user ? d->user : "",
	    d->user ? "@" : "", d->host, d->port ? ":" : "",
	    d->port ? d->port : "");
}

/* ssh ... [-p PORT] [USER@]HOST */
static void
ssh_argv(const struct move_dest *d, bool batch, struct strv *argv)
{
	ssh_program(argv);
	if (batch) {
		/* no password prompt can be answered here */
		strv_push(argv, "-o");
		strv_push(argv, "BatchMode=yes");
		strv_push(argv, "-o");
		strv_push(argv, "Compression=yes");
		strv_push(argv, "-o");
		strv_push(argv, "ConnectTimeout=30");
	} else
		strv_push(argv, "-t");
	if (d->port != NULL) {
		strv_push(argv, "-p");
		strv_push(argv, d->port);
	}
	strv_pushf(argv, "%s%s%s", d->user ? d->user : "", d->user ? "@" : "",
	    d->host);
}

/* The script run there by "sh -c": the query, then the load. */
static char *
ssh_script(const char *engine)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "e=%s\n", engine ? engine : "");
	strbuf_addf(&sb,
	    "if [ -z \"$e\" ]; then\n"
	    "  if docker info >/dev/null 2>&1; then e=docker\n"
	    "  elif podman version >/dev/null 2>&1; then e=podman\n"
	    "  else echo 'neither docker nor podman answers' >&2; exit %d\n"
	    "  fi\n"
	    "fi\n"
	    "echo \"engine $e\"\n"
	    "ids=$($e images -aq --no-trunc) || exit %d\n"
	    "[ -z \"$ids\" ] || $e image inspect --format "
	    "\"image {{range .RootFS.Layers}}{{.}} {{end}}\" $ids || exit %d\n"
	    "echo \"arch $(uname -m)\"\n"
	    "echo paks-ready\n"
	    "exec $e load\n",
	    QUERY_NO_ENGINE, QUERY_ENGINE_FAILED, QUERY_ENGINE_FAILED);
	return strbuf_detach(&sb);
}

/* What paks keeps of the other side's output: its layer list, with room. */
#define SSH_SAID_MAX	(16u << 20)

/* The ssh session: its pipes and what it said. */
struct ssh_session {
	struct spawn	 sp;
	int		 in, out, errf;
	struct strbuf	 said;		/* stdout so far */
	char		*who;
};

/* Read stdout until a line "paks-ready" (true) or its end (false). */
static bool
ssh_read_until_ready(struct ssh_session *ss)
{
	char buf[4096];
	ssize_t n;

	for (;;) {
		const char *p = ss->said.buf ? strstr(ss->said.buf,
		    "paks-ready\n") : NULL;
		if (p != NULL && (p == ss->said.buf || p[-1] == '\n'))
			return true;
		/* a layer list is a few KiB; a side that never stops is
		 * not answering */
		if (ss->said.len > SSH_SAID_MAX)
			return false;
		n = read(ss->out, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		strbuf_add(&ss->said, buf, (size_t)n);
	}
}

static void
ssh_read_rest(struct ssh_session *ss)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(ss->out, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (ss->said.len <= SSH_SAID_MAX)
			strbuf_add(&ss->said, buf, (size_t)n);
	}
}

/* Wait for ssh; a failure becomes one line naming the host. */
static int
ssh_finish(struct ssh_session *ss, const char *engine, struct paks_error **err)
{
	_cleanup_free_ char *eo = NULL, *last = NULL;
	int code;

	if (ss->in >= 0)
		close(ss->in);
	ss->in = -1;
	ssh_read_rest(ss);
	code = spawn_status_code(spawn_wait(&ss->sp));
	if (code == 0)
		return 0;
	eo = move_fd_text(ss->errf);
	last = move_last_line(eo);
	if (code == 255)
		return paks_error_set(err, 0, "cannot reach '%s' over ssh: %s",
		    ss->who, *last ? last : "no message");
	if (code == QUERY_NO_ENGINE)
		return paks_error_set(err, 0, "'%s': neither docker nor podman "
		    "answers there", ss->who);
	return paks_error_set(err, 0, "%s on '%s' failed: %s",
	    engine ? engine : "the engine", ss->who,
	    *last ? last : "no message");
}

static void
ssh_session_release(struct ssh_session *ss)
{
	if (ss->in >= 0)
		close(ss->in);
	if (ss->out >= 0)
		close(ss->out);
	if (ss->errf >= 0)
		close(ss->errf);
	spawn_release(&ss->sp);
	strbuf_release(&ss->said);
	free(ss->who);
}

static int
ssh_start(struct ssh_session *ss, const struct move_dest *d,
    struct paks_error **err)
{
	_cleanup_free_ char *script = ssh_script(d->engine);
	struct strbuf cmd = STRBUF_INIT;
	int in[2], out[2];

	if ((ss->errf = move_tmpfile(err)) < 0)
		return -1;
	ssh_argv(d, true, &ss->sp.args);
	strbuf_adds(&cmd, "sh -c ");
	text_shell_quote(&cmd, script);
	strv_push(&ss->sp.args, cmd.buf);
	strbuf_release(&cmd);
	if (fd_pipes(in, out, err) < 0)
		return -1;
	ss->sp.in = in[0];
	ss->sp.out = out[1];
	ss->sp.err = ss->errf;
	int rc = spawn_start(&ss->sp, err);
	close(in[0]);
	close(out[1]);
	ss->in = in[1];
	ss->out = out[0];
	return rc;
}

/* Start the local engine's save into an unnamed file, not waiting. */
static int
ssh_save_start(struct move_job *job, struct spawn *sp, int fd, int errf,
    struct paks_error **err)
{
	strv_push(&sp->args, job->engine->program);
	strv_push(&sp->args, "save");
	if (!job->engine->daemon)
		strv_push(&sp->args, "--format=docker-archive");
	strv_push(&sp->args, job->image);
	sp->in = SPAWN_DEVNULL;
	sp->out = fd;
	sp->err = errf;
	return spawn_start(sp, err);
}

static int
ssh_save_finish(struct move_job *job, struct spawn *sp, int errf,
    struct paks_error **err)
{
	int code = spawn_status_code(spawn_wait(sp));
	_cleanup_free_ char *eo = NULL, *last = NULL;

	if (code == 0)
		return 0;
	eo = move_fd_text(errf);
	last = move_last_line(eo);
	return paks_error_set(err, 0, "%s save failed: %s", job->engine->name,
	    *last ? last : "no message");
}

static void
ssh_say_sent(struct move_job *job, const struct move_archive *a,
    const struct move_archive_stats *st)
{
	_cleanup_free_ char *sent = text_size(st->written);
	_cleanup_free_ char *full = text_size(st->all_layers + a->config_len);
	_cleanup_free_ char *reused = text_size(st->all_layers -
	    st->sent_layers);

	move_say(job, "sent %s: %zu new layer%s and the metadata; %zu layer%s "
	    "reused (%s); a full save is %s\n", sent, st->sent,
	    st->sent == 1 ? "" : "s", st->reused, st->reused == 1 ? "" : "s",
	    reused, full);
}

static void
ssh_say_run(struct move_job *job, const char *engine, const char *name)
{
	_cleanup_strv_ struct strv run = STRV_INIT;
	struct strbuf line = STRBUF_INIT;

	ssh_argv(job->dest, false, &run);
	strv_push(&run, engine);
	strv_push(&run, "run");
	strv_push(&run, "-it");
	strv_push(&run, "--rm");
	strv_push(&run, name);
	for (size_t i = 0; i < run.n; i++) {
		if (i > 0)
			strbuf_addch(&line, ' ');
		text_shell_quote(&line, run.v[i]);
	}
	move_say(job, "loaded %s there; run it:\n  %s\n", name, line.buf);
	strbuf_release(&line);
}

int
move_ssh(struct move_job *job, const struct move_image_info *info,
    struct paks_error **err)
{
	struct ssh_session ss = { .sp = SPAWN_INIT, .in = -1, .out = -1,
		.errf = -1, .said = STRBUF_INIT, .who = ssh_who(job->dest) };
	_cleanup_spawn_ struct spawn save = SPAWN_INIT;
	_cleanup_free_ char *engine = NULL, *loaded = NULL, *arch = NULL;
	_cleanup_free_ char *tag = move_repotag(job->image);
	_cleanup_free_ bool *present = NULL;
	_cleanup_strv_ struct strv images = STRV_INIT;
	_cleanup_close_ int saved = -1, save_err = -1;
	struct move_archive a = MOVE_ARCHIVE_INIT;
	struct move_archive_stats st;
	struct paks_error *werr = NULL;
	size_t have = 0;
	int rc = -1;

	/* the local save runs while the other side answers */
	if ((saved = move_tmpfile(err)) < 0 ||
	    (save_err = move_tmpfile(err)) < 0 ||
	    ssh_save_start(job, &save, saved, save_err, err) < 0)
		goto out;
	if (ssh_start(&ss, job->dest, err) < 0)
		goto out;
	if (!ssh_read_until_ready(&ss) ||
	    move_remote_parse(ss.said.buf, &engine, &images) < 0) {
		if (ssh_finish(&ss, job->dest->engine, err) == 0)
			paks_error_set(err, 0, "'%s': no answer to the layer "
			    "query", ss.who);
		goto out;
	}
	if (ssh_save_finish(job, &save, save_err, err) < 0 ||
	    move_archive_read(saved, &a, err) < 0)
		goto out;
	/* nothing has gone yet: a refusal ends ssh, and load gets nothing */
	arch = preflight_remote_arch(ss.said.buf);
	if (preflight_check(job, &a, false, arch, ss.who, err) < 0)
		goto out;
	present = xcalloc(a.nlayers + 1, sizeof *present);
	move_layers_present(a.diff_ids, a.nlayers, images.v,
	    strcmp(engine, "docker") == 0, present);
	for (size_t i = 0; i < a.nlayers; i++)
		have += present[i];
	{
		uint64_t todo = a.config_len;
		for (size_t i = 0; i < a.nlayers; i++)
			todo += present[i] ? 0 : a.layer_size[i];
		_cleanup_free_ char *sz = text_size(todo);
		move_say(job, "%s on %s has %zu of the %zu layer%s; sending %s "
		    "...\n", engine, ss.who, have, a.nlayers,
		    a.nlayers == 1 ? "" : "s", sz);
	}
	strbuf_reset(&ss.said);
	move_archive_write(&a, present, tag, ss.in, &st, &werr);
	if (ssh_finish(&ss, engine, err) < 0) {
		paks_error_free(werr);
		goto out;
	}
	if (werr != NULL) {
		*err = TAKE_PTR(werr);
		goto out;
	}
	loaded = move_loaded_name(ss.said.buf ? ss.said.buf : "");
	ssh_say_sent(job, &a, &st);
	ssh_say_run(job, engine, loaded ? loaded : tag ? tag : info->id);
	rc = 0;
out:
	ssh_session_release(&ss);
	move_archive_release(&a);
	return rc;
}
