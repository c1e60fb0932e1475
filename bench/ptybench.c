/*
 * Measure an interactive command from the terminal's side of a pty: time to
 * the first prompt, keystroke echo round trips, output throughput, and the
 * child's resident memory and context switches while idle (and the memory
 * of the child with all its descendants).
 *
 * ptybench owns the pty master, as a terminal emulator would; the command
 * under test (argv after "--") runs on the slave as its controlling
 * terminal. Results go to stdout as "key value" lines for bench/run.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TAIL_MAX 256
#define READ_BUF (1024 * 1024)

/* What has been read from the master, and the last bytes of it so that a
 * pattern split across two reads is still found. */
struct reader {
	int		 fd;
	bool		 eof;
	uint64_t	 bytes;
	size_t		 tail_len;
	char		 tail[TAIL_MAX];
};

struct options {
	const char	*prompt;	/* text that shows the shell is ready */
	int		 keys;		/* echo round trips to time */
	uint64_t	 tput_bytes;	/* bytes to print inside; 0: skip */
	int		 idle_s;	/* idle sampling period; 0: skip */
	int		 timeout_s;	/* for each wait */
	char		**argv;
};

static char rbuf[READ_BUF];

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static _Noreturn void
die(const char *what)
{
	fprintf(stderr, "ptybench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: ptybench -p PROMPT [-k KEYS] [-t BYTES] [-i SECONDS] "
	    "[-w TIMEOUT] -- COMMAND [ARG...]\n"
	    "  -p PROMPT   text the shell prints when ready (e.g. its PS1)\n"
	    "  -k KEYS     keystroke echo round trips to time (default 20)\n"
	    "  -t BYTES    print BYTES inside and time it (default: skip)\n"
	    "  -i SECONDS  sample the child's memory and wakeups while idle\n"
	    "  -w TIMEOUT  seconds to wait for any one step (default 60)\n");
	exit(2);
}

static void
write_str(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("write to the pty");
		}
		s += w;
		n -= (size_t)w;
	}
}

/* Keep the last TAIL_MAX bytes of everything read. */
static void
reader_keep_tail(struct reader *r, const char *buf, size_t n)
{
	if (n >= TAIL_MAX) {
		memcpy(r->tail, buf + n - TAIL_MAX, TAIL_MAX);
		r->tail_len = TAIL_MAX;
		return;
	}
	if (r->tail_len + n > TAIL_MAX) {
		size_t drop = r->tail_len + n - TAIL_MAX;

		memmove(r->tail, r->tail + drop, r->tail_len - drop);
		r->tail_len -= drop;
	}
	memcpy(r->tail + r->tail_len, buf, n);
	r->tail_len += n;
}

/* Is pat in the old tail followed by buf? Checks the seam, then buf. */
static bool
reader_match(const struct reader *r, const char *buf, size_t n,
    const char *pat, size_t plen)
{
	char seam[2 * TAIL_MAX];
	size_t head = n < plen - 1 ? n : plen - 1;
	size_t old = r->tail_len < plen - 1 ? r->tail_len : plen - 1;

	memcpy(seam, r->tail + r->tail_len - old, old);
	memcpy(seam + old, buf, head);
	if (memmem(seam, old + head, pat, plen) != NULL)
		return true;
	return memmem(buf, n, pat, plen) != NULL;
}

/* One read of what is there; returns bytes read, 0 at EOF, -1 if none yet. */
static ssize_t
reader_read(struct reader *r)
{
	ssize_t n = read(r->fd, rbuf, sizeof rbuf);

	if (n > 0) {
		r->bytes += (uint64_t)n;
		return n;
	}
	if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		/* EIO: every slave fd is closed, the command is gone */
		r->eof = true;
		return 0;
	}
	return -1;
}

