/*
 * A tree of the host written as a tar, for #cp into a container through
 * the Engine API (PUT /containers/NAME/archive). The walk goes through
 * directory fds with O_NOFOLLOW and AT_SYMLINK_NOFOLLOW: a link is read
 * as a link (readlinkat) and never opened, so nothing but the tree named
 * is ever read. The container has no say here: the tar is made from the
 * host alone, with the top name the caller chose.
 *
 * Long names and link targets go in pax headers ('x', POSIX.1-2001) and
 * not in GNU's 'L'/'K' members: pax is the standard, it carries a name and
 * a link target of any length (ustar's prefix field only splits names at
 * a '/', and never a link target), Go's archive/tar (which docker's daemon
 * and podman's copier extract with) reads it, and so does paks's own
 * reader (move-archive.c, which writes pax names too).
 *
 * Owners: docker's daemon keeps the tar's numbers when copyUIDGID is not
 * asked (the docker client sends the host's, docker/cli#4382, where its
 * documentation says files land owned by root); podman's libpod endpoint
 * makes them the container user's. paks writes 0:0, the documented
 * behaviour: a host's user numbers mean nothing in the container.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tarpack.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define BLOCK 512
#define PIECE (1 << 20)
/* directories deeper than this are refused (each holds an fd) */
#define DEPTH_MAX 256

struct tarpack {
	int		 out;
	char		*buf;		/* PIECE bytes, for file data */
	unsigned	 depth;
};

static int
tp_write(const struct tarpack *tp, const void *buf, size_t len,
    struct paks_error **err)
{
	if (write_all(tp->out, buf, len) < 0)
		return paks_error_set(err, errno, "cannot send the tar");
	return 0;
}

/* len - 1 octal digits and a NUL; base-256 when that does not hold v. */
static void
tp_number(unsigned char *field, size_t len, uint64_t v)
{
	if ((len == 12 && v > 077777777777ULL) ||
	    (len == 8 && v > 07777777ULL)) {
		memset(field, 0, len);
		for (size_t i = len - 1; i > 0; i--, v >>= 8)
			field[i] = (unsigned char)(v & 0xff);
		field[0] = 0x80;
		return;
	}
	snprintf((char *)field, len, "%0*" PRIo64, (int)len - 1, v);
}

/* One "LEN key=value\n" record; LEN counts its own digits. */
static void
tp_pax_record(struct strbuf *sb, const char *key, const char *value)
{
	size_t body = strlen(key) + strlen(value) + 3, n = body + 1;

	while ((size_t)snprintf(NULL, 0, "%zu", n) + body != n)
		n = (size_t)snprintf(NULL, 0, "%zu", n) + body;
	strbuf_addf(sb, "%zu %s=%s\n", n, key, value);
}

/* The header block of one member (its checksum last). */
static void
tp_block(unsigned char *b, const char *name, char type, unsigned mode,
    uint64_t size, int64_t mtime, const char *link, dev_t dev)
{
	int64_t sum = 0;

	memset(b, 0, BLOCK);
	memcpy(b, name, strnlen(name, 100));
	tp_number(b + 100, 8, mode & 07777);
	tp_number(b + 108, 8, 0);	/* uid: root */
	tp_number(b + 116, 8, 0);	/* gid */
	tp_number(b + 124, 12, size);
	tp_number(b + 136, 12, mtime > 0 ? (uint64_t)mtime : 0);
	b[156] = (unsigned char)type;
	if (link != NULL)
		memcpy(b + 157, link, strnlen(link, 100));
	memcpy(b + 257, "ustar", 6);
	memcpy(b + 263, "00", 2);
	if (type == '3' || type == '4') {
		tp_number(b + 329, 8, major(dev));
		tp_number(b + 337, 8, minor(dev));
	}
	memset(b + 148, ' ', 8);
	for (size_t i = 0; i < BLOCK; i++)
		sum += b[i];
	snprintf((char *)b + 148, 8, "%06o", (unsigned)(sum & 0777777));
	b[155] = ' ';
}

/* A member's header, after a pax header when its name or link is long. */
static int
tp_header(const struct tarpack *tp, const char *name, char type,
    const struct stat *st, uint64_t size, const char *link,
    struct paks_error **err)
{
	unsigned char b[BLOCK];
	bool long_link = link != NULL && strlen(link) > 100;

	if (strlen(name) > 100 || long_link) {
		struct strbuf pax = STRBUF_INIT;
		static const unsigned char zero[BLOCK];
		int rc;

		if (strlen(name) > 100)
			tp_pax_record(&pax, "path", name);
		if (long_link)
			tp_pax_record(&pax, "linkpath", link);
		tp_block(b, "././@PaxHeader", 'x', 0644, pax.len, 0, NULL, 0);
		rc = tp_write(tp, b, BLOCK, err) < 0 ||
		    tp_write(tp, pax.buf, pax.len, err) < 0 ||
		    tp_write(tp, zero, (BLOCK - pax.len % BLOCK) % BLOCK,
		    err) < 0 ? -1 : 0;
		strbuf_release(&pax);
		if (rc < 0)
			return -1;
	}
	tp_block(b, name, type, st->st_mode, size, st->st_mtim.tv_sec, link,
	    st->st_rdev);
	return tp_write(tp, b, BLOCK, err);
}

