/*
 * ssh://[USER@]HOST[:PORT][/ENGINE]: straight into the engine of another
 * machine, sending only the layers it lacks.
 *
 * Two ssh calls, and nothing of paks is needed over there:
 *  1. a query: which engine answers there (unless /ENGINE was given) and
 *     the layer diff ids of every image it holds;
 *  2. "ENGINE load", fed a docker-archive written here from the local
 *     engine's save in which each layer the other side has is an empty
 *     file (see move-archive.c for why both engines accept that).
 * docker finds a layer by its chain (the layer and all below it), so for
 * docker a layer counts as present only when an image there starts with
 * the same layers; podman reuses a layer by its diff id alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "move-archive.h"
#include "move.h"
#include "util/cleanup.h"
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
	} else
		strv_push(argv, "-t");
	if (d->port != NULL) {
		strv_push(argv, "-p");
		strv_push(argv, d->port);
	}
	strv_pushf(argv, "%s%s%s", d->user ? d->user : "", d->user ? "@" : "",
	    d->host);
}

/* The shell script of the query, for "sh -c" over there. */
static char *
ssh_query_script(const char *engine)
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
	    "\"image {{range .RootFS.Layers}}{{.}} {{end}}\" $ids || exit %d\n",
	    QUERY_NO_ENGINE, QUERY_ENGINE_FAILED, QUERY_ENGINE_FAILED);
	return strbuf_detach(&sb);
}

/* Ask the other side for its engine and the layers of its images. */
static int
ssh_query(struct move_job *job, char **engine, struct strv *images,
    struct paks_error **err)
{
	const struct move_dest *d = job->dest;
	_cleanup_strv_ struct strv argv = STRV_INIT;
	_cleanup_free_ char *script = ssh_query_script(d->engine);
	_cleanup_free_ char *out = NULL, *eo = NULL, *last = NULL;
	_cleanup_free_ char *who = ssh_who(d);
	struct strbuf cmd = STRBUF_INIT;
	int code;

	ssh_argv(d, true, &argv);
	strbuf_adds(&cmd, "sh -c ");
	move_shell_quote(&cmd, script);
	strv_push(&argv, cmd.buf);
	strbuf_release(&cmd);
	code = move_run(argv.v, -1, -1, -1, &out, &eo, err);
	if (code < 0)
		return -1;
	last = move_last_line(eo);
	if (code == 255)
		return paks_error_set(err, 0, "cannot reach '%s' over ssh: %s",
		    who, *last ? last : "no message");
	if (code == QUERY_NO_ENGINE)
		return paks_error_set(err, 0, "'%s': neither docker nor podman "
		    "answers there", who);
	if (code != 0 || move_remote_parse(out, engine, images) < 0)
		return paks_error_set(err, 0, "'%s': %s%s%s", who,
		    d->engine ? d->engine : "the engine",
		    *last ? " says: " : " gave no answer", last);
	return 0;
}

/* "ENGINE load" over there, fed the archive; *loaded: the name it reports. */
static int
ssh_load(struct move_job *job, const char *engine,
    const struct move_archive *a, const bool *present, const char *tag,
    struct move_archive_stats *st, char **loaded, struct paks_error **err)
{
	const struct move_dest *d = job->dest;
	_cleanup_spawn_ struct spawn sp = SPAWN_INIT;
	_cleanup_close_ int of = -1, ef = -1;
	_cleanup_free_ char *out = NULL, *eo = NULL, *last = NULL;
	_cleanup_free_ char *who = ssh_who(d);
	struct paks_error *werr = NULL;
	int p[2], code;

	if ((of = move_tmpfile(err)) < 0 || (ef = move_tmpfile(err)) < 0)
		return -1;
	ssh_argv(d, true, &sp.args);
	strv_pushf(&sp.args, "%s load", engine);
	if (pipe2(p, O_CLOEXEC) < 0)
		return paks_error_set(err, errno, "cannot create a pipe");
	sp.in = p[0];
	sp.out = of;
	sp.err = ef;
	if (spawn_start(&sp, err) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	close(p[0]);
	move_archive_write(a, present, tag, p[1], st, &werr);
	close(p[1]);
	code = spawn_status_code(spawn_wait(&sp));
	out = move_fd_text(of);
	eo = move_fd_text(ef);
	last = move_last_line(eo);
	if (code != 0) {
		paks_error_free(werr);
		if (code == 255)
			return paks_error_set(err, 0, "cannot reach '%s' over "
			    "ssh: %s", who, *last ? last : "no message");
		return paks_error_set(err, 0, "%s load on '%s' failed: %s",
		    engine, who, *last ? last : "no message");
	}
	if (werr != NULL) {
		*err = werr;
		return -1;
	}
	*loaded = move_loaded_name(out);
	return 0;
}

int
move_ssh(struct move_job *job, const struct move_image_info *info,
    struct paks_error **err)
{
	const struct move_dest *d = job->dest;
	_cleanup_free_ char *engine = NULL, *loaded = NULL, *who = ssh_who(d);
	_cleanup_free_ char *tag = move_repotag(job->image);
	_cleanup_free_ bool *present = NULL;
	_cleanup_strv_ struct strv images = STRV_INIT, run = STRV_INIT;
	_cleanup_close_ int saved = -1;
	struct move_archive a = MOVE_ARCHIVE_INIT;
	struct move_archive_stats st;
	struct strbuf line = STRBUF_INIT;
	size_t have = 0;
	int rc = -1;

	if (ssh_query(job, &engine, &images, err) < 0)
		return -1;
	if ((saved = move_tmpfile(err)) < 0 ||
	    move_save_archive(job, saved, err) < 0)
		return -1;
	if (move_archive_read(saved, &a, err) < 0)
		goto out;
	present = xcalloc(a.nlayers + 1, sizeof *present);
	move_layers_present(a.diff_ids, a.nlayers, images.v,
	    strcmp(engine, "docker") == 0, present);
	for (size_t i = 0; i < a.nlayers; i++)
		have += present[i];
	move_say(job, "%s on %s has %zu of the %zu layer%s\n", engine, who,
	    have, a.nlayers, a.nlayers == 1 ? "" : "s");
	if (ssh_load(job, engine, &a, present, tag, &st, &loaded, err) < 0)
		goto out;
	{
		_cleanup_free_ char *sent = move_size(st.written);
		_cleanup_free_ char *full = move_size(st.all_layers +
		    a.config_len);
		_cleanup_free_ char *reused = move_size(st.all_layers -
		    st.sent_layers);
		move_say(job, "sent %s: %zu new layer%s and the metadata; %zu "
		    "layer%s reused (%s); a full save is %s\n", sent, st.sent,
		    st.sent == 1 ? "" : "s", st.reused,
		    st.reused == 1 ? "" : "s", reused, full);
	}
	ssh_argv(d, false, &run);
	strv_push(&run, engine);
	strv_push(&run, "run");
	strv_push(&run, "-it");
	strv_push(&run, "--rm");
	strv_push(&run, loaded ? loaded : tag ? tag : info->id);
	for (size_t i = 0; i < run.n; i++) {
		if (i > 0)
			strbuf_addch(&line, ' ');
		move_shell_quote(&line, run.v[i]);
	}
	move_say(job, "loaded %s there; run it:\n  %s\n",
	    loaded ? loaded : tag ? tag : info->id, line.buf);
	strbuf_release(&line);
	rc = 0;
out:
	move_archive_release(&a);
	return rc;
}
