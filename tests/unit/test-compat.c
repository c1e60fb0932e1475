/*
 * Unit tests for what stands in for newer kernels and C libraries on a
 * cluster's login node (docs/cluster.md): spawn's close-on-exec without
 * close_range (src/util/spawn.c), the signal-name table that replaces
 * sigabbrev_np (src/util/signame.c), and safetree_open_how, which
 * charliecloud.c resolves image paths with, without openat2
 * (src/util/safetree.c). meson runs this twice, the second time with
 * PAKS_NO_OPENAT2=1 PAKS_NO_CLOSE_RANGE=1, as tests/meta/glibc.sh does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/cleanup.h"
#include "util/safetree.h"
#include "util/signame.h"
#include "util/spawn.h"
#include "util/xalloc.h"
#include "tmpdir.h"

/* ---- spawn: a child inherits only fds 0-2 (and fd 3 when asked) */

/* fds open without O_CLOEXEC, as a careless library would leave them */
static int leaks[3];
static size_t nleaks;

static int
leaks_open(void **state)
{
	struct rlimit rl;
	int fd = open("/dev/null", O_RDONLY);

	(void)state;
	assert_true(fd >= 3);
	nleaks = 0;
	leaks[nleaks++] = fd;
	assert_int_equal(dup2(fd, 200), 200);
	leaks[nleaks++] = 200;
	/* one far above the first, where a short loop would not reach */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > 1000) {
		assert_int_equal(dup2(fd, 1000), 1000);
		leaks[nleaks++] = 1000;
	}
	for (size_t i = 0; i < nleaks; i++)
		assert_int_equal(fcntl(leaks[i], F_GETFD), 0);
	return 0;
}

static int
leaks_close(void **state)
{
	(void)state;
	for (size_t i = 0; i < nleaks; i++)
		close(leaks[i]);
	return 0;
}

