/*
 * Tar files: one reader for image archives, #cp and plugins (a file it
 * indexes, or a pipe it reads once), and docker-archives written back
 * with only some layers.
 *
 * "docker load" and "podman load" both skip a layer they already have
 * without reading its data: docker looks the layer up by chain id before
 * opening the file, podman's copy asks its store for the diff id first.
 * podman still wants every layer file named in manifest.json to be in the
 * tar, so a layer the other side has is sent as an empty file of the same
 * name; docker accepts that too. The archive written here therefore holds
 * manifest.json, the config and every layer, empty or whole, and nothing
 * else (the legacy per-layer json and repositories files are not needed).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "move-archive.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/safetree.h"
#include "util/xalloc.h"

#define BLOCK 512
#define META_MAX (16u << 20)	/* manifest, config, index: small files */
#define MEMBER_MAX ((off_t)1 << 50)	/* past any layer, far from overflow */

/*
 * A numeric header field: octal, or base-256 when the top bit is set; -1
 * for a base-256 number that is negative or does not fit in 63 bits.
 */
static int64_t
tar_number(const unsigned char *p, size_t len)
{
	int64_t v = 0;

	if (p[0] & 0x80) {
		uint64_t u = p[0] & 0x3f;

		if (p[0] & 0x40)
			return -1;
		for (size_t i = 1; i < len; i++) {
			if (u >> 55)
				return -1;
			u = (u << 8) | p[i];
		}
		return (int64_t)u;
	}
	size_t i = 0;
	while (i < len && (p[i] == ' ' || p[i] == '\0'))
		i++;
	for (; i < len && p[i] >= '0' && p[i] <= '7'; i++)
		v = v * 8 + (p[i] - '0');
	return v;
}

static char *
tar_string(const unsigned char *p, size_t len)
{
	return xstrndup((const char *)p, strnlen((const char *)p, len));
}

static bool
tar_block_zero(const unsigned char *b)
{
	for (size_t i = 0; i < BLOCK; i++) {
		if (b[i] != 0)
			return false;
	}
	return true;
}

static bool
tar_checksum_ok(const unsigned char *b)
{
	int64_t want = tar_number(b + 148, 8);
	int64_t sum = 0;

	for (size_t i = 0; i < BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : b[i];
	return sum == want;
}

/* What a pax header says of the next member; -1 or NULL: not said. */
struct tar_pax_said {
	char	*name, *link;
	off_t	 size;
	int64_t	 mtime, uid;
};

/* Apply "LEN key=VALUE\n" records of a pax header to what it says. */
static void
tar_pax(const char *data, size_t len, struct tar_pax_said *px)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		char *sp;
		long n = strtol(p, &sp, 10);
		/* "LEN key=value\n": the space must come before the end */
		if (n <= 0 || n > end - p || sp >= p + n - 1 || *sp != ' ')
			return;
		const char *kv = sp + 1, *rec_end = p + n - 1; /* at "\n" */
		const char *eq = memchr(kv, '=', (size_t)(rec_end - kv));
		if (eq != NULL) {
			size_t klen = (size_t)(eq - kv);
			char *val = xstrndup(eq + 1, (size_t)(rec_end - eq - 1));
			if (klen == 4 && memcmp(kv, "path", 4) == 0) {
				free(px->name);
				px->name = val;
			} else if (klen == 8 && memcmp(kv, "linkpath", 8) == 0) {
				free(px->link);
				px->link = val;
			} else {
				if (klen == 4 && memcmp(kv, "size", 4) == 0)
					px->size = (off_t)strtoll(val, NULL,
					    10);
				else if (klen == 5 &&
				    memcmp(kv, "mtime", 5) == 0)
					px->mtime = strtoll(val, NULL, 10);
				else if (klen == 3 && memcmp(kv, "uid", 3) == 0)
					px->uid = strtoll(val, NULL, 10);
				free(val);
			}
		}
		p += n;
	}
}

/*
 * A tar read from front to back: a file through pread at off, or a pipe
 * through read, where going past a member means reading its data (so a
 * member cut short is found there too, not only when its data is wanted).
 */
struct tar_reader {
	int	fd;
	bool	stream;
	off_t	off;		/* the next byte to read */
	off_t	next;		/* where the next header starts */
	off_t	end;		/* a tar inside a file: where it ends, or 0 */
};

/*
 * Read len bytes at r->off. The input's end before the first byte sets
 * *eof (when eof is not NULL); anywhere else it is an error.
 */
