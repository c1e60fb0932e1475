/*
 * Secrets in a container's changes, found before a save commits them.
 *
 * - What is looked for: the values of the variables this session loaded
 *   (#envload, #envsave, #envhost), or for "paks save", which has no
 *   session, every value of every environment in ~/.paks/envs. Values
 *   shorter than SECRETSCAN_MIN bytes are left out: "1" or "true" would
 *   be found everywhere.
 * - Where: every file "ENGINE diff" lists as added or changed (shell
 *   history files are such files too). Their contents come as a tar: one
 *   "ENGINE cp CTR:PATH -" per changed path when there are few, else one
 *   "ENGINE export CTR" read once, with only the changed files scanned.
 * - How: one pass over each file with an Aho-Corasick automaton built as
 *   a full table, so the cost is one table lookup per byte whatever the
 *   number of values; a file stops being read at its first hit. At the
 *   root (most of the time) it skips to the next byte that starts a value
 *   (memchr when they all start alike): 100 MB in about 0.01 s for one
 *   value, 0.4 s for 32 of different first bytes, here.
 * - What is said: the names of the files, never a value or the name of
 *   the variable whose value it is.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "move-archive.h"
#include "save.h"
#include "secretscan.h"
#include "store/envstore.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* At most this many "ENGINE cp" calls; more changed paths: one export. */
#define CP_MAX 4
/* States of the automaton, at most (each takes 1 KiB). */
#define STATES_MAX 65536

static size_t
scan_len(const char *v)
{
	size_t n = strlen(v);

	return n > SECRETSCAN_PREFIX ? SECRETSCAN_PREFIX : n;
}

/* The trie of the values: next[] holds 0 where a state has no child. */
static void
scan_trie(struct secretscan *m, char *const *values)
{
	for (size_t i = 0; values != NULL && values[i] != NULL; i++) {
		const unsigned char *v = (const unsigned char *)values[i];
		size_t len = scan_len(values[i]);
		uint32_t st = 0;

		if (len < SECRETSCAN_MIN || m->nstates + len > STATES_MAX)
			continue;
		for (size_t k = 0; k < len; k++) {
			uint32_t *t = &m->next[st * 256 + v[k]];
			if (*t == 0)
				*t = (uint32_t)m->nstates++;
			st = *t;
		}
		m->hit[st] = true;
		m->nvalues++;
		m->start = m->nvalues == 1 || m->start == v[0] ? v[0] : -1;
		m->starts[v[0]] = true;
	}
}

/* Values (NULL-terminated) to look for; those too short are left out. */
void
secretscan_init(struct secretscan *m, char *const *values)
{
	size_t total = 1;
	_cleanup_free_ uint32_t *fail = NULL, *queue = NULL;
	size_t head = 0, tail = 0;

	*m = (struct secretscan)SECRETSCAN_INIT;
	for (size_t i = 0; values != NULL && values[i] != NULL; i++)
		total += scan_len(values[i]);
	if (total > STATES_MAX)
		total = STATES_MAX;
	m->next = xcalloc(total * 256, sizeof *m->next);
	m->hit = xcalloc(total, sizeof *m->hit);
	m->nstates = 1;
	scan_trie(m, values);
	fail = xcalloc(m->nstates, sizeof *fail);
	queue = xcalloc(m->nstates, sizeof *queue);
	/* breadth first: each state's missing moves are its fail state's */
	for (int c = 0; c < 256; c++)
		if (m->next[c] != 0)
			queue[tail++] = m->next[c];
	while (head < tail) {
		uint32_t s = queue[head++];
		for (int c = 0; c < 256; c++) {
			uint32_t *t = &m->next[s * 256 + c];
			uint32_t f = m->next[fail[s] * 256 + c];
			if (*t == 0) {
				*t = f;
				continue;
			}
			fail[*t] = f;
			m->hit[*t] = m->hit[*t] || m->hit[f];
			queue[tail++] = *t;
		}
	}
	for (size_t i = 0; i < m->nstates * 256; i++)
		m->next[i] = m->next[i] << 8 | m->hit[m->next[i]];
	free(m->hit);
	m->hit = NULL;
}

/* Feed bytes from state *st (0 to start); true at the first value found. */
bool
secretscan_feed(const struct secretscan *m, uint32_t *st, const void *buf,
    size_t len)
{
	const unsigned char *p = buf, *end = p + len;
	const uint32_t *next = m->next;
	uint32_t s = *st;

	if (m->nvalues == 0)
		return false;
	for (; p < end; p++) {
		/* at the root, skip to a byte that starts a value: no chain
		 * of dependent loads, and memchr's speed for one such byte */
		if (s == 0 && m->start >= 0) {
			if ((p = memchr(p, m->start, (size_t)(end - p))) == NULL)
				p = end;
		} else if (s == 0) {
			while (p < end && !m->starts[*p])
				p++;
		}
		if (p == end)
			break;
		s = next[(s & ~0xffu) | *p];
		if (s & 1)
			break;
	}
	*st = s;
	return p < end;
}

