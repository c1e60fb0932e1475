/*
 * paks recipe --check: build the draft Containerfile (no network), then
 * compare the file system of what it built with the image's, both read
 * with "ENGINE export" of a container created and never started. A path
 * differs when it is only in one, or its type, permission bits, size or
 * link target differ; times and owners are not compared. Noise is left
 * out: /tmp, /var/tmp, /var/log, /var/cache, apt's lists, /run, /dev,
 * /proc, /sys, the engine's /etc/hostname, /etc/hosts, /etc/resolv.conf
 * and /.dockerenv, shell history files, and paks's own /.paks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "move-archive.h"
#include "recipe-check.h"
#include "util/cleanup.h"
#include "util/spawn.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const char *const noise_dirs[] = {
	"tmp", "var/tmp", "var/log", "var/cache", "var/lib/apt/lists", "run",
	"dev", "proc", "sys", ".paks", NULL,
};

static const char *const noise_files[] = {
	"etc/hostname", "etc/hosts", "etc/resolv.conf", ".dockerenv",
	"etc/mtab", NULL,
};

static const char *const noise_names[] = {
	".bash_history", ".zsh_history", ".ash_history", ".sh_history",
	".lesshst", ".wget-hsts", ".viminfo", NULL,
};

static size_t
recipe_check_plen(const char *line)
{
	return strcspn(line, "\t");
}

/* Whether path (no leading '/') is noise: not compared. */
static bool
recipe_check_noise(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	for (const char *const *d = noise_dirs; *d; d++) {
		size_t n = strlen(*d);
		if (strncmp(path, *d, n) == 0 && (path[n] == '/' ||
		    path[n] == '\0'))
			return true;
	}
	for (const char *const *f = noise_files; *f; f++)
		if (strcmp(path, *f) == 0)
			return true;
	for (const char *const *b = noise_names; *b; b++)
		if (strcmp(base, *b) == 0)
			return true;
	return false;
}

/*
 * One line a member: "path\ttype\tmode\tsize\tlink", the path without
 * "./" or a trailing '/'; a directory's size is 0.
 */
static int
recipe_check_member(const struct move_archive_entry *e, const char *data,
    void *arg, struct paks_error **err)
{
	struct strbuf *sb = arg;
	size_t n = strlen(e->name);

	(void)data;
	(void)err;
	while (n > 0 && e->name[n - 1] == '/')
		n--;
	if (n == 0)
		return 0;
	strbuf_addf(sb, "%.*s\t%c\t%04o\t%lld\t%s\n", (int)n, e->name,
	    e->type, e->mode & 07777, e->type == '5' ? 0LL :
	    (long long)e->size, e->link ? e->link : "");
	return 0;
}

static int
recipe_check_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text as a sorted vector (text is changed: NULs). */
static char **
recipe_check_lines(char *text, size_t len, size_t *n)
{
	char **v = NULL;
	size_t alloc = 0;

	*n = 0;
	for (char *p = text, *nl; p < text + len && (nl = strchr(p, '\n'));
	    p = nl + 1) {
		*nl = '\0';
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 1024;
			v = xreallocarray(v, alloc, sizeof *v);
		}
		v[(*n)++] = p;
	}
	qsort(v, *n, sizeof *v, recipe_check_cmp);
	return v;
}

/* Compare two path lines of one path: "~ /path: what differs". */
static void
recipe_check_same(const char *a, const char *b, struct recipe_check *c)
{
	size_t n = recipe_check_plen(a);

	if (strcmp(a, b) == 0)
		return;
	strv_pushf(&c->diffs, "~ /%.*s (image: %s; rebuilt: %s)", (int)n, a,
	    a + n + 1, b + n + 1);
}

static int
recipe_check_pcmp(const char *a, const char *b)
{
	size_t na = recipe_check_plen(a), nb = recipe_check_plen(b);
	int r = strncmp(a, b, na < nb ? na : nb);

	return r != 0 ? r : na < nb ? -1 : na > nb;
}

/*
 * Compare the member lists (recipe_check_member's lines) of the image
 * and of the rebuilt one; the texts are changed. Returns how many differ.
 */
