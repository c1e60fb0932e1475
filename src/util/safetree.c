/*
 * Copies that land on the host without following a symbolic link.
 *
 * A copy is built in a private directory (".paks-cp-XXXXXXXX", mode 0700)
 * made beside its destination, so on the same file system. Every member
 * is made with mkdirat, openat (O_CREAT | O_EXCL | O_NOFOLLOW), symlinkat,
 * linkat or mkfifoat in a directory that was itself opened with O_NOFOLLOW
 * from the private one: whatever the source holds, nothing is written
 * through a link. Before anything is moved, each symbolic link made is
 * resolved by the kernel from the copy's root (openat2 RESOLVE_BENEATH, or
 * the same walk done by hand where openat2 is missing or PAKS_NO_OPENAT2
 * is set): a link that is absolute, leaves the copy, loops, or leads
 * nowhere through ".." refuses the whole copy, and the private directory
 * is removed. A link that leads nowhere without ".." is kept: whatever
 * comes to be at its end is below the copy. Device nodes are refused,
 * setuid and setgid bits dropped. Then the copy is renamed into place:
 * as a new name, over a file, or into an existing directory, merging
 * directory by directory, never through a link.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdio.h"
#include "safetree.h"
#include "strbuf.h"
#include "xalloc.h"

/* built on headers older than Linux 5.6: what openat2 takes */
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#else
struct open_how {
	uint64_t	flags;
	uint64_t	mode;
	uint64_t	resolve;
};
#define RESOLVE_NO_MAGICLINKS	0x02
#define RESOLVE_NO_SYMLINKS	0x04
#define RESOLVE_BENEATH		0x08
#define RESOLVE_IN_ROOT		0x10
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif

#define MAX_LINKS 40		/* as the kernel's path walk */

static int openat2_state = -1;	/* -1 not known yet, 0 no, 1 yes */

/* Can openat2 be used? Asked once; PAKS_NO_OPENAT2=1 says no (tests). */
bool
safetree_openat2(void)
{
	const char *no = getenv("PAKS_NO_OPENAT2");
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH };
	int fd;

	if (openat2_state >= 0)
		return openat2_state == 1;
	if (no != NULL && *no != '\0' && strcmp(no, "0") != 0) {
		openat2_state = 0;
		return false;
	}
	fd = (int)syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof how);
	openat2_state = fd >= 0;
	if (fd >= 0)
		close(fd);
	return openat2_state == 1;
}

/*
 * A walk by hand: the directories it went through (fd[0] is the root, not
 * ours), how to open what it finds, and the path still to walk.
 */
struct walk {
	int		*fd;
	size_t		 n, alloc;
	int		 flags;
	bool		 in_root;
	bool		 no_links;	/* a link on the way: ELOOP */
	int		 links;		/* followed so far */
	struct strbuf	 rest;
};

static void
walk_push(struct walk *w, int fd)
{
	if (w->n == w->alloc) {
		w->alloc = w->alloc ? 2 * w->alloc : 16;
		w->fd = xreallocarray(w->fd, w->alloc, sizeof *w->fd);
	}
	w->fd[w->n++] = fd;
}

static void
walk_release(struct walk *w)
{
	for (size_t i = 1; i < w->n; i++)
		close(w->fd[i]);
	free(w->fd);
	strbuf_release(&w->rest);
}

/* "..": back to the directory before; at the root, stay (in_root) or fail. */
static int
walk_dotdot(struct walk *w)
{
	if (w->n > 1)
		close(w->fd[--w->n]);
	else if (!w->in_root)
		return EXDEV;
	return 0;
}

/* The text of the link fd goes before what is left of the path. */
static int
walk_splice(struct walk *w, int fd)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(fd, "", target, sizeof target - 1);
	struct strbuf spliced = STRBUF_INIT;

	if (n <= 0 || ++w->links > MAX_LINKS)
		return n < 0 ? errno : n == 0 ? ENOENT : ELOOP;
	target[n] = '\0';
	strbuf_adds(&spliced, target);
	if (w->rest.len > 0)
		strbuf_addf(&spliced, "/%s", w->rest.buf);
	strbuf_release(&w->rest);
	w->rest = spliced;
	return 0;
}

/*
 * The last name, found not to be a link, opened as asked: a link put
 * there since is not followed.
 */
static int
walk_open_last(int dir, const char *name, int flags)
{
	struct stat sb;
	int fd = openat(dir, name, flags | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISLNK(sb.st_mode)) {
		close(fd);
		errno = EAGAIN;
		return -1;
	}
	return fd;
}

/*
 * One name of the path, in the directory the walk is in: 1 to walk on,
 * or 0 when the walk ends, with *rc what it opened (-1: *e says why).
 */