static int
tar_fill(struct tar_reader *r, void *buf, size_t len, bool *eof,
    struct paks_error **err)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = r->stream ? read(r->fd, (char *)buf + done,
		    len - done) : pread(r->fd, (char *)buf + done, len - done,
		    r->off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return paks_error_set(err, errno, "cannot read the "
			    "archive");
		if (n == 0 && done == 0 && eof != NULL) {
			*eof = true;
			return 0;
		}
		if (n == 0)
			return paks_error_set(err, 0, "the archive ends early "
			    "(truncated?)");
		done += (size_t)n;
		r->off += n;
	}
	return 0;
}

/* Go on to the next header: a file seeks, a pipe reads what is between. */
static int
tar_skip(struct tar_reader *r, struct paks_error **err)
{
	char scratch[16 * BLOCK];

	if (!r->stream)
		r->off = r->next;
	while (r->off < r->next) {
		size_t chunk = r->next - r->off < (off_t)sizeof scratch ?
		    (size_t)(r->next - r->off) : sizeof scratch;
		if (tar_fill(r, scratch, chunk, NULL, err) < 0)
			return -1;
	}
	return 0;
}

/* A member's name from its ustar header: prefix "/" name, or name. */
static char *
tar_name(const unsigned char *b)
{
	_cleanup_free_ char *base = tar_string(b, 100);

	if (memcmp(b + 257, "ustar", 5) == 0 && b[345] != '\0') {
		_cleanup_free_ char *pre = tar_string(b + 345, 155);
		return xasprintf("%s/%s", pre, base);
	}
	return TAKE_PTR(base);
}

static void
tar_entry_release(struct move_archive_entry *e)
{
	free(e->name);
	free(e->link);
}

/* A pax ('x') or GNU long name ('L') or link ('K') header's data. */
static int
tar_meta(struct tar_reader *r, char type, off_t size, struct tar_pax_said *px,
    struct paks_error **err)
{
	_cleanup_free_ char *buf = NULL;

	if (size > (off_t)META_MAX)
		return paks_error_set(err, 0, "a tar header in the archive is "
		    "too large");
	buf = xmalloc((size_t)size + 1);
	if (tar_fill(r, buf, (size_t)size, NULL, err) < 0)
		return -1;
	buf[size] = '\0';
	if (type == 'x') {
		tar_pax(buf, (size_t)size, px);
	} else if (type == 'L') {
		free(px->name);
		px->name = xstrdup(buf);
	} else {
		free(px->link);
		px->link = xstrdup(buf);
	}
	return 0;
}

/* The member whose ustar header is b, with what a pax header said. */
static void
tar_entry_make(const unsigned char *b, char type, off_t off, off_t size,
    struct tar_pax_said *px, struct move_archive_entry *e)
{
	char *name = px->name ? TAKE_PTR(px->name) : tar_name(b);
	const char *clean = name;

	while (strncmp(clean, "./", 2) == 0)
		clean += 2;
	*e = (struct move_archive_entry){
		.name = xstrdup(clean),
		.link = px->link ? TAKE_PTR(px->link) :
		    (type == '2' || type == '1') ? tar_string(b + 157, 100) :
		    NULL,
		.type = type == '7' ? '0' : type,
		.offset = off, .size = size,
		.mode = (unsigned)tar_number(b + 100, 8) & 07777,
		.mtime = px->mtime != INT64_MIN ? px->mtime :
		    tar_number(b + 136, 12),
		.uid = px->uid >= 0 ? px->uid : tar_number(b + 108, 8),
	};
	free(name);
}

/*
 * The next member of the tar in r, in *e (its name and link are the
 * caller's): 1, or 0 at the end, -1 on an error. Understands ustar, pax
 * ('x') and GNU long names ('L', 'K'); the data is left to the caller.
 */
static int
tar_next(struct tar_reader *r, struct move_archive_entry *e,
    struct paks_error **err)
{
	unsigned char b[BLOCK];
	struct tar_pax_said px = { .size = -1, .mtime = INT64_MIN, .uid = -1 };
	off_t header = -1;
	int rc = -1;

