/* Unit tests for set, quoting and init text (src/store/settings-edit.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/settings-edit.h"
#include "store/settings.h"
#include "tmpdir.h"

static char home[] = "/tmp/paks-test-settings-edit-XXXXXX";

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
expect_set(const char *text, const char *key, const char *yaml,
    const char *want)
{
	struct paks_error *err = NULL;
	char *out = NULL;

	if (settings_edit_set(text, strlen(text), key, yaml, &out, &err) < 0)
		fail_msg("set failed: %s", err->msg);
	assert_string_equal(out, want);
	free(out);
}

static void
test_set_in_place(void **state)
{
	(void)state;
	expect_set("# mine\ncontainer_shell: /bin/zsh   # I like zsh\n"
	    "user: me\n", "container_shell", "/bin/fish",
	    "# mine\ncontainer_shell: /bin/fish   # I like zsh\nuser: me\n");
	/* quoted values, keys in any order, the last duplicate wins */
	expect_set("user: 'a b'\n\n# c\ncontainer_tech: \"docker\"\n",
	    "container_tech", "podman",
	    "user: 'a b'\n\n# c\ncontainer_tech: podman\n");
	expect_set("user: a\nuser: b\n", "user", "c", "user: a\nuser: c\n");
	/* marks count characters: multi-byte text before and in the value */
	expect_set("# ünïcödé ✓\nuser: 'ü✓'   # ☃\nplugins: [ä]\n", "user",
	    "\"two\\nlines\"", "# ünïcödé ✓\nuser: \"two\\nlines\"   # ☃\n"
	    "plugins: [ä]\n");
	expect_set("\xef\xbb\xbfuser: é\n", "user", "e",
	    "\xef\xbb\xbfuser: e\n");
	/* no newline at the end */
	expect_set("user: a", "user", "b", "user: b");
}

static void
test_set_empty_value(void **state)
{
	(void)state;
	expect_set("user:\nplugins: []\n", "user", "bob",
	    "user: bob\nplugins: []\n");
	expect_set("user: \n", "user", "bob", "user: bob\n");
	expect_set("user:   # nobody yet\n", "user", "bob",
	    "user: bob  # nobody yet\n");
	expect_set("user:", "user", "bob", "user: bob");
}

static void
test_set_collections(void **state)
{
	(void)state;
	expect_set("run_options: [--network, none]  # offline\nuser: x\n",
	    "run_options", "[]", "run_options: []  # offline\nuser: x\n");
	expect_set("run_options:\n  - --network   # net\n  - none\n\n"
	    "# about user\nuser: x\n", "run_options", "[-q]",
	    "run_options: [-q]\n\n# about user\nuser: x\n");
	/* a comment between the key and its value stays */
	expect_set("plugins:\n# keep\n  - a\n", "plugins", "[b]",
	    "plugins:\n# keep\n  [b]\n");
	expect_set("plugins: [a,\n  b]\nuser: x\n", "plugins", "[c]",
	    "plugins: [c]\nuser: x\n");
	expect_set("history_file: |\n  /x/y\n\n# next\nuser: x\n",
	    "history_file", "/h", "history_file: /h\n\n# next\nuser: x\n");
}

static void
test_set_append(void **state)
{
	(void)state;
	expect_set("", "user", "bob", "user: bob\n");
	expect_set("# only a comment\n", "user", "bob",
	    "# only a comment\nuser: bob\n");
	expect_set("plugins: []", "user", "bob", "plugins: []\nuser: bob\n");
	/* a key of the same name further in is not the top-level one */
	expect_set("other:\n  user: a\n", "user", "b",
	    "other:\n  user: a\nuser: b\n");
}

static void
test_set_malformed(void **state)
{
	struct paks_error *err = NULL;
	char *out = NULL;

	(void)state;
	assert_int_equal(settings_edit_set("a: b: c\n", 8, "user", "x", &out,
	    &err), -1);
	assert_non_null(strstr(err->msg, "malformed YAML"));
	assert_null(out);
	paks_error_free(err);
}

/* quote a string, read it back through settings_set: the same string */
static void
expect_quote(const char *s, const char *want)
{
	struct paks_error *err = NULL;
	struct settings st;
	char *q = settings_yaml_quote(s);

	if (want != NULL)
		assert_string_equal(q, want);
	memset(&st, 0, sizeof st);
	if (settings_set(&st, "user", q, SOURCE_USER, &err) < 0)
		fail_msg("'%s' does not load: %s", q, err->msg);
	assert_string_equal(settings_get(&st, "user"), s);
	settings_release(&st);
	free(q);
}

