/* Unit tests for image reference parsing (src/image/imageref.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "image/imageref.h"

static void
good(const char *ref, const char *reg, const char *path, const char *tag,
    const char *digest)
{
	struct imageref r;
	struct paks_error *err = NULL;

	assert_int_equal(imageref_parse(ref, &r, &err), 0);
	assert_null(err);
	if (reg)
		assert_string_equal(r.registry, reg);
	else
		assert_null(r.registry);
	assert_string_equal(r.path, path);
	if (tag)
		assert_string_equal(r.tag, tag);
	else
		assert_null(r.tag);
	if (digest)
		assert_string_equal(r.digest, digest);
	else
		assert_null(r.digest);
	imageref_release(&r);
}

static void
bad(const char *ref)
{
	struct imageref r;
	struct paks_error *err = NULL;

	assert_int_equal(imageref_parse(ref, &r, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err->msg, "invalid image reference"));
	paks_error_free(err);
}

static void
test_good(void **state)
{
	(void)state;
	good("debian", NULL, "debian", NULL, NULL);
	good("debian:bookworm", NULL, "debian", "bookworm", NULL);
	good("paks-test/debian:bookworm", NULL, "paks-test/debian", "bookworm",
	    NULL);
	good("localhost:5000/a/b:1.0", "localhost:5000", "a/b", "1.0", NULL);
	good("localhost/x", "localhost", "x", NULL, NULL);
	good("quay.io/vsoch/paks", "quay.io", "vsoch/paks", NULL, NULL);
	good("a__b.c-d---e", NULL, "a__b.c-d---e", NULL, NULL);
	good("ubuntu@sha256:0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef", NULL, "ubuntu", NULL,
	    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef");
	good("r.io:443/n:t@sha256:0123456789abcdef0123456789abcdef", "r.io:443",
	    "n", "t", "sha256:0123456789abcdef0123456789abcdef");
}

static void
test_bad(void **state)
{
	(void)state;
	bad("");
	bad("Debian");
	bad("debian:");
	bad("debian:-x");
	bad("a b");
	bad("a//b");
	bad("-a");
	bad("a_");
	bad("a___b");
	bad("a@sha256:short");
	bad("a@sha256:0123456789ABCDEF0123456789abcdef0123");
	bad("ex$(reboot)");
	bad("x:5000:/a");
	bad("reg.io:abc/x");
	bad("a\nb");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
