/*
 * test_appt_in: the three appointment sources (io/appt_in.h) against the
 * fixtures in tests/data/appt/: a CSV file with good rows and one file per
 * kind of bad row (the error names the file and the line); iCalendar files
 * across the October daylight-saving change in Paris, with the file's own
 * VTIMEZONE (under a Windows zone name libical does not know) and with
 * libical's zone database, in UTC and floating time; our JSON and RDV
 * Service Public's webhook payloads.
 *
 * Expected instants are written as UTC wall times and computed with
 * timegm, not with the code under test. Run from the top of the tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/appt_in.h"
#include "testhelp.h"

#define DATA "tests/data/appt/"

/* "YYYY-MM-DD HH:MM[:SS]" read as UTC. */
static int64_t
utc(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	    &tm.tm_hour, &tm.tm_min, &tm.tm_sec) < 5)
		abort();
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	REQUIRE(f != NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	REQUIRE(p != NULL && fread(p, 1, (size_t)n, f) == (size_t)n);
	p[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return p;
}

static const struct appt_in *
by_id(const struct appt_in *v, int n, const char *id)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	fprintf(stderr, "no appointment %s\n", id);
	return NULL;
}

/* -- times ------------------------------------------------------------------- */

static void
test_time(void)
{
	char err[256];
	int64_t t = 0;

	set_tz("Europe/Paris");
	CHECK_INT(appt_time_parse("2026-12-04T10:30:00+01:00", &t, err, sizeof err), 0);
	CHECK_INT(t, utc("2026-12-04 09:30"));
	CHECK_INT(appt_time_parse("2026-12-04T09:30:00Z", &t, err, sizeof err), 0);
	CHECK_INT(t, utc("2026-12-04 09:30"));
	CHECK_INT(appt_time_parse("2026-12-04t09:30:00.999z", &t, err, sizeof err), 0);
	CHECK_INT(t, utc("2026-12-04 09:30"));
	CHECK_INT(appt_time_parse("2026-12-04T05:30:00-04:00", &t, err, sizeof err), 0);
	CHECK_INT(t, utc("2026-12-04 09:30"));
	CHECK_INT(appt_time_parse("2026-12-04 10:30", &t, err, sizeof err), 0);      /* winter */
	CHECK_INT(t, utc("2026-12-04 09:30"));
	CHECK_INT(appt_time_parse("2026-06-04T10:30:15", &t, err, sizeof err), 0);   /* summer */
	CHECK_INT(t, utc("2026-06-04 08:30:15"));
	/* The autumn hour that happens twice: the first, still summer time. */
	CHECK_INT(appt_time_parse("2026-10-25 02:30", &t, err, sizeof err), 0);
	CHECK_INT(t, utc("2026-10-25 00:30"));
	CHECK_INT(appt_time_parse("2026-10-25 01:59", &t, err, sizeof err), 0);
	CHECK_INT(t, utc("2026-10-24 23:59"));
	CHECK_INT(appt_time_parse("2026-10-25 03:00", &t, err, sizeof err), 0);
	CHECK_INT(t, utc("2026-10-25 02:00"));
	/* The spring hour that does not exist. */
	CHECK_INT(appt_time_parse("2026-03-29 02:30", &t, err, sizeof err), -1);
	CHECK(strstr(err, "does not exist") != NULL);
	CHECK_INT(appt_time_parse("2026-03-29 03:00", &t, err, sizeof err), 0);
	CHECK_INT(t, utc("2026-03-29 01:00"));
	/* The same local time in another zone. */
	set_tz("America/New_York");
	CHECK_INT(appt_time_parse("2026-12-04 10:30", &t, err, sizeof err), 0);
	CHECK_INT(t, utc("2026-12-04 15:30"));
	set_tz("Europe/Paris");

	CHECK_INT(appt_time_parse("2026-02-29 10:00", &t, err, sizeof err), -1);
	CHECK(strstr(err, "not a valid date") != NULL);
	CHECK_INT(appt_time_parse("2028-02-29 10:00", &t, err, sizeof err), 0);
	CHECK_INT(appt_time_parse("2026-12-04 24:00", &t, err, sizeof err), -1);
	CHECK_INT(appt_time_parse("2026-12-04T10:30:00+0100", &t, err, sizeof err), -1);
	CHECK_INT(appt_time_parse("2026-12-04T10:30:00+01:00x", &t, err, sizeof err), -1);
	CHECK_INT(appt_time_parse("2026-12-04T10:30:00.", &t, err, sizeof err), -1);
	CHECK_INT(appt_time_parse("04/12/2026 10:30", &t, err, sizeof err), -1);
	CHECK(strstr(err, "is not a time") != NULL);
	CHECK_INT(appt_time_parse("2026-12-04", &t, err, sizeof err), -1);
	CHECK_INT(appt_time_parse("", &t, err, sizeof err), -1);
	CHECK_INT(appt_time_parse(NULL, &t, err, sizeof err), -1);
	CHECK_INT(appt_time_parse("1969-12-31 23:00", &t, err, sizeof err), -1);
	CHECK_INT(appt_time_parse("1999-12-31T23:00:00Z", &t, err, sizeof err), -1);  /* a typo */
	CHECK_INT(appt_time_parse("2000-01-01T00:00:00Z", &t, err, sizeof err), 0);
}

