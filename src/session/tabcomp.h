/* Tab completion of #commands in bash and zsh: the shell code and the
 * word lists paks sends the shell. */
#ifndef PAKS_TABCOMP_H
#define PAKS_TABCOMP_H

#include <stdbool.h>

#include "engine/engine.h"
#include "util/strbuf.h"
#include "util/strv.h"

struct cmd_entry;

/* Where the lists come from; each a NULL-terminated list or NULL. */
struct tabcomp_src {
	const struct cmd_entry *const	*cmds;		/* the built-ins */
	const struct cmd_entry *const	*extra;		/* plugins' */
	const struct engine		*engine;	/* #inspect's sections */
	char *const			*plugins;	/* what #load takes */
};

extern const char tabcomp_bash[];
extern const char tabcomp_zsh[];

void	tabcomp_data(struct strbuf *, const struct tabcomp_src *, bool);

#endif
