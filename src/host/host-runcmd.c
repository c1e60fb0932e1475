/*
 * Command mode, shared by paks run and paks exec: CMD on paks's own
 * stdin, stdout and stderr, with --envload's variables, and its status.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host-runcmd.h"
#include "session/integration.h"
#include "store/envstore.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/spawn.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* The environments --envload names, merged in order: a later one wins. */
int
runcmd_envload(char *const *names, struct strv *out, struct paks_error **err)
{
	_cleanup_env_ struct env all = ENV_INIT;

	for (char *const *n = names; n && *n; n++) {
		_cleanup_env_ struct env one = ENV_INIT;

		if (envstore_load(*n, &one, err) < 0)
			return paks_error_wrap(err, "--envload");
		for (size_t i = 0; i < one.n; i++)
			env_set(&all, one.v[i].key, one.v[i].value);
	}
	for (size_t i = 0; i < all.n; i++)
		strv_pushf(out, "%s=%s", all.v[i].key, all.v[i].value);
	return 0;
}

/* Is fd 0 closed, or /dev/null? Then CMD gets no stdin (no -i). */
static bool
runcmd_stdin_null(void)
{
	struct stat st, null;

	if (fstat(STDIN_FILENO, &st) < 0)
		return true;
	return S_ISCHR(st.st_mode) && stat("/dev/null", &null) == 0 &&
	    st.st_rdev == null.st_rdev;
}

/* -i unless stdin is closed or /dev/null; -t when stdin and stdout are
 * both a terminal (a pipe on either side gets CMD's bytes unchanged). */
void
runcmd_stdio(bool *open_stdin, bool *tty)
{
	*open_stdin = !runcmd_stdin_null();
	*tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

static volatile sig_atomic_t runcmd_child;

static void
runcmd_forward(int sig)
{
	if (runcmd_child > 0)
		kill((pid_t)runcmd_child, sig);
}

/*
 * Run argv (an engine client) on paks's stdio and return its status
 * code. Ctrl-C and Ctrl-\ reach the client from the terminal (it is in
 * paks's process group) and paks ignores them meanwhile; SIGTERM and
 * SIGHUP sent to paks are passed on. env_add goes into the client's
 * environment only.
 */
int
runcmd_spawn(char *const *argv, char *const *env_add, struct paks_error **err)
{
	_cleanup_spawn_ struct spawn sp = SPAWN_INIT;
	struct sigaction ign = { .sa_handler = SIG_IGN };
	struct sigaction fwd = { .sa_handler = runcmd_forward };
	struct sigaction old[4];
	int code;

	strv_pushv(&sp.args, argv);
	strv_pushv(&sp.env_add, env_add);
	if (spawn_start(&sp, err) < 0)
		return -1;
	runcmd_child = sp.pid;
	sigaction(SIGINT, &ign, &old[0]);
	sigaction(SIGQUIT, &ign, &old[1]);
	sigaction(SIGTERM, &fwd, &old[2]);
	sigaction(SIGHUP, &fwd, &old[3]);
	code = spawn_status_code(spawn_wait(&sp));
	runcmd_child = 0;
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGQUIT, &old[1], NULL);
	sigaction(SIGTERM, &old[2], NULL);
	sigaction(SIGHUP, &old[3], NULL);
	for (size_t i = 0; i < sp.env_add.n; i++)
		explicit_bzero(sp.env_add.v[i], strlen(sp.env_add.v[i]));
	return code;
}

/* The shell code the FIFO hands over: "export K=..." lines. */
static char *
runcmd_envpipe_code(char *const *vars)
{
	struct strbuf sb = STRBUF_INIT;

	for (char *const *v = vars; v && *v; v++) {
		_cleanup_free_ char *key = xstrndup(*v, strcspn(*v, "="));

		integration_export(&sb, SHELL_SH, key, *v + strlen(key) + 1);
	}
	strbuf_adds(&sb, ":\n");
	return strbuf_detach(&sb);
}

/*
 * The writer: it waits for the container's shell to open the FIFO, takes
 * the FIFO and its directory off the host at once, writes and ends. So
 * the values are never in a file: a FIFO holds none.
 */
static _Noreturn void
runcmd_envpipe_writer(const struct runcmd_pipe *p, const char *code)
{
	int fd = open(p->fifo, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		_exit(1);
	unlink(p->fifo);
	rmdir(p->dir);
	_exit(write_all(fd, code, strlen(code)) < 0 ? 1 : 0);
}

/* A private directory with a FIFO that a writer child feeds vars into. */
int
runcmd_envpipe_open(struct runcmd_pipe *p, char *const *vars,
    struct paks_error **err)
{
	const char *tmp = getenv("TMPDIR");
	_cleanup_free_ char *code = NULL;

	*p = (struct runcmd_pipe){ .writer = -1 };
	p->dir = xasprintf("%s/paks-envload-XXXXXX", tmp && *tmp ? tmp :
	    "/tmp");
	if (mkdtemp(p->dir) == NULL) {
		free(TAKE_PTR(p->dir));
		return paks_error_set(err, errno, "--envload: cannot make a "
		    "private directory");
	}
	p->fifo = xasprintf("%s/env", p->dir);
	/* readable by the container's user (the directory is 0700) */
	if (mkfifo(p->fifo, 0644) < 0 || chmod(p->fifo, 0644) < 0) {
		paks_error_set(err, errno, "--envload: cannot make a FIFO");
		runcmd_envpipe_close(p);
		return -1;
	}
	code = runcmd_envpipe_code(vars);
	if ((p->writer = fork()) == 0)
		runcmd_envpipe_writer(p, code);
	explicit_bzero(code, strlen(code));
	if (p->writer < 0) {
		paks_error_set(err, errno, "cannot fork");
		runcmd_envpipe_close(p);
		return -1;
	}
	return 0;
}

/* The writer, if it still waits, is ended; nothing is left on the host. */
void
runcmd_envpipe_close(struct runcmd_pipe *p)
{
	if (p->writer > 0) {
		kill(p->writer, SIGKILL);
		while (waitpid(p->writer, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (p->fifo != NULL)
		unlink(p->fifo);
	if (p->dir != NULL)
		rmdir(p->dir);
	free(TAKE_PTR(p->fifo));
	free(TAKE_PTR(p->dir));
	p->writer = -1;
}
