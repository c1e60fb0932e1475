/*
 * #rollback's half in the session: replace the container the user is in by
 * a new one from another image, the shell on a new pty, then drop the old.
 *
 * Nothing is lost on the way. The old container is renamed aside (NAME-old-
 * XXXX) and keeps running, its client and pty open, while the new one
 * starts under NAME. The new client's pty takes the session's place and
 * the usual handshake runs on it (session.c's own output handler: hello,
 * the start-up script with the session's exports, the ack), in a loop of
 * its own as a session job's is: Ctrl-C or a signal stops it, a resize is
 * passed on, other keys wait for the new shell. Only once the new shell
 * has acked does the old container go; a new one that fails to start is
 * removed, the old takes its name and pty back, and the session goes on
 * in it. Then the new pty takes the old one's fd number (dup3), so that
 * session_run closes the right one at the end, and session.c's generation
 * count tells the #command's caller that the shell it answers is gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "session-state.h"
#include "tty.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/fdio.h"
#include "util/spawn.h"
#include "util/xalloc.h"

/* The new container has this long to say hello and ack (Ctrl-C stops). */
#define REPLACE_TIMEOUT_MS 120000

/* What the session had before the swap, to put back if the new fails. */
struct replace_old {
	int			 master;
	pid_t			 child;
	struct shellhook	 hook;
	char			 nonce[SHELLHOOK_NONCE_LEN + 1];
	enum session_mode	 mode;
	enum shell_kind		 kind;
	enum session_out	 out;
	bool			 started;
	struct strbuf		 early, to_pty;
	char *const		*exports;
	struct run_opts		 run;
	struct engine_attached	 att;	/* over the engine's API */
};

/* An engine command as a job of the session: its stdout, or its error. */
static int
replace_engine(struct session *s, char *const *args, char **out,
    struct paks_error **err)
{
	struct runner rn = session_runner(s);

	return engine_cmd_args(s->engine, &rn, args, NULL, out, -1, err);
}

/*
 * The new container over the engine's API, as the session's is: its
 * attach socket in *master, the rest in *att; no process (*pid -1).
 */
static int
replace_attach(struct session *s, const struct run_opts *run, int *master,
    pid_t *pid, struct engine_attached *att, struct paks_error **err)
{
	char *shim_args[] = { "-c", (char *)integration_boot, NULL };
	int rc = engine_attach(s->engine, run, shim_args, att, err);

	if (rc == 1)
		return paks_error_set(err, 0, "%s's API did not take the new "
		    "container", s->engine->name);
	if (rc < 0)
		return -1;
	*master = att->fd;
	*pid = -1;
	return 0;
}

/*
 * A new pty and the engine client of run on it; *master, *pid. Over the
 * engine's API when the session is (*att, no pty).
 */
static int
replace_client(struct session *s, const struct run_opts *run, int *master,
    pid_t *pid, struct engine_attached *att, struct paks_error **err)
{
	_cleanup_spawn_ struct spawn sp = SPAWN_INIT;
	_cleanup_close_ int m = -1, slave = -1;
	char *shim_args[] = { "-c", (char *)integration_boot, NULL };
	char name[128];

	if (s->att.id != NULL)
		return replace_attach(s, run, master, pid, att, err);
	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 ||
	    ptsname_r(m, name, sizeof name) != 0)
		return paks_error_set(err, errno, "cannot open a pseudo-terminal");
	if ((slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return paks_error_set(err, errno, "cannot open '%s'", name);
	tty_copy_size(s->proxy.user_in, m);
	engine_run_argv(s->engine, run, shim_args, &sp.args);
	sp.in = sp.out = sp.err = slave;
	sp.flags = SPAWN_SETSID;
	if (spawn_start(&sp, err) < 0)
		return -1;
	fd_set_nonblock(m, 1);
	*pid = sp.pid;
	sp.pid = -1;	/* the session's now: proxy_reap reaps it */
	*master = TAKE_FD(m);
	return 0;
}

/* The session on the new client; what it had goes into old. */
static void
replace_swap_in(struct session *s, struct replace_old *old, int master,
    pid_t pid, char *const *exports, const struct run_opts *run,
    const struct engine_attached *att)
{
	struct proxy *p = &s->proxy;

	*old = (struct replace_old){ .master = p->master, .child = p->child,
		.hook = s->hook, .mode = s->mode, .kind = s->kind,
		.out = s->out, .started = s->started, .early = s->early,
		.to_pty = p->to_pty, .exports = s->exports, .run = s->run,
		.att = s->att };
	s->att = *att;
	memcpy(old->nonce, s->nonce, sizeof old->nonce);
	p->master = master;
	p->child = pid;
	p->master_done = false;
	p->child_done = pid < 0;	/* over the API: the stream's end is */
	p->to_pty = (struct strbuf)STRBUF_INIT;
	session_make_nonce(s->nonce);
	shellhook_init(&s->hook, s->nonce);
	s->mode = MODE_HANDSHAKE;
	s->out = OUT_PASS;
	s->started = false;
	s->early = (struct strbuf)STRBUF_INIT;
	s->exports = exports;
	s->run = *run;
}

/* The new client failed: the session is the old one's again. */
static void
replace_swap_back(struct session *s, struct replace_old *old)
{
	struct proxy *p = &s->proxy;

	if (s->att.id != NULL)
		engine_attached_release(&s->att);	/* closes p->master */
	else
		close(p->master);
	s->att = old->att;
	p->master = old->master;
	p->child = old->child;
	p->master_done = false;
	p->child_done = old->child < 0;
	strbuf_release(&p->to_pty);
	p->to_pty = old->to_pty;
	shellhook_release(&s->hook);
	s->hook = old->hook;
	memcpy(s->nonce, old->nonce, sizeof s->nonce);
	s->mode = old->mode;
	s->kind = old->kind;
	s->out = old->out;
	s->started = old->started;
	strbuf_release(&s->early);
	s->early = old->early;
	s->exports = old->exports;
	s->run = old->run;
	s->shell_failed = 0;
}

/* Keys while the new shell starts: Ctrl-C gives up, others wait for it. */
static bool
replace_keys(struct session *s)
{
	char buf[1024];
	ssize_t n = read(s->proxy.user_in, buf, sizeof buf);

	if (n > 0 && memchr(buf, 3, (size_t)n) != NULL)
		return false;
	if (n > 0)
		strbuf_add(&s->held_in, buf, (size_t)n);
	else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		s->proxy.stop_signal = SIGHUP;	/* the terminal is gone */
		return false;
	}
	return true;
}

