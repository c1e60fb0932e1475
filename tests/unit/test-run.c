/*
 * Unit tests for util/run.c, the one way paks runs a program: streams
 * captured, given an fd, filtered; fd 3 both ways; exit codes and
 * signals as values; a timeout; a watch that cancels; a function of paks
 * run in a child in place of a program.
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
#include <unistd.h>
#include <cmocka.h>

#include "util/fdio.h"
#include "util/run.h"
#include "util/strbuf.h"

static void
test_capture(void **state)
{
	char *argv[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	struct run r = RUN_INIT(argv);
	struct paks_error *err = NULL;

	(void)state;
	r.out.how = r.err.how = RUN_CAPTURE;
	assert_int_equal(run_cmd(&r, &err), 0);
	assert_int_equal(r.code, 3);
	assert_int_equal(r.signal, 0);
	assert_string_equal(strbuf_str(&r.out_text), "out\n");
	assert_string_equal(strbuf_str(&r.err_text), "err\n");
	run_release(&r);
}

static void
test_signal_and_missing(void **state)
{
	char *argv[] = { "sh", "-c", "kill -TERM $$", NULL };
	char *none[] = { "/nonexistent/program", NULL };
	struct run r = RUN_INIT(argv);
	struct run n = RUN_INIT(none);
	struct paks_error *err = NULL;

	(void)state;
	assert_int_equal(run_cmd(&r, &err), 0);
	assert_int_equal(r.signal, SIGTERM);
	assert_int_equal(r.code, 128 + SIGTERM);
	assert_int_equal(run_cmd(&n, &err), -1);
	assert_non_null(err);
	assert_int_equal(err->code, ENOENT);
	paks_error_free(err);
	run_release(&r);
}

/* fd 3 in (a secret's fd), and out (a plugin's exports), and an fd out */
static void
test_fds(void **state)
{
	char *in[] = { "sh", "-c", "cat <&3", NULL };
	char *out[] = { "sh", "-c", "printf 'a\\0b' >&3; echo to-fd", NULL };
	struct run r = RUN_INIT(in), w = RUN_INIT(out);
	struct paks_error *err = NULL;
	int p[2];
	FILE *f = tmpfile();
	char buf[32] = "";

	(void)state;
	assert_int_equal(pipe(p), 0);
	write_all(p[1], "secret", 6);
	close(p[1]);
	r.fd3 = p[0];
	r.out.how = RUN_CAPTURE;
	assert_int_equal(run_cmd(&r, &err), 0);
	close(p[0]);
	assert_string_equal(strbuf_str(&r.out_text), "secret");
	w.fd3_capture = true;
	w.out = (struct run_io){ .how = RUN_FD, .fd = fileno(f) };
	assert_int_equal(run_cmd(&w, &err), 0);
	assert_int_equal(w.fd3_text.len, 3);
	assert_memory_equal(w.fd3_text.buf, "a\0b", 3);
	rewind(f);
	assert_non_null(fgets(buf, sizeof buf, f));
	assert_string_equal(buf, "to-fd\n");
	fclose(f);
	run_release(&r);
	run_release(&w);
}

static void
collect(void *arg, const char *s, size_t n)
{
	strbuf_add(arg, s, n);
}

static void
test_filter_and_timeout(void **state)
{
	char *argv[] = { "sh", "-c", "echo seen", NULL };
	char *slow[] = { "sleep", "30", NULL };
	struct strbuf got = STRBUF_INIT;
	struct run r = RUN_INIT(argv), t = RUN_INIT(slow);
	struct paks_error *err = NULL;

	(void)state;
	r.out = (struct run_io){ .how = RUN_FILTER, .filter = collect,
		.arg = &got };
	assert_int_equal(run_cmd(&r, &err), 0);
	assert_string_equal(strbuf_str(&got), "seen\n");
	t.timeout = 1;
	t.pgroup = true;
	assert_int_equal(run_cmd(&t, &err), 0);
	assert_true(t.timed_out);
	assert_int_equal(t.signal, SIGKILL);
	strbuf_release(&got);
	run_release(&r);
	run_release(&t);
}

/* A watch that asks for Ctrl-C at once: the program gets SIGINT. */
static int
interrupting(void *arg, struct pollfd *fds, int n, int timeout,
    enum run_cancel *cancel)
{
	int *calls = arg;

	if ((*calls)++ == 0) {
		*cancel = RUN_INTERRUPT;	/* as a Ctrl-C read now */
		return 0;
	}
	return poll(fds, (nfds_t)n, timeout);
}

static void
test_watch_cancels(void **state)
{
	char *argv[] = { "sleep", "30", NULL };
	struct run r = RUN_INIT(argv);
	struct paks_error *err = NULL;
	int calls = 0;
	const struct run_watch w = { interrupting, &calls };

	(void)state;
	r.watch = &w;
	r.pgroup = true;
	r.err.how = RUN_CAPTURE;	/* a pipe, so the watch is polled */
	assert_int_equal(run_cmd(&r, &err), 0);
	assert_true(r.cancelled);
	assert_int_equal(r.signal, SIGINT);
	run_release(&r);
}

static int
child_fn(void *arg)
{
	const char *s = arg;

	write_all(STDOUT_FILENO, s, strlen(s));
	write_all(3, "x", 1);
	/* paks's own fds above 3 are closed here, as by an exec */
	return fcntl(4, F_GETFD) < 0 ? 7 : 1;
}

static void
test_fn(void **state)
{
	struct run r = RUN_INIT(NULL);
	struct paks_error *err = NULL;
	int keep = dup(STDERR_FILENO);	/* some fd of paks's above 3 */

	(void)state;
	while (keep >= 0 && keep < 4)
		keep = dup(STDERR_FILENO);
	r.fn = child_fn;
	r.fn_arg = "from the child";
	r.out.how = RUN_CAPTURE;
	r.fd3_capture = true;
	assert_int_equal(run_cmd(&r, &err), 0);
	assert_int_equal(r.code, 7);
	assert_string_equal(strbuf_str(&r.out_text), "from the child");
	assert_string_equal(strbuf_str(&r.fd3_text), "x");
	run_release(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture),
		cmocka_unit_test(test_signal_and_missing),
		cmocka_unit_test(test_fds),
		cmocka_unit_test(test_filter_and_timeout),
		cmocka_unit_test(test_watch_cancels),
		cmocka_unit_test(test_fn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
