/* The session's record of the lines it ran (store/history.c keeps it). */
#ifndef PAKS_RECORD_H
#define PAKS_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "store/history.h"

struct record {
	char			*path;		/* NULL: nothing is recorded */
	char			 sid[17];	/* this session's id */
	const char		*shell;		/* bash, zsh, sh */
	struct history_entry	 cur;		/* the line running now */
	bool			 open;		/* cur is a line under way */
	bool			 full;		/* a write failed: stop */
};

void	record_init(struct record *, const char *, bool);
void	record_begin(struct record *, const char *, const char *, bool,
	    char *const *);
void	record_end(struct record *, int, const char *, char *const *);
void	record_paks(struct record *, char **, const char *, const char *,
	    int, int64_t, char *const *);
void	record_release(struct record *, char *const *);

#endif
