/* Settings: built-in defaults, system file, user file, extra file, -s. */
#ifndef PAKS_SETTINGS_H
#define PAKS_SETTINGS_H

#include <stdbool.h>

#include "util/error.h"
#include "util/strv.h"

enum setting_type { SETTING_STRING, SETTING_BOOL, SETTING_INT, SETTING_LIST };

enum setting_source {
	SOURCE_DEFAULT,
	SOURCE_SYSTEM,
	SOURCE_USER,
	SOURCE_FILE,
	SOURCE_OVERRIDE,
};

/* What `config set` checks of a string value besides its type. */
enum setting_check {
	CHECK_NONE,
	CHECK_CHOICE,	/* one of choices */
	CHECK_ABSPATH,	/* an absolute path (in the container) */
	CHECK_COMMAND,	/* its first word is a program on PATH */
};

struct setting_def {
	const char		*name;
	enum setting_type	 type;
	const char		*def;	/* YAML text of the default */
	const char		*help;
	enum setting_check	 check;	/* empty values always pass */
	const char *const	*choices; /* CHECK_CHOICE, NULL-terminated */
};

extern const struct setting_def settings_table[];
extern const char *const settings_engines[];
extern const int settings_count;

struct setting_value {
	char			*str;	/* scalar types; NULL means unset */
	struct strv		 list;	/* SETTING_LIST */
	enum setting_source	 source;
	char			*origin; /* file that set it, if any */
};

struct settings {
	struct setting_value	 v[32];
};

const struct setting_def *settings_find(const char *);
const char *settings_suggest(const char *);
const char *settings_source_name(enum setting_source);
char	*settings_system_path(void);
char	*settings_user_path(void);

int	settings_load(struct settings *, const char *, char *const *,
	    struct paks_error **);
int	settings_load_file(struct settings *, const char *, enum setting_source,
	    bool, struct paks_error **);
int	settings_set(struct settings *, const char *, const char *,
	    enum setting_source, struct paks_error **);
void	settings_release(struct settings *);

const char	*settings_get(const struct settings *, const char *);
bool		 settings_get_bool(const struct settings *, const char *);
long		 settings_get_int(const struct settings *, const char *);
char *const	*settings_get_list(const struct settings *, const char *);
char		*settings_format(const struct settings *, const char *);

#endif
