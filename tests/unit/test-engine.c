/*
 * Unit tests for the engine vtable (src/engine/): golden argv of a run for
 * docker and charliecloud, selection, and the charliecloud #cp, #save and
 * unsupported operations against an image directory made here, with a
 * fake runner that records the program it was given. paks's seccomp
 * profile (src/engine/seccomp.c) is judged by what its rules let through,
 * as libseccomp resolves them, and made from base files made here.
 */
#include <errno.h>
#include <jansson.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/engine.h"
#include "engine/seccomp.h"
#include "store/settings.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "tmpdir.h"
#include "version.h"

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

	const struct engine *docker = engine_find("docker");
	const struct engine *podman = engine_find("podman");

	(void)state;
	/* the builder itself: engine_run_argv makes the profile first */
	o.seccomp = "/p/seccomp/docker.json";
	docker->run_argv(docker, &o, cmd, &argv);
	s = joined(argv.v);
	assert_string_equal(s, "docker|run|-it|--pull=never|--rm|--name=n|"
	    "--label=org.paks.run=n|--label=org.paks.source=debian:12|"
	    "--label=org.paks.version=" PAKS_VERSION "|"
	    "--log-driver=none|--security-opt=seccomp=/p/seccomp/docker.json|"
	    "--workdir=/w|--volume=/h:/c|--env=K=V|--network=none|"
	    "debian:12|/bin/sh|-c|BOOT");
	free(s);
	strv_release(&argv);
	/* --no-entrypoint: the shell is the entrypoint */
	o.keep = true;
	o.no_entrypoint = true;
	o.seccomp = "/p/seccomp/podman.json";
	podman->run_argv(podman, &o, cmd, &argv);
	s = joined(argv.v);
	assert_string_equal(s, "podman|run|-it|--pull=never|--name=n|"
	    "--label=org.paks.run=n|--label=org.paks.source=debian:12|"
	    "--label=org.paks.version=" PAKS_VERSION "|"
	    "--log-driver=none|--security-opt=seccomp=/p/seccomp/podman.json|"
	    "--workdir=/w|--volume=/h:/c|--env=K=V|"
	    "--network=none|--entrypoint=/bin/sh|debian:12|-c|BOOT");
	free(s);
	strv_release(&argv);
}

/* Command mode: CMD as docker runs it; --envload through the FIFO. */
static void
test_command_argv(void **state)
{
	char *command[] = { "make", "test", NULL };
	struct run_opts o = { .image = "debian:12", .name = "n",
		.command = command, .open_stdin = true, .seccomp = "/p.json" };
	const struct engine *docker = engine_find("docker");
	struct strv argv = STRV_INIT;
	char *s;

	(void)state;
	docker->run_argv(docker, &o, NULL, &argv);
	s = joined(argv.v);
	assert_string_equal(s, "docker|run|-i|--pull=never|--rm|--name=n|"
	    "--label=org.paks.run=n|--label=org.paks.source=debian:12|"
	    "--label=org.paks.version=" PAKS_VERSION "|"
	    "--log-driver=none|--security-opt=seccomp=/p.json|"
	    "debian:12|make|test");
	free(s);
	strv_release(&argv);
	/* no stdin, a terminal; CMD the entrypoint */
	o.open_stdin = false, o.tty = true, o.no_entrypoint = true;
	docker->run_argv(docker, &o, NULL, &argv);
	s = joined(argv.v);
	assert_string_equal(s, "docker|run|-t|--pull=never|--rm|--name=n|"
	    "--label=org.paks.run=n|--label=org.paks.source=debian:12|"
	    "--label=org.paks.version=" PAKS_VERSION "|"
	    "--log-driver=none|--security-opt=seccomp=/p.json|"
	    "--entrypoint=make|debian:12|test");
	free(s);
	strv_release(&argv);
	/* --envload: no value anywhere, a shell sources the FIFO first */
	o.tty = false, o.no_entrypoint = false, o.envpipe = "/tmp/d/env";
	docker->run_argv(docker, &o, NULL, &argv);
	s = joined(argv.v);
	assert_string_equal(s, "docker|run|--pull=never|--rm|--name=n|"
	    "--label=org.paks.run=n|--label=org.paks.source=debian:12|"
	    "--label=org.paks.version=" PAKS_VERSION "|"
	    "--log-driver=none|--security-opt=seccomp=/p.json|"
	    "--volume=/tmp/d/env:/run/paks-envload:ro|debian:12|/bin/sh|-c|"
	    ". /run/paks-envload && exec \"$@\"|sh|make|test");
	free(s);
	strv_release(&argv);
}

