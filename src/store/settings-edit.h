/* Writing settings files: the init text, and "set" that keeps comments. */
#ifndef PAKS_SETTINGS_EDIT_H
#define PAKS_SETTINGS_EDIT_H

#include <stddef.h>

#include "settings.h"
#include "util/error.h"
#include "util/strv.h"

char	*settings_init_text(void);
char	*settings_yaml_quote(const char *);
char	*settings_yaml_value(const struct settings *, const char *);
int	 settings_value_yaml(const char *, const char *, char **,
	    struct paks_error **);
int	 settings_edit_set(const char *, size_t, const char *, const char *,
	    char **, struct paks_error **);
int	 settings_check_file(const char *, const char *,
	    struct paks_error **);
int	 settings_user_set(const char *, const char *, struct paks_error **);
void	 settings_editor_argv(const struct settings *, const char *,
	    struct strv *);
int	 settings_run_editor(const struct settings *, const char *,
	    struct paks_error **);

#endif
