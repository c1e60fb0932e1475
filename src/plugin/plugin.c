/*
 * Plugins: read a plugin's manifest, keep the loaded ones in a registry
 * whose #command entries sit after the built-in table, and run a plugin's
 * executable for one of its commands.
 *
 * A plugin is a directory NAME/ holding plugin.yml and an executable; it is
 * found in $PAKS_HOME/plugins, then in the system directory. The
 * executable runs on the host as a job of the session (session_runner:
 * Ctrl-C, resize and plugin_timeout apply) as EXEC COMMAND ARGS..., with the session in
 * PAKS_* variables; its output goes to the terminal as it comes, and the
 * variables it writes to fd 3 as NUL-ended KEY=VALUE records are exported
 * into the shell through session_export, as #envload's are. See README,
 * "Plugins".
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "plugin.h"
#include "session/session.h"
#include "store/paths.h"
#include "store/paths-exe.h"
#include "store/settings.h"
#include "store/storefile.h"
#include "util/cleanup.h"
#include "util/run.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"
#include "version.h"

#define MANIFEST_MAX	(64u << 10)

static void
plugin_closedirp(DIR **d)
{
	if (*d != NULL)
		closedir(*d);
}

#define _cleanup_dir_ __attribute__((cleanup(plugin_closedirp)))
#define PLUGIN_CMDS_MAX	32

bool
plugin_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > PLUGIN_NAME_MAX || !islower((unsigned char)name[0]))
		return false;
	for (const char *p = name; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (!islower(c) && !isdigit(c) && c != '-' && c != '_')
			return false;
	}
	return true;
}

/* Whether s can be quoted in a one-line message as it is. */
static bool
plugin_showable(const char *s)
{
	size_t n = 0;

	/* printable ASCII: UTF-8 can carry C1 controls (U+009B is a CSI) */
	for (; *s; s++, n++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f ||
		    *s == '\'')
			return false;
	}
	return n <= 64;
}

int
plugin_check_name(const char *name, struct paks_error **err)
{
	if (plugin_name_valid(name))
		return 0;
	if (plugin_showable(name))
		paks_error_set(err, 0, "invalid plugin name '%s'", name);
	else
		paks_error_set(err, 0, "invalid plugin name");
	return paks_error_hint(err, "a name is a lower-case letter, then up "
	    "to %d letters, digits, '-' or '_'", PLUGIN_NAME_MAX - 1);
}

/* ---- the manifest ---- */

struct manifest {
	yaml_document_t	 doc;
	const char	*file;
	struct paks_error **err;
};

static int
manifest_error(struct manifest *m, yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "FILE:LINE: what" */
static int
manifest_error(struct manifest *m, yaml_node_t *n, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	return paks_error_set(m->err, 0, "%s:%zu: %s", m->file,
	    n ? n->start_mark.line + 1 : 1, msg);
}

/* The name of a plugin or a command (what): there, and one paks takes. */
static int
manifest_name(struct manifest *m, yaml_node_t *n, const char *name,
    const char *missing, const char *what)
{
	if (name == NULL)
		return manifest_error(m, n, "%s", missing);
	if (!plugin_name_valid(name))
		return manifest_error(m, n, "invalid %s name '%s': a "
		    "lower-case letter, then letters, digits, '-' or '_'",
		    what, plugin_showable(name) ? name : "?");
	return 0;
}

/* A one-line text field: printable, at most max bytes. */
static int
manifest_text(struct manifest *m, yaml_node_t *n, const char *key,
    size_t max, char **out)
{
	const char *v;
	size_t len;

	if (n->type != YAML_SCALAR_NODE)
		return manifest_error(m, n, "'%s' must be a single value", key);
	v = (const char *)n->data.scalar.value;
	len = n->data.scalar.length;
	if (len > max)
		return manifest_error(m, n, "'%s' is longer than %zu "
		    "characters", key, max);
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return manifest_error(m, n, "'%s' must be one line of "
			    "text", key);
	}
	free(*out);
	*out = xstrndup(v, len);
	return 0;
}

