/*
 * admin: accounts, credentials and set-up: who may act (device keys, staff
 * tokens, browser sessions, passwords), the site, retention, the audit
 * check and backups. Secrets are 256-bit random and stored as a BLAKE2b
 * hash; passwords as argon2id. A secret is returned to the caller once.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/log.h"
#include "core/queue.h"
#include "desk/desk_int.h"

static void
secret_hash(const char *secret, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)secret, strlen(secret), NULL, 0);
}

static void
new_secret(const char *prefix, char *out, size_t len)
{
	unsigned char raw[32];
	char b64[64];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(out, len, "%s%s", prefix, b64);
	sodium_memzero(raw, sizeof raw);
}

int
desk_valid_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 40)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return 0;
	return 1;
}

/* One account verb: its arguments. */
struct acct {
	struct verb v;
	const char *login, *role, *name, *client;
	char *secret, *csrf;
	char pwhash[crypto_pwhash_STRBYTES];
	unsigned char hash[32];     /* of the secret */
	char user_role[16];         /* the user's role, read by user_tx */
	int64_t expires_at;
	struct cred *cred;
	int must_change;            /* the user's flag, read by user_tx */
};

/* -- who holds a secret -------------------------------------------------------- */

static int
identify_tx(struct store *st, void *arg)
{
	struct acct *a = arg;
	int rc = store_cred_get(st, a->hash, a->v.now, a->cred);

	return rc == ST_NOTFOUND ? verb_fail(&a->v, DK_DENIED, "unknown or expired credential") : rc;
}

int
desk_identify(struct desk *d, const char *secret, int64_t now, struct cred *out, char *err,
    size_t errlen)
{
	struct acct a = { .cred = out };

	verb_init(&a.v, d, NULL, now, NULL, err, errlen);
	secret_hash(secret, a.hash);
	return verb_read(&a.v, identify_tx, &a);
}

/* -- logging in and out ----------------------------------------------------------- */

/* A real hash of a random password, verified for unknown logins so that
 * timing does not reveal which logins exist. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
make_dummy(void)
{
	char pw[80];

	new_secret("", pw, sizeof pw);
	if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0';
}

static int
user_tx(struct store *st, void *arg)
{
	struct acct *a = arg;
	struct user_row u;
	int rc = store_user_get(st, a->login, a->pwhash, sizeof a->pwhash, a->user_role);

	if (rc != ST_OK || (rc = store_user_row(st, a->login, &u)) != ST_OK)
		return rc;
	a->must_change = u.must_change;
	return ST_OK;
}

static int
session_tx(struct store *st, void *arg)
{
	struct acct *a = arg;
	int rc;

	/* Expired sessions are swept as new ones come. */
	if ((rc = store_cred_sweep(st, a->v.now)) != ST_OK ||
	    (rc = store_cred_put(st, a->hash, a->role, a->login, a->csrf, a->v.now,
	    a->expires_at)) != ST_OK)
		return rc;
	if (strcmp(a->role, "session") == 0)
		return store_audit_add(st, a->v.now, a->login, "login", a->client ? a->client : "");
	return ST_OK;
}