/* paks enter: an exec into the container, with none of run's options. */
static void
test_enter_argv(void **state)
{
	char *envs[] = { "K=V", NULL };
	char *extra[] = { "--network=none", NULL };
	struct run_opts o = { .image = "debian:12", .name = "n",
		.workdir = "/w", .envs = envs, .extra = extra, .enter = true,
		.seccomp = "/p/seccomp/docker.json" };
	struct strv argv = STRV_INIT;
	char *s;

	(void)state;
	engine_find("podman")->run_argv(engine_find("podman"), &o, cmd, &argv);
	s = joined(argv.v);
	assert_string_equal(s, "podman|exec|-it|--workdir=/w|--env=K=V|n|"
	    "/bin/sh|-c|BOOT");
	free(s);
	strv_release(&argv);
}

/* The user's seccomp choice (run_options, -o) wins over paks's profile. */
static void
test_seccomp_user_choice(void **state)
{
	char *unconfined[] = { "--network=none", "--security-opt",
		"seccomp=unconfined", NULL };
	struct run_opts o = { .image = "i", .name = "n", .extra = unconfined,
		.seccomp = "/p/docker.json" };
	struct strv argv = STRV_INIT;
	char *s;

	(void)state;
	engine_find("docker")->run_argv(engine_find("docker"), &o, cmd, &argv);
	s = joined(argv.v);
	assert_null(strstr(s, "/p/docker.json"));
	assert_non_null(strstr(s, "|--security-opt|seccomp=unconfined|"));
	free(s);
	strv_release(&argv);
	/* engine_run_argv makes no profile either (no file written) */
	engine_run_argv(engine_find("podman"), &o, cmd, &argv);
	strv_release(&argv);

	struct {
		char *args[4];
		bool chose;
	} cases[] = {
		{ { "--security-opt=seccomp=/x.json" }, true },
		{ { "--security-opt=seccomp:unconfined" }, true },
		{ { "--security-opt", "seccomp=unconfined" }, true },
		{ { "--privileged" }, true },
		{ { "--privileged=true" }, true },
		{ { "--seccomp-policy=image" }, true },
		{ { "--seccomp-policy", "image" }, true },
		{ { "--privileged=false" }, false },
		{ { "--seccomp-policy=default" }, false },
		{ { "--security-opt=label=disable" }, false },
		{ { "--security-opt", "no-new-privileges" }, false },
		{ { "--security-opt" }, false },
		{ { "--network=none", "--cap-add=SYS_ADMIN" }, false },
		{ { NULL }, false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		if (seccomp_user_chose(cases[i].args) != cases[i].chose)
			fail_msg("case %zu: '%s %s'", i, cases[i].args[0],
			    cases[i].args[1] ? cases[i].args[1] : "");
	}
	assert_false(seccomp_user_chose(NULL));
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
fake_run(void *ctx, struct run *r, struct paks_error **err)
{
	(void)ctx, (void)err;
	free(last);
	last = joined(r->argv);
	strbuf_adds(&r->out_text, "4096\t.\n");
	r->status = r->code = 0;
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
		.cwd = cwd, .runner = { fake_run, NULL } };
}

/* The text of root/rel (static), or NULL; rel "" is root. */
static char *
cp_text(const char *rel)
{
	static char buf[256];
	char p[600];
	FILE *f;
	size_t n;

	snprintf(p, sizeof p, "%s/%s", root, rel);
	if ((f = fopen(p, "r")) == NULL)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
cp_file(const char *rel, const char *text)
{
	char p[600];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", root, rel);
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
}

/* #cp host -> image: the path resolved inside the image, as ch-run sees */
static int
cp_in(const char *ctr, struct paks_error **err)
{
	struct run_opts o;
	struct engine_op op = op_for(&o, "/root");
	char host[600];
	struct engine_cp cp = { .host = host, .ctr = ctr,
		.what = "host:in.txt", .shown = ctr };

	snprintf(host, sizeof host, "%s/in.txt", root);
	cp_file("in.txt", "in\n");
	return charliecloud_engine.cp(&op, &cp, err);
}

static void
test_ch_cp_in(void **state)
{
	struct paks_error *err = NULL;
	char tmp[600];

	(void)state;
	/* relative to the shell's directory; into a directory */
	assert_int_equal(cp_in("sub", &err), 0);
	assert_string_equal(cp_text("img/root/sub/in.txt"), "in\n");
	/* a new name; ".." stays inside */
	assert_int_equal(cp_in("../../../root/new", &err), 0);
	assert_string_equal(cp_text("img/root/new"), "in\n");
	/* "up" climbs to the image's root, not the host's */
	assert_int_equal(cp_in("up/x", &err), 0);
	assert_string_equal(cp_text("img/x"), "in\n");
	assert_null(cp_text("x"));
	/* an absolute link to the host resolves inside the image: absent */
	assert_int_equal(cp_in("abs/x", &err), -1);
	assert_string_equal(err->msg, "cannot copy 'abs/x'");
	assert_null(cp_text("x"));
	paks_error_free(err);
	err = NULL;
	/* a link as the target is never written through */
	assert_int_equal(cp_in("file", &err), -1);
	assert_non_null(strstr(err->msg, "symbolic link in the image"));
	paks_error_free(err);
	err = NULL;
	assert_int_equal(cp_in("/proc/1/environ", &err), -1);
	assert_non_null(strstr(err->msg, "is not in the image"));
	paks_error_free(err);
	err = NULL;
	/* /tmp is the host's (ch-run binds it): $TMPDIR here */
	snprintf(tmp, sizeof tmp, "%s/tmp", root);
	mkdir(tmp, 0755);
	setenv("TMPDIR", tmp, 1);
	assert_int_equal(cp_in("/tmp", &err), 0);
	unsetenv("TMPDIR");
	assert_string_equal(cp_text("tmp/in.txt"), "in\n");
}

static void
test_ch_cp_out_and_save_name(void **state)
{
	struct paks_error *err = NULL;
	struct run_opts o;
	struct engine_op op = op_for(&o, "/root");
	char host[600], p[600];
	struct engine_cp cp = { .host = host, .ctr = "file",
		.to_host = true, .what = "file", .shown = "out" };
	char want[1024], *s;

	(void)state;
	snprintf(host, sizeof host, "%s/out", root);
	/* a link resolves inside the image (no img/etc/hostname here): the
	 * host's /etc/hostname is never read */
	assert_int_equal(charliecloud_engine.cp(&op, &cp, &err), -1);
	assert_string_equal(err->msg, "cannot copy 'file'");
	assert_null(cp_text("out"));
	paks_error_free(err);
	err = NULL;
	cp.ctr = "missing";
	cp.what = "missing";
	assert_int_equal(charliecloud_engine.cp(&op, &cp, &err), -1);
	assert_string_equal(err->msg, "cannot copy 'missing'");
	paks_error_free(err);
	err = NULL;
	/* a directory with a link inside it and one leaving it */
	cp_file("img/root/sub/f", "f\n");
	snprintf(p, sizeof p, "%s/root/sub/in", image);
	assert_int_equal(symlink("f", p), 0);
	cp.ctr = cp.what = "sub";
	assert_int_equal(charliecloud_engine.cp(&op, &cp, &err), 0);
	assert_string_equal(cp_text("out/in"), "f\n");
	snprintf(p, sizeof p, "%s/root/sub/leave", image);
	assert_int_equal(symlink("../../..", p), 0);
	snprintf(host, sizeof host, "%s/out2", root);
	assert_int_equal(charliecloud_engine.cp(&op, &cp, &err), -1);
	assert_string_equal(err->msg, "#cp: 'out/leave' is a link to "
	    "'../../..', outside what is copied; nothing was written");
	snprintf(p, sizeof p, "%s/out2", root);
	assert_int_equal(access(p, F_OK), -1);
	paks_error_free(err);
	err = NULL;
	assert_null(last);	/* no program was run */

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

/* ---- paks's seccomp profile, judged by what its rules let through */

/* Does a rule with these "includes" (or "excludes") apply? */
static bool
judge_caps(json_t *filter, bool admin, bool includes)
{
	json_t *caps = json_object_get(filter, "caps"), *c;
	size_t i;

	json_array_foreach(caps, i, c) {
		bool held = admin &&
		    strcmp(json_string_value(c), "CAP_SYS_ADMIN") == 0;
		if (held != includes)
			return false;
	}
	return true;
}

static bool
judge_args(json_t *args, const unsigned long *a)
{
	json_t *c;
	size_t i;

	json_array_foreach(args, i, c) {
		unsigned long v = a[json_integer_value(json_object_get(c,
		    "index"))];
		unsigned long x = (unsigned long)json_integer_value(
		    json_object_get(c, "value"));
		unsigned long y = (unsigned long)json_integer_value(
		    json_object_get(c, "valueTwo"));
		const char *op = json_string_value(json_object_get(c, "op"));

		if (strcmp(op, "SCMP_CMP_MASKED_EQ") == 0 ? (v & x) != y :
		    strcmp(op, "SCMP_CMP_EQ") == 0 ? v != x :
		    strcmp(op, "SCMP_CMP_NE") == 0 ? v == x : true)
			return false;
	}
	return true;
}

/*
 * What the profile does with NAME(A...) in a container with or without
 * CAP_SYS_ADMIN, as libseccomp resolves it: a matching rule without
 * conditions wins; else the matching rules with conditions, which must
 * agree. "allow", "errno N", "default", or "conflict".
 */
static const char *
judge(json_t *profile, const char *name, const unsigned long *a, bool admin)
{
	static char out[2][32];
	json_t *rule, *n;
	size_t i, j;

	out[0][0] = out[1][0] = '\0';
	json_array_foreach(json_object_get(profile, "syscalls"), i, rule) {
		json_t *args = json_object_get(rule, "args");
		bool plain = json_array_size(args) == 0, named = false;
		const char *act = json_string_value(json_object_get(rule,
		    "action"));
		char what[32];

		json_array_foreach(json_object_get(rule, "names"), j, n)
			named |= strcmp(json_string_value(n), name) == 0;
		if (!named || !judge_caps(json_object_get(rule, "includes"),
		    admin, true) || !judge_caps(json_object_get(rule,
		    "excludes"), admin, false) || !judge_args(args, a))
			continue;
		if (strcmp(act, "SCMP_ACT_ALLOW") == 0)
			snprintf(what, sizeof what, "allow");
		else
			snprintf(what, sizeof what, "errno %lld",
			    json_integer_value(json_object_get(rule,
			    "errnoRet")));
		if (out[plain][0] != '\0' && strcmp(out[plain], what) != 0)
			snprintf(what, sizeof what, "conflict");
		snprintf(out[plain], sizeof out[plain], "%s", what);
	}
	return out[1][0] ? out[1] : out[0][0] ? out[0] : "default";
}

static json_t *
built(const char *base, enum seccomp_build_flags flags)
{
	struct paks_error *err = NULL;
	char *text = seccomp_build(base, flags, &err);
	json_t *doc;

	if (text == NULL)
		fail_msg("seccomp_build: %s", err->msg);
	doc = json_loads(text, 0, NULL);
	assert_non_null(doc);
	free(text);
	return doc;
}

/* a base in the schema of containers-common's, small */
static const char base_profile[] =
	"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	" \"syscalls\": ["
	"  {\"names\": [\"read\", \"ioctl\", \"clone\", \"clone3\","
	"   \"unshare\", \"setns\", \"keyctl\"],"
	"   \"action\": \"SCMP_ACT_ALLOW\", \"args\": [], \"comment\": \"\","
	"   \"includes\": {}, \"excludes\": {}},"
	"  {\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ALLOW\","
	"   \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},"
	"  {\"name\": \"write\", \"action\": \"SCMP_ACT_ALLOW\"},"
	"  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\","
	"   \"args\": [{\"index\": 0, \"value\": 8, \"valueTwo\": 0,"
	"   \"op\": \"SCMP_CMP_EQ\"}]}]}";

static unsigned long
low32(unsigned long v)
{
	return v & 0xffffffffUL;
}

/* TIOCSTI refused whatever its high bits; every other request allowed */
static void
test_seccomp_tiocsti(void **state)
{
	const unsigned long T = TIOCSTI;
	unsigned long req[] = { T, T | 0xffffffff00000000UL, T | 1UL << 32,
		T | 1UL << 63, T ^ 1, T ^ 1UL << 31, 0, 0xffffffffUL,
		TIOCGWINSZ, TCGETS, 0xffffffff80045430UL, ~0UL, T << 1 };
	json_t *p = built(base_profile, 0);
	unsigned long a[6] = { 0 };
	unsigned long r = 0x9e3779b97f4a7c15UL;

	(void)state;
	for (int admin = 0; admin < 2; admin++) {
		for (size_t i = 0; i < sizeof req / sizeof *req + 4000; i++) {
			/* then random requests, some of them TIOCSTI */
			r = r * 6364136223846793005UL + 1442695040888963407UL;
			a[1] = i < sizeof req / sizeof *req ? req[i] :
			    i % 4 ? r : (r & ~0xffffffffUL) | T;
			if (strcmp(judge(p, "ioctl", a, admin),
			    low32(a[1]) == T ? "errno 1" : "allow") != 0)
				fail_msg("ioctl 0x%lx (admin %d): %s", a[1],
				    admin, judge(p, "ioctl", a, admin));
		}
	}
	/* the rest of the base as it was */
	a[0] = a[1] = 0;
	assert_string_equal(judge(p, "read", a, false), "allow");
	assert_string_equal(judge(p, "write", a, false), "allow");
	assert_string_equal(judge(p, "unshare", a, false), "allow");
	assert_string_equal(judge(p, "mount", a, false), "default");
	a[0] = 8;
	assert_string_equal(judge(p, "personality", a, false), "allow");
	a[0] = 9;
	assert_string_equal(judge(p, "personality", a, false), "default");
	json_decref(p);

	/* a base that allows all by default: only the refusal is added */
	p = built("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": []}",
	    0);
	a[1] = T | 0xffffffff00000000UL;
	assert_string_equal(judge(p, "ioctl", a, false), "errno 1");
	a[1] = TCGETS;
	assert_string_equal(judge(p, "ioctl", a, false), "default");
	json_decref(p);
	/* one that refuses ioctl: still refused, all of it */
	p = built("{\"syscalls\": [{\"names\": [\"ioctl\"], \"action\": "
	    "\"SCMP_ACT_ERRNO\", \"errnoRet\": 13}]}", 0);
	assert_string_equal(judge(p, "ioctl", a, false), "errno 13");
	json_decref(p);
}

/* docker's own refusals kept on containers-common's base */
static void
test_seccomp_as_docker(void **state)
{
	json_t *p = built(base_profile, SECCOMP_AS_DOCKER);
	unsigned long a[6] = { 0 };

	(void)state;
	a[0] = CLONE_VM | CLONE_FS | CLONE_THREAD | 17;
	assert_string_equal(judge(p, "clone", a, false), "allow");
	a[0] = CLONE_NEWUSER | 17;
	assert_string_equal(judge(p, "clone", a, false), "default");
	assert_string_equal(judge(p, "clone", a, true), "allow");
	a[0] = CLONE_NEWNET | 1UL << 40;
	assert_string_equal(judge(p, "clone", a, false), "default");
	assert_string_equal(judge(p, "clone3", a, false), "errno 38");
	assert_string_equal(judge(p, "clone3", a, true), "allow");
	assert_string_equal(judge(p, "unshare", a, false), "errno 1");
	assert_string_equal(judge(p, "unshare", a, true), "allow");
	assert_string_equal(judge(p, "setns", a, false), "errno 1");
	assert_string_equal(judge(p, "keyctl", a, true), "errno 1");
	assert_string_equal(judge(p, "read", a, false), "allow");
	a[1] = TIOCSTI;
	assert_string_equal(judge(p, "ioctl", a, true), "errno 1");
	json_decref(p);

	/* nothing is allowed that the base did not allow */
	p = built("{\"syscalls\": [{\"names\": [\"read\", \"ioctl\"], "
	    "\"action\": \"SCMP_ACT_ALLOW\"}]}", SECCOMP_AS_DOCKER);
	assert_string_equal(judge(p, "unshare", a, true), "default");
	assert_string_equal(judge(p, "clone", a, true), "default");
	json_decref(p);
}

static void
build_fails(const char *base, const char *msg)
{
	struct paks_error *err = NULL;

	assert_null(seccomp_build(base, 0, &err));
	assert_non_null(err);
	if (strstr(err->msg, msg) == NULL)
		fail_msg("'%s' lacks '%s'", err->msg, msg);
	paks_error_free(err);
}

static void
test_seccomp_bad_base(void **state)
{
	(void)state;
	build_fails("{\"syscalls\": [", "not JSON");
	build_fails("[]", "not a seccomp profile");
	build_fails("{\"defaultAction\": \"SCMP_ACT_ERRNO\"}",
	    "not a seccomp profile");
	/* rules it cannot combine with its own without guessing */
	build_fails("{\"syscalls\": [{\"names\": [\"ioctl\"], \"action\": "
	    "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 1, \"value\": 21505, "
	    "\"op\": \"SCMP_CMP_EQ\"}]}]}", "a rule on ioctl's arguments");
	build_fails("{\"syscalls\": [{\"names\": [\"ioctl\"], \"action\": "
	    "\"SCMP_ACT_NOTIFY\"}]}", "'SCMP_ACT_NOTIFY'");
}

static char sdir[256];	/* the seccomp tests' directory */

static char *
in_sdir(const char *name)
{
	char *p = NULL;

	assert_true(asprintf(&p, "%s/%s", sdir, name) > 0);
	return p;
}

static void
put(const char *name, const char *text)
{
	char *p = in_sdir(name);

	write_file(p, text);
	free(p);
}

/* a file whose text names PATH */
static void
put_path(const char *name, const char *fmt, const char *path)
{
	char *text = NULL;

	assert_true(asprintf(&text, fmt, path) > 0);
	put(name, text);
	free(text);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;

	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb);
}

/* prepare: which base, who chose, and the file written once */
static void
test_seccomp_prepare(void **state)
{
	char *missing = in_sdir("missing.json"), *base = in_sdir("base.json");
	char *custom = in_sdir("custom.json"), *daemon = in_sdir("daemon.json");
	char *conf = in_sdir("containers.conf"), *confd = in_sdir("conf.d");
	char *out = in_sdir("paks"), *want, *got, *path = NULL;
	const char *bases[] = { missing, base, NULL };
	const char *confs[] = { conf, confd, NULL };
	struct seccomp_where w = { .daemon_json = daemon,
		.containers_conf = confs, .bases = bases };
	char *privileged[] = { "--privileged", NULL };
	struct paks_error *err = NULL;
	enum seccomp_result res;
	struct stat st1, st2;

	(void)state;
	put("base.json", base_profile);
	assert_int_equal(seccomp_prepare(SECCOMP_DOCKER, &w, out, NULL, &res,
	    &path, &err), 0);
	assert_int_equal(res, SECCOMP_ADD);
	assert_non_null(strstr(path, "/paks/docker.json"));
	got = slurp(path);
	want = seccomp_build(base_profile, SECCOMP_AS_DOCKER, &err);
	assert_string_equal(got, want);
	free(got);
	free(want);
	/* the same again: not written again */
	assert_int_equal(stat(path, &st1), 0);
	free(path);
	assert_int_equal(seccomp_prepare(SECCOMP_DOCKER, &w, out, NULL, &res,
	    &path, &err), 0);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino);
	free(path);
	/* the base changed: so does the profile */
	put("base.json", "{\"syscalls\": [{\"names\": [\"ioctl\"], "
	    "\"action\": \"SCMP_ACT_ALLOW\"}]}");
	assert_int_equal(seccomp_prepare(SECCOMP_DOCKER, &w, out, NULL, &res,
	    &path, &err), 0);
	got = slurp(path);
	assert_null(strstr(got, "keyctl"));
	free(got);
	free(path);
	put("base.json", base_profile);

	/* the user's choice, docker's own setting */
	assert_int_equal(seccomp_prepare(SECCOMP_DOCKER, &w, out, privileged,
	    &res, &path, &err), 0);
	assert_int_equal(res, SECCOMP_CHOSEN);
	assert_null(path);
	put("daemon.json", "{\"seccomp-profile\": \"unconfined\"}");
	assert_int_equal(seccomp_prepare(SECCOMP_DOCKER, &w, out, NULL, &res,
	    &path, &err), 0);
	assert_int_equal(res, SECCOMP_CHOSEN);
	assert_null(path);
	/* docker's configured default is the base as it is */
	put("custom.json", base_profile);
	put_path("daemon.json", "{\"seccomp-profile\": \"%s\"}", custom);
	assert_int_equal(seccomp_prepare(SECCOMP_DOCKER, &w, out, NULL, &res,
	    &path, &err), 0);
	assert_int_equal(res, SECCOMP_ADD);
	got = slurp(path);
	want = seccomp_build(base_profile, 0, &err);
	assert_string_equal(got, want);
	free(got);
	free(want);
	free(path);

	/* podman: containers.conf, then conf.d, the last one set wins */
	put("containers.conf", "[engine]\nseccomp_profile = \"unconfined\"\n"
	    "[containers]\n  seccomp_profile = 'unconfined'\n");
	assert_int_equal(seccomp_prepare(SECCOMP_PODMAN, &w, out, NULL, &res,
	    &path, &err), 0);
	assert_int_equal(res, SECCOMP_CHOSEN);
	mkdir(confd, 0755);
	put_path("conf.d/10-mine.conf",
	    "[containers]\nseccomp_profile=\"%s\"\n", custom);
	assert_int_equal(seccomp_prepare(SECCOMP_PODMAN, &w, out, NULL, &res,
	    &path, &err), 0);
	assert_int_equal(res, SECCOMP_ADD);
	assert_non_null(strstr(path, "/paks/podman.json"));
	free(path);
	/* in [engine], it is not the setting */
	put("containers.conf", "[engine]\nseccomp_profile = \"unconfined\"\n");
	assert_int_equal(tmpdir_remove(confd), 0);

	/* a base that is not a profile: an error naming it */
	put("base.json", "{}");
	assert_int_equal(seccomp_prepare(SECCOMP_PODMAN, &w, out, NULL, &res,
	    &path, &err), -1);
	assert_non_null(strstr(err->msg, "base.json': not a seccomp"));
	paks_error_free(err);
	err = NULL;
	/* none at all */
	bases[1] = NULL;
	assert_int_equal(seccomp_prepare(SECCOMP_PODMAN, &w, out, NULL, &res,
	    &path, &err), 0);
	assert_int_equal(res, SECCOMP_NO_BASE);
	assert_null(path);
	assert_int_equal(seccomp_prepare(SECCOMP_NONE, &w, out, NULL, &res,
	    &path, &err), 0);
	assert_int_equal(res, SECCOMP_CHOSEN);
	/* said once */
	assert_true(seccomp_first_note(out));
	assert_false(seccomp_first_note(out));
	assert_null(err);
	free(missing), free(base), free(custom), free(daemon);
	free(conf), free(confd), free(out);
}

