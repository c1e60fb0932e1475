/*
 * The portability preflight of paks move to charliecloud: and ssh://:
 * what in the image will not work over there, said before the move
 * (preflight.c).
 */
#ifndef PAKS_PREFLIGHT_H
#define PAKS_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>

#include "move-archive.h"
#include "move-common.h"
#include "util/error.h"

/* The kinds of file the preflight reports, as bits. */
enum preflight_kind {
	PREFLIGHT_ROOT_ONLY	= 1 << 0,	/* owner root, others cannot read */
	PREFLIGHT_SETID		= 1 << 1,	/* a setuid or setgid file */
	PREFLIGHT_DEVICE	= 1 << 2,	/* a char or block device node */
	PREFLIGHT_LINK_OUT	= 1 << 3,	/* a link into /tmp or /home */
};

#define PREFLIGHT_KINDS 4

/* A file of the image the preflight reports, and the layer it is from. */
struct preflight_file {
	char		*path;		/* no leading or trailing '/' */
	unsigned	 kinds;
	size_t		 layer;
};

/* The files found so far, sorted by path, as the layers are applied. */
struct preflight {
	const char		*workdir;	/* no leading '/'; "" for none */
	struct preflight_file	*v;
	size_t			 n, alloc;
};

#define PREFLIGHT_INIT { "", NULL, 0, 0 }

/* Pure parts, for the unit tests. */
unsigned	 preflight_classify(const struct move_archive_entry *,
		    const char *, const char *);
void		 preflight_feed(struct preflight *, size_t,
		    const struct move_archive_entry *);
size_t		 preflight_count(const struct preflight *, unsigned, size_t);
char		*preflight_summary(const struct preflight *, unsigned, size_t);
const char	*preflight_go_arch(const char *);
char		*preflight_remote_arch(const char *);
void		 preflight_release(struct preflight *);

/*
 * For the transports: check the image in the archive (its files when
 * files is set, its architecture against dest_arch, a Go name, when that
 * is not NULL; where names the destination for the message), print what
 * it finds as warnings, and fail only with --strict.
 */
int	preflight_check(const struct move_job *, const struct move_archive *,
	    bool, const char *, const char *, struct paks_error **);
int	preflight_charliecloud(struct move_job *, struct paks_error **);

#endif