static int
walk_name(struct walk *w, const char *name, bool last, int *rc, int *e)
{
	int dir = w->fd[w->n - 1], fd;
	struct stat sb;

	if (strcmp(name, ".") == 0)
		return 1;
	if (strcmp(name, "..") == 0)
		return (*e = walk_dotdot(w)) == 0;
	if (last && (w->flags & O_NOFOLLOW)) {
		*rc = openat(dir, name, w->flags | O_CLOEXEC);
		*e = errno;
		return 0;
	}
	fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		*e = errno;
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (S_ISLNK(sb.st_mode)) {
		*e = w->no_links ? ELOOP : walk_splice(w, fd);
		close(fd);
		return *e == 0;
	}
	if (last) {
		close(fd);
		*rc = walk_open_last(dir, name, w->flags);
		*e = errno;
		return 0;
	}
	if (!S_ISDIR(sb.st_mode)) {
		close(fd);
		*e = ENOTDIR;
		return 0;
	}
	walk_push(w, fd);
	return 1;
}

/*
 * RESOLVE_BENEATH (SAFETREE_BENEATH) or RESOLVE_IN_ROOT (SAFETREE_IN_ROOT)
 * done by hand: one component at a time with O_PATH | O_NOFOLLOW; a link's
 * text is read and walked in turn (RESOLVE_NO_SYMLINKS, SAFETREE_NO_LINKS:
 * ELOOP instead); ".." pops the directories passed, so it never climbs
 * above root (an error beneath it, root itself in it).
 */
static int
walk_below(int root, const char *path, int flags, enum safetree_resolve res)
{
	bool in_root = (res & SAFETREE_IN_ROOT) != 0;
	struct walk w = { .flags = flags, .in_root = in_root,
		.no_links = (res & SAFETREE_NO_LINKS) != 0,
		.rest = STRBUF_INIT };
	int rc = -1, e = 0;

	walk_push(&w, root);
	strbuf_adds(&w.rest, path);
	for (;;) {
		/* only the path given or a link's text can start with '/' */
		if (w.rest.len > 0 && w.rest.buf[0] == '/') {
			if (!in_root) {
				e = EXDEV;
				break;
			}
			while (w.n > 1)
				close(w.fd[--w.n]);
			strbuf_remove_front(&w.rest, strspn(w.rest.buf, "/"));
		}
		if (w.rest.len == 0) {
			rc = openat(w.fd[w.n - 1], ".",
			    (flags & ~O_NOFOLLOW) | O_CLOEXEC);
			e = errno;
			break;
		}
		/* the next name, and the slashes after it */
		size_t len = strcspn(w.rest.buf, "/");
		_cleanup_free_ char *name = xstrndup(w.rest.buf, len);
		strbuf_remove_front(&w.rest,
		    len + strspn(w.rest.buf + len, "/"));
		if (!walk_name(&w, name, w.rest.len == 0, &rc, &e))
			break;
	}
	walk_release(&w);
	if (rc < 0)
		errno = e;
	return rc;
}

/*
 * openat(root, path, flags) with every symbolic link resolved below root:
 * beneath it (a link or ".." that would leave it is EXDEV) or, in_root, as
 * if root were "/". -1 with errno on failure.
 */
int
safetree_open_below(int root, const char *path, int flags, bool in_root)
{
	return safetree_open_how(root, path, flags,
	    in_root ? SAFETREE_IN_ROOT : SAFETREE_BENEATH);
}

/*
 * openat2(root, path, { flags, res as RESOLVE_* | RESOLVE_NO_MAGICLINKS }),
 * or the same walk by hand where openat2 is missing (Linux < 5.6) or
 * PAKS_NO_OPENAT2 is set. -1 with errno on failure.
 */
int
safetree_open_how(int root, const char *path, int flags,
    enum safetree_resolve res)
{
	if (*path == '\0')
		path = ".";
	if (safetree_openat2()) {
		struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC),
			.resolve = ((res & SAFETREE_IN_ROOT) ? RESOLVE_IN_ROOT :
			    RESOLVE_BENEATH) | ((res & SAFETREE_NO_LINKS) ?
			    RESOLVE_NO_SYMLINKS : 0) | RESOLVE_NO_MAGICLINKS };

		/* EAGAIN: a rename raced the walk; try again, then by hand */
		for (int i = 0; i < 8; i++) {
			int fd = (int)syscall(SYS_openat2, root, path, &how,
			    sizeof how);
			if (fd >= 0 || errno != EAGAIN)
				return fd;
		}
	}
	return walk_below(root, path, flags, res);
}

/* A source path that names a directory's contents: "d/.", ".", "/". */
bool
safetree_wants_contents(const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n == 1 && path[0] == '/')
		return true;
	return (n == 1 && path[0] == '.') ||
	    (n >= 2 && path[n - 1] == '.' && path[n - 2] == '/');
}

/* "a/./b//c" as "a/b/c"; "" for the root; NULL if it holds "..". */
static char *
member_clean(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			strbuf_release(&sb);
			return NULL;
		}
		if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (sb.len > 0)
				strbuf_addch(&sb, '/');
			strbuf_add(&sb, p, n);
		}
		p += n;
		p += strspn(p, "/");
	}
	return strbuf_detach(&sb);
}

