/*
 * Unit tests for the portability preflight of paks move
 * (src/image/preflight.c): which files each kind takes and which noise it
 * leaves out, layers applied with whiteouts and the base's layers left
 * out, the warning's words, the architecture names, and reading a layer
 * nested in an archive (move_archive_walk, src/image/move-archive.c).
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

#include "image/move-archive.h"
#include "image/preflight.h"

/* A member: type, owner, mode, and a link target for symlinks. */
static struct move_archive_entry
ent(const char *name, char type, int64_t uid, unsigned mode, const char *link)
{
	return (struct move_archive_entry){ .name = (char *)name,
		.link = (char *)link, .type = type, .mode = mode, .uid = uid };
}

static unsigned
kinds(const char *name, char type, int64_t uid, unsigned mode,
    const char *link)
{
	struct move_archive_entry e = ent(name, type, uid, mode, link);

	return preflight_classify(&e, name, "work/dir");
}

static void
test_classify(void **state)
{
	(void)state;
	/* root-only: a file others cannot read, a folder they cannot list */
	assert_int_equal(kinds("srv/secret", '0', 0, 0600, NULL),
	    PREFLIGHT_ROOT_ONLY);
	assert_int_equal(kinds("srv/secret", '0', 0, 0640, NULL),
	    PREFLIGHT_ROOT_ONLY);
	assert_int_equal(kinds("srv/open", '0', 0, 0644, NULL), 0);
	assert_int_equal(kinds("srv/mine", '0', 1000, 0600, NULL), 0);
	assert_int_equal(kinds("srv/d", '5', 0, 0700, NULL),
	    PREFLIGHT_ROOT_ONLY);
	assert_int_equal(kinds("srv/d", '5', 0, 0754, NULL),
	    PREFLIGHT_ROOT_ONLY);
	assert_int_equal(kinds("srv/d", '5', 0, 0755, NULL), 0);
	assert_int_equal(kinds("tmp", '5', 0, 01777, NULL), 0);
	/* /root and the working directory: the move opens them to all */
	assert_int_equal(kinds("root", '5', 0, 0700, NULL), 0);
	assert_int_equal(kinds("root/.bashrc", '0', 0, 0600, NULL), 0);
	assert_int_equal(kinds("work/dir/x", '0', 0, 0600, NULL), 0);
	assert_int_equal(kinds("work/dirx", '0', 0, 0600, NULL),
	    PREFLIGHT_ROOT_ONLY);
	/* noise every base has */
	assert_int_equal(kinds("etc/shadow", '0', 0, 0640, NULL), 0);
	assert_int_equal(kinds("etc/gshadow-", '0', 0, 0600, NULL), 0);
	assert_int_equal(kinds("var/log/apt/term.log", '0', 0, 0640, NULL), 0);
	assert_int_equal(kinds("var/cache/ldconfig", '5', 0, 0700, NULL), 0);
	assert_int_equal(kinds("var/lib/dpkg/lock-frontend", '0', 0, 0640,
	    NULL), 0);
	assert_int_equal(kinds("opt/app/db.lock", '0', 0, 0600, NULL), 0);
	assert_int_equal(kinds("etc/shadowy", '0', 0, 0600, NULL),
	    PREFLIGHT_ROOT_ONLY);
	/* setuid and setgid files, not folders; the base's tools are noise */
	assert_int_equal(kinds("usr/local/bin/tool", '0', 0, 04755, NULL),
	    PREFLIGHT_SETID);
	assert_int_equal(kinds("usr/local/bin/tool", '0', 0, 02755, NULL),
	    PREFLIGHT_SETID);
	assert_int_equal(kinds("usr/local/bin/tool", '0', 0, 04700, NULL),
	    PREFLIGHT_SETID | PREFLIGHT_ROOT_ONLY);
	assert_int_equal(kinds("var/mail", '5', 0, 02775, NULL), 0);
	assert_int_equal(kinds("usr/bin/su", '0', 0, 04755, NULL), 0);
	assert_int_equal(kinds("bin/mount", '0', 0, 04755, NULL), 0);
	assert_int_equal(kinds("usr/local/bin/su", '0', 0, 04755, NULL),
	    PREFLIGHT_SETID);
	assert_int_equal(kinds("usr/bin/sudo", '0', 0, 04755, NULL),
	    PREFLIGHT_SETID);
	/* device nodes outside /dev; fifos work under ch-run */
	assert_int_equal(kinds("opt/null", '3', 0, 0666, NULL),
	    PREFLIGHT_DEVICE);
	assert_int_equal(kinds("opt/disk", '4', 0, 0666, NULL),
	    PREFLIGHT_DEVICE);
	assert_int_equal(kinds("dev/null", '3', 0, 0666, NULL), 0);
	assert_int_equal(kinds("opt/fifo", '6', 0, 0666, NULL), 0);
	/* links that lead into /tmp or /home, by their words */
	assert_int_equal(kinds("srv/scratch", '2', 0, 0777, "/tmp/x"),
	    PREFLIGHT_LINK_OUT);
	assert_int_equal(kinds("srv/h", '2', 0, 0777, "/home"),
	    PREFLIGHT_LINK_OUT);
	assert_int_equal(kinds("srv/a/b", '2', 0, 0777, "../../tmp/y"),
	    PREFLIGHT_LINK_OUT);
	assert_int_equal(kinds("srv/b", '2', 0, 0777, "../../../../home/me"),
	    PREFLIGHT_LINK_OUT);
	assert_int_equal(kinds("srv/c", '2', 0, 0777, "/usr/lib/x"), 0);
	assert_int_equal(kinds("srv/d", '2', 0, 0777, "/tmpfiles/x"), 0);
	assert_int_equal(kinds("etc/mtab", '2', 0, 0777,
	    "../proc/self/mounts"), 0);
	assert_int_equal(kinds("tmp/x", '2', 0, 0777, "/home/y"), 0);
	assert_int_equal(kinds("srv/e", '2', 0, 0777, "tmp/x"), 0);
	/* the root itself */
	assert_int_equal(kinds("", '5', 0, 0700, NULL), 0);
}