static void
test_quote(void **state)
{
	(void)state;
	expect_quote("/bin/bash", "/bin/bash");
	expect_quote("~/.paks/history", "~/.paks/history");
	expect_quote("--network", "--network");
	expect_quote("", "''");
	expect_quote("~", "'~'");
	expect_quote("null", "'null'");
	expect_quote("yes", "'yes'");
	expect_quote("60", "'60'");
	expect_quote("-", "'-'");
	expect_quote("code --wait", "'code --wait'");
	expect_quote("it's", "'it''s'");
	expect_quote("a: b # c", "'a: b # c'");
	expect_quote("[x]", "'[x]'");
	expect_quote("line\nbreak \"q\" \\", "\"line\\nbreak \\\"q\\\" \\\\\"");
	expect_quote(" both ends ", "' both ends '");
	expect_quote("tab\t", NULL);
	expect_quote("ünïcödé ✓", NULL);
	expect_quote("%percent @at &amp *star !bang |pipe >gt", NULL);
}

/*
 * Found by tests/fuzz/fuzz-settings: YAML reads U+0085, U+2028 and U+2029
 * as line breaks, so in single quotes they came back as spaces; it refuses
 * C1 controls and U+FFFE/U+FFFF written as they are; and a plain "..." at
 * the start of a value ends the document, so 'paks config set user ...'
 * was refused as malformed YAML. libyaml's emitter, which writes the
 * values now, quotes all of them, with YAML's own escapes (\N, \L, \P).
 */
static void
test_quote_breaks(void **state)
{
	(void)state;
	expect_quote("...", "'...'");
	expect_quote("... and more", NULL);
	expect_quote("\xc2\x85" "0", "\"\\N0\"");
	expect_quote("a\xe2\x80\xa8" "b\xe2\x80\xa9", "\"a\\Lb\\P\"");
	expect_quote("\xc2\x82\xc3\xa9", "\"\\x82\xc3\xa9\"");
	expect_quote("\xef\xbf\xbe\xef\xbf\xbf", "\"\\uFFFE\\uFFFF\"");
	expect_quote("\xc2\xa9 \xe2\x80\xa6 \xe2\x82\xac \xef\xbf\xbd",
	    NULL);
}

static void
expect_bad_value(const char *key, const char *value, const char *want)
{
	struct paks_error *err = NULL;
	char *yaml = NULL;

	assert_int_equal(settings_value_yaml(key, value, &yaml, &err), -1);
	if (strstr(err->msg, want) == NULL)
		fail_msg("'%s' not in '%s'", want, err->msg);
	assert_null(yaml);
	paks_error_free(err);
}

static void
test_value_yaml(void **state)
{
	struct paks_error *err = NULL;
	char *yaml = NULL;

	(void)state;
	assert_int_equal(settings_value_yaml("user", "a b", &yaml, &err), 0);
	assert_string_equal(yaml, "'a b'");
	free(yaml);
	assert_int_equal(settings_value_yaml("plugins", "", &yaml, &err), 0);
	assert_string_equal(yaml, "[]");
	free(yaml);
	assert_int_equal(settings_value_yaml("save_history", "yes", &yaml,
	    &err), 0);
	assert_string_equal(yaml, "yes");
	free(yaml);
	expect_bad_value("contaner_tech", "x", "unknown setting "
	    "'contaner_tech'");
	expect_bad_value("save_history", "maybe", "must be true or false");
	expect_bad_value("plugin_timeout", "soon", "must be a whole number");
	expect_bad_value("plugin_timeout", "1\nuser: x", "on one line");
	expect_bad_value("run_options", "--network", "must be a list");
	expect_bad_value("run_options", "[a, b", "malformed YAML");
	expect_bad_value("user", "caf\xe9", "not UTF-8");
}

static char *
read_user(void)
{
	char path[256], *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof path, "%s/settings.yml", home);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
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
test_user_set(void **state)
{
	struct paks_error *err = NULL;
	struct settings s;
	char *text;

	(void)state;
	write_user("# top\nuser: a   # who\n");
	assert_int_equal(settings_user_set("user", "b c", &err), 0);
	assert_int_equal(settings_user_set("plugins", "[x, 'y z']", &err), 0);
	text = read_user();
	assert_string_equal(text, "# top\nuser: 'b c'   # who\n"
	    "plugins: [x, 'y z']\n");
	free(text);
	assert_int_equal(settings_load(&s, NULL, NULL, &err), 0);
	assert_string_equal(settings_get(&s, "user"), "b c");
	assert_string_equal(settings_get_list(&s, "plugins")[1], "y z");
	settings_release(&s);

	/* a broken file is reported and left as it is */
	write_user("user: a\nbogus: 1\n");
	assert_int_equal(settings_user_set("user", "b", &err), -1);
	assert_non_null(strstr(err->msg, "settings.yml:2: unknown setting "
	    "'bogus'"));
	paks_error_release(&err);
	text = read_user();
	assert_string_equal(text, "user: a\nbogus: 1\n");
	free(text);
}

