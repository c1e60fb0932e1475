/*
 * Unit tests for plugins (src/plugin/plugin.c): manifest parsing and its
 * errors, the fd-3 export records, finding plugins on disk, and the
 * registry's clash rules.
 */
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

#include "plugin/plugin.h"
#include "util/xalloc.h"
#include "tmpdir.h"

static char home[] = "/tmp/paks-test-plugin-XXXXXX";

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(home) == NULL)
		return -1;
	setenv("PAKS_HOME", home, 1);
	setenv("PAKS_SYSTEM_PLUGINS", "/nonexistent", 1);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(home);
}

static const char good[] =
	"# comment\n"
	"name: hello\n"
	"version: 1.2.3\n"
	"description: says hello\n"
	"exec: bin/hello.sh\n"
	"commands:\n"
	"  - name: hello\n"
	"    usage: \"[NAME]\"\n"
	"    description: greet\n"
	"    max_args: 1\n"
	"  - name: bye-now\n"
	"    description: part\n"
	"    min_args: 2\n";

static void
test_parse_good(void **state)
{
	struct plugin p;
	struct paks_error *err = NULL;

	(void)state;
	assert_int_equal(plugin_parse(good, strlen(good), "m.yml", &p, &err),
	    0);
	assert_null(err);
	assert_string_equal(p.name, "hello");
	assert_string_equal(p.version, "1.2.3");
	assert_string_equal(p.description, "says hello");
	assert_string_equal(p.exec, "bin/hello.sh");
	assert_int_equal(p.ncmds, 2);
	assert_string_equal(p.cmds[0].name, "hello");
	assert_string_equal(p.cmds[0].usage, "[NAME]");
	assert_string_equal(p.cmds[0].description, "greet");
	assert_int_equal(p.cmds[0].min_args, 0);
	assert_int_equal(p.cmds[0].max_args, 1);
	assert_ptr_equal(p.cmds[0].plugin, &p);
	assert_string_equal(p.cmds[1].name, "bye-now");
	assert_string_equal(p.cmds[1].usage, "");
	assert_int_equal(p.cmds[1].min_args, 2);
	assert_int_equal(p.cmds[1].max_args, -1);
	assert_null(p.dir);
	plugin_release(&p);
}

/* exec defaults to the plugin's name; description is optional */
static void
test_parse_minimal(void **state)
{
	static const char m[] = "name: x1\nversion: '2'\ncommands:\n"
	    "  - {name: xx, description: d}\n";
	struct plugin p;
	struct paks_error *err = NULL;

	(void)state;
	assert_int_equal(plugin_parse(m, strlen(m), "m", &p, &err), 0);
	assert_string_equal(p.exec, "x1");
	assert_null(p.description);
	assert_string_equal(p.version, "2");
	plugin_release(&p);
}

/* Parsing text must fail with a message containing want. */
static void
bad(const char *text, const char *want)
{
	struct plugin p;
	struct paks_error *err = NULL;

	if (plugin_parse(text, strlen(text), "f.yml", &p, &err) == 0)
		fail_msg("accepted: %s", text);
	assert_non_null(err);
	if (strstr(err->msg, want) == NULL)
		fail_msg("message '%s' lacks '%s'", err->msg, want);
	assert_null(p.name);
	assert_null(p.cmds);
	paks_error_free(err);
}

#define CMDS "commands:\n  - name: c\n    description: d\n"

