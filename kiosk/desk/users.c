/*
 * users: staff accounts from the manager's page (issue #16): list, create,
 * change role, disable or enable, reset a password, and the owner's own
 * new password. The rules of who may change whom are here, read against
 * the store in the verb's transaction, so they hold for every caller (the
 * API, tests); see desk.h. Passwords are hashed (argon2id) outside the
 * transaction, as desk_login checks them, so a slow hash never holds up
 * the batch of writes. No password and no hash ever reaches the audit log.
 * Pure desk: the store's interface and libsodium; no SQL, no HTTP.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "desk/desk_int.h"

static int
role_level(const char *role)
{
	return !strcmp(role, "admin") ? 3 : !strcmp(role, "manager") ? 2 :
	    !strcmp(role, "agent") ? 1 : 0;
}

static int
password_ok(struct verb *v, const char *pw)
{
	size_t n = strlen(pw);

	if (n >= DESK_PASSWORD_MIN && n <= DESK_PASSWORD_MAX)
		return 1;
	verb_fail(v, DK_BAD, "the password must have %d to %d characters", DESK_PASSWORD_MIN,
	    DESK_PASSWORD_MAX);
	return 0;
}

static int
hash_password(struct verb *v, const char *pw, char out[crypto_pwhash_STRBYTES])
{
	if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return verb_fail(v, DK_ERR, "out of memory while hashing the password");
	return DK_OK;
}

/* A temporary password to read out or write down: "xxxx-xxxx-xxxx" from 31
 * letters and digits that cannot be mistaken for one another (no 0/o, 1/l/i),
 * about 59 bits: enough for a password that is changed at the next login
 * and whose tries are slowed by the login throttle. */
static void
temp_password(char out[DESK_TEMP_PASSWORD])
{
	static const char set[] = "abcdefghjkmnpqrstuvwxyz23456789";
	int i, k = 0;

	for (i = 0; i < 12; i++) {
		if (i && i % 4 == 0)
			out[k++] = '-';
		out[k++] = set[randombytes_uniform(sizeof set - 1)];
	}
	out[k] = '\0';
}

/* One account verb: its arguments. */
struct uop {
	struct verb v;
	const char *login;
	struct user_row *out;           /* the account after the change */
	const struct desk_user_change *c;
	const char *reason;
	const char *pwhash;             /* the new password's hash, NULL: unchanged */
	char old_hash[crypto_pwhash_STRBYTES];  /* password change: the hash checked */
	struct user_row *list;
	int max, n;
};

/* The actor's level as the store says now: 0 when it has no active account. */
static int
actor_level(struct verb *v, int *level)
{
	struct user_row me;
	int rc = store_user_row(v->st, v->who->name, &me);

	*level = 0;
	if (rc == ST_NOTFOUND)
		return ST_OK;
	if (rc != ST_OK)
		return rc;
	*level = me.active ? role_level(me.role) : 0;
	return ST_OK;
}

/* May an actor of `level` act on an account of role `target` and give it
 * role `next`? ST_OK or DK_FORBIDDEN with the reason. */
static int
may_act(struct verb *v, int level, const char *target, const char *next)
{
	if (level >= 3)
		return ST_OK;
	if (level < 2)
		return verb_fail(v, DK_FORBIDDEN, "only managers and admins manage accounts");
	if (strcmp(target, "agent") != 0)
		return verb_fail(v, DK_FORBIDDEN, "a manager manages agent accounts only; ask an "
		    "admin to change the %s account", target);
	if (strcmp(next, "agent") != 0)
		return verb_fail(v, DK_FORBIDDEN, "a manager may only give the agent role; ask an "
		    "admin to make a %s", next);
	return ST_OK;
}

static void
audit_state(char *out, size_t len, const struct user_row *u)
{
	snprintf(out, len, "role=%s active=%d must_change=%d", u->role, u->active, u->must_change);
}

static int
audit(struct uop *o, const char *action, const struct user_row *before,
    const struct user_row *after, const char *what, int revoked)
{
	char b[96], a[96], detail[700], rev[48] = "";

	if (before)
		audit_state(b, sizeof b, before);
	else
		snprintf(b, sizeof b, "none");
	audit_state(a, sizeof a, after);
	if (revoked > 0)
		snprintf(rev, sizeof rev, "; %d session%s or token%s revoked", revoked,
		    revoked > 1 ? "s" : "", revoked > 1 ? "s" : "");
	snprintf(detail, sizeof detail, "user %s: before %s; after %s%s%s%s%s%s", after->login, b,
	    a, what[0] ? "; " : "", what, rev, o->reason && o->reason[0] ? "; reason: " : "",
	    o->reason ? o->reason : "");
	return store_audit_add(o->v.st, o->v.now, o->v.who->name, action, detail);
}

