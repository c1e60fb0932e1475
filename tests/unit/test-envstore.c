/* Unit tests for env files, names and their storage (src/store/envstore.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/envstore.h"
#include "util/strbuf.h"
#include "tmpdir.h"

static char home[] = "/tmp/paks-test-envstore-XXXXXX";

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

/* format one variable, parse it back, and compare */
static void
roundtrip(const char *value, const char *want_line)
{
	struct env env = ENV_INIT, back = ENV_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct paks_error *err = NULL;

	env_set(&env, "K", value);
	envstore_format(&env, &sb);
	if (want_line != NULL)
		assert_string_equal(strbuf_str(&sb), want_line);
	if (envstore_parse(sb.buf, sb.len, &back, "f", &err) < 0)
		fail_msg("parse of '%s' failed: %s", sb.buf, err->msg);
	assert_int_equal(back.n, 1);
	assert_string_equal(back.v[0].key, "K");
	assert_string_equal(back.v[0].value, value);
	env_release(&env);
	env_release(&back);
	strbuf_release(&sb);
}

static void
test_roundtrip_readable(void **state)
{
	(void)state;
	roundtrip("value", "K=value\n");
	roundtrip("", "K=\n");
	roundtrip("hello world", "K=hello world\n");
	roundtrip("it's \"quoted\"", "K=it's \"quoted\"\n");
	roundtrip("$HOME `id` $(id) ${X}", "K=$HOME `id` $(id) ${X}\n");
	roundtrip("C:\\dir\\n\\\\", "K=C:\\dir\\n\\\\\n");
	roundtrip("# not a comment", "K=# not a comment\n");
	roundtrip("a=b=c", "K=a=b=c\n");
	roundtrip("héllo wörld ✓ 日本", "K=héllo wörld ✓ 日本\n");
	roundtrip("x\"", "K=x\"\n");
}

static void
test_roundtrip_quoted(void **state)
{
	(void)state;
	roundtrip("line1\nline2", "K=\"line1\\nline2\"\n");
	roundtrip("\"starts with a quote", "K=\"\\\"starts with a quote\"\n");
	roundtrip(" lead", "K=\" lead\"\n");
	roundtrip("trail ", "K=\"trail \"\n");
	roundtrip("tab\there", "K=\"tab\\there\"\n");
	roundtrip("cr\r\n", "K=\"cr\\r\\n\"\n");
	roundtrip("\x01\x1b[31m\x7f", "K=\"\\x01\\x1b[31m\\x7f\"\n");
	roundtrip("a\\nb\nc\\", "K=\"a\\\\nb\\nc\\\\\"\n");
	roundtrip("\n", NULL);
	roundtrip("\"", NULL);
	roundtrip("\\\"", NULL);
	roundtrip("multi\nline with 'both' \"quotes\", $x, `y`, #, =, ü\n",
	    NULL);
}

/* every byte string without NUL survives format then parse */
static void
test_roundtrip_random(void **state)
{
	char buf[64];

	(void)state;
	srand(4242);
	for (int i = 0; i < 5000; i++) {
		size_t len = (size_t)(rand() % 63);

		for (size_t j = 0; j < len; j++)
			buf[j] = (char)(1 + rand() % 255);
		buf[len] = '\0';
		roundtrip(buf, NULL);
	}
}

static void
test_comments_kept(void **state)
{
	const char *text = "# top\n\nA=1\n  # indented\nB=\"x\\ny\"\n\n# end\n";
	struct env env = ENV_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct paks_error *err = NULL;

	(void)state;
	assert_int_equal(envstore_parse(text, strlen(text), &env, "f", &err),
	    0);
	assert_int_equal(env.n, 2);
	assert_string_equal(env_get(&env, "B"), "x\ny");
	envstore_format(&env, &sb);
	assert_string_equal(strbuf_str(&sb), text);
	/* changing one variable keeps the rest of the text */
	env_set(&env, "A", "2");
	env_set(&env, "C", "3");
	strbuf_reset(&sb);
	envstore_format(&env, &sb);
	assert_string_equal(strbuf_str(&sb),
	    "# top\n\nA=2\n  # indented\nB=\"x\\ny\"\nC=3\n\n# end\n");
	assert_true(env_unset(&env, "B"));
	assert_false(env_unset(&env, "B"));
	assert_null(env_get(&env, "B"));
	strbuf_reset(&sb);
	envstore_format(&env, &sb);
	assert_string_equal(strbuf_str(&sb), "# top\n\nA=2\nC=3\n\n# end\n");
	env_release(&env);
	strbuf_release(&sb);
}

