/* Unit tests for the integration-message parser (src/session/shellhook.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "session/shellhook.h"
#include "util/strbuf.h"

#define NONCE "9f86d081884c7d659a2feaa0c55ad015"

/* Feed text as session_output does; the passthrough goes to out and the
 * event types to types (one letter each, 'a' + type). */
static void
feed(const char *text, struct strbuf *out, char *types)
{
	struct shellhook h;
	size_t n = strlen(text), k = 0;

	shellhook_init(&h, NONCE);
	while (n > 0) {
		struct hook_event ev;
		size_t used = shellhook_feed(&h, text, n, out, &ev);

		if (ev.type != HOOK_NONE)
			types[k++] = (char)('a' + ev.type);
		hook_event_release(&ev);
		text += used;
		n -= used;
	}
	types[k] = '\0';
	shellhook_release(&h);
}

static void
expect(const char *in, const char *want_out, const char *want_types)
{
	struct strbuf out = STRBUF_INIT;
	char types[64];

	feed(in, &out, types);
	assert_string_equal(strbuf_str(&out), want_out);
	assert_string_equal(types, want_types);
	strbuf_release(&out);
}

static void
test_messages(void **state)
{
	(void)state;
	expect("a\033]6973;P;" NONCE "\007b", "ab", "d");
	expect("\033]6973;L;" NONCE "\033\\", "", "f");
	expect("\033]6973;C;" NONCE ";5;1;#help/\007", "", "g");
	expect("\033]6973;P;00000000000000000000000000000000\007", "", "l");
	/* the shell's end: with the nonce only */
	expect("\033]6973;X;" NONCE "\007", "", "k");
	expect("\033]6973;X;00000000000000000000000000000000\007", "", "l");
	expect("\033]6973;X\007", "", "l");
}

/* Event of one message, with its text and pwd (NULL: none). */
static void
expect_event(const char *in, enum hook_type type, const char *text,
    const char *pwd)
{
	struct shellhook h;
	struct hook_event ev;
	struct strbuf out = STRBUF_INIT;

	shellhook_init(&h, NONCE);
	assert_int_equal(shellhook_feed(&h, in, strlen(in), &out, &ev),
	    strlen(in));
	assert_int_equal(ev.type, type);
	if (text == NULL)
		assert_null(ev.text);
	else
		assert_string_equal(ev.text, text);
	if (pwd == NULL)
		assert_null(ev.pwd);
	else
		assert_string_equal(ev.pwd, pwd);
	assert_int_equal(out.len, 0);
	hook_event_release(&ev);
	shellhook_release(&h);
	strbuf_release(&out);
}

/* The record's messages: "L" with the line, "S" with the status. */
static void
test_record_messages(void **state)
{
	(void)state;
	expect_event("\033]6973;L;" NONCE "\007", HOOK_LINE, NULL, NULL);
	expect_event("\033]6973;L;" NONCE ";5;5;ls -l/root\007", HOOK_LINE,
	    "ls -l", "/root");
	/* a line holds anything, BEL and ESC included: its length says */
	expect_event("\033]6973;L;" NONCE ";4;1;a\007\033b/\007", HOOK_LINE,
	    "a\007\033b", "/");
	expect_event("\033]6973;S;" NONCE ";3;4;127/tmp\007", HOOK_STATUS,
	    "127", "/tmp");
	expect_event("\033]6973;S;" NONCE ";1;1;0/\007", HOOK_STATUS, "0", "/");
	/* not a status: not a number, too big, empty */
	expect_event("\033]6973;S;" NONCE ";1;1;x/\007", HOOK_FORGED, NULL,
	    NULL);
	expect_event("\033]6973;S;" NONCE ";3;1;256/\007", HOOK_FORGED, NULL,
	    NULL);
	expect_event("\033]6973;S;" NONCE ";0;1;/\007", HOOK_FORGED, NULL,
	    NULL);
	expect_event("\033]6973;S;" NONCE "\007", HOOK_FORGED, NULL, NULL);
	/* wrong nonce, lengths that lie */
	expect_event("\033]6973;L;00000000000000000000000000000000;1;1;a/\007",
	    HOOK_FORGED, NULL, NULL);
	expect("\033]6973;L;" NONCE ";1;1;ab/\007", "\007", "l");
}

static void
test_other_sequences_pass(void **state)
{
	(void)state;
	expect("\033[1mB\033[0m", "\033[1mB\033[0m", "");
	expect("\033]0;title\007", "\033]0;title\007", "");
	expect("\033]697x", "\033]697x", "");
}

/*
 * Found by tests/fuzz/fuzz-shellhook: held bytes of a prefix that another
 * ESC cut short were given back, and a message removed right after them
 * joined them with the text after it into a new "ESC ] 6973 ;" on the
 * user's terminal. They are dropped now, as a terminal drops an escape
 * sequence that another ESC cuts short.
 */
static void
test_no_splice(void **state)
{
	(void)state;
	expect("\033\033]6973;\007]6973;C;x\007", "]6973;C;x\007", "l");
	expect("\033]69\033]6973;P;" NONCE "\00773;L\007", "73;L\007", "d");
	expect("\033\033[A", "\033[A", "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_other_sequences_pass),
		cmocka_unit_test(test_no_splice),
		cmocka_unit_test(test_record_messages),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