/* -- CSV ----------------------------------------------------------------------- */

static void
test_csv_good(void)
{
	struct appt_in *v = NULL;
	const struct appt_in *a;
	char err[256] = "";
	int n;

	set_tz("Europe/Paris");
	n = appt_csv_read(DATA "good.csv", &v, err, sizeof err);
	if (n < 0)
		fprintf(stderr, "%s\n", err);
	REQUIRE(n == 5);
	a = &v[0];
	CHECK_STR(a->id, "ext-1");
	CHECK_INT(a->service, 'A');
	CHECK_INT(a->start, utc("2026-12-04 09:30"));
	CHECK_INT(a->duration_min, 20);
	CHECK_STR(a->code, "K7P3QX");
	CHECK_STR(a->holder, "");
	CHECK_STR(a->lang, "ar");
	CHECK_INT(a->status, APPT_BOOKED);
	CHECK_INT(a->updated_at, 0);
	a = &v[1];
	CHECK_STR(a->id, "ext-2");
	CHECK_INT(a->service, 'B');
	CHECK_INT(a->start, utc("2026-12-04 10:00"));   /* local time, winter */
	CHECK_STR(a->code, "B00K1T");                   /* O read as 0, I as 1 */
	CHECK_INT(a->status, APPT_BOOKED);              /* status left empty */
	a = &v[2];
	CHECK_STR(a->id, "ext,3");                      /* quoted, with the separator */
	CHECK_INT(a->start, utc("2026-12-04 10:15"));
	CHECK_INT(a->duration_min, 30);
	CHECK_STR(a->code, "K7P3QY");
	CHECK_STR(a->holder, "AB123456");
	CHECK_STR(a->lang, "fr");
	CHECK_INT(a->status, APPT_CANCELLED);
	a = &v[3];                                      /* after an empty line */
	CHECK_STR(a->id, "ext-4");
	CHECK_INT(a->start, utc("2026-10-25 00:30"));   /* the first 02:30 */
	a = &v[4];
	CHECK_STR(a->id, "ext-5");
	CHECK_INT(a->start, utc("2026-10-25 03:30"));
	free(v);

	/* A French spreadsheet: BOM, semicolons, CRLF, columns in another order
	 * and case, spaces around a name, a fraction of a second. */
	v = NULL;
	n = appt_csv_read(DATA "semicolon.csv", &v, err, sizeof err);
	if (n < 0)
		fprintf(stderr, "%s\n", err);
	REQUIRE(n == 2);
	CHECK_STR(v[0].id, "s-1");
	CHECK_STR(v[0].code, "K7P3QX");
	CHECK_INT(v[0].service, 'A');
	CHECK_INT(v[0].start, utc("2026-12-04 09:30"));
	CHECK_STR(v[1].id, "s-\"2\"");
	CHECK_STR(v[1].code, "B00K1T");
	CHECK_INT(v[1].start, utc("2026-12-04 10:00"));
	CHECK_INT(v[1].duration_min, 15);
	free(v);

	/* Reading the same file twice gives the same records. */
	{
		struct appt_in *w1 = NULL, *w2 = NULL;
		int n1 = appt_csv_read(DATA "good.csv", &w1, err, sizeof err);
		int n2 = appt_csv_read(DATA "good.csv", &w2, err, sizeof err);

		CHECK(n1 == n2 && n1 > 0 && memcmp(w1, w2, sizeof *w1 * (size_t)n1) == 0);
		free(w1);
		free(w2);
	}
}

