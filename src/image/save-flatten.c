/*
 * A save's flatten: the layers of a committed image above its base merged
 * into one, the base's layers kept as they are, so that every save and
 * snapshot of a chain shares them with the base image.
 *
 * In: a docker-archive of the committed image ("ENGINE save"). Out: a
 * docker-archive for "ENGINE load": the base's layers as empty files (both
 * engines skip a layer they have, see move-archive.c), one merged layer,
 * and the committed image's config with that layer's diff id (the sha256
 * of the uncompressed layer tar) and one history entry for it.
 *
 * The merge reads the layers top down and keeps, for each path, the entry
 * of the highest layer that has it, copied byte for byte (its pax records,
 * owner, xattrs and data as the engine wrote them). A path is dropped
 * below a whiteout of it (".wh.NAME"), below a non-folder at it or at one
 * of its folders, and below an opaque folder (".wh..wh..opq") holding it.
 * A whiteout or opaque mark stays in the merged layer only if it hides a
 * path of the base (the base's layers are listed for that): one for a
 * path only the merged layers had would be seen by readdir in a folder
 * that only the merged layer has, as a name that cannot be opened. A
 * whiteout of a folder of the base that a higher layer made again becomes
 * that folder's opaque mark. A hard link whose file a higher layer
 * replaced or removed becomes a copy of that file (from the link's own
 * layer). A hard link to a file outside its own layer, or a member of a
 * kind the engines do not write (sparse, GNU extensions), leaves the
 * caller to flatten the whole image as before.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "move-archive.h"
#include "save-flatten.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/sha256.h"
#include "util/xalloc.h"

#define BLOCK 512
#define FLAT_LAYER "paks-flattened.tar"
#define OPAQUE ".wh..wh..opq"
#define WHITEOUT ".wh."

/* What the layers above the one being read left at a path. */
enum flat_flags {
	FLAT_SELF = 1 << 0,	/* an entry at the path was kept or whited out */
	FLAT_DIR = 1 << 1,	/* a folder there (or holding a kept path) */
	FLAT_HIDE = 1 << 2,	/* paths under it, in lower layers, are gone */
	FLAT_OPQ = 1 << 3,	/* its opaque mark is kept */
	FLAT_FILE = 1 << 4,	/* a kept non-folder: a hard link may name it */
};

struct flat_slot {
	char		*path;
	unsigned char	 flags;	/* from the layers above */
	unsigned char	 pend;	/* from the layer being read */
};

/* Paths to their flags: open addressing, at most half full. */
struct flat_map {
	struct flat_slot	*v;
	size_t			 n, cap;
};

/*
 * A piece of the merged layer: a range of the input (after head, a header
 * of paks's when not NULL), or an opaque mark.
 */
struct flat_piece {
	off_t		 from, to;
	char		*mark;
	unsigned char	*head;
};

struct flat {
	int			 in;
	struct flat_map		 map;
	struct flat_map		 base;	/* the paths of the base's layers */
	struct flat_piece	*v;
	size_t			 n, alloc;
};

static size_t
flat_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return (size_t)h;
}

static struct flat_slot *
flat_find(struct flat_slot *v, size_t cap, const char *path, size_t len)
{
	size_t i = flat_hash(path, len) & (cap - 1);

	while (v[i].path != NULL && (strncmp(v[i].path, path, len) != 0 ||
	    v[i].path[len] != '\0'))
		i = (i + 1) & (cap - 1);
	return &v[i];
}