static int
manifest_int(struct manifest *m, yaml_node_t *n, const char *key, int *out)
{
	_cleanup_free_ char *s = NULL;
	char *end;
	long v;

	if (manifest_text(m, n, key, 8, &s) < 0)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < -1 || v > 1000)
		return manifest_error(m, n, "'%s' must be a number from -1 to "
		    "1000", key);
	*out = (int)v;
	return 0;
}

static const char *
manifest_key(yaml_document_t *doc, yaml_node_pair_t *pr, yaml_node_t **val)
{
	yaml_node_t *k = yaml_document_get_node(doc, pr->key);

	*val = yaml_document_get_node(doc, pr->value);
	if (k == NULL || k->type != YAML_SCALAR_NODE || *val == NULL)
		return NULL;
	return (const char *)k->data.scalar.value;
}

static int
manifest_command(struct manifest *m, yaml_node_t *n, struct plugin *p,
    struct plugin_cmd *c)
{
	yaml_node_pair_t *pr;

	c->max_args = -1;
	c->plugin = p;
	if (n->type != YAML_MAPPING_NODE)
		return manifest_error(m, n, "a command must be a mapping with "
		    "name, usage and description");
	for (pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
	    pr++) {
		yaml_node_t *v;
		const char *k = manifest_key(&m->doc, pr, &v);
		int rc;

		if (k == NULL)
			return manifest_error(m, n, "a key must be a name");
		if (strcmp(k, "name") == 0)
			rc = manifest_text(m, v, k, PLUGIN_NAME_MAX, &c->name);
		else if (strcmp(k, "usage") == 0)
			rc = manifest_text(m, v, k, PLUGIN_TEXT_MAX, &c->usage);
		else if (strcmp(k, "description") == 0)
			rc = manifest_text(m, v, k, PLUGIN_TEXT_MAX,
			    &c->description);
		else if (strcmp(k, "min_args") == 0)
			rc = manifest_int(m, v, k, &c->min_args);
		else if (strcmp(k, "max_args") == 0)
			rc = manifest_int(m, v, k, &c->max_args);
		else
			rc = manifest_error(m, v, "unknown key '%s' in a "
			    "command", plugin_showable(k) ? k : "?");
		if (rc < 0)
			return -1;
	}
	if (manifest_name(m, n, c->name, "a command has no 'name'",
	    "command") < 0)
		return -1;
	if (c->description == NULL || *c->description == '\0')
		return manifest_error(m, n, "command '%s' has no "
		    "'description'", c->name);
	if (c->usage == NULL)
		c->usage = xstrdup("");
	if (c->min_args < 0 || (c->max_args >= 0 && c->max_args < c->min_args))
		return manifest_error(m, n, "command '%s': min_args and "
		    "max_args do not make a range", c->name);
	return 0;
}

static int
manifest_commands(struct manifest *m, yaml_node_t *n, struct plugin *p)
{
	yaml_node_item_t *it;
	size_t count;

	if (n->type != YAML_SEQUENCE_NODE)
		return manifest_error(m, n, "'commands' must be a list");
	count = (size_t)(n->data.sequence.items.top -
	    n->data.sequence.items.start);
	if (count == 0 || count > PLUGIN_CMDS_MAX)
		return manifest_error(m, n, "'commands' must list 1 to %d "
		    "commands", PLUGIN_CMDS_MAX);
	p->cmds = xcalloc(count, sizeof *p->cmds);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	    it++) {
		struct plugin_cmd *c = &p->cmds[p->ncmds++];
		yaml_node_t *cn = yaml_document_get_node(&m->doc, *it);

		if (manifest_command(m, cn, p, c) < 0)
			return -1;
		for (struct plugin_cmd *o = p->cmds; o < c; o++) {
			if (strcmp(o->name, c->name) == 0)
				return manifest_error(m, cn, "command '%s' is "
				    "listed twice", c->name);
		}
	}
	return 0;
}

static bool
plugin_version_valid(const char *v)
{
	if (*v == '\0')
		return false;
	for (; *v; v++) {
		if (!isalnum((unsigned char)*v) && strchr(".+~_-", *v) == NULL)
			return false;
	}
	return true;
}

