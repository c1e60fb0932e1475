/* --format table|json for the host commands that list things. */
#ifndef PAKS_HOST_FORMAT_H
#define PAKS_HOST_FORMAT_H

#include <jansson.h>
#include <stdbool.h>

#include "cmd.h"

/* The option, declared once for every command that lists. */
#define HOST_FORMAT_OPTION { .name = "format", .arg = "FORMAT", \
	.help = "table (the default) or json: one JSON document" }

int	host_format_json(struct cmd_ctx *, bool *, struct paks_error **);
void	host_json_print(struct cmd_ctx *, json_t *);

#endif
