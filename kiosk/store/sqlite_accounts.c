/*
 * sqlite_accounts: who and what is configured, on SQLite (see
 * store/store.h): the site (services, their names, counters), users,
 * devices and credentials. Rows only: checking a password, making a
 * secret or deciding who may do what is the desk's business; the store
 * keeps the hashes it is given.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"

/* -- site --------------------------------------------------------------------- */

/* Seven "HHMM-HHMM" or "closed", Sunday first. */
static void
hours_text(const struct site *s, char *out, size_t len)
{
	size_t off = 0;
	int d;

	out[0] = '\0';
	for (d = 0; d < 7 && off < len; d++) {
		const struct site_hours *h = &s->hours[d];
		if (h->open_min < 0)
			off += (size_t)snprintf(out + off, len - off, "%sclosed", d ? " " : "");
		else
			off += (size_t)snprintf(out + off, len - off, "%s%02d%02d-%02d%02d",
			    d ? " " : "", h->open_min / 60, h->open_min % 60, h->close_min / 60,
			    h->close_min % 60);
	}
}

static int
site_services_put(struct store *st, const struct site *s)
{
	int i, j;

	for (i = 0; i < s->nservices; i++) {
		const struct site_service *sv = &s->services[i];
		if (sq_exec(st, sq_bind(st, "INSERT INTO services (code, name, capacity, "
		    "priority_reserve, bind_holder, position, appointments, convocations, "
		    "convocation_days, convocation_window, draw_open, draw_close, active) VALUES "
		    "(?,?,?,?,?,?,?,?,?,?,?,?,1) ON CONFLICT (code) DO UPDATE SET name = "
		    "excluded.name, capacity = excluded.capacity, priority_reserve = "
		    "excluded.priority_reserve, bind_holder = excluded.bind_holder, position = "
		    "excluded.position, appointments = excluded.appointments, convocations = "
		    "excluded.convocations, convocation_days = excluded.convocation_days, "
		    "convocation_window = excluded.convocation_window, draw_open = "
		    "excluded.draw_open, draw_close = excluded.draw_close, active = 1",
		    "csiiiiiiiiii",
		    sv->code, sv->name, (int64_t)sv->capacity, (int64_t)sv->priority_reserve,
		    (int64_t)sv->bind_holder, (int64_t)i, (int64_t)sv->appointments,
		    (int64_t)sv->convocations, (int64_t)sv->convocation_days,
		    (int64_t)sv->convocation_window, (int64_t)sv->draw_open_min,
		    (int64_t)sv->draw_close_min),
		    "cannot store the site"))
			return ST_ERR;
		for (j = 0; j < sv->nnames; j++)
			if (sq_exec(st, sq_bind(st, "INSERT INTO service_names (code, lang, name) "
			    "VALUES (?,?,?)", "css", sv->code, sv->names[j].lang, sv->names[j].name),
			    "cannot store the site"))
				return ST_ERR;
	}
	for (i = 0; i < s->ncounters; i++) {
		const struct site_counter *c = &s->counters[i];
		if (sq_exec(st, sq_bind(st, "INSERT INTO counters (n, name, services, active) "
		    "VALUES (?,?,?,1) ON CONFLICT (n) DO UPDATE SET name = excluded.name, "
		    "services = excluded.services, active = 1", "iss", (int64_t)c->n, c->name,
		    c->services), "cannot store the site"))
			return ST_ERR;
	}
	return ST_OK;
}

