/* Run child processes from argument vectors (never a shell string). */
#ifndef PAKS_SPAWN_H
#define PAKS_SPAWN_H

#include <sys/types.h>

#include "error.h"
#include "strv.h"

#define SPAWN_INHERIT	(-1)
#define SPAWN_DEVNULL	(-2)

enum spawn_flags {
	SPAWN_SETSID	= 1 << 0,	/* new session; stdin becomes the ctty */
	SPAWN_PGROUP	= 1 << 1,	/* own process group, killable as one */
};

struct spawn {
	struct strv	 args;
	struct strv	 env_add;	/* "K=V" added to the environment */
	int		 in, out, err;	/* fd to use, SPAWN_INHERIT or _DEVNULL */
	int		 fd3;		/* becomes the child's fd 3, or -1 */
	enum spawn_flags flags;
	const char	*dir;		/* chdir before exec, or NULL */
	pid_t		 pid;
	/* with no args: fn(fn_arg) runs in the child, which then ends with
	 * what it returned (paks's own code, no exec: #move's move) */
	int		(*fn)(void *);
	void		*fn_arg;
};

#define SPAWN_INIT { STRV_INIT, STRV_INIT, SPAWN_INHERIT, SPAWN_INHERIT, \
		     SPAWN_INHERIT, -1, 0, NULL, -1, NULL, NULL }

int	spawn_start(struct spawn *, struct paks_error **);
int	spawn_wait(struct spawn *);
void	spawn_release(struct spawn *);
int	spawn_status_code(int);

#define _cleanup_spawn_ __attribute__((cleanup(spawn_release)))

#endif
