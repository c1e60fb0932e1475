/*
 * Secrets in a container's changes: the values of the variables paks
 * loaded, looked for in every file the container added or changed,
 * before a save commits them into an image.
 */
#ifndef PAKS_SECRETSCAN_H
#define PAKS_SECRETSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "util/error.h"
#include "util/strv.h"

/* Values shorter than this are not looked for (too many false hits). */
#define SECRETSCAN_MIN 6
/* Of a longer value, its first this many bytes are looked for. */
#define SECRETSCAN_PREFIX 256

/*
 * A matcher for many values at once: an Aho-Corasick automaton as a full
 * table (one lookup per byte of input, whatever the number of values).
 */
struct secretscan {
	/* nstates * 256 moves; a move is the next state * 256, with bit 0
	 * set when a value ends there (one load per byte of input) */
	uint32_t	*next;
	bool		*hit;		/* while building: a value ends here */
	size_t		 nstates;
	size_t		 nvalues;	/* values looked for */
	bool		 starts[256];	/* bytes a value starts with */
	int		 start;		/* the only such byte, or -1 */
};

#define SECRETSCAN_INIT { NULL, NULL, 0, 0, { false }, -1 }

void	secretscan_init(struct secretscan *, char *const *);
bool	secretscan_feed(const struct secretscan *, uint32_t *, const void *,
	    size_t);
bool	secretscan_find(const struct secretscan *, const void *, size_t);
void	secretscan_release(struct secretscan *);

/* How the scan runs the engine: through runner (a session's, or NULL). */
struct secretscan_src {
	const char		*container;
	const struct engine	*engine;
	const struct runner	*runner;
};

int	secretscan_diff_parse(const char *, struct strv *);
int	secretscan_container(const struct secretscan *,
	    const struct secretscan_src *, struct strv *,
	    struct paks_error **);
int	secretscan_refuse(const struct strv *, struct paks_error **);

/* save.c, before a commit: refuse if job->secrets are in the changes. */
struct save_job;

int	secretscan_save(const struct save_job *, struct paks_error **);

#endif
