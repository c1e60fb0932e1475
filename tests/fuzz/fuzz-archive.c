/*
 * Fuzz the tar reader and image archives (src/image/move-archive.c): 'paks
 * load FILE' reads a tar made anywhere (ustar, pax and GNU long names,
 * symlinks), #move and paks move read the engine's docker-archive, and
 * #cp and the #sbom plugin read what "ENGINE cp" writes to a pipe. The
 * input is the file, held in a memfd; it is read once as it is and once
 * with the checksum of every 512-byte block made right, so that mutations
 * get past the header check. Properties:
 *
 *  - move_archive_kind and move_archive_index end (no hang) with an answer
 *    or a message; every member found has a name and its data at a block
 *    boundary after its header, not before the start of the file;
 *  - move_archive_stream, reading the same bytes once from the front as
 *    from a pipe, ends too and hands the members the index lists, in their
 *    order and alike in every field, each wanted file with its bytes
 *    (NUL-terminated); if it reads to the end, so did the index;
 *  - a docker-archive that move_archive_read accepts has as many diff ids
 *    as layers, each layer a regular member of the size recorded; written
 *    again with move_archive_write (if its data is all there), it reads
 *    back with the same config, layers and diff ids;
 *  - every regular member, read as a tar nested in the file as the
 *    preflight of paks move reads a layer (move_archive_walk, each member
 *    fed to src/image/preflight.c), ends with an answer or a message, and
 *    each member it finds lies within the one it was read from.
 */
#include <stdbool.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "image/move-archive.h"
#include "image/preflight.h"

static int in = -1, out = -1;

/* What move_archive_stream handed so far, to hold against the index. */
struct streamed {
	const struct move_archive	*index;
	size_t				 n;
};

int	LLVMFuzzerInitialize(int *, char ***);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	in = memfd_create("paks-fuzz-archive-in", MFD_CLOEXEC);
	out = memfd_create("paks-fuzz-archive-out", MFD_CLOEXEC);
	if (in < 0 || out < 0)
		abort();
	return 0;
}

static void
message(struct paks_error *err)
{
	FUZZ_CHECK(err != NULL && err->msg != NULL, "no message");
	paks_error_free(err);
}

static void
check_index(const struct move_archive *a, size_t size)
{
	for (size_t i = 0; i < a->n; i++) {
		const struct move_archive_entry *e = &a->v[i];

		FUZZ_CHECK(e->name != NULL, "member %zu has no name", i);
		FUZZ_CHECK(e->offset >= 512 && e->offset % 512 == 0 &&
		    (size_t)e->offset <= size + 512, "member '%s' at %lld",
		    e->name, (long long)e->offset);
		FUZZ_CHECK(e->size >= 0, "member '%s' of size %lld", e->name,
		    (long long)e->size);
	}
}

static bool
want_all(const struct move_archive_entry *e, void *arg)
{
	(void)e;
	(void)arg;
	return true;
}

