/* paks plugin: list, install and remove the plugins in ~/.paks/plugins. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "host-format.h"
#include "plugin/plugin.h"
#include "store/paths.h"
#include "store/storefile.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "version.h"

#define COPY_DEPTH_MAX 16

static void
plugin_cmd_names(const struct plugin *p, struct strbuf *sb)
{
	for (size_t i = 0; i < p->ncmds; i++)
		strbuf_addf(sb, "%s#%s", i ? ", " : "", p->cmds[i].name);
}

/* One plugin found, as JSON. */
static json_t *
plugin_json(const struct plugin_found *f)
{
	json_t *o = json_pack("{s:s,s:s}", "name", f->name, "source",
	    f->source == PLUGIN_USER ? "user" : "system");
	json_t *cmds;

	if (f->error != NULL) {
		json_object_set_new(o, "error", json_string(f->error));
		return o;
	}
	cmds = json_array();
	for (size_t i = 0; i < f->p.ncmds; i++)
		json_array_append_new(cmds, json_string(f->p.cmds[i].name));
	json_object_set_new(o, "version", json_string(f->p.version));
	json_object_set_new(o, "commands", cmds);
	json_object_set_new(o, "description", f->p.description ?
	    json_string(f->p.description) : json_null());
	json_object_set_new(o, "hidden", json_boolean(f->shadowed));
	return o;
}

static int
plugin_list_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	struct plugin_found *v;
	size_t n;
	bool json;
	int rc;

	(void)argc, (void)argv;
	if ((rc = host_format_json(ctx, &json, err)) < 0)
		return rc;
	plugin_scan(&v, &n);
	if (json) {
		json_t *all = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(all, plugin_json(&v[i]));
		host_json_print(ctx, all);
	} else if (n == 0) {
		_cleanup_free_ char *u = plugin_user_dir(), *s =
		    plugin_system_dir();
		cmd_printf(ctx, "no plugins installed (looked in %s and %s)\n",
		    u, s);
	}
	for (size_t i = 0; !json && i < n; i++) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		const struct plugin_found *f = &v[i];
		const char *where = f->source == PLUGIN_USER ? "user" :
		    "system";

		if (f->error != NULL) {
			cmd_printf(ctx, "%-12s %-8s %-6s cannot load: %s\n",
			    f->name, "-", where, f->error);
			continue;
		}
		plugin_cmd_names(&f->p, &sb);
		cmd_printf(ctx, "%-12s %-8s %-6s %s%s\n", f->name, f->p.version,
		    where, strbuf_str(&sb), f->shadowed ?
		    "  (hidden by the user's plugin of that name)" : "");
		if (f->p.description != NULL)
			cmd_printf(ctx, "%-12s %s\n", "", f->p.description);
	}
	plugin_scan_free(v, n);
	return 0;
}

/* Remove what name is in dirfd: a file, a link, or a whole tree. */
static int
plugin_remove_at(int dirfd, const char *name, int depth)
{
	_cleanup_close_ int fd = -1;
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	if (depth > COPY_DEPTH_MAX * 2)
		return errno = ELOOP, -1;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0 || (d = fdopendir(dup(fd))) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (plugin_remove_at(fd, de->d_name, depth + 1) < 0)
			rc = -1;
	}
	closedir(d);
	if (rc < 0)
		return -1;
	return unlinkat(dirfd, name, AT_REMOVEDIR);
}

static int plugin_copy_dir(int, int, int, struct strbuf *);

static int
plugin_copy_file(int src, int dst, const char *name, mode_t mode)
{
	_cleanup_close_ int in = openat(src, name, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC);
	_cleanup_close_ int out = -1;
	char buf[65536];
	ssize_t n;

	if (in < 0)
		return -1;
	out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0)
		return -1;
	while ((n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(out, buf, (size_t)n) != n)
			return -1;
	}
	/* the owner's bits, and read/execute for others: never writable */
	if (fchmod(out, (mode & 0700) | (mode & 0055)) < 0 || fsync(out) < 0)
		return -1;
	return 0;
}

/*
 * Copy one entry of src into dst. where gets "/name" added; it is taken
 * off again on success, so after a failure it names the entry that failed.
 */
static int
plugin_copy_entry(int src, int dst, const char *name, int depth,
    struct strbuf *where)
{
	_cleanup_close_ int s = -1, d = -1;
	size_t keep = where->len;
	char link[PATH_MAX];
	struct stat st;
	ssize_t n;
	int rc;

