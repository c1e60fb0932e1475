/*
 * Unit tests for a save's flatten (src/image/save-flatten.c): the layers
 * above the base merged into one with whiteouts, opaque folders and hard
 * links applied, the base's layers kept, the config's diff ids and
 * history; and the SHA-256 it names layers with (nettle's, through src/util/sha256.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "image/move-archive.h"
#include "image/save-flatten.h"
#include "util/sha256.h"
#include "util/strbuf.h"
#include "tarhdr.h"

/* ---- sha256 */

static void
test_sha256(void **state)
{
	char hex[SHA256_HEX_LEN + 1];
	char million[1001];
	struct sha256_ctx c;

	(void)state;
	sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b"
	    "934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a39617"
	    "7a9cb410ff61f20015ad");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    56, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff"
	    "2167f6ecedd419db06c1");
	/* a million 'a's, fed in pieces that cross the blocks */
	memset(million, 'a', sizeof million);
	sha256_init(&c);
	for (int i = 0; i < 1000; i++)
		sha256_update(&c, i % 2 ? 999 : 1001, (uint8_t *)million);
	sha256_final_hex(&c, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497"
	    "200e046d39ccc7112cd0");
}

/* ---- tars written by hand: any kind of member */

static void
hdr(struct strbuf *t, const char *name, char type, const char *link,
    const char *data)
{
	unsigned char b[512];
	size_t len = data ? strlen(data) : 0;

	tarhdr_fill(b, name, type, type == '5' ? 0755 : 0644, len, 0, link);
	strbuf_add(t, b, sizeof b);
	if (len > 0) {
		char pad[512] = { 0 };
		strbuf_add(t, data, len);
		strbuf_add(t, pad, (512 - len % 512) % 512);
	}
}

static void
tar_done(struct strbuf *t)
{
	char zero[1024] = { 0 };

	strbuf_add(t, zero, sizeof zero);
}

static void
add(int fd, const char *name, const void *data, size_t len)
{
	struct paks_error *err = NULL;

	assert_int_equal(move_tar_add(fd, name, data, len, NULL, &err), 0);
}

static int
memfile(void)
{
	int fd = memfd_create("test-flatten", 0);

	assert_true(fd >= 0);
	return fd;
}

/*
 * The base (one layer) and three layers above it, as engines write them:
 * l1 the oldest, l3 the commit.
 */
static int
fake_saved(char *base_id)
{
	struct strbuf l0 = STRBUF_INIT, l1 = STRBUF_INIT, l2 = STRBUF_INIT,
	    l3 = STRBUF_INIT;
	char h[4][SHA256_HEX_LEN + 1];
	int fd = memfile();

	hdr(&l0, "bin/", '5', NULL, NULL);
	hdr(&l0, "bin/sh", '0', NULL, "base shell");
	hdr(&l0, "d/base", '0', NULL, "in d");
	hdr(&l0, "m/", '5', NULL, NULL);
	hdr(&l0, "m/base", '0', NULL, "in m");
	hdr(&l0, "x", '0', NULL, "x");
	tar_done(&l0);
	hdr(&l1, "d/", '5', NULL, NULL);
	hdr(&l1, "d/a", '0', NULL, "a");
	hdr(&l1, "d/b", '0', NULL, "b");
	hdr(&l1, "x", '0', NULL, "x");
	hdr(&l1, "o/", '5', NULL, NULL);
	hdr(&l1, "o/old", '0', NULL, "old");
	hdr(&l1, "m/", '5', NULL, NULL);
	hdr(&l1, "m/old", '0', NULL, "m old");
	hdr(&l1, "h", '0', NULL, "h");
	tar_done(&l1);
	hdr(&l2, "d/.wh.a", '0', NULL, NULL);
	hdr(&l2, ".wh.x", '0', NULL, NULL);
	hdr(&l2, ".wh.m", '0', NULL, NULL);
	hdr(&l2, "o/", '5', NULL, NULL);
	hdr(&l2, "o/.wh..wh..opq", '0', NULL, NULL);
	hdr(&l2, "o/new", '0', NULL, "new");
	hdr(&l2, "y", '0', NULL, "y old");
	hdr(&l2, "h2", '0', NULL, "linked data");
	hdr(&l2, "hl", '1', "h2", NULL);
	tar_done(&l2);
	hdr(&l3, "./d/", '5', NULL, NULL);
	hdr(&l3, "./d/.wh..wh..opq", '0', NULL, NULL);
	hdr(&l3, "./d/c", '0', NULL, "c");
	hdr(&l3, "./m/", '5', NULL, NULL);
	hdr(&l3, "./m/f", '0', NULL, "m new");
	hdr(&l3, "./y", '0', NULL, "y new");
	hdr(&l3, "./.wh.h2", '0', NULL, NULL);
	tar_done(&l3);
	sha256_hex(l0.buf, l0.len, h[0]);
	sha256_hex(l1.buf, l1.len, h[1]);
	sha256_hex(l2.buf, l2.len, h[2]);
	sha256_hex(l3.buf, l3.len, h[3]);
	sprintf(base_id, "sha256:%s", h[0]);

	char *cfg = NULL, *man = NULL;
	assert_true(asprintf(&cfg, "{\"created\":\"2026-12-03T00:00:00Z\","
	    "\"config\":{\"Cmd\":[\"sh\"]},\"rootfs\":{\"type\":\"layers\","
	    "\"diff_ids\":[\"sha256:%s\",\"sha256:%s\",\"sha256:%s\","
	    "\"sha256:%s\"]},\"history\":[{\"created_by\":\"base\"},"
	    "{\"created_by\":\"CMD\",\"empty_layer\":true},"
	    "{\"created_by\":\"one\"},{\"created_by\":\"two\"},"
	    "{\"created_by\":\"three\"}]}", h[0], h[1], h[2], h[3]) > 0);
	assert_true(asprintf(&man, "[{\"Config\":\"c.json\",\"RepoTags\":"
	    "null,\"Layers\":[\"0/layer.tar\",\"1/layer.tar\","
	    "\"2/layer.tar\",\"3/layer.tar\"]}]") > 0);
	add(fd, "c.json", cfg, strlen(cfg));
	add(fd, "0/layer.tar", l0.buf, l0.len);
	add(fd, "1/layer.tar", l1.buf, l1.len);
	add(fd, "2/layer.tar", l2.buf, l2.len);
	add(fd, "3/layer.tar", l3.buf, l3.len);
	add(fd, "manifest.json", man, strlen(man));
	free(cfg);
	free(man);
	strbuf_release(&l0);
	strbuf_release(&l1);
	strbuf_release(&l2);
	strbuf_release(&l3);
	return fd;
}

