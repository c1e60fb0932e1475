/* Parser for the messages the shell integration prints (OSC 6973). */
#ifndef PAKS_SHELLHOOK_H
#define PAKS_SHELLHOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

#define SHELLHOOK_NONCE_LEN 32
#define SHELLHOOK_MAX_BODY 65536

enum hook_type {
	HOOK_NONE,
	HOOK_HELLO,	/* the boot line is up: "H" (handshake only) */
	HOOK_ACK,	/* the start-up script runs: "A;KIND" (handshake only) */
	HOOK_PROMPT,	/* the shell shows a prompt: "P;NONCE" */
	HOOK_PROMPT_END, /* sh: the prompt text ends here: "E;NONCE" */
	HOOK_LINE,	/* an ordinary line was accepted: "L;NONCE", or with
			 * the line and $PWD: "L;NONCE;LEN;PWDLEN;LINEPWD" */
	HOOK_CMD,	/* a #command line: "C;NONCE;LEN;PWDLEN;LINEPWD" */
	HOOK_DONE,	/* the hook read the reply: "D;NONCE;LEN;0;SWALLOWED" */
	HOOK_READY,	/* the shell waits for injected lines: "R;NONCE" */
	HOOK_STATUS,	/* the last line ended: "S;NONCE;LEN;PWDLEN;STATUSPWD" */
	HOOK_EXIT,	/* the shell ends by itself (its EXIT trap): "X;NONCE" */
	HOOK_FORGED,	/* a 6973 message that failed the checks */
};

struct hook_event {
	enum hook_type	 type;
	char		*text;	/* HOOK_CMD, HOOK_LINE: the line; HOOK_DONE:
				 * keys the hook read before the reply;
				 * HOOK_ACK: kind; HOOK_STATUS: the status */
	char		*pwd;	/* HOOK_CMD, HOOK_LINE, HOOK_STATUS: $PWD */
};

struct shellhook {
	int		 state;
	size_t		 matched;	/* bytes of "\033]6973;" seen */
	size_t		 raw_left;	/* raw payload bytes still to read */
	size_t		 len1, len2;
	size_t		 swallowed;	/* body bytes past the header cap */
	bool		 cmd_ok;	/* a valid "C" header was read */
	struct strbuf	 body;
	char		 nonce[SHELLHOOK_NONCE_LEN + 1];
	bool		 handshake;	/* HELLO/ACK are believed only now */
};

void	shellhook_init(struct shellhook *, const char *);
void	shellhook_release(struct shellhook *);
size_t	shellhook_feed(struct shellhook *, const char *, size_t,
	    struct strbuf *, struct hook_event *);
void	hook_event_release(struct hook_event *);

#endif
