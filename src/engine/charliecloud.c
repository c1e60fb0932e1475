/*
 * Charliecloud: sessions in an image directory (or a SquashFS file) run by
 * ch-run as the ordinary user, with the same pty and shell integration as
 * docker and podman.
 *
 * There is no image store and no container: the image is a directory on
 * the host, so the #command operations work on it directly. #cp opens a
 * container path below the host directory that holds it (the image, or a
 * bind: /tmp, -v, --home), resolving symbolic links as the container
 * would, inside the image (openat2 RESOLVE_IN_ROOT, or the same walk by
 * hand), so a link planted in the image cannot send a copy elsewhere on
 * the host; it copies from and to fds (util/safetree.c). #save copies
 * the tree beside the source; #inspect shows what Charliecloud keeps in
 * DIR/ch/.
 *
 * A directory the user can write is run with --write: changes go straight
 * into it, as in a kept container (Charliecloud has no writable layer).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine.h"
#include "store/paths.h"
#include "util/cleanup.h"
#include "util/safetree.h"
#include "util/run.h"
#include "util/spawn.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

#define CH_NAME "charliecloud"

/* ch-run refuses to start without $USER (a batch job may lack it). */
static void
ch_set_user(void)
{
	const char *name;

	if (getenv("USER") == NULL && (name = paths_user_name()) != NULL)
		setenv("USER", name, 1);
}

static int
ch_probe(const struct engine *e, struct paks_error **err)
{
	char *argv[] = { "ch-run", "--version", NULL };
	_cleanup_run_ struct run r = RUN_INIT(argv);
	const char *eo;

	(void)e;
	ch_set_user();
	r.err.how = RUN_CAPTURE;
	if (run_cmd(&r, err) < 0) {
		paks_error_release(err);
		paks_error_set(err, 0, "charliecloud is not installed (no "
		    "ch-run on PATH)");
		return paks_error_hint(err, "apt-get install charliecloud");
	}
	eo = strbuf_str(&r.err_text);
	if (r.code != 0)
		return paks_error_set(err, 0, "ch-run --version failed: %.*s",
		    (int)strcspn(eo, "\n"), eo);
	return 0;
}

/* A root file system, not some other directory. */
static bool
ch_is_image_dir(const char *dir)
{
	static const char *const marks[] = { "bin", "usr", "ch", NULL };
	struct stat st;

	for (const char *const *m = marks; *m; m++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, *m);
		if (lstat(p, &st) == 0)
			return true;
	}
	return false;
}