static void
test_no_final_newline(void **state)
{
	struct env env = ENV_INIT;
	struct paks_error *err = NULL;

	(void)state;
	assert_int_equal(envstore_parse("A=1\nB=two", 9, &env, "f", &err), 0);
	assert_string_equal(env_get(&env, "B"), "two");
	assert_int_equal(envstore_parse("", 0, &env, "f", &err), 0);
	assert_int_equal(env.n, 0);
	env_release(&env);
}

/* text must fail with a message holding want and never the secret */
static void
expect_malformed(const char *text, size_t len, const char *want)
{
	struct env env = ENV_INIT;
	struct paks_error *err = NULL;

	env_set(&env, "KEEP", "me");
	assert_int_equal(envstore_parse(text, len, &env, "/x/envs/p", &err),
	    -1);
	assert_non_null(err);
	if (strstr(err->msg, want) == NULL)
		fail_msg("'%s' not in '%s'", want, err->msg);
	if (strstr(err->msg, "s3cret") != NULL ||
	    (err->hint && strstr(err->hint, "s3cret") != NULL))
		fail_msg("value in message '%s'", err->msg);
	assert_null(strchr(err->msg, '\n'));
	/* a failed parse leaves the output alone */
	assert_int_equal(env.n, 1);
	assert_string_equal(env_get(&env, "KEEP"), "me");
	paks_error_free(err);
	env_release(&env);
}

#define MALFORMED(text, want) expect_malformed(text, sizeof(text) - 1, want)

static void
test_malformed(void **state)
{
	(void)state;
	MALFORMED("A=1\njust s3cret\n",
	    "/x/envs/p:2: expected KEY=VALUE");
	MALFORMED("1A=s3cret\n",
	    "/x/envs/p:1: invalid variable name");
	MALFORMED("\n\nA-B=s3cret\n",
	    "/x/envs/p:3: invalid variable name");
	/* a value read as KEY=VALUE: the "key" is never quoted */
	MALFORMED("a+b/s3cret==\n", "/x/envs/p:1: invalid variable name");
	MALFORMED("=s3cret\n", "/x/envs/p:1: invalid variable name");
	MALFORMED("A=\"s3cret\n",
	    "/x/envs/p:1: value of 'A': unterminated quoted value");
	MALFORMED("A=\"s3cret\\", "unterminated quoted value");
	MALFORMED("A=\"s3cret\\q\"\n", "/x/envs/p:1: value of "
	    "'A': unknown escape");
	MALFORMED("A=\"s3\\x0gcret\"\n", "bad \\x escape");
	MALFORMED("A=\"s3\\x00cret\"\n", "bad \\x escape");
	MALFORMED("A=\"s3cret\" x\n",
	    "/x/envs/p:1: value of 'A': text after the closing quote");
	MALFORMED("A=1\nB=2\nA=s3cret\n",
	    "/x/envs/p:3: 'A' is set twice");
	MALFORMED("A=1\nB=s3\0cret\n", "/x/envs/p:2: NUL byte");
}

static void
test_names(void **state)
{
	char longname[202];

	(void)state;
	assert_true(envstore_name_valid("proj"));
	assert_true(envstore_name_valid("a.b-c_D9"));
	assert_true(envstore_name_valid("..."));
	assert_true(envstore_name_valid(".hidden"));
	assert_false(envstore_name_valid(""));
	assert_false(envstore_name_valid("."));
	assert_false(envstore_name_valid(".."));
	assert_false(envstore_name_valid("../x"));
	assert_false(envstore_name_valid("a/b"));
	assert_false(envstore_name_valid("/etc"));
	assert_false(envstore_name_valid("a b"));
	assert_false(envstore_name_valid("x\n"));
	assert_false(envstore_name_valid("#lock"));
	assert_false(envstore_name_valid("ü"));
	memset(longname, 'a', 201);
	longname[201] = '\0';
	assert_false(envstore_name_valid(longname));
	longname[200] = '\0';
	assert_true(envstore_name_valid(longname));

	assert_true(envstore_key_valid("A"));
	assert_true(envstore_key_valid("_"));
	assert_true(envstore_key_valid("_a1_B2"));
	assert_false(envstore_key_valid(""));
	assert_false(envstore_key_valid("1A"));
	assert_false(envstore_key_valid("A-B"));
	assert_false(envstore_key_valid("A.B"));
	assert_false(envstore_key_valid("A B"));
	assert_false(envstore_key_valid("Ä"));
}

