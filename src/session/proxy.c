/*
 * The pty loop: one poll() over the user's terminal, the pty master and a
 * signalfd; while a #command's program runs, its pipes join the same
 * signal and keyboard handling (proxy_job_poll, the watch of util/run.c).
 *
 * Why it looks the way it does:
 * - Signals are blocked and read as data from a signalfd, so the loop has
 *   one place where things happen and no handler races it. The mask is set
 *   before the engine client is forked; spawn.c clears it in the child.
 * - Each direction has a bounded buffer. While output to the user is
 *   pending, the master is not read (the engine client then blocks), but
 *   the user's keyboard is still read, so Ctrl-C reaches the container
 *   even while it floods the screen.
 * - EIO from the master means every slave fd is closed: the engine client
 *   and all it started are gone. SIGCHLD can arrive before the last output
 *   is read, so the loop ends on EIO (or EOF), not on SIGCHLD alone.
 * - An idle session sleeps in poll() with no timeout and no wakeups; a
 *   timeout is armed only for the moment paks holds typed-ahead keys
 *   waiting for the shell to report an Enter (session.c).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proxy.h"
#include "tty.h"
#include "util/clock.h"
#include "util/xalloc.h"
#include "util/fdio.h"

#define PROXY_BUF (64 * 1024)

int
proxy_setup_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGWINCH);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
	sigaddset(set, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, set, NULL) < 0)
		return -1;
	return signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/*
 * Queue bytes for fd; with nothing queued, write straight away and queue
 * only what the fd did not take (saves a poll round per chunk).
 */
static void
proxy_queue(int fd, struct strbuf *q, const char *s, size_t n)
{
	if (q->len == 0 && n > 0) {
		ssize_t w = write(fd, s, n);
		if (w > 0) {
			s += w;
			n -= (size_t)w;
		}
	}
	if (n > 0)
		strbuf_add(q, s, n);
}

void
proxy_to_user(struct proxy *p, const char *s, size_t n)
{
	if (n > 0)
		p->last_out = s[n - 1];
	proxy_queue(p->user_out, &p->to_user, s, n);
}

void
proxy_to_pty(struct proxy *p, const char *s, size_t n)
{
	proxy_queue(p->master, &p->to_pty, s, n);
}

/* Write out all pending user output, blocking (at exit, or for messages). */
void
proxy_flush_user(struct proxy *p)
{
	if (p->to_user.len > 0)
		write_all(p->user_out, p->to_user.buf, p->to_user.len);
	strbuf_reset(&p->to_user);
}

/* Reap children; the engine client's end is recorded. */
void
proxy_reap(struct proxy *p)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == p->child) {
			p->child_done = true;
			p->child_status = status;
		} else if (p->ops->reaped != NULL)
			p->ops->reaped(p, pid, status);
	}
}

/*
 * The signals read as data. While a job runs (in_job), its own waitpid
 * reaps it, so SIGCHLD reaps nothing here; proxy_reap runs after it.
 */
static void
proxy_signal(struct proxy *p, bool in_job)
{
	struct signalfd_siginfo si;

	while (read(p->sigfd, &si, sizeof si) == sizeof si) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			if (!in_job)
				proxy_reap(p);
			break;
		case SIGWINCH:
			if (p->ops->resize != NULL)
				p->ops->resize(p);
			else
				tty_copy_size(p->user_in, p->master);
			break;
		case SIGPIPE:
			break;
		default:
			p->stop_signal = (int)si.ssi_signo;
			break;
		}
	}
}

static void
proxy_read_user(struct proxy *p)
{
	char buf[4096];
	ssize_t n = read(p->user_in, buf, sizeof buf);

	if (n > 0)
		p->ops->input(p, buf, (size_t)n);
	else if (n == 0 || (errno != EINTR && errno != EAGAIN))
		p->stop_signal = SIGHUP; /* the user's terminal is gone */
}

static void
proxy_read_master(struct proxy *p)
{
	char buf[PROXY_BUF];
	ssize_t n = read(p->master, buf, sizeof buf);

	if (n > 0)
		p->ops->output(p, buf, (size_t)n);
	else if (n == 0 || (errno != EINTR && errno != EAGAIN))
		p->master_done = true;
}

/* Write what can be written now without blocking. */
static void
proxy_drain(int fd, struct strbuf *sb)
{
	ssize_t n = write(fd, sb->buf, sb->len);

	if (n > 0)
		strbuf_remove_front(sb, (size_t)n);
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		strbuf_reset(sb);
}

