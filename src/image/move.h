/* Moving an image out of the local engine: to an archive, a registry, another machine over ssh, or Charliecloud. */
#ifndef PAKS_MOVE_H
#define PAKS_MOVE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "util/error.h"
#include "util/spawn.h"
#include "util/strbuf.h"
#include "util/strv.h"

enum move_kind {
	MOVE_DOCKER_ARCHIVE,	/* docker-archive:PATH */
	MOVE_OCI_ARCHIVE,	/* oci-archive:PATH */
	MOVE_REGISTRY,		/* docker://[REGISTRY/]REPO[:TAG] */
	MOVE_SSH,		/* ssh://[USER@]HOST[:PORT][/ENGINE] */
	MOVE_CHARLIECLOUD,	/* charliecloud:DIR or charliecloud:FILE.sqfs */
};

/* A parsed DEST; the strings not used by its kind are NULL. */
struct move_dest {
	enum move_kind	 kind;
	char		*path;		/* archives, charliecloud */
	bool		 squash;	/* charliecloud:FILE.sqfs */
	char		*ref;		/* registry: what follows docker:// */
	char		*registry;	/* its host[:port]; docker.io if none */
	char		*user;		/* ssh, or NULL */
	char		*host;		/* ssh */
	char		*port;		/* ssh, or NULL */
	char		*engine;	/* ssh: docker, podman, or NULL */
};

/* The options paks move and #move share. */
struct move_args {
	const char	*engine;	/* -c, --container-tech, --engine */
	const char	*creds_env;	/* --creds-env NAME */
	const char	*cert_dir;	/* --cert-dir DIR */
	bool		 tls_verify;	/* --tls-verify=false clears it */
	char		**words;	/* what is left: [IMAGE] DEST */
	int		 nwords;
};

struct move_job {
	const struct engine	*engine;	/* where the image is */
	const char		*image;
	const struct move_dest	*dest;
	const char		*creds_env;
	const char		*cert_dir;
	bool			 tls_verify;
	int			 out;		/* progress, then how to run it */
};

/* What the local engine says about the image. */
struct move_image_info {
	char		*id;		/* as the engine prints it */
	char		*workdir;	/* "" for none */
	struct strv	 layers;	/* diff ids, bottom first */
};

int	move_args_parse(int, char **, const char *, int, struct move_args *,
	    struct paks_error **);
int	move_dest_parse(const char *, struct move_dest *, struct paks_error **);
void	move_dest_release(struct move_dest *);
int	move_image(struct move_job *, struct paks_error **);
int	move_load(const struct engine *, const char *, int,
	    struct paks_error **);

/* Pure helpers, shared by the transports and the unit tests. */
char	*move_repotag(const char *);
void	move_shell_quote(struct strbuf *, const char *);
char	*move_size(uint64_t);
char	*move_auth_json(const char *, const char *, const char *);
int	move_remote_parse(const char *, char **, struct strv *);
void	move_layers_present(char *const *, size_t, char *const *, bool,
	    bool *);
char	*move_loaded_name(const char *);

/* Shared by the transports (move*.c), not by commands. */
void	move_say(const struct move_job *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	move_tmpfile(struct paks_error **);
int	move_run(char *const *, int, int, int, char **, char **,
	    struct paks_error **);
char	*move_last_line(const char *);
char	*move_fd_text(int);
int	move_save_archive(struct move_job *, int, struct paks_error **);
void	move_image_info_release(struct move_image_info *);
int	move_ssh(struct move_job *, const struct move_image_info *,
	    struct paks_error **);
int	move_registry(struct move_job *, const struct move_image_info *,
	    struct paks_error **);
int	move_charliecloud(struct move_job *, const struct move_image_info *,
	    struct paks_error **);

#endif
