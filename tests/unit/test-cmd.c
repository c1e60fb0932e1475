/*
 * Unit tests for the option parser and the dispatcher (src/cmd-opt.c,
 * src/cmd.c): every spelling of an option, the errors and what they never
 * show, --help wherever it stands, "did you mean", and, over the real
 * tables, that every declared option is in its command's --help.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cmd.h"
#include "store/settings.h"
#include "tmpdir.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static char home[] = "/tmp/paks-test-cmd-XXXXXX";

static const struct cmd_option test_options[] = {
	{ .name = "engine", .letter = 'c', .arg = "E", .help = "engine",
	  .aliases = CMD_NAMES("container-tech") },
	{ .name = "force", .letter = 'f', .help = "replace" },
	{ .name = "keep", .letter = 'k', .help = "keep it" },
	{ .name = "set", .letter = 's', .arg = "KEY=VALUE",
	  .flags = CMD_OPT_REPEAT | CMD_OPT_SETTING, .help = "override" },
	{ .name = "srun", .arg = "OPTIONS", .flags = CMD_OPT_VALUE_OPTIONAL,
	  .help = "on a node" },
	{ .name = "tls-verify", .arg = "true|false",
	  .flags = CMD_OPT_VALUE_OPTIONAL, .help = "check certificates",
	  .choices = CMD_NAMES("true", "false") },
	{ .name = NULL },
};

/* Parse v (NULL-terminated) against test_options; rc is returned. */
static int
parse(char **v, enum cmd_flags flags, struct cmd_args *args,
    struct paks_error **err)
{
	int argc = 0;

	while (v[argc] != NULL)
		argc++;
	return cmd_parse(test_options, flags, "t", argc, v, args, err);
}

/* The error message of parsing v, which must fail; freed by the caller. */
static char *
parse_error(char **v)
{
	struct cmd_args args = CMD_ARGS_INIT;
	struct paks_error *err = NULL;
	char *msg;

	assert_int_equal(parse(v, 0, &args, &err), CMD_USAGE_ERROR);
	assert_non_null(err);
	assert_null(strchr(err->msg, '\n'));
	msg = strdup(err->msg);
	paks_error_free(err);
	cmd_args_release(&args);
	return msg;
}

static void
test_spellings(void **state)
{
	char *forms[][4] = {
		{ "t", "--engine", "podman", NULL },
		{ "t", "--engine=podman", NULL },
		{ "t", "-c", "podman", NULL },
		{ "t", "-cpodman", NULL },
		{ "t", "--container-tech", "podman", NULL },
		{ "t", "--container-tech=podman", NULL },
		{ "t", "-c", "docker", "-cpodman" },	/* the last one wins */
	};

	(void)state;
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		struct cmd_args args = CMD_ARGS_INIT;
		struct paks_error *err = NULL;
		char *v[5] = { 0 };

		memcpy(v, forms[i], sizeof forms[i]);
		assert_int_equal(parse(v, 0, &args, &err), 0);
		assert_string_equal(cmd_opt_get(&args, "engine"), "podman");
		assert_true(cmd_opt_has(&args, "engine"));
		assert_false(cmd_opt_has(&args, "force"));
		assert_int_equal(args.argc, 1);
		assert_string_equal(args.argv[0], "t");
		assert_false(args.help);
		cmd_args_release(&args);
	}
}

static void
test_clusters_and_words(void **state)
{
	char *v[] = { "t", "w1", "-fkcpodman", "w2", "-", "--", "-f",
		"--help", NULL };
	struct cmd_args args = CMD_ARGS_INIT;
	struct paks_error *err = NULL;

	(void)state;
	assert_int_equal(parse(v, 0, &args, &err), 0);
	assert_true(cmd_opt_has(&args, "force"));
	assert_true(cmd_opt_has(&args, "keep"));
	assert_string_equal(cmd_opt_get(&args, "engine"), "podman");
	assert_false(args.help);	/* after "--": a word */
	assert_int_equal(args.argc, 6);
	assert_string_equal(args.argv[1], "w1");
	assert_string_equal(args.argv[2], "w2");
	assert_string_equal(args.argv[3], "-");
	assert_string_equal(args.argv[4], "-f");
	assert_string_equal(args.argv[5], "--help");
	assert_null(args.argv[6]);
	assert_int_equal(args.pos[1], 1);
	assert_int_equal(args.pos[2], 3);
	assert_int_equal(args.pos[4], 6);
	cmd_args_release(&args);
}

