/*
 * sqlite_tickets: the queue's rows on SQLite (see store/store.h): tickets,
 * queue heads and waiting counts, priority and appointment streaks, day counts, day keys,
 * attestations and counters. Rows only: which ticket to call, whether a
 * service is full or a state change is allowed is the desk's business.
 *
 * Cheap however long the day: waiting_counts is kept by triggers
 * (db/003_speed.sql), day_counts by store_day_count_add, and queue heads,
 * the oldest wait and the last served tickets are index seeks.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/queue.h"
#include "core/log.h"
#include "store/sqlite_int.h"

/* -- tickets --------------------------------------------------------------- */

#define TICKET_SELECT "SELECT t.id, t.day, t.service, t.queue, t.seq, t.number, t.lang, " \
	"t.priority, t.state, t.issued_at, t.called_at, t.finished_at, t.counter, c.name, " \
	"t.agent, t.recalls, t.outcome, t.device, t.print_device, t.token, t.print_state, " \
	"t.print_reason, t.reprints, t.holder_mask, t.appointment_id, a.ext_id, a.start, " \
	"a.duration_min FROM tickets t LEFT JOIN counters c ON c.n = t.counter " \
	"LEFT JOIN appointments a ON a.id = t.appointment_id "

static void
ticket_row(sq_stmt *s, struct ticket *t)
{
	char state[16];

	memset(t, 0, sizeof *t);
	t->id = sq_col_int64(s, 0);
	sq_text(s, 1, t->day, sizeof t->day);
	t->service = sq_char(s, 2);
	t->queue = sq_char(s, 3);
	t->seq = sq_col_int(s, 4);
	sq_text(s, 5, t->number, sizeof t->number);
	sq_text(s, 6, t->lang, sizeof t->lang);
	t->priority = sq_col_int(s, 7);
	sq_text(s, 8, state, sizeof state);
	t->state = queue_state_parse(state);
	t->issued_at = sq_col_int64(s, 9);
	t->called_at = sq_col_int64(s, 10);
	t->finished_at = sq_col_int64(s, 11);
	t->counter = sq_col_int(s, 12);
	sq_text(s, 13, t->counter_name, sizeof t->counter_name);
	sq_text(s, 14, t->agent, sizeof t->agent);
	t->recalls = sq_col_int(s, 15);
	sq_text(s, 16, t->outcome, sizeof t->outcome);
	sq_text(s, 17, t->device, sizeof t->device);
	sq_text(s, 18, t->print_device, sizeof t->print_device);
	sq_text(s, 19, t->token, sizeof t->token);
	sq_text(s, 20, t->print_state, sizeof t->print_state);
	sq_text(s, 21, t->print_reason, sizeof t->print_reason);
	t->reprints = sq_col_int(s, 22);
	sq_text(s, 23, t->holder_mask, sizeof t->holder_mask);
	t->appointment = sq_col_int64(s, 24);
	sq_text(s, 25, t->appt_id, sizeof t->appt_id);
	t->appt_start = sq_col_int64(s, 26);
	t->appt_duration_min = sq_col_int(s, 27);
}

/* One ticket from a bound TICKET_SELECT statement. */
static int
load_ticket(struct store *st, sq_stmt *s, struct ticket *out)
{
	int rc = sq_row(st, s, "cannot read a ticket");

	if (rc == 1) {
		ticket_row(s, out);
		sq_done(s);
		return ST_OK;
	}
	return rc == 0 ? ST_NOTFOUND : ST_ERR;
}

int
store_ticket_get(struct store *st, int64_t id, struct ticket *out)
{
	return load_ticket(st, sq_bind(st, TICKET_SELECT "WHERE t.id = ?", "i", id), out);
}

int
store_ticket_by_number(struct store *st, const char *day, const char *number,
    struct ticket *out)
{
	return load_ticket(st, sq_bind(st, TICKET_SELECT "WHERE t.day = ? AND t.number = ?", "ss",
	    day, number), out);
}

int
store_ticket_of_holder(struct store *st, const char *day, char service,
    const unsigned char hash[32], struct ticket *out)
{
	return load_ticket(st, sq_bind(st, TICKET_SELECT "WHERE t.day = ? AND t.service = ? AND "
	    "t.holder_hash = ? AND t.state IN ('waiting', 'called')", "scb", day, service, hash), out);
}

