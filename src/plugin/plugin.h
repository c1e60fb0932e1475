/* Plugins: their manifests, the registry of loaded ones, and running them. */
#ifndef PAKS_PLUGIN_H
#define PAKS_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>

#include "cmd.h"
#include "store/envstore.h"
#include "util/error.h"

#define PLUGIN_MANIFEST		"plugin.yml"
#define PLUGIN_NAME_MAX		32
#define PLUGIN_TEXT_MAX		200	/* usage, description */
#define PLUGIN_EXPORTS_MAX	1024	/* records one run may send on fd 3 */

enum plugin_source {
	PLUGIN_USER,		/* $PAKS_HOME/plugins/NAME */
	PLUGIN_SYSTEM,		/* <prefix>/lib/paks/plugins/NAME */
	PLUGIN_OTHER,		/* any directory, e.g. one to install */
};

struct plugin;

/* One command a plugin adds. */
struct plugin_cmd {
	char		*name;
	char		*usage;
	char		*description;
	int		 min_args;
	int		 max_args;	/* -1: no limit */
	struct plugin	*plugin;
};

/* A manifest, and where its plugin lives once found. */
struct plugin {
	char			*name;
	char			*version;
	char			*description;	/* or NULL */
	char			*exec;		/* relative to dir */
	struct plugin_cmd	*cmds;
	size_t			 ncmds;
	char			*dir;		/* NULL for a bare manifest */
	enum plugin_source	 source;
};

/* The plugins loaded in a session, and the #command entries they add. */
struct plugin_registry {
	struct plugin		**v;
	size_t			  n;
	struct cmd_entry	**entries;	/* NULL-terminated */
	size_t			  nentries;
};

#define PLUGIN_REGISTRY_INIT { NULL, 0, NULL, 0 }

/* names and manifests (pure: no I/O) */
bool	plugin_name_valid(const char *);
int	plugin_check_name(const char *, struct paks_error **);
int	plugin_parse(const char *, size_t, const char *, struct plugin *,
	    struct paks_error **);
void	plugin_release(struct plugin *);
void	plugin_free(struct plugin *);

/* fd 3: KEY=VALUE records, each ended by a NUL byte (pure) */
int	plugin_decode_exports(const char *, size_t, struct env *,
	    struct paks_error **);

/* the directories */
char	*plugin_user_dir(void);
char	*plugin_system_dir(void);
int	 plugin_load_dir(const char *, enum plugin_source, struct plugin *,
	    struct paks_error **);
int	 plugin_find(const char *, struct plugin *, struct paks_error **);
int	 plugin_check_builtins(const struct plugin *,
	    const struct cmd_entry *const *, struct paks_error **);

/* what is installed, user's first: name order, broken ones with error */
struct plugin_found {
	char			*name;
	enum plugin_source	 source;
	struct plugin		 p;		/* empty if broken */
	char			*error;		/* why it cannot load */
	bool			 shadowed;	/* a user plugin has its name */
};

void	plugin_scan(struct plugin_found **, size_t *);
void	plugin_scan_free(struct plugin_found *, size_t);

/* the registry */
int	plugin_registry_add(struct plugin_registry *,
	    const struct cmd_entry *const *, struct plugin *,
	    struct paks_error **);
const struct plugin *plugin_registry_get(const struct plugin_registry *,
	    const char *);
const struct cmd_entry *const *plugin_registry_entries(
	    const struct plugin_registry *);
void	plugin_registry_release(struct plugin_registry *);

/* in a session: its registry, filled by the plugins setting and #load */
struct settings;
int	plugin_session_load(struct plugin_registry *, const char *,
	    struct paks_error **);
void	plugin_session_start(struct plugin_registry *,
	    const struct settings *);
/* session_run with the plugins the settings name, and #load */
struct session_opts;
struct session_end;
int	plugin_session_run(struct cmd_ctx *, struct session_opts *,
	    struct session_end *, struct paks_error **);

#endif
