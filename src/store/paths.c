/* Where paks keeps its files on the host. */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "util/xalloc.h"

static const char *
paths_user_home(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h != NULL && *h != '\0')
		return h;
	pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_dir : "/";
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