/* -- the list --------------------------------------------------------------------- */

static int
list_tx(struct store *st, void *arg)
{
	struct uop *o = arg;

	o->n = store_user_list(st, o->list, o->max);
	return o->n < 0 ? ST_ERR : ST_OK;
}

int
desk_users(struct desk *d, int64_t now, struct user_row *out, int max, char *err, size_t errlen)
{
	struct uop o = { .list = out, .max = max };
	int rc;

	verb_init(&o.v, d, NULL, now, NULL, err, errlen);
	rc = verb_read(&o.v, list_tx, &o);
	return rc == ST_OK ? o.n : rc;
}

/* -- a new account ------------------------------------------------------------------ */

static int
create_tx(struct store *st, void *arg)
{
	struct uop *o = arg;
	int level, rc;

	if ((rc = actor_level(&o->v, &level)) != ST_OK ||
	    (rc = may_act(&o->v, level, o->out->role, o->out->role)) != ST_OK)
		return rc;
	if ((rc = store_user_insert(st, o->out, o->pwhash)) == ST_CONFLICT)
		return verb_fail(&o->v, DK_CONFLICT, "the login '%s' exists already", o->login);
	if (rc != ST_OK)
		return rc;
	return audit(o, "user_add", NULL, o->out, o->c && o->c->reset ? "temporary password made" :
	    "password given by the creator", 0);
}

int
desk_user_create(struct desk *d, const struct desk_actor *who, const char *login,
    const char *role, const char *password, const char *reason, int64_t now,
    struct user_row *out, char *temp, char *err, size_t errlen)
{
	struct desk_user_change made = { .reset = password == NULL };
	char pwhash[crypto_pwhash_STRBYTES];
	struct uop o = { .login = login, .out = out, .reason = reason, .c = &made,
	    .pwhash = pwhash };
	int rc;

	verb_init(&o.v, d, who, now, NULL, err, errlen);
	memset(out, 0, sizeof *out);
	temp[0] = '\0';
	if (!login || !desk_valid_name(login))
		return verb_fail(&o.v, DK_BAD, "login: 1 to 40 letters, digits, '-', '_' or '.'");
	if (!role || !role_level(role))
		return verb_fail(&o.v, DK_BAD, "role must be agent, manager or admin");
	if (password && !password_ok(&o.v, password))
		return DK_BAD;
	if (!password)
		temp_password(temp);
	if ((rc = hash_password(&o.v, password ? password : temp, pwhash)) != DK_OK)
		goto out;
	snprintf(out->login, sizeof out->login, "%s", login);
	snprintf(out->role, sizeof out->role, "%s", role);
	out->active = 1;
	out->must_change = 1;
	out->created_at = now;
	rc = verb_write(&o.v, create_tx, &o);
out:
	sodium_memzero(pwhash, sizeof pwhash);
	if (rc != DK_OK)
		sodium_memzero(temp, DESK_TEMP_PASSWORD);
	return rc;
}

/* -- role, disable, reset ----------------------------------------------------------- */

static int
change_tx(struct store *st, void *arg)
{
	struct uop *o = arg;
	const struct desk_user_change *c = o->c;
	struct user_row before, *after = o->out;
	char what[96] = "";
	int level, rc, revoked = 0, admins;

	if ((rc = actor_level(&o->v, &level)) != ST_OK)
		return rc;
	if (level < 2)
		return may_act(&o->v, level, "agent", "agent");
	if ((rc = store_user_row(st, o->login, &before)) == ST_NOTFOUND)
		return verb_fail(&o->v, DK_NOTFOUND, "no user '%s'", o->login);
	if (rc != ST_OK)
		return rc;
	*after = before;
	if (c->role)
		snprintf(after->role, sizeof after->role, "%s", c->role);
	if (c->active >= 0)
		after->active = c->active ? 1 : 0;
	if (c->reset)
		after->must_change = 1;
	if ((rc = may_act(&o->v, level, before.role, after->role)) != ST_OK)
		return rc;
	if (before.active && !strcmp(before.role, "admin") &&
	    (!after->active || strcmp(after->role, "admin") != 0)) {
		if ((admins = store_admins_active(st)) < 0)
			return ST_ERR;
		if (admins <= 1)
			return verb_fail(&o->v, DK_CONFLICT, "'%s' is the last active admin: make "
			    "another admin first", o->login);
	}
	if ((rc = store_user_update(st, after, c->reset ? o->pwhash : NULL)) != ST_OK)
		return rc;
	if ((before.active && !after->active) || c->reset) {
		if ((revoked = store_user_creds_del(st, o->login)) < 0)
			return ST_ERR;
	}
	if (c->reset)
		snprintf(what, sizeof what, "password reset (temporary password made)");
	return audit(o, "user_change", &before, after, what, revoked);
}