static bool
same_text(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int
streamed_entry(const struct move_archive_entry *e, const char *data,
    void *arg, struct paks_error **err)
{
	struct streamed *st = arg;
	const struct move_archive_entry *x;

	(void)err;
	FUZZ_CHECK(st->n < st->index->n, "the stream has more members than "
	    "the index (%zu)", st->index->n);
	x = &st->index->v[st->n++];
	FUZZ_CHECK(same_text(e->name, x->name) && same_text(e->link, x->link)
	    && e->type == x->type && e->offset == x->offset &&
	    e->size == x->size && e->mode == x->mode && e->mtime == x->mtime,
	    "member %zu '%s' differs from the index's", st->n - 1, e->name);
	if (data != NULL) {
		char *want = malloc((size_t)e->size + 1);

		if (want == NULL || pread(in, want, (size_t)e->size, e->offset) !=
		    (ssize_t)e->size)
			abort();
		FUZZ_CHECK(memcmp(data, want, (size_t)e->size) == 0 &&
		    data[e->size] == '\0', "data of '%s'", e->name);
		free(want);
	}
	return 0;
}

/* The input read once from the front; index is what the index found. */
static void
check_stream(const struct move_archive *index, bool index_ok)
{
	static const struct move_archive_visit visit = { want_all,
		streamed_entry, 1 << 16 };
	struct streamed st = { index, 0 };
	struct paks_error *err = NULL;

	if (lseek(in, 0, SEEK_SET) < 0)
		abort();
	if (move_archive_stream(in, &visit, &st, &err) == 0)
		FUZZ_CHECK(index_ok && st.n == index->n, "the stream read %zu "
		    "members to the end, the index %zu%s", st.n, index->n,
		    index_ok ? "" : " and failed");
	else
		message(err);
}

static void
same_strings(char **a, char **b, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(strcmp(a[i], b[i]) == 0, "%s %zu", what, i);
}

/* A member read as a layer, and the preflight fed from it. */
struct walk {
	const struct move_archive_entry	*layer;
	size_t				 i;
	struct preflight		 pf;
};

static int
walked(const struct move_archive_entry *e, void *arg, struct paks_error **err)
{
	struct walk *w = arg;

	(void)err;
	FUZZ_CHECK(e->name != NULL && e->offset >= w->layer->offset &&
	    e->offset + e->size <= w->layer->offset + w->layer->size,
	    "member '%s' of layer '%s' lies outside it", e->name,
	    w->layer->name);
	preflight_feed(&w->pf, w->i, e);
	return 0;
}

/* Every regular member of a, read as a layer, bottom first. */
static void
check_walk(const struct move_archive *a)
{
	struct walk w = { .pf = PREFLIGHT_INIT };
	struct paks_error *err = NULL;

	for (size_t i = 0; i < a->n; i++) {
		if (a->v[i].type != '0')
			continue;
		w.layer = &a->v[i];
		w.i = i;
		if (move_archive_walk(a, &a->v[i], walked, &w, &err) < 0) {
			message(err);
			err = NULL;
		}
	}
	for (unsigned k = 0; k < PREFLIGHT_KINDS; k++)
		free(preflight_summary(&w.pf, 1u << k, 0));
	preflight_release(&w.pf);
}

/* name is "manifest.json" once any "./" are taken off */
static bool
is_manifest(const char *name)
{
	while (strncmp(name, "./", 2) == 0)
		name += 2;
	return strcmp(name, "manifest.json") == 0;
}

/*
 * Write a again and read it back. Not when the config or a layer is
 * manifest.json itself: the new archive's own manifest takes that name
 * (only an archive made to confuse has that, and paks rewrites only what
 * its own engine saved).
 */
static void
rewrite(const struct move_archive *a)
{
	struct move_archive b = MOVE_ARCHIVE_INIT;
	struct move_archive_stats st;
	struct paks_error *err = NULL;

	if (is_manifest(a->config_name))
		return;
	for (size_t i = 0; i < a->nlayers; i++) {
		if (is_manifest(a->layers[i]))
			return;
	}
	if (ftruncate(out, 0) < 0 || lseek(out, 0, SEEK_SET) < 0)
		abort();
	if (move_archive_write(a, NULL, "fuzz:1", out, &st, &err) < 0) {
		message(err);	/* a layer's data is cut short */
		return;
	}
	FUZZ_CHECK(st.written % 512 == 0, "wrote %llu bytes",
	    (unsigned long long)st.written);
	FUZZ_CHECK(move_archive_read(out, &b, &err) == 0,
	    "a written archive does not read back: %s", err->msg);
	FUZZ_CHECK(b.config_len == a->config_len &&
	    memcmp(b.config, a->config, a->config_len) == 0, "config");
	FUZZ_CHECK(strcmp(b.config_name, a->config_name) == 0, "config name");
	FUZZ_CHECK(b.nlayers == a->nlayers, "%zu layers, then %zu",
	    a->nlayers, b.nlayers);
	same_strings(a->layers, b.layers, a->nlayers, "layer");
	same_strings(a->diff_ids, b.diff_ids, a->nlayers, "diff id");
	for (size_t i = 0; i < a->nlayers; i++)
		FUZZ_CHECK(b.layer_size[i] == a->layer_size[i],
		    "size of layer %zu", i);
	move_archive_release(&b);
}

/* Give every whole block the header checksum it would need. */
static void
fix_checksums(uint8_t *b, size_t size)
{
	for (size_t off = 0; off + 512 <= size; off += 512) {
		unsigned sum = 0;

		memset(b + off + 148, ' ', 8);
		for (size_t i = 0; i < 512; i++)
			sum += b[off + i];
		snprintf((char *)b + off + 148, 8, "%06o", sum);
		b[off + 155] = ' ';
	}
}

static void
fuzz_file(const uint8_t *data, size_t size)
{
	struct move_archive a = MOVE_ARCHIVE_INIT;
	struct paks_error *err = NULL;
	enum move_archive_kind kind;

	if (ftruncate(in, 0) < 0 || pwrite(in, data, size, 0) !=
	    (ssize_t)size)
		abort();
	if (move_archive_kind(in, &kind, &err) < 0)
		message(err);
	err = NULL;
	if (move_archive_index(in, &a, &err) == 0) {
		check_index(&a, size);
		check_stream(&a, true);
		check_walk(&a);
	} else {
		message(err);
		check_stream(&a, false);
	}
	move_archive_release(&a);
	err = NULL;
	if (move_archive_read(in, &a, &err) == 0) {
		FUZZ_CHECK(a.config != NULL && a.config_name != NULL, "config");
		for (size_t i = 0; i < a.nlayers; i++) {
			const struct move_archive_entry *e =
			    move_archive_find(&a, a.layers[i]);

			FUZZ_CHECK(e != NULL && e->type == '0' &&
			    (uint64_t)e->size == a.layer_size[i],
			    "layer %zu", i);
		}
		rewrite(&a);
	} else
		message(err);
	move_archive_release(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *fixed;

	if (size > 1 << 20)
		return 0;
	fuzz_file(data, size);
	if (size >= 512) {
		if ((fixed = malloc(size)) == NULL)
			abort();
		memcpy(fixed, data, size);
		fix_checksums(fixed, size);
		fuzz_file(fixed, size);
		free(fixed);
	}
	return 0;
}
