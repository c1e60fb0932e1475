/* Whole reads and writes over fds that may be interrupted or short. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"

/* Write everything, waiting out EINTR, EAGAIN and short writes. */
ssize_t
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd pfd = { .fd = fd, .events = POLLOUT };
				poll(&pfd, 1, -1);
				continue;
			}
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* Write text for a raw-mode terminal: every "\n" becomes "\r\n". */
ssize_t
write_crlf(int fd, const char *s, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\n' || (i > 0 && s[i - 1] == '\r'))
			continue;
		if (write_all(fd, s + start, i - start) < 0 ||
		    write_all(fd, "\r\n", 2) < 0)
			return -1;
		start = i + 1;
	}
	if (write_all(fd, s + start, len - start) < 0)
		return -1;
	return (ssize_t)len;
}

int
fd_set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
	return fcntl(fd, F_SETFL, fl);
}

/* Two pipes, close-on-exec: both, or neither and an error. */
int
fd_pipes(int a[2], int b[2], struct paks_error **err)
{
	if (pipe2(a, O_CLOEXEC) < 0)
		return paks_error_set(err, errno, "cannot create a pipe");
	if (pipe2(b, O_CLOEXEC) < 0) {
		int saved = errno;

		close(a[0]);
		close(a[1]);
		return paks_error_set(err, saved, "cannot create a pipe");
	}
	return 0;
}