/* The slot of path[0..len), made when create says so (else NULL). */
static struct flat_slot *
flat_get(struct flat_map *m, const char *path, size_t len, bool create)
{
	struct flat_slot *s;

	if (m->cap == 0) {
		if (!create)
			return NULL;
		m->cap = 1024;
		m->v = xcalloc(m->cap, sizeof *m->v);
	}
	s = flat_find(m->v, m->cap, path, len);
	if (s->path != NULL || !create)
		return s->path != NULL ? s : NULL;
	if (2 * (m->n + 1) > m->cap) {
		struct flat_slot *old = m->v;
		size_t ocap = m->cap;
		m->cap *= 2;
		m->v = xcalloc(m->cap, sizeof *m->v);
		for (size_t i = 0; i < ocap; i++)
			if (old[i].path != NULL)
				*flat_find(m->v, m->cap, old[i].path,
				    strlen(old[i].path)) = old[i];
		free(old);
		s = flat_find(m->v, m->cap, path, len);
	}
	s->path = xstrndup(path, len);
	m->n++;
	return s;
}

static unsigned char
flat_flags_of(struct flat_map *m, const char *path)
{
	struct flat_slot *s = flat_get(m, path, strlen(path), false);

	return s != NULL ? s->flags : 0;
}

/* A layer is read: what it left applies to the layers below it. */
static void
flat_fold(struct flat_map *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		m->v[i].flags |= m->v[i].pend;
		m->v[i].pend = 0;
	}
}

/* Is a folder above path hidden from this layer by a higher one? */
static bool
flat_hidden(struct flat_map *m, const char *path)
{
	for (const char *p = strchr(path, '/'); p != NULL;
	    p = strchr(p + 1, '/')) {
		struct flat_slot *s = flat_get(m, path, (size_t)(p - path),
		    false);
		if (s != NULL && (s->flags & FLAT_HIDE))
			return true;
	}
	return false;
}

/* path is kept from this layer: flags at it, and folders above it. */
static void
flat_keep(struct flat *f, const char *path, unsigned char flags)
{
	flat_get(&f->map, path, strlen(path), true)->pend |= flags;
	for (const char *p = strchr(path, '/'); p != NULL;
	    p = strchr(p + 1, '/'))
		flat_get(&f->map, path, (size_t)(p - path), true)->pend |=
		    FLAT_DIR;
}

static struct flat_piece *
flat_piece(struct flat *f, off_t from, off_t to, char *mark)
{
	if (f->n == f->alloc) {
		f->alloc = f->alloc ? 2 * f->alloc : 64;
		f->v = xreallocarray(f->v, f->alloc, sizeof *f->v);
	}
	f->v[f->n] = (struct flat_piece){ from, to, mark, NULL };
	return &f->v[f->n++];
}

/* A member's whole bytes: its headers, its data, the padding. */
static void
flat_copy(struct flat *f, const struct move_archive_entry *e)
{
	flat_piece(f, e->header, e->offset + (e->size + BLOCK - 1) / BLOCK *
	    BLOCK, NULL);
}

/* Did the base have path? */
static bool
flat_in_base(struct flat *f, const char *path)
{
	return flat_get(&f->base, path, strlen(path), false) != NULL;
}

/*
 * A whiteout of path: kept if the base has it (made an opaque mark if a
 * higher layer made it a folder again), or already hidden.
 */
static void
flat_whiteout(struct flat *f, const struct move_archive_entry *e,
    const char *path)
{
	unsigned char had = flat_flags_of(&f->map, path);

	if (had & FLAT_HIDE)
		return;
	if (had & FLAT_DIR) {
		/* made again above: only the base's contents go */
		if (flat_in_base(f, path))
			flat_piece(f, 0, 0, xasprintf("%s/" OPAQUE, path));
		flat_keep(f, path, FLAT_HIDE | FLAT_OPQ);
		return;
	}
	if (flat_in_base(f, path))
		flat_copy(f, e);
	flat_keep(f, path, FLAT_SELF | FLAT_HIDE);
}

static const char *
flat_clean(char *path)
{
	size_t len;

	while (*path == '/' || strncmp(path, "./", 2) == 0)
		path += *path == '/' ? 1 : 2;
	len = strlen(path);
	while (len > 0 && path[len - 1] == '/')
		path[--len] = '\0';
	return path;
}

