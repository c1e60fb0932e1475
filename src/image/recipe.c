/*
 * paks recipe: a draft Containerfile from an image's session record.
 *
 * FROM the image's base, then in order: RUN for the lines that changed
 * something and succeeded (consecutive ones in one directory joined into
 * one RUN), WORKDIR where the directory changes and for the last one,
 * ENV for a plain "export K=V", COPY for a file #cp brought in from the
 * host. Lines that only read (ls, cat, cd alone...), that failed, that
 * paks did not see typed, or that hold a masked secret are left out, as
 * comments where a reader may want them. It is a draft for a human, and
 * says so: paks knows what ran, not what was meant.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "recipe.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* Programs that change nothing in the image when run without '>'. */
static const char *const read_only[] = {
	"cat", "cd", "clear", "df", "diff", "du", "echo", "env", "exit",
	"file", "find", "free", "grep", "head", "help", "history", "hostname",
	"id", "less", "ll", "ls", "man", "more", "printenv", "ps", "pwd",
	"reset", "stat", "tail", "top", "tree", "true", "type", "uname",
	"uptime", "w", "wc", "which", "whoami", "date", "dpkg-query", "apt-cache",
	"pushd", "popd", "dirs", "jobs", "alias", "set", "sleep", "printf",
	NULL,
};

/* Whether the command that starts at p (n bytes) only reads. */
static bool
recipe_segment_reads(const char *p, size_t n)
{
	size_t lead = strspn(p, " \t"), w;

	p += lead;
	n = n > lead ? n - lead : 0;
	w = strcspn(p, " \t");
	if (w > n)
		w = n;
	if (w == 0)
		return true;
	for (const char *const *r = read_only; *r; r++)
		if (strlen(*r) == w && strncmp(p, *r, w) == 0)
			return !(w == 4 && strncmp(p, "find", 4) == 0 &&
			    (memmem(p, n, "-delete", 7) ||
			    memmem(p, n, "-exec", 5)));
	return false;
}

/* A '>' that writes a file (not >/dev/null, not 2>&1). */
static bool
recipe_writes(const char *line)
{
	for (const char *p = strchr(line, '>'); p; p = strchr(p + 1, '>')) {
		const char *q = p + 1 + (p[1] == '>');

		q += strspn(q, " \t");
		if (*q == '&' || strncmp(q, "/dev/null", 9) == 0)
			continue;
		return true;
	}
	return false;
}

/*
 * Whether a line only reads: every command of it (split at ; & | and
 * newlines) is one of read_only's, and nothing is written with '>'.
 */
bool
recipe_read_only(const char *line)
{
	_cleanup_free_ char *copy = xstrdup(line);
	const char *p = copy;

	if (recipe_writes(line) || strchr(line, '`'))
		return false;
	/* a command substitution runs something; $(( )) only counts */
	for (const char *d = strstr(line, "$("); d; d = strstr(d + 2, "$("))
		if (d[2] != '(')
			return false;
	/* the '&' of 2>&1 or &> joins no commands */
	for (char *c = copy; *c; c++)
		if (*c == '&' && ((c > copy && c[-1] == '>') || c[1] == '>'))
			*c = ' ';
	while (*p) {
		size_t n = strcspn(p, ";&|\n");

		if (!recipe_segment_reads(p, n))
			return false;
		p += n;
		p += strspn(p, ";&|\n");
	}
	return true;
}

/* "export K=V" with a plain V: its K=V, else NULL. */
static char *
recipe_env(const char *line)
{
	const char *p = line + strspn(line, " \t"), *eq;
	size_t k;

	if (strncmp(p, "export ", 7) != 0)
		return NULL;
	p += 7;
	p += strspn(p, " \t");
	k = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_");
	eq = p + k;
	if (k == 0 || *eq != '=' || (p[0] >= '0' && p[0] <= '9'))
		return NULL;
	if (eq[1 + strcspn(eq + 1, " \t'\"$`\\;&|<>()*?")] != '\0')
		return NULL;
	return xstrdup(p);
}

struct recipe_state {
	struct recipe	*r;
	struct strbuf	 run;		/* the RUN being grouped */
	char		*run_dir;	/* its directory */
	char		*workdir;	/* the last WORKDIR written */
};

static void
recipe_flush(struct recipe_state *st)
{
	if (st->run.len == 0)
		return;
	strbuf_addf(&st->r->text, "RUN %s\n", st->run.buf);
	strbuf_reset(&st->run);
}

static void
recipe_workdir(struct recipe_state *st, const char *dir)
{
	if (dir == NULL || (st->workdir && strcmp(st->workdir, dir) == 0))
		return;
	recipe_flush(st);
	strbuf_addf(&st->r->text, "WORKDIR %s\n", dir);
	free(st->workdir);
	st->workdir = xstrdup(dir);
}

