/* Where paks keeps its files on the host. */
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "util/xalloc.h"

/*
 * The password file's entry of this user, or NULL. A static binary
 * (-Dstatic=true, docs/cluster.md) reads /etc/passwd itself: its
 * getpwuid would load the host's NSS modules, built against another C
 * library, which may fail or crash; on a cluster the user is often in
 * LDAP, not in /etc/passwd, so $HOME and $USER, asked first, are what
 * count there. The entry is static, valid until the next call.
 */
static const struct passwd *
paths_passwd(void)
{
#ifdef PAKS_STATIC
	static char name[256], dir[PATH_MAX];
	static struct passwd found;
	struct passwd *pw;
	FILE *f = fopen("/etc/passwd", "re");

	if (f == NULL)
		return NULL;
	while ((pw = fgetpwent(f)) != NULL)
		if (pw->pw_uid == getuid() && pw->pw_dir != NULL &&
		    strlen(pw->pw_dir) < sizeof dir && pw->pw_name != NULL &&
		    strlen(pw->pw_name) < sizeof name) {
			strcpy(dir, pw->pw_dir);
			strcpy(name, pw->pw_name);
			found = (struct passwd){ .pw_name = name,
				.pw_dir = dir, .pw_uid = pw->pw_uid };
			break;
		}
	fclose(f);
	return pw != NULL ? &found : NULL;
#else
	return getpwuid(getuid());
#endif
}

static const char *
paths_passwd_home(void)
{
	const struct passwd *pw = paths_passwd();

	return pw != NULL ? pw->pw_dir : NULL;
}

/* $USER; else the password file's name; else NULL */
const char *
paths_user_name(void)
{
	const char *u = getenv("USER");
	const struct passwd *pw;

	if (u != NULL && *u != '\0')
		return u;
	pw = paths_passwd();
	return pw != NULL && pw->pw_name != NULL ? pw->pw_name : NULL;
}

/* $HOME; else the password file's; else "/" */
static const char *
paths_user_home(void)
{
	const char *h = getenv("HOME");

	if (h != NULL && *h != '\0')
		return h;
	h = paths_passwd_home();
	return h != NULL && *h != '\0' ? h : "/";
}

char *
paths_home(void)
{
	const char *h = getenv("PAKS_HOME");

	if (h != NULL && *h != '\0')
		return xstrdup(h);
	return paths_join(paths_user_home(), ".paks");
}

char *
paths_join(const char *a, const char *b)
{
	size_t la = strlen(a);

	if (la > 0 && a[la - 1] == '/')
		return xasprintf("%s%s", a, b);
	return xasprintf("%s/%s", a, b);
}

char *
paths_expand_user(const char *p)
{
	if (p[0] == '~' && (p[1] == '/' || p[1] == '\0'))
		return xasprintf("%s%s", paths_user_home(), p + 1);
	return xstrdup(p);
}