static void
test_values(void **state)
{
	/* a value is taken as it is, even one that looks like an option */
	char *v[] = { "t", "-c", "--help", "-s", "a=1", "--set", "b=2",
		"-sc=3", "--set=d=4", "--srun", "img", NULL };
	char *w[] = { "t", "--srun=-p debug", "--tls-verify=false", NULL };
	char *x[] = { "t", "--tls-verify", "--srun", NULL };
	struct cmd_args args = CMD_ARGS_INIT;
	struct paks_error *err = NULL;
	struct strv sets = STRV_INIT;

	(void)state;
	assert_int_equal(parse(v, 0, &args, &err), 0);
	assert_false(args.help);
	assert_string_equal(cmd_opt_get(&args, "engine"), "--help");
	cmd_opt_values(&args, "set", &sets);
	assert_int_equal(sets.n, 4);
	assert_string_equal(sets.v[0], "a=1");
	assert_string_equal(sets.v[1], "b=2");
	assert_string_equal(sets.v[2], "c=3");
	assert_string_equal(sets.v[3], "d=4");
	/* an optional value only after '=': "img" is a word */
	assert_true(cmd_opt_has(&args, "srun"));
	assert_null(cmd_opt_get(&args, "srun"));
	assert_int_equal(args.argc, 2);
	assert_string_equal(args.argv[1], "img");
	cmd_args_release(&args);
	strv_release(&sets);

	assert_int_equal(parse(w, 0, &args, &err), 0);
	assert_string_equal(cmd_opt_get(&args, "srun"), "-p debug");
	assert_string_equal(cmd_opt_get(&args, "tls-verify"), "false");
	cmd_args_release(&args);
	assert_int_equal(parse(x, 0, &args, &err), 0);
	assert_true(cmd_opt_has(&args, "tls-verify"));
	assert_null(cmd_opt_get(&args, "tls-verify"));
	cmd_args_release(&args);
}

static void
test_options_first(void **state)
{
	char *v[] = { "t", "-f", "img", "-k", "--help", "--", NULL };
	char *w[] = { "t", "--", "-k", "-f", NULL };
	struct cmd_args args = CMD_ARGS_INIT;
	struct paks_error *err = NULL;

	(void)state;
	assert_int_equal(parse(v, CMD_OPTIONS_FIRST, &args, &err), 0);
	assert_true(cmd_opt_has(&args, "force"));
	assert_false(cmd_opt_has(&args, "keep"));
	assert_false(args.help);
	assert_int_equal(args.argc, 5);
	assert_string_equal(args.argv[1], "img");
	assert_string_equal(args.argv[2], "-k");
	assert_string_equal(args.argv[3], "--help");
	assert_string_equal(args.argv[4], "--");
	cmd_args_release(&args);
	assert_int_equal(parse(w, CMD_OPTIONS_FIRST, &args, &err), 0);
	assert_false(cmd_opt_has(&args, "force"));
	assert_int_equal(args.argc, 3);
	cmd_args_release(&args);
}