int
store_site_put(struct store *st, const struct site *s)
{
	static const char *const metrics[] = { "off", "public", "token" };
	char hours[128], alerts[80], privacy[40], appt[48];

	hours_text(s, hours, sizeof hours);
	snprintf(alerts, sizeof alerts, "%d %d %d %d %d %d", s->alerts.burst_per_minute,
	    s->alerts.holder_refusals, s->alerts.outside_hours, s->alerts.reprints_per_hour,
	    s->alerts.paper_ratio, s->alerts.checkin_guesses);
	snprintf(privacy, sizeof privacy, "%d %d", s->privacy.events_months, s->privacy.holder_days);
	snprintf(appt, sizeof appt, "%d %d %s %d", s->appt.checkin_before, s->appt.checkin_after,
	    s->appt.late == SITE_LATE_ATTESTATION ? "attestation" : "walkin",
	    s->appt.appointment_streak);
	if (sq_exec(st, sq_bind(st, "INSERT INTO site (one, site_id, name, tz, hours, max_recalls, "
	    "priority_streak, reprint_limit, default_service_s, tls_cert, tls_key, alerts, privacy, "
	    "metrics, metrics_token_hash, appointments, webhook_secret, rdv_services) "
	    "VALUES (1,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (one) DO UPDATE SET site_id = "
	    "excluded.site_id, name = excluded.name, tz = excluded.tz, hours = excluded.hours, "
	    "max_recalls = excluded.max_recalls, priority_streak = excluded.priority_streak, "
	    "reprint_limit = excluded.reprint_limit, default_service_s = excluded.default_service_s, "
	    "tls_cert = excluded.tls_cert, tls_key = excluded.tls_key, alerts = excluded.alerts, "
	    "privacy = excluded.privacy, metrics = excluded.metrics, "
	    "metrics_token_hash = excluded.metrics_token_hash, appointments = "
	    "excluded.appointments, webhook_secret = excluded.webhook_secret, rdv_services = "
	    "excluded.rdv_services", "ssssiiiisssssssss",
	    s->id, s->name, s->tz, hours, (int64_t)s->max_recalls, (int64_t)s->priority_streak,
	    (int64_t)s->reprint_limit, (int64_t)s->default_service_s, s->tls_cert, s->tls_key, alerts,
	    privacy, metrics[s->metrics], s->metrics_token_hash, appt, s->appt.webhook_secret,
	    s->appt.rdv_services),
	    "cannot store the site") ||
	    sq_exec(st, sq_prepare(st, "UPDATE services SET active = 0"), "cannot store the site") ||
	    sq_exec(st, sq_prepare(st, "DELETE FROM service_names"), "cannot store the site") ||
	    sq_exec(st, sq_prepare(st, "UPDATE counters SET active = 0"), "cannot store the site"))
		return ST_ERR;
	return site_services_put(st, s);
}

/* The site row's fields (without services and counters). */
static void
site_fields(sq_stmt *s, struct site *out)
{
	char text[128], *tok, *save = NULL;
	int d;

	sq_text(s, 0, out->id, sizeof out->id);
	sq_text(s, 1, out->name, sizeof out->name);
	sq_text(s, 2, out->tz, sizeof out->tz);
	out->max_recalls = sq_col_int(s, 4);
	out->priority_streak = sq_col_int(s, 5);
	out->reprint_limit = sq_col_int(s, 6);
	out->default_service_s = sq_col_int(s, 7);
	sq_text(s, 8, out->tls_cert, sizeof out->tls_cert);
	sq_text(s, 9, out->tls_key, sizeof out->tls_key);
	sq_text(s, 10, text, sizeof text);
	sscanf(text, "%d %d %d %d %d %d", &out->alerts.burst_per_minute,
	    &out->alerts.holder_refusals, &out->alerts.outside_hours, &out->alerts.reprints_per_hour,
	    &out->alerts.paper_ratio, &out->alerts.checkin_guesses);
	sq_text(s, 11, text, sizeof text);
	sscanf(text, "%d %d", &out->privacy.events_months, &out->privacy.holder_days);
	sq_text(s, 12, text, sizeof text);
	out->metrics = !strcmp(text, "public") ? SITE_METRICS_PUBLIC :
	    !strcmp(text, "token") ? SITE_METRICS_TOKEN : SITE_METRICS_OFF;
	sq_text(s, 13, out->metrics_token_hash, sizeof out->metrics_token_hash);
	sq_text(s, 14, text, sizeof text);
	{
		char late[16] = "";
		/* "checkin_before checkin_after late appointment_streak" (db/014
		 * added the streak; 3 if a row lacks it). */
		out->appt.appointment_streak = 3;
		sscanf(text, "%d %d %15s %d", &out->appt.checkin_before, &out->appt.checkin_after, late,
		    &out->appt.appointment_streak);
		out->appt.late = !strcmp(late, "attestation") ? SITE_LATE_ATTESTATION :
		    SITE_LATE_WALKIN;
	}
	sq_text(s, 15, out->appt.webhook_secret, sizeof out->appt.webhook_secret);
	sq_text(s, 16, out->appt.rdv_services, sizeof out->appt.rdv_services);
	sq_text(s, 3, text, sizeof text);
	for (d = 0, tok = strtok_r(text, " ", &save); d < 7; d++, tok = strtok_r(NULL, " ", &save)) {
		int a, b, c, e;
		out->hours[d].open_min = out->hours[d].close_min = -1;
		if (tok && sscanf(tok, "%2d%2d-%2d%2d", &a, &b, &c, &e) == 4) {
			out->hours[d].open_min = a * 60 + b;
			out->hours[d].close_min = c * 60 + e;
		}
	}
}

