/*
 * bus: the server's in-memory event stream, where the API threads meet the
 * server-sent-event streams. One lock, one condition variable, a ring of the
 * last BUS_RING events. Publishers never block on slow readers: a reader
 * that falls more than BUS_RING events behind is told to resync.
 * Pure core: libc and pthreads only.
 */
#ifndef KIOSK_BUS_H
#define KIOSK_BUS_H

#include <stddef.h>
#include <stdint.h>

#define BUS_RING 256

struct bus;

/* first_seq: the first event's number; give something monotonic across
 * restarts (e.g. the start time in ms) so Last-Event-ID never goes back. */
struct bus *bus_new(int64_t first_seq);
void bus_free(struct bus *b);           /* NULL is harmless */

/* Publish one event; `staff` events go only to staff streams. Returns its seq. */
int64_t bus_publish(struct bus *b, const char *type, const char *json, int staff);

/*
 * Wait up to timeout_ms for an event after `after`, then copy the next one
 * into type/json. Returns 1 with *seq set, 0 on time-out, -1 when the reader
 * fell behind (it must resync), -2 when the bus is shutting down.
 */
int bus_next(struct bus *b, int64_t after, int staff, int timeout_ms, int64_t *seq,
    char *type, size_t typelen, char *json, size_t jsonlen);

/* The last seq published (0 if none). */
int64_t bus_last(struct bus *b);

/* Wake every reader and make them return -2. */
void bus_shutdown(struct bus *b);

#endif