static bool
ch_is_squash(const char *image)
{
	struct stat st;

	return stat(image, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * A file below DIR, symbolic links resolved inside DIR as resolve says
 * (RESOLVE_IN_ROOT, RESOLVE_NO_SYMLINKS): by openat2, or where it is
 * missing (Linux < 5.6, PAKS_NO_OPENAT2=1) by safetree's walk by hand.
 */
static int
ch_open_in(const char *root, const char *rel, int flags, uint64_t resolve)
{
	_cleanup_close_ int rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	enum safetree_resolve res = SAFETREE_BENEATH;

	if (rfd < 0)
		return -1;
	if (resolve & RESOLVE_IN_ROOT)
		res |= SAFETREE_IN_ROOT;
	if (resolve & RESOLVE_NO_SYMLINKS)
		res |= SAFETREE_NO_LINKS;
	while (*rel == '/')
		rel++;
	return safetree_open_how(rfd, rel, flags, res);
}

/* A small file of the image: DIR/rel, or "unsquashfs -cat" of a file. */
static char *
ch_image_file(const char *image, const char *rel)
{
	struct strbuf sb = STRBUF_INIT;

	if (ch_is_squash(image)) {
		char *argv[] = { "unsquashfs", "-cat", (char *)image,
			(char *)rel, NULL };
		_cleanup_free_ char *out = NULL;
		struct paks_error *ignored = NULL;
		int rc = engine_cmd(NULL, argv, NULL, &out, -1, &ignored);
		paks_error_free(ignored);
		return rc == 0 ? TAKE_PTR(out) : NULL;
	}
	_cleanup_close_ int fd = ch_open_in(image, rel, O_RDONLY,
	    RESOLVE_IN_ROOT);
	char buf[8192];
	ssize_t n;

	if (fd < 0)
		return NULL;
	while ((n = read(fd, buf, sizeof buf)) > 0 && sb.len < (4u << 20))
		strbuf_add(&sb, buf, (size_t)n);
	if (n < 0) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

static json_t *
ch_metadata(const char *image)
{
	_cleanup_free_ char *text = ch_image_file(image, "ch/metadata.json");

	return text ? json_loads(text, 0, NULL) : NULL;
}

/* The storage of ch-image, where "ch-run NAME" finds an image NAME. */
static char *
ch_storage_path(const char *name)
{
	const char *st = getenv("CH_IMAGE_STORAGE"), *user = getenv("USER");
	_cleanup_free_ char *dir = st && *st ? xstrdup(st) :
	    xasprintf("/var/tmp/%s.ch", user ? user : "");
	struct strbuf sb = STRBUF_INIT;
	struct stat st_;

	strbuf_addf(&sb, "%s/img/", dir);
	for (const char *p = name; *p; p++)
		strbuf_addch(&sb, *p == '/' ? '%' : *p == ':' ? '+' : *p);
	if (stat(sb.buf, &st_) == 0 && S_ISDIR(st_.st_mode))
		return strbuf_detach(&sb);
	if (strchr(name, ':') == NULL) {
		strbuf_adds(&sb, "+latest");
		if (stat(sb.buf, &st_) == 0 && S_ISDIR(st_.st_mode))
			return strbuf_detach(&sb);
	}
	strbuf_release(&sb);
	return NULL;
}

/* Can this user open /dev/fuse? ch-run mounts SquashFS through it. */
static bool
ch_fuse_usable(void)
{
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* What paks run may not ask of ch-run. */
static int
ch_check_opts(const struct run_opts *o, struct paks_error **err)
{
	if (o->keep) {
		paks_error_set(err, 0, "run: --keep is not supported by "
		    CH_NAME);
		return paks_error_hint(err, "there is no container to keep: "
		    "a writable image directory keeps your changes itself");
	}
	for (char *const *v = o->volumes; v && *v; v++) {
		size_t n = strlen(*v);
		if (n > 3 && strcmp(*v + n - 3, ":ro") == 0)
			return paks_error_set(err, 0, "run: -v '%s': read-only "
			    "binds are not supported by " CH_NAME, *v);
	}
	if (o->user != NULL && *o->user != '\0' &&
	    strspn(o->user, "0123456789") != strlen(o->user)) {
		paks_error_set(err, 0, "run: the user setting must be a UID "
		    "for " CH_NAME " (ch-run --uid)");
		return paks_error_hint(err, "use -s user= to run as yourself");
	}
	return 0;
}

/*
 * Find the image: a directory, a SquashFS file, or a name in ch-image
 * storage. A path is never parsed as an image reference.
 */
static int
ch_find(const char *image, char **path, struct paks_error **err)
{
	_cleanup_free_ char *found = NULL;
	struct stat st;

	if (stat(image, &st) < 0) {
		/* "me/dev" may be a ch-image name; "/x", "./x" are paths */
		bool pathlike = *image == '/' || *image == '.' || *image == '~';
		if (errno != ENOENT || pathlike)
			return paks_error_set(err, errno, "no Charliecloud "
			    "image '%s'", image);
		if ((found = ch_storage_path(image)) == NULL) {
			paks_error_set(err, ENOENT, "no Charliecloud image "
			    "'%s' (no such path, nor name in ch-image storage)",
			    image);
			return paks_error_hint(err, "give an image directory, "
			    "e.g. from paks move IMAGE charliecloud:DIR");
		}
		image = found;
		if (stat(image, &st) < 0)
			return paks_error_set(err, errno, "no Charliecloud "
			    "image '%s'", image);
	}
	if (S_ISDIR(st.st_mode) && !ch_is_image_dir(image)) {
		paks_error_set(err, 0, "'%s' is not a Charliecloud image "
		    "directory (no bin, usr or ch in it)", image);
		return paks_error_hint(err, "make one with 'paks move IMAGE "
		    "charliecloud:DIR' or 'ch-convert -i docker IMAGE DIR'");
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return paks_error_set(err, 0, "'%s' is neither an image "
		    "directory nor a SquashFS file", image);
	if (S_ISREG(st.st_mode) && !ch_fuse_usable()) {
		paks_error_set(err, 0, "'%s' is a SquashFS image, and ch-run "
		    "mounts those with FUSE, which this machine does not let "
		    "you use (/dev/fuse)", image);
		return paks_error_hint(err, "unpack it: ch-convert -i squash "
		    "-o dir '%s' DIR, then paks run -c " CH_NAME " DIR", image);
	}
	if ((*path = realpath(image, NULL)) == NULL)
		return paks_error_set(err, errno, "cannot resolve '%s'", image);
	return 0;
}

/*
 * Before the run: find the image and work out ch-run's options: --write
 * for a directory the user may write, the image's environment
 * (ch/environment, else the env of ch/metadata.json) and its working
 * directory when none was given.
 */
static int
ch_open(const struct engine *e, struct run_opts *o, char **path,
    struct strv *args, struct paks_error **err)
{
	_cleanup_free_ char *envfile = NULL;
	json_t *meta;

	(void)e;
	ch_set_user();
	if (ch_check_opts(o, err) < 0 || ch_find(o->image, path, err) < 0)
		return -1;
	o->image = *path;
	if (!ch_is_squash(*path) && access(*path, W_OK) == 0)
		strv_push(args, "--write");
	if ((envfile = ch_image_file(*path, "ch/environment")) != NULL)
		strv_push(args, "--set-env");
	meta = ch_metadata(*path);
	if (envfile == NULL && json_is_object(json_object_get(meta, "env"))) {
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(meta, "env"), k, v)
			if (json_is_string(v))
				strv_pushf(args, "--set-env=%s=%s", k,
				    json_string_value(v));
	}
	if (o->workdir == NULL &&
	    json_is_string(json_object_get(meta, "cwd")))
		strv_pushf(args, "--cd=%s",
		    json_string_value(json_object_get(meta, "cwd")));
	json_decref(meta);
	return 0;
}

/* "ch-run OPTIONS IMAGE -- /bin/sh CMD..." for an interactive session. */
static void
ch_run_argv(const struct engine *e, const struct run_opts *o,
    char *const *cmd, struct strv *argv)
{
	static const struct run_opt_names names = { "--cd", "--uid", "--bind",
		"--set-env" };

	(void)e;
	strv_push(argv, "ch-run");
	/* values are literal, as docker's -e and the image's ENV are */
	strv_push(argv, "--env-no-expand");
	strv_pushv(argv, o->prepared);
	engine_run_opts(o, &names, argv);
	strv_push(argv, o->image);
	strv_push(argv, "--");
	/* command mode: CMD itself; ch-run passes on its environment, so
	 * --envload values go there, not through a FIFO */
	if (o->command != NULL) {
		strv_pushv(argv, o->command);
		return;
	}
	strv_push(argv, "/bin/sh");
	strv_pushv(argv, cmd);
}

static bool
ch_has_arg(char *const *v, const char *a, const char *b)
{
	for (; v && *v; v++)
		if (strcmp(*v, a) == 0 || (b && strcmp(*v, b) == 0))
			return true;
	return false;
}

/* "/a/./b/../c/" -> "/a/c": ".." never climbs above "/". */
static char *
ch_normalize(const char *base, const char *p)
{
	_cleanup_free_ char *all = p[0] == '/' ? xstrdup(p) :
	    xasprintf("%s/%s", base && *base ? base : "/", p);
	struct strbuf sb = STRBUF_INIT;
	char *save = NULL;

	for (char *c = strtok_r(all, "/", &save); c != NULL;
	    c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			while (sb.len > 0 && sb.buf[sb.len - 1] != '/')
				sb.len--;
			if (sb.len > 0)
				sb.len--;
			sb.buf[sb.len] = '\0';
			continue;
		}
		strbuf_addf(&sb, "/%s", c);
	}
	if (sb.len == 0)
		strbuf_addch(&sb, '/');
	return strbuf_detach(&sb);
}

/* Is path (normalized) mnt or below it? Returns what is below, or NULL. */
static const char *
ch_below(const char *path, const char *mnt)
{
	size_t n = strlen(mnt);

	while (n > 1 && mnt[n - 1] == '/')
		n--;
	if (n == 1 && mnt[0] == '/')
		return path;
	if (strncmp(path, mnt, n) != 0 || (path[n] != '/' && path[n] != '\0'))
		return NULL;
	return path + n;
}

/* Where a container path lives on the host: the image or a bind. */
struct ch_place {
	char		*root;		/* host directory */
	const char	*rest;		/* path below it */
	bool		 image;		/* root is the image */
	uint64_t	 resolve;	/* how links below root resolve */
};

static void
ch_place_set(struct ch_place *pl, char *root, const char *rest)
{
	free(pl->root);
	*pl = (struct ch_place){ .root = root, .rest = rest,
		.resolve = RESOLVE_BENEATH };
}

static int
ch_place(const struct engine_op *op, const char *ctr, char *norm,
    struct ch_place *pl, struct paks_error **err)
{
	const struct run_opts *o = op->run;
	static const char *const virt[] = { "/dev", "/proc", "/sys", NULL };
	const char *tmp = getenv("TMPDIR"), *r;
	size_t best = 0;

	for (const char *const *v = virt; *v; v++)
		if (ch_below(norm, *v) != NULL)
			return paks_error_set(err, 0, "'%s' is not in the "
			    "image (ch-run mounts %s from the host)", ctr, *v);
	*pl = (struct ch_place){ .root = xstrdup(o->image), .rest = norm,
		.image = true, .resolve = RESOLVE_IN_ROOT };
	/* binds hide the image below them; links must stay inside them */
	for (char *const *v = o->volumes; v && *v; v++) {
		const char *colon = strchr(*v, ':');
		_cleanup_free_ char *dst = ch_normalize("/", colon ? colon + 1 :
		    *v);
		if ((r = ch_below(norm, dst)) != NULL && strlen(dst) > best) {
			best = strlen(dst);
			ch_place_set(pl, colon ? xstrndup(*v, (size_t)(colon -
			    *v)) : xstrdup(*v), r);
		}
	}
	if (best == 0 && !ch_has_arg(o->extra, "-t", "--private-tmp") &&
	    (r = ch_below(norm, "/tmp")) != NULL)
		ch_place_set(pl, xstrdup(tmp && *tmp ? tmp : "/tmp"), r);
	if (best == 0 && ch_has_arg(o->extra, "--home", NULL) &&
	    getenv("HOME") != NULL && getenv("USER") != NULL) {
		_cleanup_free_ char *home = xasprintf("/home/%s",
		    getenv("USER"));
		if ((r = ch_below(norm, home)) != NULL)
			ch_place_set(pl, xstrdup(getenv("HOME")), r);
	}
	if (pl->image && ch_is_squash(o->image)) {
		free(pl->root);
		pl->root = NULL;
		paks_error_set(err, 0, "#cp in a SquashFS image is not "
		    "supported by " CH_NAME " (ch-run mounts it read-only)");
		return paks_error_hint(err, "unpack it with ch-convert -i "
		    "squash -o dir, or copy through /tmp");
	}
	return 0;
}

/*
 * Where a container path is on the host: *root (an fd of the image or of
 * a bind) and *rest below it, *in_root when links resolve as in the image
 * (RESOLVE_IN_ROOT), else beneath the bind.
 */
static int
ch_locate(const struct engine_op *op, const char *ctr, int *root, char **rest,
    bool *in_root, bool *in_image, struct paks_error **err)
{
	_cleanup_free_ char *norm = ch_normalize(op->cwd ? op->cwd :
	    op->run->workdir, ctr);
	struct ch_place pl = { 0 };
	const char *r;

	if (ch_place(op, ctr, norm, &pl, err) < 0)
		return -1;
	*in_root = (pl.resolve & RESOLVE_IN_ROOT) != 0;
	*in_image = pl.image;
	*root = open(pl.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	free(pl.root);
	if (*root < 0)
		return paks_error_set(err, errno, "cannot copy '%s'", ctr);
	for (r = pl.rest; *r == '/'; r++)
		;
	*rest = xstrdup(r);
	return 0;
}

/* The last name of a path, "" for "/"; trailing slashes ignored. */
static char *
ch_last_name(const char *path)
{
	size_t n = strlen(path);
	const char *s;

	while (n > 1 && path[n - 1] == '/')
		n--;
	for (s = path + n; s > path && s[-1] != '/'; s--)
		;
	return xstrndup(s, (size_t)(path + n - s));
}

/*
 * Image to host: the source opened as the container sees it (links
 * resolved inside the image, or beneath a bind), then copied from that fd
 * with the host-side rules of util/safetree.c: never through a link, no
 * link that leaves what is copied. No path is handed to another program.
 */
static int
ch_cp_out(const struct engine_op *op, const struct engine_cp *cp,
    struct paks_error **err)
{
	_cleanup_safetree_ struct safetree st = SAFETREE_INIT;
	_cleanup_close_ int root = -1, probe = -1, fd = -1;
	_cleanup_free_ char *rest = NULL, *name = NULL;
	bool in_root, in_image, contents;
	struct stat a, b;

	if (ch_locate(op, cp->ctr, &root, &rest, &in_root, &in_image, err) < 0)
		return -1;
	probe = safetree_open_below(root, rest, O_PATH, in_root);
	if (probe < 0 || fstat(probe, &a) < 0)
		return paks_error_set(err, errno, "cannot copy '%s'", cp->what);
	if (!S_ISREG(a.st_mode) && !S_ISDIR(a.st_mode))
		return paks_error_set(err, 0, "cannot copy '%s': it is neither "
		    "a file nor a directory", cp->what);
	/* O_NONBLOCK: a fifo put there since must not stall the session */
	fd = safetree_open_below(root, rest, O_RDONLY | O_NONBLOCK, in_root);
	if (fd < 0 || fstat(fd, &b) < 0)
		return paks_error_set(err, errno, "cannot copy '%s'", cp->what);
	if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return paks_error_set(err, 0, "cannot copy '%s': it changed "
		    "while being copied", cp->what);
	name = ch_last_name(rest);
	contents = safetree_wants_contents(cp->ctr) || *name == '\0';
	if (safetree_begin_host(&st, cp->host, cp->shown, err) < 0 ||
	    safetree_add_fd(&st, name, fd, contents, err) < 0)
		return -1;
	return safetree_commit(&st, err);
}

/*
 * Host to image: into the directory the container path names, or as its
 * last name in its parent, both resolved as the container sees them; a
 * link there is refused. The host source is the user's: a link named as
 * the source is copied as a link, as cp -a does.
 */
static int
ch_cp_in(const struct engine_op *op, const struct engine_cp *cp,
    struct paks_error **err)
{
	_cleanup_safetree_ struct safetree st = SAFETREE_INIT;
	_cleanup_close_ int root = -1, dir = -1, src = -1;
	_cleanup_free_ char *rest = NULL, *last = NULL, *name = NULL;
	bool in_root, in_image, contents = safetree_wants_contents(cp->what);
	char target[PATH_MAX];
	struct stat sb;
	ssize_t n;

	if (ch_locate(op, cp->ctr, &root, &rest, &in_root, &in_image, err) < 0)
		return -1;
	dir = safetree_open_below(root, rest, O_RDONLY | O_DIRECTORY, in_root);
	if (dir < 0) {
		const char *slash = strrchr(rest, '/');
		_cleanup_free_ char *up = xstrndup(rest, slash ?
		    (size_t)(slash - rest) : 0);

		last = xstrdup(slash ? slash + 1 : rest);
		dir = safetree_open_below(root, up, O_RDONLY | O_DIRECTORY,
		    in_root);
		if (dir < 0)
			return paks_error_set(err, errno, "cannot copy '%s'",
			    cp->ctr);
		/* never write through a link the image holds */
		if (fstatat(dir, last, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(sb.st_mode))
			return paks_error_set(err, 0, "cannot copy to '%s': it "
			    "is a symbolic link in the image, which paks does "
			    "not follow", cp->ctr);
	}
	if (in_image && access(op->run->image, W_OK) < 0)
		return paks_error_set(err, errno, "cannot copy into the image "
		    "'%s'", op->run->image);
	name = ch_last_name(cp->host);
	if (!contents && strcmp(name, "..") == 0) {
		_cleanup_free_ char *real = realpath(cp->host, NULL);
		free(name);
		name = real ? ch_last_name(real) : xstrdup("");
	}
	if (!contents && (*name == '\0' || strcmp(name, ".") == 0))
		return paks_error_set(err, 0, "cannot copy '%s' by that name",
		    cp->what);
	if (safetree_begin(&st, TAKE_FD(dir), last && *last ? last : NULL,
	    cp->shown ? cp->shown : cp->ctr, false, err) < 0)
		return -1;
	if (lstat(cp->host, &sb) == 0 && S_ISLNK(sb.st_mode) && !contents) {
		if ((n = readlink(cp->host, target, sizeof target - 1)) < 0)
			return paks_error_set(err, errno, "cannot copy '%s'",
			    cp->what);
		target[n] = '\0';
		if (safetree_add_link(&st, name, target, err) < 0)
			return -1;
		return safetree_commit(&st, err);
	}
	src = open(cp->host, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (src < 0 || fstat(src, &sb) < 0)
		return paks_error_set(err, errno, "cannot copy '%s'", cp->what);
	if (!S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode))
		return paks_error_set(err, 0, "cannot copy '%s': it is neither "
		    "a file nor a directory", cp->what);
	if (safetree_add_fd(&st, name, src, contents, err) < 0)
		return -1;
	return safetree_commit(&st, err);
}

static int
ch_cp(const struct engine_op *op, const struct engine_cp *cp,
    struct paks_error **err)
{
	return cp->to_host ? ch_cp_out(op, cp, err) : ch_cp_in(op, cp, err);
}

/* KEY=VALUE lines of ch/environment, as a JSON array like Config.Env. */
static json_t *
ch_env_json(const char *text)
{
	json_t *a = json_array();
	_cleanup_free_ char *copy = xstrdup(text);
	char *save = NULL;

	for (char *l = strtok_r(copy, "\n", &save); l != NULL;
	    l = strtok_r(NULL, "\n", &save))
		if (strchr(l, '=') != NULL)
			json_array_append_new(a, json_string(l));
	return a;
}

static int
ch_inspect(const struct engine_op *op, char **out, struct paks_error **err)
{
	const char *image = op->run->image;
	_cleanup_free_ char *env = ch_image_file(image, "ch/environment");
	json_t *meta = ch_metadata(image), *doc;
	char *s;

	(void)err;
	doc = json_pack("{s:s, s:s, s:b, s:o, s:o}",
	    "Image", image,
	    "Format", ch_is_squash(image) ? "squashfs" : "directory",
	    "Writable", ch_has_arg(op->run->prepared, "--write", NULL),
	    "Environment", env ? ch_env_json(env) : json_null(),
	    "Metadata", meta ? meta : json_null());
	if (doc == NULL || (s = json_dumps(doc, JSON_PRESERVE_ORDER)) == NULL)
		xoom();
	json_decref(doc);
	*out = s;
	return 0;
}

/* Bytes the tree uses on disk (du counts hard links once). */
static int
ch_du(const struct engine_op *op, const char *dir, double *bytes,
    struct paks_error **err)
{
	char *argv[] = { "du", "-s", "-B1", "--", (char *)dir, NULL };
	_cleanup_free_ char *out = NULL;

	if (engine_cmd(&op->runner, argv, NULL, &out, -1, err) < 0)
		return -1;
	if (sscanf(out, "%lf", bytes) != 1)
		return paks_error_set(err, 0, "cannot read the size from du");
	return 0;
}

static int
ch_size(const struct engine_op *op, struct engine_size *z,
    struct paks_error **err)
{
	const char *image = op->run->image;
	double bytes;
	struct stat st;

	*z = (struct engine_size){ .writable = -1, .virtual_size = -1,
		.path = image, .squashfs = ch_is_squash(image) };
	if (z->squashfs) {
		if (stat(image, &st) < 0)
			return paks_error_set(err, errno, "cannot read '%s'",
			    image);
		z->image = (long long)st.st_size;
		return 0;
	}
	if (ch_du(op, image, &bytes, err) < 0)
		return -1;
	z->image = (long long)bytes;
	return 0;
}

/* #save SUFFIX writes DIR+SUFFIX beside DIR; DIR-saved saves in place. */
static char *
ch_save_name(const struct engine_op *op, const char *suffix,
    struct paks_error **err)
{
	const char *image = op->run->image;
	size_t il = strlen(image), sl = strlen(suffix);

	if (ch_is_squash(image)) {
		paks_error_set(err, 0, "#save of a SquashFS image is not "
		    "supported by " CH_NAME " (it is read-only)");
		paks_error_hint(err, "unpack it with ch-convert -i squash -o "
		    "dir and run that directory");
		return NULL;
	}
	if (*suffix == '\0' || strchr(suffix, '/') != NULL) {
		paks_error_set(err, 0, "invalid suffix '%s'", suffix);
		paks_error_hint(err, "a suffix is added to the directory's "
		    "name, e.g. #save -v2");
		return NULL;
	}
	if (il > sl && strcmp(image + il - sl, suffix) == 0)
		return xstrdup(image);
	return xasprintf("%s%s", image, suffix);
}

/* Remove a tree that paks made (its copy, or the copy it replaced). */
static void
ch_remove_tree(const struct engine_op *op, const char *dir)
{
	char *chmod_argv[] = { "chmod", "-R", "u+rwx", "--", (char *)dir,
		NULL };
	char *rm_argv[] = { "rm", "-rf", "--one-file-system", "--",
		(char *)dir, NULL };
	struct paks_error *ignored = NULL;

	if (engine_cmd(&op->runner, rm_argv, NULL, NULL, -1, &ignored) < 0) {
		paks_error_release(&ignored);
		/* a directory without write permission: open it up, retry */
		if (engine_cmd(&op->runner, chmod_argv, NULL, NULL, -1,
		    &ignored) < 0)
			paks_error_release(&ignored);
		if (engine_cmd(&op->runner, rm_argv, NULL, NULL, -1, &ignored) < 0)
			paks_error_release(&ignored);
	}
}

/*
 * Shell history in the copy: removed, or kept without #command lines, as
 * #save does for docker and podman. Links are not followed.
 */
static void
ch_save_history(const char *root, bool keep)
{
	static const char *const files[] = { ".bash_history", ".ash_history",
		".sh_history", ".zsh_history", NULL };
	const char *homes[] = { "/root", getenv("HOME"), NULL };
	uint64_t res = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS;

	for (const char *const *h = homes; *h; h++) {
		_cleanup_close_ int dfd = ch_open_in(root, *h, O_RDONLY |
		    O_DIRECTORY, res);
		if (dfd < 0)
			continue;
		for (const char *const *f = files; *f; f++) {
			_cleanup_free_ char *text = NULL;
			_cleanup_close_ int fd = -1;
			struct strbuf kept = STRBUF_INIT;
			size_t len = 0;
			FILE *in;

			if (!keep) {
				unlinkat(dfd, *f, 0);
				continue;
			}
			if ((fd = openat(dfd, *f, O_RDWR | O_NOFOLLOW |
			    O_CLOEXEC)) < 0 || (in = fdopen(dup(fd), "r")) ==
			    NULL)
				continue;
			while (getline(&text, &len, in) > 0)
				if (!(text[0] == '#' && ((text[1] >= 'a' &&
				    text[1] <= 'z') || (text[1] >= 'A' &&
				    text[1] <= 'Z'))))
					strbuf_adds(&kept, text);
			fclose(in);
			if (ftruncate(fd, 0) == 0 && kept.len > 0)
				(void)!pwrite(fd, kept.buf, kept.len, 0);
			strbuf_release(&kept);
		}
	}
}

/*
 * Copy the image directory to a new directory beside the target, then
 * move it into place: renamed, or exchanged with an older save that is
 * then removed. A failed or interrupted save leaves the target as it was.
 */
static int
ch_commit(const struct engine_op *op, const char *target,
    struct engine_saved *saved, struct paks_error **err)
{
	const char *image = op->run->image;
	_cleanup_free_ char *copy = xstrdup(target), *copy2 = xstrdup(target);
	_cleanup_free_ char *tmp = NULL;
	bool replace = false;
	double bytes = 0;
	struct stat st;
	_cleanup_free_ char *h = NULL;

	if (strcmp(target, image) == 0) {
		if (!ch_has_arg(op->run->prepared, "--write", NULL))
			return paks_error_set(err, 0, "'%s' is this session's "
			    "image and it is read-only", image);
		saved->detail = xstrdup("this session's image: your changes "
		    "are already in it");
		return 0;
	}
	if (lstat(target, &st) == 0) {
		if (!S_ISDIR(st.st_mode) || !ch_is_image_dir(target)) {
			paks_error_set(err, 0, "'%s' exists and is not an "
			    "image directory", target);
			return paks_error_hint(err, "move it away, or give "
			    "another suffix (#save -v2)");
		}
		replace = true;
	}
	tmp = xasprintf("%s/.%s.paks-XXXXXX", dirname(copy), basename(copy2));
	if (mkdtemp(tmp) == NULL)
		return paks_error_set(err, errno, "cannot write beside '%s'",
		    target);
	char *argv[] = { "cp", "-a", "-T", "--", (char *)image, tmp, NULL };
	if (engine_cmd(&op->runner, argv, "saving...", NULL, -1, err) < 0) {
		ch_remove_tree(op, tmp);
		return -1;
	}
	ch_save_history(tmp, op->keep_history);
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, target, replace ?
	    RENAME_EXCHANGE : RENAME_NOREPLACE) < 0) {
		int e = errno;
		ch_remove_tree(op, tmp);
		return paks_error_set(err, e, "cannot move the copy to '%s'",
		    target);
	}
	if (replace)
		ch_remove_tree(op, tmp);	/* the older save */
	if (ch_du(op, target, &bytes, err) < 0) {
		paks_error_release(err);
		saved->detail = xstrdup("a copy");
		return 0;
	}
	h = text_size((uint64_t)bytes);
	saved->detail = xasprintf("%s, run it with ch-run", h);
	return 0;
}

static int
ch_remove(const struct engine *e, const char *name)
{
	(void)e, (void)name;
	return 0;	/* no container: ch-run ends with the shell */
}

static const struct engine_lack ch_unsupported[] = {
	{ "move", "not yet for an image directory: #save writes DIR-saved; "
	    "copy that, or ch-convert it to a .sqfs or .tar.gz" },
	{ "rollback", "an image directory has no snapshots: #save writes "
	    "DIR-saved, which paks run starts again" },
	{ NULL, NULL },
};

const struct engine charliecloud_engine = {
	.name = CH_NAME,
	.program = "ch-run",
	.daemon = false,
	.images = false,
	.probe = ch_probe,
	.open = ch_open,
	.run_argv = ch_run_argv,
	.cp = ch_cp,
	.inspect = ch_inspect,
	.size = ch_size,
	.save_name = ch_save_name,
	.commit = ch_commit,
	.remove = ch_remove,
	.unsupported = ch_unsupported,
};
