/*
 * Unit tests for the engine vtable (src/engine/): golden argv of a run for
 * docker and charliecloud, selection, and the charliecloud #cp, #save and
 * unsupported operations against an image directory made here, with a
 * fake runner that records the program it was given.
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

#include "engine/engine.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "tmpdir.h"

/* argv as one line, words joined by '|' */
static char *
joined(char *const *v)
{
	struct strbuf sb = STRBUF_INIT;

	for (; v && *v; v++)
		strbuf_addf(&sb, "%s%s", sb.len ? "|" : "", *v);
	return strbuf_detach(&sb);
}

static char *cmd[] = { "-c", "BOOT", NULL };

static void
test_docker_argv(void **state)
{
	char *vols[] = { "/h:/c", NULL }, *envs[] = { "K=V", NULL };
	char *extra[] = { "--network=none", NULL };
	struct run_opts o = { .image = "debian:12", .name = "n",
		.workdir = "/w", .volumes = vols, .envs = envs,
		.extra = extra };
	struct strv argv = STRV_INIT;
	char *s;

	(void)state;
	engine_run_argv(engine_find("docker"), &o, cmd, &argv);
	s = joined(argv.v);
	assert_string_equal(s, "docker|run|-it|--pull=never|--rm|--name=n|"
	    "--workdir=/w|--volume=/h:/c|--env=K=V|--network=none|"
	    "--entrypoint=/bin/sh|debian:12|-c|BOOT");
	free(s);
	strv_release(&argv);
	o.keep = true;
	engine_run_argv(engine_find("podman"), &o, cmd, &argv);
	s = joined(argv.v);
	assert_string_equal(s, "podman|run|-it|--pull=never|--name=n|"
	    "--log-driver=none|--workdir=/w|--volume=/h:/c|--env=K=V|"
	    "--network=none|--entrypoint=/bin/sh|debian:12|-c|BOOT");
	free(s);
	strv_release(&argv);
}

static void
test_charliecloud_argv(void **state)
{
	char *vols[] = { "/data:/mnt/0", NULL }, *envs[] = { "K=V", NULL };
	char *extra[] = { "--home", NULL };
	char *prep[] = { "--write", "--set-env", NULL };
	struct run_opts o = { .image = "/img/dev", .name = "n",
		.workdir = "/w", .user = "1000", .volumes = vols,
		.envs = envs, .extra = extra, .prepared = prep };
	struct strv argv = STRV_INIT;
	char *s;

	(void)state;
	engine_run_argv(&charliecloud_engine, &o, cmd, &argv);
	s = joined(argv.v);
	/* -e after the image's environment, so it wins */
	assert_string_equal(s, "ch-run|--env-no-expand|--write|--set-env|"
	    "--cd=/w|--uid=1000|--bind=/data:/mnt/0|--set-env=K=V|--home|"
	    "/img/dev|--|/bin/sh|-c|BOOT");
	free(s);
	strv_release(&argv);
}

static void
test_select(void **state)
{
	const struct engine *e = NULL;
	struct paks_error *err = NULL;

	(void)state;
	assert_ptr_equal(engine_for_image("charliecloud", "x"),
	    &charliecloud_engine);
	assert_ptr_equal(engine_for_image("", "/img/dev"),
	    &charliecloud_engine);
	assert_ptr_equal(engine_for_image(NULL, "./dev"), &charliecloud_engine);
	assert_null(engine_for_image("", "debian:12"));
	assert_null(engine_for_image("docker", "/img/dev"));
	assert_null(engine_for_image("podman", "debian"));
	/* paks save, move and load need an image store */
	assert_int_equal(engine_select("charliecloud", &e, &err), -1);
	assert_non_null(strstr(err->msg, "needs docker or podman"));
	paks_error_free(err);
	err = NULL;
	assert_int_equal(engine_supports(&charliecloud_engine, "move", &err),
	    -1);
	assert_string_equal(err->msg, "#move is not supported by "
	    "charliecloud");
	assert_non_null(err->hint);
	paks_error_free(err);
	err = NULL;
	assert_int_equal(engine_supports(&charliecloud_engine, "cp", &err), 0);
	assert_int_equal(engine_supports(engine_find("docker"), "move", &err),
	    0);
	assert_null(err);
}

/* ---- charliecloud operations on an image directory made here */

static char root[256];		/* the test's directory */
static char image[300];		/* root/img: the image */
static char *last;		/* the argv the fake runner got */