/* exec: a relative path that stays inside the plugin's directory. */
static bool
plugin_exec_valid(const char *e)
{
	const char *p = e;

	if (*e == '\0' || *e == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");
		if ((n == 2 && strncmp(p, "..", 2) == 0))
			return false;
		p += n;
		p += *p == '/';
	}
	return true;
}

static int
manifest_root(struct manifest *m, yaml_node_t *root, struct plugin *p)
{
	yaml_node_t *cmds = NULL;

	if (root == NULL || root->type != YAML_MAPPING_NODE)
		return manifest_error(m, root, "a manifest is a mapping with "
		    "name, version, exec and commands");
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
	    pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *v;
		const char *k = manifest_key(&m->doc, pr, &v);
		int rc = 0;

		if (k == NULL)
			return manifest_error(m, root, "a key must be a name");
		if (strcmp(k, "name") == 0)
			rc = manifest_text(m, v, k, PLUGIN_NAME_MAX, &p->name);
		else if (strcmp(k, "version") == 0)
			rc = manifest_text(m, v, k, 64, &p->version);
		else if (strcmp(k, "description") == 0)
			rc = manifest_text(m, v, k, PLUGIN_TEXT_MAX,
			    &p->description);
		else if (strcmp(k, "exec") == 0)
			rc = manifest_text(m, v, k, 255, &p->exec);
		else if (strcmp(k, "commands") == 0)
			cmds = v;
		else
			rc = manifest_error(m, v, "unknown key '%s'",
			    plugin_showable(k) ? k : "?");
		if (rc < 0)
			return -1;
	}
	if (manifest_name(m, root, p->name, "no 'name'", "plugin") < 0)
		return -1;
	if (p->version == NULL || !plugin_version_valid(p->version))
		return manifest_error(m, root, "'version' is missing or not "
		    "a version such as 1.0.2");
	if (p->exec == NULL)
		p->exec = xstrdup(p->name);
	if (!plugin_exec_valid(p->exec))
		return manifest_error(m, root, "'exec' must be a path inside "
		    "the plugin's directory");
	if (cmds == NULL)
		return manifest_error(m, root, "no 'commands'");
	return manifest_commands(m, cmds, p);
}

/*
 * Parse a manifest (text of len bytes, from file, for messages). On
 * failure p is left empty and *err says FILE:LINE: what.
 */
int
plugin_parse(const char *text, size_t len, const char *file, struct plugin *p,
    struct paks_error **err)
{
	struct manifest m = { .file = file, .err = err };
	yaml_parser_t parser;
	int rc;

	memset(p, 0, sizeof *p);
	if (!yaml_parser_initialize(&parser))
		xoom();
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &m.doc)) {
		paks_error_set(err, 0, "%s:%zu: %s", file,
		    parser.problem_mark.line + 1,
		    parser.problem ? parser.problem : "not valid YAML");
		yaml_parser_delete(&parser);
		return -1;
	}
	yaml_parser_delete(&parser);
	rc = manifest_root(&m, yaml_document_get_root_node(&m.doc), p);
	yaml_document_delete(&m.doc);
	if (rc < 0)
		plugin_release(p);
	return rc;
}

void
plugin_release(struct plugin *p)
{
	for (size_t i = 0; i < p->ncmds; i++) {
		free(p->cmds[i].name);
		free(p->cmds[i].usage);
		free(p->cmds[i].description);
	}
	free(p->cmds);
	free(p->name);
	free(p->version);
	free(p->description);
	free(p->exec);
	free(p->dir);
	memset(p, 0, sizeof *p);
}

void
plugin_free(struct plugin *p)
{
	if (p == NULL)
		return;
	plugin_release(p);
	free(p);
}

/* ---- fd 3 ---- */

/*
 * What a plugin wrote to fd 3: records KEY=VALUE, each ended by a NUL byte
 * (a value may hold any other byte, newlines included). All or nothing:
 * one bad record refuses them all. Names paks's own variables use
 * (__paks*) are refused too.
 */
int
plugin_decode_exports(const char *buf, size_t len, struct env *out,
    struct paks_error **err)
{
	_cleanup_env_ struct env env = ENV_INIT;
	size_t off = 0;
	int n = 0;

