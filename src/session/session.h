/* A paks run session: the engine client on a pty, with paks in between. */
#ifndef PAKS_SESSION_H
#define PAKS_SESSION_H

#include <stdbool.h>

#include "engine/engine.h"
#include "gate.h"
#include "integration.h"
#include "linebuf.h"
#include "proxy.h"
#include "shellhook.h"

struct cmd_ctx;
struct plugin_registry;

enum session_mode {
	MODE_HANDSHAKE,		/* waiting for the shim's hello */
	MODE_HOOK,		/* bash, zsh: hooks report every line */
	MODE_SH,		/* keystrokes tell the line; prompt markers */
	MODE_PLAIN,		/* no integration: a plain proxy */
};

enum session_out {
	OUT_PASS,		/* container output goes to the user */
	OUT_DISCARD_ACK,	/* handshake: drop until the shim's ack */
	OUT_DISCARD_PROMPT,	/* drop until the next prompt marker */
	OUT_DISCARD_READY,	/* drop until __paks_x is ready to read */
};

struct session {
	struct cmd_ctx		*ctx;
	const struct engine	*engine;
	struct run_opts		 run;
	const char		*shell;
	char			*start_dir;	/* where paks was started */
	char *const		*srun;		/* srun's options; NULL: no srun */
	const char		*cwd;		/* the shell's, for #commands */
	struct proxy		 proxy;

	enum session_mode	 mode;
	enum shell_kind		 kind;
	enum session_out	 out;
	struct shellhook	 hook;
	struct linebuf		 lb;
	char			 nonce[SHELLHOOK_NONCE_LEN + 1];
	bool			 at_prompt;	/* the shell is reading a line */
	struct gate		 gate;		/* the lines the user typed */
	char			*ask_line;	/* a #command awaiting y/N */
	char			*ask_pwd;
	bool			 replied;	/* a reply went out, "D" is due */
	bool			 late_done;	/* a "D" may still come, late */
	bool			 holding;	/* typed keys held back */
	bool			 sh_flow;	/* a fallback #command is under way */
	struct strbuf		 held_in;	/* keys typed while holding */
	struct strbuf		 prompt;	/* sh: the last prompt's text */
	bool			 in_prompt;	/* sh: between its markers */
	struct strbuf		 reply;		/* shell code for the hook */
	unsigned long		 forged;	/* messages refused */
	char			 cmd_last;	/* last byte a #command printed */
	unsigned long		 commands;	/* #commands run */
	struct strv		 stale;		/* images #save replaced, in use */
	struct strbuf		 early;		/* output before the hello */
	bool			 started;	/* the container said hello */
	bool			 start_failed;	/* the client ended before it */
	bool			 shell_exited;	/* it said so: its status is its own */
	struct plugin_registry	*plugins;	/* loaded plugins */
};

/* A program run for a #command (see session_spawn). */
struct session_job {
	char *const	*argv;		/* program first */
	char *const	*env;		/* "K=V" added to its environment */
	bool		 stream;	/* its output goes to the user as it comes */
	int		 timeout;	/* seconds; 0: none */
	bool		 want_fd3;	/* collect what it writes to fd 3 */
	const char	*progress;	/* shown with the seconds, if slow */
	int		 out_fd;	/* above 2: stdout goes there, not out */
	char		*out, *err_text, *fd3;	/* collected (unless stream) */
	size_t		 fd3_len;	/* fd3 may hold NUL bytes */
	int		 status;	/* shell-style exit code */
	int		 signal;	/* the signal that killed it, or 0 */
	bool		 timed_out, cancelled;
};

int	session_run(struct session *, int *, struct paks_error **);
int	session_spawn(struct session *, struct session_job *,
	    struct paks_error **);
void	session_job_release(struct session_job *);
void	session_export(struct session *, const char *, const char *);
int	session_engine(struct session *, char *const *, char **,
	    struct paks_error **);
int	session_engine_progress(struct session *, char *const *, const char *,
	    char **, struct paks_error **);
int	session_command(void *, char *const *, const char *, char **,
	    struct paks_error **);
int	session_command_fd(void *, char *const *, const char *, int,
	    struct paks_error **);
struct engine_op session_op(struct session *);

#endif