static void
feed(struct preflight *pf, size_t layer, const char *name, char type,
    unsigned mode)
{
	struct move_archive_entry e = ent(name, type, 0, mode, NULL);

	preflight_feed(pf, layer, &e);
}

static void
test_layers(void **state)
{
	struct preflight pf = PREFLIGHT_INIT;

	(void)state;
	/* layer 0: the base */
	feed(&pf, 0, "./etc/", '5', 0755);
	feed(&pf, 0, "./opt/base-secret", '0', 0600);
	feed(&pf, 0, "./opt/private/", '5', 0700);
	feed(&pf, 0, "./opt/private/a", '0', 0600);
	feed(&pf, 0, "./srv/gone", '0', 0600);
	feed(&pf, 0, "./srv/dir/x", '0', 0600);
	feed(&pf, 0, "./var/opq/y", '0', 0600);
	feed(&pf, 0, "./var/fixed", '0', 0600);
	assert_int_equal(preflight_count(&pf, PREFLIGHT_ROOT_ONLY, 0), 7);
	/* layer 1: whiteouts, an opaque folder, a fix, a new file */
	feed(&pf, 1, "srv/.wh.gone", '0', 0644);
	feed(&pf, 1, "srv/.wh.dir", '0', 0644);
	feed(&pf, 1, "var/opq/.wh..wh..opq", '0', 0644);
	feed(&pf, 1, "var/opq/z", '0', 0600);
	feed(&pf, 1, "var/fixed", '0', 0644);
	feed(&pf, 1, "opt/private/", '5', 0700);	/* listed again */
	feed(&pf, 1, "opt/new", '0', 0600);
	/* base-secret, private, private/a, opq/z, new */
	assert_int_equal(preflight_count(&pf, PREFLIGHT_ROOT_ONLY, 0), 5);
	/* from layer 1 up: what the base had is left out */
	assert_int_equal(preflight_count(&pf, PREFLIGHT_ROOT_ONLY, 1), 2);
	/* a file that replaces a folder hides what was below it */
	feed(&pf, 2, "opt/private", '0', 0644);
	assert_int_equal(preflight_count(&pf, PREFLIGHT_ROOT_ONLY, 0), 3);
	/* a whiteout at the top removes everything of the layers below */
	feed(&pf, 3, "opt/.wh.new", '0', 0644);
	assert_int_equal(preflight_count(&pf, PREFLIGHT_ROOT_ONLY, 0), 2);
	feed(&pf, 4, ".wh..wh..opq", '0', 0644);
	assert_int_equal(preflight_count(&pf, PREFLIGHT_ROOT_ONLY, 0), 0);
	preflight_release(&pf);
}

