/*
 * Fuzz env files (src/store/envstore.c: envstore_parse, envstore_format):
 * ~/.paks/envs/NAME is edited by hand and by 'paks env edit'. Properties:
 *
 *  - a file that parses, formatted and parsed again, gives the same
 *    variables, comments and tail; formatting that again gives the same
 *    text (what paks writes is stable);
 *  - any set of values (every byte but NUL) formatted and parsed gives the
 *    same values back: here the input, cut at NUL bytes, is the values;
 *  - a file that does not parse gives a message of printable ASCII only
 *    (it is printed on the user's terminal and may not carry a value).
 */
#include <stdbool.h>

#include "fuzz.h"
#include "store/envstore.h"
#include "util/strbuf.h"

static bool
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
same_env(const struct env *a, const struct env *b)
{
	FUZZ_CHECK(a->n == b->n, "%zu variables, then %zu", a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		FUZZ_CHECK(strcmp(a->v[i].key, b->v[i].key) == 0, "key %zu", i);
		FUZZ_CHECK(strcmp(a->v[i].value, b->v[i].value) == 0,
		    "value of '%s'", a->v[i].key);
		FUZZ_CHECK(same(a->v[i].pre, b->v[i].pre), "comment above '%s'",
		    a->v[i].key);
	}
	FUZZ_CHECK(same(a->tail, b->tail), "tail");
}

static void
check_message(const struct paks_error *err)
{
	FUZZ_CHECK(err != NULL && err->msg != NULL, "no message");
	for (const char *p = err->msg; *p; p++)
		FUZZ_CHECK(*p >= 0x20 && *p < 0x7f, "byte %#x in '%s'",
		    (unsigned char)*p, err->msg);
}

/* format env, parse it back: the same env; format again: the same text */
static void
roundtrip(const struct env *env)
{
	struct strbuf text = STRBUF_INIT, again = STRBUF_INIT;
	struct env back = ENV_INIT;
	struct paks_error *err = NULL;

	envstore_format(env, &text);
	FUZZ_CHECK(envstore_parse(text.buf ? text.buf : "", text.len, &back,
	    "f", &err) == 0, "formatted text does not parse: %s\n%s",
	    err ? err->msg : "", strbuf_str(&text));
	same_env(env, &back);
	envstore_format(&back, &again);
	FUZZ_CHECK(text.len == again.len && (text.len == 0 ||
	    memcmp(text.buf, again.buf, text.len) == 0),
	    "formatting is not stable");
	env_release(&back);
	strbuf_release(&text);
	strbuf_release(&again);
}

/* The input cut at NUL bytes: one value per piece, keys K0, K1, ... */
static void
values_roundtrip(const uint8_t *data, size_t size)
{
	struct env env = ENV_INIT;
	const char *p = (const char *)data, *end = p + size;
	size_t i = 0;

	while (p < end && i < 64) {
		size_t n = strnlen(p, (size_t)(end - p));
		char key[16], *value = strndup(p, n);

		snprintf(key, sizeof key, "K%zu", i++);
		env_set(&env, key, value);
		FUZZ_CHECK(strcmp(env_get(&env, key), value) == 0, "env_set");
		free(value);
		p += n + 1;
	}
	roundtrip(&env);
	env_release(&env);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct env env = ENV_INIT;
	struct paks_error *err = NULL;

	if (size > 1 << 16)
		return 0;
	if (envstore_parse((const char *)data, size, &env, "f", &err) == 0) {
		FUZZ_CHECK(err == NULL, "an error on success");
		roundtrip(&env);
	} else {
		check_message(err);
		FUZZ_CHECK(env.n == 0 && env.tail == NULL, "a failed parse "
		    "changed the env");
		paks_error_free(err);
	}
	env_release(&env);
	values_roundtrip(data, size);
	return 0;
}