/* The first name of a member's path: "" for the root, NULL for "..". */
char *
safetree_top_of(const char *path)
{
	char *clean = member_clean(path);

	if (clean != NULL)
		clean[strcspn(clean, "/")] = '\0';
	return clean;
}

/* The copy is the stage's entry top, or (NULL) the stage's contents. */
void
safetree_layout(struct safetree *st, const char *top)
{
	free(st->top);
	st->top = top ? xstrdup(top) : NULL;
	st->laid_out = true;
}

/* Where a member lands, as the user would name it, fit for a terminal. */
static char *
member_shown(const struct safetree *st, const char *rel)
{
	struct strbuf raw = STRBUF_INIT, sb = STRBUF_INIT;
	size_t n = strlen(st->shown);

	while (n > 1 && st->shown[n - 1] == '/')
		n--;
	strbuf_add(&raw, st->shown, n);
	if (st->top != NULL) {
		size_t t = strlen(st->top);
		if (st->name == NULL)
			strbuf_addf(&raw, "/%s", st->top);
		if (strncmp(rel, st->top, t) == 0 &&
		    (rel[t] == '/' || rel[t] == '\0'))
			rel += t + (rel[t] == '/');
	}
	if (*rel != '\0')
		strbuf_addf(&raw, "%s%s", raw.len ? "/" : "", rel);
	strbuf_add_shown(&sb, raw.buf, 240);
	strbuf_release(&raw);
	return strbuf_detach(&sb);
}

static char *
text_shown(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add_shown(&sb, s, 120);
	return strbuf_detach(&sb);
}

/* A copy refused because of what member rel is: why, once. */
__attribute__((format(printf, 4, 5)))
static int
refuse(const struct safetree *st, struct paks_error **err, const char *rel,
    const char *fmt, ...)
{
	_cleanup_free_ char *who = member_shown(st, rel), *why = NULL;
	va_list ap;

	va_start(ap, fmt);
	why = xvasprintf(fmt, ap);
	va_end(ap);
	return paks_error_set(err, 0, "#cp: '%s' %s; nothing was written", who,
	    why);
}

/* A copy that failed at member rel, as errno says. */
static int
copy_failed(const struct safetree *st, const char *rel,
    struct paks_error **err)
{
	int saved = errno;
	_cleanup_free_ char *who = member_shown(st, rel);

	return paks_error_set(err, saved, "cannot copy '%s'", who);
}

static int
refuse_link(const struct safetree *st, struct paks_error **err,
    const char *rel, const char *target, const char *why)
{
	_cleanup_free_ char *t = text_shown(target);

	return refuse(st, err, rel, "is a link to '%s', %s", t, why);
}

static int
dest_is_link(struct paks_error **err, const char *shown)
{
	_cleanup_free_ char *s = text_shown(shown);

	paks_error_set(err, 0, "cannot copy to '%s': it is a symbolic link, "
	    "which paks does not write through", s);
	return paks_error_hint(err, "remove the link, or end the path with "
	    "'/' to copy into the directory it points to");
}

/*
 * Start a copy into the directory dir_fd (taken) under name, or under the
 * source's own name (name NULL): make the private directory there.
 */
int
safetree_begin(struct safetree *st, int dir_fd, const char *name,
    const char *shown, bool check_links, struct paks_error **err)
{
	unsigned char r[4];
	struct stat sb;

	st->dir_fd = dir_fd;
	st->name = name ? xstrdup(name) : NULL;
	st->shown = xstrdup(shown);
	st->check_links = check_links;
	for (int i = 0; i < 16 && st->stage == NULL; i++) {
		if (getrandom(r, sizeof r, 0) != sizeof r)
			return paks_error_set(err, errno, "cannot copy to "
			    "'%s'", shown);
		char *n = xasprintf(".paks-cp-%02x%02x%02x%02x", r[0], r[1],
		    r[2], r[3]);
		if (mkdirat(dir_fd, n, 0700) == 0) {
			st->stage = n;
			break;
		}
		free(n);
		if (errno != EEXIST)
			return paks_error_set(err, errno, "cannot copy to "
			    "'%s'", shown);
	}
	if (st->stage == NULL)
		return paks_error_set(err, EEXIST, "cannot copy to '%s'",
		    shown);
	st->stage_fd = openat(dir_fd, st->stage, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC);
	if (st->stage_fd < 0 || fstat(st->stage_fd, &sb) < 0 ||
	    sb.st_uid != geteuid() || fchmod(st->stage_fd, 0700) < 0)
		return paks_error_set(err, st->stage_fd < 0 ? errno : EPERM,
		    "cannot copy to '%s'", shown);
	return 0;
}

/*
 * A copy to the host path path, as the user gave it: into the directory
 * when it ends in '/' (links in it followed: the user named them); else
 * DIR/NAME: into NAME if it is a directory, over it if it is a file, as
 * NAME if it does not exist, refused if it is a symbolic link.
 */
