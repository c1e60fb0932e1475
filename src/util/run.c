/*
 * Run a program to its end: its streams wired as asked, what it writes
 * collected or filtered while it runs (so no pipe fills up), a timeout,
 * a progress line, and cancelling through a watch (the session's loop).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "fdio.h"
#include "run.h"
#include "spawn.h"
#include "xalloc.h"

/*
 * How long the pipes may stay open after the program ended, when the run
 * has no timeout of its own: a process it left behind (a helper, a daemon
 * it started) may hold them for ever.
 */
#define RUN_LINGER_MS 2000

/* The most of one stream kept in memory. */
#define RUN_KEEP (64u << 20)

/* A run under way: its pipes (out, err, fd 3) and its clock. */
struct run_state {
	struct run	*r;
	struct pollfd	 fds[3];
	pid_t		 pid, pgid;	/* pid is -1 once reaped */
	bool		 done, shown;
	long long	 started, next, deadline, ended;
};

static void
run_kill(const struct run_state *st, int sig)
{
	/* pgid is kept apart from pid: kill(-(-1)) would be kill(1) */
	if (st->r->pgroup)
		kill(-st->pgid, sig);
	else if (st->pid > 0)
		kill(st->pid, sig);
}

/* The spawn's fd for one stream; a pipe's read end goes into *rd. */
static int
run_wire(const struct run_io *io, bool reads, int *rd,
    struct paks_error **err)
{
	int p[2];

	switch (io->how) {
	case RUN_NULL:
		return SPAWN_DEVNULL;
	case RUN_PASS:
		return SPAWN_INHERIT;
	case RUN_FD:
		return io->fd;
	default:
		if (!reads)
			BUG("run: stdin can be null, passed or an fd");
		if (pipe2(p, O_CLOEXEC) < 0)
			return paks_error_set(err, errno,
			    "cannot create a pipe") - 2;
		*rd = p[0];
		return p[1];
	}
}

/* Start the program; the read ends of its pipes go into st->fds. */
static int
run_start(struct run_state *st, struct paks_error **err)
{
	struct run *r = st->r;
	_cleanup_spawn_ struct spawn sp = SPAWN_INIT;
	int rd[3] = { -1, -1, -1 }, wr[3] = { -1, -1, -1 }, rc = -1;

	if (r->argv != NULL)
		strv_pushv(&sp.args, r->argv);
	sp.fn = r->fn;
	sp.fn_arg = r->fn_arg;
	if (r->env != NULL)
		strv_pushv(&sp.env_add, r->env);
	sp.dir = r->dir;
	sp.flags = r->pgroup ? SPAWN_PGROUP : 0;
	if ((sp.in = run_wire(&r->in, false, NULL, err)) < -2 ||
	    (sp.out = wr[0] = run_wire(&r->out, true, &rd[0], err)) < -2 ||
	    (sp.err = wr[1] = run_wire(&r->err, true, &rd[1], err)) < -2)
		goto out;
	if (r->fd3 >= 0)
		sp.fd3 = r->fd3;
	else if (r->fd3_capture) {
		struct run_io cap = { .how = RUN_CAPTURE };
		if ((sp.fd3 = wr[2] = run_wire(&cap, true, &rd[2], err)) < 0)
			goto out;
	}
	if ((rc = spawn_start(&sp, err)) == 0) {
		st->pid = st->pgid = sp.pid;
		sp.pid = -1;
	}
out:
	for (int i = 0; i < 3; i++) {
		if (rd[i] >= 0 && wr[i] >= 0)
			close(wr[i]);
		if (rc < 0 && rd[i] >= 0)
			close(rd[i]), rd[i] = -1;
		st->fds[i] = (struct pollfd){ rd[i], POLLIN, 0 };
	}
	return rc;
}

static bool
run_open(const struct run_state *st)
{
	return st->fds[0].fd >= 0 || st->fds[1].fd >= 0 || st->fds[2].fd >= 0;
}

/* How long poll may wait: the timeout, the progress line, the linger. */
static int
run_wait_ms(const struct run_state *st)
{
	const struct run *r = st->r;
	/* the timeout also bounds a background child that holds the pipes
	 * after the program itself has ended */
	int wait = r->timeout > 0 && !r->timed_out ?
	    clock_ms_left(st->deadline) : -1;

	if (r->progress != NULL && !st->done) {
		int t = clock_ms_left(st->next);
		wait = wait < 0 || t < wait ? t : wait;
	}
	if (st->done && r->timeout == 0) {
		int t = clock_ms_left(st->ended + RUN_LINGER_MS);
		wait = wait < 0 || t < wait ? t : wait;
	}
	/* nothing left to read, and a SIGCHLD may have come and gone (or
	 * nobody reads it): look for the end again soon */
	if (!st->done && !run_open(st))
		wait = wait < 0 || wait > 50 ? 50 : wait;
	return wait;
}

