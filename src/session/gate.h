/* The trust gate: whether a #command line the shell reports may run. */
#ifndef PAKS_GATE_H
#define PAKS_GATE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strv.h"

#define GATE_QUEUE 16

/* A line the user ended with Enter on paks's own stdin. */
struct gate_typed {
	char		*tmpl;		/* linebuf template; NULL: unknown */
	bool		 history;	/* recalled from history */
	size_t		 next;		/* template lines used so far */
	int		 age;		/* prompts seen since */
};

struct gate {
	struct gate_typed q[GATE_QUEUE];
	int		 n;
	struct strv	 trusted;	/* #command lines run this session */
	int		 last;		/* entry the last verdict was about */
};

enum gate_verdict {
	GATE_RUN,	/* the user typed exactly this */
	GATE_ASK,	/* typed, but paks cannot tell it is this: ask */
	GATE_REFUSE,	/* no Enter of the user's can have made it */
};

void	gate_init(struct gate *);
void	gate_release(struct gate *);
void	gate_typed(struct gate *, char *, bool);
void	gate_prompt(struct gate *);
void	gate_line(struct gate *);
enum gate_verdict gate_check(struct gate *, const char *);
void	gate_confirmed(struct gate *, const char *);
bool	gate_pending(const struct gate *);
bool	gate_seen(const struct gate *, const char *);

#endif
