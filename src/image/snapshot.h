/*
 * Snapshots: every save of an image NAME:TAG also tags the image it wrote
 * NAME:TAG.snap-N (N = 1, 2, ...), so that older states stay at hand for
 * #rollback; paks snapshots lists and prunes them.
 */
#ifndef PAKS_SNAPSHOT_H
#define PAKS_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine-ps.h"
#include "save.h"

struct snapshot {
	int		 number;
	char		*tag;		/* NAME:TAG.snap-N */
	char		*id;
	long long	 created;
	long long	 size;		/* the image's */
	long long	 added;		/* over the snapshot before; -1: first */
};

char	*snapshot_name(const char *, int);
int	snapshot_take(struct save_job *, int *, struct paks_error **);
int	snapshot_list(const struct engine *, const char *, struct snapshot **,
	    size_t *, struct paks_error **);
int	snapshot_count(const struct engine_image *, size_t, const char *);
bool	snapshot_is(const char *);
const struct snapshot *snapshot_find(const struct snapshot *, size_t, int);
void	snapshots_free(struct snapshot *, size_t);
const char *snapshot_when(const struct snapshot *, char *, size_t);
char	*snapshot_size(const struct snapshot *);

#endif