/*
 * A hard link whose file this layer did not keep (a higher layer
 * replaced or removed it): the file's data under the link's name, with
 * the link's header made a regular file's. 0, or SAVE_FLATTEN_WHOLE.
 */
static int
flat_unlink(struct flat *f, const struct move_archive *l,
    const struct move_archive_entry *e, const char *target)
{
	const struct move_archive_entry *t = NULL;
	unsigned char *b;
	int64_t sum = 0;

	for (size_t i = 0; i < l->n && &l->v[i] != e && t == NULL; i++) {
		_cleanup_free_ char *name = xstrdup(l->v[i].name);
		if (strcmp(flat_clean(name), target) == 0)
			t = &l->v[i];
	}
	/* a pax record could say more than a ustar header: leave it */
	if (t == NULL || t->type != '0' || e->header != e->offset - BLOCK ||
	    t->size > 077777777777LL)
		return SAVE_FLATTEN_WHOLE;
	b = xmalloc(BLOCK);
	if (pread(f->in, b, BLOCK, e->header) != BLOCK) {
		free(b);
		return SAVE_FLATTEN_WHOLE;
	}
	b[156] = '0';
	memset(b + 157, 0, 100);
	snprintf((char *)b + 124, 12, "%011llo", (unsigned long long)t->size);
	memset(b + 148, ' ', 8);
	for (size_t i = 0; i < BLOCK; i++)
		sum += b[i];
	snprintf((char *)b + 148, 8, "%06o", (unsigned)(sum & 0777777));
	b[155] = ' ';
	flat_piece(f, t->offset, t->offset + (t->size + BLOCK - 1) / BLOCK *
	    BLOCK, NULL)->head = b;
	return 0;
}

/* A hard link: as it is if this layer kept its file, else made one. */
static int
flat_link(struct flat *f, const struct move_archive *l,
    const struct move_archive_entry *e)
{
	_cleanup_free_ char *t = NULL;
	const char *p;
	struct flat_slot *s;

	if (e->link == NULL)
		return SAVE_FLATTEN_WHOLE;
	t = xstrdup(e->link);
	p = flat_clean(t);
	s = flat_get(&f->map, p, strlen(p), false);
	if (s != NULL && (s->pend & FLAT_FILE)) {
		flat_copy(f, e);
		return 0;
	}
	return flat_unlink(f, l, e, p);
}

/*
 * One member of the layer being read, at path (no leading "./" or "/",
 * no trailing "/"): 0, or SAVE_FLATTEN_WHOLE if it cannot be merged.
 */
static int
flat_member(struct flat *f, const struct move_archive *l,
    const struct move_archive_entry *e, char *path)
{
	char *slash = strrchr(path, '/');
	char *name = slash ? slash + 1 : path;
	unsigned char had;

	if (strncmp(name, WHITEOUT, strlen(WHITEOUT)) == 0 &&
	    strncmp(name, ".wh..wh.", 8) != 0) {
		if (name[strlen(WHITEOUT)] == '\0')
			return SAVE_FLATTEN_WHOLE;
		memmove(name, name + strlen(WHITEOUT), strlen(name) - 3);
		if (!flat_hidden(&f->map, path))
			flat_whiteout(f, e, path);
		return 0;
	}
	if (strcmp(name, OPAQUE) == 0) {
		if (slash == NULL)
			return SAVE_FLATTEN_WHOLE;	/* the root: no */
		*slash = '\0';
		had = flat_flags_of(&f->map, path);
		if (!flat_hidden(&f->map, path) && !(had & FLAT_HIDE)) {
			if (flat_in_base(f, path))
				flat_copy(f, e);
			flat_keep(f, path, FLAT_HIDE | FLAT_OPQ | FLAT_DIR);
		}
		return 0;
	}
	if (strchr("0123456", e->type) == NULL || e->type == '\0')
		return SAVE_FLATTEN_WHOLE;
	if (flat_hidden(&f->map, path))
		return 0;
	had = flat_flags_of(&f->map, path);
	if (e->type == '5') {
		if (!(had & (FLAT_SELF | FLAT_HIDE))) {
			flat_copy(f, e);
			flat_keep(f, path, FLAT_SELF | FLAT_DIR);
		}
		return 0;
	}
	if (had != 0)
		return 0;	/* a higher layer has it, or a folder there */
	if (e->type == '1' && flat_link(f, l, e) != 0)
		return SAVE_FLATTEN_WHOLE;
	if (e->type != '1')
		flat_copy(f, e);
	flat_keep(f, path, FLAT_SELF | FLAT_HIDE | FLAT_FILE);
	return 0;
}