	for (;;) {
		bool eof = false;

		if (tar_skip(r, err) < 0)
			goto out;
		if (r->end > 0 && r->off + BLOCK > r->end) {
			rc = 0;	/* the member holding the tar ends */
			goto out;
		}
		if (header < 0)
			header = r->off;
		if (tar_fill(r, b, BLOCK, &eof, err) < 0)
			goto out;
		if (eof || tar_block_zero(b)) {
			rc = 0;	/* no end blocks: accept, as tar does */
			goto out;
		}
		if (!tar_checksum_ok(b)) {
			paks_error_set(err, 0, "not a tar file, or a damaged "
			    "one (bad header checksum)");
			goto out;
		}
		off_t size = px.size >= 0 ? px.size :
		    (off_t)tar_number(b + 124, 12);
		char type = b[156] ? (char)b[156] : '0';
		if (size < 0 || size > MEMBER_MAX) {
			paks_error_set(err, 0, "a tar header in the archive "
			    "has an impossible size");
			goto out;
		}
		r->next = r->off + (size + BLOCK - 1) / BLOCK * BLOCK;
		if (r->end > 0 && r->next > r->end) {
			paks_error_set(err, 0, "a tar in the archive ends in "
			    "the middle of a member");
			goto out;
		}

		if (type == 'x' || type == 'L' || type == 'K') {
			if (tar_meta(r, type, size, &px, err) < 0)
				goto out;
			continue;
		}
		if (type == 'g')
			continue;
		tar_entry_make(b, type, r->off, size, &px, e);
		e->header = header;
		return 1;
	}
out:
	free(px.name);
	free(px.link);
	return rc;
}

/* List the members of the tar file in fd: names, types, where data is. */
int
move_archive_index(int fd, struct move_archive *a, struct paks_error **err)
{
	return move_archive_index_at(fd, 0, 0, a, err);
}

/*
 * List the members of a tar held at [start, start + len) of the file in
 * fd (a layer in an image archive; len 0: to the file's end).
 */
int
move_archive_index_at(int fd, off_t start, off_t len, struct move_archive *a,
    struct paks_error **err)
{
	struct tar_reader r = { .fd = fd, .off = start, .next = start,
		.end = len > 0 ? start + len : 0 };
	struct move_archive_entry e;
	int rc;

	a->fd = fd;
	while ((rc = tar_next(&r, &e, err)) > 0) {
		if (a->n == a->alloc) {
			a->alloc = a->alloc ? 2 * a->alloc : 32;
			a->v = xreallocarray(a->v, a->alloc, sizeof *a->v);
		}
		a->v[a->n++] = e;
	}
	return rc;
}

/*
 * Read the tar in fd (a pipe, e.g. from "ENGINE cp CTR:PATH -") once,
 * front to back: v->entry sees each member, with its data if v->want
 * asked for it (a regular file of at most v->max bytes, NUL-terminated).
 * It stops at the tar's end blocks; the caller drains what follows.
 */
int
move_archive_stream(int fd, const struct move_archive_visit *v, void *arg,
    struct paks_error **err)
{
	struct tar_reader r = { .fd = fd, .stream = true };

	for (;;) {
		struct move_archive_entry e;
		_cleanup_free_ char *data = NULL;
		int rc = tar_next(&r, &e, err);

		if (rc <= 0)
			return rc;
		if (e.type == '0' && (uint64_t)e.size <= v->max &&
		    v->want != NULL && v->want(&e, arg)) {
			data = xmalloc((size_t)e.size + 1);
			rc = tar_fill(&r, data, (size_t)e.size, NULL, err);
			data[rc < 0 ? 0 : e.size] = '\0';
		}
		if (rc >= 0 && v->entry != NULL)
			rc = v->entry(&e, data, arg, err);
		tar_entry_release(&e);
		if (rc < 0)
			return -1;
	}
}

/*
 * The members of the tar that is member m of a (a layer of a
 * docker-archive) to fn, headers only: their data is never read, so a
 * layer of any size costs a read of each header. It stops at m's end.
 */
int
move_archive_walk(const struct move_archive *a,
    const struct move_archive_entry *m, move_archive_walk_fn *fn, void *arg,
    struct paks_error **err)
{
	struct tar_reader r = { .fd = a->fd, .off = m->offset,
		.next = m->offset };
	const off_t end = m->offset + m->size;

	for (;;) {
		struct move_archive_entry e;
		int rc;

		if (r.next + BLOCK > end)
			return 0;
		if ((rc = tar_next(&r, &e, err)) <= 0)
			return rc;
		if (e.offset + e.size > end)
			rc = paks_error_set(err, 0, "a layer of the image "
			    "archive is damaged (a member runs past its end)");
		else
			rc = fn(&e, arg, err);
		tar_entry_release(&e);
		if (rc < 0)
			return -1;
	}
}