static void
test_help_anywhere(void **state)
{
	char *forms[][5] = {
		{ "t", "--help", NULL },
		{ "t", "-h", NULL },
		{ "t", "-c", "docker", "--help", NULL },
		{ "t", "w1", "--help", "w2", NULL },
		{ "t", "-fh", NULL },
		{ "t", "--help=x", NULL },
		/* help wins over an error before or after it */
		{ "t", "--bogus", "--help", NULL },
		{ "t", "-h", "--tls-verify=maybe", NULL },
		{ "t", "--help", "-c", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		struct cmd_args args = CMD_ARGS_INIT;
		struct paks_error *err = NULL;

		assert_int_equal(parse(forms[i], 0, &args, &err), 0);
		assert_null(err);
		assert_true(args.help);
		cmd_args_release(&args);
	}
}

static void
test_errors(void **state)
{
	char *unknown[] = { "t", "--bogus", NULL };
	char *near[] = { "t", "--forse", NULL };
	char *alias[] = { "t", "--contaner-tech=s3cr3t", NULL };
	char *prefix[] = { "t", "--eng", "x", NULL };
	char *helpish[] = { "t", "--hlep", NULL };
	char *letter[] = { "t", "-x", NULL };
	char *value1[] = { "t", "w", "-xS3CRET", NULL };
	char *value2[] = { "t", "--S3CRET-Value", NULL };
	char *value3[] = { "t", "-fS3CRET", NULL };
	char *missing1[] = { "t", "-c", NULL };
	char *missing2[] = { "t", "--engine", NULL };
	char *flagval[] = { "t", "--force=s3cr3t", NULL };
	char *choice[] = { "t", "--tls-verify=s3cr3t", NULL };
	char *first[] = { "t", "--bogus", "--forse", NULL };
	char *m;

	(void)state;
	m = parse_error(unknown);
	assert_string_equal(m, "t: unknown option '--bogus'");
	free(m);
	m = parse_error(near);
	assert_string_equal(m, "t: unknown option '--forse'; did you mean "
	    "'--force'?");
	free(m);
	m = parse_error(alias);
	assert_string_equal(m, "t: unknown option '--contaner-tech'; did you "
	    "mean '--container-tech'?");
	free(m);
	m = parse_error(prefix);
	assert_string_equal(m, "t: unknown option '--eng'; did you mean "
	    "'--engine'?");
	free(m);
	m = parse_error(helpish);
	assert_non_null(strstr(m, "did you mean '--help'?"));
	free(m);
	m = parse_error(letter);
	assert_string_equal(m, "t: unknown option '-x'");
	free(m);
	m = parse_error(value1);
	assert_string_equal(m, "t: argument 2 is an unknown option (values "
	    "are never shown)");
	free(m);
	m = parse_error(value2);
	assert_string_equal(m, "t: argument 1 is an unknown option (values "
	    "are never shown)");
	free(m);
	m = parse_error(value3);
	assert_null(strstr(m, "S3CRET"));
	free(m);
	m = parse_error(missing1);
	assert_string_equal(m, "t: option '-c' needs a value");
	free(m);
	m = parse_error(missing2);
	assert_string_equal(m, "t: option '--engine' needs a value");
	free(m);
	m = parse_error(flagval);
	assert_string_equal(m, "t: option '--force' takes no value");
	free(m);
	m = parse_error(choice);
	assert_string_equal(m, "t: option '--tls-verify' takes true or false");
	free(m);
	m = parse_error(first);
	assert_string_equal(m, "t: unknown option '--bogus'");
	free(m);
}

static void
test_no_who(void **state)
{
	char *v[] = { "paks", "--bogus", NULL };
	struct cmd_args args = CMD_ARGS_INIT;
	struct paks_error *err = NULL;

	(void)state;
	assert_int_equal(cmd_parse(NULL, 0, "", 2, v, &args, &err),
	    CMD_USAGE_ERROR);
	assert_string_equal(err->msg, "unknown option '--bogus'");
	paks_error_free(err);
	cmd_args_release(&args);
}

/* ---- the dispatcher, over a table of its own */

static int test_seen_argc;
static char *test_seen_argv[8];
static bool test_seen_force;

static int
test_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	(void)err;
	test_seen_argc = argc;
	for (int i = 0; i < argc && i < 8; i++)
		test_seen_argv[i] = argv[i];
	test_seen_force = ctx->entry->options != NULL &&
	    cmd_opt_has(ctx->args, "force");
	return 7;
}

static const struct cmd_entry test_entry = {
	.name = "t", .usage = "NAME", .summary = "a test",
	.options = test_options, .min_args = 1, .max_args = 1,
	.exec = test_exec,
};

static const struct cmd_entry test_bare_entry = {
	.name = "bare", .usage = "[WORD...]", .summary = "no options",
	.min_args = 0, .max_args = -1, .exec = test_exec,
};

static const struct cmd_entry *const test_table[] = {
	&test_entry, &test_bare_entry, NULL,
};

/* Run argv through cmd_dispatch; what it writes is returned in *out. */
static int
dispatch(const char *prefix, char **argv, char **out,
    struct paks_error **err)
{
	struct cmd_ctx ctx = { .prefix = prefix };
	int argc = 0, rc, fd[2];
	char buf[8192];
	ssize_t n;

	while (argv[argc] != NULL)
		argc++;
	assert_int_equal(pipe(fd), 0);
	ctx.out = fd[1];
	test_seen_argc = -1;
	rc = cmd_dispatch(&ctx, test_table, argc, argv, err);
	close(fd[1]);
	n = read(fd[0], buf, sizeof buf - 1);
	close(fd[0]);
	buf[n > 0 ? n : 0] = '\0';
	*out = strdup(buf);
	cmd_ctx_release(&ctx);
	return rc;
}

