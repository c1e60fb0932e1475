/*
 * Unit tests for the session record (src/store/history.c) and the recipe
 * drafted from it (src/image/recipe.c): entries written as one line each
 * and read back, hostile lines skipped, a full record left as it was,
 * secrets masked, and which lines become RUN, ENV, WORKDIR or comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/recipe.h"
#include "image/recipe-check.h"
#include "store/history.h"
#include "tmpdir.h"
#include "util/xalloc.h"

static char home[] = "/tmp/paks-test-history-XXXXXX";

static struct history_entry
entry(const char *line, const char *cwd, int status, int64_t start)
{
	struct history_entry e = HISTORY_ENTRY_INIT;

	e.line = xstrdup(line);
	e.cwd = cwd ? xstrdup(cwd) : NULL;
	e.status = status;
	e.start = start;
	e.duration = 5;
	e.typed = true;
	return e;
}

static void
test_round_trip(void **state)
{
	struct history_entry e = entry("a\nb\033c \"q\" \xff\xfe", "/w", 3, 42);
	struct history_entry back;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	e.to = xstrdup("/x");
	e.from = xstrdup("/host/f");
	e.session = xstrdup("abc");
	e.kind = HISTORY_PAKS;
	assert_int_equal(history_format(&e, &sb), 0);
	/* one line, ASCII only */
	assert_ptr_equal(strchr(sb.buf, '\n'), sb.buf + sb.len - 1);
	for (size_t i = 0; i < sb.len; i++)
		assert_true((unsigned char)sb.buf[i] < 0x80);
	assert_int_equal(history_parse(sb.buf, sb.len, &back), 0);
	/* bytes that are not UTF-8 became '?' */
	assert_string_equal(back.line, "a\nb\033c \"q\" ??");
	assert_string_equal(back.cwd, "/w");
	assert_string_equal(back.to, "/x");
	assert_string_equal(back.from, "/host/f");
	assert_int_equal(back.status, 3);
	assert_int_equal(back.start, 42);
	assert_int_equal(back.duration, 5);
	assert_int_equal(back.kind, HISTORY_PAKS);
	assert_true(back.typed);
	history_entry_release(&back);
	history_entry_release(&e);
	strbuf_release(&sb);
}

/* What an image's author may have put in its record: skipped, counted. */
static void
test_hostile_lines(void **state)
{
	static const char text[] =
	    "{\"line\":\"ok\",\"t\":1}\n"
	    "not json\n"
	    "[1,2]\n"
	    "{\"t\":1}\n"
	    "{\"line\":\"x\",\"t\":-1}\n"
	    "{\"line\":\"x\",\"t\":1,\"st\":256}\n"
	    "{\"line\":\"x\",\"t\":1,\"st\":\"0\"}\n"
	    "{\"line\":\"x\",\"line\":\"y\",\"t\":1}\n"
	    "{\"line\":\"a\\u0000b\",\"t\":1}\n"
	    "{\"line\":\"x\",\"t\":1,\"typed\":\"yes\"}\n"
	    "{\"line\":\"x\",\"t\":1,\"k\":\"evil\"}\n"
	    "\n"
	    "{\"line\":\"last\",\"t\":2,\"st\":null}";
	struct history h = HISTORY_INIT;

	(void)state;
	history_parse_all(text, sizeof text - 1, &h);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.bad, 10);
	assert_string_equal(h.v[0].line, "ok");
	assert_false(h.v[0].typed);
	assert_int_equal(h.v[1].status, -1);
	history_release(&h);
}

static void
test_append_and_cap(void **state)
{
	struct history_entry e = entry("make\ninstall", "/src", 0, 7);
	struct history h = HISTORY_INIT;
	struct paks_error *err = NULL;
	char *path;
	size_t blen;
	struct stat st;
	int fd;

	(void)state;
	assert_null(history_path("../x"));
	assert_null(history_path(""));
	path = history_path("box-1");
	assert_non_null(path);
	assert_int_equal(history_append(path, &e, &err), 0);
	assert_int_equal(history_append(path, &e, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(history_load(path, &h, &err), 0);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.bad, 0);
	assert_string_equal(h.v[1].line, "make\ninstall");
	history_release(&h);
	/* full: refused, the file as it was */
	fd = open(path, O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, HISTORY_MAX_FILE - 10), 0);
	close(fd);
	assert_int_equal(stat(path, &st), 0);
	blen = (size_t)st.st_size;
	assert_int_equal(history_append(path, &e, &err), -1);
	assert_non_null(err);
	paks_error_free(err);
	err = NULL;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal((size_t)st.st_size, blen);
	unlink(path);
	/* none yet: empty */
	assert_int_equal(history_load(path, &h, &err), 0);
	assert_int_equal(h.n, 0);
	free(path);
	history_entry_release(&e);
}

static void
test_mask(void **state)
{
	char *secrets[] = { "abc", "s3cret", "s3cret-and-more", NULL };
	char *line = xstrdup("x s3cret-and-more y s3cret abc s3cre");

	(void)state;
	history_mask(&line, secrets);
	/* the longest first; shorter than HISTORY_MASK_MIN: left */
	assert_string_equal(line, "x *** y *** abc s3cre");
	free(line);
	line = xstrdup("none here");
	history_mask(&line, NULL);
	assert_string_equal(line, "none here");
	free(line);
}

