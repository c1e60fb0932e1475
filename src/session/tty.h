/* The user's terminal: raw mode, exact restore, window size. */
#ifndef PAKS_TTY_H
#define PAKS_TTY_H

#include <stdbool.h>
#include <sys/ioctl.h>

int	tty_save(int);
int	tty_raw(void);
void	tty_restore(void);
bool	tty_size(int, struct winsize *);
void	tty_copy_size(int, int);

#endif
