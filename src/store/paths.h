/* Where paks keeps its files on the host. */
#ifndef PAKS_PATHS_H
#define PAKS_PATHS_H

char	*paths_home(void);		/* $PAKS_HOME or ~/.paks */
char	*paths_join(const char *, const char *);
char	*paths_expand_user(const char *);	/* leading "~/" */
const char *paths_user_name(void);	/* $USER, else the password file */

#endif
