/*
 * Keystroke tracking: where the user pressed Enter, and on what line.
 *
 * What the user types on paks's own stdin is the one thing a process in
 * the container cannot forge, so it is what decides whether a #command
 * runs (see session-gate.c). This file turns keys into the line they make
 * in the shell's editor: typing, Backspace, Delete, Ctrl-U, Ctrl-W,
 * Ctrl-K, Ctrl-C, the cursor keys, Home/End, Ctrl-A/E/B/F and bracketed
 * paste are followed exactly, at the cursor. The result is a template:
 *
 *   - text as typed; a paste keeps its line breaks ('\n'), so one Enter
 *     may carry several lines;
 *   - LINEBUF_HOLE where Tab was pressed at the end of the line: the
 *     shell completed something there that paks does not see; a hole
 *     matches one completed word (linebuf_match);
 *   - unknown, when paks cannot follow: history keys (Up, Ctrl-R, ...,
 *     which also set history), Alt keys, vi mode, yank, undo, movement
 *     after a completion, anything over LINEBUF_MAX bytes.
 *
 * Pure: bytes in, events out.
 */
#include <string.h>

#include "linebuf.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

enum { E_NONE, E_ESC, E_CSI, E_SS3 };

void
linebuf_init(struct linebuf *lb)
{
	memset(lb, 0, sizeof *lb);
}

void
linebuf_release(struct linebuf *lb)
{
	strbuf_release(&lb->line);
	strbuf_release(&lb->seq);
}

/* A new line: what the editor shows after an Enter, Ctrl-C or a prompt. */
void
linebuf_reset(struct linebuf *lb)
{
	strbuf_reset(&lb->line);
	lb->cursor = 0;
	lb->holes = 0;
	lb->unknown = false;
	lb->history = false;
}

static bool
is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/* The start of the UTF-8 character before byte offset at. */
static size_t
char_before(const struct linebuf *lb, size_t at)
{
	while (at > 0 && is_cont((unsigned char)lb->line.buf[--at]))
		;
	return at;
}

/* The end of the UTF-8 character that starts at byte offset at. */
static size_t
char_after(const struct linebuf *lb, size_t at)
{
	if (at < lb->line.len)
		at++;
	while (at < lb->line.len && is_cont((unsigned char)lb->line.buf[at]))
		at++;
	return at;
}

/* Remove bytes [from, to) of the line; a hole among them is lost text. */
static void
linebuf_cut(struct linebuf *lb, size_t from, size_t to)
{
	if (from >= to)
		return;
	for (size_t i = from; i < to; i++)
		if (lb->line.buf[i] == LINEBUF_HOLE)
			lb->holes--;
	memmove(lb->line.buf + from, lb->line.buf + to, lb->line.len - to);
	lb->line.len -= to - from;
	lb->line.buf[lb->line.len] = '\0';
	if (lb->cursor > to)
		lb->cursor -= to - from;
	else if (lb->cursor > from)
		lb->cursor = from;
}

static void
linebuf_insert(struct linebuf *lb, char c)
{
	if (lb->line.len >= LINEBUF_MAX) {
		lb->unknown = true;
		return;
	}
	strbuf_addch(&lb->line, c);	/* grows by one, then make room */
	memmove(lb->line.buf + lb->cursor + 1, lb->line.buf + lb->cursor,
	    lb->line.len - 1 - lb->cursor);
	lb->line.buf[lb->cursor++] = c;
}

/*
 * Cursor movement. After a completion the hole's width is unknown, so
 * movement can no longer be followed; at the end of the line it is a
 * no-op that keeps the template.
 */
static void
linebuf_move(struct linebuf *lb, size_t to)
{
	if (to == lb->cursor)
		return;
	if (lb->holes > 0)
		lb->unknown = true;
	lb->cursor = to;
}

/* Ctrl-W (unix-word-rubout): the blanks before the cursor, then a word. */
static void
linebuf_word(struct linebuf *lb)
{
	size_t n = lb->cursor;

	while (n > 0 && lb->line.buf[n - 1] == ' ')
		n--;
	while (n > 0 && lb->line.buf[n - 1] != ' ')
		n--;
	/* a completion may have put blanks in its word: not followable */
	if ((n < lb->cursor &&
	    memchr(lb->line.buf + n, LINEBUF_HOLE, lb->cursor - n) != NULL) ||
	    (n > 0 && lb->line.buf[n - 1] == LINEBUF_HOLE))
		lb->unknown = true;
	linebuf_cut(lb, n, lb->cursor);
}

static void
linebuf_backspace(struct linebuf *lb)
{
	size_t from = char_before(lb, lb->cursor);

	if (from < lb->cursor && lb->line.buf[from] == LINEBUF_HOLE)
		lb->unknown = true;
	linebuf_cut(lb, from, lb->cursor);
}