	while (off < len) {
		const char *rec = buf + off, *nul, *eq;
		_cleanup_free_ char *key = NULL;

		if (++n > PLUGIN_EXPORTS_MAX)
			return paks_error_set(err, 0, "more than %d variables "
			    "to export", PLUGIN_EXPORTS_MAX);
		if ((nul = memchr(rec, '\0', len - off)) == NULL)
			return paks_error_set(err, 0, "export record %d is not "
			    "ended by a NUL byte", n);
		if ((eq = memchr(rec, '=', (size_t)(nul - rec))) == NULL)
			return paks_error_set(err, 0, "export record %d is not "
			    "KEY=VALUE", n);
		key = xstrndup(rec, (size_t)(eq - rec));
		if (!envstore_key_valid(key)) {
			if (plugin_showable(key) && *key != '\0')
				return paks_error_set(err, 0, "export record "
				    "%d: invalid variable name '%s'", n, key);
			return paks_error_set(err, 0, "export record %d: "
			    "invalid variable name", n);
		}
		if (strncmp(key, "__paks", 6) == 0)
			return paks_error_set(err, 0, "export record %d: '%s' "
			    "belongs to paks", n, key);
		env_set(&env, key, eq + 1);
		off = (size_t)(nul - buf) + 1;
	}
	*out = env;
	env = (struct env)ENV_INIT;
	return 0;
}

/* ---- directories ---- */

char *
plugin_user_dir(void)
{
	_cleanup_free_ char *home = paths_home();

	return paths_join(home, "plugins");
}

/*
 * PAKS_SYSTEM_PLUGINS overrides it (tests, like PAKS_SYSTEM_SETTINGS);
 * else the plugins that came with this binary, found from where it is (a
 * build tree, or an install moved under another prefix); else the
 * directory the build was configured with.
 */
char *
plugin_system_dir(void)
{
	const char *p = getenv("PAKS_SYSTEM_PLUGINS");
	char *bundled;

	if (p != NULL && *p)
		return xstrdup(p);
	if ((bundled = paths_bundled_plugins()) != NULL)
		return bundled;
	return xstrdup(PAKS_PLUGIN_DIR);
}

/* Read dir/plugin.yml and check that its executable is there. */
int
plugin_load_dir(const char *dir, enum plugin_source source, struct plugin *p,
    struct paks_error **err)
{
	_cleanup_free_ char *path = paths_join(dir, PLUGIN_MANIFEST);
	_cleanup_free_ char *text = NULL, *exe = NULL;
	struct stat st;
	size_t len;

	if (storefile_read(path, MANIFEST_MAX, &text, &len, err) < 0)
		return -1;
	if (plugin_parse(text, len, path, p, err) < 0)
		return -1;
	exe = paths_join(dir, p->exec);
	if (stat(exe, &st) < 0) {
		paks_error_set(err, errno, "plugin '%s': cannot find its "
		    "executable '%s'", p->name, exe);
		plugin_release(p);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || access(exe, X_OK) < 0) {
		paks_error_set(err, 0, "plugin '%s': '%s' is not executable",
		    p->name, exe);
		paks_error_hint(err, "chmod +x '%s'", exe);
		plugin_release(p);
		return -1;
	}
	p->dir = xstrdup(dir);
	p->source = source;
	return 0;
}

/* Find plugin name: $PAKS_HOME/plugins/NAME first, then the system's. */
int
plugin_find(const char *name, struct plugin *p, struct paks_error **err)
{
	char *roots[2] = { plugin_user_dir(), plugin_system_dir() };
	int rc = -1;

	if (plugin_check_name(name, err) < 0)
		goto out;
	for (int i = 0; i < 2; i++) {
		_cleanup_free_ char *dir = paths_join(roots[i], name);
		struct stat st;

		if (stat(dir, &st) < 0)
			continue;
		if (plugin_load_dir(dir, i == 0 ? PLUGIN_USER : PLUGIN_SYSTEM,
		    p, err) < 0)
			goto out;
		if (strcmp(p->name, name) != 0) {
			paks_error_set(err, 0, "'%s/%s' names plugin '%s', not "
			    "'%s'", dir, PLUGIN_MANIFEST, p->name, name);
			plugin_release(p);
			goto out;
		}
		rc = 0;
		goto out;
	}
	paks_error_set(err, 0, "no plugin '%s'", name);
	paks_error_hint(err, "'paks plugin list' shows the installed ones; "
	    "'paks plugin install DIR' adds one");
out:
	free(roots[0]);
	free(roots[1]);
	return rc;
}