/* A wanted member's data to v->chunk, a piece at a time, through buf. */
static int
tar_chunks(struct tar_reader *r, const struct move_archive_entry *e,
    const struct move_archive_chunked *v, void *arg, char *buf, size_t cap,
    struct paks_error **err)
{
	off_t left = e->size;

	while (left > 0) {
		size_t n = left < (off_t)cap ? (size_t)left : cap;
		int rc;

		if (tar_fill(r, buf, n, NULL, err) < 0)
			return -1;
		left -= (off_t)n;
		if ((rc = v->chunk(e, buf, n, arg, err)) != 0)
			return rc < 0 ? -1 : 0;
	}
	return 0;
}

/*
 * Read the tar in fd once, front to back, as move_archive_stream does;
 * the data of the members v->want asks for goes to v->chunk in pieces,
 * so a file of any size takes no more memory than one piece.
 */
int
move_archive_chunks(int fd, const struct move_archive_chunked *v, void *arg,
    struct paks_error **err)
{
	struct tar_reader r = { .fd = fd, .stream = true };
	const size_t cap = 256 * 1024;
	_cleanup_free_ char *buf = xmalloc(cap);

	for (;;) {
		struct move_archive_entry e;
		int rc = tar_next(&r, &e, err);

		if (rc <= 0)
			return rc;
		if (e.type == '0' && v->want(&e, arg))
			rc = tar_chunks(&r, &e, v, arg, buf, cap, err);
		tar_entry_release(&e);
		if (rc < 0)
			return -1;
	}
}

/*
 * Make the members, in their order, in the copy st (util/safetree.c): one
 * tree, named as the archive names it, or the contents of a directory
 * (contents, or an archive holding its root or several names: "docker cp
 * CTR:/dir/. -" sends "./a", podman "a").
 */
int
move_archive_extract(const struct move_archive *a, struct safetree *st,
    bool contents, struct paks_error **err)
{
	_cleanup_free_ char *top = NULL;

	if (a->n == 0)
		return paks_error_set(err, 0, "the archive to copy is empty");
	for (size_t i = 0; i < a->n && !contents; i++) {
		_cleanup_free_ char *t = safetree_top_of(a->v[i].name);
		if (t == NULL)
			break;	/* "..": safetree_put refuses it */
		if (*t == '\0' || (top != NULL && strcmp(t, top) != 0))
			contents = true;
		else if (top == NULL)
			top = TAKE_PTR(t);
	}
	safetree_layout(st, contents ? NULL : top);
	for (size_t i = 0; i < a->n; i++) {
		const struct move_archive_entry *e = &a->v[i];
		struct safetree_member m = { .path = e->name, .type = e->type,
			.mode = e->mode, .mtime = e->mtime, .link = e->link,
			.data_fd = a->fd, .offset = e->offset, .size = e->size };

		if (safetree_put(st, &m, err) < 0)
			return -1;
	}
	return 0;
}

/* The entry named name; a symlink is followed (relative to its folder). */
const struct move_archive_entry *
move_archive_find(const struct move_archive *a, const char *name)
{
	_cleanup_free_ char *want = xstrdup(name);

	for (int hops = 0; hops < 8; hops++) {
		const struct move_archive_entry *e = NULL;
		const char *w = want;
		while (strncmp(w, "./", 2) == 0)
			w += 2;
		for (size_t i = 0; i < a->n && e == NULL; i++) {
			if (strcmp(a->v[i].name, w) == 0)
				e = &a->v[i];
		}
		if (e == NULL || e->type != '2')
			return e;
		/* "dir/layer.tar -> ../abc.tar" */
		const char *slash = strrchr(e->name, '/');
		_cleanup_free_ char *dir = slash ? xstrndup(e->name,
		    (size_t)(slash - e->name)) : xstrdup("");
		const char *t = e->link;
		while (strncmp(t, "../", 3) == 0) {
			char *up = strrchr(dir, '/');
			if (up != NULL)
				*up = '\0';
			else
				*dir = '\0';
			t += 3;
		}
		free(want);
		want = *dir && t[0] != '/' ? xasprintf("%s/%s", dir, t) :
		    xstrdup(t[0] == '/' ? t + 1 : t);
	}
	return NULL;
}

