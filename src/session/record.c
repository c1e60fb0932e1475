/*
 * The session's record: each line the shell runs, with its exit status,
 * directory, start and duration, and each #command paks runs, appended
 * to ~/.paks/records/CONTAINER.jsonl (store/history.c).
 *
 * bash and zsh report a line when it is accepted ("L", with the line and
 * $PWD) and its status at the next prompt ("S", with $? and $PWD); paks
 * times both on its own clock. sh reports nothing: the line is what paks
 * saw typed (linebuf.c), the end is the next prompt marker, and status
 * and directory are unknown. A line is marked typed only if an Enter the
 * user typed on paks's stdin can have made it (gate_seen): a report that
 * something in the container forged is kept, marked, and never acted on.
 * Values the session exported (secrets) are masked before anything is
 * written.
 */
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "record.h"
#include "store/paths.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/*
 * The record of container name; fresh (paks run: a new container) drops
 * what a removed container of the same name left.
 */
void
record_init(struct record *r, const char *name, bool fresh)
{
	unsigned char b[8];
	static const char hex[] = "0123456789abcdef";

	memset(r, 0, sizeof *r);
	r->cur = (struct history_entry)HISTORY_ENTRY_INIT;
	r->path = name ? history_path(name) : NULL;
	if (r->path != NULL && fresh)
		unlink(r->path);
	if (getrandom(b, sizeof b, 0) != sizeof b)
		memset(b, 0, sizeof b);
	for (size_t i = 0; i < sizeof b; i++) {
		r->sid[2 * i] = hex[b[i] >> 4];
		r->sid[2 * i + 1] = hex[b[i] & 15];
	}
}

static bool
record_blank(const char *line)
{
	return line[strspn(line, " \t\r\n")] == '\0';
}

/* Write e (its line masked) and release it. */
static void
record_write(struct record *r, struct history_entry *e, char *const *secrets)
{
	struct paks_error *err = NULL;

	e->session = xstrdup(r->sid);
	e->shell = r->shell ? xstrdup(r->shell) : NULL;
	history_mask(&e->line, secrets);
	if (e->cwd != NULL)
		history_mask(&e->cwd, secrets);
	if (e->to != NULL)
		history_mask(&e->to, secrets);
	if (r->path != NULL && !r->full &&
	    history_append(r->path, e, &err) < 0) {
		/* informational: the session goes on without it */
		r->full = true;
		paks_error_free(err);
	}
	history_entry_release(e);
}

/* The shell accepted line in cwd (NULL: unknown). */
void
record_begin(struct record *r, const char *line, const char *cwd,
    bool typed, char *const *secrets)
{
	if (r->open)
		record_end(r, -1, NULL, secrets);
	if (line == NULL || record_blank(line))
		return;
	r->cur = (struct history_entry)HISTORY_ENTRY_INIT;
	r->cur.line = strlen(line) > HISTORY_MAX_LINE ?
	    xstrndup(line, HISTORY_MAX_LINE) : xstrdup(line);
	r->cur.cwd = cwd && *cwd ? xstrdup(cwd) : NULL;
	r->cur.typed = typed;
	r->cur.start = history_now();
	r->open = true;
}

/* The line ended with status (-1: unknown), the shell now in pwd. */
void
record_end(struct record *r, int status, const char *pwd,
    char *const *secrets)
{
	if (!r->open)
		return;
	r->open = false;
	r->cur.status = status;
	r->cur.duration = history_now() - r->cur.start;
	if (r->cur.duration < 0)
		r->cur.duration = 0;
	if (pwd != NULL && *pwd && (r->cur.cwd == NULL ||
	    strcmp(pwd, r->cur.cwd) != 0))
		r->cur.to = xstrdup(pwd);
	record_write(r, &r->cur, secrets);
}

/* #cp host:PATH: the host path, as #cp resolves it (from start_dir). */
static char *
record_cp_from(char **argv, const char *start_dir)
{
	const char *p;

	if (argv[1] == NULL || strncmp(argv[1], "host:", 5) != 0)
		return NULL;
	p = argv[1] + 5;
	if (p[0] == '~')
		return paths_expand_user(p);
	if (p[0] == '/' || start_dir == NULL)
		return xstrdup(p);
	return paths_join(start_dir, p);
}

/*
 * A #command paks ran (argv, split), in cwd, since start; status 0 or 1.
 * #envsave's values are never written, masked or not: KEY=*** stands
 * for each (a word without '=' may be a value: '?').
 */
void
record_paks(struct record *r, char **argv, const char *cwd,
    const char *start_dir, int status, int64_t start, char *const *secrets)
{
	struct history_entry e = HISTORY_ENTRY_INIT;
	struct strbuf sb = STRBUF_INIT;
	bool envsave = strcmp(argv[0], "envsave") == 0;

	strbuf_addf(&sb, "#%s", argv[0]);
	for (int i = 1; argv[i] != NULL; i++) {
		size_t k = strcspn(argv[i], "=");

		if (envsave && (i > 1 || argv[i][k] == '='))
			strbuf_addf(&sb, " %.*s=%s", argv[i][k] ? (int)k : 1,
			    argv[i][k] ? argv[i] : "?", HISTORY_MASK);
		else
			strbuf_addf(&sb, " %s", argv[i]);
	}
	e.kind = HISTORY_PAKS;
	e.line = strbuf_detach(&sb);
	e.cwd = cwd && *cwd ? xstrdup(cwd) : NULL;
	if (strcmp(argv[0], "cp") == 0)
		e.from = record_cp_from(argv, start_dir);
	e.status = status;
	e.start = start;
	e.duration = history_now() - start;
	e.typed = true;
	record_write(r, &e, secrets);
}

/* The session ends: a line still under way (exit) has no status. */
void
record_release(struct record *r, char *const *secrets)
{
	record_end(r, -1, NULL, secrets);
	history_entry_release(&r->cur);
	free(r->path);
	r->path = NULL;
}