/* Signals meanwhile: a resize is passed on; a stop gives up. */
static bool
replace_signals(struct session *s)
{
	struct proxy *p = &s->proxy;
	struct signalfd_siginfo si;

	while (read(p->sigfd, &si, sizeof si) == sizeof si) {
		if (si.ssi_signo == SIGCHLD)
			proxy_reap(p);
		else if (si.ssi_signo == SIGWINCH)
			p->ops->resize(p);
		else if (si.ssi_signo != SIGPIPE)
			p->stop_signal = (int)si.ssi_signo;
	}
	return p->stop_signal == 0;
}

/* The new pty's output through the session's own handler (the hello). */
static bool
replace_output(struct session *s)
{
	char buf[8192];
	ssize_t n = read(s->proxy.master, buf, sizeof buf);

	if (n > 0)
		s->proxy.ops->output(&s->proxy, buf, (size_t)n);
	else if (n == 0 || (errno != EINTR && errno != EAGAIN))
		return false;
	return true;
}

/*
 * Until the new shell acks: 0 once it has, -1 if the client ended, the
 * user gave up, paks was told to stop, or the time ran out.
 */
static int
replace_handshake(struct session *s, struct paks_error **err)
{
	struct proxy *p = &s->proxy;
	long long deadline = clock_ms() + REPLACE_TIMEOUT_MS;
	const char *why = NULL;

	while (s->mode == MODE_HANDSHAKE && why == NULL) {
		struct pollfd fds[3] = {
			{ p->master, (short)(POLLIN | (p->to_pty.len ?
			    POLLOUT : 0)), 0 },
			{ p->user_in, POLLIN, 0 },
			{ p->sigfd, POLLIN, 0 },
		};
		int left = clock_ms_left(deadline);

		if (left == 0) {
			why = "it did not start in time";
			break;
		}
		if (poll(fds, 3, left) < 0 && errno != EINTR)
			why = "poll failed";
		else if ((fds[2].revents && !replace_signals(s)) ||
		    (fds[1].revents && !replace_keys(s)))
			why = "interrupted";
		else if (fds[0].revents & POLLOUT) {
			ssize_t w = write(p->master, p->to_pty.buf,
			    p->to_pty.len);
			if (w > 0)
				strbuf_remove_front(&p->to_pty, (size_t)w);
		}
		if (why == NULL && (fds[0].revents & (POLLIN | POLLHUP |
		    POLLERR)) && !replace_output(s))
			why = "it ended";
		if (why == NULL && p->child_done && p->child > 0)
			why = "it ended";
	}
	if (why == NULL && s->shell_failed == 0)
		return 0;
	if (why == NULL)
		why = "its shell cannot be run";
	{
		_cleanup_free_ char *last = engine_last_line(s->early.buf ?
		    s->early.buf : "");
		paks_error_set(err, 0, "the new container did not start (%s)"
		    "%s%s", why, *last ? ": " : "", last);
	}
	return -1;
}

