/*
 * Moving an image out of the local engine (paks move, #move): to an
 * archive, a registry, another machine over ssh, or Charliecloud; and
 * loading an archive into it (paks load, move-load.c).
 */
#ifndef PAKS_MOVE_H
#define PAKS_MOVE_H

#include <stdbool.h>

#include "move-common.h"
#include "util/error.h"

/* The options paks move and #move share. */
struct move_args {
	const char	*engine;	/* -c, --container-tech, --engine */
	const char	*creds_env;	/* --creds-env NAME */
	const char	*cert_dir;	/* --cert-dir DIR */
	bool		 tls_verify;	/* --tls-verify=false clears it */
	char		**words;	/* what is left: [IMAGE] DEST */
	int		 nwords;
};

int	move_args_parse(int, char **, const char *, int, struct move_args *,
	    struct paks_error **);
int	move_dest_parse(const char *, struct move_dest *, struct paks_error **);
void	move_dest_release(struct move_dest *);
int	move_image(struct move_job *, struct paks_error **);
int	move_load(const struct engine *, const char *, int,
	    struct paks_error **);

#endif
