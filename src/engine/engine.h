/* Container engines, driven through their command-line clients. */
#ifndef PAKS_ENGINE_H
#define PAKS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "seccomp.h"
#include "util/error.h"
#include "util/run.h"
#include "util/strv.h"

/* What "paks run" asks of an engine. */
struct run_opts {
	const char	*image;
	const char	*name;
	const char	*workdir;
	const char	*user;
	char *const	*volumes;	/* HOST:CTR[:ro] */
	char *const	*envs;		/* K=V */
	char *const	*extra;		/* passed through to the engine's run */
	char *const	*prepared;	/* options the engine's open worked out */
	const char	*seccomp;	/* profile file (docker, podman); NULL:
					 * engine_run_argv makes paks's own */
	bool		 keep;
	bool		 no_entrypoint;	/* skip the image's ENTRYPOINT */
	/* command mode: CMD ARGS in place of the session's shell */
	char *const	*command;	/* program first; NULL: a session */
	bool		 open_stdin;	/* -i */
	bool		 tty;		/* -t */
	const char	*envpipe;	/* a FIFO of shell code that CMD starts
					 * after (--envload), or NULL */
	bool		 enter;		/* the container exists (paks enter):
					 * the session is an exec into it */
};

/* Where the --envload FIFO is inside the container. */
#define ENGINE_ENVPIPE "/run/paks-envload"

/* The labels paks gives the containers it runs (paks ls finds them). */
#define ENGINE_LABEL_RUN "org.paks.run"		/* the container's name */
#define ENGINE_LABEL_SOURCE "org.paks.source"	/* the image it ran */

/* An engine's names for the run options all engines take ("--workdir"). */
struct run_opt_names {
	const char	*workdir;
	const char	*user;
	const char	*volume;
	const char	*env;
};

/* A #command's operation on the session's container (or image). */
struct engine_op {
	const struct engine	*engine;
	const struct run_opts	*run;		/* how the session started */
	const char		*cwd;		/* the shell's directory, or NULL */
	const char		*start_dir;	/* relative host paths start here */
	bool			 keep_history;	/* the save_history setting */
	char *const		*secrets;	/* #save: values to refuse */
	bool			 allow_secrets;	/* #save --allow-secrets */
	struct runner		 runner;	/* how its programs run (in
						 * a session: as its jobs) */
};

/* One side of a #cp is on the host (a path), the other in the container. */
struct safetree;

struct engine_cp {
	const char	*host;		/* host path, relative ones resolved */
	const char	*ctr;		/* container path as typed */
	bool		 to_host;	/* container -> host */
	const char	*what;		/* the source as typed, for messages */
	const char	*shown;		/* the destination as typed, without
					 * "host:", for messages */
	/* container -> host for docker and podman: make the members of the
	 * tar in fd below st (the tar reader is image/'s, above this layer) */
	int		(*unpack)(const struct engine_cp *, int,
			    struct safetree *, bool, struct paks_error **);
	/* host -> container through the Engine API: write the host side to
	 * fd as a tar whose top member is named top (NULL: a directory's
	 * members at the top), links never followed (image/tarpack.c) */
	int		(*pack)(const struct engine_cp *, int, const char *,
			    struct paks_error **);
};

/* What #size and paks size show; -1: not known. */
struct engine_size {
	long long	 writable;	/* the container's own layer */
	long long	 virtual_size;	/* with its image's layers */
	long long	 image;		/* charliecloud: the image on disk */
	bool		 squashfs;	/* charliecloud: a SquashFS file */
	const char	*path;		/* charliecloud: the image; else NULL */
};

/* What a commit wrote, for the user. */
struct engine_saved {
	char	*detail;	/* "sha256:..., 3 layers" or a size */
	char	*stale;		/* an image the name left, still in use */
};

/*
 * An engine is this vtable. docker and podman share the command-line
 * client code (engine.c, engine-cli.c); charliecloud.c fills the same
 * operations for image directories, and says "not supported by
 * charliecloud" where one has no equivalent.
 */