bool
secretscan_find(const struct secretscan *m, const void *buf, size_t len)
{
	uint32_t st = 0;

	return secretscan_feed(m, &st, buf, len);
}

void
secretscan_release(struct secretscan *m)
{
	free(m->next);
	free(m->hit);
	*m = (struct secretscan)SECRETSCAN_INIT;
}

/* Paths in an order where a directory's own paths follow it at once. */
static int
scan_path_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char x = *a == '/' ? 1 : (unsigned char)*a;
		unsigned char y = *b == '/' ? 1 : (unsigned char)*b;
		if (x != y || x == 0)
			return (x > y) - (x < y);
	}
}

static int
scan_path_qcmp(const void *a, const void *b)
{
	return scan_path_cmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The added (A) and changed (C) paths of "ENGINE diff" output, sorted
 * with scan_path_cmp; deleted ones (D) are gone from the image anyway.
 */
int
secretscan_diff_parse(const char *out, struct strv *paths)
{
	const char *l = out;

	while (l != NULL && *l != '\0') {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);

		if (len > 0 && l[len - 1] == '\r')
			len--;
		if (len > 2 && (l[0] == 'A' || l[0] == 'C') && l[1] == ' ' &&
		    l[2] == '/') {
			_cleanup_free_ char *p = xstrndup(l + 2, len - 2);
			strv_push(paths, p);
		}
		l = nl ? nl + 1 : NULL;
	}
	if (paths->n > 1)
		qsort(paths->v, paths->n, sizeof *paths->v, scan_path_qcmp);
	return (int)paths->n;
}

/* A path none of whose descendants is listed: cp'ing it brings them all. */
static bool
scan_leaf(const struct strv *paths, size_t i)
{
	size_t n = strlen(paths->v[i]);

	return i + 1 == paths->n || strncmp(paths->v[i + 1], paths->v[i],
	    n) != 0 || paths->v[i + 1][n] != '/';
}

/* What one tar is read with. */
struct scan_read {
	const struct secretscan	*m;
	const struct strv	*only;	/* export: scan these paths only */
	const char		*dir;	/* cp: the member names start here */
	struct strv		*hits;
	uint32_t		 state;
};

/* A name from the container as the user may see it: no control bytes. */
static char *
scan_shown(const char *dir, const char *name)
{
	char *s = xasprintf("%s%s%s", dir, *dir && strcmp(dir, "/") ?
	    "/" : "", name);

	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return s;
}

static bool
scan_want(const struct move_archive_entry *e, void *arg)
{
	struct scan_read *r = arg;
	_cleanup_free_ char *abs = NULL;
	const char *key = abs = xasprintf("/%s", e->name);

	r->state = 0;
	if (r->only == NULL)
		return true;
	return bsearch(&key, r->only->v, r->only->n, sizeof *r->only->v,
	    scan_path_qcmp) != NULL;
}

static int
scan_chunk(const struct move_archive_entry *e, const char *buf, size_t len,
    void *arg, struct paks_error **err)
{
	struct scan_read *r = arg;
	_cleanup_free_ char *shown = NULL;

	(void)err;
	if (!secretscan_feed(r->m, &r->state, buf, len))
		return 0;
	shown = scan_shown(r->dir, e->name);
	strv_push(r->hits, shown);
	return 1;	/* one hit is enough: skip the rest of the file */
}

/* Run the engine with its stdout in fd (emptied first), then scan it. */
static int
scan_tar(const struct secretscan_src *src, char *const *args, int fd,
    struct scan_read *r, struct paks_error **err)
{
	static const struct move_archive_chunked visit = {
		.want = scan_want, .chunk = scan_chunk,
	};

	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return paks_error_set(err, errno, "cannot reuse a scratch file");
	if (engine_cmd_args(src->engine, src->runner, args,
	    src->runner != NULL && src->runner->fn != NULL ?
	    "looking for secrets..." : NULL, NULL, fd, err) < 0)
		return -1;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return paks_error_set(err, errno, "cannot read a scratch file");
	return move_archive_chunks(fd, &visit, r, err);
}

