/*
 * The plugins bundled with this paks binary, found from where the binary
 * is: <dir>/plugins in a build tree (the build puts plugins/sbom/ beside
 * paks), <dir>/../lib/paks/plugins in an install under any prefix, so that
 * an install moved elsewhere (meson install --destdir) finds its own.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths-exe.h"
#include "paths.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* plugin/plugin.h's PLUGIN_MANIFEST; store/ cannot include plugin/ */
#define PATHS_EXE_MANIFEST "plugin.yml"

/*
 * Whether only root or we can change what path holds: it and every
 * directory above it belong to root or to us, and nobody else may write
 * to them (a sticky directory such as /tmp above it is fine). A copy of
 * paks in /tmp must not load plugins another user put in /tmp/lib.
 */
static bool
paths_exe_trusted(const char *path)
{
	_cleanup_free_ char *p = realpath(path, NULL);
	bool first = true;

	if (p == NULL)
		return false;
	for (;;) {
		struct stat st;
		char *slash;

		if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
			return false;
		if (st.st_uid != 0 && st.st_uid != geteuid())
			return false;
		if ((st.st_mode & S_IWOTH) &&
		    (first || !(st.st_mode & S_ISVTX)))
			return false;
		/* group-writable: the user's own group (user private groups) */
		if ((st.st_mode & S_IWGRP) && st.st_gid != 0 &&
		    st.st_gid != getegid())
			return false;
		if (strcmp(p, "/") == 0)
			return true;
		slash = strrchr(p, '/');
		slash[slash == p] = '\0';
		first = false;
	}
}

/* Whether dir holds at least one plugin directory (NAME/plugin.yml). */
static bool
paths_exe_has_plugins(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool found = false;

	if (d == NULL)
		return false;
	while (!found && (de = readdir(d)) != NULL) {
		_cleanup_free_ char *m = NULL;

		if (de->d_name[0] == '.')
			continue;
		m = xasprintf("%s/%s", de->d_name, PATHS_EXE_MANIFEST);
		found = faccessat(dirfd(d), m, R_OK, 0) == 0;
	}
	closedir(d);
	return found;
}

/* The directory of the running binary, or NULL (no /proc). */
static char *
paths_exe_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	if ((slash = strrchr(buf, '/')) == NULL)
		return NULL;
	slash[slash == buf] = '\0';
	return xstrdup(buf);
}

/*
 * <exe dir>/plugins if it holds plugins (a build tree), else
 * <exe dir>/../lib/paks/plugins if it is a directory (an install), else
 * NULL; either only when paths_exe_trusted. The path is canonical.
 */
char *
paths_bundled_plugins(void)
{
	_cleanup_free_ char *dir = paths_exe_dir();
	const char *const under[] = {"plugins", "../lib/paks/plugins"};

	if (dir == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof under / sizeof under[0]; i++) {
		_cleanup_free_ char *p = paths_join(dir, under[i]);
		struct stat st;

		if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (i == 0 && !paths_exe_has_plugins(p))
			continue;
		if (paths_exe_trusted(p))
			return realpath(p, NULL);
	}
	return NULL;
}