	strbuf_addf(where, "/%s", name);
	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (S_ISREG(st.st_mode))
		rc = plugin_copy_file(src, dst, name, st.st_mode);
	else if (S_ISLNK(st.st_mode)) {
		if ((n = readlinkat(src, name, link, sizeof link - 1)) < 0)
			return -1;
		link[n] = '\0';
		rc = symlinkat(link, dst, name);
	} else if (S_ISDIR(st.st_mode)) {
		if (depth >= COPY_DEPTH_MAX)
			return errno = ELOOP, -1;
		if (mkdirat(dst, name, 0755) < 0)
			return -1;
		s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (s < 0 || d < 0)
			return -1;
		rc = plugin_copy_dir(s, d, depth + 1, where);
	} else
		return errno = EINVAL, -1;	/* a device, fifo or socket */
	if (rc == 0) {
		where->len = keep;
		where->buf[keep] = '\0';
	}
	return rc;
}

/* Copy the contents of directory src into dst (both open). */
static int
plugin_copy_dir(int src, int dst, int depth, struct strbuf *where)
{
	DIR *d = fdopendir(dup(src));
	struct dirent *de;
	int rc = 0;

	if (d == NULL)
		return -1;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		rc = plugin_copy_entry(src, dst, de->d_name, depth, where);
	}
	int e = errno;
	closedir(d);
	errno = e;
	return rc;
}

/* Copy src to a hidden directory next to dest, then swap it in. */
static int
plugin_install_copy(const char *src, const char *root, const char *name,
    bool exists, struct paks_error **err)
{
	_cleanup_free_ char *tmp = xasprintf("%s/.%s.XXXXXX", root, name);
	_cleanup_free_ char *dest = paths_join(root, name);
	_cleanup_strbuf_ struct strbuf where = STRBUF_INIT;
	_cleanup_close_ int sfd = -1, tfd = -1, rfd = -1;
	int rc;

	if (mkdtemp(tmp) == NULL)
		return paks_error_set(err, errno, "cannot create a directory "
		    "in '%s'", root);
	sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	tfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = sfd < 0 || tfd < 0 || rfd < 0 ? -1 :
	    plugin_copy_dir(sfd, tfd, 0, &where);
	if (rc == 0 && fchmod(tfd, 0755) < 0)
		rc = -1;
	if (rc == 0 && exists)
		rc = renameat2(rfd, strrchr(tmp, '/') + 1, rfd, name,
		    RENAME_EXCHANGE);
	else if (rc == 0)
		rc = renameat(rfd, strrchr(tmp, '/') + 1, rfd, name);
	if (rc < 0) {
		int e = errno;
		if (rfd >= 0)
			plugin_remove_at(rfd, strrchr(tmp, '/') + 1, 0);
		if (e == EINVAL && where.len > 0)
			return paks_error_set(err, 0, "cannot copy '%s%s': "
			    "only files, directories and symbolic links are "
			    "copied", src, strbuf_str(&where));
		return paks_error_set(err, e, "cannot copy '%s%s' to '%s'",
		    src, strbuf_str(&where), dest);
	}
	/* after the exchange, tmp holds the old plugin */
	if (exists && plugin_remove_at(rfd, strrchr(tmp, '/') + 1, 0) < 0)
		return paks_error_set(err, errno, "installed, but cannot "
		    "remove the old copy '%s'", tmp);
	fsync(rfd);
	return 0;
}

