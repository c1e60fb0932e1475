/* The pty loop: moves bytes between the user's terminal and the pty. */
#ifndef PAKS_PROXY_H
#define PAKS_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/run.h"
#include "util/strbuf.h"

struct proxy;

/* What the loop reports to its owner (session.c); it knows no commands. */
struct proxy_ops {
	/* bytes typed by the user; the owner queues what goes to the pty */
	void	(*input)(struct proxy *, const char *, size_t);
	/* bytes from the pty; the owner queues what goes to the user */
	void	(*output)(struct proxy *, const char *, size_t);
	/* bytes typed while a #command's program runs, but no Ctrl-C */
	void	(*held)(struct proxy *, const char *, size_t);
	/* a child other than the engine client was reaped */
	void	(*reaped)(struct proxy *, pid_t, int);
	/* the deadline of proxy_set_timeout passed, busy or not */
	void	(*timeout)(struct proxy *);
	/* the user's terminal changed size (NULL: its size to the pty's) */
	void	(*resize)(struct proxy *);
};

struct proxy {
	int			 user_in, user_out, master, sigfd;
	pid_t			 child;		/* the engine client */
	int			 child_status;
	bool			 child_done, master_done;
	int			 stop_signal;	/* SIGTERM/SIGHUP/SIGINT seen */
	struct strbuf		 to_user, to_pty;
	char			 last_out;	/* last byte for the user */
	bool			 hold_output;	/* owner pauses pty output */
	long long		 deadline;	/* monotonic ms; -1: none */
	const struct proxy_ops	*ops;
	void			*owner;
};

int	proxy_setup_signals(sigset_t *);
int	proxy_run(struct proxy *);
void	proxy_to_user(struct proxy *, const char *, size_t);
void	proxy_to_pty(struct proxy *, const char *, size_t);
void	proxy_flush_user(struct proxy *);
void	proxy_reap(struct proxy *);
void	proxy_set_timeout(struct proxy *, int);
int	proxy_job_poll(struct proxy *, struct pollfd *, int, int,
	    enum run_cancel *);

#endif
