/*
 * api_events: the desk's events, published on the bus after their verb
 * committed (see api_int.h). Calls go out at once; waiting counts through
 * one thread that publishes them at most every COUNTS_MS.
 *
 * Why a thread for the counts: they change with every issue and call, and
 * computing them costs several queries. Verbs only mark them changed; a
 * burst of calls then costs one computation, and the `call` events never
 * wait behind it. The thread is woken only when the counts go from clean to
 * dirty, so a busy desk does not pay a context switch per request.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bus.h"
#include "core/clock.h"
#include "core/log.h"
#include "http/api_int.h"

#define COUNTS_MS 200

/* Publish a JSON object as an event, then free it. */
static void
publish_json(struct api *a, const char *type, cJSON *j, int staff)
{
	char *txt = json_print(j);   /* valid UTF-8, whatever a client sent */

	if (txt)
		bus_publish(a->bus, type, txt, staff);
	free(txt);
	cJSON_Delete(j);
}

static void
counts_dirty(struct api *a, int64_t now)
{
	pthread_mutex_lock(&a->counts_lock);
	if (now > a->counts_now)
		a->counts_now = now;
	if (!a->counts_dirty) {
		a->counts_dirty = 1;
		pthread_cond_signal(&a->counts_cond);
	}
	pthread_mutex_unlock(&a->counts_lock);
}

void
publish(struct api *a, const struct desk_events *ev, int64_t now)
{
	int i;

	for (i = 0; ev && i < ev->n; i++) {
		const struct desk_event *e = &ev->ev[i];
		cJSON *j;
		char buf[96];

		switch (e->kind) {
		case DE_CALL:
			j = cJSON_CreateObject();
			call_fields(j, &e->call);
			publish_json(a, "call", j, 0);
			break;
		case DE_COUNTS:
			counts_dirty(a, now);
			break;
		case DE_COUNTER:
			snprintf(buf, sizeof buf, "{\"counter\":%d,\"state\":\"%s\"}", e->counter, e->state);
			bus_publish(a->bus, "counter", buf, 1);
			break;
		case DE_ALERT:
			publish_json(a, "alert", alert_json(&e->alert), 1);
			break;
		case DE_NOTICES:
			/* The boards' notices of today, whole: a board replaces its own. */
			j = cJSON_CreateObject();
			cJSON_AddItemToObject(j, "notices", notices_public_json(a, now, NOTICE_BOARD));
			publish_json(a, "notices", j, 0);
			break;
		}
	}
}

/* Build and publish the `counts` event now. */
static void
send_counts(struct api *a, int64_t now)
{
	struct service_stat ss[SITE_MAX_SERVICES];
	char err[200];
	int n = desk_services(a->desk, now, ss, SITE_MAX_SERVICES, err, sizeof err);
	cJSON *j;

	if (n < 0) {
		log_warnx("api: counts: %s", err);
		return;
	}
	j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "services", services_json(a->site, ss, n, 0, SF_COUNTS));
	publish_json(a, "counts", j, 0);
}

static void *
counts_main(void *arg)
{
	struct api *a = arg;
	struct timespec dl;
	int64_t now;

	pthread_mutex_lock(&a->counts_lock);
	for (;;) {
		while (!a->counts_dirty && !a->counts_stop)
			pthread_cond_wait(&a->counts_cond, &a->counts_lock);
		if (a->counts_stop)
			break;
		/* Gather what else changes within the window. */
		dl = clock_deadline(COUNTS_MS);
		while (!a->counts_stop &&
		    pthread_cond_timedwait(&a->counts_cond, &a->counts_lock, &dl) != ETIMEDOUT)
			;
		a->counts_dirty = 0;
		now = a->counts_now;
		pthread_mutex_unlock(&a->counts_lock);
		send_counts(a, now);
		pthread_mutex_lock(&a->counts_lock);
	}
	pthread_mutex_unlock(&a->counts_lock);
	return NULL;
}

int
counts_start(struct api *a)
{
	if (clock_cond_init(&a->counts_cond) != 0)
		return -1;
	pthread_mutex_init(&a->counts_lock, NULL);
	if (pthread_create(&a->counts_thread, NULL, counts_main, a) != 0) {
		pthread_mutex_destroy(&a->counts_lock);
		pthread_cond_destroy(&a->counts_cond);
		return -1;
	}
	a->counts_started = 1;
	return 0;
}

void
counts_stop(struct api *a)
{
	if (!a->counts_started)
		return;      /* counts_start failed and undid itself */
	pthread_mutex_lock(&a->counts_lock);
	a->counts_stop = 1;
	pthread_cond_signal(&a->counts_cond);
	pthread_mutex_unlock(&a->counts_lock);
	pthread_join(a->counts_thread, NULL);
	pthread_cond_destroy(&a->counts_cond);
	pthread_mutex_destroy(&a->counts_lock);
}
