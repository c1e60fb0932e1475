/*
 * Fuzz the keystroke tracker (src/session/linebuf.c) with what a user (or a
 * paste, or the terminal's own replies) may send. The input is fed whole,
 * in random chunks and one byte at a time, as session_feed_input feeds it;
 * each way must find the same Enter keys with the same lines. Also:
 *
 *  - every call consumes at least one byte, and stops right after an Enter
 *    (CR or LF) or at the end of its input;
 *  - a known line is text paks could have followed: no control bytes but
 *    the line breaks and tabs of a paste and the holes of completions, no
 *    DEL, at most 4096 bytes; an unknown line carries no text;
 *  - the tracker's cursor stays within its line and its hole count is
 *    the number of holes in it;
 *  - each line of a known template matches itself with every hole filled
 *    by a word (linebuf_match), and an exact one does not match itself
 *    with a byte added.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "session/linebuf.h"
#include "util/strbuf.h"

/* Each line of template t, its holes filled, matches it. */
static void
check_match(const char *t)
{
	const char *line = t, *nl;

	do {
		struct strbuf filled = STRBUF_INIT;
		size_t n;

		nl = strchr(line, '\n');
		n = nl ? (size_t)(nl - line) : strlen(line);
		for (size_t i = 0; i < n; i++) {
			if (line[i] == LINEBUF_HOLE)
				strbuf_adds(&filled, i % 2 ? "word\\ x " : "");
			else
				strbuf_addch(&filled, line[i]);
		}
		FUZZ_CHECK(linebuf_match(line, n, strbuf_str(&filled)),
		    "a template line does not match its own filling");
		if (memchr(line, LINEBUF_HOLE, n) == NULL) {
			strbuf_addch(&filled, 'x');
			FUZZ_CHECK(!linebuf_match(line, n, strbuf_str(&filled)),
			    "an exact line matches a longer one");
		}
		strbuf_release(&filled);
		line = nl ? nl + 1 : NULL;
	} while (line != NULL);
}

static void
check_event(const struct linebuf_event *ev, const char *buf, size_t k,
    size_t n)
{
	if (!ev->enter) {
		FUZZ_CHECK(k == n, "stopped at %zu of %zu without Enter", k, n);
		FUZZ_CHECK(ev->text == NULL, "text without Enter");
		return;
	}
	FUZZ_CHECK(buf[k - 1] == '\r' || buf[k - 1] == '\n',
	    "Enter at a byte %#x", (unsigned char)buf[k - 1]);
	if (!ev->known) {
		FUZZ_CHECK(ev->text == NULL, "text of an unknown line");
		return;
	}
	FUZZ_CHECK(ev->text != NULL, "known line without text");
	FUZZ_CHECK(strlen(ev->text) <= 4096, "line of %zu bytes",
	    strlen(ev->text));
	for (const char *p = ev->text; *p; p++)
		FUZZ_CHECK(((unsigned char)*p >= 0x20 && *p != 0x7f) ||
		    *p == '\n' || *p == '\t' || *p == LINEBUF_HOLE,
		    "byte %#x in a known line", (unsigned char)*p);
	check_match(ev->text);
}

/* Feed in chunks of at most max bytes (0: random sizes); log the Enters. */
static void
feed(struct strbuf *log, size_t max, const uint8_t *data, size_t size)
{
	struct linebuf lb;
	uint64_t rng = fuzz_hash(data, size);
	size_t off = 0;

	linebuf_init(&lb);
	while (off < size) {
		size_t chunk = max ? max : fuzz_next_chunk(&rng, 64);
		const char *buf = (const char *)data + off;
		size_t n = chunk < size - off ? chunk : size - off;

		while (n > 0) {
			struct linebuf_event ev;
			size_t k = linebuf_feed(&lb, buf, n, &ev);

			FUZZ_CHECK(k > 0 && k <= n, "consumed %zu of %zu", k,
			    n);
			FUZZ_CHECK(lb.cursor <= lb.line.len, "cursor %zu past "
			    "the line's %zu bytes", lb.cursor, lb.line.len);
			int holes = 0;
			for (size_t i = 0; i < lb.line.len; i++)
				holes += lb.line.buf[i] == LINEBUF_HOLE;
			FUZZ_CHECK(holes == lb.holes, "%d holes counted as %d",
			    holes, lb.holes);
			check_event(&ev, buf, k, n);
			off += k;
			if (ev.enter)
				strbuf_addf(log, "%zu:%d:%d:%zu:%s\n", off,
				    ev.known, ev.history,
				    ev.text ? strlen(ev.text) : 0,
				    ev.text ? ev.text : "");
			free(ev.text);
			buf += k;
			n -= k;
		}
	}
	linebuf_release(&lb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf whole = STRBUF_INIT, split = STRBUF_INIT;
	struct strbuf bytes = STRBUF_INIT;

	if (size > 1 << 16)
		return 0;
	feed(&whole, size ? size : 1, data, size);
	feed(&split, 0, data, size);
	feed(&bytes, 1, data, size);
	FUZZ_CHECK(whole.len == split.len && whole.len == bytes.len &&
	    (whole.len == 0 || (memcmp(whole.buf, split.buf, whole.len) == 0 &&
	    memcmp(whole.buf, bytes.buf, whole.len) == 0)),
	    "the lines depend on how the input is split:\n%s---\n%s---\n%s",
	    strbuf_str(&whole), strbuf_str(&split), strbuf_str(&bytes));
	strbuf_release(&whole);
	strbuf_release(&split);
	strbuf_release(&bytes);
	return 0;
}