/* The old container gets its name back (blocking: even after a stop). */
static void
replace_rename_back(struct session *s, const char *aside)
{
	char *args[] = { "rename", (char *)aside, (char *)s->run.name, NULL };
	struct paks_error *e = NULL;

	if (engine_simple(s->engine, args, NULL, &e) == 0)
		return;
	{
		_cleanup_free_ char *msg = paks_error_format(e);
		_cleanup_free_ char *line = xasprintf("paks: the container "
		    "keeps the name '%s': %s\r\n", aside, msg);
		write_all(STDOUT_FILENO, line, strlen(line));
	}
	paks_error_free(e);
}

/* The new client and its container go; the old one gets its name back. */
static void
replace_undo(struct session *s, struct replace_old *old, const char *aside)
{
	pid_t pid = s->proxy.child;

	if (!s->proxy.child_done) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	engine_remove(s->engine, old->run.name);
	replace_swap_back(s, old);
	replace_rename_back(s, aside);
}

/* The new shell runs: the old container, its client and its pty go. */
static void
replace_done(struct session *s, struct replace_old *old, const char *aside)
{
	struct proxy *p = &s->proxy;
	/* podman waits for the stop signal unless told not to */
	char *rm[] = { "rm", "--force", (char *)aside,
		s->engine->daemon ? NULL : "--time=0", NULL };
	struct paks_error *e = NULL;

	/* the old client ends with its pty; proxy_reap reaps it */
	if (old->child > 0)
		kill(old->child, SIGKILL);
	/* over the API: the old attach socket goes with its handle */
	if (old->att.id != NULL)
		engine_attached_release(&old->att);
	/* the new pty takes the old one's fd, which session_run closes */
	else if (dup3(p->master, old->master, O_CLOEXEC) >= 0) {
		close(p->master);
		p->master = old->master;
	}
	strbuf_release(&old->to_pty);
	strbuf_release(&old->early);
	shellhook_release(&old->hook);
	explicit_bzero(old->nonce, sizeof old->nonce);
	s->exports = old->exports;
	s->generation++;
	s->sh_flow = false;
	strbuf_reset(&s->reply);
	if (replace_engine(s, rm, NULL, &e) < 0) {
		_cleanup_free_ char *msg = paks_error_format(e);
		_cleanup_free_ char *line = xasprintf("paks: the old container "
		    "'%s' is left: %s\r\n", aside, msg);
		write_all(STDOUT_FILENO, line, strlen(line));
		paks_error_free(e);
	}
}

/*
 * Replace the session's container by a new one from image, its shell in
 * cwd (NULL, or not in the image: the image's workdir) with the session's
 * exports.
 */
int
session_replace(struct session *s, const char *image, const char *cwd,
    struct paks_error **err)
{
	_cleanup_strv_ struct strv exports = STRV_INIT;
	_cleanup_free_ char *aside = NULL;
	struct replace_old old;
	struct engine_attached att = { .fd = -1, .stream = DOCKER_STREAM_INIT };
	struct run_opts run = s->run;
	char *rename[] = { "rename", (char *)s->run.name, NULL, NULL };
	unsigned char r[2];
	int master = -1, rc;
	pid_t pid = -1;

	if (!s->engine->images || s->srun != NULL)
		return paks_error_set(err, 0, "a container of %s cannot be "
		    "replaced", s->engine->name);
	if (getrandom(r, sizeof r, 0) != sizeof r)
		BUG("getrandom failed");
	rename[2] = aside = xasprintf("%s-old-%02x%02x", s->run.name, r[0],
	    r[1]);
	if (replace_engine(s, rename, NULL, err) < 0) {
		/* interrupted, the engine may have done it all the same */
		char *back[] = { "rename", aside, (char *)s->run.name, NULL };
		struct paks_error *ignored = NULL;

		if (engine_simple(s->engine, back, NULL, &ignored) < 0)
			paks_error_free(ignored);
		return paks_error_wrap(err, "cannot rename '%s' aside",
		    s->run.name);
	}
	/* an entered container was kept (paks enter takes no other) */
	run.keep = s->run.keep || s->run.enter;
	run.enter = false;
	run.image = image;
	strv_pushv(&exports, s->exports);
	strv_pushv(&exports, s->exported.v);
	if (replace_client(s, &run, &master, &pid, &att, err) < 0) {
		replace_rename_back(s, aside);
		return -1;
	}
	replace_swap_in(s, &old, master, pid, exports.v, &run, &att);
	s->start_cwd = cwd;
	rc = replace_handshake(s, err);
	s->start_cwd = NULL;
	if (rc < 0) {
		replace_undo(s, &old, aside);
		for (size_t i = 0; i < exports.n; i++)
			explicit_bzero(exports.v[i], strlen(exports.v[i]));
		return -1;
	}
	replace_done(s, &old, aside);
	free(s->image_owned);
	s->run.image = s->image_owned = xstrdup(image);
	for (size_t i = 0; i < exports.n; i++)
		explicit_bzero(exports.v[i], strlen(exports.v[i]));
	return 0;
}