/* Read a whole (small) member into memory, NUL-terminated. */
int
move_archive_slurp(const struct move_archive *a, const char *name,
    size_t max, char **out, size_t *len, struct paks_error **err)
{
	const struct move_archive_entry *e = move_archive_find(a, name);
	_cleanup_free_ char *buf = NULL;

	if (e == NULL || e->type != '0')
		return paks_error_set(err, 0, "the image archive has no '%s'",
		    name);
	if ((uint64_t)e->size > max)
		return paks_error_set(err, 0, "'%s' in the image archive is "
		    "too large", name);
	struct tar_reader r = { .fd = a->fd, .off = e->offset };
	buf = xmalloc((size_t)e->size + 1);
	if (tar_fill(&r, buf, (size_t)e->size, NULL, err) < 0)
		return -1;
	buf[e->size] = '\0';
	if (len != NULL)
		*len = (size_t)e->size;
	*out = TAKE_PTR(buf);
	return 0;
}

static char **
json_strings(json_t *arr, size_t *n)
{
	char **v;

	if (!json_is_array(arr))
		return NULL;
	*n = json_array_size(arr);
	v = xcalloc(*n + 1, sizeof *v);
	for (size_t i = 0; i < *n; i++) {
		const char *s = json_string_value(json_array_get(arr, i));
		if (s == NULL) {
			for (size_t j = 0; j < i; j++)
				free(v[j]);
			free(v);
			return NULL;
		}
		v[i] = xstrdup(s);
	}
	return v;
}

static void
strs_free(char **v)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/*
 * Index a docker-archive and read what the delta needs: manifest.json
 * (config name, layer files) and the config (diff ids, in layer order).
 */
int
move_archive_read(int fd, struct move_archive *a, struct paks_error **err)
{
	_cleanup_free_ char *mtext = NULL;
	json_t *m = NULL, *cfg = NULL;
	json_error_t jerr;
	size_t nd = 0;
	int rc = -1;

	if (move_archive_index(fd, a, err) < 0)
		return -1;
	if (move_archive_slurp(a, "manifest.json", META_MAX, &mtext, NULL,
	    err) < 0) {
		paks_error_release(err);
		return paks_error_set(err, 0, "not a docker-archive (no "
		    "manifest.json)");
	}
	m = json_loads(mtext, 0, &jerr);
	json_t *item = json_array_get(m, 0);
	const char *cname = json_string_value(json_object_get(item, "Config"));
	if (cname == NULL) {
		paks_error_set(err, 0, "the archive's manifest.json names no "
		    "config");
		goto out;
	}
	a->config_name = xstrdup(cname);
	a->layers = json_strings(json_object_get(item, "Layers"), &a->nlayers);
	if (a->layers == NULL) {
		paks_error_set(err, 0, "the archive's manifest.json lists no "
		    "layers");
		goto out;
	}
	if (move_archive_slurp(a, a->config_name, META_MAX, &a->config,
	    &a->config_len, err) < 0)
		goto out;
	cfg = json_loads(a->config, 0, &jerr);
	a->diff_ids = json_strings(json_object_get(json_object_get(cfg,
	    "rootfs"), "diff_ids"), &nd);
	if (a->diff_ids == NULL || nd != a->nlayers) {
		paks_error_set(err, 0, "the archive's config and manifest "
		    "disagree on the layers");
		goto out;
	}
	a->layer_size = xcalloc(a->nlayers ? a->nlayers : 1,
	    sizeof *a->layer_size);
	for (size_t i = 0; i < a->nlayers; i++) {
		const struct move_archive_entry *e =
		    move_archive_find(a, a->layers[i]);
		if (e == NULL || e->type != '0') {
			paks_error_set(err, 0, "the image archive lacks layer "
			    "'%s'", a->layers[i]);
			goto out;
		}
		a->layer_size[i] = (uint64_t)e->size;
	}
	rc = 0;
out:
	json_decref(m);
	json_decref(cfg);
	return rc;
}

void
move_archive_release(struct move_archive *a)
{
	for (size_t i = 0; i < a->n; i++)
		tar_entry_release(&a->v[i]);
	free(a->v);
	free(a->config_name);
	free(a->config);
	strs_free(a->layers);
	strs_free(a->diff_ids);
	free(a->layer_size);
	*a = (struct move_archive)MOVE_ARCHIVE_INIT;
}

