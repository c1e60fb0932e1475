/* Command mode, shared by paks run and paks exec. */
#ifndef PAKS_HOST_RUNCMD_H
#define PAKS_HOST_RUNCMD_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"
#include "util/strv.h"

/* The --envload FIFO (see runcmd_envpipe_open). */
struct runcmd_pipe {
	char	*dir, *fifo;
	pid_t	 writer;
};

int	runcmd_envload(char *const *, struct strv *, struct paks_error **);
void	runcmd_stdio(bool *, bool *);
int	runcmd_spawn(char *const *, char *const *, struct paks_error **);
int	runcmd_envpipe_open(struct runcmd_pipe *, char *const *,
	    struct paks_error **);
void	runcmd_envpipe_close(struct runcmd_pipe *);

#endif