static void
test_sort_stable(void **state)
{
	struct history h = HISTORY_INIT;
	const char *want[] = { "a", "b", "c", "d" };

	(void)state;
	h.v = xcalloc(4, sizeof *h.v);
	h.n = h.alloc = 4;
	h.v[0] = entry("c", NULL, 0, 5);
	h.v[1] = entry("a", NULL, 0, 1);
	h.v[2] = entry("d", NULL, 0, 5);
	h.v[3] = entry("b", NULL, 0, 2);
	history_sort(&h);
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(h.v[i].line, want[i]);
	history_release(&h);
}

static void
test_read_only(void **state)
{
	(void)state;
	assert_true(recipe_read_only("ls -l /opt"));
	assert_true(recipe_read_only("cd /x"));
	assert_true(recipe_read_only("cat a | grep b 2>&1 >/dev/null"));
	assert_true(recipe_read_only("  "));
	assert_false(recipe_read_only("echo x > f"));
	assert_false(recipe_read_only("echo x >> f"));
	assert_false(recipe_read_only("ls; rm -rf /x"));
	assert_false(recipe_read_only("apt-get install -y vim"));
	assert_false(recipe_read_only("find / -delete"));
	assert_false(recipe_read_only("echo $(touch x)"));
	assert_true(recipe_read_only("echo done-$((6*7))"));
	assert_false(recipe_read_only("echo $((1)) $(rm x)"));
	assert_false(recipe_read_only("X=1 ls"));
}

static void
test_recipe(void **state)
{
	struct history h = HISTORY_INIT;
	struct recipe r = RECIPE_INIT;
	const char *t;

	(void)state;
	h.v = xcalloc(10, sizeof *h.v);
	h.alloc = 10;
	h.v[h.n++] = entry("apt-get install -y make", "/", 0, 1);
	h.v[h.n++] = entry("mkdir /src", "/", 0, 2);
	h.v[h.n++] = entry("ls /src", "/", 0, 3);
	h.v[h.n++] = entry("cd /src", "/", 0, 4);
	h.v[h.n - 1].to = xstrdup("/src");
	h.v[h.n++] = entry("make", "/src", 2, 5);
	h.v[h.n++] = entry("export CC=gcc-12", "/src", 0, 6);
	h.v[h.n++] = entry("touch built", "/src", 0, 7);
	h.v[h.n++] = entry("echo *** > .netrc", "/src", 0, 8);
	h.v[h.n++] = entry("rm -rf /", "/src", 0, 9);
	h.v[h.n - 1].typed = false;
	recipe_make(&h, "img:saved", "debian:12", &r);
	t = r.text.buf;
	assert_non_null(strstr(t, "# DRAFT"));
	assert_ptr_equal(strstr(t, "# DRAFT"), t);
	assert_non_null(strstr(t, "\nFROM debian:12\nWORKDIR /\n"
	    "RUN apt-get install -y make && \\\n    mkdir /src\n"));
	assert_non_null(strstr(t, "\n# failed: make\nENV CC=gcc-12\n"
	    "WORKDIR /src\nRUN touch built\n"));
	assert_non_null(strstr(t, "\n# holds a secret: echo *** > .netrc\n"));
	assert_non_null(strstr(t, "\n# reported, not typed: rm -rf /\n"));
	assert_null(strstr(t, "ls /src"));
	assert_int_equal(r.runs, 3);
	assert_int_equal(r.left_out, 3);
	recipe_release(&r);
	history_release(&h);
}

static void
test_check_compare(void **state)
{
	static const char a[] =
	    "etc\t5\t0755\t0\t\n"
	    ".paks\t5\t0755\t0\t\n"
	    ".paks/history/x.jsonl\t0\t0644\t10\t\n"
	    "opt/a\t0\t0644\t3\t\n"
	    "opt/gone\t0\t0644\t3\t\n"
	    "tmp/junk\t0\t0644\t3\t\n"
	    "root/.bash_history\t0\t0600\t30\t\n"
	    "opt/l\t2\t0777\t0\t/x\n";
	static const char b[] =
	    "opt/l\t2\t0777\t0\t/y\n"
	    "opt/a\t0\t0755\t3\t\n"
	    "etc\t5\t0755\t0\t\n"
	    "opt/new\t0\t0644\t1\t\n";
	struct recipe_check c = RECIPE_CHECK_INIT;

	(void)state;
	assert_int_equal(recipe_check_compare(a, sizeof a - 1, b,
	    sizeof b - 1, &c), 4);
	assert_string_equal(c.diffs.v[0], "~ /opt/a (image: 0\t0644\t3\t; "
	    "rebuilt: 0\t0755\t3\t)");
	assert_string_equal(c.diffs.v[1], "- /opt/gone (only in the image)");
	assert_string_equal(c.diffs.v[2], "~ /opt/l (image: 2\t0777\t0\t/x; "
	    "rebuilt: 2\t0777\t0\t/y)");
	assert_string_equal(c.diffs.v[3], "+ /opt/new (only in the rebuilt "
	    "image)");
	assert_int_equal(c.compared, 5);
	recipe_check_release(&c);
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(home) == NULL)
		return -1;
	setenv("PAKS_HOME", home, 1);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(home);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_hostile_lines),
		cmocka_unit_test(test_append_and_cap),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_sort_stable),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_recipe),
		cmocka_unit_test(test_check_compare),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
