/*
 * Fuzz #command line splitting (src/session/hashline.c) with any line a user
 * may submit. Properties:
 *
 *  - a line that splits gives words that, each put back in single quotes,
 *    split again to the same words (the splitter and its documented
 *    quoting agree);
 *  - a line that does not split gives an error with a message;
 *  - a line without quotes or backslashes splits exactly on blanks.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "session/hashline.h"
#include "util/strbuf.h"
#include "util/strv.h"

/* word in single quotes; a quote inside is written '\'' */
static void
quote(struct strbuf *sb, const char *word)
{
	strbuf_addch(sb, '\'');
	for (const char *p = word; *p; p++) {
		if (*p == '\'')
			strbuf_adds(sb, "'\\''");
		else
			strbuf_addch(sb, *p);
	}
	strbuf_addch(sb, '\'');
}

static void
same_words(const struct strv *a, const struct strv *b, const char *why)
{
	FUZZ_CHECK(a->n == b->n, "%s: %zu words, then %zu", why, a->n, b->n);
	for (size_t i = 0; i < a->n; i++)
		FUZZ_CHECK(strcmp(a->v[i], b->v[i]) == 0, "%s: word %zu", why,
		    i);
}

/* A line of plain words split on blanks, the way it must split. */
static void
plain_words(const char *line, struct strv *out)
{
	const char *p = line[0] == '#' ? line + 1 : line;

	while (*p) {
		size_t n;

		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		if (n > 0) {
			char *w = strndup(p, n);
			strv_push(out, w);
			free(w);
		}
		p += n;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_cstr(data, size);
	struct strv words = STRV_INIT;
	struct paks_error *err = NULL;

	(void)hashline_is_command(line);
	if (hashline_split(line, &words, &err) < 0) {
		FUZZ_CHECK(err != NULL && err->msg != NULL, "no message");
		paks_error_free(err);
	} else {
		struct strbuf again = STRBUF_INIT;
		struct strv back = STRV_INIT;

		FUZZ_CHECK(err == NULL, "an error on success");
		strbuf_addch(&again, '#');
		for (size_t i = 0; i < words.n; i++) {
			if (i > 0)
				strbuf_addch(&again, ' ');
			quote(&again, words.v[i]);
		}
		FUZZ_CHECK(hashline_split(strbuf_str(&again), &back, &err) == 0,
		    "quoted words do not split: %s", strbuf_str(&again));
		same_words(&words, &back, "quoted again");
		strv_release(&back);
		if (strpbrk(line, "'\"\\") == NULL) {
			plain_words(line, &back);
			same_words(&words, &back, "plain words");
			strv_release(&back);
		}
		strbuf_release(&again);
	}
	strv_release(&words);
	free(line);
	return 0;
}