int
safetree_begin_host(struct safetree *st, const char *path, const char *shown,
    struct paks_error **err)
{
	const char *slash = strrchr(path, '/'), *last;
	_cleanup_free_ char *parent = NULL;
	_cleanup_close_ int pfd = -1;
	struct stat sb;
	int fd;

	if (slash != NULL && slash[1] == '\0') {
		if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			return paks_error_set(err, errno, "cannot copy to "
			    "'%s'", shown);
		return safetree_begin(st, fd, NULL, shown, true, err);
	}
	parent = slash == NULL ? xstrdup(".") : slash == path ? xstrdup("/") :
	    xstrndup(path, (size_t)(slash - path));
	last = slash ? slash + 1 : path;
	if ((pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return paks_error_set(err, errno, "cannot copy to '%s'", shown);
	if (strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
		if ((fd = openat(pfd, last, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) < 0)
			return paks_error_set(err, errno, "cannot copy to "
			    "'%s'", shown);
		return safetree_begin(st, fd, NULL, shown, true, err);
	}
	if (fstatat(pfd, last, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return paks_error_set(err, errno, "cannot copy to "
			    "'%s'", shown);
		return safetree_begin(st, TAKE_FD(pfd), last, shown, true, err);
	}
	if (S_ISLNK(sb.st_mode))
		return dest_is_link(err, shown);
	if (S_ISDIR(sb.st_mode)) {
		if ((fd = openat(pfd, last, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) < 0)
			return paks_error_set(err, errno, "cannot copy to "
			    "'%s'", shown);
		return safetree_begin(st, fd, NULL, shown, true, err);
	}
	return safetree_begin(st, TAKE_FD(pfd), last, shown, true, err);
}

/* A scratch file in the private directory, already unlinked (a tar). */
int
safetree_scratch(struct safetree *st, struct paks_error **err)
{
	int fd = openat(st->stage_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC,
	    0600);

	if (fd >= 0)
		return fd;
	fd = openat(st->stage_fd, ".scratch", O_RDWR | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return paks_error_set(err, errno, "cannot copy to '%s'",
		    st->shown);
	unlinkat(st->stage_fd, ".scratch", 0);
	return fd;
}

/* Directories stay the owner's to fill and remove unless paks is root. */
static mode_t
member_mode(unsigned mode, bool dir)
{
	mode_t m = (mode_t)mode & 01777;	/* no setuid, no setgid */

	if (dir && geteuid() != 0)
		m |= 0700;
	return m;
}

/*
 * The directory dir (a clean stage path) opened without following a link,
 * made when missing if create; -1 with errno.
 */
static int
stage_dir(int root, const char *dir, bool create)
{
	_cleanup_free_ char *copy = xstrdup(dir);
	int cur = -1;
	char *save = NULL;

	for (char *c = strtok_r(copy, "/", &save); c != NULL;
	    c = strtok_r(NULL, "/", &save)) {
		int from = cur >= 0 ? cur : root;
		int fd = openat(from, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && create &&
		    mkdirat(from, c, 0700) == 0) {
			fd = openat(from, c, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0)
				fchmod(fd, member_mode(0755, true));
		}
		if (cur >= 0) {
			int e = errno;
			close(cur);
			errno = e;
		}
		if (fd < 0)
			return -1;
		cur = fd;
	}
	return cur >= 0 ? cur : openat(root, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC);
}

/* The directory holding member rel (borrowed); *base: its last name. */
static int
member_parent(struct safetree *st, const char *rel, const char **base,
    struct paks_error **err)
{
	const char *slash = strrchr(rel, '/');
	_cleanup_free_ char *dir = slash ? xstrndup(rel, (size_t)(slash -
	    rel)) : xstrdup("");

	*base = slash ? slash + 1 : rel;
	if (*dir == '\0')
		return st->stage_fd;
	if (st->cache != NULL && strcmp(st->cache, dir) == 0)
		return st->cache_fd;
	if (st->cache_fd >= 0)
		close(st->cache_fd);
	free(st->cache);
	st->cache = NULL;
	if ((st->cache_fd = stage_dir(st->stage_fd, dir, true)) < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			return refuse(st, err, rel, "is below a link or a file "
			    "in what is copied");
		return paks_error_set(err, errno, "cannot copy to '%s'",
		    st->shown);
	}
	st->cache = TAKE_PTR(dir);
	return st->cache_fd;
}

/* Make room for a member that is not a directory: a later one wins. */
static int
member_room(struct safetree *st, int pfd, const char *base, const char *rel,
    struct paks_error **err)
{
	if (unlinkat(pfd, base, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno == EISDIR || errno == EPERM)
		return refuse(st, err, rel, "is both a directory and not one "
		    "in what is copied");
	return paks_error_set(err, errno, "cannot copy to '%s'", st->shown);
}

/* Bytes from in (at off, or where it is when off < 0); size < 0: all. */
static int
copy_bytes(int in, off_t off, off_t size, int out)
{
	static char buf[1 << 16];
	off_t done = 0;

	while (size < 0 || done < size) {
		size_t want = sizeof buf;
		if (size >= 0 && (off_t)want > size - done)
			want = (size_t)(size - done);
		ssize_t n = off >= 0 ? pread(in, buf, want, off + done) :
		    read(in, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			if (size < 0)
				return 0;
			errno = EIO;	/* the archive ends early */
			return -1;
		}
		if (write_all(out, buf, (size_t)n) < 0)
			return -1;
		done += n;
	}
	return 0;
}

static int
member_file(struct safetree *st, const struct safetree_member *m,
    const char *rel, int pfd, const char *base, struct paks_error **err)
{
	_cleanup_close_ int fd = -1;
	struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT },
		{ .tv_sec = m->mtime } };

	if (member_room(st, pfd, base, rel, err) < 0)
		return -1;
	fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0 || copy_bytes(m->data_fd, m->offset, m->size, fd) < 0 ||
	    fchmod(fd, member_mode(m->mode, false)) < 0 ||
	    (m->mtime != 0 && futimens(fd, ts) < 0))
		return copy_failed(st, rel, err);
	return 0;
}

/* A hard link to a regular file made before, in the same copy. */
static int
member_hardlink(struct safetree *st, const struct safetree_member *m,
    const char *rel, int pfd, const char *base, struct paks_error **err)
{
	_cleanup_free_ char *to = m->link ? member_clean(m->link) : NULL;
	_cleanup_close_ int tfd = -1;
	struct stat sb;
	char *slash;
	const char *tbase;

	if (to == NULL || *to == '\0' || (st->top != NULL &&
	    strcmp(to, st->top) != 0 && (strncmp(to, st->top,
	    strlen(st->top)) != 0 || to[strlen(st->top)] != '/')))
		return refuse(st, err, rel, "is a hard link to something not "
		    "in what is copied");
	slash = strrchr(to, '/');
	tbase = slash ? slash + 1 : to;
	if (slash != NULL)
		*slash = '\0';
	tfd = stage_dir(st->stage_fd, slash ? to : "", false);
	if (tfd < 0 || fstatat(tfd, tbase, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISREG(sb.st_mode))
		return refuse(st, err, rel, "is a hard link to something not "
		    "a file copied before it");
	if (member_room(st, pfd, base, rel, err) < 0)
		return -1;
	if (linkat(tfd, tbase, pfd, base, 0) < 0)
		return copy_failed(st, rel, err);
	return 0;
}

static int
member_dir(struct safetree *st, const struct safetree_member *m,
    const char *rel, int pfd, const char *base, struct paks_error **err)
{
	_cleanup_close_ int fd = -1;

	if (mkdirat(pfd, base, 0700) < 0 && errno == EEXIST &&
	    (fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0) {
		/* a file or link of the same name came first */
		if (member_room(st, pfd, base, rel, err) < 0)
			return -1;
		mkdirat(pfd, base, 0700);
	}
	if (fd < 0)
		fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0 || fchmod(fd, member_mode(m->mode, true)) < 0)
		return copy_failed(st, rel, err);
	return 0;
}

static int
member_symlink(struct safetree *st, const struct safetree_member *m,
    const char *rel, int pfd, const char *base, struct paks_error **err)
{
	struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT },
		{ .tv_sec = m->mtime } };

	if (m->link == NULL || *m->link == '\0')
		return refuse(st, err, rel, "is a link to nothing");
	if (st->check_links && m->link[0] == '/')
		return refuse_link(st, err, rel, m->link,
		    "outside what is copied");
	if (member_room(st, pfd, base, rel, err) < 0)
		return -1;
	if (symlinkat(m->link, pfd, base) < 0)
		return copy_failed(st, rel, err);
	if (m->mtime != 0)
		utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW);
	strv_push(&st->links, rel);
	return 0;
}

/* Make one member in the stage, never through a link. */
int
safetree_put(struct safetree *st, const struct safetree_member *m,
    struct paks_error **err)
{
	_cleanup_free_ char *rel = member_clean(m->path);
	const char *base;
	int pfd;

	if (!st->laid_out)
		BUG("safetree_put before safetree_layout");
	if (rel == NULL)
		return refuse(st, err, m->path, "has '..' in its name");
	if (*rel == '\0') {
		/* the directory whose contents are copied */
		if (st->top != NULL || m->type != '5')
			return refuse(st, err, "", "is not one directory to "
			    "copy");
		st->root_mode = m->mode;
		return 0;
	}
	if (st->top != NULL && strcmp(rel, st->top) != 0 &&
	    (strncmp(rel, st->top, strlen(st->top)) != 0 ||
	    rel[strlen(st->top)] != '/'))
		return refuse(st, err, rel, "is not below what is copied");
	if (m->type == '3' || m->type == '4')
		return refuse(st, err, rel, "is a device node, which paks does "
		    "not copy");
	if ((pfd = member_parent(st, rel, &base, err)) < 0)
		return -1;
	switch (m->type) {
	case '0':
		return member_file(st, m, rel, pfd, base, err);
	case '1':
		return member_hardlink(st, m, rel, pfd, base, err);
	case '2':
		return member_symlink(st, m, rel, pfd, base, err);
	case '5':
		return member_dir(st, m, rel, pfd, base, err);
	case '6':
		if (member_room(st, pfd, base, rel, err) < 0)
			return -1;
		if (mkfifoat(pfd, base, member_mode(m->mode, false) &
		    0777) < 0)
			return copy_failed(st, rel, err);
		return 0;
	default:
		return refuse(st, err, rel, "is of a kind paks does not copy "
		    "(tar type %#x)", (unsigned char)m->type);
	}
}

/* The names in directory fd, "." and ".." left out; NULL with errno. */
static char **
dir_names(int fd)
{
	struct strv names = STRV_INIT;
	struct dirent *d;
	int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	DIR *dir = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;

	if (dir == NULL) {
		if (dup_fd >= 0)
			close(dup_fd);
		return NULL;
	}
	rewinddir(dir);
	while ((errno = 0, d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			strv_push(&names, d->d_name);
	}
	int e = errno;
	closedir(dir);
	if (e != 0) {
		strv_release(&names);
		errno = e;
		return NULL;
	}
	if (names.v == NULL)
		return xcalloc(1, sizeof(char *));
	return strv_detach(&names);
}

/* Put the tree at fd (a file or directory open for reading) as rel. */
static int
put_tree(struct safetree *st, int fd, const struct stat *sb,
    struct strbuf *rel, struct paks_error **err)
{
	struct safetree_member m = { .path = rel->buf, .mode = sb->st_mode &
		07777, .mtime = sb->st_mtim.tv_sec, .data_fd = fd,
		.offset = -1, .size = -1 };
	char **names;
	int rc = 0;

	if (!S_ISDIR(sb->st_mode) && !S_ISREG(sb->st_mode)) {
		_cleanup_free_ char *who = member_shown(st, rel->buf);
		return paks_error_set(err, 0, "cannot copy '%s': it changed "
		    "while being copied", who);
	}
	m.type = S_ISDIR(sb->st_mode) ? '5' : '0';
	if (safetree_put(st, &m, err) < 0)
		return -1;
	if (!S_ISDIR(sb->st_mode))
		return 0;
	if ((names = dir_names(fd)) == NULL)
		return copy_failed(st, rel->buf, err);
	for (char **n = names; *n != NULL && rc == 0; n++) {
		size_t keep = rel->len;
		struct stat cs;
		char target[PATH_MAX];
		_cleanup_close_ int cfd = -1;

		strbuf_addf(rel, "%s%s", keep ? "/" : "", *n);
		m = (struct safetree_member){ .path = rel->buf, .offset = -1,
			.size = -1 };
		if (fstatat(fd, *n, &cs, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT)	/* gone since: not copied */
				rc = paks_error_set(err, errno, "cannot copy "
				    "'%s'", *n);
		} else if (S_ISDIR(cs.st_mode) || S_ISREG(cs.st_mode)) {
			cfd = openat(fd, *n, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
			    O_CLOEXEC | (S_ISDIR(cs.st_mode) ? O_DIRECTORY : 0));
			if (cfd < 0 || fstat(cfd, &cs) < 0) {
				_cleanup_free_ char *who = member_shown(st,
				    rel->buf);
				rc = paks_error_set(err, errno, "cannot copy "
				    "'%s'", who);
			} else
				rc = put_tree(st, cfd, &cs, rel, err);
		} else if (S_ISLNK(cs.st_mode)) {
			ssize_t len = readlinkat(fd, *n, target,
			    sizeof target - 1);
			if (len < 0) {
				rc = paks_error_set(err, errno, "cannot copy "
				    "'%s'", *n);
			} else {
				target[len] = '\0';
				m.type = '2';
				m.link = target;
				m.mtime = cs.st_mtim.tv_sec;
				rc = safetree_put(st, &m, err);
			}
		} else if (!S_ISSOCK(cs.st_mode)) {
			m.type = S_ISFIFO(cs.st_mode) ? '6' :
			    S_ISCHR(cs.st_mode) ? '3' : '4';
			m.mode = cs.st_mode & 07777;
			rc = safetree_put(st, &m, err);
		}
		rel->len = keep;
		rel->buf[keep] = '\0';
	}
	strv_free(names);
	return rc;
}

/*
 * Copy the file or directory open at fd as name, or (contents) the
 * directory's contents; links in it are copied as links, not followed.
 */
int
safetree_add_fd(struct safetree *st, const char *name, int fd, bool contents,
    struct paks_error **err)
{
	struct strbuf rel = STRBUF_INIT;
	struct stat sb;
	int rc;

	if (fstat(fd, &sb) < 0)
		return paks_error_set(err, errno, "cannot copy '%s'", name);
	if (contents && !S_ISDIR(sb.st_mode))
		return paks_error_set(err, ENOTDIR, "cannot copy '%s'", name);
	if (!contents && (strchr(name, '/') != NULL || *name == '\0' ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0))
		BUG("safetree_add_fd of '%s'", name);
	safetree_layout(st, contents ? NULL : name);
	strbuf_adds(&rel, contents ? "" : name);
	rc = put_tree(st, fd, &sb, &rel, err);
	strbuf_release(&rel);
	return rc;
}

/* Copy a symbolic link itself as name. */
int
safetree_add_link(struct safetree *st, const char *name, const char *target,
    struct paks_error **err)
{
	struct safetree_member m = { .path = name, .type = '2',
		.link = target };

	safetree_layout(st, name);
	return safetree_put(st, &m, err);
}

/* Every link made resolves inside the copy, as the kernel sees it. */
static int
check_links(struct safetree *st, struct paks_error **err)
{
	_cleanup_close_ int tfd = -1;
	char target[PATH_MAX];
	struct stat sb;
	int root = st->stage_fd;
	ssize_t n;

	if (!st->check_links)
		return 0;
	if (st->top != NULL) {
		if (fstatat(st->stage_fd, st->top, &sb, AT_SYMLINK_NOFOLLOW) < 0)
			return paks_error_set(err, errno, "cannot copy to "
			    "'%s'", st->shown);
		if (S_ISLNK(sb.st_mode)) {
			n = readlinkat(st->stage_fd, st->top, target,
			    sizeof target - 1);
			target[n > 0 ? n : 0] = '\0';
			return refuse_link(st, err, st->top, target,
			    "outside what is copied");
		}
		if (!S_ISDIR(sb.st_mode))
			return 0;
		tfd = openat(st->stage_fd, st->top, O_PATH | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (tfd < 0)
			return paks_error_set(err, errno, "cannot copy to "
			    "'%s'", st->shown);
		root = tfd;
	}
	for (size_t i = 0; i < st->links.n; i++) {
		const char *rel = st->links.v[i], *in = rel;
		if (st->top != NULL)
			in += strlen(st->top) + 1;
		const char *slash = strrchr(in, '/');
		_cleanup_free_ char *dir = slash ? xstrndup(in, (size_t)(slash -
		    in)) : xstrdup("");
		_cleanup_close_ int dfd = stage_dir(root, dir, false);
		if (dfd < 0 || (n = readlinkat(dfd, slash ? slash + 1 : in,
		    target, sizeof target - 1)) < 0) {
			if (errno == EINVAL)
				continue;	/* a later member replaced it */
			return paks_error_set(err, errno, "cannot copy to "
			    "'%s'", st->shown);
		}
		target[n] = '\0';
		if (target[0] == '/')
			return refuse_link(st, err, rel, target,
			    "outside what is copied");
		int fd = safetree_open_below(root, in, O_PATH, false);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		_cleanup_free_ char *up = xasprintf("/%s/", target);
		if ((errno == ENOENT || errno == ENOTDIR) &&
		    strstr(up, "/../") == NULL)
			continue;	/* leads nowhere, but stays below */
		if (errno == EXDEV)
			return refuse_link(st, err, rel, target,
			    "outside what is copied");
		if (errno == ELOOP)
			return refuse_link(st, err, rel, target,
			    "which loops");
		if (errno == ENOENT || errno == ENOTDIR)
			return refuse_link(st, err, rel, target,
			    "which leads nowhere through '..'");
		return paks_error_set(err, errno, "cannot copy to '%s'",
		    st->shown);
	}
	return 0;
}

/* rename, not over anything when the file system can say so */
static int
move_new(int sdir, const char *sname, int ddir, const char *dname)
{
	if (renameat2(sdir, sname, ddir, dname, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	return renameat(sdir, sname, ddir, dname);
}

/*
 * Move sdir/sname to ddir/dname: as a new name, over a file (rename
 * replaces, never writes through), or merged into a directory. A link
 * there is refused where it would be written through (top: the
 * destination the user named). dry: only check.
 */
static int
place(struct safetree *st, int sdir, const char *sname, int ddir,
    const char *dname, const char *shown, bool top, bool dry,
    struct paks_error **err)
{
	struct stat s, d;
	_cleanup_free_ char *who = text_shown(shown);

	if (fstatat(sdir, sname, &s, AT_SYMLINK_NOFOLLOW) < 0)
		return paks_error_set(err, errno, "cannot copy to '%s'", who);
	if (fstatat(ddir, dname, &d, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return paks_error_set(err, errno, "cannot copy to "
			    "'%s'", who);
		if (!dry && move_new(sdir, sname, ddir, dname) < 0)
			return paks_error_set(err, errno, "cannot copy to "
			    "'%s'", who);
		return 0;
	}
	if (S_ISLNK(d.st_mode) && (top || S_ISDIR(s.st_mode)))
		return dest_is_link(err, shown);
	if (S_ISDIR(d.st_mode) && S_ISDIR(s.st_mode)) {
		_cleanup_close_ int sfd = openat(sdir, sname, O_RDONLY |
		    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_close_ int dfd = openat(ddir, dname, O_RDONLY |
		    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		char **names;
		int rc = 0;

		if (sfd < 0 || dfd < 0 || (names = dir_names(sfd)) == NULL)
			return paks_error_set(err, errno, "cannot copy to "
			    "'%s'", who);
		for (char **n = names; *n != NULL && rc == 0; n++) {
			_cleanup_free_ char *sub = xasprintf("%s/%s", shown,
			    *n);
			rc = place(st, sfd, *n, dfd, *n, sub, false, dry, err);
		}
		strv_free(names);
		return rc;
	}
	if (S_ISDIR(d.st_mode))
		return paks_error_set(err, EISDIR, "cannot copy to '%s': it is "
		    "a directory, and what is copied is not", who);
	if (S_ISDIR(s.st_mode))
		return paks_error_set(err, ENOTDIR, "cannot copy to '%s': it is "
		    "not a directory, and what is copied is one", who);
	if (!dry && renameat(sdir, sname, ddir, dname) < 0)
		return paks_error_set(err, errno, "cannot copy to '%s'", who);
	return 0;
}

/* Check the copy, then move it into place; see the top of the file. */
int
safetree_commit(struct safetree *st, struct paks_error **err)
{
	_cleanup_free_ char *shown = NULL;
	_cleanup_close_ int dfd = -1;
	struct stat sb;

	if (!st->laid_out)
		return paks_error_set(err, 0, "cannot copy to '%s': nothing "
		    "to copy", st->shown);
	if (check_links(st, err) < 0)
		return -1;
	if (st->top != NULL) {
		size_t n = strlen(st->shown);
		shown = st->name ? xstrdup(st->shown) : xasprintf("%s%s%s",
		    st->shown, n > 0 && st->shown[n - 1] == '/' ? "" : "/",
		    st->top);
		for (int dry = 1; dry >= 0; dry--) {
			if (place(st, st->stage_fd, st->top, st->dir_fd,
			    st->name ? st->name : st->top, shown, true, dry,
			    err) < 0)
				return -1;
		}
		return 0;
	}
	/* the contents of a directory: as a new one, or into one */
	if (st->name != NULL) {
		if (fstatat(st->dir_fd, st->name, &sb, AT_SYMLINK_NOFOLLOW) < 0 &&
		    errno == ENOENT) {
			if (fchmod(st->stage_fd, member_mode(st->root_mode,
			    true)) < 0 || move_new(st->dir_fd, st->stage,
			    st->dir_fd, st->name) < 0)
				return paks_error_set(err, errno, "cannot copy "
				    "to '%s'", st->shown);
			/* the stage is the copy now: nothing to remove */
			free(st->stage);
			st->stage = NULL;
			close(st->stage_fd);
			st->stage_fd = -1;
			return 0;
		}
		if (S_ISLNK(sb.st_mode))
			return dest_is_link(err, st->shown);
		dfd = openat(st->dir_fd, st->name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (dfd < 0)
			return paks_error_set(err, errno, "cannot copy to "
			    "'%s'", st->shown);
	}
	for (int dry = 1; dry >= 0; dry--) {
		char **names = dir_names(st->stage_fd);
		int rc = 0;

		if (names == NULL)
			return paks_error_set(err, errno, "cannot copy to "
			    "'%s'", st->shown);
		for (char **n = names; *n != NULL && rc == 0; n++) {
			_cleanup_free_ char *sub = xasprintf("%s/%s", st->shown,
			    *n);
			rc = place(st, st->stage_fd, *n, dfd >= 0 ? dfd :
			    st->dir_fd, *n, sub, false, dry, err);
		}
		strv_free(names);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Remove everything below directory fd, never following a link. */
static void
tree_empty(int fd)
{
	char **names = dir_names(fd);
	struct stat sb;

	for (char **n = names; n != NULL && *n != NULL; n++) {
		if (fstatat(fd, *n, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(sb.st_mode)) {
			int sub = openat(fd, *n, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0) {
				(void)!fchmod(sub, 0700);
				tree_empty(sub);
				close(sub);
			}
			unlinkat(fd, *n, AT_REMOVEDIR);
		} else
			unlinkat(fd, *n, 0);
	}
	strv_free(names);
}

/* Remove what is left of the private directory; release everything. */
void
safetree_release(struct safetree *st)
{
	if (st->cache_fd >= 0)
		close(st->cache_fd);
	if (st->stage_fd >= 0) {
		tree_empty(st->stage_fd);
		close(st->stage_fd);
	}
	if (st->stage != NULL && st->dir_fd >= 0)
		unlinkat(st->dir_fd, st->stage, AT_REMOVEDIR);
	if (st->dir_fd >= 0)
		close(st->dir_fd);
	free(st->name);
	free(st->shown);
	free(st->stage);
	free(st->top);
	free(st->cache);
	strv_release(&st->links);
	*st = (struct safetree)SAFETREE_INIT;
}