static int
poll_in(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int rc;

	while ((rc = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	return rc;
}

/*
 * Read until pat has been seen; *at gets the time of the read that
 * completed it. Returns 0, or -1 on timeout or end of output.
 */
static int
reader_wait_for(struct reader *r, const char *pat, int timeout_ms,
    uint64_t *at)
{
	size_t plen = strlen(pat);
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000u;

	if (plen == 0 || plen > TAIL_MAX)
		return -1;
	while (!r->eof) {
		uint64_t t = now_ns();
		ssize_t n;

		if (t >= deadline)
			return -1;
		if (poll_in(r->fd, (int)((deadline - t) / 1000000u) + 1) <= 0)
			continue;
		if ((n = reader_read(r)) <= 0)
			continue;
		t = now_ns();
		bool hit = reader_match(r, rbuf, (size_t)n, pat, plen);
		reader_keep_tail(r, rbuf, (size_t)n);
		if (hit) {
			if (at != NULL)
				*at = t;
			return 0;
		}
	}
	return -1;
}

/* Read until nothing has come for quiet_ms (or max_ms have passed). */
static void
reader_drain(struct reader *r, int quiet_ms, int max_ms)
{
	uint64_t deadline = now_ns() + (uint64_t)max_ms * 1000000u;

	while (!r->eof && now_ns() < deadline) {
		ssize_t n;

		if (poll_in(r->fd, quiet_ms) <= 0)
			return;
		if ((n = reader_read(r)) > 0)
			reader_keep_tail(r, rbuf, (size_t)n);
	}
}

/* Start argv on the slave as its controlling terminal. */
static pid_t
spawn_on_pty(int master, char **argv)
{
	char name[128];
	int slave;
	pid_t pid;

	if (grantpt(master) < 0 || unlockpt(master) < 0 ||
	    ptsname_r(master, name, sizeof name) != 0)
		die("cannot set up the pty");
	if ((slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		die("cannot open the pty slave");
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0) {
		if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
			_exit(126);
		if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 ||
		    dup2(slave, 2) < 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(slave);
	return pid;
}

/* Sum "key:  N" over the status files of every thread of pid. */
static long
proc_task_sum(pid_t pid, const char *key)
{
	char path[320], line[256];
	size_t klen = strlen(key);
	long sum = 0;
	DIR *d;
	struct dirent *de;

	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%s/status",
		    (int)pid, de->d_name);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		while (fgets(line, sizeof line, f) != NULL) {
			if (strncmp(line, key, klen) == 0 && line[klen] == ':')
				sum += strtol(line + klen + 1, NULL, 10);
		}
		fclose(f);
	}
	closedir(d);
	return sum;
}

/* "KEY:  N kB" of /proc/PID/FILE (status, smaps_rollup) in KiB, or -1. */
static long
proc_kib(pid_t pid, const char *file, const char *key)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':')
			kib = strtol(line + klen + 1, NULL, 10);
	}
	fclose(f);
	return kib;
}

/* The parent of pid from /proc/PID/stat, or -1. */
static pid_t
proc_ppid(pid_t pid)
{
	char path[64], buf[1024], *p;
	int ppid;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || sscanf(p + 2, "%*c %d",
	    &ppid) != 1)
		return -1;
	return ppid;
}

/*
 * The memory of pid and every process under it (an engine client it
 * started, a waiter it forked): Pss summed, so that what a fork shares
 * with its parent counts once. -1 if pid is gone.
 */
static long
proc_tree_pss_kib(pid_t top)
{
	pid_t tree[256];
	size_t n = 1;
	long sum = 0;
	bool grew = true;

	tree[0] = top;
	while (grew) {	/* until no process has a parent in the tree */
		DIR *d = opendir("/proc");
		struct dirent *de;

		grew = false;
		if (d == NULL)
			return -1;
		while ((de = readdir(d)) != NULL && n < 256) {
			pid_t pid = (pid_t)atoi(de->d_name), pp;
			bool known = false;

			if (pid <= 0)
				continue;
			for (size_t i = 0; i < n && !known; i++)
				known = tree[i] == pid;
			if (known || (pp = proc_ppid(pid)) <= 0)
				continue;
			for (size_t i = 0; i < n; i++) {
				if (tree[i] == pp) {
					tree[n++] = pid;
					grew = true;
					break;
				}
			}
		}
		closedir(d);
	}
	for (size_t i = 0; i < n; i++) {
		long k = proc_kib(tree[i], "smaps_rollup", "Pss");
		if (k < 0 && i == 0)
			return -1;
		sum += k > 0 ? k : 0;
	}
	return sum;
}

/* User plus system CPU time of pid (all its threads) in ms, or -1. */
static long
proc_cpu_ms(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* the command name may hold spaces: fields count from its ')' */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%llu %llu", &ut, &st) != 2)
		return -1;
	return (long)((ut + st) * 1000 /
	    (unsigned long long)sysconf(_SC_CLK_TCK));
}

static long
proc_ctxsw(pid_t pid)
{
	return proc_task_sum(pid, "voluntary_ctxt_switches") +
	    proc_task_sum(pid, "nonvoluntary_ctxt_switches");
}

/*
 * Type one byte and time until the shell echoes it; then erase it so the
 * line stays empty, and let the redraw finish before the next one.
 */
static void
bench_keys(struct reader *r, int n, int timeout_ms)
{
	static const char keys[] = "qwertyuiopasdfghjklzxcvbnm";

	for (int i = 0; i < n; i++) {
		char pat[2] = { keys[i % (sizeof keys - 1)], '\0' };
		uint64_t t0, t1;

		reader_drain(r, 0, 1000);
		t0 = now_ns();
		write_str(r->fd, pat, 1);
		if (reader_wait_for(r, pat, timeout_ms, &t1) < 0) {
			fprintf(stderr, "ptybench: no echo of keystroke %d\n",
			    i);
			return;
		}
		printf("key_us %.1f\n", (double)(t1 - t0) / 1e3);
		write_str(r->fd, "\177", 1);
		reader_drain(r, 15, timeout_ms);
	}
}

/*
 * Print bytes inside and time from Enter to the end marker. The typed
 * line holds PB''END, so only the command's output contains PBEND.
 */