static void
test_csv_bad(void)
{
	static const struct { const char *file, *want; } cases[] = {
		{ "bad_missing_column.csv", ":3: missing column: 4 fields, the header has 5" },
		{ "bad_extra_field.csv", ":3: 6 fields, the header has only 5" },
		{ "bad_missing_value.csv", ":3: missing start" },
		{ "bad_time.csv", ":3: bad start \"04/12/2026 10:50\" is not a time" },
		{ "bad_date.csv", ":3: bad start \"2026-02-30 10:50\" is not a valid date" },
		{ "bad_gap.csv", ":3: bad start \"2026-03-29 02:30\" does not exist" },
		{ "bad_duration.csv", ":3: bad duration_min \"0\": a whole number of minutes from 1 to 720" },
		{ "bad_duration_text.csv", ":3: bad duration_min \"20min\"" },
		{ "bad_service.csv", ":3: bad service \"a\": one letter A to Z" },
		{ "bad_code.csv", ":3: bad code \"K7/3QY\": a check-in code holds only letters and digits" },
		{ "bad_duplicate.csv", ":3: duplicate id \"ext-1\", already on line 2" },
		{ "bad_status.csv", ":3: bad status \"maybe\": booked or cancelled" },
		{ "bad_lang.csv", ":3: bad lang \"klingon\": not a language of the kiosk" },
		{ "bad_holder.csv", ":3: bad holder: not a document number" },
		{ "bad_unknown_column.csv", ":1: unknown column \"name\"" },
		{ "bad_no_duration_column.csv", ":1: missing column \"duration_min\"" },
		{ "bad_column_twice.csv", ":1: column \"id\" twice" },
		{ "bad_blank_column.csv", ":1: unknown column \"\"" },   /* found by fuzz_appt_csv */
		{ "bad_open_quote.csv", ":3: a quoted field is not closed" },
		{ "bad_stray_quote.csv", ":3: a quote inside an unquoted field" },
		{ "bad_multiline_id.csv", ":3: bad id \"ext?2\": printable ASCII only" },
		{ "bad_empty.csv", ":1: no header row" },
	};
	size_t i;

	set_tz("Europe/Paris");
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct appt_in *v = (struct appt_in *)&v;  /* must come back NULL */
		char path[128], want[256], err[256] = "";
		int n;

		snprintf(path, sizeof path, DATA "%s", cases[i].file);
		snprintf(want, sizeof want, "%s%s", path, cases[i].want);
		n = appt_csv_read(path, &v, err, sizeof err);
		CHECK_INT(n, -1);
		CHECK(v == NULL);
		if (strncmp(err, want, strlen(want)) != 0) {
			fprintf(stderr, "FAIL %s: got \"%s\", want \"%s...\"\n", cases[i].file, err, want);
			th_fail++;
		} else {
			th_pass++;
		}
		CHECK(strchr(err, '\n') == NULL);
	}
	/* The holder's number is never echoed in a message. */
	{
		struct appt_in *v = NULL;
		char err[256];

		CHECK_INT(appt_csv_read(DATA "bad_holder.csv", &v, err, sizeof err), -1);
		CHECK(strstr(err, "AAAAAAAA") == NULL);
	}
	{
		struct appt_in *v = NULL;
		char err[256];

		CHECK_INT(appt_csv_read(DATA "no_such_file.csv", &v, err, sizeof err), -1);
		CHECK(strncmp(err, DATA "no_such_file.csv: ", strlen(DATA) + 18) == 0);
	}
}

/* -- iCalendar ------------------------------------------------------------------ */