/* Services with their names, and counters. */
static int
site_lists(struct store *st, struct site *out)
{
	sq_stmt *s = sq_prepare(st, "SELECT code, name, capacity, priority_reserve, bind_holder, "
	    "appointments, convocations, convocation_days, convocation_window, draw_open, "
	    "draw_close FROM services WHERE active = 1 ORDER BY position");
	int rc = 0;

	if (s)
		sq_done(s);
	while (out->nservices < SITE_MAX_SERVICES &&
	    (rc = sq_row(st, s, "cannot read the site")) == 1) {
		struct site_service *sv = &out->services[out->nservices++];
		sv->code = sq_char(s, 0);
		sq_text(s, 1, sv->name, sizeof sv->name);
		sv->capacity = sq_col_int(s, 2);
		sv->priority_reserve = sq_col_int(s, 3);
		sv->bind_holder = sq_col_int(s, 4);
		sv->appointments = sq_col_int(s, 5);
		sv->convocations = sq_col_int(s, 6);
		sv->convocation_days = sq_col_int(s, 7);
		sv->convocation_window = sq_col_int(s, 8);
		sv->draw_open_min = sq_col_int(s, 9);
		sv->draw_close_min = sq_col_int(s, 10);
	}
	if (rc < 0)
		return ST_ERR;
	if (s)
		sq_done(s);
	s = sq_prepare(st, "SELECT code, lang, name FROM service_names ORDER BY code, lang");
	rc = 0;
	while ((rc = sq_row(st, s, "cannot read the site")) == 1) {
		/* site_service() answers const: the site is ours to fill. */
		struct site_service *sv = (struct site_service *)site_service(out, sq_char(s, 0));
		if (sv && sv->nnames < SITE_MAX_NAMES) {
			sq_text(s, 1, sv->names[sv->nnames].lang, sizeof sv->names[0].lang);
			sq_text(s, 2, sv->names[sv->nnames].name, sizeof sv->names[0].name);
			sv->nnames++;
		}
	}
	if (rc < 0)
		return ST_ERR;
	s = sq_prepare(st, "SELECT n, name, services FROM counters WHERE active = 1 ORDER BY n");
	rc = 0;
	while (out->ncounters < SITE_MAX_COUNTERS &&
	    (rc = sq_row(st, s, "cannot read the site")) == 1) {
		struct site_counter *c = &out->counters[out->ncounters++];
		c->n = sq_col_int(s, 0);
		sq_text(s, 1, c->name, sizeof c->name);
		sq_text(s, 2, c->services, sizeof c->services);
	}
	if (rc < 0)
		return ST_ERR;
	if (s)
		sq_done(s);
	return ST_OK;
}

int
store_site_get(struct store *st, struct site *out)
{
	sq_stmt *s = sq_prepare(st, "SELECT site_id, name, tz, hours, max_recalls, "
	    "priority_streak, reprint_limit, default_service_s, tls_cert, tls_key, alerts, privacy, "
	    "metrics, metrics_token_hash, appointments, webhook_secret, rdv_services FROM site");
	int rc;

	memset(out, 0, sizeof *out);
	if (s)
		sq_done(s);
	if ((rc = sq_row(st, s, "cannot read the site")) <= 0)
		return rc == 0 ? ST_NOTFOUND : ST_ERR;
	site_fields(s, out);
	sq_done(s);
	return site_lists(st, out);
}

/* -- users and devices ---------------------------------------------------------- */

int
store_user_put(struct store *st, const char *login, const char *role, const char *pwhash,
    int64_t now)
{
	return sq_exec(st, sq_bind(st, "INSERT INTO users (login, role, pwhash, created_at) "
	    "VALUES (?,?,?,?) ON CONFLICT (login) DO UPDATE SET role = excluded.role, "
	    "pwhash = excluded.pwhash, active = 1, must_change = 0", "sssi", login, role, pwhash, now),
	    "cannot store the user");
}

