/*
 * bus: see bus.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bus.h"
#include "core/clock.h"

struct bus_event {
	int64_t seq;            /* 0: slot unused */
	int staff;              /* staff-only event */
	char type[16];          /* SSE event name */
	char *json;             /* SSE data, malloc'd */
};

struct bus {
	pthread_mutex_t lock;
	pthread_cond_t cond;            /* broadcast on publish and shutdown */
	struct bus_event ring[BUS_RING]; /* event seq lives at seq % BUS_RING */
	int64_t next;                   /* seq of the next event */
	int64_t first;                  /* first seq ever published */
	int closing;                    /* bus_shutdown was called */
};

struct bus *
bus_new(int64_t first_seq)
{
	struct bus *b = calloc(1, sizeof *b);

	if (b == NULL)
		return NULL;
	pthread_mutex_init(&b->lock, NULL);
	clock_cond_init(&b->cond);
	b->next = b->first = first_seq > 0 ? first_seq : 1;
	return b;
}

void
bus_free(struct bus *b)
{
	int i;
	if (b == NULL)
		return;
	for (i = 0; i < BUS_RING; i++)
		free(b->ring[i].json);
	pthread_cond_destroy(&b->cond);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

int64_t
bus_publish(struct bus *b, const char *type, const char *json, int staff)
{
	struct bus_event *e;
	char *copy = strdup(json);
	int64_t seq;

	pthread_mutex_lock(&b->lock);
	seq = b->next++;
	e = &b->ring[seq % BUS_RING];
	free(e->json);
	e->json = copy ? copy : NULL;
	e->seq = seq;
	e->staff = staff;
	snprintf(e->type, sizeof e->type, "%s", type);
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
	return seq;
}

int64_t
bus_last(struct bus *b)
{
	int64_t v;
	pthread_mutex_lock(&b->lock);
	v = b->next - 1;
	pthread_mutex_unlock(&b->lock);
	return v;
}

int
bus_next(struct bus *b, int64_t after, int staff, int timeout_ms, int64_t *seq,
    char *type, size_t typelen, char *json, size_t jsonlen)
{
	struct timespec dl = clock_deadline(timeout_ms);
	int rc = 0;

	pthread_mutex_lock(&b->lock);
	if (after < b->first - 1)
		after = b->first - 1;
	for (;;) {
		if (b->closing) {
			rc = -2;
			break;
		}
		if (b->next - 1 - after > BUS_RING) {
			rc = -1;
			break;
		}
		/* Skip events this reader may not see. */
		while (after + 1 < b->next && b->ring[(after + 1) % BUS_RING].staff && !staff)
			after++;
		if (after + 1 < b->next) {
			struct bus_event *e = &b->ring[(after + 1) % BUS_RING];
			*seq = e->seq;
			snprintf(type, typelen, "%s", e->type);
			snprintf(json, jsonlen, "%s", e->json ? e->json : "{}");
			rc = 1;
			break;
		}
		if (pthread_cond_timedwait(&b->cond, &b->lock, &dl) == ETIMEDOUT) {
			*seq = after;
			rc = 0;
			break;
		}
	}
	pthread_mutex_unlock(&b->lock);
	return rc;
}

void
bus_shutdown(struct bus *b)
{
	pthread_mutex_lock(&b->lock);
	b->closing = 1;
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
}