/* Run sh with its stdout in a pipe (and fd3); what it wrote. */
static char *
run_sh(const char *script, int fd3)
{
	_cleanup_spawn_ struct spawn sp = SPAWN_INIT;
	struct paks_error *err = NULL;
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	int p[2];

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	strv_push(&sp.args, "sh");
	strv_push(&sp.args, "-c");
	strv_push(&sp.args, script);
	strv_push(&sp.args, "sh");
	for (size_t i = 0; i < nleaks; i++)
		strv_pushf(&sp.args, "%d", leaks[i]);
	sp.in = SPAWN_DEVNULL;
	sp.out = p[1];
	sp.fd3 = fd3;
	assert_int_equal(spawn_start(&sp, &err), 0);
	close(p[1]);
	while ((n = read(p[0], buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	close(p[0]);
	buf[len] = '\0';
	assert_int_equal(spawn_status_code(spawn_wait(&sp)), 0);
	return xstrdup(buf);
}

/* the fds named as arguments that the shell has open */
static const char listed[] = "for n; do [ -e /proc/self/fd/$n ] && "
    "echo $n; done; exit 0";

/* as the environment says: close_range, or PAKS_NO_CLOSE_RANGE=1 */
static void
test_spawn_no_leak(void **state)
{
	_cleanup_free_ char *out = run_sh(listed, -1);

	(void)state;
	assert_string_equal(out, "");
}

/* PAKS_NO_CLOSE_RANGE=1: the walk of /proc/self/fd, whatever the kernel */
static void
test_spawn_no_leak_fallback(void **state)
{
	const char *was = getenv("PAKS_NO_CLOSE_RANGE");
	_cleanup_free_ char *keep = was ? xstrdup(was) : NULL;
	_cleanup_free_ char *out = NULL;

	(void)state;
	setenv("PAKS_NO_CLOSE_RANGE", "1", 1);
	out = run_sh(listed, -1);
	if (keep != NULL)
		setenv("PAKS_NO_CLOSE_RANGE", keep, 1);
	else
		unsetenv("PAKS_NO_CLOSE_RANGE");
	assert_string_equal(out, "");
}

/* fd 3 as asked, and nothing above it */
static void
test_spawn_fd3(void **state)
{
	_cleanup_free_ char *out = run_sh("[ -e /proc/self/fd/3 ] && echo 3; "
	    "[ -e /proc/self/fd/4 ] && echo 4; for n; do [ $n -gt 4 ] && "
	    "[ -e /proc/self/fd/$n ] && echo $n; done; exit 0", leaks[1]);

	(void)state;
	assert_string_equal(out, "3\n");
}

/* a failed exec still comes back as an error (the pipe closes on exec) */
static void
test_spawn_exec_fails(void **state)
{
	_cleanup_spawn_ struct spawn sp = SPAWN_INIT;
	struct paks_error *err = NULL;

	(void)state;
	strv_push(&sp.args, "/nonexistent/paks-test-program");
	assert_int_equal(spawn_start(&sp, &err), -1);
	assert_non_null(err);
	assert_int_equal(err->code, ENOENT);
	paks_error_free(err);
}

/* ---- signame: glibc's sigabbrev_np, without glibc 2.32 */

static void
test_signame(void **state)
{
	(void)state;
	assert_string_equal(signame(SIGTERM), "TERM");
	assert_string_equal(signame(SIGHUP), "HUP");
	assert_string_equal(signame(SIGINT), "INT");
	assert_string_equal(signame(SIGKILL), "KILL");
	assert_string_equal(signame(SIGWINCH), "WINCH");
	assert_null(signame(0));
	assert_null(signame(-1));
	assert_null(signame(SIGRTMIN));
	assert_null(signame(NSIG));
	assert_null(signame(100000));
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 32)
	for (int sig = -2; sig <= NSIG + 2; sig++) {
		const char *ours = signame(sig), *libc = sigabbrev_np(sig);

		if (ours == NULL || libc == NULL)
			assert_ptr_equal(ours, libc);
		else
			assert_string_equal(ours, libc);
	}
#endif
}

/* ---- safetree_open_how: openat2's RESOLVE_*, or the walk by hand */

static char dir[256];

static int
tree_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/paks-test-compat.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int
tree_teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static void
tree_make(int root)
{
	int fd;

	assert_int_equal(mkdirat(root, "a", 0755), 0);
	assert_int_equal(mkdirat(root, "a/b", 0755), 0);
	fd = openat(root, "a/b/file", O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(symlinkat("a", root, "l"), 0);
	assert_int_equal(symlinkat("b/file", root, "a/rel"), 0);
	assert_int_equal(symlinkat("/a/b/file", root, "abs"), 0);
	assert_int_equal(symlinkat("../../..", root, "a/b/up"), 0);
}

/* fd of open_how, or the errno it failed with, negated */
static int
try_open(int root, const char *path, int flags, enum safetree_resolve res)
{
	int fd = safetree_open_how(root, path, flags, res);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static void
test_open_how(void **state)
{
	_cleanup_close_ int root = open(dir, O_PATH | O_DIRECTORY);
	const enum safetree_resolve in = SAFETREE_IN_ROOT,
	    none = SAFETREE_IN_ROOT | SAFETREE_NO_LINKS;

	(void)state;
	assert_true(root >= 0);
	tree_make(root);
	/* no link on the way: the same in every mode */
	assert_int_equal(try_open(root, "a/b/file", O_RDONLY, none), 0);
	assert_int_equal(try_open(root, "/a/b", O_RDONLY | O_DIRECTORY,
	    none), 0);
	assert_int_equal(try_open(root, "a/b/none", O_RDONLY, none), -ENOENT);
	/* links resolve in the root, as the container sees them */
	assert_int_equal(try_open(root, "l/b/file", O_RDONLY, in), 0);
	assert_int_equal(try_open(root, "l/rel", O_RDONLY, in), 0);
	assert_int_equal(try_open(root, "abs", O_RDONLY, in), 0);
	assert_int_equal(try_open(root, "a/b/up/a/b/file", O_RDONLY, in), 0);
	/* ... or not at all: ELOOP, as RESOLVE_NO_SYMLINKS */
	assert_int_equal(try_open(root, "l/b/file", O_RDONLY, none), -ELOOP);
	assert_int_equal(try_open(root, "a/rel", O_RDONLY, none), -ELOOP);
	assert_int_equal(try_open(root, "abs", O_RDONLY, none), -ELOOP);
	/* the last link itself, asked for with O_PATH | O_NOFOLLOW */
	assert_int_equal(try_open(root, "a/rel", O_PATH | O_NOFOLLOW, none),
	    0);
	/* beneath: leaving the directory is EXDEV */
	assert_int_equal(try_open(root, "abs", O_RDONLY, SAFETREE_BENEATH),
	    -EXDEV);
	assert_int_equal(try_open(root, "a/b/up/x", O_RDONLY,
	    SAFETREE_BENEATH), -EXDEV);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_spawn_no_leak, leaks_open,
		    leaks_close),
		cmocka_unit_test_setup_teardown(test_spawn_no_leak_fallback,
		    leaks_open, leaks_close),
		cmocka_unit_test_setup_teardown(test_spawn_fd3, leaks_open,
		    leaks_close),
		cmocka_unit_test(test_spawn_exec_fails),
		cmocka_unit_test(test_signame),
		cmocka_unit_test_setup_teardown(test_open_how, tree_setup,
		    tree_teardown),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	printf("# close_range: %s; openat2: %s\n",
	    getenv("PAKS_NO_CLOSE_RANGE") ? "PAKS_NO_CLOSE_RANGE set" :
	    "if the kernel has it", safetree_openat2() ? "yes" : "no");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
