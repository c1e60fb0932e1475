/* paks recipe: a draft Containerfile that rebuilds an image paks saved. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "store/envstore.h"
#include "engine/engine.h"
#include "image/imagehistory.h"
#include "image/recipe.h"
#include "image/recipe-check.h"
#include "store/history.h"
#include "store/settings.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/xalloc.h"

static const struct cmd_option recipe_options[] = {
	{ .name = "engine", .letter = 'c', .arg = "E",
	  .help = "engine that has the image: docker or podman",
	  .aliases = CMD_NAMES("container-tech") },
	{ .name = "output", .letter = 'o', .arg = "DIR",
	  .help = "write DIR/Containerfile and the files it COPYs (a build "
	      "context), not the Containerfile to stdout" },
	{ .name = "check",
	  .help = "build the draft (no network) and compare its files with "
	      "IMAGE's; exit 0 only if nothing but noise differs" },
	{ .name = NULL },
};

/* Copy the regular file from to dir/name (a new file). */
static int
recipe_copy_file(const char *from, const char *dir, const char *name,
    struct paks_error **err)
{
	_cleanup_free_ char *to = xasprintf("%s/%s", dir, name);
	_cleanup_close_ int in = open(from, O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int out = -1;
	char buf[65536];
	ssize_t n;
	struct stat st;

	if (in < 0 || fstat(in, &st) < 0)
		return paks_error_set(err, errno, "cannot read '%s'", from);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    st.st_mode & 0777);
	if (out < 0)
		return paks_error_set(err, errno, "cannot write '%s'", to);
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write_all(out, buf, (size_t)n) < 0)
			return paks_error_set(err, errno, "cannot write '%s'",
			    to);
	if (n < 0)
		return paks_error_set(err, errno, "cannot read '%s'", from);
	return 0;
}

/* dir/Containerfile and the build context. */
static int
recipe_write_dir(struct cmd_ctx *ctx, const struct recipe *r,
    const char *dir, struct paks_error **err)
{
	_cleanup_free_ char *cf = xasprintf("%s/Containerfile", dir);
	_cleanup_close_ int fd = -1;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return paks_error_set(err, errno, "cannot create '%s'", dir);
	for (size_t i = 0; i < r->ncopies; i++)
		if (recipe_copy_file(r->copies[i].from, dir,
		    r->copies[i].name, err) < 0)
			return -1;
	fd = open(cf, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd < 0 || write_all(fd, r->text.buf, r->text.len) < 0)
		return paks_error_set(err, errno, "cannot write '%s'", cf);
	cmd_printf(ctx, "wrote %s (%zu RUN line%s, %zu file%s copied, %zu "
	    "line%s left out as comments)\n", cf, r->runs,
	    r->runs == 1 ? "" : "s", r->ncopies, r->ncopies == 1 ? "" : "s",
	    r->left_out, r->left_out == 1 ? "" : "s");
	return 0;
}

/* A scratch build context, emptied and removed after the check. */
static void
recipe_scratch_remove(const char *dir, const struct recipe *r)
{
	_cleanup_free_ char *cf = xasprintf("%s/Containerfile", dir);

	unlink(cf);
	for (size_t i = 0; i < r->ncopies; i++) {
		_cleanup_free_ char *f = xasprintf("%s/%s", dir,
		    r->copies[i].name);
		unlink(f);
	}
	rmdir(dir);
}

