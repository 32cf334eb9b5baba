/*
 * sqlite_users: staff accounts as the manager's page sees them
 * (db/010_users.sql; GET/POST /api/v1/users). Rows only: who may change
 * whom, and password hashing, are the desk's business (desk/users.c). Only
 * the desk calls these, inside a verb's transaction.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"

#define USER_COLS "login, role, active, must_change, created_at"

static void
user_row(sq_stmt *s, struct user_row *u)
{
	memset(u, 0, sizeof *u);
	sq_text(s, 0, u->login, sizeof u->login);
	sq_text(s, 1, u->role, sizeof u->role);
	u->active = sq_col_int(s, 2);
	u->must_change = sq_col_int(s, 3);
	u->created_at = sq_col_int64(s, 4);
}

int
store_user_row(struct store *st, const char *login, struct user_row *out)
{
	sq_stmt *s = sq_bind(st, "SELECT " USER_COLS " FROM users WHERE login = ?", "s",
	    login);
	int rc = sq_row(st, s, "cannot read the user");

	if (rc <= 0)
		return rc == 0 ? ST_NOTFOUND : ST_ERR;
	user_row(s, out);
	sq_done(s);
	return ST_OK;
}

int
store_user_list(struct store *st, struct user_row *out, int max)
{
	sq_stmt *s = sq_bind(st, "SELECT " USER_COLS " FROM users ORDER BY login LIMIT ?",
	    "i", (int64_t)(max > 0 ? max : 0));
	int n = 0, rc = 0;

	while (n < max && (rc = sq_row(st, s, "cannot list the users")) == 1)
		user_row(s, &out[n++]);
	if (rc < 0)
		return ST_ERR;
	if (s)
		sq_done(s);
	return n;
}

int
store_user_insert(struct store *st, const struct user_row *u, const char *pwhash)
{
	struct user_row old;
	int rc = store_user_row(st, u->login, &old);

	if (rc == ST_OK)
		return ST_CONFLICT;
	if (rc != ST_NOTFOUND)
		return rc;
	return sq_exec(st, sq_bind(st, "INSERT INTO users (login, role, pwhash, created_at, "
	    "active, must_change) VALUES (?,?,?,?,?,?)", "sssiii", u->login, u->role, pwhash,
	    u->created_at, (int64_t)u->active, (int64_t)u->must_change), "cannot add the user");
}

int
store_user_update(struct store *st, const struct user_row *u, const char *pwhash)
{
	int rc;

	if (pwhash)
		rc = sq_exec(st, sq_bind(st, "UPDATE users SET role = ?, active = ?, must_change = ?, "
		    "pwhash = ? WHERE login = ?", "siiss", u->role, (int64_t)u->active,
		    (int64_t)u->must_change, pwhash, u->login), "cannot change the user");
	else
		rc = sq_exec(st, sq_bind(st, "UPDATE users SET role = ?, active = ?, must_change = ? "
		    "WHERE login = ?", "siis", u->role, (int64_t)u->active, (int64_t)u->must_change,
		    u->login), "cannot change the user");
	if (rc != ST_OK)
		return rc;
	return sq_changes(st) ? ST_OK : ST_NOTFOUND;
}

int
store_user_creds_del(struct store *st, const char *login)
{
	if (sq_exec(st, sq_bind(st, "DELETE FROM credentials WHERE kind IN ('token', 'session') "
	    "AND owner = ?", "s", login), "cannot revoke the user's sessions"))
		return ST_ERR;
	return sq_changes(st);
}

int
store_admins_active(struct store *st)
{
	int64_t n;

	if (sq_int(st, sq_prepare(st, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND "
	    "active = 1"), 0, &n, "cannot count the admins") != ST_OK)
		return ST_ERR;
	return (int)n;
}