int
store_ticket_at_counter(struct store *st, int counter, struct ticket *out)
{
	return load_ticket(st, sq_bind(st, TICKET_SELECT "WHERE t.counter = ? AND t.state = 'called' "
	    "ORDER BY t.called_at DESC LIMIT 1", "i", (int64_t)counter), out);
}

int
store_ticket_holder_is(struct store *st, int64_t id, const unsigned char hash[32])
{
	sq_stmt *s = sq_bind(st, "SELECT holder_hash FROM tickets WHERE id = ?", "i", id);
	int rc = sq_row(st, s, "cannot read a ticket"), match;
	unsigned char got[32];

	if (rc <= 0)
		return rc == 0 ? ST_NOTFOUND : ST_ERR;
	match = sq_col_blob32(s, 0, got) && sodium_memcmp(got, hash, 32) == 0;
	sodium_memzero(got, sizeof got);
	sq_done(s);
	return match;
}

int
store_ticket_next(struct store *st, const char *day, char service, int64_t *id, int *seq)
{
	sq_stmt *s = sq_bind(st, "SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM tickets), "
	    "(SELECT COALESCE(MAX(seq), 0) FROM tickets WHERE day = ? AND service = ?)", "sc", day,
	    service);

	if (sq_row(st, s, "cannot number a ticket") != 1)
		return ST_ERR;
	*id = sq_col_int64(s, 0);
	*seq = sq_col_int(s, 1);
	sq_done(s);
	return ST_OK;
}

int
store_ticket_insert(struct store *st, const struct ticket *t, const unsigned char *holder_hash)
{
	return sq_exec(st, sq_bind(st, "INSERT INTO tickets (id, day, service, seq, number, queue, "
	    "lang, priority, state, issued_at, called_at, finished_at, counter, agent, recalls, "
	    "outcome, device, token, print_state, print_reason, reprints, holder_hash, holder_mask, "
	    "print_device, appointment_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	    "isciscsisiIIISiSsssSibSSI", t->id, t->day, t->service, (int64_t)t->seq, t->number,
	    t->queue, t->lang, (int64_t)(t->priority != 0), queue_state_name(t->state), t->issued_at,
	    t->called_at, t->finished_at, (int64_t)t->counter, t->agent, (int64_t)t->recalls,
	    t->outcome, t->device, t->token, t->print_state[0] ? t->print_state : "pending",
	    t->print_reason, (int64_t)t->reprints, holder_hash, t->holder_mask, t->print_device,
	    t->appointment),
	    "cannot store a ticket");
}

/* After a guarded update: ST_OK if it changed the row, else why not. */
static int
guarded(struct store *st, int64_t id)
{
	int64_t n;

	if (sq_changes(st) == 1)
		return ST_OK;
	if (sq_int(st, sq_bind(st, "SELECT COUNT(*) FROM tickets WHERE id = ?", "i", id), 0, &n,
	    "cannot read a ticket"))
		return ST_ERR;
	return n ? ST_CONFLICT : ST_NOTFOUND;
}

int
store_ticket_update(struct store *st, const struct ticket *t, int from_state)
{
	if (sq_exec(st, sq_bind(st, "UPDATE tickets SET queue = ?, state = ?, called_at = ?, "
	    "finished_at = ?, counter = ?, agent = ?, recalls = ?, outcome = ? "
	    "WHERE id = ? AND state = ?", "csIIISiSis", t->queue, queue_state_name(t->state),
	    t->called_at, t->finished_at, (int64_t)t->counter, t->agent, (int64_t)t->recalls,
	    t->outcome, t->id, queue_state_name(from_state)), "cannot update a ticket"))
		return ST_ERR;
	return guarded(st, t->id);
}

int
store_ticket_slip(struct store *st, const struct ticket *t)
{
	if (sq_exec(st, sq_bind(st, "UPDATE tickets SET token = ?, print_state = ?, "
	    "print_reason = ?, print_device = ?, reprints = ? WHERE id = ? AND state = ?", "ssSSiis",
	    t->token, t->print_state[0] ? t->print_state : "pending", t->print_reason,
	    t->print_device, (int64_t)t->reprints, t->id, queue_state_name(t->state)),
	    "cannot update a ticket"))
		return ST_ERR;
	return guarded(st, t->id);
}