/* The progress line, once a second; the timeout. */
static void
run_tick(struct run_state *st)
{
	struct run *r = st->r;

	if (r->progress != NULL && !st->done && clock_ms_left(st->next) == 0) {
		/* one line, rewritten in place once a second */
		char line[256];
		int n = snprintf(line, sizeof line, "\r\033[K%s %lds",
		    r->progress, (long)((st->next - st->started) / 1000));
		write_all(STDOUT_FILENO, line, (size_t)n);
		st->shown = true;
		st->next += 1000;
	}
	if (r->timeout > 0 && !r->timed_out &&
	    clock_ms_left(st->deadline) == 0) {
		r->timed_out = true;
		run_kill(st, SIGKILL);
	}
}

/* Read what is there on pipe i; close it at its end. */
static void
run_read(struct run_state *st, int i)
{
	static const size_t text[3] = { offsetof(struct run, out_text),
		offsetof(struct run, err_text), offsetof(struct run, fd3_text) };
	struct pollfd *pfd = &st->fds[i];
	const struct run_io *io = i == 0 ? &st->r->out : &st->r->err;
	struct strbuf *sb = (struct strbuf *)((char *)st->r + text[i]);
	char buf[8192];
	ssize_t n;

	if (pfd->fd < 0 || !pfd->revents)
		return;
	n = read(pfd->fd, buf, sizeof buf);
	if (n > 0 && i < 2 && io->how == RUN_FILTER)
		io->filter(io->arg, buf, (size_t)n);
	else if (n > 0 && sb->len < RUN_KEEP)
		strbuf_add(sb, buf, (size_t)n);
	else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
		close(pfd->fd);
		pfd->fd = -1;
	}
}

/*
 * The program ended, but a grandchild may hold the pipes: do not wait for
 * it, and end what is left of its group (background jobs of a script
 * ignore SIGINT); a run's own timeout bounds its children, one without
 * gets RUN_LINGER_MS.
 */
static void
run_linger(struct run_state *st)
{
	const struct run *r = st->r;

	if (!st->done || !run_open(st))
		return;
	if (!r->timed_out && !r->cancelled && (r->timeout != 0 ||
	    clock_ms_left(st->ended + RUN_LINGER_MS) != 0))
		return;
	if (r->pgroup)
		kill(-st->pgid, SIGKILL);
	for (int i = 0; i < 3; i++)
		if (st->fds[i].fd >= 0)
			close(st->fds[i].fd), st->fds[i].fd = -1;
}

/* One round: poll (through the watch, if any), then act on what came. */
static int
run_round(struct run_state *st)
{
	struct run *r = st->r;
	enum run_cancel cancel = RUN_GO;
	int rc;

	if (r->watch != NULL)
		rc = r->watch->poll(r->watch->arg, st->fds, 3, run_wait_ms(st),
		    &cancel);
	else
		rc = poll(st->fds, 3, run_wait_ms(st));
	if (rc < 0 && errno != EINTR)
		return -1;
	run_tick(st);
	for (int i = 0; i < 3; i++)
		run_read(st, i);
	/* also after the program ended, while what it left holds its pipes */
	if (cancel != RUN_GO) {
		r->cancelled = true;
		run_kill(st, cancel == RUN_INTERRUPT ? SIGINT : SIGTERM);
	}
	if (!st->done && waitpid(st->pid, &r->status, WNOHANG) == st->pid) {
		st->done = true;
		st->pid = -1;
		st->ended = clock_ms();
	}
	run_linger(st);
	return 0;
}

/*
 * Run r->argv to its end. Returns 0 when it ran (its exit in r->code,
 * r->signal), -1 when it could not start.
 */
int
run_cmd(struct run *r, struct paks_error **err)
{
	struct run_state st = { .r = r, .pid = -1 };

	r->timed_out = r->cancelled = false;
	if (run_start(&st, err) < 0)
		return -1;
	st.started = clock_ms();
	st.next = st.started + 1000;
	st.deadline = st.started + (long long)r->timeout * 1000;
	while (!st.done || run_open(&st)) {
		if (run_round(&st) < 0) {
			run_kill(&st, SIGKILL);
			break;
		}
	}
	for (int i = 0; i < 3; i++)
		if (st.fds[i].fd >= 0)
			close(st.fds[i].fd);
	if (!st.done) {
		while (waitpid(st.pid, &r->status, 0) < 0 && errno == EINTR)
			;
	}
	if (st.shown)
		write_all(STDOUT_FILENO, "\r\033[K", 4);
	r->code = spawn_status_code(r->status);
	r->signal = WIFSIGNALED(r->status) ? WTERMSIG(r->status) : 0;
	return 0;
}

void
run_release(struct run *r)
{
	strbuf_release(&r->out_text);
	strbuf_release(&r->err_text);
	/* fd 3 carries a plugin's exports: values that may be secret */
	if (r->fd3_text.buf != NULL)
		explicit_bzero(r->fd3_text.buf, r->fd3_text.len);
	strbuf_release(&r->fd3_text);
}

/* Run r through rn (a session's jobs), or plainly. */
int
runner_run(const struct runner *rn, struct run *r, struct paks_error **err)
{
	if (rn != NULL && rn->fn != NULL)
		return rn->fn(rn->arg, r, err);
	return run_cmd(r, err);
}
