/* Run child processes from argument vectors (never a shell string). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "spawn.h"
#include "xalloc.h"

extern char **environ;

/*
 * close_range is called through syscall(): glibc has had a wrapper only
 * since 2.34, the kernel the call since 5.9 and CLOSE_RANGE_CLOEXEC since
 * 5.11; cluster login nodes have glibc 2.28 and Linux 4.18
 * (docs/cluster.md). Where it fails, spawn_cloexec_from does its work.
 */
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* PAKS_NO_CLOSE_RANGE=1: do without close_range (tests), as on Linux 4.18 */
static bool
spawn_close_range_off(void)
{
	const char *no = getenv("PAKS_NO_CLOSE_RANGE");

	return no != NULL && *no != '\0' && strcmp(no, "0") != 0;
}

/* fd n, from a name of /proc/self/fd; -1 if the name is not a number */
static int
spawn_fd_name(const char *s)
{
	int n = 0;

	if (*s == '\0')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (n > (INT_MAX - 9) / 10)
			return -1;
		n = n * 10 + (*s - '0');
	}
	return *s == '\0' ? n : -1;
}

/*
 * In the child, what close_range(low, ~0U, CLOSE_RANGE_CLOEXEC) does:
 * each fd open from low up becomes close-on-exec. The fds are read from
 * /proc/self/fd with getdents64 into the stack (opendir would allocate,
 * which is not safe after fork); without /proc, every fd up to the soft
 * RLIMIT_NOFILE is tried.
 */
static void
spawn_cloexec_from(int low)
{
	char buf[4096] __attribute__((aligned(8)));
	struct rlimit rl;
	long n, max = 65536;
	int dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd >= 0) {
		while ((n = syscall(SYS_getdents64, dfd, buf, sizeof buf)) > 0)
			for (long off = 0; off < n;) {
				struct dirent64 *d = (void *)(buf + off);
				int fd = spawn_fd_name(d->d_name);

				if (fd >= low && fd != dfd)
					fcntl(fd, F_SETFD, FD_CLOEXEC);
				off += d->d_reclen;
			}
		close(dfd);
		if (n == 0)
			return;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		max = rl.rlim_cur < INT_MAX ? (long)rl.rlim_cur : INT_MAX;
	for (long fd = low; fd < max; fd++)
		fcntl((int)fd, F_SETFD, FD_CLOEXEC);
}

/*
 * In the child, a function in place of a program: the fds paks had open
 * (the pty, the signalfd) are closed as an exec would close them, and the
 * error pipe closes to say the start went well.
 */
static _Noreturn void
spawn_child_fn(struct spawn *sp, int errpipe, int low)
{
	close(errpipe);
	if (syscall(SYS_close_range, low, ~0U, 0) < 0)
		for (int fd = low; fd < 65536; fd++)
			close(fd);
	_exit(sp->fn(sp->fn_arg) & 0xff);
}

/* In the child: only async-signal-safe calls from here to exec. */
static _Noreturn void
spawn_child(struct spawn *sp, int errpipe, bool close_range_ok)
{
	sigset_t none;
	int fds[3] = { sp->in, sp->out, sp->err };
	int null = -1;

	/* keep the error pipe clear of the fds being set up */
	int high = fcntl(errpipe, F_DUPFD_CLOEXEC, 10);
	if (high >= 0)
		errpipe = high;
	sigemptyset(&none);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);

	for (int i = 0; i < 3; i++) {
		if (fds[i] == SPAWN_DEVNULL) {
			if (null < 0)
				null = open("/dev/null", O_RDWR);
			fds[i] = null;
		}
	}
	for (int i = 0; i < 3; i++) {
		if (fds[i] >= 0 && fds[i] != i) {
			/* dup2 to a scratch slot first so that a later source
			 * fd is not clobbered by an earlier target */
			int t = fcntl(fds[i], F_DUPFD, 3);
			if (t < 0)
				goto fail;
			fds[i] = t;
		}
	}
	int extra = sp->fd3 >= 0 ? fcntl(sp->fd3, F_DUPFD, 4) : -1;
	for (int i = 0; i < 3; i++) {
		if (fds[i] >= 0 && dup2(fds[i], i) < 0)
			goto fail;
	}
	if (extra >= 0 && dup2(extra, 3) < 0)
		goto fail;
	if (sp->flags & SPAWN_SETSID) {
		if (setsid() < 0 || ioctl(0, TIOCSCTTY, 0) < 0)
			goto fail;
	} else if (sp->flags & SPAWN_PGROUP)
		setpgid(0, 0);
	if (sp->dir != NULL && chdir(sp->dir) < 0)
		goto fail;
	for (size_t i = 0; i < sp->env_add.n; i++)
		putenv(sp->env_add.v[i]);
	/* errpipe is O_CLOEXEC: it closes on a successful exec */
	if (!close_range_ok || syscall(SYS_close_range, extra >= 0 ? 4 : 3,
	    ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		spawn_cloexec_from(extra >= 0 ? 4 : 3);
	fcntl(errpipe, F_SETFD, FD_CLOEXEC);
	if (sp->fn != NULL)
		spawn_child_fn(sp, errpipe, extra >= 0 ? 4 : 3);
	execvp(sp->args.v[0], sp->args.v);
fail:;
	int e = errno;
	(void)!write(errpipe, &e, sizeof e);
	_exit(127);
}

/* Start the child; an exec failure comes back here as an error. */
int
spawn_start(struct spawn *sp, struct paks_error **err)
{
	bool close_range_ok = !spawn_close_range_off();
	int pfd[2], e, n;

	if (sp->args.n == 0 && sp->fn == NULL)
		BUG("spawn with no arguments");
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return paks_error_set(err, errno, "cannot create a pipe");
	sp->pid = fork();
	if (sp->pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return paks_error_set(err, errno, "cannot fork");
	}
	if (sp->pid == 0) {
		close(pfd[0]);
		spawn_child(sp, pfd[1], close_range_ok);
	}
	close(pfd[1]);
	do
		n = read(pfd[0], &e, sizeof e);
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n == sizeof e) {
		waitpid(sp->pid, NULL, 0);
		sp->pid = -1;
		return paks_error_set(err, e, "cannot run '%s'",
		    sp->args.n ? sp->args.v[0] : "paks");
	}
	return 0;
}

/* Wait for the child; returns the raw wait status. */
int
spawn_wait(struct spawn *sp)
{
	int status = 0;

	if (sp->pid <= 0)
		return -1;
	while (waitpid(sp->pid, &status, 0) < 0 && errno == EINTR)
		;
	sp->pid = -1;
	return status;
}

/* Shell-style exit code from a wait status (128+N for signal N). */
int
spawn_status_code(int status)
{
	if (status < 0)
		return 127;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

/* Kill and reap a child still running when its scope ends. */
void
spawn_release(struct spawn *sp)
{
	if (sp->pid > 0) {
		kill(sp->pid, SIGKILL);
		spawn_wait(sp);
	}
	strv_release(&sp->args);
	strv_release(&sp->env_add);
}