/* -- queues ----------------------------------------------------------------- */

int64_t
store_queue_head(struct store *st, const char *day, char queue, int priority, int64_t now)
{
	int64_t id;

	/* The walk-in lane by issue time; an appointment ticket waits in it
	 * until its start, then it is store_appt_head's. The index gives the
	 * order; the appointment's start is one primary-key look-up for the
	 * few appointment tickets on the way. */
	if (sq_int(st, sq_bind(st, "SELECT t.id FROM tickets t LEFT JOIN appointments a ON "
	    "a.id = t.appointment_id WHERE t.day = ? AND t.queue = ? AND t.state = 'waiting' AND "
	    "t.priority = ? AND (a.id IS NULL OR a.start > ?) ORDER BY t.issued_at, t.id LIMIT 1",
	    "scii", day, queue, (int64_t)(priority != 0), now), 0, &id, "cannot read a queue"))
		return ST_ERR;
	return id;
}

int64_t
store_appt_head(struct store *st, const char *day, char queue, int64_t now)
{
	int64_t id;

	/* INDEXED BY: without statistics the planner would walk the whole
	 * queue by tickets_waiting; this partial index holds only the
	 * waiting appointment tickets (db/014), a handful per queue. */
	if (sq_int(st, sq_bind(st, "SELECT t.id FROM tickets t INDEXED BY tickets_appt_waiting "
	    "JOIN appointments a ON a.id = t.appointment_id WHERE t.day = ? AND t.queue = ? AND "
	    "t.state = 'waiting' AND t.appointment_id IS NOT NULL AND a.start <= ? "
	    "ORDER BY a.start, t.issued_at, t.id LIMIT 1", "sci", day, queue, now), 0, &id, "cannot read a queue"))
		return ST_ERR;
	return id;
}

int
store_queue_figures(struct store *st, const char *day, char queue, struct queue_figures *out)
{
	/* instr(), not LIKE: SQLite prepares a LIKE with a bound pattern again
	 * whenever the pattern changes, and this runs for every ticket. */
	sq_stmt *s = sq_bind(st, "SELECT "
	    "COALESCE((SELECT n FROM waiting_counts WHERE day = ?1 AND queue = ?2 AND priority = 0), 0), "
	    "COALESCE((SELECT n FROM waiting_counts WHERE day = ?1 AND queue = ?2 AND priority = 1), 0), "
	    "(SELECT COUNT(*) FROM counters WHERE active = 1 AND state = 'open' AND "
	    "instr(services, ?2) > 0), "
	    "COALESCE((SELECT mean_s FROM service_times WHERE day = ?1 AND queue = ?2), 0)",
	    "sc", day, queue);

	memset(out, 0, sizeof *out);
	if (sq_row(st, s, "cannot read a queue") != 1)
		return ST_ERR;
	out->waiting[0] = sq_col_int(s, 0);
	out->waiting[1] = sq_col_int(s, 1);
	out->open_counters = sq_col_int(s, 2);
	out->service_s = sq_col_int(s, 3);
	sq_done(s);
	return ST_OK;
}

int
store_waiting_counts(struct store *st, const char *day, int counts[26][2])
{
	sq_stmt *s = sq_bind(st, "SELECT queue, priority, n FROM waiting_counts WHERE day = ? "
	    "AND n > 0", "s", day);
	int rc;

	memset(counts, 0, 26 * sizeof counts[0]);
	while ((rc = sq_row(st, s, "cannot read the queues")) == 1) {
		int k = sq_char(s, 0) - 'A', p = sq_col_int(s, 1) != 0;
		if (k >= 0 && k < 26)
			counts[k][p] = sq_col_int(s, 2);
	}
	if (rc < 0)
		return ST_ERR;
	if (s)
		sq_done(s);
	return ST_OK;
}

