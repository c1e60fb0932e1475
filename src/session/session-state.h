/*
 * The state of a running session, for the files of src/session/ that make
 * it (session.c, session-replace.c); nothing outside this directory sees it.
 */
#ifndef PAKS_SESSION_STATE_H
#define PAKS_SESSION_STATE_H

#include <stdbool.h>

#include "gate.h"
#include "integration.h"
#include "engine/engine-api.h"
#include "linebuf.h"
#include "proxy.h"
#include "record.h"
#include "session.h"
#include "shellhook.h"
#include "util/strbuf.h"
#include "util/strv.h"

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
	struct engine_attached	 att;	/* over docker's API: the container,
					 * its terminal; id NULL on a pty */
	const char		*shell;
	bool			 strict_shell;
	char *const		*exports;
	int			 shell_failed;	/* acked 126 or 127 */
	const char		*start_dir;	/* where paks was started */
	char *const		*srun;		/* srun's options; NULL: no srun */
	session_extra_fn	*extra;		/* plugins' #command entries */
	void			*extra_arg;
	session_names_fn	*plugin_names;
	const char		*cwd;		/* the shell's, for #commands */
	char			*cwd_found;	/* sh: asked of the container */
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
	struct strv		 secrets;	/* values exported through paks */
	struct strv		 exported;	/* "K=V" of those, in order: a
						 * #rollback exports them again */
	unsigned		 generation;	/* containers #rollback replaced */
	char			*image_owned;	/* run.image after a #rollback */
	const char		*start_cwd;	/* #rollback: the new shell's */
	struct strbuf		 early;		/* output before the hello */
	bool			 started;	/* the container said hello */
	bool			 shell_exited;	/* it said so: its status is its own */
	struct record		 rec;		/* the lines it ran (record.c) */
};

void	session_make_nonce(char *);

#endif
