/* The seccomp profile of a docker or podman session: TIOCSTI refused. */
#ifndef PAKS_SECCOMP_H
#define PAKS_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* Whose default profile a session's profile starts from. */
enum seccomp_engine {
	SECCOMP_NONE,		/* no seccomp option (charliecloud) */
	SECCOMP_DOCKER,
	SECCOMP_PODMAN,
};

enum seccomp_build_flags {
	/*
	 * keep the refusals of docker's own default that containers-common's
	 * profile lifts: new namespaces (unless CAP_SYS_ADMIN), the keyring
	 */
	SECCOMP_AS_DOCKER = 1 << 0,
};

/* Where the engines' defaults are looked for; a seam for the tests. */
struct seccomp_where {
	/* docker: its "seccomp-profile" setting */
	const char		*daemon_json;
	/* podman: seccomp_profile in these files (a directory: its *.conf),
	 * the last one set wins */
	const char *const	*containers_conf;
	/* containers-common's profile: the first that exists */
	const char *const	*bases;
};

/* What a session gets; see seccomp_prepare. */
enum seccomp_result {
	SECCOMP_ADD,		/* paks's profile, to pass to the engine */
	SECCOMP_CHOSEN,		/* the user or the engine's configuration
				 * chose (a profile, or none) */
	SECCOMP_NO_BASE,	/* no default profile on this machine */
};

bool	seccomp_user_chose(char *const *);
char   *seccomp_build(const char *, enum seccomp_build_flags,
	    struct paks_error **);
int	seccomp_prepare(enum seccomp_engine, const struct seccomp_where *,
	    const char *, char *const *, enum seccomp_result *, char **,
	    struct paks_error **);
bool	seccomp_tiocsti_open(void);
bool	seccomp_first_note(const char *);

#endif