static int
plugin_found_cmp(const void *a, const void *b)
{
	const struct plugin_found *x = a, *y = b;

	if (x->source != y->source)
		return (int)x->source - (int)y->source;
	return strcmp(x->name, y->name);
}

/* Every plugin directory in the user's and the system's plugin folders. */
void
plugin_scan(struct plugin_found **out, size_t *n)
{
	char *roots[2] = { plugin_user_dir(), plugin_system_dir() };
	struct plugin_found *v = NULL;
	size_t count = 0;

	for (int i = 0; i < 2; i++) {
		_cleanup_dir_ DIR *d = opendir(roots[i]);
		struct dirent *de;

		while (d != NULL && (de = readdir(d)) != NULL) {
			_cleanup_free_ char *dir = NULL;
			struct paks_error *err = NULL;
			struct plugin_found *f;
			struct stat st;

			/* dot names: temporary copies of 'plugin install' */
			if (de->d_name[0] == '.')
				continue;
			dir = paths_join(roots[i], de->d_name);
			if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
				continue;
			v = xreallocarray(v, count + 1, sizeof *v);
			f = &v[count++];
			memset(f, 0, sizeof *f);
			f->name = xstrdup(de->d_name);
			f->source = i == 0 ? PLUGIN_USER : PLUGIN_SYSTEM;
			if (!plugin_name_valid(de->d_name))
				paks_error_set(&err, 0, "not a valid plugin "
				    "name");
			else if (plugin_load_dir(dir, f->source, &f->p,
			    &err) == 0 && strcmp(f->p.name, f->name) != 0) {
				paks_error_set(&err, 0, "its manifest names "
				    "plugin '%s'", f->p.name);
				plugin_release(&f->p);
			}
			if (err != NULL) {
				f->error = paks_error_format(err);
				paks_error_free(err);
			}
		}
	}
	if (count > 1)
		qsort(v, count, sizeof *v, plugin_found_cmp);
	for (size_t i = 0; i < count; i++) {
		for (size_t j = 0; j < count && v[i].source == PLUGIN_SYSTEM;
		    j++) {
			if (v[j].source == PLUGIN_USER &&
			    strcmp(v[j].name, v[i].name) == 0)
				v[i].shadowed = true;
		}
	}
	free(roots[0]);
	free(roots[1]);
	*out = v;
	*n = count;
}

void
plugin_scan_free(struct plugin_found *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].error);
		plugin_release(&v[i].p);
	}
	free(v);
}

/* A plugin may not add a command that a built-in already has. */
int
plugin_check_builtins(const struct plugin *p,
    const struct cmd_entry *const *builtins, struct paks_error **err)
{
	for (size_t i = 0; i < p->ncmds; i++) {
		if (cmd_find(builtins, p->cmds[i].name) != NULL) {
			paks_error_set(err, 0, "plugin '%s' cannot add '#%s': "
			    "it is a built-in command", p->name,
			    p->cmds[i].name);
			return paks_error_hint(err, "rename the command in "
			    "the plugin's %s", PLUGIN_MANIFEST);
		}
	}
	return 0;
}

/* ---- the registry ---- */

const struct plugin *
plugin_registry_get(const struct plugin_registry *r, const char *name)
{
	for (size_t i = 0; r != NULL && i < r->n; i++) {
		if (strcmp(r->v[i]->name, name) == 0)
			return r->v[i];
	}
	return NULL;
}

const struct cmd_entry *const *
plugin_registry_entries(const struct plugin_registry *r)
{
	return r != NULL ? (const struct cmd_entry *const *)r->entries : NULL;
}

static int plugin_exec(struct cmd_ctx *, int, char **, struct paks_error **);

/*
 * Add plugin p (allocated; the registry owns it on success) and its
 * commands. Refused as a whole if a command is a built-in's or another
 * loaded plugin's, or p is loaded already.
 */