static void
test_parse_bad(void **state)
{
	(void)state;
	bad("", "f.yml:1: a manifest is a mapping");
	bad("- a\n- b\n", "a manifest is a mapping");
	bad("name: [x\n", "f.yml:");
	bad("version: 1\n" CMDS, "no 'name'");
	bad("name: ../x\nversion: 1\n" CMDS, "invalid plugin name '../x'");
	bad("name: Hello\nversion: 1\n" CMDS, "invalid plugin name 'Hello'");
	bad("name: 1x\nversion: 1\n" CMDS, "invalid plugin name");
	bad("name: x\n" CMDS, "'version' is missing");
	bad("name: x\nversion: 1 2\n" CMDS, "'version' is missing or not");
	bad("name: x\nversion: 1\n", "no 'commands'");
	bad("name: x\nversion: 1\ncommands: nope\n",
	    "f.yml:3: 'commands' must be a list");
	bad("name: x\nversion: 1\ncommands: []\n", "must list 1 to");
	bad("name: x\nversion: 1\nexec: /bin/sh\n" CMDS, "'exec' must be a "
	    "path inside");
	bad("name: x\nversion: 1\nexec: a/../../b\n" CMDS, "'exec' must be");
	bad("name: x\nversion: 1\nexec: ..\n" CMDS, "'exec' must be");
	bad("name: x\nversion: 1\ncolour: red\n" CMDS, "unknown key 'colour'");
	bad("name: [a, b]\nversion: 1\n" CMDS, "'name' must be a single value");
	bad("name: x\nversion: 1\ncommands:\n  - name: c\n", "command 'c' "
	    "has no 'description'");
	bad("name: x\nversion: 1\ncommands:\n  - description: d\n", "a "
	    "command has no 'name'");
	bad("name: x\nversion: 1\ncommands:\n  - name: '#c'\n"
	    "    description: d\n", "invalid command name '#c'");
	bad("name: x\nversion: 1\ncommands:\n  - name: c\n    description: d\n"
	    "  - name: c\n    description: e\n", "f.yml:6: command 'c' is "
	    "listed twice");
	bad("name: x\nversion: 1\ncommands:\n  - name: c\n    description: d\n"
	    "    min_args: 3\n    max_args: 1\n", "do not make a range");
	bad("name: x\nversion: 1\ncommands:\n  - name: c\n    description: d\n"
	    "    max_args: lots\n", "must be a number");
	bad("name: x\nversion: 1\ncommands:\n  - name: c\n    description: d\n"
	    "    usage: \"a\\nb\"\n", "'usage' must be one line");
	bad("name: x\nversion: 1\ncommands:\n  - name: c\n    description: d\n"
	    "    flavour: 1\n", "unknown key 'flavour' in a command");
	bad("name: x\nversion: 1\ncommands:\n  - c\n", "a command must be a "
	    "mapping");
}

static void
test_parse_long_text(void **state)
{
	char *m, *longdesc = xmalloc(PLUGIN_TEXT_MAX + 2);

	(void)state;
	memset(longdesc, 'a', PLUGIN_TEXT_MAX + 1);
	longdesc[PLUGIN_TEXT_MAX + 1] = '\0';
	m = xasprintf("name: x\nversion: 1\ncommands:\n  - name: c\n"
	    "    description: %s\n", longdesc);
	bad(m, "'description' is longer than");
	free(m);
	free(longdesc);
}