static int
setup_sdir(void **state)
{
	(void)state;
	snprintf(sdir, sizeof sdir, "/tmp/paks-test-seccomp.XXXXXX");
	assert_non_null(mkdtemp(sdir));
	return 0;
}

static int
teardown_sdir(void **state)
{
	(void)state;
	return tmpdir_remove(sdir);
}

/* config set's list of engines is the engine table's, in order */
static void
test_settings_engines(void **state)
{
	size_t n = 0;

	(void)state;
	for (; engines[n] != NULL; n++) {
		assert_non_null(settings_engines[n]);
		assert_string_equal(settings_engines[n], engines[n]->name);
	}
	assert_null(settings_engines[n]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_argv),
		cmocka_unit_test(test_command_argv),
		cmocka_unit_test(test_enter_argv),
		cmocka_unit_test(test_settings_engines),
		cmocka_unit_test(test_seccomp_user_choice),
		cmocka_unit_test(test_charliecloud_argv),
		cmocka_unit_test(test_select),
		cmocka_unit_test_setup_teardown(test_ch_cp_in, setup_image,
		    teardown_image),
		cmocka_unit_test_setup_teardown(test_ch_cp_out_and_save_name,
		    setup_image, teardown_image),
		cmocka_unit_test_setup_teardown(test_ch_open, setup_image,
		    teardown_image),
		cmocka_unit_test(test_seccomp_tiocsti),
		cmocka_unit_test(test_seccomp_as_docker),
		cmocka_unit_test(test_seccomp_bad_base),
		cmocka_unit_test_setup_teardown(test_seccomp_prepare,
		    setup_sdir, teardown_sdir),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
