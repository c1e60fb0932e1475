/*
 * Who is in which container: ~/.paks/sessions/CONTAINER/ holds a file per
 * paks process in it, named by its pid, and "started" when a paks enter
 * started the container (it was stopped): the last session out of such a
 * container stops it again. A file whose process is gone (paks killed)
 * counts for nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"
#include "sessions.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* ~/.paks/sessions/NAME (made with mk), or NULL for a name unfit. */
static char *
sessions_dir(const char *name, bool mk)
{
	_cleanup_free_ char *home = paths_home();
	_cleanup_free_ char *top = paths_join(home, "sessions");

	if (*name == '\0' || name[0] == '.' || strchr(name, '/') != NULL)
		return NULL;
	if (mk) {
		mkdir(home, 0700);
		mkdir(top, 0700);
	}
	char *dir = paths_join(top, name);
	if (mk)
		mkdir(dir, 0700);
	return dir;
}

static int
sessions_touch(const char *dir, const char *file, struct paks_error **err)
{
	_cleanup_free_ char *path = paths_join(dir, file);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600);

	if (fd < 0)
		return paks_error_set(err, errno, "cannot write '%s'", path);
	close(fd);
	return 0;
}

/* pid is in the container NAME; started: it started the container. */
int
sessions_join(const char *name, pid_t pid, bool started,
    struct paks_error **err)
{
	_cleanup_free_ char *dir = sessions_dir(name, true);
	char file[32];

	if (dir == NULL)
		return paks_error_set(err, EINVAL, "invalid container name "
		    "'%s'", name);
	snprintf(file, sizeof file, "%ld", (long)pid);
	if (started && sessions_touch(dir, "started", err) < 0)
		return -1;
	return sessions_touch(dir, file, err);
}

/* Is another pid file of dir's a live process? (stale ones go) */
static bool
sessions_others(const char *dir, pid_t self)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool any = false;

	if (d == NULL)
		return false;
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end != '\0' || pid <= 0 || pid == (long)self)
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno == EPERM)
			any = true;
		else {
			_cleanup_free_ char *p = paths_join(dir, de->d_name);
			unlink(p);
		}
	}
	closedir(d);
	return any;
}

/*
 * pid leaves the container NAME. True if it was the last one in, and a
 * paks enter had started the container: then the caller stops it.
 */
bool
sessions_leave(const char *name, pid_t pid)
{
	_cleanup_free_ char *dir = sessions_dir(name, false);
	_cleanup_free_ char *mine = NULL, *started = NULL;
	char file[32];
	bool stop;

	if (dir == NULL)
		return false;
	snprintf(file, sizeof file, "%ld", (long)pid);
	mine = paths_join(dir, file);
	started = paths_join(dir, "started");
	unlink(mine);
	if (sessions_others(dir, pid))
		return false;
	stop = unlink(started) == 0;
	rmdir(dir);
	return stop;
}

/*
 * Whether a session other than pid's may be in the container NAME: another
 * paks enter is, or (entered: the caller came in with paks enter) the
 * container was running when it came, so that the session that started
 * it (a paks run, which leaves no file here) may still be in it.
 */
bool
sessions_shared(const char *name, pid_t pid, bool entered)
{
	_cleanup_free_ char *dir = sessions_dir(name, false);
	_cleanup_free_ char *started = NULL;

	if (dir == NULL)
		return entered;
	if (sessions_others(dir, pid))
		return true;
	started = paths_join(dir, "started");
	return entered && access(started, F_OK) != 0;
}