struct engine {
	const char	*name;		/* "docker" */
	const char	*program;	/* client on PATH */
	bool		 daemon;	/* needs a daemon that may be down */
	bool		 images;	/* keeps images and containers by name
					 * (paks save, move and load need it) */
	const char	*empty_entrypoint; /* for commit --change */
	enum seccomp_engine seccomp;	/* whose default profile to extend */
	/* add the engine-specific options of "run" */
	void		(*run_flags)(const struct engine *, struct strv *);

	int	(*probe)(const struct engine *, struct paks_error **);
	/*
	 * Before a run, for engines without an image store: check the image
	 * given, set run->image to what it resolves to (owned by *path) and
	 * add the options it needs to *args (kept in run->prepared).
	 */
	int	(*open)(const struct engine *, struct run_opts *, char **,
		    struct strv *, struct paks_error **);
	void	(*run_argv)(const struct engine *, const struct run_opts *,
		    char *const *, struct strv *);
	int	(*cp)(const struct engine_op *, const struct engine_cp *,
		    struct paks_error **);
	int	(*inspect)(const struct engine_op *, char **,
		    struct paks_error **);
	int	(*size)(const struct engine_op *, struct engine_size *,
		    struct paks_error **);
	/*
	 * #save, for an engine that saves its own way (charliecloud: an
	 * image directory): the name (or path) SUFFIX gives, checked, and
	 * the commit. NULL for docker and podman, whose containers
	 * image/save.c commits (save_op_target, save_op_commit).
	 */
	char   *(*save_name)(const struct engine_op *, const char *,
		    struct paks_error **);
	int	(*commit)(const struct engine_op *, const char *,
		    struct engine_saved *, struct paks_error **);
	int	(*remove)(const struct engine *, const char *);
	/* #commands with no equivalent in this engine, NULL-terminated */
	const struct engine_lack *unsupported;
};

struct engine_lack {
	const char	*command;	/* "move" for #move */
	const char	*hint;		/* what to do instead */
};

extern const struct engine *const engines[];
extern const struct engine charliecloud_engine;

const struct engine *engine_find(const char *);
int	engine_select(const char *, const struct engine **,
	    struct paks_error **);
int	engine_probe(const struct engine *, struct paks_error **);
enum image_state { IMAGE_PRESENT, IMAGE_ABSENT, IMAGE_ENGINE_DOWN };

int	engine_image_state(const struct engine *, const char *,
	    enum image_state *, struct paks_error **);
char	*engine_last_line(const char *);
int	engine_pick(const char *, const struct engine **, struct paks_error **);
int	engine_pull(const struct engine *, const char *, struct paks_error **);
int	engine_pull_shown(const struct engine *, const char *, bool,
	    struct paks_error **);
char	*engine_image_entrypoint(const struct engine *, const char *);
void	engine_run_argv(const struct engine *, const struct run_opts *,
	    char *const *, struct strv *);
void	engine_run_opts(const struct run_opts *, const struct run_opt_names *,
	    struct strv *);
int	engine_remove(const struct engine *, const char *);
bool	engine_container_exists(const struct engine *, const char *);
int	engine_simple(const struct engine *, char *const *, char **,
	    struct paks_error **);
int	engine_cmd(const struct runner *, char *const *, const char *,
	    char **, int, struct paks_error **);
int	engine_cmd_args(const struct engine *, const struct runner *,
	    char *const *, const char *, char **, int, struct paks_error **);
const struct engine *engine_for_image(const char *, const char *);
int	engine_supports(const struct engine *, const char *,
	    struct paks_error **);
void	engine_saved_release(struct engine_saved *);

/* docker and podman: the #command operations of their clients */
int	engine_cli_cp(const struct engine_op *, const struct engine_cp *,
	    struct paks_error **);
int	engine_cli_inspect(const struct engine_op *, char **,
	    struct paks_error **);
int	engine_cli_size(const struct engine_op *, struct engine_size *,
	    struct paks_error **);

#endif