/* A regular file: its header, then exactly the size it had when opened. */
static int
tp_file(struct tarpack *tp, int dir, const char *base, const char *name,
    struct paks_error **err)
{
	static const unsigned char zero[BLOCK];
	_cleanup_close_ int fd = openat(dir, base, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	uint64_t left;

	if (fd < 0 || fstat(fd, &st) < 0)
		return paks_error_set(err, errno, "cannot read '%s'", name);
	if (!S_ISREG(st.st_mode))	/* replaced since it was looked at */
		return paks_error_set(err, 0, "'%s' changed while it was "
		    "read", name);
	if (tp_header(tp, name, '0', &st, (uint64_t)st.st_size, NULL,
	    err) < 0)
		return -1;
	for (left = (uint64_t)st.st_size; left > 0;) {
		ssize_t n = read(fd, tp->buf, left < PIECE ? left : PIECE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return paks_error_set(err, errno, "cannot read '%s'",
			    name);
		if (n == 0)
			return paks_error_set(err, 0, "'%s' changed while it "
			    "was read", name);
		if (tp_write(tp, tp->buf, (size_t)n, err) < 0)
			return -1;
		left -= (uint64_t)n;
	}
	return tp_write(tp, zero, (BLOCK - (uint64_t)st.st_size % BLOCK) %
	    BLOCK, err);
}

/* A link's text, never what it points at. */
static int
tp_link(struct tarpack *tp, int dir, const char *base, const char *name,
    const struct stat *st, struct paks_error **err)
{
	_cleanup_free_ char *to = xmalloc(PATH_MAX);
	ssize_t n = readlinkat(dir, base, to, PATH_MAX);

	if (n < 0)
		return paks_error_set(err, errno, "cannot read the link "
		    "'%s'", name);
	if (n >= PATH_MAX)
		return paks_error_set(err, 0, "the link '%s' is too long",
		    name);
	to[n] = '\0';
	return tp_header(tp, name, '2', st, 0, to, err);
}

static int	tp_member(struct tarpack *, int, const char *, const char *,
		    struct paks_error **);

/* Every entry of the open directory dir, named below prefix. */
static int
tp_entries(struct tarpack *tp, int dir, const char *prefix,
    struct paks_error **err)
{
	DIR *d = fdopendir(dir);
	struct dirent *de;
	int rc = 0;

	if (d == NULL) {
		close(dir);
		return paks_error_set(err, errno, "cannot read '%s'", prefix);
	}
	if (++tp->depth > DEPTH_MAX)
		rc = paks_error_set(err, 0, "'%s' is nested too deep",
		    prefix);
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
		_cleanup_free_ char *name = NULL;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		name = *prefix ? xasprintf("%s/%s", prefix, de->d_name) :
		    xstrdup(de->d_name);
		rc = tp_member(tp, dirfd(d), de->d_name, name, err);
	}
	if (rc == 0 && errno != 0)
		rc = paks_error_set(err, errno, "cannot read '%s'", prefix);
	tp->depth--;
	closedir(d);
	return rc;
}

/* The entry base of dir, as the member name (and what it holds). */
static int
tp_member(struct tarpack *tp, int dir, const char *base, const char *name,
    struct paks_error **err)
{
	struct stat st;
	int sub;

	if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return paks_error_set(err, errno, "cannot read '%s'", name);
	if (S_ISREG(st.st_mode))
		return tp_file(tp, dir, base, name, err);
	if (S_ISLNK(st.st_mode))
		return tp_link(tp, dir, base, name, &st, err);
	if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) ||
	    S_ISBLK(st.st_mode))
		return tp_header(tp, name, S_ISFIFO(st.st_mode) ? '6' :
		    S_ISCHR(st.st_mode) ? '3' : '4', &st, 0, NULL, err);
	if (!S_ISDIR(st.st_mode))
		return 0;	/* a socket: as tar, left out */
	if ((sub = openat(dir, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0)
		return paks_error_set(err, errno, "cannot read '%s'", name);
	if (*name != '\0') {
		_cleanup_free_ char *slash = xasprintf("%s/", name);
		if (tp_header(tp, slash, '5', &st, 0, NULL, err) < 0) {
			close(sub);
			return -1;
		}
	}
	return tp_entries(tp, sub, name, err);
}

int
tarpack_write(int out, const char *path, const char *top,
    struct paks_error **err)
{
	static const unsigned char end[2 * BLOCK];
	_cleanup_free_ char *dir = xstrdup(path), *buf = xmalloc(PIECE);
	_cleanup_close_ int dfd = -1;
	struct tarpack tp = { .out = out, .buf = buf };
	const char *parent = ".", *base = dir;
	char *slash;
	struct stat st;
	size_t n = strlen(dir);

	/* "a/b/" is "a/b"; "/" is "/" and "." */
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	if (strcmp(dir, "/") == 0) {
		parent = "/";
		base = ".";
	} else if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		parent = slash == dir ? "/" : dir;
		base = slash + 1;
	}
	if ((dfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return paks_error_set(err, errno, "cannot read '%s'", path);
	/* contents only of a directory; anything else keeps its name */
	if (top == NULL && !S_ISDIR(st.st_mode))
		top = base;
	if (tp_member(&tp, dfd, base, top != NULL ? top : "", err) < 0)
		return -1;
	return tp_write(&tp, end, sizeof end, err);
}
