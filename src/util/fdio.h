/* Whole reads and writes over fds that may be interrupted or short. */
#ifndef PAKS_FDIO_H
#define PAKS_FDIO_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

ssize_t	write_all(int, const void *, size_t);
ssize_t	write_crlf(int, const char *, size_t);
int	fd_set_nonblock(int, int);
int	fd_pipes(int[2], int[2], struct paks_error **);

#endif