/* err's message is want, and neither it nor the hint holds "s3cret" */
static void
expect_message(struct paks_error **err, const char *want)
{
	assert_non_null(*err);
	assert_string_equal((*err)->msg, want);
	if (strstr((*err)->msg, "s3cret") != NULL ||
	    ((*err)->hint && strstr((*err)->hint, "s3cret") != NULL))
		fail_msg("value in message '%s'", (*err)->msg);
	paks_error_release(err);
}

static void
test_name_messages(void **state)
{
	struct paks_error *err = NULL;

	(void)state;
	/* an invalid name is never quoted: it may be a value */
	assert_int_equal(envstore_check_name("../x", &err), -1);
	assert_non_null(err->hint);
	expect_message(&err, "invalid environment name (not shown: it may "
	    "be a value)");
	assert_int_equal(envstore_check_name("a\nb", &err), -1);
	expect_message(&err, "invalid environment name (not shown: it may "
	    "be a value)");
	assert_int_equal(envstore_check_name("PB_TOKEN=s3cret", &err), -1);
	assert_non_null(strstr(err->hint, "name comes first"));
	expect_message(&err, "invalid environment name: it looks like "
	    "KEY=VALUE (values are never shown)");
	assert_int_equal(envstore_check_name("s3cret!", &err), -1);
	expect_message(&err, "invalid environment name (not shown: it may "
	    "be a value)");
	/* fixed strings are */
	assert_int_equal(envstore_check_name("..", &err), -1);
	expect_message(&err, "invalid environment name '..'");
	assert_int_equal(envstore_check_name("", &err), -1);
	expect_message(&err, "empty environment name");
	/* an invalid key neither: callers say where it was */
	assert_int_equal(envstore_check_key("1A", &err), -1);
	expect_message(&err, "invalid variable name");
	assert_int_equal(envstore_check_key("a+b/s3cret", &err), -1);
	expect_message(&err, "invalid variable name");
	assert_int_equal(envstore_check_key("", &err), -1);
	expect_message(&err, "empty variable name");
	assert_int_equal(envstore_check_name("ok", &err), 0);
	assert_null(err);
}

