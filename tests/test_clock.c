/*
 * test_clock: the monotonic clock helper. Milliseconds and microseconds
 * agree and never go back, timespecs are normalised, and a timed wait on a
 * condition variable made by clock_cond_init ends at its deadline, measured
 * on the same clock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "core/clock.h"
#include "testhelp.h"

static void
test_reads(void)
{
	int64_t a = clock_ms(), us = clock_us(), b = clock_ms();
	int i;

	CHECK(a > 0);
	CHECK(b >= a);
	CHECK(us / 1000 >= a && us / 1000 <= b);
	for (i = 0; i < 1000; i++) {
		int64_t c = clock_ms();
		CHECK(c >= b);
		b = c;
	}
}

static void
test_timespec(void)
{
	struct timespec ts = clock_timespec(12345);
	int i;

	CHECK_INT(ts.tv_sec, 12);
	CHECK_INT(ts.tv_nsec, 345000000L);
	ts = clock_timespec(0);
	CHECK_INT(ts.tv_sec, 0);
	CHECK_INT(ts.tv_nsec, 0);
	/* deadlines are normalised whatever the sub-second part of now */
	for (i = 0; i < 2000; i += 7) {
		int64_t before = clock_ms();
		struct timespec dl = clock_deadline(i);
		int64_t at = (int64_t)dl.tv_sec * 1000 + dl.tv_nsec / 1000000;

		CHECK(dl.tv_nsec >= 0 && dl.tv_nsec < 1000000000L);
		CHECK(at >= before + i && at <= clock_ms() + i);
	}
	{
		struct timespec dl = clock_deadline(-5000);
		CHECK(dl.tv_nsec >= 0 && dl.tv_nsec < 1000000000L);
		CHECK((int64_t)dl.tv_sec * 1000 + dl.tv_nsec / 1000000 <= clock_ms());
	}
}

static void
test_timedwait(void)
{
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t cv;
	struct timespec dl;
	int64_t t0, t1;
	int rc;

	REQUIRE(clock_cond_init(&cv) == 0);
	pthread_mutex_lock(&mu);
	t0 = clock_ms();
	dl = clock_deadline(50);
	do
		rc = pthread_cond_timedwait(&cv, &mu, &dl);
	while (rc == 0);  /* a spurious wake-up: wait again for the same deadline */
	t1 = clock_ms();
	pthread_mutex_unlock(&mu);
	CHECK_INT(rc, ETIMEDOUT);
	CHECK(t1 - t0 >= 50);
	CHECK(t1 - t0 < 5000);
	/* an absolute deadline from clock_timespec is on the same clock */
	pthread_mutex_lock(&mu);
	dl = clock_timespec(clock_ms() + 20);
	t0 = clock_ms();
	do
		rc = pthread_cond_timedwait(&cv, &mu, &dl);
	while (rc == 0);
	t1 = clock_ms();
	pthread_mutex_unlock(&mu);
	CHECK_INT(rc, ETIMEDOUT);
	CHECK(t1 - t0 >= 19);
	CHECK(t1 - t0 < 5000);
	pthread_cond_destroy(&cv);
}

int
main(void)
{
	test_reads();
	test_timespec();
	test_timedwait();
	return TEST_REPORT();
}
