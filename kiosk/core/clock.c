/*
 * clock: see clock.h. Pure core: libc and pthreads only.
 */
#include <pthread.h>
#include <time.h>

#include "core/clock.h"

static struct timespec
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

int64_t
clock_ms(void)
{
	struct timespec ts = now_mono();

	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
clock_us(void)
{
	struct timespec ts = now_mono();

	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct timespec
clock_timespec(int64_t at_ms)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(at_ms / 1000);
	ts.tv_nsec = (long)(at_ms % 1000) * 1000000L;
	return ts;
}

struct timespec
clock_deadline(int64_t ms)
{
	struct timespec ts = now_mono();

	if (ms < 0)
		ms = 0;
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

int
clock_cond_init(pthread_cond_t *cv)
{
	pthread_condattr_t ca;
	int rc;

	if ((rc = pthread_condattr_init(&ca)) != 0)
		return rc;
	rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (rc == 0)
		rc = pthread_cond_init(cv, &ca);
	pthread_condattr_destroy(&ca);
	return rc;
}
