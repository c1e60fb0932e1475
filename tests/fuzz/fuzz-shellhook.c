/*
 * Fuzz the shell-integration parser (src/session/shellhook.c) with what a
 * container may print. The input is the container's output; it is fed
 * whole, in random chunks (sizes from a hash of the input) and one byte at
 * a time, as session_output feeds it, and each way must give the same
 * passthrough text and the same events at the same places. Also:
 *
 *  - the passthrough never holds "ESC ] 6973 ;" and is a subsequence of
 *    the input (nothing is added, only messages are taken out);
 *  - a call that consumes nothing reports an event (else the session's
 *    loop would spin);
 *  - an event that needs the nonce (prompt, line, command, ...) comes only
 *    from an input that holds the nonce, and never when paks has none;
 *  - hello and ack come only during the handshake (before the first ack);
 *  - a command's (or a recorded line's) text and directory, a status's
 *    number and directory (and the handshake's shell kind) are taken from
 *    the input; a status is 0 to 255.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "session/shellhook.h"
#include "util/strbuf.h"

/* The seeds in corpus/shellhook use this nonce. */
static const char nonce[] = "9f86d081884c7d659a2feaa0c55ad015";

struct run {
	struct strbuf	 out;	/* all passthrough text */
	struct strbuf	 log;	/* events, each with the output offset */
};

static bool
needs_nonce(enum hook_type t)
{
	return t == HOOK_PROMPT || t == HOOK_PROMPT_END || t == HOOK_LINE ||
	    t == HOOK_CMD || t == HOOK_DONE || t == HOOK_READY ||
	    t == HOOK_EXIT || t == HOOK_STATUS;
}

static void
check_event(const struct hook_event *ev, bool *handshake, const char *key,
    const uint8_t *data, size_t size)
{
	bool has_nonce = key[0] != '\0' &&
	    memmem(data, size, key, strlen(key)) != NULL;

	if (needs_nonce(ev->type))
		FUZZ_CHECK(has_nonce, "event %d without the nonce", ev->type);
	if (ev->type == HOOK_HELLO || ev->type == HOOK_ACK)
		FUZZ_CHECK(*handshake, "event %d after the handshake",
		    ev->type);
	if (ev->type == HOOK_ACK)
		*handshake = false;
	if (ev->type == HOOK_STATUS)
		FUZZ_CHECK(ev->text != NULL && strlen(ev->text) >= 1 &&
		    strlen(ev->text) <= 3 && strspn(ev->text, "0123456789") ==
		    strlen(ev->text) && atoi(ev->text) <= 255,
		    "a status that is not 0 to 255");
	if (ev->type == HOOK_CMD || ev->type == HOOK_DONE ||
	    ev->type == HOOK_STATUS || (ev->type == HOOK_LINE &&
	    ev->text != NULL)) {
		FUZZ_CHECK(ev->text != NULL && ev->pwd != NULL, "no text");
		FUZZ_CHECK(strlen(ev->text) + strlen(ev->pwd) <=
		    SHELLHOOK_MAX_BODY, "body too long");
		FUZZ_CHECK(memmem(data, size, ev->text, strlen(ev->text)) !=
		    NULL, "the line is not in the input");
		FUZZ_CHECK(memmem(data, size, ev->pwd, strlen(ev->pwd)) !=
		    NULL, "the directory is not in the input");
	} else if (ev->type != HOOK_HELLO && ev->type != HOOK_ACK)
		FUZZ_CHECK(ev->text == NULL && ev->pwd == NULL,
		    "event %d with text", ev->type);
	else if (ev->text != NULL)	/* the handshake's shell kind */
		FUZZ_CHECK(memmem(data, size, ev->text, strlen(ev->text)) !=
		    NULL, "the kind is not in the input");
}

/* Feed the input in chunks of at most max bytes (0: random sizes). */
static void
feed(struct run *r, const char *key, size_t max, const uint8_t *data,
    size_t size)
{
	struct shellhook h;
	uint64_t rng = fuzz_hash(data, size);
	bool handshake = true;
	size_t off = 0;

	shellhook_init(&h, key);
	while (off < size) {
		size_t chunk = max ? max : fuzz_next_chunk(&rng, 64);
		const char *buf = (const char *)data + off;
		size_t n = chunk < size - off ? chunk : size - off;
		int idle = 0;

		off += n;
		while (n > 0) {
			struct hook_event ev;
			size_t k = shellhook_feed(&h, buf, n, &r->out, &ev);

			FUZZ_CHECK(k <= n, "consumed %zu of %zu", k, n);
			FUZZ_CHECK(k > 0 || ev.type != HOOK_NONE,
			    "no progress and no event");
			FUZZ_CHECK(k > 0 || ++idle < 2, "no progress twice");
			if (k > 0)
				idle = 0;
			check_event(&ev, &handshake, key, data, size);
			if (ev.type != HOOK_NONE)
				strbuf_addf(&r->log, "%d@%zu:%zu:%s|%s\n",
				    ev.type, r->out.len,
				    ev.text ? strlen(ev.text) : 0,
				    ev.text ? ev.text : "-",
				    ev.pwd ? ev.pwd : "-");
			hook_event_release(&ev);
			buf += k;
			n -= k;
		}
	}
	shellhook_release(&h);
}

static void
check_key(const char *key, const uint8_t *data, size_t size)
{
	struct run whole = { STRBUF_INIT, STRBUF_INIT };
	struct run split = { STRBUF_INIT, STRBUF_INIT };
	struct run bytes = { STRBUF_INIT, STRBUF_INIT };
	static const char prefix[] = "\033]6973;";

	feed(&whole, key, size ? size : 1, data, size);
	feed(&split, key, 0, data, size);
	feed(&bytes, key, 1, data, size);

	FUZZ_CHECK(whole.out.len == 0 || memmem(whole.out.buf, whole.out.len,
	    prefix, sizeof prefix - 1) == NULL, "a message passed through");
	FUZZ_CHECK(fuzz_subsequence(whole.out.buf, whole.out.len, data, size),
	    "the passthrough is not taken from the input");
	FUZZ_CHECK(whole.out.len == split.out.len && whole.out.len ==
	    bytes.out.len && (whole.out.len == 0 ||
	    (memcmp(whole.out.buf, split.out.buf, whole.out.len) == 0 &&
	    memcmp(whole.out.buf, bytes.out.buf, whole.out.len) == 0)),
	    "the passthrough depends on how the input is split");
	FUZZ_CHECK(whole.log.len == split.log.len && whole.log.len ==
	    bytes.log.len && (whole.log.len == 0 ||
	    (memcmp(whole.log.buf, split.log.buf, whole.log.len) == 0 &&
	    memcmp(whole.log.buf, bytes.log.buf, whole.log.len) == 0)),
	    "the events depend on how the input is split:\n%s---\n%s---\n%s",
	    strbuf_str(&whole.log), strbuf_str(&split.log),
	    strbuf_str(&bytes.log));

	strbuf_release(&whole.out);
	strbuf_release(&whole.log);
	strbuf_release(&split.out);
	strbuf_release(&split.log);
	strbuf_release(&bytes.out);
	strbuf_release(&bytes.log);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	check_key(nonce, data, size);
	check_key("", data, size);	/* no nonce: nothing is believed */
	return 0;
}