int
plugin_registry_add(struct plugin_registry *r,
    const struct cmd_entry *const *builtins, struct plugin *p,
    struct paks_error **err)
{
	if (plugin_registry_get(r, p->name) != NULL)
		return paks_error_set(err, 0, "plugin '%s' is already loaded",
		    p->name);
	if (plugin_check_builtins(p, builtins, err) < 0)
		return -1;
	for (size_t i = 0; i < p->ncmds; i++) {
		for (size_t j = 0; j < r->nentries; j++) {
			const struct plugin_cmd *o = r->entries[j]->data;
			if (strcmp(o->name, p->cmds[i].name) != 0)
				continue;
			paks_error_set(err, 0, "plugins '%s' and '%s' both add "
			    "'#%s'", o->plugin->name, p->name, o->name);
			return paks_error_hint(err, "load only one of them");
		}
	}
	r->v = xreallocarray(r->v, r->n + 1, sizeof *r->v);
	r->v[r->n++] = p;
	r->entries = xreallocarray(r->entries, r->nentries + p->ncmds + 1,
	    sizeof *r->entries);
	for (size_t i = 0; i < p->ncmds; i++) {
		struct plugin_cmd *c = &p->cmds[i];
		struct cmd_entry *e = xcalloc(1, sizeof *e);

		e->name = c->name;
		e->usage = c->usage;
		e->summary = c->description;
		e->help = xasprintf("From plugin '%s' %s (%s).\n", p->name,
		    p->version, p->dir ? p->dir : "?");
		e->min_args = c->min_args;
		e->max_args = c->max_args;
		e->exec = plugin_exec;
		e->data = c;
		r->entries[r->nentries++] = e;
	}
	r->entries[r->nentries] = NULL;
	return 0;
}

void
plugin_registry_release(struct plugin_registry *r)
{
	for (size_t i = 0; i < r->nentries; i++) {
		free((char *)r->entries[i]->help);
		free(r->entries[i]);
	}
	for (size_t i = 0; i < r->n; i++)
		plugin_free(r->v[i]);
	free(r->entries);
	free(r->v);
	*r = (struct plugin_registry)PLUGIN_REGISTRY_INIT;
}

/* ---- in a session ---- */

/*
 * Load plugin name into a session's registry (the session tells bash's
 * hook of the commands it adds).
 */
int
plugin_session_load(struct plugin_registry *r, const char *name,
    struct paks_error **err)
{
	struct plugin *p = xcalloc(1, sizeof *p);

	if (plugin_find(name, p, err) < 0 ||
	    plugin_registry_add(r, hash_commands, p, err) < 0) {
		plugin_free(p);
		return -1;
	}
	return 0;
}

/* The plugins setting: loaded before the shell starts; a failure warns. */
void
plugin_session_start(struct plugin_registry *r,
    const struct settings *settings)
{
	char *const *names = settings_get_list(settings, "plugins");

	for (; names != NULL && *names != NULL; names++) {
		struct paks_error *err = NULL;
		_cleanup_free_ char *msg = NULL;

		if (plugin_registry_get(r, *names) != NULL)
			continue;
		if (plugin_session_load(r, *names, &err) == 0)
			continue;
		msg = paks_error_format(err);
		fprintf(stderr, "paks: warning: plugins setting: %s\n", msg);
		paks_error_free(err);
	}
}

/* The environment a plugin runs with: the session, in PAKS_* variables. */
static void
plugin_env(struct session *s, const struct plugin_cmd *c, struct strv *env)
{
	struct engine_op op = session_op(s);

	strv_push(env, "PAKS_PLUGIN_API=1");
	strv_pushf(env, "PAKS_PLUGIN_DIR=%s", c->plugin->dir);
	strv_pushf(env, "PAKS_COMMAND=%s", c->name);
	strv_pushf(env, "PAKS_CONTAINER=%s", op.run->name);
	strv_pushf(env, "PAKS_ENGINE=%s", op.engine->program);
	strv_pushf(env, "PAKS_IMAGE=%s", op.run->image);
	strv_pushf(env, "PAKS_START_DIR=%s", op.start_dir ? op.start_dir : "");
	strv_pushf(env, "PAKS_CWD=%s", op.cwd ? op.cwd : "");
	strv_push(env, "PAKS_EXPORT_FD=3");
}