static void
test_names(void **state)
{
	struct paks_error *err = NULL;

	(void)state;
	assert_true(plugin_name_valid("sbom"));
	assert_true(plugin_name_valid("a-b_c9"));
	assert_false(plugin_name_valid(""));
	assert_false(plugin_name_valid("../x"));
	assert_false(plugin_name_valid("x/y"));
	assert_false(plugin_name_valid(".x"));
	assert_false(plugin_name_valid("-x"));
	assert_false(plugin_name_valid("X"));
	assert_false(plugin_name_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	assert_int_equal(plugin_check_name("../x", &err), -1);
	assert_string_equal(err->msg, "invalid plugin name '../x'");
	assert_non_null(err->hint);
	paks_error_release(&err);
	/* a name with control bytes is not echoed */
	assert_int_equal(plugin_check_name("a\033[2J", &err), -1);
	assert_string_equal(err->msg, "invalid plugin name");
	paks_error_release(&err);
	/* nor one with a C1 control in UTF-8 (U+009B, a CSI) */
	assert_int_equal(plugin_check_name("a\302\2332J", &err), -1);
	assert_string_equal(err->msg, "invalid plugin name");
	paks_error_release(&err);
}

/* ---- fd 3 ---- */

static void
test_exports_good(void **state)
{
	static const char rec[] = "A=1\0B=line1\nline2 $(id) 'q' \"d\" \\\0"
	    "EMPTY=\0A=again\0EQ=x=y=z\0";
	struct env env = ENV_INIT;
	struct paks_error *err = NULL;

	(void)state;
	assert_int_equal(plugin_decode_exports(rec, sizeof rec - 1, &env,
	    &err), 0);
	assert_null(err);
	assert_int_equal(env.n, 4);
	assert_string_equal(env_get(&env, "A"), "again");
	assert_string_equal(env_get(&env, "B"),
	    "line1\nline2 $(id) 'q' \"d\" \\");
	assert_string_equal(env_get(&env, "EMPTY"), "");
	assert_string_equal(env_get(&env, "EQ"), "x=y=z");
	env_release(&env);

	/* nothing written: nothing to export */
	assert_int_equal(plugin_decode_exports("", 0, &env, &err), 0);
	assert_int_equal(env.n, 0);
	env_release(&env);
}

/* All or nothing: decoding fails with want in the message, env empty. */
static void
bad_exports(const char *buf, size_t len, const char *want)
{
	struct env env = ENV_INIT;
	struct paks_error *err = NULL;

	assert_int_equal(plugin_decode_exports(buf, len, &env, &err), -1);
	assert_non_null(err);
	if (strstr(err->msg, want) == NULL)
		fail_msg("message '%s' lacks '%s'", err->msg, want);
	assert_int_equal(env.n, 0);
	paks_error_free(err);
	env_release(&env);
}

#define BAD(lit, want) bad_exports(lit, sizeof lit - 1, want)

static void
test_exports_bad(void **state)
{
	char *many;
	size_t len = 0;

	(void)state;
	BAD("A=1", "export record 1 is not ended by a NUL byte");
	BAD("A=1\0B=2", "export record 2 is not ended by a NUL");
	BAD("A=1\0novalue\0", "export record 2 is not KEY=VALUE");
	BAD("\0", "export record 1 is not KEY=VALUE");
	BAD("=x\0", "export record 1: invalid variable name");
	BAD("1A=x\0", "invalid variable name '1A'");
	BAD("A B=x\0", "invalid variable name 'A B'");
	BAD("A\nB=x\0", "export record 1: invalid variable name");
	BAD("OK=1\0__paks_n=0\0", "'__paks_n' belongs to paks");
	BAD("__paks_cmds=x\0", "belongs to paks");

	many = xmalloc((PLUGIN_EXPORTS_MAX + 1) * 8);
	for (int i = 0; i <= PLUGIN_EXPORTS_MAX; i++) {
		memcpy(many + len, "K=v", 4);	/* with its NUL */
		len += 4;
	}
	bad_exports(many, len, "more than");
	free(many);
}

/* ---- on disk ---- */

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static char *
make_plugin(const char *name, const char *manifest, mode_t exe_mode)
{
	char *dir = xasprintf("%s/plugins/%s", home, name), *path;

	path = xasprintf("%s/plugins", home);
	mkdir(path, 0700);
	free(path);
	assert_int_equal(mkdir(dir, 0755), 0);
	path = xasprintf("%s/plugin.yml", dir);
	write_file(path, manifest, 0644);
	free(path);
	path = xasprintf("%s/run", dir);
	write_file(path, "#!/bin/sh\n", exe_mode);
	free(path);
	return dir;
}

static void
test_find(void **state)
{
	struct plugin p;
	struct paks_error *err = NULL;
	char *dir;

	(void)state;
	dir = make_plugin("alpha", "name: alpha\nversion: 1\nexec: run\n"
	    "commands:\n  - {name: al, description: d}\n", 0755);
	assert_int_equal(plugin_find("alpha", &p, &err), 0);
	assert_string_equal(p.dir, dir);
	assert_int_equal(p.source, PLUGIN_USER);
	plugin_release(&p);
	free(dir);

	assert_int_equal(plugin_find("nosuch", &p, &err), -1);
	assert_string_equal(err->msg, "no plugin 'nosuch'");
	paks_error_release(&err);
	assert_int_equal(plugin_find("../alpha", &p, &err), -1);
	assert_string_equal(err->msg, "invalid plugin name '../alpha'");
	paks_error_release(&err);

	/* the directory's name and the manifest's must agree */
	free(make_plugin("beta", "name: gamma\nversion: 1\nexec: run\n"
	    "commands:\n  - {name: be, description: d}\n", 0755));
	assert_int_equal(plugin_find("beta", &p, &err), -1);
	assert_non_null(strstr(err->msg, "names plugin 'gamma', not 'beta'"));
	paks_error_release(&err);

	/* the executable must be executable */
	free(make_plugin("delta", "name: delta\nversion: 1\nexec: run\n"
	    "commands:\n  - {name: de, description: d}\n", 0644));
	assert_int_equal(plugin_find("delta", &p, &err), -1);
	assert_non_null(strstr(err->msg, "is not executable"));
	paks_error_release(&err);

	/* and be there */
	free(make_plugin("eps", "name: eps\nversion: 1\nexec: gone\n"
	    "commands:\n  - {name: ep, description: d}\n", 0755));
	assert_int_equal(plugin_find("eps", &p, &err), -1);
	assert_non_null(strstr(err->msg, "cannot find its executable"));
	paks_error_release(&err);
}

static void
test_scan(void **state)
{
	struct plugin_found *v;
	size_t n, good = 0, broken = 0;

	(void)state;
	plugin_scan(&v, &n);
	for (size_t i = 0; i < n; i++) {
		if (v[i].error == NULL)
			good++;
		else
			broken++;
		assert_int_equal(v[i].source, PLUGIN_USER);
		if (i > 0)
			assert_true(strcmp(v[i - 1].name, v[i].name) < 0);
	}
	/* alpha loads; beta, delta and eps (test_find) do not */
	assert_int_equal(good, 1);
	assert_int_equal(broken, 3);
	plugin_scan_free(v, n);
}

/* ---- the registry ---- */

static int
builtin_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	(void)ctx, (void)argc, (void)argv, (void)err;
	return 0;
}

