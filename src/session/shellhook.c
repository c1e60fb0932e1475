/*
 * Parser for the messages the shell integration prints (OSC 6973).
 *
 * Every "ESC ] 6973 ;" sequence is removed from the output whether it is
 * genuine or not, so nothing in the container can make the user's terminal
 * show or act on one. A message is believed only if it carries the
 * session's nonce, which lives in the shell's memory and nowhere else
 * (see README, security model). The parser is pure: bytes in, passthrough
 * bytes and at most one event out per call.
 */
#include <stdlib.h>
#include <string.h>

#include "shellhook.h"
#include "util/xalloc.h"

enum { S_TEXT, S_PREFIX, S_BODY, S_BODY_ESC, S_RAW, S_RAW_END };

static const char prefix[] = "\033]6973;";

void
shellhook_init(struct shellhook *h, const char *nonce)
{
	memset(h, 0, sizeof *h);
	strncpy(h->nonce, nonce, SHELLHOOK_NONCE_LEN);
	h->handshake = true;
}

void
shellhook_release(struct shellhook *h)
{
	strbuf_release(&h->body);
}

void
hook_event_release(struct hook_event *ev)
{
	free(ev->text);
	free(ev->pwd);
	memset(ev, 0, sizeof *ev);
}

/* Constant-time comparison of a nonce field. */
static bool
shellhook_nonce_ok(const struct shellhook *h, const char *s, size_t n)
{
	unsigned char diff = 0;

	if (n != SHELLHOOK_NONCE_LEN || h->nonce[0] == '\0')
		return false;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(s[i] ^ h->nonce[i]);
	return diff == 0;
}