static void
test_summary(void **state)
{
	struct preflight pf = PREFLIGHT_INIT;
	char *s;

	(void)state;
	assert_null(preflight_summary(&pf, PREFLIGHT_SETID, 0));
	feed(&pf, 0, "srv/b", '0', 0600);
	s = preflight_summary(&pf, PREFLIGHT_ROOT_ONLY, 0);
	assert_string_equal(s, "1 file only root can read (ch-run runs as "
	    "you): /srv/b");
	free(s);
	feed(&pf, 0, "srv/a", '0', 0600);
	feed(&pf, 1, "srv/c\033]0;x\a", '0', 0600);
	feed(&pf, 1, "srv/d\npaks: forged", '0', 0600);
	s = preflight_summary(&pf, PREFLIGHT_ROOT_ONLY, 0);
	assert_string_equal(s, "4 files only root can read (ch-run runs as "
	    "you): /srv/a, /srv/b, /srv/c?]0;x?, ...");
	free(s);
	s = preflight_summary(&pf, PREFLIGHT_ROOT_ONLY, 1);
	assert_string_equal(s, "2 files only root can read (ch-run runs as "
	    "you): /srv/c?]0;x?, /srv/d?paks: forged");
	free(s);
	feed(&pf, 0, "usr/local/bin/t", '0', 04755);
	s = preflight_summary(&pf, PREFLIGHT_SETID, 0);
	assert_string_equal(s, "1 setuid or setgid file (no privilege is "
	    "gained under ch-run): /usr/local/bin/t");
	free(s);
	preflight_release(&pf);
}

static void
test_arch(void **state)
{
	char *a;

	(void)state;
	assert_string_equal(preflight_go_arch("x86_64"), "amd64");
	assert_string_equal(preflight_go_arch("aarch64"), "arm64");
	assert_string_equal(preflight_go_arch("armv7l"), "arm");
	assert_string_equal(preflight_go_arch("i686"), "386");
	assert_string_equal(preflight_go_arch("ppc64le"), "ppc64le");
	assert_string_equal(preflight_go_arch("weird9"), "weird9");
	a = preflight_remote_arch("engine podman\nimage sha256:a\narch "
	    "aarch64\r\npaks-ready\n");
	assert_string_equal(a, "arm64");
	free(a);
	assert_null(preflight_remote_arch("engine docker\npaks-ready\n"));
	assert_null(preflight_remote_arch("arch \033[2J\n"));
	assert_null(preflight_remote_arch("arch \n"));
	assert_null(preflight_remote_arch(NULL));
}

static int
memfile(void)
{
	int fd = memfd_create("preflight", MFD_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

static int
collect(const struct move_archive_entry *e, void *arg,
    struct paks_error **err)
{
	char *names = arg;

	(void)err;
	strcat(names, e->name);
	strcat(names, ";");
	return 0;
}

/* A layer nested in an archive is read to its end and not past it. */
static void
test_walk(void **state)
{
	struct move_archive a = MOVE_ARCHIVE_INIT;
	struct paks_error *err = NULL;
	int inner = memfile(), outer = memfile();
	char names[256] = "", buf[8192];
	ssize_t n;

	(void)state;
	assert_int_equal(move_tar_add(inner, "etc/a", "A", 1, NULL, &err), 0);
	assert_int_equal(move_tar_add(inner, "etc/b", "BB", 2, NULL, &err), 0);
	assert_int_equal(move_tar_end(inner, NULL, &err), 0);
	n = pread(inner, buf, sizeof buf, 0);
	assert_true(n > 0);
	/* no end blocks in the layer: the walk stops at its end anyway */
	assert_int_equal(move_tar_add(outer, "l1.tar", buf, (size_t)n - 1024,
	    NULL, &err), 0);
	assert_int_equal(move_tar_add(outer, "after", "X", 1, NULL, &err), 0);
	assert_int_equal(move_tar_end(outer, NULL, &err), 0);
	assert_int_equal(move_archive_index(outer, &a, &err), 0);
	assert_int_equal(move_archive_walk(&a, move_archive_find(&a, "l1.tar"),
	    collect, names, &err), 0);
	assert_string_equal(names, "etc/a;etc/b;");
	assert_int_equal(move_archive_find(&a, "etc/a") == NULL, 1);
	/* the owner is read: move_tar_add writes 0 */
	assert_int_equal(a.v[0].uid, 0);
	move_archive_release(&a);
	close(inner);
	close(outer);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_layers),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_arch),
		cmocka_unit_test(test_walk),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