static const struct cmd_entry b_save = { .name = "save", .summary = "s",
	.exec = builtin_exec };
static const struct cmd_entry b_help = { .name = "help", .alias = "h",
	.summary = "h", .exec = builtin_exec };
static const struct cmd_entry *const builtins[] = { &b_save, &b_help, NULL };

static struct plugin *
parsed(const char *name, const char *cmd1, const char *cmd2)
{
	struct plugin *p = xcalloc(1, sizeof *p);
	struct paks_error *err = NULL;
	char *m = xasprintf("name: %s\nversion: 1.0\ncommands:\n"
	    "  - {name: %s, description: first, usage: A, min_args: 1}\n"
	    "%s%s%s", name, cmd1, cmd2 ? "  - {name: " : "", cmd2 ? cmd2 : "",
	    cmd2 ? ", description: second}\n" : "");

	if (plugin_parse(m, strlen(m), "m", p, &err) < 0)
		fail_msg("%s", err->msg);
	p->dir = xasprintf("/plugins/%s", name);
	free(m);
	return p;
}

static void
test_registry(void **state)
{
	struct plugin_registry r = PLUGIN_REGISTRY_INIT;
	struct paks_error *err = NULL;
	struct cmd_ctx ctx = { .prefix = "#" };
	struct plugin *a = parsed("pa", "one", "two"), *p;
	const struct cmd_entry *const *e;

	(void)state;
	assert_null(plugin_registry_entries(&r));
	assert_int_equal(plugin_registry_add(&r, builtins, a, &err), 0);
	e = plugin_registry_entries(&r);
	assert_string_equal(e[0]->name, "one");
	assert_string_equal(e[0]->usage, "A");
	assert_string_equal(e[0]->summary, "first");
	assert_int_equal(e[0]->min_args, 1);
	assert_int_equal(e[0]->max_args, -1);
	assert_non_null(strstr(e[0]->help, "plugin 'pa' 1.0"));
	assert_ptr_equal(((const struct plugin_cmd *)e[0]->data)->plugin, a);
	assert_string_equal(e[1]->name, "two");
	assert_null(e[2]);
	assert_ptr_equal(plugin_registry_get(&r, "pa"), a);
	assert_null(plugin_registry_get(&r, "pb"));

	/* lookup: built-ins first, then plugins */
	ctx.plugins = e;
	assert_ptr_equal(cmd_lookup(&ctx, builtins, "save"), &b_save);
	assert_ptr_equal(cmd_lookup(&ctx, builtins, "two"), e[1]);
	assert_null(cmd_lookup(&ctx, builtins, "three"));
	ctx.plugins = NULL;
	assert_null(cmd_lookup(&ctx, builtins, "two"));

	/* a built-in's name (or alias) is refused, as a whole */
	p = parsed("pb", "three", "save");
	assert_int_equal(plugin_registry_add(&r, builtins, p, &err), -1);
	assert_string_equal(err->msg, "plugin 'pb' cannot add '#save': it is "
	    "a built-in command");
	paks_error_release(&err);
	plugin_free(p);
	p = parsed("pb", "h", NULL);
	assert_int_equal(plugin_registry_add(&r, builtins, p, &err), -1);
	paks_error_release(&err);
	plugin_free(p);

	/* two plugins may not add the same command */
	p = parsed("pc", "four", "two");
	assert_int_equal(plugin_registry_add(&r, builtins, p, &err), -1);
	assert_string_equal(err->msg, "plugins 'pa' and 'pc' both add '#two'");
	paks_error_release(&err);
	plugin_free(p);
	assert_null(plugin_registry_entries(&r)[2]);
	assert_null(plugin_registry_get(&r, "pc"));

	/* the same plugin twice */
	p = parsed("pa", "five", NULL);
	assert_int_equal(plugin_registry_add(&r, builtins, p, &err), -1);
	assert_string_equal(err->msg, "plugin 'pa' is already loaded");
	paks_error_release(&err);
	plugin_free(p);

	/* a second plugin that fits */
	p = parsed("pd", "six", NULL);
	assert_int_equal(plugin_registry_add(&r, builtins, p, &err), 0);
	e = plugin_registry_entries(&r);
	assert_string_equal(e[2]->name, "six");
	assert_null(e[3]);

	plugin_registry_release(&r);
	assert_null(plugin_registry_entries(&r));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_minimal),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_long_text),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_exports_good),
		cmocka_unit_test(test_exports_bad),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_registry),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