static bool
parse_len(const char *s, size_t n, size_t *out)
{
	size_t v = 0;

	if (n == 0 || n > 6)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (size_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* The messages with a raw part: "C", "D", "L" (with its line) and "S". */
static bool
shellhook_has_raw(char t)
{
	return t == 'C' || t == 'D' || t == 'L' || t == 'S';
}

/*
 * A "C", "D", "L" or "S" header is complete once it has four fields:
 * C;NONCE;LEN;PWDLEN;
 * Returns 1 when the raw part should start, 0 to keep reading, -1 if bad.
 */
static int
shellhook_cmd_header(struct shellhook *h)
{
	const char *b = h->body.buf, *f[5];
	size_t n = h->body.len, k = 0;

	if (n < 2 || !shellhook_has_raw(b[0]) || b[n - 1] != ';')
		return 0;
	f[k++] = b;
	for (size_t i = 0; i < n && k < 5; i++)
		if (b[i] == ';')
			f[k++] = b + i + 1;
	if (k < 5)
		return 0;
	if (f[1] - f[0] != 2 ||
	    !parse_len(f[2], (size_t)(f[3] - f[2] - 1), &h->len1) ||
	    !parse_len(f[3], (size_t)(f[4] - f[3] - 1), &h->len2) ||
	    h->len1 + h->len2 > SHELLHOOK_MAX_BODY)
		return -1;
	return 1;
}

/* Turn a complete body into an event. */
static void
shellhook_finish(struct shellhook *h, struct hook_event *ev)
{
	const char *b = strbuf_str(&h->body);
	size_t n = h->body.len;
	char t = n > 0 ? b[0] : 0;

	ev->type = HOOK_FORGED;
	if (n >= 2 && b[1] != ';')
		return;
	if (t == 'H' && h->handshake && n == 1) {
		ev->type = HOOK_HELLO;
		return;
	}
	if (t == 'A' && h->handshake && n > 2) {
		ev->type = HOOK_ACK;
		ev->text = xstrndup(b + 2, n - 2);
		h->handshake = false;
		return;
	}
	if (n < 2 + SHELLHOOK_NONCE_LEN ||
	    !shellhook_nonce_ok(h, b + 2, SHELLHOOK_NONCE_LEN))
		return;
	if (shellhook_has_raw(t) && (h->cmd_ok || t == 'C' || t == 'D')) {
		static const enum hook_type types[] = { ['C'] = HOOK_CMD,
			['D'] = HOOK_DONE, ['L'] = HOOK_LINE,
			['S'] = HOOK_STATUS };
		if (!h->cmd_ok || n < h->len1 + h->len2)
			return;
		const char *raw = b + n - h->len1 - h->len2;
		ev->type = types[(unsigned char)t];
		ev->text = xstrndup(raw, h->len1);
		ev->pwd = xstrndup(raw + h->len1, h->len2);
		/* a line with a NUL in it is not a line the user typed */
		if (strlen(ev->text) != h->len1 || strlen(ev->pwd) != h->len2) {
			hook_event_release(ev);
			ev->type = HOOK_FORGED;
		}
		/* a status is a number the shell printed: 0 to 255 */
		if (t == 'S' && (h->len1 == 0 || h->len1 > 3 ||
		    strspn(ev->text, "0123456789") != h->len1 ||
		    atoi(ev->text) > 255)) {
			hook_event_release(ev);
			ev->type = HOOK_FORGED;
		}
		return;
	}
	if (n != 2 + SHELLHOOK_NONCE_LEN)
		return;
	if (t == 'P')
		ev->type = HOOK_PROMPT;
	else if (t == 'E')
		ev->type = HOOK_PROMPT_END;
	else if (t == 'L')
		ev->type = HOOK_LINE;
	else if (t == 'R')
		ev->type = HOOK_READY;
	else if (t == 'X')
		ev->type = HOOK_EXIT;
}

static void
shellhook_reset(struct shellhook *h)
{
	h->state = S_TEXT;
	h->matched = 0;
	h->raw_left = 0;
	h->swallowed = 0;
	h->cmd_ok = false;
	strbuf_reset(&h->body);
}

/*
 * The parser is a state machine with one step function per state. A step
 * reads from the start of buf (len bytes, at least one) and returns how
 * many it consumed: 0 when the next state is to read them again, or when
 * they end a message without being part of it. It sets *done when a
 * message ended, with its event (maybe HOOK_FORGED) in ev: shellhook_feed
 * returns then.
 */
typedef size_t shellhook_step_fn(struct shellhook *, const char *, size_t,
    struct strbuf *, struct hook_event *, bool *);

/* Output: passed through up to an ESC, which may begin a message. */
static size_t
shellhook_text(struct shellhook *h, const char *buf, size_t len,
    struct strbuf *out, struct hook_event *ev, bool *done)
{
	const char *esc = memchr(buf, '\033', len);
	size_t run = esc ? (size_t)(esc - buf) : len;

	(void)ev;
	(void)done;
	strbuf_add(out, buf, run);
	if (esc == NULL)
		return run;
	h->state = S_PREFIX;
	h->matched = 1;
	return run + 1;
}

/* After an ESC: the rest of "ESC ] 6973 ;", or output after all. */
static size_t
shellhook_prefix(struct shellhook *h, const char *buf, size_t len,
    struct strbuf *out, struct hook_event *ev, bool *done)
{
	char c = buf[0];

	(void)len;
	(void)ev;
	(void)done;
	if (c == prefix[h->matched]) {
		if (++h->matched == sizeof prefix - 1) {
			h->state = S_BODY;
			strbuf_reset(&h->body);
		}
		return 1;
	}
	/*
	 * not ours: give back what was held, reread c. If c is another ESC,
	 * drop what was held instead (a terminal drops a sequence another
	 * ESC cuts short): a message removed after it could join it to the
	 * text that follows into a new "ESC ] 6973 ;".
	 */
	if (c != '\033')
		strbuf_add(out, prefix, h->matched);
	h->matched = 0;
	h->state = S_TEXT;
	return 0;
}

/* The message's header, up to BEL (or ESC \), or a "C"/"D" header's end. */
static size_t
shellhook_body(struct shellhook *h, const char *buf, size_t len,
    struct strbuf *out, struct hook_event *ev, bool *done)
{
	char c = buf[0];
	int r;

	(void)len;
	(void)out;
	if (c == '\a') {
		shellhook_finish(h, ev);
		shellhook_reset(h);
		*done = true;
		return 1;
	}
	if (c == '\033') {
		h->state = S_BODY_ESC;
		return 1;
	}
	if (h->body.len >= 128) {
		/* headers are short: an endless one is noise, and the
		 * output after it is shown again */
		if (++h->swallowed > 4096) {
			ev->type = HOOK_FORGED;
			shellhook_reset(h);
			*done = true;
		}
		return 1;
	}
	strbuf_addch(&h->body, c);
	if (c != ';')
		return 1;
	if ((r = shellhook_cmd_header(h)) > 0) {
		h->cmd_ok = true;
		h->raw_left = h->len1 + h->len2;
		h->state = h->raw_left ? S_RAW : S_RAW_END;
	} else if (r < 0)
		strbuf_addch(&h->body, '!');
	return 1;
}

/* ESC in the header: ESC \ (ST) ends the message; any other ESC aborts it. */
static size_t
shellhook_body_esc(struct shellhook *h, const char *buf, size_t len,
    struct strbuf *out, struct hook_event *ev, bool *done)
{
	size_t used = 0;

	(void)len;
	(void)out;
	if (buf[0] == '\\') {
		used = 1;
		shellhook_finish(h, ev);
	} else
		ev->type = HOOK_FORGED;
	shellhook_reset(h);
	*done = true;
	return used;
}

/* The LEN + PWDLEN bytes a "C" or "D" header announced, taken as they are. */
static size_t
shellhook_raw(struct shellhook *h, const char *buf, size_t len,
    struct strbuf *out, struct hook_event *ev, bool *done)
{
	size_t take = len < h->raw_left ? len : h->raw_left;

	(void)out;
	(void)ev;
	(void)done;
	strbuf_add(&h->body, buf, take);
	h->raw_left -= take;
	if (h->raw_left == 0)
		h->state = S_RAW_END;
	return take;
}

/* After the raw bytes: BEL ends the message, anything else forges it. */
static size_t
shellhook_raw_end(struct shellhook *h, const char *buf, size_t len,
    struct strbuf *out, struct hook_event *ev, bool *done)
{
	(void)len;
	(void)out;
	if (buf[0] == '\a')
		shellhook_finish(h, ev);
	else
		ev->type = HOOK_FORGED;
	shellhook_reset(h);
	*done = true;
	return 1;
}

static shellhook_step_fn *const shellhook_steps[] = {
	[S_TEXT] = shellhook_text,
	[S_PREFIX] = shellhook_prefix,
	[S_BODY] = shellhook_body,
	[S_BODY_ESC] = shellhook_body_esc,
	[S_RAW] = shellhook_raw,
	[S_RAW_END] = shellhook_raw_end,
};

/*
 * Consume bytes until one message completes or the input ends; bytes that
 * are not part of a message are appended to out. Returns bytes consumed.
 */
size_t
shellhook_feed(struct shellhook *h, const char *buf, size_t n,
    struct strbuf *out, struct hook_event *ev)
{
	size_t i = 0;
	bool done = false;

	memset(ev, 0, sizeof *ev);
	while (i < n && !done)
		i += shellhook_steps[h->state](h, buf + i, n - i, out, ev,
		    &done);
	return i;
}
