/*
 * Reading and atomically replacing the small files paks keeps on the host.
 *
 * A replacement is written to a temporary file in the target's directory
 * (so that rename() cannot cross a file system), flushed with fsync, renamed
 * over the target, and the directory is flushed too, so that after a crash
 * the file is either wholly old or wholly new. Temporary files are named
 * "#tmp.NAME.XXXXXX": '#' cannot appear in an environment name, so they
 * never clash with one and 'paks env list' never shows them.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storefile.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Read a whole file of at most max bytes; *buf is NUL-terminated. */
int
storefile_read(const char *path, size_t max, char **buf, size_t *len,
    struct paks_error **err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	char chunk[8192];
	ssize_t n;

	if (fd < 0)
		return paks_error_set(err, errno, "cannot read '%s'", path);
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return paks_error_set(err, errno, "cannot read '%s'",
			    path);
		if (n == 0)
			break;
		if (sb.len + (size_t)n > max)
			return paks_error_set(err, EFBIG, "cannot read '%s'",
			    path);
		strbuf_add(&sb, chunk, (size_t)n);
	}
	*len = sb.len;
	*buf = strbuf_detach(&sb);
	return 0;
}

/* Create a directory and its missing parents, each private to the user. */
int
storefile_mkdir(const char *path, struct paks_error **err)
{
	_cleanup_free_ char *p = xstrdup(path);
	size_t len = strlen(p);

	for (size_t i = 1; i <= len; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return paks_error_set(err, errno, "cannot create "
			    "directory '%s'", p);
		if (i < len)
			p[i] = '/';
	}
	return 0;
}

/*
 * Start replacing path: a temporary file (mode 0600) is made in the same
 * directory; suffix (or NULL) ends its name, e.g. ".yml" for an editor.
 */
int
storefile_open(struct storefile *sf, const char *path, const char *suffix,
    struct paks_error **err)
{
	_cleanup_free_ char *d = xstrdup(path), *b = xstrdup(path);

	if (suffix == NULL)
		suffix = "";
	sf->path = xstrdup(path);
	sf->tmp = xasprintf("%s/#tmp.%s.XXXXXX%s", dirname(d), basename(b),
	    suffix);
	sf->fd = mkostemps(sf->tmp, (int)strlen(suffix), O_CLOEXEC);
	if (sf->fd < 0) {
		int e = errno;

		free(sf->tmp);
		sf->tmp = NULL;
		return paks_error_set(err, e, "cannot write '%s'", path);
	}
	return 0;
}

/* Give the replacement the mode of the file it replaces, if there is one. */
void
storefile_keep_mode(struct storefile *sf)
{
	struct stat st;

	if (stat(sf->path, &st) == 0)
		(void)fchmod(sf->fd, st.st_mode & 07777);
}

int
storefile_write(struct storefile *sf, const void *buf, size_t len,
    struct paks_error **err)
{
	if (write_all(sf->fd, buf, len) < 0)
		return paks_error_set(err, errno, "cannot write '%s'",
		    sf->path);
	return 0;
}

/* Flush the temporary file and rename it over the target. */
int
storefile_commit(struct storefile *sf, struct paks_error **err)
{
	_cleanup_free_ char *d = xstrdup(sf->path);
	_cleanup_close_ int dfd = -1;
	int fd = TAKE_FD(sf->fd);

	if (fsync(fd) < 0) {
		int e = errno;

		close(fd);
		return paks_error_set(err, e, "cannot write '%s'", sf->path);
	}
	if (close(fd) < 0)
		return paks_error_set(err, errno, "cannot write '%s'",
		    sf->path);
	if (rename(sf->tmp, sf->path) < 0)
		return paks_error_set(err, errno, "cannot replace '%s'",
		    sf->path);
	free(TAKE_PTR(sf->tmp));
	/* the rename itself must reach the disk too */
	dfd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0)
		fsync(dfd);
	return 0;
}

/* Drop a replacement that was not committed; the target is untouched. */
void
storefile_release(struct storefile *sf)
{
	if (sf->fd >= 0)
		close(TAKE_FD(sf->fd));
	if (sf->tmp != NULL)
		unlink(sf->tmp);
	free(TAKE_PTR(sf->tmp));
	free(TAKE_PTR(sf->path));
}

/* Replace path with buf atomically (mode 0600). */
int
storefile_replace(const char *path, const void *buf, size_t len,
    struct paks_error **err)
{
	_cleanup_storefile_ struct storefile sf = STOREFILE_INIT;

	if (storefile_open(&sf, path, NULL, err) < 0 ||
	    storefile_write(&sf, buf, len, err) < 0)
		return -1;
	return storefile_commit(&sf, err);
}
