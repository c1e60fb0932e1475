/*
 * Unit tests for the keystroke tracker and the trust gate
 * (src/session/linebuf.c, src/session/gate.c): which reported #command
 * lines run, are asked about, or are refused, for the keys that came
 * before them. The attacks are those of the trust-boundary issue: an
 * Enter typed into another program, a line pushed with TIOCSTI, a forged
 * report, a line changed behind the user's back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "session/gate.h"
#include "session/linebuf.h"

#define HOLE "\001"

/* The template of the first Enter in keys; "?" when unknown. */
static char *
typed(const char *keys, bool *history)
{
	struct linebuf lb;
	struct linebuf_event ev;
	size_t n = strlen(keys), k;
	char *t;

	linebuf_init(&lb);
	k = linebuf_feed(&lb, keys, n, &ev);
	assert_true(ev.enter);
	assert_int_equal(k, n);
	t = ev.known ? ev.text : strdup("?");
	if (history != NULL)
		*history = ev.history;
	if (!ev.known)
		free(ev.text);
	linebuf_release(&lb);
	return t;
}

static void
expect_line(const char *keys, const char *want)
{
	char *t = typed(keys, NULL);

	assert_string_equal(t, want);
	free(t);
}

static void
test_editing(void **state)
{
	(void)state;
	expect_line("#sizX\177e\r", "#size");
	expect_line("rm -rf /tmp/oops\025#help\r", "#help");
	/* Home, End, Left, Right: insertion at the cursor */
	expect_line("elp\033[H#h\033[F\033[D\033[C cp\r", "#help cp");
	expect_line("elp\033OH#h\033OF cp\r", "#help cp");
	expect_line("elp\001#h\005 cp\r", "#help cp");
	/* Ctrl-W, then Backspace, Ctrl-A/E */
	expect_line("#help junk\027\177\001\005\r", "#help");
	/* Ctrl-A, five Rights, Ctrl-K */
	expect_line("#size trailing\001\033[C\033[C\033[C\033[C\033[C\013\r",
	    "#size");
	/* Ctrl-U kills before the cursor only (bash, sh) */
	expect_line("abc#help\033[D\033[D\033[D\033[D\033[D\025\r", "#help");
	/* Delete and Ctrl-D at the cursor */
	expect_line("#hxelp\001\033[C\033[C\033[3~\r", "#help");
	expect_line("#hxelp\001\006\006\004\r", "#help");
	/* UTF-8: one character per Backspace and cursor step */
	expect_line("#envhost é\177e\r", "#envhost e");
	expect_line("aé\033[Db\r", "abé");
	/* Ctrl-C starts over; the terminal's own replies are not keys */
	expect_line("junk\003#help\033[12;5R\033[I\r", "#help");
	/* Tab at the end: a hole the completion fills */
	expect_line("#cp /etc/hostn\t host:x\r", "#cp /etc/hostn" HOLE " host:x");
	/* a bracketed paste keeps its line breaks */
	expect_line("\033[200~echo one\r#envhost X\r\033[201~\r",
	    "echo one\n#envhost X\n");
}

static void
test_unknown(void **state)
{
	bool history;
	char *t;

	(void)state;
	/* history keys */
	t = typed("\033[A\r", &history);
	assert_string_equal(t, "?");
	assert_true(history);
	free(t);
	t = typed("\022envho\r", &history);
	assert_string_equal(t, "?");
	assert_true(history);
	free(t);
	/* Alt-b, vi mode, movement after a completion, yank */
	t = typed("abc\033bX\r", &history);
	assert_string_equal(t, "?");
	assert_false(history);
	free(t);
	expect_line("#cp a\t\033[D\r", "?");
	expect_line("#cp a\t\177\r", "?");
	expect_line("x\031\r", "?");
	/* a DEL inside a paste: the shell may insert it or erase with it */
	expect_line("\033[200~\177h#\033[201~elp\r", "?");
	/* but Ctrl-U over a completion knows the line again */
	expect_line("#cp a\tb\025#help\r", "#help");
}

