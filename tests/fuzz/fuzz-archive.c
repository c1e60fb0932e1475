/*
 * Fuzz image archives (src/image/move-archive.c): 'paks load FILE' reads a
 * tar made anywhere (ustar, pax and GNU long names, symlinks), and #move
 * and paks move read the engine's docker-archive. The input is the file,
 * held in a memfd; it is read once as it is and once with the checksum of
 * every 512-byte block made right, so that mutations get past the header
 * check. Properties:
 *
 *  - move_archive_kind and move_archive_index end (no hang) with an answer
 *    or a message; every member found has a name and its data at a block
 *    boundary after its header, not before the start of the file;
 *  - a docker-archive that move_archive_read accepts has as many diff ids
 *    as layers, each layer a regular member of the size recorded; written
 *    again with move_archive_write (if its data is all there), it reads
 *    back with the same config, layers and diff ids.
 */
#include <stdbool.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "image/move-archive.h"

static int in = -1, out = -1;

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

static void
same_strings(char **a, char **b, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(strcmp(a[i], b[i]) == 0, "%s %zu", what, i);
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
	if (move_archive_index(in, &a, &err) == 0)
		check_index(&a, size);
	else
		message(err);
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