int
store_ahead_of(struct store *st, const struct ticket *t)
{
	int64_t n;

	/* Two index ranges: any higher priority, then the same priority
	 * issued before (ties broken by id, as the queue heads are). */
	if (sq_int(st, sq_bind(st, "SELECT (SELECT COUNT(*) FROM tickets WHERE day = ?1 AND "
	    "queue = ?2 AND state = 'waiting' AND priority > ?3) + (SELECT COUNT(*) FROM tickets "
	    "WHERE day = ?1 AND queue = ?2 AND state = 'waiting' AND priority = ?3 AND "
	    "issued_at <= ?4 AND (issued_at < ?4 OR id < ?5))", "sciii", t->day, t->queue,
	    (int64_t)(t->priority != 0), t->issued_at, t->id), 0, &n, "cannot read a queue"))
		return ST_ERR;
	return (int)n;
}

int
store_appt_ahead(struct store *st, const struct ticket *t)
{
	int64_t n;

	if (sq_int(st, sq_bind(st, "SELECT COUNT(*) FROM tickets t INDEXED BY tickets_appt_waiting "
	    "JOIN appointments a ON a.id = t.appointment_id WHERE t.day = ?1 AND t.queue = ?2 AND "
	    "t.state = 'waiting' AND t.appointment_id IS NOT NULL AND (a.start < ?3 OR "
	    "(a.start = ?3 AND (t.issued_at < ?4 OR (t.issued_at = ?4 AND t.id < ?5))))", "sciii",
	    t->day, t->queue, t->appt_start, t->issued_at, t->id), 0, &n, "cannot read a queue"))
		return ST_ERR;
	return (int)n;
}

int64_t
store_oldest_waiting(struct store *st, const char *day, char queue)
{
	int64_t at;

	/* Two index seeks (one per priority value) rather than a scan. */
	if (sq_int(st, sq_bind(st, "SELECT MIN(x) FROM (SELECT MIN(issued_at) AS x FROM tickets "
	    "WHERE day = ?1 AND queue = ?2 AND state = 'waiting' AND priority = 0 UNION ALL "
	    "SELECT MIN(issued_at) FROM tickets WHERE day = ?1 AND queue = ?2 AND state = "
	    "'waiting' AND priority = 1) AS heads", "sc", day, queue), 0, &at, "cannot read a queue"))
		return ST_ERR;
	return at;
}

int
store_service_time(struct store *st, const char *day, char queue, int *served)
{
	sq_stmt *s = sq_bind(st, "SELECT mean_s, n FROM service_times WHERE day = ? AND "
	    "queue = ?", "sc", day, queue);
	int rc = sq_row(st, s, "cannot read service times"), mean = 0;

	if (served)
		*served = 0;
	if (rc < 0)
		return ST_ERR;
	if (rc == 1) {
		mean = sq_col_int(s, 0);
		if (served)
			*served = sq_col_int(s, 1);
		sq_done(s);
	}
	return mean;
}

int
store_service_time_set(struct store *st, const char *day, char queue, int mean_s, int served)
{
	return sq_exec(st, sq_bind(st, "INSERT INTO service_times (day, queue, mean_s, n) "
	    "VALUES (?, ?, ?, ?) ON CONFLICT (day, queue) DO UPDATE SET mean_s = excluded.mean_s, "
	    "n = excluded.n", "scii", day, queue, (int64_t)mean_s, (int64_t)served),
	    "cannot store service times");
}

/*
 * Open tickets of past days (and of `day` itself with with_day), found
 * without an index on every ticket's state: the waiting ones through the
 * waiting counts (kept by triggers) and the days that have some, the called
 * ones through the small index of called tickets (named: SQLite's planner
 * would rather range over the whole history by day). The check runs every
 * minute; closing, once a day.
 */
int
store_tickets_to_close(struct store *st, const char *day, int with_day)
{
	int64_t n;

	if (sq_int(st, sq_bind(st, with_day ?
	    "SELECT (SELECT COALESCE(SUM(n), 0) FROM waiting_counts WHERE day <= ?1) + "
	    "(SELECT COUNT(*) FROM tickets INDEXED BY tickets_called WHERE state = 'called' AND "
	    "day <= ?1)" :
	    "SELECT (SELECT COALESCE(SUM(n), 0) FROM waiting_counts WHERE day < ?1) + "
	    "(SELECT COUNT(*) FROM tickets INDEXED BY tickets_called WHERE state = 'called' AND "
	    "day < ?1)",
	    "s", day), 0, &n, "cannot close the day"))
		return ST_ERR;
	return (int)n;
}