/* A path of the base, and the folders above it. */
static void
flat_base_path(struct flat *f, const char *path)
{
	const char *name = strrchr(path, '/');

	name = name ? name + 1 : path;
	if (strncmp(name, WHITEOUT, strlen(WHITEOUT)) == 0)
		return;	/* the base's own whiteouts: listed as there */
	flat_get(&f->base, path, strlen(path), true);
	for (const char *p = strchr(path, '/'); p != NULL;
	    p = strchr(p + 1, '/'))
		flat_get(&f->base, path, (size_t)(p - path), true);
}

/*
 * Read one layer (a tar in the archive) and decide on each member; a
 * layer of the base (base) is only listed.
 */
static int
flat_layer(struct flat *f, const struct move_archive *a, size_t i,
    bool base, struct paks_error **err)
{
	const struct move_archive_entry *le = move_archive_find(a,
	    a->layers[i]);
	struct move_archive l = MOVE_ARCHIVE_INIT;
	unsigned char magic[4] = { 0 };
	int rc = 0;

	if (le == NULL || le->type != '0')
		return paks_error_set(err, 0, "the saved image lacks layer "
		    "'%s'", a->layers[i]);
	/* a compressed layer: the engine's business, not a merge's */
	if (pread(f->in, magic, sizeof magic, le->offset) == sizeof magic &&
	    ((magic[0] == 0x1f && magic[1] == 0x8b) ||
	    memcmp(magic, "\x28\xb5\x2f\xfd", 4) == 0))
		return SAVE_FLATTEN_WHOLE;
	if (le->size == 0)
		return 0;
	if (move_archive_index_at(f->in, le->offset, le->size, &l, err) < 0) {
		move_archive_release(&l);
		return -1;
	}
	for (size_t j = 0; j < l.n && rc == 0; j++) {
		_cleanup_free_ char *path = xstrdup(l.v[j].name);
		if (base)
			flat_base_path(f, flat_clean(path));
		else
			rc = flat_member(f, &l, &l.v[j],
			    (char *)flat_clean(path));
	}
	move_archive_release(&l);
	if (f->map.cap > 0)
		flat_fold(&f->map);
	return rc;
}

static int
flat_copy_range(int in, off_t from, off_t to, int out, uint64_t *count,
    struct paks_error **err)
{
	_cleanup_free_ char *buf = xmalloc(1 << 20);

	while (from < to) {
		size_t want = to - from < (1 << 20) ? (size_t)(to - from) :
		    1 << 20;
		ssize_t n = pread(in, buf, want, from);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return paks_error_set(err, n < 0 ? errno : 0, "cannot "
			    "read the saved image");
		if (write_all(out, buf, (size_t)n) < 0)
			return paks_error_set(err, errno, "cannot write the "
			    "flattened image");
		from += n;
		*count += (uint64_t)n;
	}
	return 0;
}

/*
 * The merged layer as a member of out, at its current end (a header,
 * then the pieces and the tar's end), and its digest in hex.
 */
static int
flat_write_layer(struct flat *f, int out, char hex[SHA256_HEX_LEN + 1],
    struct paks_error **err)
{
	off_t start = lseek(out, 0, SEEK_CUR);
	uint64_t size = 0, ignored = 0;
	struct sha256_ctx c;
	char zero[BLOCK] = { 0 };