int
desk_login(struct desk *d, const char *login, const char *password, const char *client,
    int64_t now, int ttl_s, char *role, int *must_change, char *secret, char *csrf, char *err,
    size_t errlen)
{
	struct acct a = { .login = login, .client = client };
	int rc;

	role[0] = '\0';
	*must_change = 0;
	verb_init(&a.v, d, NULL, now, NULL, err, errlen);
	rc = verb_read(&a.v, user_tx, &a);
	if (rc != ST_OK && rc != ST_NOTFOUND)
		return rc;
	if (rc == ST_NOTFOUND) {
		pthread_once(&dummy_once, make_dummy);
		if (crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
			log_warnx("desk: the dummy password hash matched");
		return verb_fail(&a.v, DK_DENIED, "wrong login or password");
	}
	if (crypto_pwhash_str_verify(a.pwhash, password, strlen(password)) != 0)
		return verb_fail(&a.v, DK_DENIED, "wrong login or password");
	snprintf(role, 16, "%s", a.user_role);
	*must_change = a.must_change;
	new_secret("", secret, 80);
	new_secret("", csrf, 80);
	secret_hash(secret, a.hash);
	a.role = "session";
	a.csrf = csrf;
	a.expires_at = now + ttl_s;
	return verb_write(&a.v, session_tx, &a);
}

static int
login_failed_tx(struct store *st, void *arg)
{
	struct acct *a = arg;

	return store_audit_add(st, a->v.now, a->login, "login_failed", a->client ? a->client : "");
}

int
desk_login_failed(struct desk *d, const char *login, const char *client, int64_t now)
{
	struct acct a = { .login = login, .client = client };
	char err[200];

	verb_init(&a.v, d, NULL, now, NULL, err, sizeof err);
	return verb_write(&a.v, login_failed_tx, &a);
}

struct throttled {
	struct verb v;
	const char *login, *client;
	int failures, delay_s;
};

static int
throttled_tx(struct store *st, void *arg)
{
	struct throttled *t = arg;
	char detail[160], msg[200];
	int rc;

	snprintf(detail, sizeof detail, "from %.64s after %d failures: next try in %d s", t->client,
	    t->failures, t->delay_s);
	if ((rc = store_audit_add(st, t->v.now, t->login, "login_throttled", detail)) != ST_OK)
		return rc;
	snprintf(msg, sizeof msg, "%d mots de passe faux pour « %.40s » depuis %.46s : "
	    "connexions ralenties depuis cette adresse", t->failures, t->login, t->client);
	return desk_raise_alert(&t->v, "login_throttled", t->login, msg);
}

int
desk_login_throttled(struct desk *d, const char *login, const char *client, int failures,
    int delay_s, int64_t now, struct desk_events *ev)
{
	struct throttled t = { .login = login, .client = client ? client : "",
	    .failures = failures, .delay_s = delay_s };
	char err[200];

	verb_init(&t.v, d, NULL, now, ev, err, sizeof err);
	return verb_write(&t.v, throttled_tx, &t);
}

static int
logout_tx(struct store *st, void *arg)
{
	return store_cred_del(st, ((struct acct *)arg)->hash);
}

int
desk_logout(struct desk *d, const char *secret, char *err, size_t errlen)
{
	struct acct a;

	memset(&a, 0, sizeof a);
	verb_init(&a.v, d, NULL, 0, NULL, err, errlen);
	secret_hash(secret, a.hash);
	return verb_write(&a.v, logout_tx, &a);
}

/* -- accounts ---------------------------------------------------------------------- */

static int
user_add_tx(struct store *st, void *arg)
{
	struct acct *a = arg;
	char detail[96];
	int rc;

	snprintf(detail, sizeof detail, "%s as %s", a->login, a->role);
	if ((rc = store_user_put(st, a->login, a->role, a->pwhash, a->v.now)) != ST_OK)
		return rc;
	return store_audit_add(st, a->v.now, a->v.who->name, "user_add", detail);
}

int
desk_user_add(struct desk *d, const struct desk_actor *who, const char *login, const char *role,
    const char *password, int64_t now, char *err, size_t errlen)
{
	struct acct a = { .login = login, .role = role };
	int rc;

	verb_init(&a.v, d, who, now, NULL, err, errlen);
	if (!desk_valid_name(login))
		return verb_fail(&a.v, DK_BAD, "login: 1 to 40 letters, digits, '-', '_' or '.'");
	if (strcmp(role, "agent") && strcmp(role, "manager") && strcmp(role, "admin"))
		return verb_fail(&a.v, DK_BAD, "role must be agent, manager or admin");
	if (strlen(password) < 8)
		return verb_fail(&a.v, DK_BAD, "the password must have at least 8 characters");
	if (crypto_pwhash_str(a.pwhash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return verb_fail(&a.v, DK_ERR, "out of memory while hashing the password");
	rc = verb_write(&a.v, user_add_tx, &a);
	sodium_memzero(a.pwhash, sizeof a.pwhash);
	return rc;
}

static int
device_add_tx(struct store *st, void *arg)
{
	struct acct *a = arg;
	int rc;

	if ((rc = store_device_put(st, a->name, a->v.now)) != ST_OK ||
	    (rc = store_cred_put(st, a->hash, "device", a->name, NULL, a->v.now, 0)) != ST_OK)
		return rc;
	return store_audit_add(st, a->v.now, a->v.who->name, "device_add", a->name);
}

int
desk_device_add(struct desk *d, const struct desk_actor *who, const char *name, int64_t now,
    char *key, char *err, size_t errlen)
{
	struct acct a = { .name = name };

	verb_init(&a.v, d, who, now, NULL, err, errlen);
	/* The name travels in every signed slip: 1-16 of [A-Za-z0-9-]. */
	if (!desk_valid_name(name) || strlen(name) > 16 || strpbrk(name, "_."))
		return verb_fail(&a.v, DK_BAD, "device name: 1 to 16 letters, digits or '-'");
	new_secret("dk_", key, 80);
	secret_hash(key, a.hash);
	return verb_write(&a.v, device_add_tx, &a);
}

static int
token_tx(struct store *st, void *arg)
{
	struct acct *a = arg;
	int rc = store_user_get(st, a->login, a->pwhash, sizeof a->pwhash, a->user_role);

	if (rc == ST_NOTFOUND)
		return verb_fail(&a->v, DK_NOTFOUND, "no user '%s'", a->login);
	if (rc != ST_OK || (rc = store_cred_put(st, a->hash, "token", a->login, NULL, a->v.now,
	    0)) != ST_OK)
		return rc;
	return store_audit_add(st, a->v.now, a->v.who->name, "token_new", a->login);
}

int
desk_token_new(struct desk *d, const struct desk_actor *who, const char *login, int64_t now,
    char *secret, char *err, size_t errlen)
{
	struct acct a = { .login = login };

	verb_init(&a.v, d, who, now, NULL, err, errlen);
	new_secret("st_", secret, 80);
	secret_hash(secret, a.hash);
	return verb_write(&a.v, token_tx, &a);
}

/* -- the site, retention, audit, backup ------------------------------------------ */

struct setup {
	struct verb v;
	const struct site *site;
	int *entries;
};

static int
site_tx(struct store *st, void *arg)
{
	struct setup *s = arg;
	char detail[200];
	int rc;

	snprintf(detail, sizeof detail, "site %s: %d services, %d counters", s->site->id,
	    s->site->nservices, s->site->ncounters);
	if ((rc = store_site_put(st, s->site)) != ST_OK ||
	    (rc = store_audit_add(st, s->v.now, s->v.who->name, "config_change", detail)) != ST_OK)
		return rc;
	return store_site_get(st, &s->v.d->site);
}

int
desk_apply_site(struct desk *d, const struct desk_actor *who, const struct site *s, int64_t now,
    char *err, size_t errlen)
{
	struct setup su = { .site = s };
	int rc;

	verb_init(&su.v, d, who, now, NULL, err, errlen);
	rc = verb_write(&su.v, site_tx, &su);
	if (rc == ST_OK)
		d->have_site = 1;
	return rc;
}

struct drops {
	struct verb v;
	const struct site *next;
	int n;                      /* services dropped with open tickets */
	char *why;                  /* their names and counts */
	size_t whylen;
};

static int
drops_tx(struct store *st, void *arg)
{
	struct drops *dr = arg;
	const struct site *old = &dr->v.d->site;
	size_t used = 0;
	int i, k;

	for (i = 0; i < old->nservices; i++) {
		const struct site_service *sv = &old->services[i];
		if (site_service(dr->next, sv->code) != NULL)
			continue;
		if ((k = store_open_in_queue(st, dr->v.day, sv->code)) < 0)
			return ST_ERR;
		if (k == 0)
			continue;
		if (used < dr->whylen)
			used += (size_t)snprintf(dr->why + used, dr->whylen - used, "%s[service %c] %s "
			    "has %d ticket%s waiting or called today", dr->n ? "; " : "", sv->code,
			    sv->name, k, k > 1 ? "s" : "");
		dr->n++;
	}
	return ST_OK;
}

int
desk_site_drops(struct desk *d, const struct site *next, int64_t now, char *why, size_t whylen)
{
	struct drops dr = { .next = next, .why = why, .whylen = whylen };
	int rc;

	if (whylen)
		why[0] = '\0';
	if (!d->have_site)
		return 0;
	verb_init(&dr.v, d, NULL, now, NULL, why, whylen);
	rc = verb_read(&dr.v, drops_tx, &dr);
	return rc == ST_OK ? dr.n : rc;
}

static int
purge_tx(struct store *st, void *arg)
{
	struct setup *s = arg;
	const struct site_privacy *p = &s->v.d->site.privacy;
	char holder_day[11], event_day[11];

	queue_local_day(s->v.now - (int64_t)p->holder_days * 86400, holder_day);
	queue_local_day(s->v.now - (int64_t)p->events_months * 31 * 86400, event_day);
	if (store_purge(st, s->v.day, holder_day, event_day) != ST_OK)
		return ST_ERR;
	/* The claims shared by the sites (bind_holder = all_sites) serve
	 * today's rule only. A site without such a service may have no right
	 * on them: it leaves them to the others. */
	return site_binds_all_sites(&s->v.d->site) ? store_claims_purge(st, s->v.day) : ST_OK;
}

int
desk_retention(struct desk *d, int64_t now, char *err, size_t errlen)
{
	struct setup su;
	int rc;

	memset(&su, 0, sizeof su);
	verb_init(&su.v, d, NULL, now, NULL, err, errlen);
	if (!d->have_site)
		return verb_fail(&su.v, DK_NOTFOUND, "the database has no site yet");
	if ((rc = verb_write(&su.v, purge_tx, &su)) != ST_OK)
		return rc;
	/* Deleted pages must not linger in the log either. */
	if (store_compact(d->st) != ST_OK)
		log_warnx("desk: retention: the log will be compacted later");
	return ST_OK;
}

static int
audit_tx(struct store *st, void *arg)
{
	struct setup *s = arg;

	return store_audit_check(st, s->entries, s->v.err, s->v.errlen);
}

int
desk_audit_verify(struct desk *d, int *entries, char *err, size_t errlen)
{
	struct setup su = { .entries = entries };

	verb_init(&su.v, d, NULL, 0, NULL, err, errlen);
	return verb_read(&su.v, audit_tx, &su);
}

int
desk_backup(struct desk *d, const char *dest, char *err, size_t errlen)
{
	return store_backup(d->st, dest, err, errlen);
}
