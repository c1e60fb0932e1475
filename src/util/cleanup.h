/* Scope cleanup helpers (GCC/Clang cleanup attribute) and TAKE_* transfers. */
#ifndef PAKS_CLEANUP_H
#define PAKS_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void
cleanup_freep(void *p)
{
	free(*(void **)p);
}

static inline void
cleanup_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void
cleanup_fclosep(FILE **f)
{
	if (*f != NULL)
		fclose(*f);
}

#define _cleanup_free_ __attribute__((cleanup(cleanup_freep)))
#define _cleanup_close_ __attribute__((cleanup(cleanup_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(cleanup_fclosep)))

#define TAKE_PTR(p)                                                            \
	({                                                                     \
		__typeof__(p) _t = (p);                                        \
		(p) = NULL;                                                    \
		_t;                                                            \
	})
#define TAKE_FD(fd)                                                            \
	({                                                                     \
		int _t = (fd);                                                 \
		(fd) = -1;                                                     \
		_t;                                                            \
	})

#endif
