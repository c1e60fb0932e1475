/*
 * Unit tests for copies that land on the host (src/util/safetree.c) and
 * the tar reader that feeds them (move_archive_extract): resolution below
 * a directory, links inside and outside what is copied, device nodes,
 * setuid bits, names with "..", and where the copy lands (a new name,
 * over a file, into or merged with a directory, never through a link).
 * meson runs this twice, the second time with PAKS_NO_OPENAT2=1, so the
 * walk by hand is tested as the kernel's openat2 is.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cmocka.h>

#include "image/move-archive.h"
#include "util/safetree.h"
#include "tmpdir.h"
#include "tarhdr.h"

static char dir[256];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/paks-test-safetree.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static char *
at(const char *rel)
{
	static char p[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof p[i], "%s/%s", dir, rel);
	return p[i];
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *
read_file(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static char *
link_of(const char *path)
{
	static char buf[256];
	ssize_t n = readlink(path, buf, sizeof buf - 1);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

/* no ".paks-cp-" directory left in d */
static void
no_stage_in(const char *d)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "test -z \"$(find '%s' -name '.paks-cp-*')\"",
	    d);
	assert_int_equal(system(cmd), 0);
}

/* ---- a tar file built here, one member at a time */

static void
tar_put(int fd, const char *name, char type, unsigned mode, const char *link,
    const char *data)
{
	unsigned char h[512];
	size_t len = data ? strlen(data) : 0;
	char pad[512] = { 0 };

	assert_true(strlen(name) < 100 && (!link || strlen(link) < 100));
	tarhdr_fill(h, name, type, mode, len, 1600000000ul, link);
	assert_int_equal(write(fd, h, sizeof h), sizeof h);
	if (len > 0) {
		assert_int_equal(write(fd, data, len), (ssize_t)len);
		assert_int_equal(write(fd, pad, (512 - len % 512) % 512),
		    (ssize_t)((512 - len % 512) % 512));
	}
}

