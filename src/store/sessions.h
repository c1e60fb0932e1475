/*
 * The paks sessions in each container (paks enter): one file per paks
 * process, ~/.paks/sessions/CONTAINER/PID, so that the last one out knows
 * it is the last.
 */
#ifndef PAKS_SESSIONS_H
#define PAKS_SESSIONS_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"

int	sessions_join(const char *, pid_t, bool, struct paks_error **);
bool	sessions_leave(const char *, pid_t);
bool	sessions_shared(const char *, pid_t, bool);

#endif
