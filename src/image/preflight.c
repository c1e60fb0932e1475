/*
 * The portability preflight of paks move: before an image goes to
 * charliecloud:, the files that will not work under ch-run; before it
 * goes to charliecloud: or ssh://, an architecture the destination does
 * not run. Said as warnings before the move; --strict refuses instead.
 *
 * The files come from the headers of the image's layers in the
 * docker-archive the move works from (move_archive_walk: no data is
 * read), applied bottom first as the engine applies them: a file an
 * upper layer replaces or whites out is not reported. Each file keeps the
 * layer it came from, so that what the image's base already had (the
 * layers org.paks.base.layers counts, for an image paks saved) is left
 * out: the user did not make it, and it behaves as in any Charliecloud
 * image of that base. A few files every distribution ships root-only or
 * setuid are left out too (noise_* below). docs/commands.md says why each
 * kind breaks.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <jansson.h>

#include "preflight.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

/* How many paths of each kind a warning names. */
#define PREFLIGHT_SHOWN 3

/*
 * Root's by design in every base, and harmless to be unable to read:
 * account databases and their backups, sudo's rules, the private keys'
 * folder; with all below them, logs and caches; and lock files, which
 * are empty (by name, wherever they are: dpkg's, apt's, shadow's).
 */
static const char *const noise_root_files[] = {
	"etc/shadow", "etc/shadow-", "etc/gshadow", "etc/gshadow-",
	"etc/passwd-", "etc/group-", "etc/security/opasswd", "etc/sudoers",
	"etc/sudoers.d", "etc/ssl/private", "var/lib/sudo", NULL,
};
static const char *const noise_root_dirs[] = { "var/log", "var/cache", NULL };
static const char *const noise_lock_names[] = {
	"lock", "Lock", "lock-frontend", ".pwd.lock", NULL,
};

/*
 * The setuid and setgid tools of the base system (shadow, util-linux,
 * login, iputils), in bin, sbin, usr/bin or usr/sbin: in every image, and
 * no user of ch-run expects them to gain privileges.
 */
static const char *const noise_setid_names[] = {
	"su", "passwd", "chsh", "chfn", "gpasswd", "newgrp", "mount", "umount",
	"chage", "expiry", "wall", "write", "unix_chkpwd",
	"pam_extrausers_chkpwd", "ping", NULL,
};
static const char *const noise_setid_dirs[] = {
	"bin/", "sbin/", "usr/bin/", "usr/sbin/", NULL,
};

/* Is path dir, or below it? (neither has a leading '/') */
static bool
pf_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 &&
	    (path[n] == '/' || path[n] == '\0');
}

static bool
pf_in(const char *path, const char *const *list, bool below)
{
	for (; *list != NULL; list++) {
		if (below ? pf_under(path, *list) : strcmp(path, *list) == 0)
			return true;
	}
	return false;
}

static bool
pf_noise_setid(const char *path)
{
	for (const char *const *d = noise_setid_dirs; *d != NULL; d++) {
		size_t n = strlen(*d);
		if (strncmp(path, *d, n) == 0 &&
		    pf_in(path + n, noise_setid_names, false))
			return true;
	}
	return false;
}

/* Is path one of the root-only files every base has? */
static bool
pf_noise_root(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t n = strlen(base);

	return pf_in(path, noise_root_files, false) ||
	    pf_in(path, noise_root_dirs, true) ||
	    pf_in(base, noise_lock_names, false) ||
	    (n > 5 && strcmp(base + n - 5, ".lock") == 0);
}

/* name without leading "/" or "./" and trailing "/": a new string. */
static char *
pf_norm(const char *name)
{
	size_t n;

	for (;;) {
		if (name[0] == '/')
			name++;
		else if (strncmp(name, "./", 2) == 0)
			name += 2;
		else
			break;
	}
	n = strlen(name);
	while (n > 0 && name[n - 1] == '/')
		n--;
	if (n == 1 && name[0] == '.')
		n = 0;
	return xstrndup(name, n);
}

/*
 * Where the link at path (to target) leads in the image, resolved by its
 * words alone as ch-run would inside the image ("/.." is "/"), without
 * the leading '/'; links on the way are not followed.
 */