/*
 * Found by tests/fuzz/fuzz-settings: appending a key after a block scalar
 * that ends the file without a newline gave that scalar a newline, so
 * setting one key silently changed another. Such a set is refused.
 */
static void
test_user_set_keeps_others(void **state)
{
	struct paks_error *err = NULL;
	char *text;

	(void)state;
	write_user("config_editor: |\n  code --wait");
	assert_int_equal(settings_user_set("container_shell", "/bin/zsh",
	    &err), -1);
	assert_non_null(strstr(err->msg, "cannot be set in place"));
	paks_error_release(&err);
	text = read_user();
	assert_string_equal(text, "config_editor: |\n  code --wait");
	free(text);

	/* with the newline there, the same set works */
	write_user("config_editor: |\n  code --wait\n");
	assert_int_equal(settings_user_set("container_shell", "/bin/zsh",
	    &err), 0);
	text = read_user();
	assert_string_equal(text, "config_editor: |\n  code --wait\n"
	    "container_shell: /bin/zsh\n");
	free(text);
}

static void
test_init_text(void **state)
{
	struct paks_error *err = NULL;
	struct settings s;
	char *text = settings_init_text();

	(void)state;
	for (int i = 0; i < settings_count; i++) {
		char line[128];

		snprintf(line, sizeof line, "\n%s: ", settings_table[i].name);
		if (strstr(text, line) == NULL)
			fail_msg("no '%s' in the init text",
			    settings_table[i].name);
		assert_non_null(strstr(text, settings_table[i].help));
	}
	write_user(text);
	free(text);
	assert_int_equal(settings_load(&s, NULL, NULL, &err), 0);
	for (int i = 0; i < settings_count; i++) {
		struct settings d;
		char *a, *b;

		memset(&d, 0, sizeof d);
		assert_int_equal(settings_set(&d, settings_table[i].name,
		    settings_table[i].def, SOURCE_DEFAULT, &err), 0);
		a = settings_yaml_value(&s, settings_table[i].name);
		b = settings_yaml_value(&d, settings_table[i].name);
		assert_string_equal(a, b);
		assert_int_equal(s.v[i].source, SOURCE_USER);
		free(a);
		free(b);
		settings_release(&d);
	}
	settings_release(&s);
}

static void
expect_argv(const struct settings *s, const char *a0, const char *a1,
    const char *a2)
{
	struct strv argv = STRV_INIT;

	settings_editor_argv(s, "/f", &argv);
	assert_string_equal(argv.v[0], a0);
	assert_string_equal(argv.v[1], a1);
	if (a2 != NULL)
		assert_string_equal(argv.v[2], a2);
	else
		assert_null(argv.v[2]);
	strv_release(&argv);
}

static void
test_editor(void **state)
{
	struct paks_error *err = NULL;
	struct settings s;

	(void)state;
	memset(&s, 0, sizeof s);
	unsetenv("VISUAL");
	unsetenv("EDITOR");
	expect_argv(&s, "vi", "/f", NULL);
	setenv("EDITOR", "nano", 1);
	expect_argv(&s, "nano", "/f", NULL);
	setenv("VISUAL", "  ", 1);
	expect_argv(&s, "nano", "/f", NULL);
	setenv("VISUAL", "emacs -nw", 1);
	expect_argv(&s, "emacs", "-nw", "/f");
	assert_int_equal(settings_set(&s, "config_editor", "'code  --wait'",
	    SOURCE_USER, &err), 0);
	expect_argv(&s, "code", "--wait", "/f");
	settings_release(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_in_place),
		cmocka_unit_test(test_set_empty_value),
		cmocka_unit_test(test_set_collections),
		cmocka_unit_test(test_set_append),
		cmocka_unit_test(test_set_malformed),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_quote_breaks),
		cmocka_unit_test(test_value_yaml),
		cmocka_unit_test(test_user_set),
		cmocka_unit_test(test_user_set_keeps_others),
		cmocka_unit_test(test_init_text),
		cmocka_unit_test(test_editor),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
