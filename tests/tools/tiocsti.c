/*
 * An attacker inside the container, for the trust-boundary tests: push
 * bytes into a terminal's input queue with TIOCSTI, as if typed.
 *
 * usage: paks-tiocsti [-Hn] [-d SECONDS] [-t TTY] TEXT...
 *   -d  wait SECONDS first (a background job that strikes later)
 *   -t  the terminal to push into (default: /dev/tty)
 *   -H  pass the request with its high 32 bits set, through syscall(2):
 *       the kernel truncates it to TIOCSTI, a filter comparing all 64
 *       bits does not
 *   -n  no "\r" after each TEXT (change a line the user is typing)
 * Each TEXT is pushed as is, then "\r"; TEXT "" pushes only "\r".
 * Exits 0 when every byte went in, 3 when TIOCSTI was refused (EPERM/EIO),
 * printing "tiocsti: refused: ..." on stderr. Built static, so it runs in
 * any test image.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static unsigned long high_bits;

static int
push(int fd, char c)
{
	if (syscall(SYS_ioctl, fd, high_bits | TIOCSTI, &c) < 0) {
		fprintf(stderr, "tiocsti: refused: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *tty = "/dev/tty";
	int opt, fd;
	double delay = 0;
	int enter = 1;

	while ((opt = getopt(argc, argv, "Hnd:t:")) != -1) {
		if (opt == 'n')
			enter = 0;
		else if (opt == 'H')
			high_bits = 0xffffffff00000000UL;
		else if (opt == 'd')
			delay = atof(optarg);
		else if (opt == 't')
			tty = optarg;
		else
			return 2;
	}
	if ((fd = open(tty, O_RDWR | O_NOCTTY)) < 0) {
		fprintf(stderr, "tiocsti: %s: %s\n", tty, strerror(errno));
		return 2;
	}
	if (delay > 0)
		usleep((useconds_t)(delay * 1e6));
	for (int i = optind; i < argc; i++) {
		for (const char *p = argv[i]; *p; p++)
			if (push(fd, *p) < 0)
				return 3;
		if (enter && push(fd, '\r') < 0)
			return 3;
	}
	return 0;
}
