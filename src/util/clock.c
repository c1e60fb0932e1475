/*
 * The monotonic clock in milliseconds. Deadlines are kept as a point on
 * this clock rather than as poll's idle time, so that a busy descriptor
 * cannot push them back.
 */
#include <limits.h>
#include <time.h>

#include "clock.h"

long long
clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The poll timeout until deadline: 0 once it has passed. */
int
clock_ms_left(long long deadline)
{
	long long left = deadline - clock_ms();

	if (left < 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}