static void
check_october(const struct appt_in *v, int n)
{
	const struct appt_in *a;

	if ((a = by_id(v, n, "oct-0130@prefecture.example")) != NULL) {
		CHECK_INT(a->start, utc("2026-10-24 23:30"));   /* 01:30 CEST */
		CHECK_INT(a->duration_min, 20);
		CHECK_STR(a->code, "0CT0130");
		CHECK_INT(a->service, 'A');                     /* the default */
		CHECK_INT(a->updated_at, utc("2026-10-01 08:00"));  /* DTSTAMP */
		CHECK_INT(a->status, APPT_BOOKED);
	} else th_fail++;
	if ((a = by_id(v, n, "oct-0230-first@prefecture.example")) != NULL) {
		CHECK_INT(a->start, utc("2026-10-25 00:30"));   /* the first 02:30, CEST */
		CHECK_INT(a->duration_min, 20);                 /* DURATION */
		CHECK_STR(a->code, "0CT0230A");
	} else th_fail++;
	if ((a = by_id(v, n, "oct-0230-second@prefecture.example")) != NULL) {
		CHECK_INT(a->start, utc("2026-10-25 01:30"));   /* the second 02:30, CET, in UTC */
		CHECK_INT(a->duration_min, 20);
	} else th_fail++;
	if ((a = by_id(v, n, "oct-0330@prefecture.example")) != NULL) {
		CHECK_INT(a->start, utc("2026-10-25 02:30"));   /* 03:30 CET */
		CHECK_INT(a->duration_min, 30);
		CHECK_INT(a->service, 'B');                     /* CATEGORIES wins */
		CHECK_INT(a->updated_at, utc("2026-10-02 09:30"));  /* LAST-MODIFIED */
	} else th_fail++;
	if ((a = by_id(v, n, "K7P3QX")) != NULL) {
		CHECK_STR(a->code, "K7P3QX");                   /* the UID */
		CHECK_INT(a->service, 'C');                     /* the letter among the CATEGORIES */
		CHECK_INT(a->status, APPT_CANCELLED);
		CHECK_INT(a->duration_min, 15);
	} else th_fail++;
}

static void
test_ics(void)
{
	struct appt_in *v = NULL;
	const struct appt_in *a;
	char err[256] = "";
	int n;

	/* The file's VTIMEZONE, named as Outlook names Paris: whatever the
	 * process's zone, TZID and UTC times give the same instants. */
	set_tz("Europe/Paris");
	n = appt_ics_read(DATA "paris_october.ics", 'A', &v, err, sizeof err);
	if (n < 0)
		fprintf(stderr, "%s\n", err);
	CHECK_INT(n, 5);
	check_october(v, n);
	if ((a = by_id(v, n, "K7P3QX")) != NULL)            /* floating: Paris */
		CHECK_INT(a->start, utc("2026-10-26 09:00"));
	free(v);
	set_tz("America/New_York");
	v = NULL;
	n = appt_ics_read(DATA "paris_october.ics", 'A', &v, err, sizeof err);
	CHECK_INT(n, 5);
	check_october(v, n);
	if ((a = by_id(v, n, "K7P3QX")) != NULL)            /* floating: New York, EDT */
		CHECK_INT(a->start, utc("2026-10-26 14:00"));
	free(v);

	/* No VTIMEZONE: libical's zone database. */
	set_tz("Europe/Paris");
	v = NULL;
	n = appt_ics_read(DATA "paris_builtin.ics", 'D', &v, err, sizeof err);
	if (n < 0)
		fprintf(stderr, "%s\n", err);
	REQUIRE(n == 5);
	CHECK_INT(by_id(v, n, "b-0130") ? by_id(v, n, "b-0130")->start : 0, utc("2026-10-24 23:30"));
	CHECK_INT(by_id(v, n, "b-0230") ? by_id(v, n, "b-0230")->start : 0, utc("2026-10-25 00:30"));
	CHECK_INT(by_id(v, n, "b-0330") ? by_id(v, n, "b-0330")->start : 0, utc("2026-10-25 02:30"));
	/* 02:30 on the spring day does not exist: RFC 5545 reads it with the
	 * offset from before the gap, +01:00, so 03:30 summer time. */
	CHECK_INT(by_id(v, n, "b-spring-gap") ? by_id(v, n, "b-spring-gap")->start : 0,
	    utc("2026-03-29 01:30"));
	CHECK_INT(by_id(v, n, "b-floating-0230") ? by_id(v, n, "b-floating-0230")->start : 0,
	    utc("2026-10-25 00:30"));
	CHECK_INT(v[0].service, 'D');
	CHECK_STR(v[0].code, "B0130");
	free(v);

	/* Without --service, an event with no service letter is an error. */
	v = (struct appt_in *)&v;
	CHECK_INT(appt_ics_read(DATA "paris_october.ics", 0, &v, err, sizeof err), -1);
	CHECK(v == NULL);
	CHECK_STR(err, DATA "paris_october.ics: event oct-0130@prefecture.example: no service: "
	    "CATEGORIES has no service letter and no default service was given (--service)");
	CHECK_INT(appt_ics_read(DATA "paris_october.ics", 'a', &v, err, sizeof err), -1);

	/* Names libical does not know (FOO, a parameter FOO=1) are ignored,
	 * as RFC 5545 asks; a value it cannot read is not (test_ics_bad). */
	v = NULL;
	CHECK_INT(appt_ics_read(DATA "unknown_names.ics", 0, &v, err, sizeof err), 1);
	if (v) {
		CHECK_STR(v[0].id, "abcd-1");
		CHECK_INT(v[0].start, utc("2026-12-04 10:00"));
		CHECK_INT(v[0].service, 'A');
	}
	free(v);
}

