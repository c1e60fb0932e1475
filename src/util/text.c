/* Text for people and for shells: byte sizes, and words quoted for sh. */
#include <inttypes.h>
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