static char *
pf_link_dest(const char *path, const char *target)
{
	struct strbuf sb = STRBUF_INIT;
	_cleanup_free_ char *words = NULL;
	char *save = NULL;

	if (target[0] != '/') {
		const char *slash = strrchr(path, '/');
		if (slash != NULL)
			strbuf_add(&sb, path, (size_t)(slash - path));
	}
	words = xstrdup(target);
	for (char *w = strtok_r(words, "/", &save); w != NULL;
	    w = strtok_r(NULL, "/", &save)) {
		if (strcmp(w, ".") == 0)
			continue;
		if (strcmp(w, "..") == 0) {
			char *up = sb.buf ? strrchr(sb.buf, '/') : NULL;
			if (sb.buf != NULL) {
				sb.len = up ? (size_t)(up - sb.buf) : 0;
				sb.buf[sb.len] = '\0';
			}
			continue;
		}
		if (sb.len > 0)
			strbuf_addch(&sb, '/');
		strbuf_adds(&sb, w);
	}
	if (sb.buf == NULL)
		return xstrdup("");
	return strbuf_detach(&sb);
}

/*
 * What of the preflight's kinds the member e, at path (normalised), is;
 * workdir (no leading '/', "" for none) is opened to all readers by the
 * move, as /root is, so nothing there is root-only.
 */
unsigned
preflight_classify(const struct move_archive_entry *e, const char *path,
    const char *workdir)
{
	bool file = e->type == '0' || e->type == '1';
	unsigned kinds = 0;

	if (*path == '\0')
		return 0;
	if (e->uid == 0 && !pf_under(path, "root") &&
	    (*workdir == '\0' || !pf_under(path, workdir)) &&
	    !pf_noise_root(path) &&
	    ((file && !(e->mode & S_IROTH)) ||
	    (e->type == '5' && (e->mode & (S_IROTH | S_IXOTH)) !=
	    (S_IROTH | S_IXOTH))))
		kinds |= PREFLIGHT_ROOT_ONLY;
	if (file && (e->mode & (S_ISUID | S_ISGID)) && !pf_noise_setid(path))
		kinds |= PREFLIGHT_SETID;
	/* ch-run mounts the host's /dev; ch-convert leaves the image's out */
	if ((e->type == '3' || e->type == '4') && !pf_under(path, "dev"))
		kinds |= PREFLIGHT_DEVICE;
	/* a link in /tmp is hidden under ch-run, wherever it leads */
	if (e->type == '2' && e->link != NULL && !pf_under(path, "tmp")) {
		_cleanup_free_ char *dest = pf_link_dest(path, e->link);
		if (pf_under(dest, "tmp") || pf_under(dest, "home"))
			kinds |= PREFLIGHT_LINK_OUT;
	}
	return kinds;
}

