/*
 * Keystroke tracking: where the user pressed Enter, and on what line.
 *
 * For shells without hooks (busybox sh, dash) this is how paks knows the
 * line: typing, Backspace, Ctrl-U, Ctrl-W, Ctrl-C and Enter are followed
 * exactly; anything it cannot follow (cursor keys, Tab completion, other
 * control keys) marks the line unknown, and an unknown line is never taken
 * as a #command. For every shell it also finds the Enter keys, ignoring
 * newlines inside a bracketed paste. Pure: bytes in, events out.
 */
#include <string.h>

#include "linebuf.h"
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

void
linebuf_reset(struct linebuf *lb)
{
	strbuf_reset(&lb->line);
	lb->unknown = false;
}

/* Remove the last UTF-8 character. */
static void
linebuf_backspace(struct linebuf *lb)
{
	while (lb->line.len > 0) {
		unsigned char c = (unsigned char)lb->line.buf[--lb->line.len];
		if ((c & 0xc0) != 0x80)
			break;
	}
	if (lb->line.buf != NULL)
		lb->line.buf[lb->line.len] = '\0';
}

/* Ctrl-W: the word before the cursor, and the blanks after it. */
static void
linebuf_word(struct linebuf *lb)
{
	size_t n = lb->line.len;

	while (n > 0 && lb->line.buf[n - 1] == ' ')
		n--;
	while (n > 0 && lb->line.buf[n - 1] != ' ')
		n--;
	lb->line.len = n;
	if (lb->line.buf != NULL)
		lb->line.buf[n] = '\0';
}

/*
 * A CSI sequence is complete. Paste brackets switch paste mode; the
 * terminal's own replies (cursor position "R", device attributes "c",
 * focus "I"/"O") are not keys and leave the line alone; anything else is
 * an editing key paks does not follow.
 */
static void
linebuf_csi_done(struct linebuf *lb)
{
	const char *s = strbuf_str(&lb->seq);
	char final = lb->seq.len ? s[lb->seq.len - 1] : 0;

	if (strcmp(s, "200~") == 0)
		lb->paste = true;
	else if (strcmp(s, "201~") == 0)
		lb->paste = false;
	else if (final == 'R' || final == 'c' ||
	    (lb->seq.len == 1 && (final == 'I' || final == 'O')))
		;
	else
		lb->unknown = true;
	strbuf_reset(&lb->seq);
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

		switch (lb->esc) {
		case E_ESC:
			lb->esc = c == '[' ? E_CSI : c == 'O' ? E_SS3 : E_NONE;
			if (lb->esc == E_NONE)
				lb->unknown = true; /* Alt-key */
			continue;
		case E_SS3:
			lb->esc = E_NONE;
			lb->unknown = true;
			continue;
		case E_CSI:
			if (c >= 0x40 && c <= 0x7e) {
				strbuf_addch(&lb->seq, (char)c);
				lb->esc = E_NONE;
				linebuf_csi_done(lb);
			} else if (lb->seq.len < 32)
				strbuf_addch(&lb->seq, (char)c);
			continue;
		}
		if (c == '\033') {
			lb->esc = E_ESC;
			strbuf_reset(&lb->seq);
			continue;
		}
		if ((c == '\r' || c == '\n') && !lb->paste) {
			ev->enter = true;
			ev->known = !lb->unknown;
			if (ev->known)
				ev->text = xstrdup(strbuf_str(&lb->line));
			linebuf_reset(lb);
			return i + 1;
		}
		if (lb->paste) {
			/* a pasted newline stays in the shell's edit buffer */
			lb->unknown = true;
			continue;
		}
		switch (c) {
		case 0x7f:
		case 0x08:
			linebuf_backspace(lb);
			break;
		case 0x15: /* Ctrl-U */
		case 0x03: /* Ctrl-C */
			linebuf_reset(lb);
			break;
		case 0x17: /* Ctrl-W */
			linebuf_word(lb);
			break;
		default:
			if (c < 0x20)
				lb->unknown = true;
			else if (lb->line.len < 4096)
				strbuf_addch(&lb->line, (char)c);
			else
				lb->unknown = true;
		}
	}
	return n;
}
