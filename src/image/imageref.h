/* Image references: [registry[:port]/]path[:tag][@algo:hex]. */
#ifndef PAKS_IMAGEREF_H
#define PAKS_IMAGEREF_H

#include "util/error.h"

struct imageref {
	char	*registry;	/* "quay.io", "localhost:5000", or NULL */
	char	*path;		/* "library/debian", "vsoch/paks" */
	char	*tag;		/* NULL when absent */
	char	*digest;	/* "sha256:...", NULL when absent */
};

int	imageref_parse(const char *, struct imageref *, struct paks_error **);
void	imageref_release(struct imageref *);
char   *imageref_base(const struct imageref *); /* last path part */

#endif