int
recipe_check_compare(const char *image, size_t ilen, const char *rebuilt,
    size_t rlen, struct recipe_check *c)
{
	_cleanup_free_ char *ta = xstrndup(image, ilen);
	_cleanup_free_ char *tb = xstrndup(rebuilt, rlen);
	size_t na, nb, i = 0, j = 0;
	_cleanup_free_ char **a = recipe_check_lines(ta, ilen, &na);
	_cleanup_free_ char **b = recipe_check_lines(tb, rlen, &nb);

	while (i < na || j < nb) {
		int r = i == na ? 1 : j == nb ? -1 : recipe_check_pcmp(a[i],
		    b[j]);
		const char *p = r <= 0 ? a[i] : b[j];
		_cleanup_free_ char *path = xstrndup(p, recipe_check_plen(p));

		if (!recipe_check_noise(path)) {
			c->compared++;
			if (r < 0)
				strv_pushf(&c->diffs, "- /%.*s (only in the "
				    "image)", (int)recipe_check_plen(p), p);
			else if (r > 0)
				strv_pushf(&c->diffs, "+ /%.*s (only in the "
				    "rebuilt image)", (int)recipe_check_plen(p),
				    p);
			else
				recipe_check_same(a[i], b[j], c);
		}
		i += r <= 0;
		j += r >= 0;
	}
	return (int)c->diffs.n;
}

/* The member lines of image's file system, by export of a container. */
static int
recipe_check_list(const struct engine *e, const char *image,
    struct strbuf *out, struct paks_error **err)
{
	static const struct move_archive_visit visit = {
		.entry = recipe_check_member,
	};
	char *create[] = { "create", "--network", "none", (char *)image,
		"true", NULL };
	_cleanup_free_ char *id = NULL;
	_cleanup_spawn_ struct spawn sp = SPAWN_INIT;
	const char *tmp = getenv("TMPDIR");
	_cleanup_free_ char *path = xasprintf("%s/paks-check-XXXXXX",
	    tmp && *tmp ? tmp : "/var/tmp");
	_cleanup_close_ int fd = mkostemp(path, O_CLOEXEC);
	struct paks_error *ignored = NULL;
	int rc = -1;

	if (fd < 0)
		return paks_error_set(err, errno, "cannot create '%s'", path);
	unlink(path);
	if (engine_simple(e, create, &id, err) < 0)
		return -1;
	id[strcspn(id, "\r\n")] = '\0';
	strv_push(&sp.args, e->program);
	strv_push(&sp.args, "export");
	strv_push(&sp.args, id);
	sp.in = SPAWN_DEVNULL;
	sp.out = fd;
	sp.err = SPAWN_DEVNULL;
	if (spawn_start(&sp, err) == 0) {
		if (spawn_status_code(spawn_wait(&sp)) != 0)
			paks_error_set(err, 0, "%s export failed", e->name);
		else if (lseek(fd, 0, SEEK_SET) == 0)
			rc = move_archive_stream(fd, &visit, out, err);
	}
	char *rm[] = { "rm", "-f", id, NULL };
	if (engine_simple(e, rm, NULL, &ignored) < 0)
		paks_error_free(ignored);
	return rc;
}

/* Build dir's Containerfile with no network, as a tag of our own. */
static int
recipe_check_build(const struct engine *e, const char *dir, const char *tag,
    struct paks_error **err)
{
	_cleanup_free_ char *cf = xasprintf("%s/Containerfile", dir);
	char *build[] = { "build", "--network=none", "-q", "-t", (char *)tag,
		"-f", cf, (char *)dir, NULL };

	if (engine_simple(e, build, NULL, err) < 0)
		return paks_error_wrap(err, "the draft does not build");
	return 0;
}

/* Build dir's draft and compare it with image: c says how they differ. */
int
recipe_check_run(const struct engine *e, const char *image, const char *dir,
    struct recipe_check *c, struct paks_error **err)
{
	_cleanup_free_ char *tag = xasprintf("localhost/paks-recipe-check:%d",
	    (int)getpid());
	_cleanup_strbuf_ struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	char *rmi[] = { "image", "rm", "-f", tag, NULL };
	struct paks_error *ignored = NULL;
	int rc;

	if (recipe_check_build(e, dir, tag, err) < 0)
		return -1;
	rc = recipe_check_list(e, image, &a, err);
	if (rc == 0)
		rc = recipe_check_list(e, tag, &b, err);
	if (rc == 0)
		recipe_check_compare(a.buf ? a.buf : "", a.len,
		    b.buf ? b.buf : "", b.len, c);
	if (engine_simple(e, rmi, NULL, &ignored) < 0)
		paks_error_free(ignored);
	return rc;
}

void
recipe_check_release(struct recipe_check *c)
{
	strv_release(&c->diffs);
	c->compared = 0;
}