/* An unlinked scratch file for the engine's tar. */
static int
scan_scratch(struct paks_error **err)
{
	const char *tmp = getenv("TMPDIR");
	_cleanup_free_ char *path = xasprintf("%s/paks-scan-XXXXXX",
	    tmp && *tmp ? tmp : "/var/tmp");
	int fd = mkostemp(path, O_CLOEXEC);

	if (fd < 0)
		return paks_error_set(err, errno, "cannot create a file in "
		    "'%s'", tmp && *tmp ? tmp : "/var/tmp");
	unlink(path);
	return fd;
}

/* Each leaf path by "ENGINE cp": a member "x" of leaf "/a/x" is "/a/x". */
static void
scan_by_cp(const struct secretscan_src *src, const struct strv *paths,
    int fd, struct scan_read *r)
{
	for (size_t i = 0; i < paths->n; i++) {
		_cleanup_free_ char *from = NULL, *dir = NULL;
		struct paks_error *gone = NULL;
		size_t len;

		if (!scan_leaf(paths, i))
			continue;
		from = xasprintf("%s:%s", src->container, paths->v[i]);
		len = (size_t)(strrchr(paths->v[i], '/') - paths->v[i]);
		dir = len ? xstrndup(paths->v[i], len) : xstrdup("/");
		r->dir = dir;
		char *args[] = { "cp", from, "-", NULL };
		if (scan_tar(src, args, fd, r, &gone) < 0) {
			/* removed since the diff: it is not saved either */
			paks_error_free(gone);
		}
	}
}

/*
 * Look for m's values in the container's added and changed files; the
 * names of those that hold one go to *hits (shown names, made safe).
 */
int
secretscan_container(const struct secretscan *m,
    const struct secretscan_src *src, struct strv *hits,
    struct paks_error **err)
{
	char *diff[] = { "diff", (char *)src->container, NULL };
	_cleanup_free_ char *out = NULL;
	_cleanup_strv_ struct strv paths = STRV_INIT;
	_cleanup_close_ int fd = -1;
	struct scan_read r = { .m = m, .hits = hits, .dir = "" };
	size_t leaves = 0;

	if (m->nvalues == 0)
		return 0;
	if (engine_cmd_args(src->engine, src->runner, diff, NULL, &out, -1,
	    err) < 0)
		return paks_error_wrap(err, "cannot list the container's "
		    "changes to look for secrets");
	if (secretscan_diff_parse(out, &paths) == 0)
		return 0;
	if ((fd = scan_scratch(err)) < 0)
		return -1;
	for (size_t i = 0; i < paths.n; i++)
		leaves += scan_leaf(&paths, i);
	if (leaves <= CP_MAX) {
		scan_by_cp(src, &paths, fd, &r);
		return 0;
	}
	char *exp[] = { "export", (char *)src->container, NULL };
	r.only = &paths;
	r.dir = "/";
	if (scan_tar(src, exp, fd, &r, err) < 0)
		return paks_error_wrap(err, "cannot read the container's "
		    "files to look for secrets");
	return 0;
}

/* The error for files that hold a secret: their names, never a value. */
int
secretscan_refuse(const struct strv *hits, struct paks_error **err)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	size_t shown = hits->n > 5 ? 5 : hits->n;

	for (size_t i = 0; i < shown; i++)
		strbuf_addf(&sb, "%s'%s'", i ? ", " : "", hits->v[i]);
	if (hits->n > shown)
		strbuf_addf(&sb, " and %zu more", hits->n - shown);
	paks_error_set(err, 0, "not saved: %s hold%s the value of a variable "
	    "paks loaded: %s", hits->n == 1 ? "a changed file" :
	    "changed files", hits->n == 1 ? "s" : "", strbuf_str(&sb));
	return paks_error_hint(err, "remove %s and save again, or save anyway "
	    "with --allow-secrets", hits->n == 1 ? "it" : "them");
}

/*
 * Before a save commits: job->secrets in the container's changes refuse
 * it (unless job->allow_secrets). A save with no secrets to look for goes
 * on as before.
 */
int
secretscan_save(const struct save_job *job, struct paks_error **err)
{
	_cleanup_strv_ struct strv hits = STRV_INIT;
	struct secretscan m;
	const struct secretscan_src src = {
		.container = job->container, .engine = job->engine,
		.runner = &job->runner,
	};
	int rc;

	if (job->allow_secrets || job->secrets == NULL)
		return 0;
	secretscan_init(&m, job->secrets);
	rc = secretscan_container(&m, &src, &hits, err);
	secretscan_release(&m);
	if (rc < 0)
		return -1;
	return hits.n > 0 ? secretscan_refuse(&hits, err) : 0;
}
