/* The shell side of paks: the entrypoint shim, the bash and sh hooks, and
 * the shell code paks sends back to them. */
#ifndef PAKS_INTEGRATION_H
#define PAKS_INTEGRATION_H

#include <stdbool.h>

#include "util/strbuf.h"

enum shell_kind { SHELL_BASH, SHELL_ZSH, SHELL_SH, SHELL_PLAIN };

extern const char integration_boot[];
extern const char integration_bash[];
extern const char integration_zsh[];
extern const char integration_sh[];

/* What the start-up script starts. */
struct integration_opts {
	const char	*shell;		/* the shell wanted */
	const char	*term;		/* the user's TERM, or NULL */
	bool		 strict;	/* no /bin/sh fallback (--shell) */
	char *const	*exports;	/* "K=V" exported first (--envload) */
	const char	*cwd;		/* where the shell starts (#rollback),
					 * if it is there; NULL: the workdir */
};

void	integration_script(struct strbuf *, const struct integration_opts *,
	    const char *, const char *);
enum shell_kind integration_kind(const char *);
void	integration_export(struct strbuf *, enum shell_kind, const char *,
	    const char *);

#endif