/* The names in the merged layer, in order, one a line; hl's data. */
static char *
merged_names(struct move_archive *out, char **hl)
{
	struct move_archive l = MOVE_ARCHIVE_INIT;
	struct paks_error *err = NULL;
	struct strbuf names = STRBUF_INIT;
	const struct move_archive_entry *e = move_archive_find(out,
	    out->layers[1]);

	assert_non_null(e);
	assert_int_equal(move_archive_index_at(out->fd, e->offset, e->size,
	    &l, &err), 0);
	for (size_t i = 0; i < l.n; i++) {
		strbuf_addf(&names, "%s%c\n", l.v[i].name, l.v[i].type);
		if (strcmp(l.v[i].name, "hl") == 0)
			assert_int_equal(move_archive_slurp(&l, "hl", 100, hl,
			    NULL, &err), 0);
	}
	move_archive_release(&l);
	return strbuf_detach(&names);
}

static void
test_merge(void **state)
{
	char base_id[8 + SHA256_HEX_LEN], hex[SHA256_HEX_LEN + 1];
	int in = fake_saved(base_id), out = memfile();
	char *base[] = { base_id, NULL }, *id = NULL, *names, *hl = NULL;
	struct paks_error *err = NULL;
	struct move_archive a = MOVE_ARCHIVE_INIT;

	(void)state;
	assert_int_equal(save_flatten_archive(in, base, 1, out, &id, &err),
	    SAVE_FLATTEN_DONE);
	assert_null(err);
	assert_int_equal(move_archive_read(out, &a, &err), 0);
	assert_int_equal(a.nlayers, 2);
	assert_string_equal(a.diff_ids[0], base_id);
	/* the base's layer is an empty file: the engine has it */
	assert_int_equal(a.layer_size[0], 0);
	names = merged_names(&a, &hl);
	/* whiteouts and opaque marks only where the base has the path
	 * (d, m and x; not h2, o) */
	assert_string_equal(names,
	    "d/5\n" "d/.wh..wh..opq0\n" "d/c0\n" "m/5\n" "m/f0\n" "y0\n"
	    ".wh.x0\n" "m/.wh..wh..opq0\n" "o/5\n" "o/new0\n" "hl0\n"
	    "h0\n");
	/* the link to a file a higher layer removed: a file of its own */
	assert_string_equal(hl, "linked data");
	/* ids: the config's digest; the layer's, its bytes' */
	assert_memory_equal(id + 7, a.config_name, SHA256_HEX_LEN);
	assert_string_equal(a.config_name + SHA256_HEX_LEN, ".json");
	sha256_hex(a.config, a.config_len, hex);
	assert_memory_equal(id, "sha256:", 7);
	assert_memory_equal(id + 7, hex, SHA256_HEX_LEN);
	json_t *cfg = json_loads(a.config, 0, NULL);
	json_t *hist = json_object_get(cfg, "history");
	assert_int_equal(json_array_size(hist), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    hist, 1), "created_by")), "CMD");
	/* the rest of the config as it was */
	assert_string_equal(json_string_value(json_array_get(json_object_get(
	    json_object_get(cfg, "config"), "Cmd"), 0)), "sh");
	json_decref(cfg);
	free(names);
	free(hl);
	free(id);
	move_archive_release(&a);
	close(in);
	close(out);
}

/* Not the base's layers: the caller flattens the whole image. */
static void
test_not_base(void **state)
{
	char base_id[8 + SHA256_HEX_LEN];
	int in = fake_saved(base_id), out = memfile();
	char other[] = "sha256:0000", *base[] = { other, NULL }, *id = NULL;
	struct paks_error *err = NULL;

	(void)state;
	assert_int_equal(save_flatten_archive(in, base, 1, out, &id, &err),
	    SAVE_FLATTEN_WHOLE);
	assert_null(err);
	assert_null(id);
	assert_int_equal(lseek(out, 0, SEEK_END), 0);
	close(in);
	close(out);
}

/* Not an archive: an error, not a flatten of the whole. */
static void
test_not_archive(void **state)
{
	int in = memfile(), out = memfile();
	char *base[] = { NULL }, *id = NULL;
	struct paks_error *err = NULL;

	(void)state;
	assert_int_equal(write(in, "hello", 5), 5);
	assert_int_equal(save_flatten_archive(in, base, 0, out, &id, &err),
	    SAVE_FLATTEN_FAILED);
	assert_non_null(err);
	paks_error_free(err);
	close(in);
	close(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_not_base),
		cmocka_unit_test(test_not_archive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
