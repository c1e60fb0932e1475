/*
 * Unit tests for paks move's pure parts: destinations, options, names,
 * quoting, the layer query's answer, which layers count as present, the
 * auth file, and the docker-archive reader and delta writer
 * (src/image/move.c, src/image/move-archive.c); the shell quoting and
 * sizes it prints come from src/util/text.c.
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

#include "cmd.h"
#include "image/move-archive.h"
#include "image/move.h"
#include "image/move-registry.h"
#include "util/text.h"
#include "tarhdr.h"

/* ---- destinations */

static void
dest_ok(const char *text, enum move_kind kind, struct move_dest *d)
{
	struct paks_error *err = NULL;

	assert_int_equal(move_dest_parse(text, d, &err), 0);
	assert_null(err);
	assert_int_equal(d->kind, kind);
}

static void
dest_bad(const char *text, const char *want)
{
	struct move_dest d;
	struct paks_error *err = NULL;

	assert_int_equal(move_dest_parse(text, &d, &err), -1);
	assert_non_null(err);
	assert_null(err->hint);	/* one line */
	assert_null(strchr(err->msg, '\n'));
	if (strstr(err->msg, want) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", text, err->msg, want);
	paks_error_free(err);
}

static void
test_dest_good(void **state)
{
	struct move_dest d;

	(void)state;
	dest_ok("docker-archive:/tmp/x.tar", MOVE_DOCKER_ARCHIVE, &d);
	assert_string_equal(d.path, "/tmp/x.tar");
	move_dest_release(&d);
	dest_ok("oci-archive:rel/x.tar", MOVE_OCI_ARCHIVE, &d);
	assert_string_equal(d.path, "rel/x.tar");
	move_dest_release(&d);
	dest_ok("docker://127.0.0.1:5000/me/dev:v1", MOVE_REGISTRY, &d);
	assert_string_equal(d.ref, "127.0.0.1:5000/me/dev:v1");
	assert_string_equal(d.registry, "127.0.0.1:5000");
	move_dest_release(&d);
	dest_ok("docker://me/dev", MOVE_REGISTRY, &d);
	assert_string_equal(d.registry, "docker.io");
	move_dest_release(&d);
	dest_ok("ssh://cluster", MOVE_SSH, &d);
	assert_string_equal(d.host, "cluster");
	assert_null(d.user);
	assert_null(d.port);
	assert_null(d.engine);
	move_dest_release(&d);
	dest_ok("ssh://me.x@login-1.hpc.example.org:2222/podman", MOVE_SSH, &d);
	assert_string_equal(d.user, "me.x");
	assert_string_equal(d.host, "login-1.hpc.example.org");
	assert_string_equal(d.port, "2222");
	assert_string_equal(d.engine, "podman");
	move_dest_release(&d);
	dest_ok("ssh://root@[::1]:22/docker", MOVE_SSH, &d);
	assert_string_equal(d.host, "::1");
	assert_string_equal(d.port, "22");
	move_dest_release(&d);
	dest_ok("charliecloud:/scratch/dev", MOVE_CHARLIECLOUD, &d);
	assert_false(d.squash);
	move_dest_release(&d);
	dest_ok("charliecloud:dev.sqfs", MOVE_CHARLIECLOUD, &d);
	assert_true(d.squash);
	move_dest_release(&d);
}

static void
test_dest_bad(void **state)
{
	(void)state;
	dest_bad("", "unknown destination");
	dest_bad("/tmp/x.tar", "unknown destination");
	dest_bad("docker-daemon:x", "unknown destination");
	dest_bad("ssh:/host", "unknown destination");
	dest_bad("docker-archive:", "no path");
	dest_bad("charliecloud:", "no path");
	dest_bad("oci-archive:a:b.tar", "':'");
	dest_bad("docker://", "no repository");
	dest_bad("docker://Bad/Name", "not a valid image reference");
	dest_bad("docker://r.io/x@sha256:0123456789abcdef0123456789abcdef",
	    "digest");
	dest_bad("ssh://", "no host");
	dest_bad("ssh://:22", "no host");
	dest_bad("ssh://-oProxyCommand=x", "bad host");
	dest_bad("ssh://h;reboot", "bad host");
	dest_bad("ssh://-l@host", "bad user");
	dest_bad("ssh://a b@host", "bad user");
	dest_bad("ssh://host:0", "port");
	dest_bad("ssh://host:70000", "port");
	dest_bad("ssh://host:2x", "port");
	dest_bad("ssh://host/lxc", "unknown engine 'lxc'");
	dest_bad("ssh://[::1", "bad host");
}

/* ---- options */

/* registries on this machine are insecure by default, as docker has it */
static void
test_loopback(void **state)
{
	(void)state;
	assert_true(move_registry_loopback("127.0.0.1:5000"));
	assert_true(move_registry_loopback("127.3.4.5"));
	assert_true(move_registry_loopback("localhost:5000"));
	assert_true(move_registry_loopback("[::1]:5000"));
	assert_false(move_registry_loopback("128.0.0.1:5000"));
	assert_false(move_registry_loopback("localhost.example.com"));
	assert_false(move_registry_loopback("docker.io"));
	assert_false(move_registry_loopback("127.0.0.1.nip.io:5000"));
	assert_false(move_registry_loopback("[::10]:5000"));
}

/* ---- names, quoting, sizes */

static void
repotag(const char *in, const char *want)
{
	char *got = move_repotag(in);

	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(got, want);
	free(got);
}

static void
test_names(void **state)
{
	(void)state;
	repotag("debian", "debian:latest");
	repotag("paks-test/debian:bookworm-saved",
	    "paks-test/debian:bookworm-saved");
	repotag("localhost/paks-test/debian:x", "paks-test/debian:x");
	repotag("quay.io/me/dev:1", "quay.io/me/dev:1");
	repotag("localhost:5000/me/dev", "localhost:5000/me/dev:latest");
	repotag("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	    NULL);
	repotag("x@sha256:0123456789abcdef0123456789abcdef", NULL);
	repotag("Not Valid", NULL);
}

static void
quote(const char *in, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	text_shell_quote(&sb, in);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void
test_quote(void **state)
{
	(void)state;
	quote("docker", "docker");
	quote("/tmp/a-b_c.tar", "/tmp/a-b_c.tar");
	quote("", "''");
	quote("a b", "'a b'");
	quote("it's", "'it'\\''s'");
	quote("$(reboot)`x`", "'$(reboot)`x`'");
}

static void
size(uint64_t n, const char *want)
{
	char *got = text_size(n);

	assert_string_equal(got, want);
	free(got);
}

static void
test_size(void **state)
{
	(void)state;
	size(0, "0 B");
	size(999, "999 B");
	size(1000, "1.0 kB");
	size(999949, "999.9 kB");
	size(999999, "1.0 MB");
	size(1026084, "1.0 MB");
	size(127600000, "127.6 MB");
	size(3000000000ULL, "3.0 GB");
}

static void
test_auth_json(void **state)
{
	char *text = move_auth_json("127.0.0.1:5000", "me", "p:a ss\"");
	json_error_t jerr;
	json_t *root = json_loads(text, 0, &jerr);
	const char *auth;

	(void)state;
	assert_non_null(root);
	auth = json_string_value(json_object_get(json_object_get(
	    json_object_get(root, "auths"), "127.0.0.1:5000"), "auth"));
	/* base64 of "me:p:a ss\"" */
	assert_string_equal(auth, "bWU6cDphIHNzIg==");
	json_decref(root);
	free(text);
	text = move_auth_json("r", "a", "bc");
	assert_non_null(strstr(text, "\"YTpiYw==\""));
	free(text);
}

static void
test_loaded_name(void **state)
{
	char *n;

	(void)state;
	n = move_loaded_name("Loaded image: paks-test/debian:x\n");
	assert_string_equal(n, "paks-test/debian:x");
	free(n);
	n = move_loaded_name("Getting image source signatures\nLoaded image(s): "
	    "localhost/a:1,localhost/b:2\n");
	assert_string_equal(n, "localhost/a:1");
	free(n);
	n = move_loaded_name("Loaded image ID: sha256:abc\n");
	assert_string_equal(n, "sha256:abc");
	free(n);
	assert_null(move_loaded_name("nothing here"));
}

/* ---- the layer query's answer and what counts as present */

static void
test_remote(void **state)
{
	struct strv images = STRV_INIT;
	char *engine = NULL;
	char *ids[] = { "sha256:a", "sha256:b", "sha256:c" };
	bool present[3];

	(void)state;
	assert_int_equal(move_remote_parse("Welcome!\nengine docker\n"
	    "image sha256:a sha256:b \nimage sha256:x sha256:c \nimage \n"
	    "paks-ready\n", &engine, &images), 0);
	assert_string_equal(engine, "docker");
	assert_int_equal(images.n, 2);
	assert_string_equal(images.v[0], "sha256:a sha256:b");

	/* docker: by chain, so c (on top of x) does not count */
	move_layers_present(ids, 3, images.v, true, present);
	assert_true(present[0]);
	assert_true(present[1]);
	assert_false(present[2]);
	/* podman: by diff id */
	move_layers_present(ids, 3, images.v, false, present);
	assert_true(present[0] && present[1] && present[2]);
	/* nothing there */
	move_layers_present(ids, 3, NULL, true, present);
	assert_false(present[0] || present[1] || present[2]);
	/* a prefix of a longer word is not a match */
	char *one[] = { "sha256:a1 sha256:b", NULL };
	move_layers_present(ids, 2, one, false, present);
	assert_false(present[0]);
	assert_true(present[1]);
	free(engine);
	strv_release(&images);

	assert_int_equal(move_remote_parse("image a\n", &engine, &images), -1);
	assert_int_equal(move_remote_parse("engine lxc\n", &engine, &images),
	    -1);
	assert_null(engine);
	strv_release(&images);
}

/* ---- archives */

static int
memfile(void)
{
	int fd = memfd_create("test-move", 0);

	assert_true(fd >= 0);
	return fd;
}

static void
add(int fd, const char *name, const char *data)
{
	struct paks_error *err = NULL;

	assert_int_equal(move_tar_add(fd, name, data, strlen(data), NULL,
	    &err), 0);
}

/* A small docker-archive; layer names as docker writes them. */
static int
fake_archive(void)
{
	int fd = memfile();
	char long_name[200];
	struct paks_error *err = NULL;

	memset(long_name, 'd', sizeof long_name);
	memcpy(long_name + 120, "/layer.tar", 11);
	add(fd, "repositories", "{}");
	add(fd, "aaa/layer.tar", "BASE LAYER BYTES");
	add(fd, long_name, "TOP");
	add(fd, "cfg.json", "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":"
	    "[\"sha256:base\",\"sha256:top\"]}}");
	char *m = NULL;
	assert_true(asprintf(&m, "[{\"Config\":\"cfg.json\",\"RepoTags\":"
	    "[\"localhost/x:1\"],\"Layers\":[\"aaa/layer.tar\",\"%s\"]}]",
	    long_name) > 0);
	add(fd, "./manifest.json", m);
	free(m);
	assert_int_equal(move_tar_end(fd, NULL, &err), 0);
	return fd;
}

static void
test_archive_roundtrip(void **state)
{
	struct move_archive a = MOVE_ARCHIVE_INIT, b = MOVE_ARCHIVE_INIT;
	struct move_archive_stats st;
	struct paks_error *err = NULL;
	bool present[2] = { true, false };
	int in = fake_archive(), out = memfile();
	char *text = NULL;
	size_t len;
	enum move_archive_kind kind;

	(void)state;
	assert_int_equal(move_archive_read(in, &a, &err), 0);
	assert_int_equal(a.nlayers, 2);
	assert_string_equal(a.diff_ids[1], "sha256:top");
	assert_int_equal(a.layer_size[0], 16);
	assert_int_equal(move_archive_kind(in, &kind, &err), 0);
	assert_int_equal(kind, ARCHIVE_DOCKER);

	assert_int_equal(move_archive_write(&a, present, "x:1", out, &st,
	    &err), 0);
	assert_int_equal(st.sent, 1);
	assert_int_equal(st.reused, 1);
	assert_int_equal(st.sent_layers, 3);
	assert_int_equal(st.all_layers, 19);
	assert_int_equal(st.written % 512, 0);
	assert_int_equal((off_t)st.written, lseek(out, 0, SEEK_END));

	/* the delta reads back: base is empty, top whole, the tag renamed */
	assert_int_equal(move_archive_index(out, &b, &err), 0);
	assert_int_equal(b.n, 4);
	assert_null(move_archive_find(&b, "repositories"));
	assert_int_equal(move_archive_find(&b, "aaa/layer.tar")->size, 0);
	assert_int_equal(move_archive_find(&b, a.layers[1])->size, 3);
	assert_int_equal(move_archive_slurp(&b, a.layers[1], 100, &text, &len,
	    &err), 0);
	assert_string_equal(text, "TOP");
	free(text);
	assert_int_equal(move_archive_slurp(&b, "manifest.json", 4096, &text,
	    NULL, &err), 0);
	assert_non_null(strstr(text, "\"RepoTags\":[\"x:1\"]"));
	free(text);
	move_archive_release(&b);

	/* and as a docker-archive again, all layers whole when present=NULL */
	assert_int_equal(ftruncate(out, 0), 0);
	lseek(out, 0, SEEK_SET);
	assert_int_equal(move_archive_write(&a, NULL, NULL, out, &st, &err), 0);
	assert_int_equal(st.sent, 2);
	assert_int_equal(move_archive_read(out, &b, &err), 0);
	assert_int_equal(b.layer_size[0], 16);
	move_archive_release(&b);
	move_archive_release(&a);
	close(in);
	close(out);
}

static void
test_archive_symlink_and_kinds(void **state)
{
	struct move_archive a = MOVE_ARCHIVE_INIT;
	struct paks_error *err = NULL;
	enum move_archive_kind kind;
	int fd = memfile();
	unsigned char h[512];

	(void)state;
	/* podman: dir/layer.tar -> ../abc.tar */
	add(fd, "abc.tar", "LAYER");
	tarhdr_fill(h, "dir/layer.tar", '2', 0777, 0, 0, "../abc.tar");
	assert_int_equal(write(fd, h, 512), 512);
	add(fd, "oci-layout", "{}");
	add(fd, "index.json", "{}");
	/* too long for ustar: a pax header carries the name */
	char paxname[151];
	memset(paxname, 'p', 150);
	paxname[150] = '\0';
	add(fd, paxname, "PAX");
	assert_int_equal(move_archive_index(fd, &a, &err), 0);
	assert_int_equal(move_archive_find(&a, "dir/layer.tar")->size, 5);
	assert_int_equal(move_archive_find(&a, paxname)->size, 3);
	assert_null(move_archive_find(&a, "long-name"));
	assert_int_equal(move_archive_kind(fd, &kind, &err), 0);
	assert_int_equal(kind, ARCHIVE_OCI);
	move_archive_release(&a);

	/* not a docker-archive: one clear error */
	assert_int_equal(move_archive_read(fd, &a, &err), -1);
	assert_non_null(strstr(err->msg, "not a docker-archive"));
	paks_error_release(&err);
	move_archive_release(&a);
	close(fd);

	fd = memfile();
	assert_int_equal(write(fd, "\x1f\x8b\x08\x00", 4), 4);
	assert_int_equal(move_archive_kind(fd, &kind, &err), 0);
	assert_int_equal(kind, ARCHIVE_COMPRESSED);
	close(fd);

	fd = memfile();
	char junk[1024];
	memset(junk, 'j', sizeof junk);
	assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
	assert_int_equal(move_archive_kind(fd, &kind, &err), -1);
	assert_non_null(strstr(err->msg, "not a tar file"));
	paks_error_release(&err);
	close(fd);
}

/* A raw tar header: name, type, the 12 bytes of the size field. */
static void
raw_header(int fd, const char *name, char type, const unsigned char *size)
{
	unsigned char h[512] = { 0 };
	unsigned sum = 0;

	memcpy(h, name, strlen(name));
	memcpy(h + 100, "0000644", 7);
	memcpy(h + 124, size, 12);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar", 6);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	assert_int_equal(write(fd, h, 512), 512);
}

/*
 * Found by tests/fuzz/fuzz-archive: a tar that 'paks load' is given may
 * say anything. A pax record shorter than its own "LEN " made tar_pax
 * search past the header's data (a crash); a base-256 size overflowed
 * (undefined behaviour) or came out negative, and a negative size sent
 * the index back to the same header for ever (a hang). Such headers are
 * refused or ignored now.
 */
static void
test_archive_hostile(void **state)
{
	struct move_archive a = MOVE_ARCHIVE_INIT;
	struct paks_error *err = NULL;
	unsigned char size[12] = "00000000010";	/* 8, octal */
	unsigned char block[512] = { 0 };
	unsigned char neg[12], big[12];
	int fd = memfile();

	(void)state;
	/* "1 abcdef": LEN 1 cannot hold " abcdef\n", and there is no '=' */
	raw_header(fd, "PaxHeader", 'x', size);
	memcpy(block, "1 abcdef", 8);
	assert_int_equal(write(fd, block, 512), 512);
	add(fd, "f", "F");
	assert_int_equal(move_archive_index(fd, &a, &err), 0);
	assert_int_equal(move_archive_find(&a, "f")->size, 1);
	move_archive_release(&a);
	close(fd);

	/* base-256 -1024 (GNU's negative form) and a 2^88 size */
	memset(neg, 0xff, sizeof neg);
	neg[10] = 0xfc;
	neg[11] = 0x00;
	memset(big, 0, sizeof big);
	big[0] = 0x80;
	big[1] = 0x01;
	for (int i = 0; i < 2; i++) {
		fd = memfile();
		raw_header(fd, "loop", '0', i == 0 ? neg : big);
		assert_int_equal(write(fd, block, 512), 512);
		assert_int_equal(move_archive_index(fd, &a, &err), -1);
		assert_non_null(strstr(err->msg, "size"));
		paks_error_release(&err);
		move_archive_release(&a);
		close(fd);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dest_good),
		cmocka_unit_test(test_dest_bad),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_auth_json),
		cmocka_unit_test(test_loaded_name),
		cmocka_unit_test(test_remote),
		cmocka_unit_test(test_archive_roundtrip),
		cmocka_unit_test(test_archive_symlink_and_kinds),
		cmocka_unit_test(test_archive_hostile),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
