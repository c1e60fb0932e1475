/* Milliseconds on the monotonic clock, for deadlines and poll timeouts. */
#ifndef PAKS_CLOCK_H
#define PAKS_CLOCK_H

long long	clock_ms(void);
int		clock_ms_left(long long);

#endif
