/*
 * A paks run session: the engine client on a pty, with paks in between.
 *
 * The session's state (the pty loop, the shell's protocol, the trust gate)
 * is src/session/'s alone (session-state.h). host/host-run.c starts a
 * session with session_opts and learns how it ended from session_end; a
 * #command or a plugin sees it
 * through a few calls: session_op (engine, run options, directories),
 * session_cwd, session_export, session_runner (its programs run as jobs
 * of the session, util/run.h), session_note_stale and session_replace
 * (#rollback).
 */
#ifndef PAKS_SESSION_H
#define PAKS_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"
#include "util/strv.h"

struct cmd_ctx;
struct cmd_entry;
struct session;

/* The #command entries plugins add, after the built-in table. */
typedef const struct cmd_entry *const *session_extra_fn(void *);

/* The names of the plugins #load can add, for Tab. */
typedef void session_names_fn(struct strv *);

/* What a session starts with; the caller keeps it all alive meanwhile. */
struct session_opts {
	struct cmd_ctx		*ctx;		/* settings; #commands copy it */
	const struct engine	*engine;
	struct run_opts		 run;
	const char		*shell;
	bool			 strict_shell;	/* --shell: no /bin/sh fallback */
	char *const		*exports;	/* "K=V" the shell starts with */
	const char		*start_dir;	/* where paks was started */
	char *const		*srun;		/* srun's options; NULL: no srun */
	/* asked before each #command: #load may add entries */
	session_extra_fn	*extra;
	void			*extra_arg;
	session_names_fn	*plugin_names;	/* or NULL */
};

/* How a session ended (session_run). */
struct session_end {
	int		 code;		/* the shell's status, or 128 + signal */
	int		 status;	/* the engine client's wait status */
	int		 stop_signal;	/* SIGTERM, SIGHUP... that stopped paks */
	bool		 child_done;	/* the engine client ended by itself */
	bool		 shell_exited;	/* the shell said so: status its own */
	bool		 start_failed;	/* the client ended before the hello */
	bool		 need_newline;	/* the terminal's last line is open */
	int		 shell_failed;	/* 127: the shell is not in the image,
					 * 126: it cannot be run; else 0 */
	char		*early;		/* the engine's words before the hello */
};

int	session_run(const struct session_opts *, struct session_end *,
	    struct paks_error **);
void	session_end_release(struct session_end *);

/* for #commands and plugins */
struct engine_op session_op(struct session *);
void	session_export(struct session *, const char *, const char *);
void	session_note_stale(struct session *, const char *);
char *const *session_secrets(struct session *);
int	session_cwd(struct session *, const char **, struct paks_error **);
struct runner session_runner(struct session *);
/* #rollback: a new container from IMAGE in the old one's place (CWD) */
int	session_replace(struct session *, const char *, const char *,
	    struct paks_error **);

#endif