int
store_open_in_queue(struct store *st, const char *day, char queue)
{
	int64_t n;

	if (sq_int(st, sq_bind(st, "SELECT COUNT(*) FROM tickets WHERE day = ? AND queue = ? AND "
	    "state IN ('waiting', 'called')", "sc", day, queue), 0, &n, "cannot read a queue"))
		return ST_ERR;
	return (int)n;
}

/* The four statements of a close: events, then states; waiting, then called. */
static const char *const close_sql[2][4] = {
	{ "INSERT INTO events (at, day, kind, ticket, service, counter) SELECT ?1, day, "
	  "'not_served', id, queue, counter FROM tickets WHERE state = 'waiting' AND day IN "
	  "(SELECT day FROM waiting_counts WHERE n > 0 AND day < ?2)",
	  "INSERT INTO events (at, day, kind, ticket, service, counter) SELECT ?1, day, "
	  "'not_served', id, queue, counter FROM tickets INDEXED BY tickets_called WHERE state = "
	  "'called' AND day < ?2",
	  "UPDATE tickets SET state = 'not_served', finished_at = ?1 WHERE state = 'waiting' AND "
	  "day IN (SELECT day FROM waiting_counts WHERE n > 0 AND day < ?2)",
	  "UPDATE tickets INDEXED BY tickets_called SET state = 'not_served', finished_at = ?1 "
	  "WHERE state = 'called' AND day < ?2" },
	{ "INSERT INTO events (at, day, kind, ticket, service, counter) SELECT ?1, day, "
	  "'not_served', id, queue, counter FROM tickets WHERE state = 'waiting' AND day IN "
	  "(SELECT day FROM waiting_counts WHERE n > 0 AND day <= ?2)",
	  "INSERT INTO events (at, day, kind, ticket, service, counter) SELECT ?1, day, "
	  "'not_served', id, queue, counter FROM tickets INDEXED BY tickets_called WHERE state = "
	  "'called' AND day <= ?2",
	  "UPDATE tickets SET state = 'not_served', finished_at = ?1 WHERE state = 'waiting' AND "
	  "day IN (SELECT day FROM waiting_counts WHERE n > 0 AND day <= ?2)",
	  "UPDATE tickets INDEXED BY tickets_called SET state = 'not_served', finished_at = ?1 "
	  "WHERE state = 'called' AND day <= ?2" },
};

int
store_tickets_close(struct store *st, const char *day, int with_day, int64_t now)
{
	const char *const *q = close_sql[with_day != 0];
	int i, n = 0;

	for (i = 0; i < 4; i++) {
		if (sq_exec(st, sq_bind(st, q[i], "is", now, day), "cannot close the day"))
			return ST_ERR;
		if (i < 2)
			n += sq_changes(st);
	}
	return n;
}

int
store_streaks_get(struct store *st, const char *day, char service, struct streaks *out)
{
	sq_stmt *s = sq_bind(st, "SELECT streak, appt_streak FROM streaks WHERE day = ? AND "
	    "service = ?", "sc", day, service);
	int rc = sq_row(st, s, "cannot read a streak");

	memset(out, 0, sizeof *out);
	if (rc < 0)
		return ST_ERR;
	if (rc == 1) {
		out->priority = sq_col_int(s, 0);
		out->appointment = sq_col_int(s, 1);
		sq_done(s);
	}
	return ST_OK;
}

int
store_streaks_set(struct store *st, const char *day, char service, const struct streaks *v)
{
	return sq_exec(st, sq_bind(st, "INSERT INTO streaks (day, service, streak, appt_streak) "
	    "VALUES (?,?,?,?) ON CONFLICT (day, service) DO UPDATE SET streak = excluded.streak, "
	    "appt_streak = excluded.appt_streak", "scii", day, service, (int64_t)v->priority,
	    (int64_t)v->appointment), "cannot store a streak");
}

/* -- day counts and keys ------------------------------------------------------ */

