/*
 * docker-archive:PATH and oci-archive:PATH: the image as a file. paks
 * writes a docker-archive itself (move-archive.c), so that the names stay
 * the same; podman writes an oci-archive, and for docker skopeo reads the
 * daemon. Either is written beside PATH and renamed over it at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "move-archive.h"
#include "move-file.h"
#include "util/cleanup.h"
#include "util/text.h"
#include "util/xalloc.h"

/*
 * The file being written beside the destination, removed if a signal ends
 * paks first (Ctrl-C, or #move's session passing one on).
 */
static char *volatile move_partial;

static void
move_on_signal(int sig)
{
	char *p = move_partial;

	if (p != NULL)
		unlink(p);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Watch path (NULL: stop watching) for move_on_signal. */
static void
move_watch(char *path)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = path ? move_on_signal : SIG_DFL };

	sigemptyset(&sa.sa_mask);
	move_partial = path;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

/* A file in path's folder to write first and rename over path at the end. */
static int
move_sibling(const char *path, char **tmp, struct paks_error **err)
{
	_cleanup_free_ char *copy = xstrdup(path);
	const char *dir = dirname(copy);
	struct stat st;
	int fd;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return paks_error_set(err, errno ? errno : ENOTDIR,
		    "cannot write '%s'", path);
	*tmp = xasprintf("%s/.paks-move.XXXXXX", dir);
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		free(*tmp);
		*tmp = NULL;
		return paks_error_set(err, e, "cannot write in '%s'", dir);
	}
	move_watch(*tmp);
	return fd;
}

static void
move_say_load(struct move_job *job, const char *path, const char *name)
{
	move_say(job, "load it there with paks (or: docker load -i, podman "
	    "load -i) and run it:\n  paks load %s && paks run %s\n", path,
	    name);
}

/* docker-archive:PATH, written by paks so that names stay the same. */
static int
move_docker_archive(struct move_job *job, const struct move_image_info *info,
    struct paks_error **err)
{
	_cleanup_close_ int saved = -1, out = -1;
	_cleanup_free_ char *tmp = NULL, *tag = move_repotag(job->image);
	_cleanup_free_ char *size = NULL;
	struct move_archive a = MOVE_ARCHIVE_INIT;
	struct move_archive_stats st;
	const char *path = job->dest->path;
	int rc = -1;

	if ((saved = move_tmpfile(err)) < 0 ||
	    move_save_archive(job, saved, err) < 0 ||
	    move_archive_read(saved, &a, err) < 0)
		goto out;
	if ((out = move_sibling(path, &tmp, err)) < 0)
		goto out;
	if (move_archive_write(&a, NULL, tag, out, &st, err) < 0 ||
	    fsync(out) < 0 || rename(tmp, path) < 0) {
		if (*err == NULL)
			paks_error_set(err, errno, "cannot write '%s'", path);
		unlink(tmp);
		goto out;
	}
	size = text_size(st.written);
	move_say(job, "wrote %s (%s, %zu layer%s)\n", path, size, st.sent,
	    st.sent == 1 ? "" : "s");
	move_say_load(job, path, tag ? tag : info->id);
	rc = 0;
out:
	move_watch(NULL);
	move_archive_release(&a);
	return rc;
}

/* oci-archive:PATH: podman writes it; for docker, skopeo reads the daemon. */
static int
move_oci_archive(struct move_job *job, const struct move_image_info *info,
    struct paks_error **err)
{
	_cleanup_strv_ struct strv argv = STRV_INIT;
	_cleanup_free_ char *tmp = NULL, *tag = move_repotag(job->image);
	_cleanup_free_ char *last = NULL, *size = NULL;
	_cleanup_run_ struct run r = RUN_INIT(NULL);
	_cleanup_close_ int fd = -1;
	const char *path = job->dest->path;
	struct stat st;
	int code;

	if ((fd = move_sibling(path, &tmp, err)) < 0)
		return -1;
	if (job->engine->daemon) {
		move_skopeo_copy(&argv, "src");
		strv_push(&argv, "--dest-compress");
		strv_pushf(&argv, "docker-daemon:%s", info->id);
		strv_pushf(&argv, "oci-archive:%s%s%s", tmp, tag ? ":" : "",
		    tag ? tag : "");
	} else {
		strv_push(&argv, job->engine->program);
		strv_push(&argv, "save");
		strv_push(&argv, "--format=oci-archive");
		strv_pushf(&argv, "--output=%s", tmp);
		strv_push(&argv, job->image);
	}
	r.argv = argv.v;
	r.err.how = RUN_CAPTURE;
	code = move_exec(&r, err);
	if (code != 0) {
		unlink(tmp);
		move_watch(NULL);
		if (code < 0)
			return -1;
		last = move_last_line(strbuf_str(&r.err_text));
		return paks_error_set(err, 0, "%s failed: %s", argv.v[0],
		    *last ? last : "no message");
	}
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		move_watch(NULL);
		return paks_error_set(err, e, "cannot write '%s'", path);
	}
	move_watch(NULL);
	size = text_size(stat(path, &st) == 0 ? (uint64_t)st.st_size : 0);
	move_say(job, "wrote %s (%s, %zu layer%s)\n", path, size,
	    info->layers.n, info->layers.n == 1 ? "" : "s");
	move_say_load(job, path, tag ? tag : info->id);
	return 0;
}

/* Write the image to the file job->dest names, in the format it names. */
int
move_file(struct move_job *job, const struct move_image_info *info,
    struct paks_error **err)
{
	if (job->dest->kind == MOVE_OCI_ARCHIVE)
		return move_oci_archive(job, info, err);
	return move_docker_archive(job, info, err);
}