static void
linebuf_delete(struct linebuf *lb)
{
	size_t to = char_after(lb, lb->cursor);

	if (to > lb->cursor && lb->line.buf[lb->cursor] == LINEBUF_HOLE)
		lb->unknown = true;
	linebuf_cut(lb, lb->cursor, to);
}

/* Tab: the shell completes at the cursor; paks sees only where. */
static void
linebuf_tab(struct linebuf *lb)
{
	if (lb->cursor != lb->line.len || lb->holes >= LINEBUF_MAX_HOLES) {
		lb->unknown = true;
		return;
	}
	linebuf_insert(lb, LINEBUF_HOLE);
	lb->holes++;
}

enum key {
	K_NONE, K_LEFT, K_RIGHT, K_HOME, K_END, K_DELETE, K_HISTORY,
	K_UNKNOWN, K_PASTE_ON, K_PASTE_OFF,
};

static void
linebuf_key(struct linebuf *lb, enum key k)
{
	switch (k) {
	case K_LEFT:
		linebuf_move(lb, char_before(lb, lb->cursor));
		break;
	case K_RIGHT:
		linebuf_move(lb, char_after(lb, lb->cursor));
		break;
	case K_HOME:
		linebuf_move(lb, 0);
		break;
	case K_END:
		linebuf_move(lb, lb->line.len);
		break;
	case K_DELETE:
		linebuf_delete(lb);
		break;
	case K_HISTORY:
		lb->history = true;
		lb->unknown = true;
		break;
	case K_UNKNOWN:
		lb->unknown = true;
		break;
	case K_PASTE_ON:
		lb->paste = true;
		break;
	case K_PASTE_OFF:
		lb->paste = false;
		break;
	case K_NONE:
		break;
	}
}

/*
 * A complete CSI sequence (parameters and final byte in seq). The
 * terminal's own replies (cursor position "R", device attributes "c",
 * focus "I"/"O") are not keys and leave the line alone.
 */
static enum key
linebuf_csi(const char *s, size_t n)
{
	char final = n ? s[n - 1] : 0;

	if (strcmp(s, "200~") == 0)
		return K_PASTE_ON;
	if (strcmp(s, "201~") == 0)
		return K_PASTE_OFF;
	if (final == 'R' || final == 'c' || (n == 1 && (final == 'I' ||
	    final == 'O')))
		return K_NONE;
	if (n == 1 || (n == 2 && s[0] == '1'))
		switch (final) {
		case 'A': case 'B': return K_HISTORY;
		case 'C': return K_RIGHT;
		case 'D': return K_LEFT;
		case 'H': return K_HOME;
		case 'F': return K_END;
		}
	if (strcmp(s, "1~") == 0 || strcmp(s, "7~") == 0)
		return K_HOME;
	if (strcmp(s, "4~") == 0 || strcmp(s, "8~") == 0)
		return K_END;
	if (strcmp(s, "3~") == 0)
		return K_DELETE;
	if (strcmp(s, "5~") == 0 || strcmp(s, "6~") == 0)
		return K_HISTORY;
	return K_UNKNOWN;
}

static enum key
linebuf_ss3(unsigned char c)
{
	switch (c) {
	case 'A': case 'B': return K_HISTORY;
	case 'C': return K_RIGHT;
	case 'D': return K_LEFT;
	case 'H': return K_HOME;
	case 'F': return K_END;
	}
	return K_UNKNOWN;
}

/* One byte of an escape sequence; false when c starts none. */
static bool
linebuf_escape(struct linebuf *lb, unsigned char c)
{
	switch (lb->esc) {
	case E_ESC:
		lb->esc = c == '[' ? E_CSI : c == 'O' ? E_SS3 : E_NONE;
		/* Alt-. and Alt-< Alt-> reach into history; any Alt key is
		 * an editing command paks does not follow */
		if (lb->esc == E_NONE)
			linebuf_key(lb, strchr("._<>", c) && c ? K_HISTORY :
			    K_UNKNOWN);
		return true;
	case E_SS3:
		lb->esc = E_NONE;
		if (!lb->paste)
			linebuf_key(lb, linebuf_ss3(c));
		return true;
	case E_CSI:
		if (lb->seq.len < 32)
			strbuf_addch(&lb->seq, (char)c);
		if (c >= 0x40 && c <= 0x7e) {
			enum key k = linebuf_csi(strbuf_str(&lb->seq),
			    lb->seq.len);
			lb->esc = E_NONE;
			strbuf_reset(&lb->seq);
			/* inside a paste only its end counts */
			if (!lb->paste || k == K_PASTE_OFF)
				linebuf_key(lb, k);
			else
				lb->unknown = true;
		}
		return true;
	}
	if (c != '\033')
		return false;
	lb->esc = E_ESC;
	strbuf_reset(&lb->seq);
	return true;
}