	if (start < 0 || write_all(out, zero, BLOCK) < 0)
		return paks_error_set(err, errno, "cannot write the flattened "
		    "image");
	for (size_t i = 0; i < f->n; i++) {
		const struct flat_piece *p = &f->v[i];
		if (p->head != NULL && write_all(out, p->head, BLOCK) < 0)
			return paks_error_set(err, errno, "cannot write the "
			    "flattened image");
		size += p->head != NULL ? BLOCK : 0;
		if ((p->mark != NULL ? move_tar_add(out, p->mark, "", 0, &size,
		    err) : flat_copy_range(f->in, p->from, p->to, out, &size,
		    err)) < 0)
			return -1;
	}
	if (move_tar_end(out, &size, err) < 0 ||
	    move_tar_pad(out, size, &ignored, err) < 0)
		return -1;
	/* the header, now that the size is known; then the digest */
	if (lseek(out, start, SEEK_SET) < 0 ||
	    move_tar_begin(out, FLAT_LAYER, size, &ignored, err) < 0 ||
	    lseek(out, 0, SEEK_END) < 0)
		return paks_error_set(err, errno, "cannot write the flattened "
		    "image");
	_cleanup_free_ char *buf = xmalloc(1 << 20);
	sha256_init(&c);
	for (uint64_t done = 0; done < size;) {
		size_t want = size - done < (1 << 20) ? size - done : 1 << 20;
		ssize_t n = pread(out, buf, want, start + BLOCK + (off_t)done);
		if (n <= 0)
			return paks_error_set(err, n < 0 ? errno : 0, "cannot "
			    "read the flattened image");
		sha256_update(&c, (size_t)n, (const uint8_t *)buf);
		done += (uint64_t)n;
	}
	sha256_final_hex(&c, hex);
	return 0;
}

/*
 * The committed image's history with the entries of the layers above the
 * base (those not marked empty_layer) replaced by one for the merged one.
 */
static json_t *
flat_history(json_t *old, size_t nbase, json_t *created)
{
	json_t *h = json_array(), *v, *mine = json_object();
	size_t i, layers = 0;
	bool added = false;

	if (json_is_string(created))
		json_object_set(mine, "created", created);
	json_object_set_new(mine, "created_by", json_string("paks save: the "
	    "layers above the base, merged"));
	json_array_foreach(old, i, v) {
		if (json_is_true(json_object_get(v, "empty_layer")))
			json_array_append(h, v);
		else if (++layers <= nbase)
			json_array_append(h, v);
		else if (!added) {
			json_array_append(h, mine);
			added = true;
		}
	}
	if (!added)
		json_array_append(h, mine);
	json_decref(mine);
	return h;
}

/* The config of the flattened image: the committed one's, new layers. */
static char *
flat_config(const struct move_archive *a, size_t nbase, const char *hex,
    struct paks_error **err)
{
	json_error_t jerr;
	json_t *cfg = json_loads(a->config, 0, &jerr);
	json_t *rootfs = json_object_get(cfg, "rootfs"), *ids = json_array();
	char *text, digest[8 + SHA256_HEX_LEN];

	if (!json_is_object(rootfs)) {
		json_decref(cfg);
		json_decref(ids);
		paks_error_set(err, 0, "the saved image's config has no "
		    "rootfs");
		return NULL;
	}
	for (size_t i = 0; i < nbase; i++)
		json_array_append_new(ids, json_string(a->diff_ids[i]));
	snprintf(digest, sizeof digest, "sha256:%s", hex);
	json_array_append_new(ids, json_string(digest));
	json_object_set_new(rootfs, "diff_ids", ids);
	json_object_set_new(cfg, "history", flat_history(json_object_get(cfg,
	    "history"), nbase, json_object_get(cfg, "created")));
	text = json_dumps(cfg, JSON_COMPACT);
	json_decref(cfg);
	if (text == NULL)
		xoom();
	return text;
}

