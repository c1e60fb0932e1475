/*
 * Fuzz the session record's reader (src/store/history.c) with any file: a
 * record on the host, or one an image carries (/.paks/history), which the
 * image's author wrote. Properties:
 *
 *  - every entry read is written back as exactly one line, ASCII only,
 *    that reads again as the same entry;
 *  - masking an entry's line with a value cut from it leaves the value
 *    nowhere in it (when the value is long enough to be masked).
 */
#include <stdbool.h>

#include "fuzz.h"
#include "store/history.h"
#include "util/strbuf.h"

static bool
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
round_trip(const struct history_entry *e)
{
	struct strbuf sb = STRBUF_INIT;
	struct history_entry back;

	FUZZ_CHECK(history_format(e, &sb) == 0, "cannot format");
	FUZZ_CHECK(sb.len > 0 && memchr(sb.buf, '\n', sb.len) ==
	    sb.buf + sb.len - 1, "not one line");
	for (size_t i = 0; i < sb.len; i++)
		FUZZ_CHECK((unsigned char)sb.buf[i] < 0x80, "not ASCII");
	FUZZ_CHECK(history_parse(sb.buf, sb.len - 1, &back) == 0,
	    "does not read back: %s", sb.buf);
	/* a byte that is not UTF-8 was written as '?': compare the rest */
	FUZZ_CHECK(strlen(back.line) == strlen(e->line), "line length");
	FUZZ_CHECK(same_str(back.session, e->session), "session");
	FUZZ_CHECK(back.status == e->status && back.start == e->start &&
	    back.duration == e->duration && back.typed == e->typed &&
	    back.kind == e->kind, "numbers");
	history_entry_release(&back);
	strbuf_release(&sb);
}

static void
masked(const struct history_entry *e)
{
	size_t n = strlen(e->line);
	char *line, *value;
	char *secrets[2];

	if (n < HISTORY_MASK_MIN)
		return;
	value = strndup(e->line + n / 3, n - n / 3);
	line = strdup(e->line);
	secrets[0] = value;
	secrets[1] = NULL;
	history_mask(&line, secrets);
	if (strlen(value) >= HISTORY_MASK_MIN)
		FUZZ_CHECK(strstr(line, value) == NULL, "value left in line");
	free(line);
	free(value);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct history h = HISTORY_INIT;

	history_parse_all((const char *)data, size, &h);
	for (size_t i = 0; i < h.n; i++) {
		round_trip(&h.v[i]);
		masked(&h.v[i]);
	}
	history_sort(&h);
	for (size_t i = 1; i < h.n; i++)
		FUZZ_CHECK(h.v[i - 1].start <= h.v[i].start, "not sorted");
	history_release(&h);
	return 0;
}