static int
fake_run(void *ctx, char *const *argv, const char *progress, char **out,
    struct paks_error **err)
{
	(void)ctx, (void)progress, (void)err;
	free(last);
	last = joined(argv);
	if (out != NULL)
		*out = strdup("4096\t.\n");
	return 0;
}

static int
setup_image(void **state)
{
	char p[400];

	(void)state;
	snprintf(root, sizeof root, "/tmp/paks-test-engine.XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(image, sizeof image, "%s/img", root);
	mkdir(image, 0755);
	snprintf(p, sizeof p, "%s/bin", image);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/root", image);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/root/sub", image);
	mkdir(p, 0755);
	/* links planted in the image: absolute, and climbing out */
	snprintf(p, sizeof p, "%s/root/abs", image);
	assert_int_equal(symlink(root, p), 0);
	snprintf(p, sizeof p, "%s/root/up", image);
	assert_int_equal(symlink("../../..", p), 0);
	snprintf(p, sizeof p, "%s/root/file", image);
	assert_int_equal(symlink("/etc/hostname", p), 0);
	return 0;
}

static int
teardown_image(void **state)
{
	(void)state;
	free(last);
	last = NULL;
	return tmpdir_remove(root);
}

static struct engine_op
op_for(struct run_opts *o, const char *cwd)
{
	*o = (struct run_opts){ .image = image, .name = "n" };
	return (struct engine_op){ .engine = &charliecloud_engine, .run = o,
		.cwd = cwd, .run_fn = fake_run };
}

/* #cp host -> image: the path resolved inside the image, as ch-run sees */
static int
cp_in(const char *ctr, char **got, struct paks_error **err)
{
	struct run_opts o;
	struct engine_op op = op_for(&o, "/root");
	struct engine_cp cp = { .host = "/h/in.txt", .ctr = ctr,
		.what = "host:in.txt" };

	free(last);
	last = NULL;
	int rc = charliecloud_engine.cp(&op, &cp, err);
	*got = last ? strdup(last) : NULL;
	return rc;
}

static void
test_ch_cp_in(void **state)
{
	struct paks_error *err = NULL;
	char want[1024], *got = NULL;

	(void)state;
	/* relative to the shell's directory; into a directory */
	assert_int_equal(cp_in("sub", &got, &err), 0);
	snprintf(want, sizeof want, "cp|-a|--remove-destination|-T|--|"
	    "/h/in.txt|%s/root/sub/in.txt", image);
	assert_string_equal(got, want);
	free(got);
	/* a new name; ".." stays inside */
	assert_int_equal(cp_in("../../../root/new", &got, &err), 0);
	snprintf(want, sizeof want, "cp|-a|--remove-destination|-T|--|"
	    "/h/in.txt|%s/root/new", image);
	assert_string_equal(got, want);
	free(got);
	/* "up" climbs to the image's root, not the host's */
	assert_int_equal(cp_in("up/x", &got, &err), 0);
	snprintf(want, sizeof want, "cp|-a|--remove-destination|-T|--|"
	    "/h/in.txt|%s/x", image);
	assert_string_equal(got, want);
	free(got);
	/* an absolute link to the host resolves inside the image: absent */
	assert_int_equal(cp_in("abs/x", &got, &err), -1);
	assert_null(got);
	assert_string_equal(err->msg, "cannot copy 'abs/x'");
	paks_error_free(err);
	err = NULL;
	/* a link as the target is never written through */
	assert_int_equal(cp_in("file", &got, &err), -1);
	assert_non_null(strstr(err->msg, "symbolic link in the image"));
	paks_error_free(err);
	err = NULL;
	assert_int_equal(cp_in("/proc/1/environ", &got, &err), -1);
	assert_non_null(strstr(err->msg, "is not in the image"));
	paks_error_free(err);
	err = NULL;
	/* /tmp is the host's (ch-run binds it) */
	assert_int_equal(cp_in("/tmp", &got, &err), 0);
	assert_string_equal(got, "cp|-a|--remove-destination|-T|--|"
	    "/h/in.txt|/tmp/in.txt");
	free(got);
}