int
store_day_count_get(struct store *st, const char *day, char service, struct day_count *out)
{
	sq_stmt *s = sq_bind(st, "SELECT ordinary, priority, attestations, prints, "
	    "appointments FROM day_counts WHERE day = ? AND service = ?", "sc", day, service);
	int rc = sq_row(st, s, "cannot read the day's counts");

	memset(out, 0, sizeof *out);
	if (rc < 0)
		return ST_ERR;
	if (rc == 1) {
		out->ordinary = sq_col_int(s, 0);
		out->priority = sq_col_int(s, 1);
		out->attestations = sq_col_int(s, 2);
		out->prints = sq_col_int(s, 3);
		out->appointments = sq_col_int(s, 4);
		sq_done(s);
	}
	return ST_OK;
}

int
store_day_count_add(struct store *st, const char *day, char service, enum day_count_field f)
{
	static const char *const sql[] = {
		[DC_ORDINARY] = "INSERT INTO day_counts (day, service, ordinary) VALUES (?, ?, 1) "
		    "ON CONFLICT (day, service) DO UPDATE SET ordinary = day_counts.ordinary + 1",
		[DC_PRIORITY] = "INSERT INTO day_counts (day, service, priority) VALUES (?, ?, 1) "
		    "ON CONFLICT (day, service) DO UPDATE SET priority = day_counts.priority + 1",
		[DC_ATTESTATIONS] = "INSERT INTO day_counts (day, service, attestations) VALUES "
		    "(?, ?, 1) ON CONFLICT (day, service) DO UPDATE SET attestations = "
		    "day_counts.attestations + 1",
		[DC_PRINTS] = "INSERT INTO day_counts (day, service, prints) VALUES (?, ?, 1) "
		    "ON CONFLICT (day, service) DO UPDATE SET prints = day_counts.prints + 1",
		[DC_APPOINTMENTS] = "INSERT INTO day_counts (day, service, appointments) VALUES "
		    "(?, ?, 1) ON CONFLICT (day, service) DO UPDATE SET appointments = "
		    "day_counts.appointments + 1",
	};

	expect((unsigned)f < sizeof sql / sizeof sql[0]);
	return sq_exec(st, sq_bind(st, sql[f], "sc", day, service), "cannot count a slip");
}

int
store_day_slips(struct store *st, const char *day, int64_t *printed, int64_t *issued)
{
	sq_stmt *s = sq_bind(st, "SELECT COALESCE(SUM(prints), 0), COALESCE(SUM(ordinary + "
	    "priority + attestations + appointments), 0) FROM day_counts WHERE day = ?", "s", day);
	int rc = sq_row(st, s, "cannot read the day's counts");

	*printed = *issued = 0;
	if (rc < 0)
		return ST_ERR;
	if (rc == 1) {
		*printed = sq_col_int64(s, 0);
		*issued = sq_col_int64(s, 1);
		sq_done(s);
	}
	return ST_OK;
}

/* The stored key of a day: ST_OK, ST_NOTFOUND or ST_ERR. */
static int
read_day_key(struct store *st, const char *day, unsigned char key[32])
{
	sq_stmt *s = sq_bind(st, "SELECT key FROM day_keys WHERE day = ?", "s", day);
	int rc = sq_row(st, s, "cannot read the day key");

	if (rc <= 0)
		return rc == 0 ? ST_NOTFOUND : ST_ERR;
	rc = sq_col_blob32(s, 0, key) ? ST_OK : ST_NOTFOUND;
	sq_done(s);
	return rc;
}

int
store_day_key(struct store *st, const char *day, int create, unsigned char key[32])
{
	unsigned char fresh[32];
	int rc = read_day_key(st, day, key);

	if (rc != ST_NOTFOUND || !create)
		return rc;
	randombytes_buf(fresh, sizeof fresh);
	rc = sq_exec(st, sq_bind(st, "INSERT INTO day_keys (day, key) VALUES (?, ?) "
	    "ON CONFLICT (day) DO NOTHING", "sb", day, fresh), "cannot store the day key");
	sodium_memzero(fresh, sizeof fresh);
	return rc == ST_OK ? read_day_key(st, day, key) : ST_ERR;
}

/* -- attestations --------------------------------------------------------------- */

int64_t
store_attestation_next_id(struct store *st)
{
	int64_t v;

	if (sq_int(st, sq_prepare(st, "SELECT COALESCE(MAX(id), 0) + 1 FROM attestations"), 1, &v,
	    "cannot number an attestation"))
		return ST_ERR;
	return v;
}

