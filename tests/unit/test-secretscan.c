/* Unit tests for the secret scan's matcher and diff reading
 * (src/image/secretscan.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "image/secretscan.h"

static void
test_find(void **state)
{
	char *values[] = { "hunter2-secret", "abc", "ushers", "she-sells",
		NULL };
	struct secretscan m;

	(void)state;
	secretscan_init(&m, values);
	assert_int_equal(m.nvalues, 3);	/* "abc" is too short */
	assert_true(secretscan_find(&m, "x=hunter2-secret\n", 17));
	assert_false(secretscan_find(&m, "x=hunter2-secre\n", 16));
	assert_false(secretscan_find(&m, "abc abc abc", 11));
	/* overlapping values, and one ending inside another's prefix */
	assert_true(secretscan_find(&m, "she-sellushers", 14));
	assert_true(secretscan_find(&m, "ushe-she-sells", 14));
	assert_false(secretscan_find(&m, "ushe-she-sell", 13));
	/* binary input, NUL bytes included */
	assert_true(secretscan_find(&m, "\0\377ushers\0", 10));
	secretscan_release(&m);
}

/* A value split across two pieces is still found: the state carries. */
static void
test_feed_pieces(void **state)
{
	char *values[] = { "tok-123456-xyz", NULL };
	struct secretscan m;
	uint32_t st = 0;

	(void)state;
	secretscan_init(&m, values);
	assert_false(secretscan_feed(&m, &st, "aaaa tok-1234", 13));
	assert_true(secretscan_feed(&m, &st, "56-xyz bbb", 10));
	st = 0;
	assert_false(secretscan_feed(&m, &st, "tok-1234", 8));
	st = 0;	/* a new file starts over */
	assert_false(secretscan_feed(&m, &st, "56-xyz", 6));
	secretscan_release(&m);
}

/* Only a long value's prefix is looked for; no value at all finds nothing. */
static void
test_long_and_none(void **state)
{
	char *big = malloc(4001), *text = malloc(4100);
	char *values[] = { big, NULL };
	struct secretscan m;

	(void)state;
	for (int i = 0; i < 4000; i++)
		big[i] = (char)('a' + i % 23);
	big[4000] = '\0';
	secretscan_init(&m, values);
	assert_int_equal(m.nstates, SECRETSCAN_PREFIX + 1);
	memcpy(text, "k=", 2);
	memcpy(text + 2, big, 4000);
	assert_true(secretscan_find(&m, text, 4002));
	secretscan_release(&m);
	secretscan_init(&m, NULL);
	assert_false(secretscan_find(&m, text, 4002));
	secretscan_release(&m);
	free(big);
	free(text);
}

static void
test_diff_parse(void **state)
{
	struct strv p = STRV_INIT;

	(void)state;
	assert_int_equal(secretscan_diff_parse("C /root\nA /root/.netrc\n"
	    "D /etc/gone\nA /root-x\nC /root/a b\r\nA relative\nA /r\n", &p),
	    5);
	/* a directory's own paths follow it at once */
	assert_string_equal(p.v[0], "/r");
	assert_string_equal(p.v[1], "/root");
	assert_string_equal(p.v[2], "/root/.netrc");
	assert_string_equal(p.v[3], "/root/a b");
	assert_string_equal(p.v[4], "/root-x");
	strv_release(&p);
	assert_int_equal(secretscan_diff_parse("", &p), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_feed_pieces),
		cmocka_unit_test(test_long_and_none),
		cmocka_unit_test(test_diff_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
