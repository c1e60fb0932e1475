/*
 * Text for people and for shells: byte sizes, words quoted for sh, and how
 * far apart two words are (for "did you mean").
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "text.h"
#include "xalloc.h"

/*
 * "812 B", "1.0 kB", "127.6 MB": powers of 1000 and one decimal, as docker
 * and podman print sizes. A number that would round to 1000.0 moves up a
 * unit ("1.0 MB", not "1000.0 kB").
 */
char *
text_size(uint64_t bytes)
{
	static const char *const units[] = { "kB", "MB", "GB", "TB" };
	double v = (double)bytes / 1000;
	size_t u = 0;

	if (bytes < 1000)
		return xasprintf("%" PRIu64 " B", bytes);
	while (v >= 999.95 && u + 1 < sizeof units / sizeof units[0]) {
		v /= 1000;
		u++;
	}
	return xasprintf("%.1f %s", v, units[u]);
}

/*
 * Append s as one word for a POSIX shell: as it is when no byte of it is
 * special to sh, else in single quotes, with ' written '\''.
 */
void
text_shell_quote(struct strbuf *sb, const char *s)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=@,+%";

	if (*s != '\0' && strspn(s, plain) == strlen(s)) {
		strbuf_adds(sb, s);
		return;
	}
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_adds(sb, "'\\''");
		else
			strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

/*
 * Edit distance with transpositions (optimal string alignment): "stauts"
 * is one step from "status". Three rows, so any length works.
 */
size_t
text_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t *rows = xcalloc(3 * (lb + 1), sizeof *rows);
	size_t *pp = rows, *p = rows + lb + 1, *c = rows + 2 * (lb + 1);
	size_t d;

	for (size_t j = 0; j <= lb; j++)
		p[j] = j;
	for (size_t i = 1; i <= la; i++) {
		c[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t best = p[j - 1] + (a[i - 1] != b[j - 1]);

			if (p[j] + 1 < best)
				best = p[j] + 1;
			if (c[j - 1] + 1 < best)
				best = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < best)
				best = pp[j - 2] + 1;
			c[j] = best;
		}
		size_t *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	d = p[lb];
	free(rows);
	return d;
}

/*
 * What an engine, a plugin or the container said, made plain text for
 * the terminal: control bytes (but a line break) and UTF-8-encoded C1
 * controls become '?', so no escape sequence (a title, OSC 52, paks's
 * own OSC 6973) rides on a message or a listing.
 */
void
text_plain(char *s)
{
	for (unsigned char *p = (unsigned char *)s; *p; p++) {
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			*p = '?';
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			*p = '?';
			memmove(p + 1, p + 2, strlen((char *)p + 2) + 1);
		}
	}
}
