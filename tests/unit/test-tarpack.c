/*
 * Unit tests for the tar of a host tree (src/image/tarpack.c), read back
 * with paks's own reader (move_archive_index): names, types, modes,
 * mtimes, owners 0, link targets as written (never followed), a 150-byte
 * name and link target (pax), a directory's contents at the top, a link
 * named as the source, and a source that is not there.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <cmocka.h>

#include "image/move-archive.h"
#include "image/tarpack.h"
#include "util/xalloc.h"
#include "tmpdir.h"

static char dir[64];

static void
put(const char *rel, const char *data, mode_t mode)
{
	char *p = xasprintf("%s/%s", dir, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	free(p);
}

static void
at(const char *rel, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", dir, rel);
}

/* The tar of path (top as given) in a memfd, indexed. */
static void
pack(const char *rel, const char *top, struct move_archive *a)
{
	struct paks_error *err = NULL;
	char p[512];
	int fd = memfd_create("test-tarpack", 0);

	assert_true(fd >= 0);
	at(rel, p, sizeof p);
	assert_int_equal(tarpack_write(fd, p, top, &err), 0);
	assert_null(err);
	assert_int_equal(move_archive_index(fd, a, &err), 0);
	a->fd = fd;
}

/* The member named name, as it is (move_archive_find follows links). */
static const struct move_archive_entry *
member(const struct move_archive *a, const char *name)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].name, name) == 0)
			return &a->v[i];
	return NULL;
}

static const struct move_archive_entry *
find(const struct move_archive *a, const char *name)
{
	const struct move_archive_entry *e = member(a, name);

	if (e == NULL)
		fail_msg("no member '%s'", name);
	return e;
}

static int
setup(void **state)
{
	char p[512], q[1024];
	char longname[160], longlink[160];
	struct timeval tv[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	(void)state;
	strcpy(dir, "/tmp/paks-tarpack-XXXXXX");
	assert_non_null(mkdtemp(dir));
	at("tree", p, sizeof p);
	assert_int_equal(mkdir(p, 0750), 0);
	at("tree/sub", p, sizeof p);
	assert_int_equal(mkdir(p, 0700), 0);
	put("tree/sub/f", "deep\n", 0640);
	put("tree/x", "exe", 0755);
	at("tree/x", p, sizeof p);
	assert_int_equal(utimes(p, tv), 0);
	at("tree/rel", p, sizeof p);
	assert_int_equal(symlink("sub/f", p), 0);
	at("tree/abs", p, sizeof p);
	assert_int_equal(symlink("/etc/shadow", p), 0);	/* never read */
	at("tree/fifo", p, sizeof p);
	assert_int_equal(mkfifo(p, 0600), 0);
	/* a 150-byte name, and a link of 150 bytes to it */
	memset(longname, 'n', 150);
	longname[150] = '\0';
	at("tree/sub", p, sizeof p);
	snprintf(q, sizeof q, "%s/%s", p, longname);
	put(q + strlen(dir) + 1, "long", 0600);
	memset(longlink, 'l', 150);
	longlink[150] = '\0';
	snprintf(q, sizeof q, "%s/%s", p, longlink);
	snprintf(p, sizeof p, "%s", longname);
	assert_int_equal(symlink(p, q), 0);
	at("link", p, sizeof p);
	assert_int_equal(symlink("tree", p), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static void
test_tree(void **state)
{
	struct move_archive a = MOVE_ARCHIVE_INIT;
	const struct move_archive_entry *e;
	char longname[160], longlink[160], want[200];

	(void)state;
	pack("tree", "top", &a);
	e = find(&a, "top/");
	assert_int_equal(e->type, '5');
	assert_int_equal(e->mode, 0750);
	assert_int_equal(e->uid, 0);
	e = find(&a, "top/sub/");
	assert_int_equal(e->mode, 0700);
	e = find(&a, "top/sub/f");
	assert_int_equal(e->type, '0');
	assert_int_equal(e->size, 5);
	assert_int_equal(e->mode, 0640);
	e = find(&a, "top/x");
	assert_int_equal(e->mode, 0755);
	assert_int_equal(e->mtime, 1000000000);
	/* links as written: their text, never what they point at */
	e = find(&a, "top/rel");
	assert_int_equal(e->type, '2');
	assert_string_equal(e->link, "sub/f");
	assert_int_equal(e->size, 0);
	e = find(&a, "top/abs");
	assert_int_equal(e->type, '2');
	assert_string_equal(e->link, "/etc/shadow");
	assert_int_equal(find(&a, "top/fifo")->type, '6');
	/* pax: a name and a link target longer than ustar holds */
	memset(longname, 'n', 150);
	longname[150] = '\0';
	snprintf(want, sizeof want, "top/sub/%s", longname);
	e = find(&a, want);
	assert_int_equal(e->size, 4);
	memset(longlink, 'l', 150);
	longlink[150] = '\0';
	snprintf(want, sizeof want, "top/sub/%s", longlink);
	e = find(&a, want);
	assert_int_equal(e->type, '2');
	assert_string_equal(e->link, longname);
	assert_int_equal(a.n, 9);
	close(a.fd);
	a.fd = -1;
	move_archive_release(&a);
}

/* top NULL: a directory's members at the top; a link named as the
 * source goes as the link, under the top name. */
static void
test_contents_and_link(void **state)
{
	struct move_archive a = MOVE_ARCHIVE_INIT;
	const struct move_archive_entry *e;

	(void)state;
	pack("tree/sub/.", NULL, &a);
	assert_non_null(member(&a, "f"));
	assert_null(member(&a, "sub/"));
	close(a.fd);
	a.fd = -1;
	move_archive_release(&a);

	pack("link", "dest", &a);
	assert_int_equal(a.n, 1);
	e = find(&a, "dest");
	assert_int_equal(e->type, '2');
	assert_string_equal(e->link, "tree");
	close(a.fd);
	a.fd = -1;
	move_archive_release(&a);

	/* a file with top NULL keeps its name */
	pack("tree/x", NULL, &a);
	assert_int_equal(a.n, 1);
	assert_int_equal(find(&a, "x")->size, 3);
	close(a.fd);
	a.fd = -1;
	move_archive_release(&a);
}

static void
test_missing(void **state)
{
	struct paks_error *err = NULL;
	char p[512];
	int fd = memfd_create("test-tarpack", 0);

	(void)state;
	at("nope", p, sizeof p);
	assert_int_equal(tarpack_write(fd, p, "x", &err), -1);
	assert_int_equal(err->code, ENOENT);
	assert_non_null(strstr(err->msg, "cannot read '"));
	paks_error_release(&err);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_contents_and_link),
		cmocka_unit_test(test_missing),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
