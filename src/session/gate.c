/*
 * The trust gate: whether a #command line the shell reports may run.
 *
 * The shell, its rc files and every process in the container are the
 * image's, so what the shell reports proves nothing by itself; a process
 * can also push keys into the shell's input (TIOCSTI). What the user types
 * on paks's own stdin is the one proof: each Enter typed there leaves an
 * entry with the line the keystrokes made (linebuf.c). A reported line
 * runs only when it is, byte for byte, a line of such an entry (holes
 * filled by completions), each typed line once. After a history key the
 * text is not known: a line recalled at the prompt runs if it is one the
 * user already ran in this session; any other line whose Enter was typed
 * at this prompt is shown and runs only if the user answers y on paks's
 * own stdin (GATE_ASK); anything else is refused.
 *
 * Pure: no I/O, so the rules are unit-tested and fuzzed as they are.
 */
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "linebuf.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define GATE_MAX_AGE 8		/* prompts a typed-ahead line waits */
#define GATE_MAX_TRUSTED 256

void
gate_init(struct gate *g)
{
	memset(g, 0, sizeof *g);
	g->last = -1;
}

void
gate_release(struct gate *g)
{
	for (int i = 0; i < g->n; i++)
		free(g->q[i].tmpl);
	strv_release(&g->trusted);
	gate_init(g);
}

/* Drop entries [0, k): consumed, or passed over by the shell. */
static void
gate_drop(struct gate *g, int k)
{
	for (int i = 0; i < k; i++)
		free(g->q[i].tmpl);
	memmove(g->q, g->q + k, (size_t)(g->n - k) * sizeof *g->q);
	g->n -= k;
	g->last = -1;
}

/*
 * The user pressed Enter; tmpl (taken) is the linebuf template, NULL when
 * unknown. A line typed elsewhere than at the shell's prompt (into a
 * program that reads) is kept too: it can only ever match its own text.
 */
void
gate_typed(struct gate *g, char *tmpl, bool history)
{
	if (g->n == GATE_QUEUE)
		gate_drop(g, 1);
	g->q[g->n++] = (struct gate_typed){ .tmpl = tmpl, .history = history };
}

/* The shell shows a prompt: typed lines age; old ones go. */
void
gate_prompt(struct gate *g)
{
	int keep = 0;

	for (int i = 0; i < g->n; i++) {
		if (++g->q[i].age > GATE_MAX_AGE) {
			free(g->q[i].tmpl);
			continue;
		}
		g->q[keep++] = g->q[i];
	}
	g->n = keep;
	g->last = -1;
}

/* The shell took an ordinary line: the oldest typed line was it. */
void
gate_line(struct gate *g)
{
	if (g->n > 0)
		gate_drop(g, 1);
}

static void
gate_trust(struct gate *g, const char *line)
{
	for (size_t i = 0; i < g->trusted.n; i++)
		if (strcmp(g->trusted.v[i], line) == 0)
			return;
	if (g->trusted.n == GATE_MAX_TRUSTED) {
		free(g->trusted.v[0]);
		memmove(g->trusted.v, g->trusted.v + 1,
		    (g->trusted.n - 1) * sizeof *g->trusted.v);
		g->trusted.v[--g->trusted.n] = NULL;
	}
	strv_push(&g->trusted, line);
}

static bool
gate_is_trusted(const struct gate *g, const char *line)
{
	for (size_t i = 0; i < g->trusted.n; i++)
		if (strcmp(g->trusted.v[i], line) == 0)
			return true;
	return false;
}

/*
 * Whether line is one of the template's lines from its next unused one;
 * then those before it and it are used.
 */
static bool
gate_match(struct gate_typed *e, const char *line)
{
	const char *t = e->tmpl;
	size_t i = 0;

	for (;;) {
		const char *nl = strchr(t, '\n');
		size_t n = nl ? (size_t)(nl - t) : strlen(t);

		if (i >= e->next && linebuf_match(t, n, line)) {
			e->next = i + 1;
			return true;
		}
		if (nl == NULL)
			return false;
		t = nl + 1;
		i++;
	}
}

/* Whether every line of the entry's template has been used. */
static bool
gate_spent(const struct gate_typed *e)
{
	size_t lines = 1;

	for (const char *p = e->tmpl; *p; p++)
		lines += *p == '\n';
	return e->next >= lines;
}

enum gate_verdict
gate_check(struct gate *g, const char *line)
{
	for (int i = 0; i < g->n; i++) {
		struct gate_typed *e = &g->q[i];

		if (e->tmpl == NULL || !gate_match(e, line))
			continue;
		/* lines typed before it went elsewhere */
		gate_drop(g, i);
		if (gate_spent(&g->q[0]))
			gate_drop(g, 1);
		gate_trust(g, line);
		return GATE_RUN;
	}
	/* typed at this prompt (no prompt since its Enter) */
	for (int i = g->n - 1; i >= 0; i--) {
		if (g->q[i].age != 0)
			continue;
		if (g->q[i].history && gate_is_trusted(g, line)) {
			gate_drop(g, i + 1);
			return GATE_RUN;
		}
		g->last = i;
		return GATE_ASK;
	}
	return GATE_REFUSE;
}

/* The user answered y to GATE_ASK for line: its Enter is spent. */
void
gate_confirmed(struct gate *g, const char *line)
{
	if (g->last >= 0 && g->last < g->n)
		gate_drop(g, g->last + 1);
	gate_trust(g, line);
}

/*
 * For the record only (it decides nothing): whether an Enter the user
 * typed, not yet matched to a line, can have made line. The oldest such
 * Enter is the line's; its text, when paks could follow it, must be line,
 * each line of a pasted block in turn.
 */
bool
gate_seen(const struct gate *g, const char *line)
{
	const char *t, *l = line;

	if (g->n == 0)
		return false;
	if ((t = g->q[0].tmpl) == NULL)
		return true;
	for (;;) {
		const char *tn = strchr(t, '\n'), *ln = strchr(l, '\n');
		size_t tlen = tn ? (size_t)(tn - t) : strlen(t);
		_cleanup_free_ char *one = ln ? xstrndup(l, (size_t)(ln - l)) :
		    NULL;

		if (!linebuf_match(t, tlen, one ? one : l))
			return false;
		if (tn == NULL || ln == NULL)
			return tn == NULL && ln == NULL;
		t = tn + 1;
		l = ln + 1;
	}
}

bool
gate_pending(const struct gate *g)
{
	return g->n > 0;
}
