/* A file, directory or link of the host written as a tar (#cp into a
 * container through the Engine API). */
#ifndef PAKS_TARPACK_H
#define PAKS_TARPACK_H

#include "util/error.h"

/*
 * Write what is at PATH to fd OUT as a tar, as `docker cp` takes a source:
 * a symbolic link named as PATH, or found in its tree, goes as a link and
 * is never followed; regular files with their mode and mtime, directories
 * whole, fifos and devices as their headers, sockets left out. The owner
 * of every member is 0:0 (root). The top member is named TOP; with TOP
 * NULL and PATH a directory, its members go at the top of the tar (its
 * contents, "SRC/." of docker cp). Ends the tar with its end blocks.
 */
int	tarpack_write(int, const char *, const char *, struct paks_error **);

#endif
