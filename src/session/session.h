/* A paks run session: the engine client on a pty, with paks in between. */
#ifndef PAKS_SESSION_H
#define PAKS_SESSION_H

#include "engine/engine.h"
#include "proxy.h"

struct cmd_ctx;

struct session {
	struct cmd_ctx		*ctx;
	const struct engine	*engine;
	struct run_opts		 run;
	const char		*shell;
	char			*start_dir;	/* where paks was started */
	struct proxy		 proxy;
};

int	session_run(struct session *, int *, struct paks_error **);
extern const char session_shim[];

#endif
