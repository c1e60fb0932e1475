/* The containers and images paks made, as docker and podman inspect them. */
#ifndef PAKS_ENGINE_PS_H
#define PAKS_ENGINE_PS_H

#include <stdbool.h>
#include <stddef.h>

#include "engine.h"
#include "util/error.h"
#include "util/strv.h"

/* A container paks ran (its org.paks.run label names it). */
struct engine_box {
	char		*name;
	char		*state;		/* "running", "exited", "created"... */
	char		*source;	/* the image it ran (org.paks.source) */
	long long	 created;	/* Unix time; 0: unknown */
	long long	 size;		/* its writable layer; -1: unknown */
};

/* An image paks saved (it has the org.paks.saved label). */
struct engine_image {
	char		*id;
	struct strv	 tags;		/* "repo:tag", podman's "localhost/"
					 * left off */
	char		*base;		/* org.paks.base, or NULL */
	long long	 created;
	long long	 size;
};

int	engine_boxes(const struct engine *, struct engine_box **, size_t *,
	    struct paks_error **);
int	engine_box_get(const struct engine *, const char *,
	    struct engine_box *, struct paks_error **);
int	engine_box_find(const char *, const char *, const struct engine **,
	    struct engine_box *, struct paks_error **);
void	engine_boxes_free(struct engine_box *, size_t);
void	engine_box_release(struct engine_box *);
int	engine_images_saved(const struct engine *, struct engine_image **,
	    size_t *, struct paks_error **);
void	engine_images_free(struct engine_image *, size_t);
char	*engine_tag_plain(const char *);

#endif
