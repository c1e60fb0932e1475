/* The user's terminal: raw mode, exact restore, window size. */
#include <errno.h>
#include <termios.h>
#include <unistd.h>

#include "tty.h"

/*
 * One saved state for the whole process: tty_restore() is called from
 * teardown, from the fatal-error path and when a signal ends the loop, so
 * it must be idempotent and need no arguments.
 */
static struct termios saved;
static int saved_fd = -1;
static bool is_raw;

int
tty_save(int fd)
{
	if (tcgetattr(fd, &saved) < 0)
		return -1;
	saved_fd = fd;
	return 0;
}

int
tty_raw(void)
{
	struct termios t = saved;

	if (saved_fd < 0)
		return -1;
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(saved_fd, TCSAFLUSH, &t) < 0)
		return -1;
	is_raw = true;
	return 0;
}

void
tty_restore(void)
{
	if (saved_fd < 0 || !is_raw)
		return;
	while (tcsetattr(saved_fd, TCSADRAIN, &saved) < 0 && errno == EINTR)
		;
	is_raw = false;
}

bool
tty_size(int fd, struct winsize *ws)
{
	return ioctl(fd, TIOCGWINSZ, ws) == 0 && ws->ws_row > 0 &&
	    ws->ws_col > 0;
}

/* Give the pty the size of the user's terminal (the engine follows). */
void
tty_copy_size(int from, int to)
{
	struct winsize ws;

	if (tty_size(from, &ws))
		ioctl(to, TIOCSWINSZ, &ws);
}
