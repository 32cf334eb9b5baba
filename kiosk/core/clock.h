/*
 * clock: the project's one monotonic clock, for deadlines and for measuring
 * how long something took. CLOCK_MONOTONIC only: it never jumps with the
 * wall clock (NTP, a technician setting the time), so a deadline computed
 * from it is never early or late by an hour. The wall clock is not here:
 * it is read only in cmd/ (main-level code) and passed down as `now`.
 *
 * Condition variables that wait with a deadline are made with
 * clock_cond_init, so that pthread_cond_timedwait measures its deadline on
 * the same monotonic clock as clock_deadline computes it.
 * Pure core: libc and pthreads only.
 */
#ifndef KIOSK_CLOCK_H
#define KIOSK_CLOCK_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

/* Monotonic milliseconds (since an arbitrary start, the boot). */
int64_t clock_ms(void);
/* Monotonic microseconds, for measuring short spans. */
int64_t clock_us(void);

/* The absolute monotonic time `at_ms` (a clock_ms value) as a timespec. */
struct timespec clock_timespec(int64_t at_ms);
/* A deadline `ms` from now (ms >= 0), for pthread_cond_timedwait on a
 * condition variable made with clock_cond_init. */
struct timespec clock_deadline(int64_t ms);

/* pthread_cond_init for a condition variable whose timed waits use the
 * monotonic clock. 0, or pthread's error number. */
int clock_cond_init(pthread_cond_t *cv);

#endif
