/*
 * A tar stream reader, enough for what "docker cp" and "podman cp" write to
 * stdout: ustar headers, with PAX ('x') or GNU ('L', 'K') long names.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sbom.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define BLOCK 512
#define META_MAX (1u << 20)	/* a PAX header or long name */

/* Read exactly n bytes (buf NULL: skip them); 0 at a clean end. */
static int
tar_read(int fd, char *buf, size_t n)
{
	char scratch[8192];
	size_t got = 0;

	while (got < n) {
		size_t want = n - got;
		ssize_t r;

		if (buf == NULL && want > sizeof scratch)
			want = sizeof scratch;
		r = read(fd, buf ? buf + got : scratch, want);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return got == 0 ? 0 : (errno = EPROTO, -1);
		got += (size_t)r;
	}
	return 1;
}

/* A numeric field: octal text, or base-256 when the top bit is set. */
static int
tar_number(const unsigned char *f, size_t n, size_t *out)
{
	size_t v = 0;

	if (f[0] & 0x80) {
		for (size_t i = 1; i < n; i++) {
			if (v > (SIZE_MAX >> 8))
				return -1;
			v = (v << 8) | f[i];
		}
		*out = v;
		return 0;
	}
	for (size_t i = 0; i < n && f[i] != '\0' && f[i] != ' '; i++) {
		if (f[i] < '0' || f[i] > '7' || v > (SIZE_MAX >> 3))
			return -1;
		v = (v << 3) | (size_t)(f[i] - '0');
	}
	*out = v;
	return 0;
}

static char *
tar_field(const char *f, size_t n)
{
	return xstrndup(f, strnlen(f, n));
}

/* PAX records "LEN key=value\n": keep path and linkpath. */
static void
tar_pax(const char *d, size_t n, char **path, char **link)
{
	size_t off = 0;

	while (off < n) {
		char *end;
		unsigned long len = strtoul(d + off, &end, 10);
		const char *kv, *eq;

		/* the digits, the space and the "\n" must fit in len */
		if (end == d + off || *end != ' ' || len == 0 || off + len > n ||
		    (size_t)(end + 1 - (d + off)) >= len)
			return;
		kv = end + 1;
		eq = memchr(kv, '=', (size_t)(d + off + len - kv));
		if (eq != NULL && d[off + len - 1] == '\n') {
			size_t vlen = (size_t)(d + off + len - 1 - (eq + 1));
			if (eq - kv == 4 && strncmp(kv, "path", 4) == 0) {
				free(*path);
				*path = xstrndup(eq + 1, vlen);
			} else if (eq - kv == 8 &&
			    strncmp(kv, "linkpath", 8) == 0) {
				free(*link);
				*link = xstrndup(eq + 1, vlen);
			}
		}
		off += len;
	}
}

/*
 * Read a tar stream from fd to its end. For each entry, ops->want says
 * whether to read its data (at most max bytes, NUL-terminated) for
 * ops->entry, which is called for every entry. -1 on a read error or a
 * malformed archive (errno), or what entry returned if not 0.
 */
int
sbom_tar_read(int fd, const struct sbom_tar_ops *ops, void *arg, size_t max)
{
	_cleanup_free_ char *path = NULL, *link = NULL;
	unsigned char h[BLOCK];
	int rc = 0;

	for (;;) {
		_cleanup_free_ char *name = NULL, *lname = NULL, *data = NULL;
		struct sbom_tar_entry e;
		size_t size, padded;
		bool zero = true;
		int r = tar_read(fd, (char *)h, BLOCK);

		if (r <= 0)
			return r < 0 ? -1 : rc;
		for (size_t i = 0; i < BLOCK && zero; i++)
			zero = h[i] == 0;
		if (zero)
			continue;	/* the two end blocks; read on to EOF */
		if (tar_number(h + 124, 12, &size) < 0)
			return errno = EPROTO, -1;
		padded = (size + BLOCK - 1) / BLOCK * BLOCK;
		if (h[156] == 'x' || h[156] == 'L' || h[156] == 'K') {
			_cleanup_free_ char *d = NULL;
			if (size > META_MAX)
				return errno = EPROTO, -1;
			d = xmalloc(padded + 1);
			if (tar_read(fd, d, padded) <= 0)
				return errno = EPROTO, -1;
			d[size] = '\0';
			if (h[156] == 'x')
				tar_pax(d, size, &path, &link);
			else if (h[156] == 'L') {
				free(path);
				path = xstrdup(d);
			} else {
				free(link);
				link = xstrdup(d);
			}
			continue;
		}
		if (h[156] == 'g') {
			if (tar_read(fd, NULL, padded) <= 0)
				return errno = EPROTO, -1;
			continue;
		}
		if (path != NULL)
			name = TAKE_PTR(path);
		else if (h[345] != '\0')
			name = xasprintf("%.155s/%.100s", (char *)h + 345,
			    (char *)h + 0);
		else
			name = tar_field((char *)h, 100);
		lname = link != NULL ? TAKE_PTR(link) :
		    tar_field((char *)h + 157, 100);
		e = (struct sbom_tar_entry){ .name = name,
			.type = h[156] ? (char)h[156] : '0', .link = lname,
			.size = size };
		if (e.type == '0' && size <= max && ops->want != NULL &&
		    ops->want(&e, arg)) {
			data = xmalloc(padded + 1);
			if (tar_read(fd, data, padded) <= 0)
				return errno = EPROTO, -1;
			data[size] = '\0';
		} else if (padded > 0 && tar_read(fd, NULL, padded) <= 0)
			return errno = EPROTO, -1;
		/* keep reading after an entry's error: the writer needs EOF */
		if (rc == 0 && ops->entry != NULL)
			rc = ops->entry(&e, data, arg);
	}
}