static int
tar_write(int out, const void *buf, size_t len, uint64_t *count,
    struct paks_error **err)
{
	if (write_all(out, buf, len) < 0)
		return paks_error_set(err, errno, "cannot write the image "
		    "archive");
	if (count != NULL)
		*count += len;
	return 0;
}

static void
tar_octal(unsigned char *field, size_t len, uint64_t v)
{
	/* len - 1 digits and a NUL; base-256 when it does not fit */
	if (len == 12 && v > 077777777777ULL) {
		memset(field, 0, len);
		field[0] = 0x80;
		for (size_t i = len - 1; i > 0; i--, v >>= 8)
			field[i] = (unsigned char)(v & 0xff);
		return;
	}
	snprintf((char *)field, len, "%0*" PRIo64, (int)len - 1, v);
}

static void
tar_header(unsigned char *b, const char *name, char type, uint64_t size)
{
	size_t len = strlen(name);
	int64_t sum = 0;

	memset(b, 0, BLOCK);
	if (len <= 100) {
		memcpy(b, name, len);
	} else {
		/* ustar: prefix "/" name; the caller checked that it fits */
		const char *cut = name + len - 101;
		cut = strchr(cut + 1, '/');
		memcpy(b, cut + 1, strlen(cut + 1));
		memcpy(b + 345, name, (size_t)(cut - name));
	}
	tar_octal(b + 100, 8, 0644);
	tar_octal(b + 108, 8, 0);
	tar_octal(b + 116, 8, 0);
	tar_octal(b + 124, 12, size);
	tar_octal(b + 136, 12, 0);
	b[156] = (unsigned char)type;
	memcpy(b + 257, "ustar", 6);
	memcpy(b + 263, "00", 2);
	memset(b + 148, ' ', 8);
	for (size_t i = 0; i < BLOCK; i++)
		sum += b[i];
	/* at most 512 * 255: six octal digits */
	snprintf((char *)b + 148, 8, "%06o", (unsigned)(sum & 0777777));
	b[155] = ' ';
}

/* Does name fit ustar's 155-byte prefix and 100-byte name? */
static bool
tar_fits(const char *name)
{
	size_t len = strlen(name);

	if (len <= 100)
		return true;
	if (len > 256)
		return false;
	const char *cut = strchr(name + len - 101 + 1, '/');
	return cut != NULL && (size_t)(cut - name) <= 155 && cut[1] != '\0';
}

/* Header for a regular file; a pax record carries a name too long. */
int
move_tar_begin(int out, const char *name, uint64_t size, uint64_t *count,
    struct paks_error **err)
{
	unsigned char b[BLOCK];

	if (!tar_fits(name)) {
		_cleanup_free_ char *rec = NULL;
		size_t body = strlen(" path=\n") + strlen(name), n = body + 1;
		/* the length counts its own digits */
		while ((size_t)snprintf(NULL, 0, "%zu", n) + body != n)
			n = (size_t)snprintf(NULL, 0, "%zu", n) + body;
		rec = xasprintf("%zu path=%s\n", n, name);
		tar_header(b, "PaxHeader", 'x', n);
		if (tar_write(out, b, BLOCK, count, err) < 0)
			return -1;
		unsigned char pad[BLOCK] = { 0 };
		if (tar_write(out, rec, n, count, err) < 0 ||
		    tar_write(out, pad, (BLOCK - n % BLOCK) % BLOCK, count,
		    err) < 0)
			return -1;
		name = "long-name";
	}
	tar_header(b, name, '0', size);
	return tar_write(out, b, BLOCK, count, err);
}

/* The zeros that fill a member of size bytes to a whole block. */
int
move_tar_pad(int out, uint64_t size, uint64_t *count, struct paks_error **err)
{
	unsigned char pad[BLOCK] = { 0 };

	return tar_write(out, pad, (BLOCK - size % BLOCK) % BLOCK, count, err);
}

/* Add a regular file with the given bytes to the tar being written. */
int
move_tar_add(int out, const char *name, const void *data, size_t len,
    uint64_t *count, struct paks_error **err)
{
	if (move_tar_begin(out, name, len, count, err) < 0 ||
	    tar_write(out, data, len, count, err) < 0)
		return -1;
	return move_tar_pad(out, len, count, err);
}

/* The two zero blocks that end a tar. */
int
move_tar_end(int out, uint64_t *count, struct paks_error **err)
{
	unsigned char zero[2 * BLOCK] = { 0 };

	return tar_write(out, zero, sizeof zero, count, err);
}

