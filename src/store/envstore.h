/* Named environments: sets of variables kept in ~/.paks/envs/NAME. */
#ifndef PAKS_ENVSTORE_H
#define PAKS_ENVSTORE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"
#include "util/strbuf.h"
#include "util/strv.h"

struct env_var {
	char	*key;
	char	*value;
	char	*pre;	/* comment and blank lines above it, or NULL */
};

/* The variables of one environment, in file order. */
struct env {
	struct env_var	*v;
	size_t		 n;
	size_t		 alloc;
	char		*tail;	/* comment lines at the end */
};

#define ENV_INIT { NULL, 0, 0, NULL }

/* struct env in memory */
const char	*env_get(const struct env *, const char *);
void		 env_set(struct env *, const char *, const char *);
bool		 env_unset(struct env *, const char *);
void		 env_release(struct env *);

#define _cleanup_env_ __attribute__((cleanup(env_release)))

/* names, and the file format (pure: no I/O) */
bool	envstore_name_valid(const char *);
bool	envstore_key_valid(const char *);
int	envstore_check_name(const char *, struct paks_error **);
int	envstore_check_key(const char *, struct paks_error **);
int	envstore_parse(const char *, size_t, struct env *, const char *,
	    struct paks_error **);
void	envstore_format(const struct env *, struct strbuf *);
void	envstore_format_var(const char *, const char *, struct strbuf *);

/* the files */
char	*envstore_dir(void);
char	*envstore_path(const char *);
bool	 envstore_exists(const char *);
bool	 envstore_too_open(const char *, char **);
int	 envstore_list(struct strv *, struct paks_error **);
int	 envstore_load(const char *, struct env *, struct paks_error **);
/* every value of every environment (an unreadable one is left out): the
 * secrets a save refuses and a record masks */
void	 envstore_values(struct strv *);
int	 envstore_check_new(const char *, const struct env *,
	    struct paks_error **);
int	 envstore_add(const char *, const struct env *, bool,
	    struct paks_error **);
int	 envstore_remove(const char *, char *const *, struct paks_error **);
int	 envstore_delete(const char *, struct paks_error **);
int	 envstore_read(const char *, char **, size_t *,
	    struct paks_error **);
int	 envstore_replace(const char *, const char *, size_t, const char *,
	    size_t, struct paks_error **);

#endif