static void
test_ics_bad(void)
{
	static const struct { const char *file, *want; } cases[] = {
		{ "bad_ics_no_service.ics", ": event nosvc-1: no service" },
		{ "bad_ics_two_services.ics", ": event twosvc-1: CATEGORIES names two services (A,B)" },
		{ "bad_ics_tzid.ics", ": event tz-0001: DTSTART has an unknown time zone \"Mars/Olympus_Mons\"" },
		{ "bad_ics_allday.ics", ": event allday-1: DTSTART is a date without a time" },
		{ "bad_ics_rrule.ics", ": event rrule-1: a recurring event" },
		{ "bad_ics_no_end.ics", ": event noend-1: no DTEND or DURATION" },
		{ "bad_ics_duplicate.ics", ": event ok-0001: the same UID as event #1 of the file" },
		{ "bad_ics_code.ics", ": event code-1: bad X-APPOINTMENT-CODE: a check-in code holds only" },
		{ "bad_ics_uid_code.ics", ": event rdv#42@x.example: the UID is no check-in code" },
		{ "bad_ics_dtstart.ics", ": event badstart-1: cannot read it: Can't parse as DATE-TIME value in DTSTART property" },
		{ "bad_ics_long.ics", ": event long-1: bad duration: a whole number of minutes from 1 to 720" },
		{ "bad_ics_not_ics.ics", ": not an iCalendar file" },
		{ "bad_ics_truncated.ics", ": not an iCalendar file, or cut short" },
		{ "no_such_file.ics", ": No such file" },
	};
	size_t i;

	set_tz("Europe/Paris");
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct appt_in *v = (struct appt_in *)&v;
		char path[128], want[256], err[256] = "";
		int n;

		snprintf(path, sizeof path, DATA "%s", cases[i].file);
		snprintf(want, sizeof want, "%s%s", path, cases[i].want);
		n = appt_ics_read(path, 0, &v, err, sizeof err);
		CHECK_INT(n, -1);
		CHECK(v == NULL);
		if (strncmp(err, want, strlen(want)) != 0) {
			fprintf(stderr, "FAIL %s: got \"%s\", want \"%s...\"\n", cases[i].file, err, want);
			th_fail++;
		} else {
			th_pass++;
		}
	}
}

/* -- JSON ------------------------------------------------------------------------ */

static int
parse_file(const char *name, const char *map, struct appt_in *a, char *err, size_t errlen)
{
	char path[128], *body;
	size_t len;
	int rc;

	snprintf(path, sizeof path, DATA "%s", name);
	body = slurp(path, &len);
	rc = appt_json_parse_map(body, len, map, a, err, errlen);
	free(body);
	return rc;
}

static int
parse_str(const char *body, struct appt_in *a, char *err, size_t errlen)
{
	return appt_json_parse(body, strlen(body), a, err, errlen);
}