int
desk_user_change(struct desk *d, const struct desk_actor *who, const char *login,
    const struct desk_user_change *c, int64_t now, struct user_row *out, char *temp,
    char *err, size_t errlen)
{
	char pwhash[crypto_pwhash_STRBYTES];
	struct uop o = { .login = login, .out = out, .c = c, .reason = c->reason,
	    .pwhash = pwhash };
	int rc;

	verb_init(&o.v, d, who, now, NULL, err, errlen);
	memset(out, 0, sizeof *out);
	temp[0] = '\0';
	pwhash[0] = '\0';
	if (c->role && !role_level(c->role))
		return verb_fail(&o.v, DK_BAD, "role must be agent, manager or admin");
	if (!c->role && c->active < 0 && !c->reset)
		return verb_fail(&o.v, DK_BAD, "nothing to change: give a role, active or "
		    "password_reset");
	if (c->reset) {
		temp_password(temp);
		if ((rc = hash_password(&o.v, temp, pwhash)) != DK_OK)
			goto out;
	}
	rc = verb_write(&o.v, change_tx, &o);
out:
	sodium_memzero(pwhash, sizeof pwhash);
	if (rc != DK_OK)
		sodium_memzero(temp, DESK_TEMP_PASSWORD);
	return rc;
}

/* -- the owner's new password ------------------------------------------------------- */

static int
hash_tx(struct store *st, void *arg)
{
	struct uop *o = arg;
	char role[16];

	return store_user_get(st, o->login, o->old_hash, sizeof o->old_hash, role);
}

static int
password_tx(struct store *st, void *arg)
{
	struct uop *o = arg;
	struct user_row before, after;
	char now_hash[crypto_pwhash_STRBYTES], role[16];
	int rc;

	/* Changed meanwhile (a reset, another tab): the old password checked is
	 * no longer the one to replace. */
	if ((rc = store_user_get(st, o->login, now_hash, sizeof now_hash, role)) == ST_NOTFOUND)
		return verb_fail(&o->v, DK_DENIED, "no active user '%s'", o->login);
	if (rc != ST_OK || (rc = store_user_row(st, o->login, &before)) != ST_OK)
		return rc;
	if (strcmp(now_hash, o->old_hash) != 0)
		return verb_fail(&o->v, DK_CONFLICT, "the password was changed meanwhile: log in "
		    "again");
	after = before;
	after.must_change = 0;
	if ((rc = store_user_update(st, &after, o->pwhash)) != ST_OK)
		return rc;
	return audit(o, "password_change", &before, &after, "new password chosen by its owner", 0);
}

int
desk_password_change(struct desk *d, const char *login, const char *old_pw, const char *new_pw,
    int64_t now, char *err, size_t errlen)
{
	struct desk_actor me = { login, 0, NULL };
	char pwhash[crypto_pwhash_STRBYTES];
	struct uop o = { .login = login, .pwhash = pwhash };
	int rc;

	verb_init(&o.v, d, &me, now, NULL, err, errlen);
	if (!new_pw || !password_ok(&o.v, new_pw))
		return DK_BAD;
	if (old_pw && strcmp(old_pw, new_pw) == 0)
		return verb_fail(&o.v, DK_BAD, "the new password must differ from the old one");
	if ((rc = verb_read(&o.v, hash_tx, &o)) == ST_NOTFOUND)
		return verb_fail(&o.v, DK_DENIED, "no active user '%s'", login);
	if (rc != ST_OK)
		return rc;
	if (!old_pw || crypto_pwhash_str_verify(o.old_hash, old_pw, strlen(old_pw)) != 0) {
		rc = verb_fail(&o.v, DK_DENIED, "the old password is wrong");
		goto out;
	}
	if ((rc = hash_password(&o.v, new_pw, pwhash)) != DK_OK)
		goto out;
	rc = verb_write(&o.v, password_tx, &o);
out:
	sodium_memzero(pwhash, sizeof pwhash);
	sodium_memzero(o.old_hash, sizeof o.old_hash);
	return rc;
}
