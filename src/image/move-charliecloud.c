/*
 * charliecloud:DIR and charliecloud:FILE.sqfs: an image directory (or a
 * SquashFS file) that ch-run starts as an ordinary user.
 *
 * ch-convert does the flattening and writes the image's environment to
 * /ch/environment (ch-run --set-env reads it). ch-run runs you as
 * yourself, so what the image keeps in /root (mode 0700, owned by root)
 * would be unreadable; paks opens /root and the image's working directory
 * to reading by all, which is where a developer's work usually is.
 * Before anything is written, the preflight (preflight.c) says what in
 * the image will not work under ch-run; with --strict it refuses.
 */
#include <errno.h>
#include <ftw.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "move-charliecloud.h"
#include "preflight.h"
#include "util/cleanup.h"
#include "util/text.h"
#include "util/xalloc.h"

static uint64_t ch_total;

static int
ch_open_one(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
	mode_t m = st->st_mode & 07777, want = m | S_IRGRP | S_IROTH;

	(void)ftw;
	if (type == FTW_SL || type == FTW_SLN)
		return 0;
	if (S_ISDIR(st->st_mode) || (m & S_IXUSR))
		want |= S_IXGRP | S_IXOTH;
	if (want != m && chmod(path, want) < 0)
		return errno;
	return 0;
}

/* Let every user read path and all below it (directories: enter too). */
static int
ch_open_up(const char *root, const char *inside, struct paks_error **err)
{
	_cleanup_free_ char *path = xasprintf("%s%s", root, inside);
	struct stat st;
	int rc;

	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	rc = nftw(path, ch_open_one, 32, FTW_PHYS);
	if (rc != 0)
		return paks_error_set(err, rc > 0 ? rc : errno, "cannot make "
		    "'%s' readable in the image", inside);
	return 0;
}

static int
ch_count(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (type == FTW_F)
		ch_total += (uint64_t)st->st_size;
	return 0;
}

static int
ch_remove_one(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

/* Remove the directory tree paks made (not following symlinks). */
static void
ch_remove(const char *dir)
{
	struct stat st;

	if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		nftw(dir, ch_remove_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static int
ch_convert(struct move_job *job, char *const *argv, struct paks_error **err)
{
	_cleanup_free_ char *last = NULL;
	_cleanup_run_ struct run r = RUN_INIT(argv);
	int code;

	r.err.how = RUN_CAPTURE;
	code = move_exec(&r, err);
	if (code < 0) {
		if ((*err)->code == ENOENT) {
			paks_error_release(err);
			paks_error_set(err, 0, "charliecloud: needs ch-convert, "
			    "which is not installed");
			return paks_error_hint(err, "apt-get install "
			    "charliecloud%s", job->dest->squash ?
			    " squashfs-tools" : "");
		}
		return -1;
	}
	if (code != 0) {
		last = move_last_line(strbuf_str(&r.err_text));
		return paks_error_set(err, 0, "ch-convert failed: %s",
		    *last ? last : "no message");
	}
	return 0;
}

/* mksquashfs on PATH? (ch-convert needs it for .sqfs) */
static bool
ch_have_mksquashfs(void)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = xstrdup(path ? path :
	    "/usr/sbin:/usr/bin:/sbin:/bin");
	char *save = NULL;

	for (char *d = strtok_r(copy, ":", &save); d != NULL;
	    d = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *p = xasprintf("%s/mksquashfs", d);
		if (access(p, X_OK) == 0)
			return true;
	}
	return false;
}

int
move_charliecloud(struct move_job *job, const struct move_image_info *info,
    struct paks_error **err)
{
	const struct move_dest *d = job->dest;
	_cleanup_free_ char *copy = xstrdup(d->path), *tmp = NULL;
	_cleanup_free_ char *size = NULL, *bash = NULL, *ubash = NULL;
	_cleanup_strv_ struct strv argv = STRV_INIT;
	_cleanup_strbuf_ struct strbuf cmd = STRBUF_INIT;
	const char *wd = *info->workdir ? info->workdir : "/";
	const char *shell;
	struct stat st;
	int rc = -1;

	if (!d->squash && lstat(d->path, &st) == 0)
		return paks_error_set(err, 0, "'%s' exists; remove it or name "
		    "a new directory", d->path);
	if (d->squash && !ch_have_mksquashfs()) {
		paks_error_set(err, 0, "charliecloud:%s needs mksquashfs, which "
		    "is not installed", d->path);
		return paks_error_hint(err, "apt-get install squashfs-tools, "
		    "or move to charliecloud:DIR");
	}
	if (preflight_charliecloud(job, err) < 0)
		return -1;
	/* a fresh name beside the destination; ch-convert makes the folder */
	tmp = xasprintf("%s/.paks-ch.XXXXXX", dirname(copy));
	if (mkdtemp(tmp) == NULL || rmdir(tmp) < 0)
		return paks_error_set(err, errno, "cannot write in '%s'",
		    dirname(copy));
	move_say(job, "converting %s with ch-convert ...\n", job->image);
	strv_push(&argv, "ch-convert");
	strv_push(&argv, "-i");
	strv_push(&argv, job->engine->name);
	strv_push(&argv, job->image);
	strv_push(&argv, tmp);
	if (ch_convert(job, argv.v, err) < 0)
		goto out;
	if (ch_open_up(tmp, "/root", err) < 0 ||
	    (strcmp(wd, "/") != 0 && ch_open_up(tmp, wd, err) < 0))
		goto out;
	bash = xasprintf("%s/bin/bash", tmp);
	ubash = xasprintf("%s/usr/bin/bash", tmp);
	shell = access(bash, F_OK) == 0 || access(ubash, F_OK) == 0 ?
	    "bash" : "sh";
	if (d->squash) {
		strv_release(&argv);
		strv_push(&argv, "ch-convert");
		strv_push(&argv, "-i");
		strv_push(&argv, "dir");
		strv_push(&argv, "-o");
		strv_push(&argv, "squash");
		strv_push(&argv, tmp);
		strv_push(&argv, d->path);
		if (ch_convert(job, argv.v, err) < 0)
			goto out;
		size = text_size(stat(d->path, &st) == 0 ?
		    (uint64_t)st.st_size : 0);
	} else {
		if (rename(tmp, d->path) < 0) {
			paks_error_set(err, errno, "cannot make '%s'", d->path);
			goto out;
		}
		ch_total = 0;
		nftw(d->path, ch_count, 32, FTW_PHYS);
		size = text_size(ch_total);
	}
	move_say(job, "wrote %s (%s); /root is readable to the user who runs "
	    "it\n", d->path, size);
	strbuf_adds(&cmd, "ch-run --set-env --cd=");
	text_shell_quote(&cmd, wd);
	strbuf_addch(&cmd, ' ');
	text_shell_quote(&cmd, d->path);
	strbuf_addf(&cmd, " -- %s", shell);
	move_say(job, "run it as any user (ch-run%s):\n  %s\n", d->squash ?
	    " built with SquashFUSE" : "", cmd.buf);
	rc = 0;
out:
	ch_remove(tmp);
	return rc;
}
