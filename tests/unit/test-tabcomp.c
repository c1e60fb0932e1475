/* Unit tests for the lists Tab completes #commands from
 * (src/session/tabcomp.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "cmd.h"
#include "engine/engine.h"
#include "session/tabcomp.h"
#include "tmpdir.h"
#include "util/strbuf.h"

static char home[] = "/tmp/paks-test-tabcomp.XXXXXX";

static void
touch(const char *name)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/envs/%s", home, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("K=SECRETVALUE\n", f);
	fclose(f);
	chmod(path, 0600);
}

static int
setup(void **state)
{
	char dir[256];

	(void)state;
	if (mkdtemp(home) == NULL)
		return -1;
	snprintf(dir, sizeof dir, "%s/envs", home);
	mkdir(dir, 0700);
	setenv("PAKS_HOME", home, 1);
	touch("proj");
	touch("b-2.x");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(home);
}

static const struct cmd_entry envsave = { .name = "envsave",
	.usage = "NAME KEY=VALUE..." };
static const struct cmd_entry load = { .name = "load", .usage = "[NAME...]" };
static const struct cmd_entry cp = { .name = "cp", .usage = "SRC DST" };
static const struct cmd_entry save = { .name = "save",
	.usage = "[--allow-secrets] [SUFFIX]" };
static const struct cmd_entry bad = { .name = "x';id;'", .usage = "" };
static const struct cmd_entry sbom = { .name = "sbom",
	.usage = "[format=spdx|cyclonedx] [host:PATH]" };

/* The kinds of each command's words, names, plugins, sections. */
static void
test_data(void **state)
{
	const struct cmd_entry *const cmds[] = { &envsave, &load, &cp, &save,
		&bad, NULL };
	const struct cmd_entry *const extra[] = { &sbom, NULL };
	char *plugins[] = { "sbom", "ev il", "x'y", NULL };
	struct tabcomp_src src = { .cmds = cmds, .extra = extra,
		.engine = engine_find("docker"), .plugins = plugins };
	struct strbuf sb = STRBUF_INIT;
	const char *s;

	(void)state;
	tabcomp_data(&sb, &src, true);
	s = strbuf_str(&sb);
	assert_non_null(strstr(s, "__paks_cmds+=' envsave load cp save sbom'\n"));
	assert_non_null(strstr(s, "__paks_kinds+=' envsave=env,none... "
	    "load=plugin... cp=file,file save=none sbom=none,none'\n"));
	assert_non_null(strstr(s, "__paks_envs+=' b-2.x proj'\n"));
	assert_non_null(strstr(s, "__paks_plugins+=' sbom'\n"));
	assert_non_null(strstr(s, "__paks_sections+=' id created"));
	assert_non_null(strstr(s, " config.env "));
	/* names only: no value, nothing that is not a plain word */
	assert_null(strstr(s, "SECRETVALUE"));
	assert_null(strstr(s, "id;"));
	assert_null(strstr(s, "ev il"));
	assert_null(strstr(s, "x'y"));
	/* the last line tells bash of the commands */
	assert_int_equal(strcmp(s + sb.len - strlen("__paks_tabs\n"),
	    "__paks_tabs\n"), 0);
	/* every line is short enough for a terminal */
	for (const char *p = s, *nl; (nl = strchr(p, '\n')) != NULL;
	     p = nl + 1)
		assert_true(nl - p < 260);
	strbuf_release(&sb);
}

/* Without a call at start-up, when the hooks are not defined yet. */
static void
test_no_call(void **state)
{
	struct tabcomp_src src = { .cmds = NULL };
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	tabcomp_data(&sb, &src, false);
	assert_null(strstr(strbuf_str(&sb), "__paks_tabs"));
	assert_non_null(strstr(strbuf_str(&sb), "__paks_cmds=''\n"));
	strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data),
		cmocka_unit_test(test_no_call),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
