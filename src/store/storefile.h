/* Reading and atomically replacing the small files paks keeps on the host. */
#ifndef PAKS_STOREFILE_H
#define PAKS_STOREFILE_H

#include <stddef.h>

#include "util/error.h"

/* A replacement being written next to its target; see storefile_open. */
struct storefile {
	char	*path;		/* the file being replaced */
	char	*tmp;		/* NULL once committed */
	int	 fd;
};

#define STOREFILE_INIT { NULL, NULL, -1 }

int	storefile_read(const char *, size_t, char **, size_t *,
	    struct paks_error **);
int	storefile_mkdir(const char *, struct paks_error **);
int	storefile_open(struct storefile *, const char *, const char *,
	    struct paks_error **);
void	storefile_keep_mode(struct storefile *);
int	storefile_write(struct storefile *, const void *, size_t,
	    struct paks_error **);
int	storefile_commit(struct storefile *, struct paks_error **);
void	storefile_release(struct storefile *);
int	storefile_replace(const char *, const void *, size_t,
	    struct paks_error **);

#define _cleanup_storefile_ __attribute__((cleanup(storefile_release)))

#endif