/*
 * Call ops->timeout once, ms from now (-1: never). A deadline, not an idle
 * time: a program that floods the terminal must not keep held keys (a
 * Ctrl-C among them) back for ever.
 */
void
proxy_set_timeout(struct proxy *p, int ms)
{
	p->deadline = ms < 0 ? -1 : clock_ms() + ms;
}

/* The poll timeout until the deadline. */
static int
proxy_wait_ms(const struct proxy *p)
{
	return p->deadline < 0 ? -1 : clock_ms_left(p->deadline);
}

/* Returns when the pty is closed and the engine client reaped, or a
 * terminating signal arrived. */
int
proxy_run(struct proxy *p)
{
	enum { USER_IN, USER_OUT, MASTER, SIG, NFDS };
	struct pollfd fds[NFDS];

	while (p->stop_signal == 0 && !(p->master_done && p->child_done)) {
		bool out_full = p->to_user.len >= PROXY_BUF;
		fds[USER_IN] = (struct pollfd){ p->to_pty.len < PROXY_BUF ?
			p->user_in : -1, POLLIN, 0 };
		fds[USER_OUT] = (struct pollfd){ p->to_user.len ? p->user_out :
			-1, POLLOUT, 0 };
		fds[MASTER] = (struct pollfd){ p->master_done ? -1 : p->master,
			(short)((out_full || p->hold_output ? 0 : POLLIN) |
			(p->to_pty.len ? POLLOUT : 0)), 0 };
		fds[SIG] = (struct pollfd){ p->sigfd, POLLIN, 0 };
		int ready = poll(fds, NFDS, proxy_wait_ms(p));
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (fds[SIG].revents)
			proxy_signal(p, false);
		if (fds[USER_IN].revents)
			proxy_read_user(p);
		if (fds[MASTER].revents & POLLOUT)
			proxy_drain(p->master, &p->to_pty);
		if (fds[MASTER].revents & (POLLIN | POLLHUP | POLLERR))
			proxy_read_master(p);
		if (fds[USER_OUT].revents)
			proxy_drain(p->user_out, &p->to_user);
		if (p->deadline >= 0 && clock_ms() >= p->deadline) {
			p->deadline = -1;
			if (p->ops->timeout != NULL)
				p->ops->timeout(p);
		}
	}
	return 0;
}

/* Keys typed while a job runs: Ctrl-C cancels it, others are held. */
static void
proxy_job_keys(struct proxy *p, enum run_cancel *cancel)
{
	char buf[1024];
	ssize_t n = read(p->user_in, buf, sizeof buf);

	if (n > 0 && memchr(buf, 3, (size_t)n) != NULL)
		*cancel = RUN_INTERRUPT;
	else if (n > 0 && p->ops->held != NULL)
		p->ops->held(p, buf, (size_t)n);
	else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
		/* the terminal is gone (hung up): as SIGHUP */
		p->stop_signal = SIGHUP;
		*cancel = RUN_STOP;
	}
}

/*
 * The watch of a #command's program (util/run.c): its n fds polled with
 * the user's terminal and the signals. The pty is not read meanwhile (the
 * shell waits for the command's reply), but the user keeps control: a
 * resize is passed on, Ctrl-C interrupts the program, other keys are kept
 * for the shell; told to stop (SIGTERM, SIGHUP, the terminal gone), paks
 * stops the program.
 */
int
proxy_job_poll(struct proxy *p, struct pollfd *job, int n, int timeout,
    enum run_cancel *cancel)
{
	struct pollfd fds[8];
	int rc;

	if (n > 6)
		BUG("proxy_job_poll: %d fds", n);
	memcpy(fds, job, (size_t)n * sizeof *fds);
	/* once stopping, the terminal (perhaps hung up) is not read again */
	fds[n] = (struct pollfd){ p->stop_signal ? -1 : p->user_in, POLLIN, 0 };
	fds[n + 1] = (struct pollfd){ p->sigfd, POLLIN, 0 };
	if ((rc = poll(fds, (nfds_t)n + 2, timeout)) < 0)
		return rc;
	for (int i = 0; i < n; i++)
		job[i].revents = fds[i].revents;
	if (fds[n + 1].revents & POLLIN) {
		int before = p->stop_signal;
		proxy_signal(p, true);
		if (p->stop_signal != before)
			*cancel = RUN_STOP;
	}
	if (fds[n].revents)
		proxy_job_keys(p, cancel);
	return rc;
}
