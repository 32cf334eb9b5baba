/*
 * bench/appt_import: reading 10,000 appointments (issue #12) from a CSV
 * file and from an iCalendar file, with the readers of io/appt_in.h.
 *
 * Writes both files into a private temporary directory: N appointments
 * over ten days in Europe/Paris, 20 minutes each, local times in the CSV,
 * TZID times with the file's VTIMEZONE in the iCalendar file (the heavier
 * case: each time goes through the zone's rules). Then, RUNS times each
 * and in this order, reads the file's bytes only (the reference floor,
 * measured in the same run on the same machine), parses the CSV, parses
 * the iCalendar file. Prints the median and the slowest run, and the cost
 * per appointment. The import command adds the store's one transaction on
 * top (bench of branch appt-core).
 *
 *   build/bench/appt_import [N] [RUNS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io/appt_in.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The i-th appointment's local start: ten days from 1 December 2026,
 * 08:00 to 17:40 every 20 minutes, about a thousand a day on 30 desks. */
static void
slot(int i, int *day, int *h, int *m)
{
	int k = (i / 30) % 30;        /* 30 slots a day of 30 desks each */

	*day = 1 + (i / 900) % 10;
	*h = 8 + k / 3;
	*m = (k % 3) * 20;
}

static int
write_csv(const char *path, int n)
{
	FILE *f = fopen(path, "w");
	int i, d, h, m;

	if (f == NULL)
		return -1;
	fprintf(f, "id,service,start,duration_min,code,lang,status\n");
	for (i = 0; i < n; i++) {
		slot(i, &d, &h, &m);
		fprintf(f, "ext-%06d,%c,2026-12-%02d %02d:%02d,20,K%07dX,%s,%s\n", i, 'A' + i % 5,
		    d, h, m, i, i % 3 ? "fr" : "ar", i % 50 ? "booked" : "cancelled");
	}
	return fclose(f);
}

static int
write_ics(const char *path, int n)
{
	FILE *f = fopen(path, "w");
	int i, d, h, m;

	if (f == NULL)
		return -1;
	fputs("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//appt_import//FR\r\n"
	    "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n"
	    "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n"
	    "DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
	    "BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n"
	    "DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
	    "END:VTIMEZONE\r\n", f);
	for (i = 0; i < n; i++) {
		slot(i, &d, &h, &m);
		fprintf(f, "BEGIN:VEVENT\r\nUID:ext-%06d@bench.example\r\nDTSTAMP:20261120T090000Z\r\n"
		    "DTSTART;TZID=Europe/Paris:202612%02dT%02d%02d00\r\n"
		    "DTEND;TZID=Europe/Paris:202612%02dT%02d%02d00\r\n"
		    "X-APPOINTMENT-CODE:K%07dX\r\nCATEGORIES:%c\r\nSUMMARY:Rendez-vous\r\n%s"
		    "END:VEVENT\r\n", i, d, h, m, d, h + (m + 20) / 60, (m + 20) % 60, i, 'A' + i % 5,
		    i % 50 ? "" : "STATUS:CANCELLED\r\n");
	}
	fputs("END:VCALENDAR\r\n", f);
	return fclose(f);
}

/* Read the whole file, as the readers do first. Returns the bytes read. */
static long
read_bytes(const char *path)
{
	char buf[65536];
	FILE *f = fopen(path, "rb");
	long total = 0;
	size_t got;

	if (f == NULL)
		return -1;
	while ((got = fread(buf, 1, sizeof buf, f)) > 0)
		total += (long)got;
	fclose(f);
	return total;
}

static void
report(const char *what, double *t, int runs, int n)
{
	qsort(t, (size_t)runs, sizeof *t, cmp_double);
	printf("  %-28s median %8.2f ms  slowest %8.2f ms  %6.2f us/appointment\n", what,
	    t[runs / 2], t[runs - 1], t[runs / 2] * 1000.0 / n);
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10000;
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	char dir[] = "/tmp/appt_import.XXXXXX", csv[64], ics[64], err[512];
	double *tb_csv, *tb_ics, *tc, *ti, t0;
	long bytes_csv = 0, bytes_ics = 0;
	int r, got, rc = 1;

	if (n < 1)
		n = 10000;
	if (runs < 1)
		runs = 5;
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(csv, sizeof csv, "%s/a.csv", dir);
	snprintf(ics, sizeof ics, "%s/a.ics", dir);
	tb_csv = calloc((size_t)runs, sizeof *tb_csv);
	tb_ics = calloc((size_t)runs, sizeof *tb_ics);
	tc = calloc((size_t)runs, sizeof *tc);
	ti = calloc((size_t)runs, sizeof *ti);
	if (!tb_csv || !tb_ics || !tc || !ti || write_csv(csv, n) < 0 || write_ics(ics, n) < 0) {
		fprintf(stderr, "appt_import: cannot write the files in %s\n", dir);
		goto out;
	}
	for (r = 0; r < runs; r++) {
		struct appt_in *v = NULL;

		t0 = now_ms();
		bytes_csv = read_bytes(csv);
		tb_csv[r] = now_ms() - t0;
		t0 = now_ms();
		bytes_ics = read_bytes(ics);
		tb_ics[r] = now_ms() - t0;

		t0 = now_ms();
		got = appt_csv_read(csv, &v, err, sizeof err);
		tc[r] = now_ms() - t0;
		free(v);
		if (got != n) {
			fprintf(stderr, "appt_import: CSV: %d read, %d expected: %s\n", got, n, err);
			goto out;
		}
		v = NULL;
		t0 = now_ms();
		got = appt_ics_read(ics, 0, &v, err, sizeof err);
		ti[r] = now_ms() - t0;
		free(v);
		if (got != n) {
			fprintf(stderr, "appt_import: ICS: %d read, %d expected: %s\n", got, n, err);
			goto out;
		}
	}
	printf("appt_import: %d appointments, %d runs (CSV %ld bytes, iCalendar %ld bytes)\n",
	    n, runs, bytes_csv, bytes_ics);
	report("reference: CSV bytes only", tb_csv, runs, n);
	report("CSV, appt_csv_read", tc, runs, n);
	report("reference: ICS bytes only", tb_ics, runs, n);
	report("iCalendar, appt_ics_read", ti, runs, n);
	rc = 0;
out:
	unlink(csv);
	unlink(ics);
	rmdir(dir);
	free(tb_csv);
	free(tb_ics);
	free(tc);
	free(ti);
	return rc;
}