int
store_user_get(struct store *st, const char *login, char *pwhash, size_t hashlen, char *role)
{
	sq_stmt *s = sq_bind(st, "SELECT pwhash, role FROM users WHERE login = ? AND "
	    "active = 1", "s", login);
	int rc = sq_row(st, s, "cannot read the user");

	if (rc <= 0)
		return rc == 0 ? ST_NOTFOUND : ST_ERR;
	sq_text(s, 0, pwhash, hashlen);
	sq_text(s, 1, role, 16);
	sq_done(s);
	return ST_OK;
}

int
store_device_put(struct store *st, const char *name, int64_t now)
{
	return sq_exec(st, sq_bind(st, "INSERT INTO devices (name, created_at) VALUES (?,?) "
	    "ON CONFLICT (name) DO UPDATE SET active = 1", "si", name, now),
	    "cannot store the device");
}

int
store_device_printer_set(struct store *st, const char *name, int64_t at, const char *status,
    const char *reason, int slips, int mm)
{
	return sq_exec(st, sq_bind(st, "UPDATE devices SET printer_at = ?, printer_status = ?, "
	    "printer_reason = ?, paper_slips = paper_slips + ?, paper_mm = paper_mm + ? "
	    "WHERE name = ?", "isSiis", at, status, reason, (int64_t)slips, (int64_t)mm, name),
	    "cannot record the printer's state");
}

int
store_device_printers(struct store *st, struct device_printer *out, int max)
{
	sq_stmt *s = sq_prepare(st, "SELECT name, COALESCE(printer_at, 0), printer_status, "
	    "printer_reason FROM devices WHERE active = 1 ORDER BY name");
	int n = 0, rc;

	while ((rc = sq_row(st, s, "cannot list the kiosks")) == 1) {
		if (n < max) {
			sq_text(s, 0, out[n].name, sizeof out[n].name);
			out[n].at = sq_col_int64(s, 1);
			sq_text(s, 2, out[n].status, sizeof out[n].status);
			sq_text(s, 3, out[n].reason, sizeof out[n].reason);
			n++;
		}
	}
	return rc < 0 ? ST_ERR : n;
}

/* -- credentials ------------------------------------------------------------------ */

int
store_cred_put(struct store *st, const unsigned char hash[32], const char *kind,
    const char *owner, const char *csrf, int64_t now, int64_t expires_at)
{
	return sq_exec(st, sq_bind(st, "INSERT INTO credentials (hash, kind, owner, csrf, "
	    "created_at, expires_at) VALUES (?,?,?,?,?,?)", "bsssiI", hash, kind, owner, csrf, now,
	    expires_at), "cannot store the credential");
}

int
store_cred_get(struct store *st, const unsigned char hash[32], int64_t now, struct cred *out)
{
	sq_stmt *s = sq_bind(st, "SELECT c.kind, c.owner, COALESCE(u.role, 'device'), c.csrf, "
	    "COALESCE(u.must_change, 0) FROM credentials c "
	    "LEFT JOIN users u ON u.login = c.owner AND c.kind != 'device' "
	    "LEFT JOIN devices d ON d.name = c.owner AND c.kind = 'device' "
	    "WHERE c.hash = ? AND (c.expires_at IS NULL OR c.expires_at > ?) "
	    "AND (u.active = 1 OR d.active = 1)", "bi", hash, now);
	int rc = sq_row(st, s, "cannot check the credential");

	if (rc <= 0)
		return rc == 0 ? ST_NOTFOUND : ST_ERR;
	memset(out, 0, sizeof *out);
	sq_text(s, 0, out->kind, sizeof out->kind);
	sq_text(s, 1, out->owner, sizeof out->owner);
	sq_text(s, 2, out->role, sizeof out->role);
	sq_text(s, 3, out->csrf, sizeof out->csrf);
	out->must_change = sq_col_int(s, 4);
	sq_done(s);
	return ST_OK;
}

int
store_cred_del(struct store *st, const unsigned char hash[32])
{
	if (sq_exec(st, sq_bind(st, "DELETE FROM credentials WHERE hash = ?", "b", hash),
	    "cannot revoke the credential"))
		return ST_ERR;
	return sq_changes(st) ? ST_OK : ST_NOTFOUND;
}

int
store_cred_sweep(struct store *st, int64_t now)
{
	if (sq_exec(st, sq_bind(st, "DELETE FROM credentials WHERE expires_at IS NOT NULL AND "
	    "expires_at < ?", "i", now), "cannot sweep credentials"))
		return ST_ERR;
	return sq_changes(st);
}