/* A control key outside a paste (Enter is handled by the caller). */
static void
linebuf_control(struct linebuf *lb, unsigned char c)
{
	switch (c) {
	case 0x7f: case 0x08: linebuf_backspace(lb); break;
	case 0x01: linebuf_key(lb, K_HOME); break;	/* Ctrl-A */
	case 0x05: linebuf_key(lb, K_END); break;	/* Ctrl-E */
	case 0x02: linebuf_key(lb, K_LEFT); break;	/* Ctrl-B */
	case 0x06: linebuf_key(lb, K_RIGHT); break;	/* Ctrl-F */
	case 0x04: linebuf_delete(lb); break;		/* Ctrl-D */
	case 0x09: linebuf_tab(lb); break;
	case 0x0b: linebuf_cut(lb, lb->cursor, lb->line.len); break;
	case 0x15:					/* Ctrl-U */
		linebuf_cut(lb, 0, lb->kill_whole ? lb->line.len : lb->cursor);
		break;
	case 0x17: linebuf_word(lb); break;		/* Ctrl-W */
	case 0x03: linebuf_reset(lb); break;		/* Ctrl-C */
	/* redraw, and the signal keys an idle prompt ignores */
	case 0x0c: case 0x1a: case 0x1c: break;
	/* Ctrl-P/N/R/S/O: history */
	case 0x10: case 0x0e: case 0x12: case 0x13: case 0x0f:
		linebuf_key(lb, K_HISTORY);
		break;
	default:
		lb->unknown = true;
	}
}

/*
 * Consume bytes up to and including the next Enter (then ev->enter is
 * set), or all of them. Returns the number of bytes consumed.
 */
size_t
linebuf_feed(struct linebuf *lb, const char *buf, size_t n,
    struct linebuf_event *ev)
{
	memset(ev, 0, sizeof *ev);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (linebuf_escape(lb, c))
			continue;
		if (lb->paste) {
			/* the editor takes a paste as text, line breaks too */
			if (c == '\r' || c == '\n')
				linebuf_insert(lb, '\n');
			else if (c == '\t' || (c >= 0x20 && c != 0x7f))
				linebuf_insert(lb, (char)c);
			else	/* DEL too: a shell may take it either way */
				lb->unknown = true;
			continue;
		}
		if (c == '\r' || c == '\n') {
			ev->enter = true;
			ev->known = !lb->unknown;
			ev->history = lb->history;
			if (ev->known)
				ev->text = xstrdup(strbuf_str(&lb->line));
			linebuf_reset(lb);
			return i + 1;
		}
		if (c < 0x20 || c == 0x7f)
			linebuf_control(lb, c);
		else
			linebuf_insert(lb, (char)c);
	}
	return n;
}

/* A template that is plain text: one line, no completion in it. */
bool
linebuf_exact(const char *t)
{
	for (; *t; t++)
		if (*t == '\n' || *t == LINEBUF_HOLE)
			return false;
	return true;
}

/*
 * Where a completion may end if it starts at each byte of l: one word,
 * its blanks escaped ("a\ b"), with at most one blank after it, and no
 * control byte. end[p] is the furthest end for a start at p.
 */
static void
hole_ends(const char *l, size_t n, size_t *end)
{
	size_t bad = n;	/* the first byte at or after i a word cannot hold */

	end[n] = n;
	for (size_t i = n; i-- > 0;) {
		unsigned char c = (unsigned char)l[i];
		if (c < 0x20 || c == 0x7f)
			bad = i;
		else if (c == ' ' && (i == 0 || l[i - 1] != '\\'))
			bad = i;
		end[i] = bad < n && l[bad] == ' ' ? bad + 1 : bad;
	}
}

/*
 * Whether line is what the template line t (tn bytes, no '\n') makes:
 * the same text, each hole filled by one completed word. The set of
 * line offsets each template prefix can reach, step by step: linear in
 * the line for each template byte, however many holes.
 */
bool
linebuf_match(const char *t, size_t tn, const char *line)
{
	size_t n = strlen(line), reach;
	_cleanup_free_ bool *at = xcalloc(n + 1, sizeof *at);
	_cleanup_free_ bool *next = xcalloc(n + 1, sizeof *next);
	_cleanup_free_ size_t *end = NULL;
	bool any = true;

	if (memchr(t, LINEBUF_HOLE, tn) == NULL)
		return tn == n && memcmp(t, line, n) == 0;
	end = xcalloc(n + 1, sizeof *end);
	hole_ends(line, n, end);
	at[0] = true;
	for (size_t i = 0; i < tn && any; i++) {
		any = false;
		memset(next, 0, (n + 1) * sizeof *next);
		if (t[i] == LINEBUF_HOLE) {
			reach = 0;
			for (size_t p = 0; p <= n; p++) {
				if (at[p] && end[p] + 1 > reach)
					reach = end[p] + 1;
				next[p] = reach > p;
			}
		} else {
			for (size_t p = 0; p < n; p++)
				next[p + 1] = at[p] && line[p] == t[i];
		}
		for (size_t p = 0; p <= n; p++)
			any |= (at[p] = next[p]);
	}
	return any && at[n];
}
