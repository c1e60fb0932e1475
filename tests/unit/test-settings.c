/* Unit tests for settings layers and validation (src/store/settings.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/settings.h"
#include "tmpdir.h"

static char home[] = "/tmp/paks-test-settings-XXXXXX";

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(home) == NULL)
		return -1;
	setenv("PAKS_HOME", home, 1);
	setenv("PAKS_SYSTEM_SETTINGS", "/nonexistent/settings.yml", 1);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(home);
}

static void
write_user(const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/settings.yml", home);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_defaults(void **state)
{
	struct settings s;
	struct paks_error *err = NULL;

	(void)state;
	write_user("");
	assert_int_equal(settings_load(&s, NULL, NULL, &err), 0);
	assert_string_equal(settings_get(&s, "container_shell"), "/bin/bash");
	assert_string_equal(settings_get(&s, "container_tech"), "");
	assert_false(settings_get_bool(&s, "save_history"));
	assert_null(settings_get_list(&s, "run_options")[0]);
	settings_release(&s);
}

static void
test_layers(void **state)
{
	struct settings s;
	struct paks_error *err = NULL;
	char *over[] = { "container_tech=podman",
		"run_options=[--network, none]", NULL };

	(void)state;
	write_user("# mine\ncontainer_tech: docker\ncontainer_shell: /bin/zsh\n"
	    "user:\n");
	assert_int_equal(settings_load(&s, NULL, over, &err), 0);
	assert_string_equal(settings_get(&s, "container_tech"), "podman");
	assert_int_equal(s.v[0].source, SOURCE_OVERRIDE);
	assert_string_equal(settings_get(&s, "container_shell"), "/bin/zsh");
	assert_string_equal(settings_get(&s, "user"), "");
	assert_string_equal(settings_get_list(&s, "run_options")[0],
	    "--network");
	assert_string_equal(settings_get_list(&s, "run_options")[1], "none");
	settings_release(&s);
}

static void
expect_error(const char *text, char **over, const char *needle)
{
	struct settings s;
	struct paks_error *err = NULL;

	write_user(text);
	assert_int_equal(settings_load(&s, NULL, over, &err), -1);
	assert_non_null(err);
	if (strstr(err->msg, needle) == NULL)
		fail_msg("'%s' not in '%s'", needle, err->msg);
	paks_error_free(err);
	settings_release(&s);
}

static void
test_errors(void **state)
{
	char *bad_over[] = { "nope=1", NULL };
	char *bad_bool[] = { "save_history=maybe", NULL };
	char *no_eq[] = { "container_tech", NULL };

	(void)state;
	expect_error("container_tec: docker\n", NULL, "unknown setting "
	    "'container_tec'");
	expect_error("container_tech: [a, b]\n", NULL, "must be a string");
	expect_error("save_history: perhaps\n", NULL, "true or false");
	expect_error("run_options: --network\n", NULL, "must be a list");
	expect_error("a: b: c\n", NULL, "malformed YAML");
	expect_error("- a\n- b\n", NULL, "must be a mapping");
	expect_error("", bad_over, "unknown setting 'nope'");
	expect_error("", bad_bool, "true or false");
	expect_error("", no_eq, "expected key=value");
	/* a key's escapes reach no terminal: ESC and a UTF-8 C1 CSI */
	expect_error("\"\\e[2J\\u009b1m\": 1\n", NULL,
	    "unknown setting '\\x1b[2J\\xc2\\x9b1m'");
}

/*
 * Found by tests/fuzz/fuzz-settings: strtol skips leading blanks, so
 * plugin_timeout: "\n5" was taken as a number and kept with its newline,
 * and 'paks config list' printed it on two lines. A number is digits
 * (with a sign) and nothing else.
 */
static void
test_int_blanks(void **state)
{
	char *space[] = { "plugin_timeout=' 5'", NULL };

	(void)state;
	expect_error("plugin_timeout: \"\\n5\"\n", NULL, "whole number");
	expect_error("", space, "whole number");
}

static void
test_suggest(void **state)
{
	(void)state;
	assert_string_equal(settings_suggest("container_shel"),
	    "container_shell");
	assert_null(settings_suggest("zzzzzzzzzzzz"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_layers),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_int_blanks),
		cmocka_unit_test(test_suggest),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
