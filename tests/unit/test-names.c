/* Unit tests for container names (src/image/names.c). */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "image/names.h"
#include "image/save.h"

static char *
name_for(const char *ref, uint32_t rnd)
{
	struct imageref r;
	struct paks_error *err = NULL;
	char *n;

	assert_int_equal(imageref_parse(ref, &r, &err), 0);
	n = names_container(&r, rnd);
	imageref_release(&r);
	return n;
}

static void
test_shape(void **state)
{
	char *n = name_for("paks-test/debian:bookworm", 0);

	(void)state;
	assert_string_equal(n, "debian-bookworm-gloopy-peanut-0000");
	free(n);
	n = name_for("busybox:latest", 0);
	assert_string_equal(n, "busybox-gloopy-peanut-0000");
	free(n);
}

static void
test_valid_chars(void **state)
{
	(void)state;
	for (uint32_t r = 1; r < 5000000; r += 99991) {
		char *n = name_for("localhost:5000/a.b__c/x-y:V1.0_rc", r);
		assert_true(isalnum((unsigned char)n[0]));
		for (char *p = n; *p; p++)
			assert_true(isalnum((unsigned char)*p) || *p == '-');
		free(n);
	}
}

static void
test_distinct(void **state)
{
	char *a = name_for("debian", 12345), *b = name_for("debian", 54321);

	(void)state;
	assert_string_not_equal(a, b);
	free(a);
	free(b);
}

/* what #save writes: the suffix once; a snapshot saves to its image */
static void
test_save_target(void **state)
{
	static const char *const cases[][3] = {
		{ "debian:12", "-saved", "debian:12-saved" },
		{ "debian", "-saved", "debian:latest-saved" },
		{ "debian:12-saved", "-saved", "debian:12-saved" },
		{ "debian:12-saved.snap-2", "-saved", "debian:12-saved" },
		{ "r:5000/a/b:t-saved.snap-17", "-saved", "r:5000/a/b:t-saved" },
		{ "debian:12-saved.snap-2", "-dev", "debian:12-saved-dev" },
		{ "debian:12.snap-x", "-saved", "debian:12.snap-x-saved" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *t = save_target(cases[i][0], cases[i][1]);
		assert_string_equal(t, cases[i][2]);
		free(t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_valid_chars),
		cmocka_unit_test(test_distinct),
		cmocka_unit_test(test_save_target),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
