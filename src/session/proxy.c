/*
 * The pty loop: one poll() over the user's terminal, the pty master, a
 * signalfd and, while a #command runs, that command's output pipe.
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

static void
proxy_signal(struct proxy *p)
{
	struct signalfd_siginfo si;

	while (read(p->sigfd, &si, sizeof si) == sizeof si) {
		switch (si.ssi_signo) {
		case SIGCHLD:
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
	enum { USER_IN, USER_OUT, MASTER, SIG, AUX, NFDS };
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
		fds[AUX] = (struct pollfd){ p->aux_fd, POLLIN, 0 };
		int ready = poll(fds, NFDS, proxy_wait_ms(p));
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (fds[SIG].revents)
			proxy_signal(p);
		if (fds[USER_IN].revents)
			proxy_read_user(p);
		if (fds[MASTER].revents & POLLOUT)
			proxy_drain(p->master, &p->to_pty);
		if (fds[MASTER].revents & (POLLIN | POLLHUP | POLLERR))
			proxy_read_master(p);
		if (fds[USER_OUT].revents)
			proxy_drain(p->user_out, &p->to_user);
		if (fds[AUX].revents && p->ops->aux != NULL)
			p->ops->aux(p, p->aux_fd);
		if (p->deadline >= 0 && clock_ms() >= p->deadline) {
			p->deadline = -1;
			if (p->ops->timeout != NULL)
				p->ops->timeout(p);
		}
	}
	return 0;
}