/* --check: build the draft in dir (a scratch one if NULL) and compare. */
static int
recipe_check(struct cmd_ctx *ctx, const struct engine *e, const char *image,
    const struct recipe *r, const char *dir, struct paks_error **err)
{
	struct recipe_check c = RECIPE_CHECK_INIT;
	_cleanup_free_ char *scratch = NULL;
	const char *tmp = getenv("TMPDIR");
	int rc;

	if (dir == NULL) {
		scratch = xasprintf("%s/paks-recipe-XXXXXX", tmp && *tmp ?
		    tmp : "/var/tmp");
		if (mkdtemp(scratch) == NULL)
			return paks_error_set(err, errno, "cannot create a "
			    "directory in '%s'", tmp && *tmp ? tmp : "/var/tmp");
		dir = scratch;
	}
	cmd_printf(ctx, "building the draft of %s...\n", image);
	rc = recipe_write_dir(ctx, r, dir, err);
	if (rc == 0)
		rc = recipe_check_run(e, image, dir, &c, err);
	if (scratch != NULL)
		recipe_scratch_remove(scratch, r);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < c.diffs.n; i++)
		cmd_printf(ctx, "%s\n", c.diffs.v[i]);
	if (c.diffs.n == 0)
		cmd_printf(ctx, "the draft rebuilds %s: no path differs (%zu "
		    "compared; times, owners and noise not compared)\n", image,
		    c.compared);
	else
		cmd_printf(ctx, "the draft does not rebuild %s: %zu of %zu "
		    "paths differ\n", image, c.diffs.n, c.compared);
	rc = c.diffs.n == 0 ? 0 : 1;
	recipe_check_release(&c);
	return rc;
}

static int
recipe_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	const struct settings *settings;
	const struct engine *e;
	const char *tech = cmd_opt_get(ctx->args, "engine");
	const char *dir = cmd_opt_get(ctx->args, "output"), *image = argv[1];
	_cleanup_free_ char *base = NULL;
	_cleanup_history_ struct history h = HISTORY_INIT;
	_cleanup_strv_ struct strv secrets = STRV_INIT;
	struct recipe r = RECIPE_INIT;
	int rc = 0;

	(void)argc;
	if ((settings = cmd_settings(ctx, err)) == NULL ||
	    engine_select(tech ? tech : settings_get(settings,
	    "container_tech"), &e, err) < 0 ||
	    (base = imagehistory_label(e, image, "org.paks.base", err)) ==
	    NULL)
		return -1;
	if (*base == '\0') {
		paks_error_set(err, 0, "'%s' has no org.paks.base label: paks "
		    "did not save it", image);
		return paks_error_hint(err, "paks recipe drafts images that "
		    "#save or paks save wrote");
	}
	if (imagehistory_get(e, image, &h, err) < 0)
		return -1;
	envstore_values(&secrets);
	history_mask_all(&h, secrets.v);
	recipe_make(&h, image, base, &r);
	if (cmd_opt_has(ctx->args, "check"))
		rc = recipe_check(ctx, e, image, &r, dir, err);
	else if (dir == NULL)
		cmd_write(ctx, r.text.buf, r.text.len);
	else
		rc = recipe_write_dir(ctx, &r, dir, err);
	recipe_release(&r);
	return rc;
}

const struct cmd_entry host_recipe_entry = {
	.name = "recipe",
	.usage = "IMAGE",
	.summary = "draft a Containerfile that rebuilds a saved image",
	.help = "From the session record IMAGE carries (paks history IMAGE):\n"
	    "FROM its base (label org.paks.base); RUN for the lines that\n"
	    "changed something and succeeded, grouped by directory; WORKDIR\n"
	    "for the directories and the last one; ENV for a plain export\n"
	    "K=V; COPY for the files #cp brought in from the host (copied\n"
	    "into DIR with -o, if they are still there). Lines that only read\n"
	    "(ls, cat, cd alone...), failed, were not typed, or hold a secret\n"
	    "are left out, as comments where that helps. It is a draft for a\n"
	    "human: it says so in its first lines.\n"
	    "\n--check builds the draft (ENGINE build --network=none) and\n"
	    "compares the files of the image it builds with IMAGE's: it\n"
	    "prints each path that differs (only in one, or another type,\n"
	    "mode, size or link) and a one-line verdict, and exits 0 only when\n"
	    "none does. Not compared: times, owners, /tmp, /var/tmp,\n"
	    "/var/log, /var/cache, /var/lib/apt/lists, /run, /dev, /proc,\n"
	    "/sys, /.paks, /etc/hostname, /etc/hosts, /etc/resolv.conf and\n"
	    "shell history files.\n"
	    "\nexamples:\n  paks recipe debian:bookworm-saved\n"
	    "  paks recipe debian:bookworm-saved -o rebuild && "
	    "docker build rebuild\n"
	    "  paks recipe --check debian:bookworm-saved\n",
	.options = recipe_options,
	.min_args = 1,
	.max_args = 1,
	.exec = recipe_exec,
};