/* envstore_check_new: refuse a key the environment has, touch nothing */
static void
test_check_new(void **state)
{
	struct env add = ENV_INIT, vars = ENV_INIT;
	struct paks_error *err = NULL;
	char *path = envstore_path("checknew");

	(void)state;
	env_set(&vars, "NEW", "");
	env_set(&vars, "OLD", "");
	/* no environment: every key is new, and no file appears */
	assert_int_equal(envstore_check_new("checknew", &vars, &err), 0);
	assert_null(err);
	assert_false(envstore_exists("checknew"));
	env_set(&add, "OLD", "s3cret");
	assert_int_equal(envstore_add("checknew", &add, false, &err), 0);
	assert_int_equal(envstore_check_new("checknew", &vars, &err), -1);
	assert_non_null(strstr(err->hint, "--force"));
	expect_message(&err, "environment 'checknew' already has 'OLD'");
	assert_true(env_unset(&vars, "OLD"));
	assert_int_equal(envstore_check_new("checknew", &vars, &err), 0);
	assert_null(err);
	/* a name that is a value, and a broken file, are refused */
	assert_int_equal(envstore_check_new("T=s3cret", &vars, &err), -1);
	expect_message(&err, "invalid environment name: it looks like "
	    "KEY=VALUE (values are never shown)");
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs("not a line s3cret\n", f);
	fclose(f);
	assert_int_equal(envstore_check_new("checknew", &vars, &err), -1);
	assert_non_null(strstr(err->msg, "checknew:2: expected KEY=VALUE"));
	paks_error_release(&err);
	assert_int_equal(envstore_delete("checknew", &err), 0);
	free(path);
	env_release(&add);
	env_release(&vars);
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static void
test_files(void **state)
{
	struct env add = ENV_INIT, got = ENV_INIT;
	struct strv names = STRV_INIT;
	struct paks_error *err = NULL;
	char *keys[] = { "B", NULL }, *nokeys[] = { "Z", NULL };
	char *path = NULL, *text = NULL, *dir;
	size_t len;

	(void)state;
	env_set(&add, "A", "1");
	env_set(&add, "B", "two words\nand a line");
	assert_int_equal(envstore_add("proj", &add, false, &err), 0);
	path = envstore_path("proj");
	assert_int_equal(mode_of(path), 0600);
	dir = envstore_dir();
	assert_int_equal(mode_of(dir), 0700);
	free(dir);
	assert_true(envstore_exists("proj"));
	assert_false(envstore_too_open("proj", &text));

	assert_int_equal(envstore_load("proj", &got, &err), 0);
	assert_int_equal(got.n, 2);
	assert_string_equal(env_get(&got, "B"), "two words\nand a line");

	/* an existing key needs force; nothing changes without it */
	env_release(&add);
	env_set(&add, "C", "3");
	env_set(&add, "A", "changed");
	assert_int_equal(envstore_add("proj", &add, false, &err), -1);
	assert_string_equal(err->msg, "environment 'proj' already has 'A'");
	paks_error_release(&err);
	assert_int_equal(envstore_load("proj", &got, &err), 0);
	assert_null(env_get(&got, "C"));
	assert_int_equal(envstore_add("proj", &add, true, &err), 0);
	assert_int_equal(envstore_load("proj", &got, &err), 0);
	assert_string_equal(env_get(&got, "A"), "changed");
	assert_string_equal(env_get(&got, "C"), "3");

	assert_int_equal(envstore_remove("proj", nokeys, &err), -1);
	assert_string_equal(err->msg, "environment 'proj' has no variable 'Z'");
	paks_error_release(&err);
	assert_int_equal(envstore_remove("proj", keys, &err), 0);
	assert_int_equal(envstore_load("proj", &got, &err), 0);
	assert_int_equal(got.n, 2);

	/* list: sorted, only environments (not the lock file) */
	assert_int_equal(envstore_add("alpha", &add, false, &err), 0);
	assert_int_equal(envstore_list(&names, &err), 0);
	assert_int_equal(names.n, 2);
	assert_string_equal(names.v[0], "alpha");
	assert_string_equal(names.v[1], "proj");

	/* too open */
	chmod(path, 0644);
	assert_true(envstore_too_open("proj", &text));
	assert_string_equal(text, path);
	free(text);

	/* replace refuses when the file changed since it was read */
	assert_int_equal(envstore_read("proj", &text, &len, &err), 0);
	assert_int_equal(envstore_replace("proj", "X=1\n", 4, "A=9\n", 4, &err),
	    -1);
	paks_error_release(&err);
	assert_int_equal(envstore_replace("proj", text, len, "A=\"bad", 6,
	    &err), -1);
	assert_non_null(strstr(err->msg, ":1: value of 'A'"));
	paks_error_release(&err);
	assert_int_equal(envstore_replace("proj", text, len, "A=9\n", 4, &err),
	    0);
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(envstore_load("proj", &got, &err), 0);
	assert_int_equal(got.n, 1);
	free(text);
	assert_int_equal(envstore_replace("newone", NULL, 0, "Q=1\n", 4, &err),
	    0);
	assert_true(envstore_exists("newone"));

	assert_int_equal(envstore_delete("proj", &err), 0);
	assert_false(envstore_exists("proj"));
	assert_int_equal(envstore_delete("proj", &err), -1);
	assert_string_equal(err->msg, "environment 'proj' does not exist");
	paks_error_release(&err);
	assert_int_equal(envstore_load("proj", &got, &err), -1);
	paks_error_release(&err);
	assert_int_equal(envstore_load("../x", &got, &err), -1);
	paks_error_release(&err);

	free(path);
	strv_release(&names);
	env_release(&add);
	env_release(&got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_readable),
		cmocka_unit_test(test_roundtrip_quoted),
		cmocka_unit_test(test_roundtrip_random),
		cmocka_unit_test(test_comments_kept),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_name_messages),
		cmocka_unit_test(test_check_new),
		cmocka_unit_test(test_files),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