static int
plugin_install_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	_cleanup_free_ char *root = plugin_user_dir(), *dest = NULL;
	_cleanup_free_ char *rsrc = NULL, *rdest = NULL;
	_cleanup_strbuf_ struct strbuf names = STRBUF_INIT;
	const char *path = argv[1];
	bool force = cmd_opt_has(ctx->args, "force"), exists;
	struct plugin p;
	struct stat st;
	int rc = 0;

	(void)argc;
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		paks_error_set(err, errno, "cannot install '%s': not a "
		    "directory", path);
		return paks_error_hint(err, "give the plugin's directory, the "
		    "one holding %s", PLUGIN_MANIFEST);
	}
	if (plugin_load_dir(path, PLUGIN_OTHER, &p, err) < 0)
		return paks_error_wrap(err, "cannot install '%s'", path);
	if (plugin_check_builtins(&p, hash_commands, err) < 0) {
		plugin_release(&p);
		return -1;
	}
	dest = paths_join(root, p.name);
	exists = lstat(dest, &st) == 0;
	rsrc = realpath(path, NULL);
	rdest = exists ? realpath(dest, NULL) : NULL;
	if (exists && rsrc && rdest && strcmp(rsrc, rdest) == 0)
		rc = paks_error_set(err, 0, "'%s' is the installed copy of "
		    "plugin '%s'", path, p.name);
	else if (exists && !force) {
		paks_error_set(err, 0, "plugin '%s' is already installed in "
		    "'%s'", p.name, dest);
		rc = paks_error_hint(err, "--force replaces it");
	} else if (storefile_mkdir(root, err) < 0 ||
	    plugin_install_copy(path, root, p.name, exists, err) < 0)
		rc = -1;
	if (rc == 0) {
		plugin_cmd_names(&p, &names);
		cmd_printf(ctx, "installed plugin '%s' %s in %s: %s\n", p.name,
		    p.version, dest, strbuf_str(&names));
	}
	plugin_release(&p);
	return rc;
}

static int
plugin_remove_exec(struct cmd_ctx *ctx, int argc, char **argv,
    struct paks_error **err)
{
	_cleanup_free_ char *root = plugin_user_dir(), *sys = NULL;
	_cleanup_free_ char *dest = NULL, *sdest = NULL;
	_cleanup_close_ int rfd = -1;
	const char *name = argv[1];
	struct stat st;

	(void)argc;
	if (plugin_check_name(name, err) < 0)
		return CMD_USAGE_ERROR;
	dest = paths_join(root, name);
	if (lstat(dest, &st) < 0) {
		sys = plugin_system_dir();
		sdest = paths_join(sys, name);
		if (stat(sdest, &st) == 0) {
			paks_error_set(err, 0, "plugin '%s' is installed for "
			    "the whole system, in '%s'", name, sdest);
			return paks_error_hint(err, "'paks plugin remove' "
			    "removes only your own plugins, in '%s'", root);
		}
		paks_error_set(err, 0, "no plugin '%s' is installed", name);
		return paks_error_hint(err, "'paks plugin list' shows them");
	}
	if ((rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    plugin_remove_at(rfd, name, 0) < 0)
		return paks_error_set(err, errno, "cannot remove '%s'", dest);
	cmd_printf(ctx, "removed plugin '%s'\n", name);
	return 0;
}

static const struct cmd_option plugin_list_options[] = {
	HOST_FORMAT_OPTION,
	{ .name = NULL },
};

static const struct cmd_entry plugin_list_entry = {
	.name = "list",
	.usage = "",
	.summary = "the installed plugins, their versions and commands",
	.options = plugin_list_options,
	.min_args = 0,
	.max_args = 0,
	.exec = plugin_list_exec,
};

static const struct cmd_option plugin_install_options[] = {
	{ .name = "force", .letter = 'f',
	  .help = "replace an installed plugin of that name" },
	{ .name = NULL },
};

static const struct cmd_entry plugin_install_entry = {
	.name = "install",
	.usage = "DIR",
	.summary = "copy a plugin's directory into ~/.paks/plugins",
	.options = plugin_install_options,
	.min_args = 1,
	.max_args = 1,
	.exec = plugin_install_exec,
};

static const struct cmd_entry plugin_remove_entry = {
	.name = "remove",
	.usage = "NAME",
	.summary = "remove one of your plugins",
	.min_args = 1,
	.max_args = 1,
	.exec = plugin_remove_exec,
};

static const struct cmd_entry *const plugin_sub[] = {
	&plugin_list_entry,
	&plugin_install_entry,
	&plugin_remove_entry,
	NULL,
};

const struct cmd_entry host_plugin_entry = {
	.name = "plugin",
	.usage = "list|install|remove ...",
	.summary = "manage plugins, which add #commands",
	.help = "A plugin is a directory with a plugin.yml manifest and an "
	    "executable;\nsee docs/plugins.md. Yours are in "
	    "~/.paks/plugins ($PAKS_HOME/plugins),\nthe system's in "
	    PAKS_PLUGIN_DIR ".\n"
	    "examples:\n"
	    "  paks plugin install ./my-plugin\n"
	    "  paks plugin list\n"
	    "  paks plugin remove my-plugin\n"
	    "  then, in a session: #load my-plugin\n",
	.sub = plugin_sub,
	.exec = NULL,
};