/* A line left out, as a comment: why, then each of its lines. */
static void
recipe_comment(struct recipe_state *st, const char *why, const char *line)
{
	recipe_flush(st);
	st->r->left_out++;
	strbuf_addf(&st->r->text, "# %s:", why);
	for (const char *p = line; *p; p++) {
		if (p == line)
			strbuf_addch(&st->r->text, ' ');
		if (*p == '\n')
			strbuf_adds(&st->r->text, "\n#   ");
		else
			strbuf_addch(&st->r->text, (unsigned char)*p < 0x20 ?
			    '?' : *p);
	}
	strbuf_addch(&st->r->text, '\n');
}

static void
recipe_run(struct recipe_state *st, const struct history_entry *e)
{
	_cleanup_free_ char *env = recipe_env(e->line);

	if (env != NULL) {
		recipe_flush(st);
		strbuf_addf(&st->r->text, "ENV %s\n", env);
		return;
	}
	recipe_workdir(st, e->cwd);
	if (st->run.len > 0)
		strbuf_adds(&st->run, " && \\\n    ");
	strbuf_adds(&st->run, e->line);
	st->r->runs++;
}

/* The name a copied file gets in the build context: unique. */
static char *
recipe_copy_name(const struct recipe *r, const char *from)
{
	const char *base = strrchr(from, '/') ? strrchr(from, '/') + 1 : from;
	char *name = xstrdup(*base ? base : "file");

	for (size_t i = 0, k = 2; i < r->ncopies; i++) {
		if (strcmp(r->copies[i].name, name) != 0)
			continue;
		free(name);
		name = xasprintf("%zu-%s", k++, *base ? base : "file");
		i = (size_t)-1;
	}
	return name;
}

/* #cp host:FROM DEST: COPY, DEST made absolute with the directory. */
static void
recipe_cp(struct recipe_state *st, const struct history_entry *e)
{
	const char *dest = strrchr(e->line, ' ') + 1;
	struct recipe *r = st->r;
	struct stat sb;
	_cleanup_free_ char *to = NULL;

	if (stat(e->from, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		recipe_comment(st, "not a file on this host, COPY it by hand",
		    e->line);
		return;
	}
	to = dest[0] == '/' || e->cwd == NULL ? xstrdup(dest) :
	    xasprintf("%s%s%s", e->cwd, strcmp(e->cwd, "/") ? "/" : "", dest);
	r->copies = xreallocarray(r->copies, r->ncopies + 1,
	    sizeof *r->copies);
	r->copies[r->ncopies].from = xstrdup(e->from);
	r->copies[r->ncopies].name = recipe_copy_name(r, e->from);
	recipe_flush(st);
	strbuf_addf(&r->text, "COPY %s %s\n", r->copies[r->ncopies].name, to);
	r->ncopies++;
}

static void
recipe_paks(struct recipe_state *st, const struct history_entry *e)
{
	if (e->status != 0)
		return;
	if (strncmp(e->line, "#cp host:", 9) == 0 && e->from != NULL &&
	    strchr(e->line + 9, ' ') != NULL)
		recipe_cp(st, e);
	else if (strncmp(e->line, "#env", 4) == 0)
		recipe_comment(st, "variables paks loaded (secrets: give "
		    "them with --secret or at run time)", e->line);
}

static void
recipe_entry(struct recipe_state *st, const struct history_entry *e)
{
	if (e->kind == HISTORY_PAKS)
		recipe_paks(st, e);
	else if (!e->typed)
		recipe_comment(st, "reported, not typed", e->line);
	else if (e->status > 0)
		recipe_comment(st, "failed", e->line);
	else if (recipe_read_only(e->line))
		;
	else if (strstr(e->line, HISTORY_MASK) != NULL)
		recipe_comment(st, "holds a secret", e->line);
	else if (strchr(e->line, '\n') != NULL)
		recipe_comment(st, "several lines, to convert by hand",
		    e->line);
	else
		recipe_run(st, e);
}

/* The draft of image (base: its org.paks.base) from its record h. */
void
recipe_make(const struct history *h, const char *image, const char *base,
    struct recipe *r)
{
	struct recipe_state st = { .r = r, .run = STRBUF_INIT };
	const char *last = NULL;

	strbuf_addf(&r->text, "# DRAFT Containerfile written by paks recipe "
	    "from the session record of %s.\n"
	    "# paks knows the lines that ran, not what they meant: read it, "
	    "edit it, then build.\n"
	    "# Left out: lines that only read, failed, were not typed, or "
	    "hold a secret.\n", image);
	strbuf_addf(&r->text, "FROM %s\n", base);
	for (size_t i = 0; i < h->n; i++) {
		const struct history_entry *e = &h->v[i];

		recipe_entry(&st, e);
		if (e->kind == HISTORY_SHELL && (e->to || e->cwd))
			last = e->to ? e->to : e->cwd;
	}
	recipe_workdir(&st, last);
	recipe_flush(&st);
	strbuf_release(&st.run);
	free(st.workdir);
}

void
recipe_release(struct recipe *r)
{
	strbuf_release(&r->text);
	for (size_t i = 0; i < r->ncopies; i++) {
		free(r->copies[i].from);
		free(r->copies[i].name);
	}
	free(r->copies);
	*r = (struct recipe)RECIPE_INIT;
}
