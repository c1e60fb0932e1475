/*
 * What the transports of paks move share: the destination and the job,
 * the image's description, and helpers (move-common.c).
 */
#ifndef PAKS_MOVE_COMMON_H
#define PAKS_MOVE_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "util/error.h"
#include "util/run.h"
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

struct move_job {
	const struct engine	*engine;	/* where the image is */
	const char		*image;
	const struct move_dest	*dest;
	const char		*creds_env;
	const char		*cert_dir;
	bool			 tls_verify;
	bool			 tls_chosen;	/* the user said --tls-verify */
	bool			 strict;	/* the preflight refuses */
	int			 out;		/* progress, then how to run it */
};

/* What the local engine says about the image. */
struct move_image_info {
	char		*id;		/* as the engine prints it */
	char		*workdir;	/* "" for none */
	struct strv	 layers;	/* diff ids, bottom first */
};

/* Pure helpers, shared by the transports and the unit tests. */
char	*move_repotag(const char *);
char	*move_auth_json(const char *, const char *, const char *);
int	move_remote_parse(const char *, char **, struct strv *);
void	move_layers_present(char *const *, size_t, char *const *, bool,
	    bool *);
char	*move_loaded_name(const char *);

/* For the transports, not for commands. */
void	move_say(const struct move_job *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	move_tmpfile(struct paks_error **);
void	move_skopeo_copy(struct strv *, const char *);
int	move_exec(struct run *, struct paks_error **);
char	*move_last_line(const char *);
char	*move_fd_text(int);
int	move_save_archive(struct move_job *, int, struct paks_error **);
void	move_image_info_release(struct move_image_info *);

#endif