/* The rest of the archive: config, the base's layers empty, manifest. */
static int
flat_write_rest(const struct move_archive *a, size_t nbase, int out,
    const char *hex, char **id, struct paks_error **err)
{
	_cleanup_free_ char *cfg = flat_config(a, nbase, hex, err);
	_cleanup_free_ char *cname = NULL, *mtext = NULL;
	char chex[SHA256_HEX_LEN + 1];
	json_t *m = json_object(), *layers = json_array(), *arr = json_array();
	uint64_t n = 0;
	int rc = -1;

	if (cfg == NULL)
		goto out;
	sha256_hex(cfg, strlen(cfg), chex);
	cname = xasprintf("%s.json", chex);
	for (size_t i = 0; i < nbase; i++)
		json_array_append_new(layers, json_string(a->layers[i]));
	json_array_append_new(layers, json_string(FLAT_LAYER));
	json_object_set_new(m, "Config", json_string(cname));
	json_object_set_new(m, "RepoTags", json_array());
	json_object_set_new(m, "Layers", layers);
	json_array_append(arr, m);
	if ((mtext = json_dumps(arr, JSON_COMPACT)) == NULL)
		xoom();
	if (move_tar_add(out, cname, cfg, strlen(cfg), &n, err) < 0)
		goto out;
	for (size_t i = 0; i < nbase; i++)
		if (move_tar_add(out, a->layers[i], "", 0, &n, err) < 0)
			goto out;
	if (move_tar_add(out, "manifest.json", mtext, strlen(mtext), &n,
	    err) < 0 || move_tar_end(out, &n, err) < 0)
		goto out;
	*id = xasprintf("sha256:%s", chex);
	rc = 0;
out:
	json_decref(m);
	json_decref(arr);
	return rc;
}

static void
flat_map_release(struct flat_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->v[i].path);
	free(m->v);
}

static void
flat_release(struct flat *f)
{
	flat_map_release(&f->map);
	flat_map_release(&f->base);
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].mark);
		free(f->v[i].head);
	}
	free(f->v);
}

/*
 * The docker-archive in `in` (seekable) whose first nbase layers must be
 * base (diff ids): write to out (an empty file) the archive to load, with
 * the base's layers and the rest merged into one, and set *id to the
 * image id it loads as ("sha256:HEX", the digest of its config).
 */
enum save_flatten_result
save_flatten_archive(int in, char *const *base, size_t nbase, int out,
    char **id, struct paks_error **err)
{
	struct move_archive a = MOVE_ARCHIVE_INIT;
	struct flat f = { .in = in };
	char hex[SHA256_HEX_LEN + 1];
	int rc = SAVE_FLATTEN_WHOLE;

	if (move_archive_read(in, &a, err) < 0) {
		paks_error_wrap(err, "cannot read the saved image");
		rc = SAVE_FLATTEN_FAILED;
		goto out;
	}
	if (a.nlayers < nbase + 2)
		goto out;	/* nothing to merge: BUG-like, be safe */
	for (size_t i = 0; i < nbase; i++)
		if (base[i] == NULL || strcmp(a.diff_ids[i], base[i]) != 0)
			goto out;
	for (size_t i = 0; i < nbase; i++)
		if ((rc = flat_layer(&f, &a, i, true, err)) != 0)
			goto out;
	for (size_t i = a.nlayers; i-- > nbase;)
		if ((rc = flat_layer(&f, &a, i, false, err)) != 0)
			goto out;
	rc = SAVE_FLATTEN_FAILED;
	if (flat_write_layer(&f, out, hex, err) < 0 ||
	    flat_write_rest(&a, nbase, out, hex, id, err) < 0)
		goto out;
	rc = SAVE_FLATTEN_DONE;
out:
	if (rc == -1)
		rc = SAVE_FLATTEN_FAILED;
	flat_release(&f);
	move_archive_release(&a);
	return (enum save_flatten_result)rc;
}