static int
tar_new(void)
{
	int fd = memfd_create("test-safetree", MFD_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

/*
 * Copy the tar in fd to host path dest as "#cp SRC host:shown" would:
 * 0, or -1 with the message in *msg (static).
 */
static int
copy_tar(int fd, const char *dest, const char *shown, bool contents,
    char **msg)
{
	struct safetree st = SAFETREE_INIT;
	struct move_archive a = MOVE_ARCHIVE_INIT;
	struct paks_error *err = NULL;
	static char buf[512];
	int rc;

	char z[1024] = { 0 };
	assert_int_equal(write(fd, z, sizeof z), sizeof z);
	rc = safetree_begin_host(&st, dest, shown, &err);
	if (rc == 0)
		rc = move_archive_index(fd, &a, &err);
	if (rc == 0)
		rc = move_archive_extract(&a, &st, contents, &err);
	if (rc == 0)
		rc = safetree_commit(&st, &err);
	move_archive_release(&a);
	safetree_release(&st);
	close(fd);
	*msg = NULL;
	if (rc < 0) {
		assert_non_null(err);
		snprintf(buf, sizeof buf, "%s", err->msg);
		*msg = buf;
		paks_error_free(err);
	} else
		assert_null(err);
	return rc;
}

/* ---- resolution below a directory */

static void
test_open_below(void **state)
{
	int root, fd;
	struct stat sb;

	(void)state;
	print_message("# resolving with %s\n", safetree_openat2() ?
	    "openat2" : "the walk by hand");
	mkdir(at("r"), 0755);
	mkdir(at("r/d"), 0755);
	write_file(at("r/f"), "f\n");
	write_file(at("outside"), "x\n");
	assert_int_equal(symlink("d/../f", at("r/in")), 0);
	assert_int_equal(symlink("/etc", at("r/abs")), 0);
	assert_int_equal(symlink("../outside", at("r/up")), 0);
	assert_int_equal(symlink(".", at("r/d/self")), 0);
	assert_int_equal(symlink("self/../../outside", at("r/d/via")), 0);
	assert_int_equal(symlink("loop", at("r/loop")), 0);
	root = open(at("r"), O_PATH | O_DIRECTORY);
	assert_true(root >= 0);

	/* beneath: inside links resolve, leaving ones are EXDEV */
	fd = safetree_open_below(root, "in", O_RDONLY, false);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	close(fd);
	fd = safetree_open_below(root, "d/self/self/../f", O_PATH, false);
	assert_true(fd >= 0);
	close(fd);
	errno = 0;
	assert_int_equal(safetree_open_below(root, "abs", O_PATH, false), -1);
	assert_int_equal(errno, EXDEV);
	assert_int_equal(safetree_open_below(root, "up", O_PATH, false), -1);
	assert_int_equal(errno, EXDEV);
	assert_int_equal(safetree_open_below(root, "../outside", O_PATH,
	    false), -1);
	assert_int_equal(errno, EXDEV);
	assert_int_equal(safetree_open_below(root, "d/via", O_PATH, false),
	    -1);
	assert_int_equal(errno, EXDEV);
	assert_int_equal(safetree_open_below(root, "loop", O_PATH, false), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(safetree_open_below(root, "d/none", O_PATH, false),
	    -1);
	assert_int_equal(errno, ENOENT);
	/* O_NOFOLLOW: the link itself */
	fd = safetree_open_below(root, "abs", O_PATH | O_NOFOLLOW, false);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &sb), 0);
	assert_true(S_ISLNK(sb.st_mode));
	close(fd);

	/* in root: "/" and ".." stop at root */
	fd = safetree_open_below(root, "/d/../../f", O_RDONLY, true);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(safetree_open_below(root, "abs", O_PATH, true), -1);
	assert_int_equal(errno, ENOENT);	/* r/etc: not there */
	assert_int_equal(safetree_open_below(root, "up", O_PATH, true), -1);
	assert_int_equal(errno, ENOENT);	/* r/outside */
	close(root);
}

static void
test_contents_names(void **state)
{
	(void)state;
	assert_true(safetree_wants_contents("d/."));
	assert_true(safetree_wants_contents("."));
	assert_true(safetree_wants_contents("/"));
	assert_true(safetree_wants_contents("/a/b/./"));
	assert_false(safetree_wants_contents("d"));
	assert_false(safetree_wants_contents("d/"));
	assert_false(safetree_wants_contents(".."));
	assert_false(safetree_wants_contents("a.b."));
	assert_null(safetree_top_of("a/../b"));
	char *t = safetree_top_of("./a/b");
	assert_string_equal(t, "a");
	free(t);
	t = safetree_top_of("./");
	assert_string_equal(t, "");
	free(t);
}

/* ---- what is copied */

static void
test_inside_links_copy(void **state)
{
	int fd = tar_new();
	struct stat b, h, f;
	char *msg;

	(void)state;
	tar_put(fd, "ok/", '5', 0755, NULL, NULL);
	tar_put(fd, "ok/b", '0', 0644, NULL, "bee\n");
	tar_put(fd, "ok/a", '2', 0777, "b", NULL);
	tar_put(fd, "ok/sub/", '5', 0700, NULL, NULL);
	tar_put(fd, "ok/c", '2', 0777, "sub/../b", NULL);
	tar_put(fd, "ok/sub/up", '2', 0777, "../b", NULL);
	tar_put(fd, "ok/self", '2', 0777, ".", NULL);
	tar_put(fd, "ok/later", '2', 0777, "not/yet", NULL);
	tar_put(fd, "ok/suid", '0', 06755, NULL, "x\n");
	tar_put(fd, "ok/hard", '1', 0644, "ok/b", NULL);
	tar_put(fd, "ok/fifo", '6', 0644, NULL, NULL);
	assert_int_equal(copy_tar(fd, at("out"), "out", false, &msg), 0);
	assert_string_equal(link_of(at("out/a")), "b");
	assert_string_equal(link_of(at("out/c")), "sub/../b");
	assert_string_equal(read_file(at("out/c")), "bee\n");
	assert_string_equal(read_file(at("out/sub/up")), "bee\n");
	assert_string_equal(link_of(at("out/later")), "not/yet");
	assert_int_equal(stat(at("out/suid"), &f), 0);
	assert_int_equal(f.st_mode & 07777, 0755);
	assert_int_equal(stat(at("out/b"), &b), 0);
	assert_int_equal(stat(at("out/hard"), &h), 0);
	assert_true(b.st_ino == h.st_ino);
	assert_int_equal(b.st_mtime, 1600000000);
	assert_int_equal(lstat(at("out/fifo"), &f), 0);
	assert_true(S_ISFIFO(f.st_mode));
	no_stage_in(dir);
}

/* Each archive is refused whole, with its one line; nothing is left. */
static void
refused(void (*fill)(int), const char *want)
{
	int fd = tar_new();
	char *msg;

	fill(fd);
	assert_int_equal(copy_tar(fd, at("bad"), "bad", false, &msg), -1);
	if (strstr(msg, want) == NULL)
		fail_msg("'%s' lacks '%s'", msg, want);
	assert_non_null(strstr(msg, "nothing was written"));
	assert_null(strchr(msg, '\n'));
	assert_int_equal(access(at("bad"), F_OK), -1);
	no_stage_in(dir);
}

static void
fill_abs(int fd)
{
	tar_put(fd, "a1/", '5', 0755, NULL, NULL);
	tar_put(fd, "a1/sub/", '5', 0755, NULL, NULL);
	tar_put(fd, "a1/sub/lib", '2', 0777, "/usr/lib", NULL);
}

static void
fill_climb(int fd)
{
	tar_put(fd, "a2/", '5', 0755, NULL, NULL);
	tar_put(fd, "a2/up", '2', 0777, ".", NULL);
	tar_put(fd, "a2/x", '2', 0777, "up/../..", NULL);
}

static void
fill_climb_late(int fd)
{
	/* the link comes before what it goes through */
	tar_put(fd, "a2/x", '2', 0777, "up/..", NULL);
	tar_put(fd, "a2/up", '2', 0777, ".", NULL);
}

static void
fill_nowhere_up(int fd)
{
	tar_put(fd, "a3/", '5', 0755, NULL, NULL);
	tar_put(fd, "a3/y", '2', 0777, "gone/../../etc", NULL);
}

static void
fill_loop(int fd)
{
	tar_put(fd, "a4/", '5', 0755, NULL, NULL);
	tar_put(fd, "a4/p", '2', 0777, "q", NULL);
	tar_put(fd, "a4/q", '2', 0777, "p", NULL);
}

static void
fill_device(int fd)
{
	tar_put(fd, "d/", '5', 0755, NULL, NULL);
	tar_put(fd, "d/null", '3', 0666, NULL, NULL);
}

static void
fill_dotdot(int fd)
{
	tar_put(fd, "d/", '5', 0755, NULL, NULL);
	tar_put(fd, "d/../escape", '0', 0644, NULL, "x\n");
}

static void
fill_below_link(int fd)
{
	tar_put(fd, "d/", '5', 0755, NULL, NULL);
	tar_put(fd, "d/l", '2', 0777, "sub", NULL);
	tar_put(fd, "d/sub/", '5', 0755, NULL, NULL);
	tar_put(fd, "d/l/z", '0', 0644, NULL, "x\n");
}

static void
fill_top_link(int fd)
{
	tar_put(fd, "evil", '2', 0777, "victim", NULL);
}

static void
fill_hard_out(int fd)
{
	tar_put(fd, "d/", '5', 0755, NULL, NULL);
	tar_put(fd, "d/h", '1', 0644, "etc/passwd", NULL);
}

static void
test_leaving_links_refused(void **state)
{
	(void)state;
	refused(fill_abs, "#cp: 'bad/sub/lib' is a link to '/usr/lib', "
	    "outside what is copied; nothing was written");
	refused(fill_climb, "'bad/x' is a link to 'up/../..', outside");
	refused(fill_climb_late, "'bad/x' is a link to 'up/..', outside");
	refused(fill_nowhere_up, "'bad/y' is a link to 'gone/../../etc'");
	refused(fill_loop, "which loops");
	refused(fill_device, "'bad/null' is a device node");
	refused(fill_dotdot, "has '..' in its name");
	refused(fill_below_link, "'bad/l/z' is below a link");
	refused(fill_top_link, "'bad' is a link to 'victim', outside");
	refused(fill_hard_out, "'bad/h' is a hard link");
}

/* A name the container chose is shown, never sent to the terminal. */
static void
test_names_shown_safely(void **state)
{
	int fd = tar_new();
	char *msg;

	(void)state;
	tar_put(fd, "d/", '5', 0755, NULL, NULL);
	tar_put(fd, "d/\033]0;x\007", '2', 0777, "/\033[2J", NULL);
	assert_int_equal(copy_tar(fd, at("bad"), "bad", false, &msg), -1);
	assert_null(strchr(msg, '\033'));
	assert_null(strchr(msg, '\007'));
	assert_non_null(strstr(msg, "\\x1b]0;x\\x07"));
}

/* ---- where the copy lands */

static void
test_destinations(void **state)
{
	int fd;
	char *msg;
	struct stat sb;

	(void)state;
	/* a link as the destination: refused, its target untouched */
	write_file(at("victim"), "original\n");
	assert_int_equal(symlink(at("victim"), at("dl")), 0);
	fd = tar_new();
	tar_put(fd, "hostname", '0', 0644, NULL, "new\n");
	assert_int_equal(copy_tar(fd, at("dl"), "dl", false, &msg), -1);
	assert_string_equal(msg, "cannot copy to 'dl': it is a symbolic link, "
	    "which paks does not write through");
	assert_string_equal(read_file(at("victim")), "original\n");
	assert_string_equal(link_of(at("dl")), at("victim"));
	/* ... with '/', the directory it points to, which the user named */
	mkdir(at("realdir"), 0755);
	assert_int_equal(symlink("realdir", at("dirlink")), 0);
	fd = tar_new();
	tar_put(fd, "hostname", '0', 0644, NULL, "new\n");
	assert_int_equal(copy_tar(fd, at("dirlink/"), "dirlink/", false,
	    &msg), 0);
	assert_string_equal(read_file(at("realdir/hostname")), "new\n");

	/* over a file: replaced, not written through (a hard link to the
	 * old one keeps its bytes) */
	write_file(at("file"), "old\n");
	assert_int_equal(link(at("file"), at("file-twin")), 0);
	fd = tar_new();
	tar_put(fd, "hostname", '0', 0600, NULL, "new\n");
	assert_int_equal(copy_tar(fd, at("file"), "file", false, &msg), 0);
	assert_string_equal(read_file(at("file")), "new\n");
	assert_string_equal(read_file(at("file-twin")), "old\n");

	/* into an existing directory, under the source's name; again:
	 * merged, a file replaced */
	mkdir(at("into"), 0755);
	for (int i = 0; i < 2; i++) {
		fd = tar_new();
		tar_put(fd, "d/", '5', 0755, NULL, NULL);
		tar_put(fd, "d/f", '0', 0644, NULL, i ? "two\n" : "one\n");
		tar_put(fd, "d/sub/", '5', 0755, NULL, NULL);
		tar_put(fd, i ? "d/sub/b" : "d/sub/a", '0', 0644, NULL, "x\n");
		assert_int_equal(copy_tar(fd, at("into"), "into", false, &msg),
		    0);
	}
	assert_string_equal(read_file(at("into/d/f")), "two\n");
	assert_int_equal(access(at("into/d/sub/a"), F_OK), 0);
	assert_int_equal(access(at("into/d/sub/b"), F_OK), 0);

	/* a link inside the directory merged into is not written through */
	assert_int_equal(symlink(at("victim"), at("into/d/sub/c")), 0);
	fd = tar_new();
	tar_put(fd, "d/", '5', 0755, NULL, NULL);
	tar_put(fd, "d/sub/", '5', 0755, NULL, NULL);
	tar_put(fd, "d/sub/c", '0', 0644, NULL, "replaced\n");
	assert_int_equal(copy_tar(fd, at("into"), "into", false, &msg), 0);
	assert_int_equal(lstat(at("into/d/sub/c"), &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_string_equal(read_file(at("victim")), "original\n");

	/* a directory where a link is: refused before anything moves */
	assert_int_equal(symlink(at("realdir"), at("into/dd")), 0);
	fd = tar_new();
	tar_put(fd, "dd/", '5', 0755, NULL, NULL);
	tar_put(fd, "dd/x", '0', 0644, NULL, "x\n");
	assert_int_equal(copy_tar(fd, at("into"), "into", false, &msg), -1);
	assert_string_equal(msg, "cannot copy to 'into/dd': it is a symbolic "
	    "link, which paks does not write through");
	assert_int_equal(access(at("realdir/x"), F_OK), -1);

	/* a directory onto a file: refused, the file kept */
	fd = tar_new();
	tar_put(fd, "d/", '5', 0755, NULL, NULL);
	assert_int_equal(copy_tar(fd, at("file"), "file", false, &msg), -1);
	assert_non_null(strstr(msg, "is not a directory"));
	assert_string_equal(read_file(at("file")), "new\n");

	/* contents ("d/."): as a new directory, then merged into it */
	fd = tar_new();
	tar_put(fd, "./", '5', 0750, NULL, NULL);
	tar_put(fd, "./x", '0', 0644, NULL, "x\n");
	tar_put(fd, "./l", '2', 0777, "x", NULL);
	assert_int_equal(copy_tar(fd, at("cont"), "cont", true, &msg), 0);
	assert_int_equal(stat(at("cont"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0750);
	assert_string_equal(link_of(at("cont/l")), "x");
	fd = tar_new();
	tar_put(fd, "y", '0', 0644, NULL, "y\n");
	tar_put(fd, "up", '2', 0777, "..", NULL);
	assert_int_equal(copy_tar(fd, at("cont"), "cont", true, &msg), -1);
	assert_non_null(strstr(msg, "'cont/up' is a link to '..', outside"));
	assert_int_equal(access(at("cont/y"), F_OK), -1);
	fd = tar_new();
	tar_put(fd, "y", '0', 0644, NULL, "y\n");
	assert_int_equal(copy_tar(fd, at("cont"), "cont", true, &msg), 0);
	assert_string_equal(read_file(at("cont/y")), "y\n");
	assert_string_equal(read_file(at("cont/x")), "x\n");
	no_stage_in(dir);
}

/* ---- a tree copied from an fd (charliecloud's #cp) */

static int
copy_fd(const char *src, const char *dest, char **msg)
{
	struct safetree st = SAFETREE_INIT;
	struct paks_error *err = NULL;
	static char buf[512];
	int fd = open(src, O_RDONLY | O_CLOEXEC), rc;

	assert_true(fd >= 0);
	rc = safetree_begin_host(&st, dest, "out", &err);
	if (rc == 0)
		rc = safetree_add_fd(&st, "src", fd, false, &err);
	if (rc == 0)
		rc = safetree_commit(&st, &err);
	safetree_release(&st);
	close(fd);
	*msg = NULL;
	if (rc < 0) {
		snprintf(buf, sizeof buf, "%s", err->msg);
		*msg = buf;
		paks_error_free(err);
	}
	return rc;
}

static void
test_copy_from_fd(void **state)
{
	char *msg;

	(void)state;
	mkdir(at("src"), 0755);
	mkdir(at("src/sub"), 0755);
	write_file(at("src/sub/f"), "f\n");
	assert_int_equal(symlink("sub/f", at("src/l")), 0);
	assert_int_equal(copy_fd(at("src"), at("out"), &msg), 0);
	assert_string_equal(read_file(at("out/sub/f")), "f\n");
	assert_string_equal(link_of(at("out/l")), "sub/f");
	assert_int_equal(symlink("../../etc/passwd", at("src/sub/bad")), 0);
	assert_int_equal(copy_fd(at("src"), at("out2"), &msg), -1);
	assert_non_null(strstr(msg, "'out/sub/bad' is a link to "
	    "'../../etc/passwd', outside what is copied"));
	assert_int_equal(access(at("out2"), F_OK), -1);
	no_stage_in(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_below, setup,
		    teardown),
		cmocka_unit_test(test_contents_names),
		cmocka_unit_test_setup_teardown(test_inside_links_copy, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_leaving_links_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_shown_safely, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_destinations, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_copy_from_fd, setup,
		    teardown),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