/* The index of the first file whose path sorts at or after key. */
static size_t
pf_lower(const struct preflight *pf, const char *key)
{
	size_t lo = 0, hi = pf->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(pf->v[mid].path, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
pf_drop(struct preflight *pf, size_t i)
{
	free(pf->v[i].path);
	memmove(&pf->v[i], &pf->v[i + 1], (pf->n - i - 1) * sizeof *pf->v);
	pf->n--;
}

/*
 * Forget what layers below layer found at path (self) and below it
 * (kids): what a later member replaces, hides or whites out.
 */
static void
pf_forget(struct preflight *pf, const char *path, size_t layer, bool self,
    bool kids)
{
	size_t i = pf_lower(pf, path);

	if (self && i < pf->n && strcmp(pf->v[i].path, path) == 0) {
		if (pf->v[i].layer < layer)
			pf_drop(pf, i);
		else
			i++;
	}
	if (!kids)
		return;
	_cleanup_free_ char *pre = xasprintf("%s/", path);
	size_t n = strlen(pre);
	if (*path == '\0')
		n = 0;	/* the whole tree */
	for (i = pf_lower(pf, n ? pre : ""); i < pf->n &&
	    strncmp(pf->v[i].path, pre, n) == 0;) {
		if (pf->v[i].layer < layer)
			pf_drop(pf, i);
		else
			i++;
	}
}

static void
pf_add(struct preflight *pf, char *path, unsigned kinds, size_t layer)
{
	size_t i = pf_lower(pf, path);

	if (i < pf->n && strcmp(pf->v[i].path, path) == 0) {
		free(pf->v[i].path);
		pf->v[i] = (struct preflight_file){ path, kinds, layer };
		return;
	}
	if (pf->n == pf->alloc) {
		pf->alloc = pf->alloc ? 2 * pf->alloc : 16;
		pf->v = xreallocarray(pf->v, pf->alloc, sizeof *pf->v);
	}
	memmove(&pf->v[i + 1], &pf->v[i], (pf->n - i) * sizeof *pf->v);
	pf->v[i] = (struct preflight_file){ path, kinds, layer };
	pf->n++;
}

/*
 * Apply member e of layer (0 the lowest; layers come in order): a
 * whiteout (".wh.NAME") removes NAME and all below it from the layers
 * under this one, an opaque marker (".wh..wh..opq") all below its
 * folder; anything else replaces what was at its path.
 */
void
preflight_feed(struct preflight *pf, size_t layer,
    const struct move_archive_entry *e)
{
	_cleanup_free_ char *path = pf_norm(e->name);
	char *slash = strrchr(path, '/');
	char *base = slash ? slash + 1 : path;
	unsigned kinds;

	if (strncmp(base, ".wh.", 4) == 0) {
		bool opaque = strcmp(base, ".wh..wh..opq") == 0;
		_cleanup_free_ char *gone = opaque ? xstrndup(path,
		    (size_t)(base - path - (slash ? 1 : 0))) :
		    xasprintf("%.*s%s", (int)(base - path), path, base + 4);
		pf_forget(pf, gone, layer, !opaque, true);
		return;
	}
	kinds = preflight_classify(e, path, pf->workdir);
	size_t i = pf_lower(pf, path), from = layer;
	/* listed again as it was (a folder above a changed file): the
	 * layer that made it so is still the one it comes from */
	if (i < pf->n && strcmp(pf->v[i].path, path) == 0 &&
	    pf->v[i].kinds == kinds)
		from = pf->v[i].layer;
	pf_forget(pf, path, layer + 1, true, e->type != '5');
	if (kinds != 0)
		pf_add(pf, TAKE_PTR(path), kinds, from);
}

/* What the image names, printable on one line: control bytes become '?'. */
static void
pf_plain(char *s)
{
	text_plain(s);
	for (char *p = s; (p = strchr(p, '\n')) != NULL;)
		*p = '?';
}

/* How many files of kind the layers from base up hold. */
size_t
preflight_count(const struct preflight *pf, unsigned kind, size_t base)
{
	size_t n = 0;

	for (size_t i = 0; i < pf->n; i++)
		n += (pf->v[i].kinds & kind) && pf->v[i].layer >= base;
	return n;
}

static const struct {
	unsigned	 kind;
	const char	*one, *many, *why;
} pf_words[PREFLIGHT_KINDS] = {
	{ PREFLIGHT_ROOT_ONLY, "file", "files", " only root can read (ch-run "
	    "runs as you)" },
	{ PREFLIGHT_SETID, "setuid or setgid file", "setuid or setgid files",
	    " (no privilege is gained under ch-run)" },
	{ PREFLIGHT_DEVICE, "device node", "device nodes", " outside /dev "
	    "(ch-run cannot open them)" },
	{ PREFLIGHT_LINK_OUT, "symbolic link", "symbolic links", " into /tmp "
	    "or /home (under ch-run those are the host's)" },
};

/*
 * One line for kind, the layers from base up: how many and the first few
 * paths ("3 files only root can read (...): /a, /b, /c"), NULL for none.
 * The paths come from the image: control bytes become '?'.
 */
char *
preflight_summary(const struct preflight *pf, unsigned kind, size_t base)
{
	size_t n = preflight_count(pf, kind, base), shown = 0, w = 0;
	struct strbuf sb = STRBUF_INIT;

	if (n == 0)
		return NULL;
	while (w + 1 < PREFLIGHT_KINDS && pf_words[w].kind != kind)
		w++;
	strbuf_addf(&sb, "%zu %s%s:", n, n == 1 ? pf_words[w].one :
	    pf_words[w].many, pf_words[w].why);
	for (size_t i = 0; i < pf->n && shown < PREFLIGHT_SHOWN; i++) {
		if (!(pf->v[i].kinds & kind) || pf->v[i].layer < base)
			continue;
		strbuf_addf(&sb, "%s /%s", shown ? "," : "", pf->v[i].path);
		shown++;
	}
	if (n > shown)
		strbuf_adds(&sb, ", ...");
	char *s = strbuf_detach(&sb);
	pf_plain(s);
	return s;
}

/* uname -m's word as the Go name an image's config uses (same if unknown). */
const char *
preflight_go_arch(const char *m)
{
	static const struct {
		const char *uname, *go;
	} map[] = {
		{ "x86_64", "amd64" }, { "amd64", "amd64" },
		{ "aarch64", "arm64" }, { "arm64", "arm64" },
		{ "armv7l", "arm" }, { "armv6l", "arm" }, { "armv8l", "arm" },
		{ "i386", "386" }, { "i486", "386" }, { "i586", "386" },
		{ "i686", "386" }, { "ppc64le", "ppc64le" },
		{ "s390x", "s390x" }, { "riscv64", "riscv64" },
		{ "loongarch64", "loong64" }, { "mips64", "mips64" },
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (strcmp(m, map[i].uname) == 0)
			return map[i].go;
	}
	return m;
}

void
preflight_release(struct preflight *pf)
{
	for (size_t i = 0; i < pf->n; i++)
		free(pf->v[i].path);
	free(pf->v);
	pf->v = NULL;
	pf->n = pf->alloc = 0;
}

/* What the preflight said, for the end. */
struct pf_said {
	size_t	 problems;
	bool	 unchecked;
};

static void
pf_warn(struct pf_said *said, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A warning to stderr (#move: the terminal, through the session). */
static void
pf_warn(struct pf_said *said, const char *fmt, ...)
{
	va_list ap;
	_cleanup_free_ char *msg = NULL, *line = NULL;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	line = xasprintf("paks: warning: %s\n", msg);
	write_all(STDERR_FILENO, line, strlen(line));
	said->problems++;
}

/* One layer's members to the preflight. */
struct pf_layer {
	struct preflight	*pf;
	size_t			 layer;
};

static int
pf_walk_one(const struct move_archive_entry *e, void *arg,
    struct paks_error **err)
{
	struct pf_layer *l = arg;

	(void)err;
	preflight_feed(l->pf, l->layer, e);
	return 0;
}

/* Every layer of the archive, bottom first, to pf. */
static int
pf_walk(struct preflight *pf, const struct move_archive *a,
    struct paks_error **err)
{
	for (size_t i = 0; i < a->nlayers; i++) {
		const struct move_archive_entry *m =
		    move_archive_find(a, a->layers[i]);
		struct pf_layer l = { pf, i };

		if (m == NULL || m->type != '0')
			return paks_error_set(err, 0, "the image archive lacks "
			    "a layer");
		if (move_archive_walk(a, m, pf_walk_one, &l, err) < 0)
			return -1;
	}
	return 0;
}

/*
 * The layers of the image's base, which are not reported: what
 * org.paks.base.layers says when the image has more layers than that,
 * else none (a flattened save, or an image paks did not save).
 */
static size_t
pf_base(json_t *cfg, size_t nlayers)
{
	json_t *labels = json_object_get(json_object_get(cfg, "config"),
	    "Labels");
	const char *v = json_string_value(json_object_get(labels,
	    "org.paks.base.layers"));
	char *end;
	long n;

	if (v == NULL)
		return 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n <= 0 || (size_t)n >= nlayers)
		return 0;
	return (size_t)n;
}

static void
pf_files(struct pf_said *said, const struct move_archive *a, json_t *cfg)
{
	struct preflight pf = PREFLIGHT_INIT;
	struct paks_error *e = NULL;
	const char *wd = json_string_value(json_object_get(json_object_get(cfg,
	    "config"), "WorkingDir"));
	_cleanup_free_ char *workdir = pf_norm(wd ? wd : "");
	size_t base = pf_base(cfg, a->nlayers);

	pf.workdir = workdir;
	if (pf_walk(&pf, a, &e) < 0) {
		pf_warn(said, "cannot check the image's files: %s", e->msg);
		paks_error_free(e);
		preflight_release(&pf);
		return;
	}
	for (size_t k = 0; k < PREFLIGHT_KINDS; k++) {
		_cleanup_free_ char *line = preflight_summary(&pf,
		    pf_words[k].kind, base);
		if (line != NULL)
			pf_warn(said, "%s", line);
	}
	preflight_release(&pf);
}

/*
 * The architecture in the other side's answer to the layer query
 * (move-ssh.c): its line "arch WORD" (uname -m), as a Go name; NULL when
 * there is none or it is no plain word.
 */
char *
preflight_remote_arch(const char *said)
{
	static const char word[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";

	for (const char *p = said; p != NULL && *p != '\0';) {
		size_t n = strcspn(p, "\n");
		if (n > 5 && strncmp(p, "arch ", 5) == 0) {
			_cleanup_free_ char *w = xstrndup(p + 5, n - 5);
			size_t len = strlen(w);
			while (len > 0 && w[len - 1] == '\r')
				w[--len] = '\0';
			if (len == 0 || len > 32 || strspn(w, word) != len)
				return NULL;
			return xstrdup(preflight_go_arch(w));
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	return NULL;
}

int
preflight_check(const struct move_job *job, const struct move_archive *a,
    bool files, const char *dest_arch, const char *where,
    struct paks_error **err)
{
	struct pf_said said = { 0 };
	json_t *cfg = json_loadb(a->config ? a->config : "", a->config_len, 0,
	    NULL);
	const char *arch = json_string_value(json_object_get(cfg,
	    "architecture"));

	if (files)
		pf_files(&said, a, cfg);
	if (dest_arch != NULL && arch != NULL && *arch != '\0' &&
	    strcmp(arch, dest_arch) != 0) {
		_cleanup_free_ char *a2 = xstrdup(arch);
		pf_plain(a2);
		pf_warn(&said, "the image is for %s, but %s runs %s: its "
		    "programs will not start there", a2, where, dest_arch);
	}
	json_decref(cfg);
	if (!job->strict || said.problems == 0)
		return 0;
	paks_error_set(err, 0, "--strict: the image is not moved (%zu "
	    "warning%s above)", said.problems, said.problems == 1 ? "" : "s");
	return paks_error_hint(err, "fix what the warnings name in the image, "
	    "or move without --strict");
}

/*
 * The preflight of charliecloud:, before anything is written there: the
 * image saved into an unnamed file (ch-convert makes its own export,
 * which paks cannot read), then checked against this machine.
 */
int
preflight_charliecloud(struct move_job *job, struct paks_error **err)
{
	struct move_archive a = MOVE_ARCHIVE_INIT;
	struct paks_error *e = NULL;
	_cleanup_close_ int fd = -1;
	struct utsname u;
	int rc;

	move_say(job, "checking %s for ch-run ...\n", job->image);
	if ((fd = move_tmpfile(&e)) < 0 ||
	    move_save_archive(job, fd, &e) < 0 ||
	    move_archive_read(fd, &a, &e) < 0) {
		struct pf_said said = { 0 };
		pf_warn(&said, "cannot check the image: %s", e->msg);
		paks_error_free(e);
		move_archive_release(&a);
		if (!job->strict)
			return 0;
		paks_error_set(err, 0, "--strict: the image is not moved (it "
		    "could not be checked)");
		return paks_error_hint(err, "move without --strict");
	}
	rc = preflight_check(job, &a, true, uname(&u) == 0 ?
	    preflight_go_arch(u.machine) : NULL, "this machine", err);
	move_archive_release(&a);
	return rc;
}