/* Add a member whose data is a range of the archive's own file. */
static int
tar_add_range(int out, const char *name, int in, off_t off, uint64_t size,
    uint64_t *count, struct paks_error **err)
{
	_cleanup_free_ char *buf = xmalloc(1 << 20);
	struct tar_reader r = { .fd = in, .off = off };

	if (move_tar_begin(out, name, size, count, err) < 0)
		return -1;
	for (uint64_t done = 0; done < size;) {
		size_t chunk = size - done < (1 << 20) ? size - done : 1 << 20;
		if (tar_fill(&r, buf, chunk, NULL, err) < 0 ||
		    tar_write(out, buf, chunk, count, err) < 0)
			return -1;
		done += chunk;
	}
	return move_tar_pad(out, size, count, err);
}

/*
 * Write a docker-archive to out: manifest.json naming repotag (or no tag
 * when NULL), the config, and each layer: whole, or empty where
 * present[i] says the other side has it (present may be NULL: all whole).
 */
int
move_archive_write(const struct move_archive *a, const bool *present,
    const char *repotag, int out, struct move_archive_stats *st,
    struct paks_error **err)
{
	json_t *m = json_object(), *layers = json_array(), *tags = json_array();
	_cleanup_free_ char *mtext = NULL;
	int rc = -1;

	memset(st, 0, sizeof *st);
	json_object_set_new(m, "Config", json_string(a->config_name));
	if (repotag != NULL)
		json_array_append_new(tags, json_string(repotag));
	json_object_set_new(m, "RepoTags", tags);
	for (size_t i = 0; i < a->nlayers; i++)
		json_array_append_new(layers, json_string(a->layers[i]));
	json_object_set_new(m, "Layers", layers);
	json_t *arr = json_array();
	json_array_append_new(arr, m);
	mtext = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	if (mtext == NULL)
		xoom();

	if (move_tar_add(out, "manifest.json", mtext, strlen(mtext),
	    &st->written, err) < 0 ||
	    move_tar_add(out, a->config_name, a->config, a->config_len,
	    &st->written, err) < 0)
		goto out;
	for (size_t i = 0; i < a->nlayers; i++) {
		const struct move_archive_entry *e =
		    move_archive_find(a, a->layers[i]);
		bool skip = present != NULL && present[i];

		/* a layer listed twice is sent once */
		for (size_t j = 0; j < i && !skip; j++)
			if (strcmp(a->layers[j], a->layers[i]) == 0)
				skip = true;
		st->all_layers += a->layer_size[i];
		if (skip) {
			st->reused++;
			if (move_tar_add(out, a->layers[i], "", 0,
			    &st->written, err) < 0)
				goto out;
			continue;
		}
		st->sent++;
		st->sent_layers += a->layer_size[i];
		if (tar_add_range(out, a->layers[i], a->fd, e->offset,
		    (uint64_t)e->size, &st->written, err) < 0)
			goto out;
	}
	rc = move_tar_end(out, &st->written, err);
out:
	return rc;
}

/* What kind of image archive fd holds (it is read from the start). */
int
move_archive_kind(int fd, enum move_archive_kind *kind,
    struct paks_error **err)
{
	struct move_archive a = MOVE_ARCHIVE_INIT;
	unsigned char magic[6] = { 0 };
	ssize_t n = pread(fd, magic, sizeof magic, 0);

	*kind = ARCHIVE_UNKNOWN;
	if (n < 0)
		return paks_error_set(err, errno, "cannot read the archive");
	if ((n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) ||
	    (n >= 4 && memcmp(magic, "\x28\xb5\x2f\xfd", 4) == 0) ||
	    (n >= 6 && memcmp(magic, "\xfd" "7zXZ", 5) == 0) ||
	    (n >= 3 && memcmp(magic, "BZh", 3) == 0)) {
		*kind = ARCHIVE_COMPRESSED;
		return 0;
	}
	if (move_archive_index(fd, &a, err) < 0) {
		move_archive_release(&a);
		return -1;
	}
	if (move_archive_find(&a, "manifest.json") != NULL)
		*kind = ARCHIVE_DOCKER;
	else if (move_archive_find(&a, "index.json") != NULL &&
	    move_archive_find(&a, "oci-layout") != NULL)
		*kind = ARCHIVE_OCI;
	move_archive_release(&a);
	return 0;
}
