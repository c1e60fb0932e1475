/* A paks test plugin in C: greets, exports through fd 3, or crashes. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One KEY=VALUE record for paks to export, ended by a NUL byte. */
static int
export_var(const char *key, const char *value)
{
	size_t kl = strlen(key), vl = strlen(value);

	if (write(3, key, kl) != (ssize_t)kl || write(3, "=", 1) != 1 ||
	    write(3, value, vl) != (ssize_t)vl || write(3, "", 1) != 1)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	const char *who = argc > 2 ? argv[2] : "world";
	const char *ctr = getenv("PAKS_CONTAINER");

	if (argc < 2)
		return 2;
	if (strcmp(argv[1], "ccrash") == 0) {
		puts("cgreet: crashing");
		fflush(stdout);
		/* a sanitizer's handler would exit instead */
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
		return 1;
	}
	printf("cgreet: hello %s, from %s in %s\n", who,
	    getenv("PAKS_ENGINE") ? getenv("PAKS_ENGINE") : "?",
	    ctr ? ctr : "?");
	fflush(stdout);
	if (export_var("CGREET_WHO", who) < 0 ||
	    export_var("CGREET_WHERE", ctr ? ctr : "") < 0) {
		perror("cgreet: fd 3");
		return 1;
	}
	return 0;
}
