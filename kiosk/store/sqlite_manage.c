/*
 * sqlite_manage: the manager's changes for today (db/009_manage.sql). Only
 * the desk calls these, inside a verb's transaction.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"

int
store_service_today_get(struct store *st, const char *day, char code, int *open, int *capacity)
{
	char c[2] = { code, 0 };
	sqlite3_stmt *s = sq_bind(st, "SELECT open, capacity FROM service_today "
	    "WHERE day = ? AND code = ?", "ss", day, c);
	int rc;

	if ((rc = sq_row(st, s, "cannot read today's service change")) <= 0)
		return rc == 0 ? ST_NOTFOUND : ST_ERR;
	*open = sqlite3_column_int(s, 0);
	*capacity = sqlite3_column_int(s, 1);
	sqlite3_reset(s);
	return ST_OK;
}

int
store_service_today_set(struct store *st, const char *day, char code, int open, int capacity,
    const char *reason)
{
	char c[2] = { code, 0 };

	return sq_exec(st, sq_bind(st, "INSERT OR REPLACE INTO service_today (day, code, open, "
	    "capacity, reason) VALUES (?, ?, ?, ?, ?)", "ssiis", day, c, (int64_t)open,
	    (int64_t)capacity, reason), "cannot keep today's service change");
}