static void
test_match(void **state)
{
	const char *t = "#cp /etc/hostn" HOLE " host:x";

	(void)state;
	assert_true(linebuf_match(t, strlen(t), "#cp /etc/hostname  host:x"));
	assert_true(linebuf_match(t, strlen(t), "#cp /etc/hostname host:x"));
	assert_true(linebuf_match(t, strlen(t), "#cp /etc/hostn host:x"));
	assert_true(linebuf_match(t, strlen(t),
	    "#cp /etc/hostn\\ with\\ blanks host:x"));
	/* a completion is one word: it cannot add arguments */
	assert_false(linebuf_match(t, strlen(t),
	    "#cp /etc/hostname /etc/shadow host:x"));
	assert_false(linebuf_match(t, strlen(t), "#cp /etc/hostname host:y"));
	assert_false(linebuf_match("#help", 5, "#help "));
	assert_true(linebuf_match("#help", 5, "#help"));
	/* many holes stay linear */
	char tmpl[40], line[5000];
	memset(tmpl, LINEBUF_HOLE, 8);
	tmpl[8] = 'x';
	memset(line, 'a', 4096);
	line[4096] = 'b';
	line[4097] = '\0';
	assert_false(linebuf_match(tmpl, 9, line));
}

static enum gate_verdict
check(struct gate *g, const char *line)
{
	return gate_check(g, line);
}

static void
test_gate(void **state)
{
	struct gate g;
	bool history;

	(void)state;
	gate_init(&g);
	/* nothing typed: a report is refused */
	assert_int_equal(check(&g, "#cp host:/etc/shadow /tmp/x"), GATE_REFUSE);

	/* typed exactly: runs once */
	gate_typed(&g, strdup("#envhost HOME"), false);
	assert_int_equal(check(&g, "#envhost HOME"), GATE_RUN);
	assert_int_equal(check(&g, "#envhost HOME"), GATE_REFUSE);
	gate_prompt(&g);

	/* an Enter typed into `read -p "[Y/n]"`, then a line pushed with
	 * TIOCSTI at the next prompt: the stale Enter does not cover it */
	gate_typed(&g, strdup("y"), false);
	gate_prompt(&g);
	assert_int_equal(check(&g, "#cp host:/etc/shadow /tmp/x"), GATE_REFUSE);

	/* at this prompt the user types ls; something changes the line */
	gate_typed(&g, strdup("ls"), false);
	assert_int_equal(check(&g, "#cp host:/etc/shadow /tmp/x"), GATE_ASK);
	gate_confirmed(&g, "#cp host:/etc/shadow /tmp/x");
	gate_prompt(&g);
	gate_prompt(&g);

	/* history recall: a line already run runs; another is asked */
	gate_typed(&g, NULL, true);
	assert_int_equal(check(&g, "#envhost HOME"), GATE_RUN);
	gate_prompt(&g);
	gate_typed(&g, NULL, true);
	assert_int_equal(check(&g, "#envhost SECRET"), GATE_ASK);
	gate_prompt(&g);
	/* a recall at an earlier prompt covers nothing now */
	gate_typed(&g, NULL, true);
	gate_prompt(&g);
	assert_int_equal(check(&g, "#envhost HOME"), GATE_REFUSE);

	/* a pasted block: each of its #command lines once, in order */
	char *t = typed("\033[200~echo 1\r#envhost A\r#envhost A\r"
	    "\033[201~\r", &history);
	gate_typed(&g, t, history);
	assert_int_equal(check(&g, "#envhost A"), GATE_RUN);
	assert_int_equal(check(&g, "#envhost A"), GATE_RUN);
	assert_int_equal(check(&g, "#envhost A"), GATE_ASK);
	gate_prompt(&g);

	/* typed ahead while a command ran: matched at a later prompt */
	gate_typed(&g, strdup("sleep 2"), false);
	gate_typed(&g, strdup("#help"), false);
	gate_typed(&g, strdup("#size"), false);
	gate_line(&g);		/* sleep 2 */
	gate_prompt(&g);
	assert_int_equal(check(&g, "#help"), GATE_RUN);
	gate_prompt(&g);
	assert_int_equal(check(&g, "#size"), GATE_RUN);
	gate_release(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_editing),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_gate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
