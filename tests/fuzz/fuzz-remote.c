/*
 * Fuzz what the other side of 'paks move ssh://' prints (src/image/move.c):
 * the answer to the layer query ("engine NAME", then "image DIFFID..."
 * lines, among whatever a login banner or a shell profile adds) and the
 * engine's "Loaded image: X" after the load. The other host is not
 * trusted more than its output. Properties:
 *
 *  - the answer is taken only with engine docker or podman, and a refused
 *    one leaves no engine behind;
 *  - each image kept is a non-empty piece of one line of the input, with
 *    no newline and no blank or CR at either end;
 *  - the layers found present agree with the words of those lines: the
 *    first image's own layers are all present (by chain or not); by chain,
 *    layer i present means layer i-1 is too, and present by chain means
 *    present by id; a diff id that is not in the input is never present;
 *  - a loaded name is a piece of the input with no comma, blank, CR or
 *    newline, and is found whenever "Loaded image: " is there.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "image/move.h"
#include "util/strv.h"

#define MAX_IDS 64

/* The space-separated words of s, at most MAX_IDS. */
static size_t
words(const char *s, char **out)
{
	size_t n = 0;

	while (*s && n < MAX_IDS) {
		while (*s == ' ')
			s++;
		size_t len = strcspn(s, " ");
		if (len == 0)
			break;
		out[n] = strndup(s, len);
		if (out[n] == NULL)
			abort();
		n++;
		s += len;
	}
	return n;
}

static void
check_images(const char *text, size_t lines, const struct strv *images)
{
	FUZZ_CHECK(images->n <= lines, "%zu images from %zu lines",
	    images->n, lines);
	for (size_t i = 0; i < images->n; i++) {
		const char *im = images->v[i];
		size_t len = strlen(im);
		FUZZ_CHECK(len > 0, "empty image %zu", i);
		FUZZ_CHECK(strchr(im, '\n') == NULL, "newline in image %zu", i);
		FUZZ_CHECK(im[0] != ' ' && im[len - 1] != ' ' &&
		    im[len - 1] != '\r', "blank or CR left at an end: '%s'", im);
		FUZZ_CHECK(strstr(text, im) != NULL, "'%s' not in the input",
		    im);
	}
}

static void
check_layers(const char *text, const struct strv *images)
{
	char *ids[MAX_IDS + 1];
	bool chain[MAX_IDS + 1], any[MAX_IDS + 1];
	size_t own = images->n > 0 ? words(images->v[0], ids) : 0, n = own;
	/* one id no image can hold: the input has no such string */
	const char *absent = "sha256:\x01not-there";

	if (strstr(text, absent) == NULL)
		ids[n++] = strdup(absent);
	move_layers_present(ids, n, images->v, true, chain);
	move_layers_present(ids, n, images->v, false, any);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(i >= own || (chain[i] && any[i]),
		    "layer %zu of the first image not present", i);
		FUZZ_CHECK(i == 0 || !chain[i] || chain[i - 1],
		    "layer %zu present by chain without layer %zu", i, i - 1);
		FUZZ_CHECK(!chain[i] || any[i], "layer %zu present by chain "
		    "but not by id", i);
		if (i >= own)	/* the absent one */
			FUZZ_CHECK(!chain[i] && !any[i], "an id not in the "
			    "input found present");
	}
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
}

static void
check_loaded(const char *text)
{
	char *name = move_loaded_name(text);

	if (strstr(text, "Loaded image: ") != NULL)
		FUZZ_CHECK(name != NULL, "'Loaded image: ' not taken");
	if (name != NULL) {
		FUZZ_CHECK(strpbrk(name, ",\r\n ") == NULL, "bad loaded name "
		    "'%s'", name);
		FUZZ_CHECK(strstr(text, name) != NULL, "loaded name not in "
		    "the input");
	}
	free(name);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct strv images = STRV_INIT;
	char *engine = (char *)1;
	size_t lines = 1;

	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	if (move_remote_parse(text, &engine, &images) < 0) {
		FUZZ_CHECK(engine == NULL, "engine left set on refusal");
	} else {
		FUZZ_CHECK(engine != NULL && (strcmp(engine, "docker") == 0 ||
		    strcmp(engine, "podman") == 0), "engine '%s' taken",
		    engine ? engine : "(null)");
		free(engine);
	}
	check_images(text, lines, &images);
	check_layers(text, &images);
	check_loaded(text);
	strv_release(&images);
	free(text);
	return 0;
}