static void
bench_tput(struct reader *r, pid_t pid, uint64_t bytes, int timeout_ms)
{
	char cmd[160];
	uint64_t t0, t1, b0;
	long cpu0;

	snprintf(cmd, sizeof cmd,
	    "head -c %llu /dev/zero | tr '\\0' a; echo PB''END",
	    (unsigned long long)bytes);
	write_str(r->fd, cmd, strlen(cmd));
	if (reader_wait_for(r, "PB''END", timeout_ms, NULL) < 0) {
		fprintf(stderr, "ptybench: throughput command not echoed\n");
		return;
	}
	reader_drain(r, 50, timeout_ms);
	b0 = r->bytes;
	cpu0 = proc_cpu_ms(pid);
	t0 = now_ns();
	write_str(r->fd, "\r", 1);
	if (reader_wait_for(r, "PBEND", timeout_ms, &t1) < 0) {
		fprintf(stderr, "ptybench: throughput end marker not seen\n");
		return;
	}
	printf("tput_mbs %.1f\n", (double)bytes / 1e6 /
	    ((double)(t1 - t0) / 1e9));
	printf("tput_bytes %llu\n", (unsigned long long)(r->bytes - b0));
	/* what the command under test itself (not its children) spent */
	printf("tput_cpu_ms %ld\n", cpu0 < 0 ? -1 : proc_cpu_ms(pid) - cpu0);
	reader_drain(r, 100, timeout_ms);
}

/* The child's memory and context switches over idle_s seconds. */
static void
bench_idle(struct reader *r, pid_t pid, int idle_s)
{
	long sw0, sw1, rss;

	reader_drain(r, 300, 5000);
	sw0 = proc_ctxsw(pid);
	poll_in(r->fd, idle_s * 1000);
	sw1 = proc_ctxsw(pid);
	rss = proc_kib(pid, "status", "VmRSS");
	printf("idle_rss_kib %ld\n", rss);
	printf("idle_tree_pss_kib %ld\n", proc_tree_pss_kib(pid));
	printf("idle_ctxsw %ld\n", sw0 < 0 || sw1 < 0 ? -1 : sw1 - sw0);
}

/* Type exit, read to the end, reap; kill the child if it hangs. */
static int
bench_finish(struct reader *r, pid_t pid, int timeout_ms)
{
	uint64_t deadline;
	int status;

	write_str(r->fd, "exit\r", 5);
	deadline = now_ns() + (uint64_t)timeout_ms * 1000000u;
	while (!r->eof && now_ns() < deadline)
		reader_drain(r, 1000, timeout_ms);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return -1;
		if (now_ns() >= deadline) {
			fprintf(stderr, "ptybench: command did not exit; "
			    "killing it\n");
			kill(pid, SIGTERM);
			sleep(2);
			kill(pid, SIGKILL);
			deadline = UINT64_MAX;
		}
		usleep(10000);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) :
	    128 + WTERMSIG(status);
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	int c;

	*o = (struct options){ .keys = 20, .timeout_s = 60 };
	while ((c = getopt(argc, argv, "+p:k:t:i:w:h")) != -1) {
		switch (c) {
		case 'p': o->prompt = optarg; break;
		case 'k': o->keys = atoi(optarg); break;
		case 't': o->tput_bytes = strtoull(optarg, NULL, 10); break;
		case 'i': o->idle_s = atoi(optarg); break;
		case 'w': o->timeout_s = atoi(optarg); break;
		default: usage();
		}
	}
	if (o->prompt == NULL || *o->prompt == '\0' || optind >= argc ||
	    o->timeout_s <= 0 || o->keys < 0)
		usage();
	o->argv = argv + optind;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct reader r = { .fd = -1 };
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	uint64_t t0, t1;
	int timeout_ms, code;
	pid_t pid;

	parse_options(argc, argv, &o);
	timeout_ms = o.timeout_s * 1000;
	setvbuf(stdout, NULL, _IOLBF, 0);
	setenv("TERM", "xterm", 1);
	if ((r.fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		die("posix_openpt");
	if (ioctl(r.fd, TIOCSWINSZ, &ws) < 0)
		die("cannot set the window size");
	fcntl(r.fd, F_SETFL, fcntl(r.fd, F_GETFL) | O_NONBLOCK);

	t0 = now_ns();
	pid = spawn_on_pty(r.fd, o.argv);
	if (reader_wait_for(&r, o.prompt, timeout_ms, &t1) < 0) {
		if (r.eof)
			fprintf(stderr, "ptybench: the command ended before "
			    "printing '%s'", o.prompt);
		else
			fprintf(stderr, "ptybench: no prompt '%s' within "
			    "%d s", o.prompt, o.timeout_s);
		fprintf(stderr, " (last output: '%.*s')\n", (int)r.tail_len,
		    r.tail);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return 1;
	}
	printf("startup_ms %.2f\n", (double)(t1 - t0) / 1e6);
	reader_drain(&r, 200, timeout_ms);

	bench_keys(&r, o.keys, timeout_ms);
	if (o.tput_bytes > 0)
		bench_tput(&r, pid, o.tput_bytes, timeout_ms);
	if (o.idle_s > 0)
		bench_idle(&r, pid, o.idle_s);
	code = bench_finish(&r, pid, timeout_ms);
	printf("exit %d\n", code);
	return code < 0 ? 1 : 0;
}