static void
test_json_ours(void)
{
	static const struct { const char *body, *want; } bad[] = {
		{ "", "an empty body" },
		{ "{", "not JSON" },
		{ "{} x", "not JSON (something after the object)" },
		{ "[1]", "not a JSON object" },
		{ "{\"service\":\"A\",\"start\":\"2026-12-04 10:30\",\"duration_min\":20,\"code\":\"K7P3QX\"}",
		  "id: missing" },
		{ "{\"id\":\"x\",\"service\":\"A\",\"start\":\"2026-12-04 10:30\",\"duration\":20,\"code\":\"K7P3QX\"}",
		  "unknown key \"duration\"" },
		{ "{\"id\":\"x\",\"id\":\"y\",\"service\":\"A\",\"start\":\"2026-12-04 10:30\",\"duration_min\":20,\"code\":\"K7P3QX\"}",
		  "key \"id\" twice" },
		{ "{\"id\":\"x\",\"service\":\"A\",\"start\":\"2026-12-04 10:30\",\"duration_min\":20.5,\"code\":\"K7P3QX\"}",
		  "duration_min: a whole number" },
		{ "{\"id\":\"x\",\"service\":\"A\",\"start\":\"2026-12-04 10:30\",\"duration_min\":\"20\",\"code\":\"K7P3QX\"}",
		  "duration_min: a whole number" },
		{ "{\"id\":\"x\",\"service\":\"A\",\"start\":\"2026-12-04 10:30\",\"duration_min\":721,\"code\":\"K7P3QX\"}",
		  "duration_min: a whole number" },
		{ "{\"id\":\"x\",\"service\":\"AB\",\"start\":\"2026-12-04 10:30\",\"duration_min\":20,\"code\":\"K7P3QX\"}",
		  "service: one letter A to Z" },
		{ "{\"id\":\"x\",\"service\":\"A\",\"start\":\"2026-03-29 02:30\",\"duration_min\":20,\"code\":\"K7P3QX\"}",
		  "start: \"2026-03-29 02:30\" does not exist" },
		{ "{\"id\":\"x\",\"service\":\"A\",\"start\":\"2026-12-04 10:30\",\"duration_min\":20,\"code\":\"K7\"}",
		  "code: a check-in code has at least" },
		{ "{\"id\":\"x\",\"service\":\"A\",\"start\":\"2026-12-04 10:30\",\"duration_min\":20,\"code\":\"K7P3QX\",\"status\":\"noshow\"}",
		  "status: booked or cancelled" },
		{ "{\"id\":\"x\",\"service\":\"A\",\"start\":\"2026-12-04 10:30\",\"duration_min\":20,\"code\":\"K7P3QX\",\"holder\":true}",
		  "holder: the document number" },
		{ "{\"id\":\"x\",\"service\":\"A\",\"start\":\"2026-12-04 10:30\",\"duration_min\":20,\"code\":\"K7P3QX\",\"lang\":3}",
		  "lang: a string" },
		{ "{\"id\":\"x\",\"service\":\"A\",\"start\":\"2026-12-04 10:30\",\"duration_min\":20,\"code\":\"K7P3QX\",\"updated_at\":\"yesterday\"}",
		  "updated_at: \"yesterday\" is not a time" },
		{ "{\"id\":\"x\\ny\",\"service\":\"A\",\"start\":\"2026-12-04 10:30\",\"duration_min\":20,\"code\":\"K7P3QX\"}",
		  "id: printable ASCII only" },
	};
	struct appt_in a;
	char err[256];
	size_t i, len;
	char *body;

	set_tz("Europe/Paris");
	body = slurp(DATA "ours.json", &len);
	CHECK_INT(appt_json_parse(body, len, &a, err, sizeof err), 1);
	free(body);
	CHECK_STR(a.id, "ext-1");
	CHECK_INT(a.service, 'A');
	CHECK_INT(a.start, utc("2026-12-04 09:30"));
	CHECK_INT(a.duration_min, 20);
	CHECK_STR(a.code, "K7P3QX");
	CHECK_STR(a.holder, "AB123456");
	CHECK_STR(a.lang, "ar");
	CHECK_INT(a.status, APPT_BOOKED);
	CHECK_INT(a.updated_at, utc("2026-11-20 09:00"));

	/* What the API shows, sent back: its extra keys are ignored, null and
	 * false mean none. */
	CHECK_INT(parse_str("{\"id\":\"ext-1\",\"service\":\"A\",\"start\":\"2026-12-04 10:30\","
	    "\"duration_min\":20,\"code\":\"K7P3QX\",\"status\":\"cancelled\",\"lang\":null,"
	    "\"holder\":false,\"checked_in_at\":null,\"ticket\":null,\"state\":\"not_yet\"}",
	    &a, err, sizeof err), 1);
	CHECK_INT(a.status, APPT_CANCELLED);
	CHECK_STR(a.holder, "");
	CHECK_STR(a.lang, "");
	CHECK_INT(a.start, utc("2026-12-04 09:30"));

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&a, 0x55, sizeof a);
		CHECK_INT(parse_str(bad[i].body, &a, err, sizeof err), -1);
		CHECK(a.id[0] == '\0');
		if (strncmp(err, bad[i].want, strlen(bad[i].want)) != 0) {
			fprintf(stderr, "FAIL json %zu: got \"%s\", want \"%s...\"\n", i, err, bad[i].want);
			th_fail++;
		} else {
			th_pass++;
		}
	}
	/* The length is the body's: bytes after it are not read. */
	CHECK_INT(appt_json_parse("{}garbage", 2, &a, err, sizeof err), -1);
	CHECK(strstr(err, "id: missing") != NULL);
}