static void
test_ch_cp_out_and_save_name(void **state)
{
	struct paks_error *err = NULL;
	struct run_opts o;
	struct engine_op op = op_for(&o, "/root");
	struct engine_cp cp = { .host = "/h/out", .ctr = "file",
		.to_host = true, .what = "file" };
	char want[1024], *s;

	(void)state;
	/* a link is copied as a link: its target is not read */
	assert_int_equal(charliecloud_engine.cp(&op, &cp, &err), 0);
	snprintf(want, sizeof want, "cp|-a|--|%s/root/file|/h/out", image);
	assert_string_equal(last, want);
	cp.ctr = "missing";
	cp.what = "missing";
	assert_int_equal(charliecloud_engine.cp(&op, &cp, &err), -1);
	assert_string_equal(err->msg, "cannot copy 'missing'");
	paks_error_free(err);
	err = NULL;

	s = charliecloud_engine.save_name(&op, "-saved", &err);
	snprintf(want, sizeof want, "%s-saved", image);
	assert_string_equal(s, want);
	free(s);
	assert_null(charliecloud_engine.save_name(&op, "a/b", &err));
	paks_error_free(err);
	err = NULL;
	/* saving DIR-saved is saving in place */
	o.image = want;
	s = charliecloud_engine.save_name(&op, "-saved", &err);
	assert_string_equal(s, want);
	free(s);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* open: a path, a ch-image name; the options it works out */
static void
test_ch_open(void **state)
{
	struct paks_error *err = NULL;
	struct strv args = STRV_INIT;
	struct run_opts o = { .image = image };
	char p[600], *path = NULL, *s;

	(void)state;
	snprintf(p, sizeof p, "%s/ch", image);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/ch/metadata.json", image);
	write_file(p, "{\"env\": {\"A\": \"1\"}, \"cwd\": \"/src\"}");
	assert_int_equal(charliecloud_engine.open(&charliecloud_engine, &o,
	    &path, &args, &err), 0);
	assert_string_equal(o.image, path);
	s = joined(args.v);
	/* no ch/environment: the metadata's env and cwd */
	assert_string_equal(s, "--write|--set-env=A=1|--cd=/src");
	free(s);
	free(path);
	strv_release(&args);

	snprintf(p, sizeof p, "%s/ch/environment", image);
	write_file(p, "PATH=/bin\n");
	o = (struct run_opts){ .image = image, .workdir = "/w" };
	assert_int_equal(charliecloud_engine.open(&charliecloud_engine, &o,
	    &path, &args, &err), 0);
	s = joined(args.v);
	assert_string_equal(s, "--write|--set-env");
	free(s);
	free(path);
	strv_release(&args);

	/* a name in ch-image storage */
	snprintf(p, sizeof p, "%s/storage", root);
	setenv("CH_IMAGE_STORAGE", p, 1);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/storage/img", root);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/storage/img/me%%dev+latest", root);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/storage/img/me%%dev+latest/usr", root);
	mkdir(p, 0755);
	o = (struct run_opts){ .image = "me/dev" };
	assert_int_equal(charliecloud_engine.open(&charliecloud_engine, &o,
	    &path, &args, &err), 0);
	snprintf(p, sizeof p, "%s/storage/img/me%%dev+latest", root);
	assert_string_equal(path, p);
	free(path);
	strv_release(&args);

	/* not there, not an image, not for ch-run */
	o = (struct run_opts){ .image = "./no/such/dir" };
	assert_int_equal(charliecloud_engine.open(&charliecloud_engine, &o,
	    &path, &args, &err), -1);
	assert_string_equal(err->msg, "no Charliecloud image "
	    "'./no/such/dir'");
	assert_null(err->hint);
	paks_error_free(err);
	err = NULL;
	o = (struct run_opts){ .image = "other/name" };
	assert_int_equal(charliecloud_engine.open(&charliecloud_engine, &o,
	    &path, &args, &err), -1);
	assert_non_null(err->hint);
	paks_error_free(err);
	err = NULL;
	o = (struct run_opts){ .image = root };
	assert_int_equal(charliecloud_engine.open(&charliecloud_engine, &o,
	    &path, &args, &err), -1);
	assert_non_null(strstr(err->msg, "is not a Charliecloud image "
	    "directory"));
	paks_error_free(err);
	err = NULL;
	o = (struct run_opts){ .image = image, .keep = true };
	assert_int_equal(charliecloud_engine.open(&charliecloud_engine, &o,
	    &path, &args, &err), -1);
	assert_string_equal(err->msg, "run: --keep is not supported by "
	    "charliecloud");
	paks_error_free(err);
	strv_release(&args);
	unsetenv("CH_IMAGE_STORAGE");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_argv),
		cmocka_unit_test(test_charliecloud_argv),
		cmocka_unit_test(test_select),
		cmocka_unit_test_setup_teardown(test_ch_cp_in, setup_image,
		    teardown_image),
		cmocka_unit_test_setup_teardown(test_ch_cp_out_and_save_name,
		    setup_image, teardown_image),
		cmocka_unit_test_setup_teardown(test_ch_open, setup_image,
		    teardown_image),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
