/*
 * Run a program and wait for it: the one way paks runs a command (engine
 * calls, save, move, plugins, the session's jobs). spawn.h starts the
 * process; this drives it to its end.
 */
#ifndef PAKS_RUN_H
#define PAKS_RUN_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "strbuf.h"

/* What one of the program's standard streams is. */
enum run_how {
	RUN_NULL,	/* /dev/null (the default) */
	RUN_PASS,	/* paks's own (in a session: the user's terminal) */
	RUN_CAPTURE,	/* collected into the run's text (not stdin) */
	RUN_FD,		/* the fd given */
	RUN_FILTER,	/* handed to filter as it comes (not stdin) */
};

struct run_io {
	enum run_how	 how;
	int		 fd;		/* RUN_FD */
	void		(*filter)(void *, const char *, size_t);
	void		*arg;
};

/* What the one watching the user asks of a running program. */
enum run_cancel {
	RUN_GO,
	RUN_INTERRUPT,	/* the user's Ctrl-C: SIGINT */
	RUN_STOP,	/* paks must stop: SIGTERM */
};

/*
 * A loop that polls the program's fds together with its own (the
 * session's terminal and signals) and says when to cancel. Without one,
 * run_cmd polls alone and paks's own SIGINT ends the program with paks.
 */
struct run_watch {
	int	(*poll)(void *, struct pollfd *, int, int, enum run_cancel *);
	void	*arg;
};

struct run {
	char *const		*argv;		/* program first */
	/* or, with no argv, paks's own fn(fn_arg) in a child process (its
	 * exit code what fn returns) */
	int			(*fn)(void *);
	void			*fn_arg;
	char *const		*env;		/* "K=V" added, or NULL */
	const char		*dir;		/* chdir first, or NULL */
	struct run_io		 in, out, err;
	int			 fd3;		/* given as fd 3, or -1 */
	bool			 fd3_capture;	/* collect what it writes to 3 */
	bool			 pgroup;	/* own process group */
	int			 timeout;	/* seconds; 0: none */
	const char		*progress;	/* shown with the seconds on
						 * stdout, once a second */
	const struct run_watch	*watch;
	/* what came of it */
	struct strbuf		 out_text, err_text, fd3_text;
	int			 status;	/* the raw wait status */
	int			 code;		/* shell-style: 128+N signal N */
	int			 signal;	/* that killed it, or 0 */
	bool			 timed_out, cancelled;
};

#define RUN_INIT(a) { .argv = (a), .fd3 = -1, .out_text = STRBUF_INIT, \
	.err_text = STRBUF_INIT, .fd3_text = STRBUF_INIT }

int	run_cmd(struct run *, struct paks_error **);
void	run_release(struct run *);

#define _cleanup_run_ __attribute__((cleanup(run_release)))

/*
 * Who runs a layer's programs (an engine operation's, a save's): NULL or
 * an empty one runs them plainly; a session's runs them as its jobs.
 */
typedef int run_fn(void *, struct run *, struct paks_error **);

struct runner {
	run_fn	*fn;
	void	*arg;
};

int	runner_run(const struct runner *, struct run *, struct paks_error **);

#endif