static void
test_json_rdvsp(void)
{
	struct appt_in a;
	char err[256];
	static const char uuid[] = "5b0e9f3c-2a7d-4c61-8e0b-9d4f7a1c2e35";

	set_tz("America/New_York");   /* the payload's offsets decide, not the zone */
	CHECK_INT(parse_file("rdvsp_created.json", NULL, &a, err, sizeof err), 1);
	CHECK_STR(a.id, uuid);
	CHECK_STR(a.code, "5B0E9F3C2A7D4C618E0B9D4F7A1C2E35");
	CHECK_INT(a.service, 'A');                      /* "[A] Premier titre de séjour" */
	CHECK_INT(a.start, utc("2026-12-04 09:30"));
	CHECK_INT(a.duration_min, 20);
	CHECK_INT(a.status, APPT_BOOKED);
	CHECK_INT(a.updated_at, utc("2026-11-20 08:00"));
	CHECK_STR(a.holder, "");                        /* nothing about the user is read */
	CHECK_STR(a.lang, "");

	/* The calendar file RDV Service Public attaches to the applicant's
	 * confirmation (UID = uuid, TZID Europe/Paris, no CATEGORIES) gives
	 * the same id, code and start. */
	{
		struct appt_in *v = NULL;

		CHECK_INT(appt_ics_read(DATA "rdvsp_confirmation.ics", 'A', &v, err, sizeof err), 1);
		if (v) {
			CHECK_STR(v[0].id, a.id);
			CHECK_STR(v[0].code, a.code);
			CHECK_INT(v[0].start, a.start);
			CHECK_INT(v[0].duration_min, a.duration_min);
			CHECK_INT(v[0].service, a.service);
		}
		free(v);
	}

	CHECK_INT(parse_file("rdvsp_updated.json", NULL, &a, err, sizeof err), 1);
	CHECK_STR(a.id, uuid);
	CHECK_INT(a.status, APPT_CANCELLED);            /* excused */
	CHECK_INT(a.updated_at, utc("2026-11-21 07:00"));

	CHECK_INT(parse_file("rdvsp_destroyed.json", NULL, &a, err, sizeof err), 1);
	CHECK_STR(a.id, uuid);
	CHECK_INT(a.status, APPT_CANCELLED);            /* destroyed, though "unknown" */
	CHECK_INT(a.updated_at, utc("2026-11-22 07:00"));

	/* Ignored: another model, a collective Rdv, a phone Rdv. */
	memset(&a, 0x55, sizeof a);
	CHECK_INT(parse_file("rdvsp_absence.json", NULL, &a, err, sizeof err), 0);
	CHECK(a.id[0] == '\0');
	CHECK_INT(parse_file("rdvsp_collectif.json", NULL, &a, err, sizeof err), 0);
	CHECK_INT(parse_file("rdvsp_phone.json", NULL, &a, err, sizeof err), 0);

	/* A motif without "[A]": an error that says what to do, unless the
	 * site maps it by motif id or category. seen is booked; the duration
	 * comes from ends_at when duration_in_min is absent. */
	CHECK_INT(parse_file("rdvsp_mapped.json", NULL, &a, err, sizeof err), -1);
	CHECK_STR(err, "data.motif: motif 4012 (\"Premier titre de s??jour\") gives no service: "
	    "name it \"[A] ...\" in RDV Service Public or map it in [appointments] rdv_services");
	CHECK_INT(parse_file("rdvsp_mapped.json", "4011=C, 4012 = B", &a, err, sizeof err), 1);
	CHECK_INT(a.service, 'B');
	CHECK_INT(a.status, APPT_BOOKED);
	CHECK_INT(a.duration_min, 20);
	CHECK_INT(parse_file("rdvsp_mapped.json", "TITRE_SEJOUR=E", &a, err, sizeof err), 1);
	CHECK_INT(a.service, 'E');
	CHECK_INT(parse_file("rdvsp_mapped.json", "titre_sejour=E,4012=F", &a, err, sizeof err), 1);
	CHECK_INT(a.service, 'F');                      /* the motif id first */
	CHECK_INT(parse_file("rdvsp_created.json", "4012=G", &a, err, sizeof err), 1);
	CHECK_INT(a.service, 'G');                      /* the map before the name */

	/* Broken payloads. */
	CHECK_INT(parse_str("{\"data\":{},\"meta\":{\"model\":\"Rdv\",\"event\":\"moved\"}}",
	    &a, err, sizeof err), -1);
	CHECK_STR(err, "meta.event: created, updated or destroyed");
	CHECK_INT(parse_str("{\"data\":[],\"meta\":{\"model\":\"Rdv\",\"event\":\"created\"}}",
	    &a, err, sizeof err), -1);
	CHECK_STR(err, "data: the Rdv, an object");
	CHECK_INT(parse_str("{\"data\":{\"motif\":{\"name\":\"[A] x\"}},\"meta\":{\"model\":\"Rdv\","
	    "\"event\":\"created\"}}", &a, err, sizeof err), -1);
	CHECK_STR(err, "data.uuid: missing");
	CHECK_INT(parse_str("{\"data\":{\"uuid\":\"5b0e9f3c\",\"motif\":{\"name\":\"[A] x\"},"
	    "\"starts_at\":\"2026-12-04T10:30:00.000+01:00\",\"duration_in_min\":20,"
	    "\"status\":\"lost\"},\"meta\":{\"model\":\"Rdv\",\"event\":\"created\"}}",
	    &a, err, sizeof err), -1);
	CHECK(strncmp(err, "data.status: \"lost\" is none of", 30) == 0);
	CHECK_INT(parse_str("{\"data\":{},\"meta\":{\"model\":3}}", &a, err, sizeof err), -1);
	CHECK_STR(err, "meta.model: a string");

	CHECK_INT(appt_rdvsp_map_check("4012=A, titre_sejour=B", err, sizeof err), 0);
	CHECK_INT(appt_rdvsp_map_check("", err, sizeof err), 0);
	CHECK_INT(appt_rdvsp_map_check(NULL, err, sizeof err), 0);
	CHECK_INT(appt_rdvsp_map_check("4012=A, 4013", err, sizeof err), -1);
	CHECK(strncmp(err, "entry 2:", 8) == 0);
	CHECK_INT(appt_rdvsp_map_check("4012=a", err, sizeof err), -1);
	CHECK_INT(appt_rdvsp_map_check("4012=AB", err, sizeof err), -1);
	CHECK_INT(appt_rdvsp_map_check("titre séjour=A", err, sizeof err), -1);
	set_tz("Europe/Paris");
}

int
main(void)
{
	test_time();
	test_csv_good();
	test_csv_bad();
	test_ics();
	test_ics_bad();
	test_json_ours();
	test_json_rdvsp();
	return TEST_REPORT();
}
