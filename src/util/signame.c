/*
 * Signal names without "SIG" ("TERM", "HUP"), as glibc's sigabbrev_np
 * gives them: that call needs glibc 2.32, and cluster login nodes have
 * 2.28 (docs/cluster.md). Indexed by the constants, so that the table
 * holds on any architecture.
 */
#include <signal.h>
#include <stddef.h>

#include "signame.h"

static const char *const signames[] = {
	[SIGHUP] = "HUP",	[SIGINT] = "INT",	[SIGQUIT] = "QUIT",
	[SIGILL] = "ILL",	[SIGTRAP] = "TRAP",	[SIGABRT] = "ABRT",
	[SIGBUS] = "BUS",	[SIGFPE] = "FPE",	[SIGKILL] = "KILL",
	[SIGUSR1] = "USR1",	[SIGSEGV] = "SEGV",	[SIGUSR2] = "USR2",
	[SIGPIPE] = "PIPE",	[SIGALRM] = "ALRM",	[SIGTERM] = "TERM",
#ifdef SIGSTKFLT
	[SIGSTKFLT] = "STKFLT",
#endif
	[SIGCHLD] = "CHLD",	[SIGCONT] = "CONT",	[SIGSTOP] = "STOP",
	[SIGTSTP] = "TSTP",	[SIGTTIN] = "TTIN",	[SIGTTOU] = "TTOU",
	[SIGURG] = "URG",	[SIGXCPU] = "XCPU",	[SIGXFSZ] = "XFSZ",
	[SIGVTALRM] = "VTALRM",	[SIGPROF] = "PROF",	[SIGWINCH] = "WINCH",
	[SIGIO] = "POLL",	/* SIGPOLL, as glibc names it */
	[SIGSYS] = "SYS",
#ifdef SIGPWR
	[SIGPWR] = "PWR",
#endif
};

/* The name of signal sig, or NULL (0, real-time signals, out of range). */
const char *
signame(int sig)
{
	if (sig <= 0 || (size_t)sig >= sizeof signames / sizeof *signames)
		return NULL;
	return signames[sig];
}