int
store_attestation_insert(struct store *st, const struct attestation *a)
{
	return sq_exec(st, sq_bind(st, "INSERT INTO attestations (id, day, service, issued_at, "
	    "device, lang, outcome, attempt, first_date, weeks, token, appointment_id) VALUES "
	    "(?,?,?,?,?,?,?,?,?,?,?,?)", "iscisssisisI", a->id, a->day, a->service, a->issued_at,
	    a->device, a->lang, a->outcome, (int64_t)a->attempt, a->first_date, (int64_t)a->weeks,
	    a->token, a->appointment),
	    "cannot store an attestation");
}

int
store_attestation_get(struct store *st, int64_t id, const char *device, struct attestation *out)
{
	sq_stmt *s = device ?
	    sq_bind(st, "SELECT id, day, service, issued_at, device, lang, outcome, attempt, "
	    "first_date, weeks, token, appointment_id FROM attestations WHERE id = ? AND "
	    "device = ?", "is", id, device) :
	    sq_bind(st, "SELECT id, day, service, issued_at, device, lang, outcome, attempt, "
	    "first_date, weeks, token, appointment_id FROM attestations WHERE id = ?", "i", id);
	int rc = sq_row(st, s, "cannot read an attestation");

	if (rc <= 0)
		return rc == 0 ? ST_NOTFOUND : ST_ERR;
	memset(out, 0, sizeof *out);
	out->id = sq_col_int64(s, 0);
	sq_text(s, 1, out->day, sizeof out->day);
	out->service = sq_char(s, 2);
	out->issued_at = sq_col_int64(s, 3);
	sq_text(s, 4, out->device, sizeof out->device);
	sq_text(s, 5, out->lang, sizeof out->lang);
	sq_text(s, 6, out->outcome, sizeof out->outcome);
	out->attempt = sq_col_int(s, 7);
	sq_text(s, 8, out->first_date, sizeof out->first_date);
	out->weeks = sq_col_int(s, 9);
	sq_text(s, 10, out->token, sizeof out->token);
	out->appointment = sq_col_int64(s, 11);
	sq_done(s);
	return ST_OK;
}

int
store_attestation_printed(struct store *st, int64_t id, const char *status, const char *reason)
{
	if (sq_exec(st, sq_bind(st, "UPDATE attestations SET print_state = ?, print_reason = ? "
	    "WHERE id = ?", "sSi", status, reason, id), "cannot record printing"))
		return ST_ERR;
	return sq_changes(st) ? ST_OK : ST_NOTFOUND;
}

/* -- counters ---------------------------------------------------------------------- */

static void
counter_row(sq_stmt *s, struct counter_row *c)
{
	memset(c, 0, sizeof *c);
	c->n = sq_col_int(s, 0);
	sq_text(s, 1, c->name, sizeof c->name);
	sq_text(s, 2, c->services, sizeof c->services);
	sq_text(s, 3, c->state, sizeof c->state);
}

int
store_counter_get(struct store *st, int n, struct counter_row *out)
{
	sq_stmt *s = sq_bind(st, "SELECT n, name, services, state FROM counters WHERE n = ? "
	    "AND active = 1", "i", (int64_t)n);
	int rc = sq_row(st, s, "cannot read a counter");

	if (rc <= 0)
		return rc == 0 ? ST_NOTFOUND : ST_ERR;
	counter_row(s, out);
	sq_done(s);
	return ST_OK;
}

int
store_counter_list(struct store *st, struct counter_row *out, int max)
{
	sq_stmt *s = sq_prepare(st, "SELECT n, name, services, state FROM counters "
	    "WHERE active = 1 ORDER BY n");
	int n = 0, rc = 0;

	if (s)
		sq_done(s);
	while (n < max && (rc = sq_row(st, s, "cannot read the counters")) == 1)
		counter_row(s, &out[n++]);
	if (n < max && rc < 0)
		return ST_ERR;
	if (s)
		sq_done(s);
	return n;
}

int
store_counter_set_state(struct store *st, int n, const char *state)
{
	if (sq_exec(st, sq_bind(st, "UPDATE counters SET state = ? WHERE n = ? AND active = 1", "si",
	    state, (int64_t)n), "cannot change a counter"))
		return ST_ERR;
	return sq_changes(st) ? ST_OK : ST_NOTFOUND;
}
