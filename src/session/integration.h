/* The shell side of paks: the entrypoint shim, the bash and sh hooks, and
 * the shell code paks sends back to them. */
#ifndef PAKS_INTEGRATION_H
#define PAKS_INTEGRATION_H

#include "util/strbuf.h"

enum shell_kind { SHELL_BASH, SHELL_ZSH, SHELL_SH, SHELL_PLAIN };

extern const char integration_boot[];
extern const char integration_bash[];
extern const char integration_zsh[];
extern const char integration_sh[];

void	integration_script(struct strbuf *, const char *, const char *,
	    const char *, const char *);
enum shell_kind integration_kind(const char *);
void	integration_export(struct strbuf *, enum shell_kind, const char *,
	    const char *);

#endif