static void
test_dispatch(void **state)
{
	char *ok[] = { "t", "-f", "name", NULL };
	char *help[] = { "t", "-c", "docker", "--help", NULL };
	char *many[] = { "t", "a", "b", NULL };
	char *bad[] = { "t", "--forse", "a", NULL };
	char *bare[] = { "bare", "-x", "--y", NULL };
	struct paks_error *err = NULL;
	char *out;

	(void)state;
	assert_int_equal(dispatch("paks ", ok, &out, &err), 7);
	assert_int_equal(test_seen_argc, 2);
	assert_string_equal(test_seen_argv[0], "t");
	assert_string_equal(test_seen_argv[1], "name");
	assert_true(test_seen_force);
	free(out);

	assert_int_equal(dispatch("paks ", help, &out, &err), 0);
	assert_int_equal(test_seen_argc, -1);
	assert_non_null(strstr(out, "usage: paks t [OPTIONS] NAME\n"));
	assert_non_null(strstr(out, "  -c, --engine E "));
	assert_non_null(strstr(out, "(also --container-tech)"));
	assert_non_null(strstr(out, "      --srun[=OPTIONS] "));
	assert_non_null(strstr(out, "override (repeatable)\n"));
	free(out);

	assert_int_equal(dispatch("paks ", many, &out, &err), CMD_USAGE_ERROR);
	assert_string_equal(err->msg, "t: too many arguments");
	assert_string_equal(err->hint, "usage: paks t [OPTIONS] NAME");
	paks_error_release(&err);
	free(out);

	assert_int_equal(dispatch("paks ", bad, &out, &err), CMD_USAGE_ERROR);
	assert_string_equal(err->msg, "t: unknown option '--forse'; did you "
	    "mean '--force'?");
	assert_string_equal(err->hint, "see 'paks t --help'");
	paks_error_release(&err);
	free(out);

	/* a host command without options still has none: -x is unknown */
	assert_int_equal(dispatch("paks ", bare, &out, &err),
	    CMD_USAGE_ERROR);
	paks_error_release(&err);
	free(out);
	/* a #command without options gets its words as typed */
	assert_int_equal(dispatch("#", bare, &out, &err), 7);
	assert_int_equal(test_seen_argc, 3);
	assert_string_equal(test_seen_argv[1], "-x");
	assert_string_equal(test_seen_argv[2], "--y");
	free(out);
}

/* The settings load once, with the command's CMD_OPT_SETTING values. */
static void
test_settings(void **state)
{
	char *over[] = { "user=alice", NULL };
	char *v[] = { "t", "-s", "container_tech=podman", "w", NULL };
	struct cmd_args args = CMD_ARGS_INIT;
	struct cmd_ctx ctx = { .prefix = "paks ", .overrides = over };
	struct paks_error *err = NULL;
	struct settings *s;

	(void)state;
	assert_int_equal(parse(v, 0, &args, &err), 0);
	ctx.args = &args;
	s = cmd_settings(&ctx, &err);
	assert_non_null(s);
	assert_string_equal(settings_get(s, "user"), "alice");
	assert_string_equal(settings_get(s, "container_tech"), "podman");
	assert_ptr_equal(cmd_settings(&ctx, &err), s);
	cmd_ctx_release(&ctx);
	assert_null(ctx.settings);
	cmd_args_release(&args);
}

/* ---- the real tables */

/* Every declared option (name, letter, alias) is in e's --help. */
static void
check_entry(const char *prefix, const struct cmd_entry *e)
{
	struct cmd_ctx ctx = { .prefix = prefix };
	char buf[16384];
	int fd[2];
	ssize_t n;

	assert_non_null(e->summary);
	assert_int_equal(pipe(fd), 0);
	ctx.out = fd[1];
	cmd_usage(&ctx, e, true);
	close(fd[1]);
	n = read(fd[0], buf, sizeof buf - 1);
	close(fd[0]);
	assert_true(n > 0);
	buf[n] = '\0';
	for (const struct cmd_option *o = e->options; o && o->name; o++) {
		char want[64];

		assert_non_null(o->help);
		/* --help and -h are the dispatcher's */
		assert_int_not_equal(o->letter, 'h');
		assert_string_not_equal(o->name, "help");
		snprintf(want, sizeof want, "--%s", o->name);
		if (strstr(buf, want) == NULL)
			fail_msg("%s%s: '%s' is not in its --help", prefix,
			    e->name, want);
		snprintf(want, sizeof want, "-%c, --%s", o->letter, o->name);
		if (o->letter != 0 && strstr(buf, want) == NULL)
			fail_msg("%s%s: '%s' is not in its --help", prefix,
			    e->name, want);
		for (const char *const *a = o->aliases; a && *a; a++) {
			snprintf(want, sizeof want, "--%s", *a);
			if (strstr(buf, want) == NULL)
				fail_msg("%s%s: alias '%s' is not in its "
				    "--help", prefix, e->name, want);
		}
		for (const struct cmd_option *p = o + 1; p->name; p++) {
			assert_string_not_equal(o->name, p->name);
			assert_true(o->letter == 0 || o->letter != p->letter);
		}
	}
}

static void
test_tables(void **state)
{
	(void)state;
	check_entry("", &host_main_entry);
	for (const struct cmd_entry *const *e = host_commands; *e; e++) {
		check_entry("paks ", *e);
		for (const struct cmd_entry *const *s = (*e)->sub; s && *s;
		    s++) {
			_cleanup_free_ char *p = xasprintf("paks %s ",
			    (*e)->name);

			check_entry(p, *s);
		}
	}
	for (const struct cmd_entry *const *e = hash_commands; *e; e++)
		check_entry("#", *e);
}

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spellings),
		cmocka_unit_test(test_clusters_and_words),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_options_first),
		cmocka_unit_test(test_help_anywhere),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_no_who),
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_tables),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
