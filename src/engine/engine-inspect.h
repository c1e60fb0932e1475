/* The container's metadata and sizes, for #inspect/#size and paks
 * inspect/size. */
#ifndef PAKS_ENGINE_INSPECT_H
#define PAKS_ENGINE_INSPECT_H

#include <jansson.h>

#include "engine.h"
#include "util/error.h"
#include "util/strbuf.h"

json_t	*engine_inspect_get(const struct engine_op *, json_t **,
	    struct paks_error **);
json_t	*engine_inspect_find(json_t *, const char *);
int	 engine_inspect_nosection(json_t *, const char *,
	    struct paks_error **);
const char *const *engine_inspect_sections(const struct engine *);
void	 engine_size_text(const struct engine_size *, struct strbuf *);
json_t	*engine_size_json(const struct engine_size *);

#endif