/* Turn how the plugin ended into an error, or 0. */
static int
plugin_outcome(const struct plugin_cmd *c, const struct run *job,
    int timeout, struct paks_error **err)
{
	const char *name = c->plugin->name;

	if (job->timed_out) {
		paks_error_set(err, 0, "plugin '%s' did not finish within %d "
		    "second%s and was stopped", name, timeout,
		    timeout == 1 ? "" : "s");
		return paks_error_hint(err, "the plugin_timeout setting "
		    "allows more time");
	}
	if (job->cancelled)
		return paks_error_set(err, 0, "plugin '%s' interrupted", name);
	if (job->signal != 0)
		return paks_error_set(err, 0, "plugin '%s' crashed (signal %d, "
		    "%s)", name, job->signal, strsignal(job->signal));
	if (job->code != 0)
		return paks_error_set(err, 0, "plugin '%s' failed with exit "
		    "status %d", name, job->code);
	return 0;
}

/* The exec of every plugin entry: run EXEC COMMAND ARGS... on the host. */
static int
plugin_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	const struct plugin_cmd *c = ctx->entry->data;
	struct session *s = ctx->session;
	_cleanup_strv_ struct strv args = STRV_INIT, env = STRV_INIT;
	_cleanup_free_ char *exe = paths_join(c->plugin->dir, c->plugin->exec);
	_cleanup_env_ struct env vars = ENV_INIT;
	_cleanup_run_ struct run job = RUN_INIT(NULL);
	struct runner rn;
	int timeout, rc;

	if (s == NULL)
		return paks_error_set(err, 0, "plugins run inside a session");
	timeout = (int)settings_get_int(ctx->settings, "plugin_timeout");
	strv_push(&args, exe);
	strv_push(&args, c->name);
	for (int i = 1; i < argc; i++)
		strv_push(&args, argv[i]);
	plugin_env(s, c, &env);
	job.argv = args.v;
	job.env = env.v;
	job.out.how = job.err.how = RUN_PASS;	/* the terminal, as it comes */
	job.fd3_capture = true;
	job.timeout = timeout > 0 ? timeout : 0;
	rn = session_runner(s);
	if (runner_run(&rn, &job, err) < 0)
		return paks_error_wrap(err, "plugin '%s'", c->plugin->name);
	rc = plugin_outcome(c, &job, timeout, err);
	if (rc == 0 && plugin_decode_exports(strbuf_str(&job.fd3_text),
	    job.fd3_text.len, &vars, err) < 0)
		rc = paks_error_wrap(err, "plugin '%s'", c->plugin->name);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < vars.n; i++)
		session_export(s, vars.v[i].key, vars.v[i].value);
	return 0;
}

static const struct cmd_entry *const *
plugin_session_entries(void *registry)
{
	return plugin_registry_entries(registry);
}

/* The plugins installed that load, for Tab after #load. */
static void
plugin_session_names(struct strv *names)
{
	struct plugin_found *v;
	size_t n;

	plugin_scan(&v, &n);
	for (size_t i = 0; i < n; i++)
		if (v[i].error == NULL && !v[i].shadowed)
			strv_push(names, v[i].name);
	plugin_scan_free(v, n);
}

/*
 * One session (paks run, paks enter) whose #commands include those of
 * the plugins setting and of #load; ctx is the session's context from
 * then on, with the registry in it.
 */
int
plugin_session_run(struct cmd_ctx *ctx, struct session_opts *o,
    struct session_end *end, struct paks_error **err)
{
	struct plugin_registry reg = PLUGIN_REGISTRY_INIT;
	struct cmd_ctx sctx = *ctx;
	int rc;

	plugin_session_start(&reg, ctx->settings);
	sctx.registry = &reg;
	o->ctx = &sctx;
	o->extra = plugin_session_entries;
	o->extra_arg = &reg;
	o->plugin_names = plugin_session_names;
	rc = session_run(o, end, err);
	plugin_registry_release(&reg);
	return rc;
}
