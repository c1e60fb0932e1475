/* A paks run session: start the engine client on a pty and proxy it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "session.h"
#include "tty.h"
#include "util/cleanup.h"
#include "util/fdio.h"
#include "util/spawn.h"
#include "util/xalloc.h"

/*
 * The container's entrypoint: a POSIX sh script given as "sh -c", with the
 * wanted shell as $1. It starts that shell, or /bin/sh with a notice when
 * the image lacks it. Values travel as arguments, never spliced into code.
 */
const char session_shim[] =
	"s=$1\n"
	"case $s in /*) ;; *) s=$(command -v \"$s\" 2>/dev/null) ;; esac\n"
	"if [ -n \"$s\" ] && [ -x \"$s\" ]; then exec \"$s\"; fi\n"
	"printf 'paks: %s not found in the image, using /bin/sh\\r\\n' \"$1\" >&2\n"
	"exec /bin/sh\n";

static void
session_input(struct proxy *p, const char *buf, size_t n)
{
	proxy_to_pty(p, buf, n);
}

static void
session_output(struct proxy *p, const char *buf, size_t n)
{
	proxy_to_user(p, buf, n);
}

static const struct proxy_ops session_ops = {
	.input = session_input,
	.output = session_output,
};

static int
session_open_pty(int *master, int *slave, struct paks_error **err)
{
	char name[128];

	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0 || grantpt(*master) < 0 || unlockpt(*master) < 0 ||
	    ptsname_r(*master, name, sizeof name) != 0)
		return paks_error_set(err, errno, "cannot open a pseudo-terminal");
	*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		return paks_error_set(err, errno, "cannot open '%s'", name);
	return 0;
}

/* Run the session; *code gets the shell's exit status. */
int
session_run(struct session *s, int *code, struct paks_error **err)
{
	_cleanup_spawn_ struct spawn sp = SPAWN_INIT;
	_cleanup_close_ int master = -1, slave = -1, sigfd = -1;
	struct proxy *p = &s->proxy;
	sigset_t set, old;
	char *shim_args[] = { "-c", (char *)session_shim, "paks",
		(char *)s->shell, NULL };

	if (session_open_pty(&master, &slave, err) < 0)
		return -1;
	tty_copy_size(STDIN_FILENO, master);
	if (tty_save(STDIN_FILENO) < 0)
		return paks_error_set(err, errno, "cannot read terminal settings");
	sigprocmask(SIG_SETMASK, NULL, &old);
	if ((sigfd = proxy_setup_signals(&set)) < 0)
		return paks_error_set(err, errno, "cannot set up signals");

	engine_run_argv(s->engine, &s->run, shim_args, &sp.args);
	sp.in = sp.out = sp.err = slave;
	sp.flags = SPAWN_SETSID;
	if (spawn_start(&sp, err) < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	close(TAKE_FD(slave));

	*p = (struct proxy){
		.user_in = STDIN_FILENO, .user_out = STDOUT_FILENO,
		.master = master, .sigfd = sigfd, .aux_fd = -1,
		.child = sp.pid, .ops = &session_ops, .owner = s,
	};
	fd_set_nonblock(master, 1);
	fd_set_nonblock(STDOUT_FILENO, 1);
	tty_raw();
	proxy_run(p);
	proxy_flush_user(p);
	fd_set_nonblock(STDOUT_FILENO, 0);
	tty_restore();

	if (p->stop_signal != 0 || !p->child_done) {
		/* paks was told to stop: end the client, then the container */
		kill(sp.pid, SIGTERM);
		int st = spawn_wait(&sp);
		(void)st;
		if (!s->run.keep)
			engine_remove(s->engine, s->run.name);
		*code = 128 + (p->stop_signal ? p->stop_signal : SIGHUP);
	} else {
		sp.pid = -1; /* already reaped by the loop */
		*code = spawn_status_code(p->child_status);
	}
	strbuf_release(&p->to_user);
	strbuf_release(&p->to_pty);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}
