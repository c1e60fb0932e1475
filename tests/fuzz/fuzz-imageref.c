/*
 * Fuzz image references (src/image/imageref.c): what a user passes to
 * 'paks run' and '#save', and what an engine reports. Properties:
 *
 *  - a reference that parses is exactly its parts put back together
 *    (registry/path:tag@digest), parses again to the same parts, has a
 *    non-empty last path part, and holds no blank or control byte;
 *  - a reference that does not parse gives a message and a hint, and
 *    leaves no part set (nothing to free, nothing half-made).
 */
#include <stdbool.h>

#include "fuzz.h"
#include "image/imageref.h"
#include "util/strbuf.h"

static bool
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
join(const struct imageref *r, struct strbuf *sb)
{
	if (r->registry != NULL)
		strbuf_addf(sb, "%s/", r->registry);
	strbuf_adds(sb, r->path);
	if (r->tag != NULL)
		strbuf_addf(sb, ":%s", r->tag);
	if (r->digest != NULL)
		strbuf_addf(sb, "@%s", r->digest);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *ref = fuzz_cstr(data, size);
	struct imageref r, again;
	struct paks_error *err = NULL;

	if (imageref_parse(ref, &r, &err) < 0) {
		FUZZ_CHECK(err != NULL && err->msg != NULL && err->hint != NULL,
		    "no message or hint");
		FUZZ_CHECK(r.registry == NULL && r.path == NULL &&
		    r.tag == NULL && r.digest == NULL, "parts left set");
		paks_error_free(err);
	} else {
		struct strbuf sb = STRBUF_INIT;
		char *base;

		FUZZ_CHECK(err == NULL && r.path != NULL, "no path");
		join(&r, &sb);
		FUZZ_CHECK(strcmp(strbuf_str(&sb), ref) == 0,
		    "parts do not add up: '%s'", strbuf_str(&sb));
		for (const char *p = ref; *p; p++)
			FUZZ_CHECK((unsigned char)*p > ' ' &&
			    (unsigned char)*p < 0x7f, "byte %#x accepted",
			    (unsigned char)*p);
		FUZZ_CHECK(imageref_parse(strbuf_str(&sb), &again, &err) == 0,
		    "does not parse again");
		FUZZ_CHECK(same(r.registry, again.registry) &&
		    same(r.path, again.path) && same(r.tag, again.tag) &&
		    same(r.digest, again.digest), "parses again differently");
		base = imageref_base(&r);
		FUZZ_CHECK(*base != '\0' && strchr(base, '/') == NULL,
		    "bad base '%s'", base);
		free(base);
		imageref_release(&again);
		imageref_release(&r);
		strbuf_release(&sb);
	}
	free(ref);
	return 0;
}
