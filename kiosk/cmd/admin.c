/*
 * admin: `kiosk admin --db FILE VERB ...`, the set-up and reporting command
 * line. It talks to the database directly (SQLite's lock makes that safe
 * while the server runs) and prints secrets once, to stdout.
 */
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmds.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/queue.h"
#include "core/sign.h"
#include "core/site.h"
#include "desk/desk.h"
#include "io/appt_in.h"
#include "io/runlock.h"
#include "store/store.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: kiosk admin --db FILE|CONNINFO [--key KEYFILE] VERB ...\n"
	    "\n"
	    "  init --site SITE.ini [--drop-open-tickets]\n"
	    "                               create the database, or update it from the site file;\n"
	    "                               refused while a server runs on FILE, and when the new\n"
	    "                               site drops a service with tickets open today (unless\n"
	    "                               --drop-open-tickets: they close at the day's end)\n"
	    "  keygen [--force]             create the site's signing key (KEYFILE, default FILE.key)\n"
	    "  pubkey                       print the public key, for verifiers ('kiosk verify')\n"
	    "  device add NAME              register a kiosk; prints its device key once\n"
	    "  user add LOGIN --role R      add or update a staff account (agent, manager, admin);\n"
	    "                               the password is read from standard input\n"
	    "  user token LOGIN             print a bearer token for scripts\n"
	    "  site export [--out FILE]     the site as the database holds it now (with the\n"
	    "                               managers' lasting changes), as a site file: to\n"
	    "                               standard output, or written whole to FILE\n"
	    "  backup DEST                  online backup of the database into DEST\n"
	    "  report day [YYYY-MM-DD] [--csv]  the day's figures per service\n"
	    "  report --csv [YYYY-MM-DD]    open figures per service and hour, as CSV\n"
	    "  report --channels [YYYY-MM-DD]  figures per service and channel (appointments,\n"
	    "                               walk-ins), as CSV: the /stats page's second CSV\n"
	    "  report --csv|--channels --all-sites [YYYY-MM-DD]\n"
	    "                               the same for every site of the PostgreSQL database:\n"
	    "                               a first column `site`, each site's rows, then `all`\n"
	    "                               (the sites together); sites not readable on stderr\n"
	    "  appointments import FILE.csv|FILE.ics [--service A]\n"
	    "                               store the appointments of a CSV file or an iCalendar\n"
	    "                               export (--service: for events without CATEGORIES);\n"
	    "                               all or nothing; importing it again changes nothing\n"
	    "  audit verify                 check the audit log's hash chain\n"
	    "  migrate --from FILE.db --to CONNINFO   (no --db) copy a site's whole history\n"
	    "                               into a new PostgreSQL database, and check its audit\n"
	    "  retention                    apply the retention periods now (the server does it daily)\n");
}

static int
read_password(char *out, size_t len)
{
	size_t n;

	if (fgets(out, (int)len, stdin) == NULL)
		return -1;
	n = strcspn(out, "\r\n");
	out[n] = '\0';
	return 0;
}

/* What every verb gets. */
struct admin {
	struct desk *desk;          /* the database's desk */
	const char *db;             /* its path */
	const char *keyfile;        /* the signing key's path */
	struct desk_actor who;      /* the person at the keyboard, for the audit log */
	int64_t now;
	char err[512];
	struct site *site;          /* init: the new site, loaded before the database opens */
	int drop_open;              /* init: --drop-open-tickets */
};

static int
failed(struct admin *ad)
{
	fprintf(stderr, "kiosk admin: %s\n", ad->err);
	return 1;
}

/* The site (and its time zone for local days), or a message. */
static const struct site *
site_tz(struct admin *ad)
{
	const struct site *s = desk_site(ad->desk);

	if (s == NULL) {
		fprintf(stderr, "kiosk admin: the database has no site yet: run "
		    "'kiosk admin --db %s init --site SITE.ini'\n", ad->db);
		return NULL;
	}
	setenv("TZ", s->tz, 1);
	tzset();
	return s;
}

static int
report(struct admin *ad, int argc, char **argv)
{
	struct day_report r[SITE_MAX_SERVICES];
	const struct site *site;
	char day[11];
	int i, n, csv = 0;
	const char *date = NULL;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--csv"))
			csv = 1;
		else if (queue_valid_day(argv[i]))
			date = argv[i];
		else {
			fprintf(stderr, "kiosk admin report day: '%s' is not a date (YYYY-MM-DD)\n", argv[i]);
			return 2;
		}
	}
	if ((site = site_tz(ad)) == NULL)
		return 1;
	queue_local_day(ad->now, day);
	if (date)
		snprintf(day, sizeof day, "%s", date);
	if ((n = desk_report(ad->desk, day, r, SITE_MAX_SERVICES, ad->err, sizeof ad->err)) < 0)
		return failed(ad);
	if (csv)
		printf("day,service,name,issued,served,no_show,not_served,cancelled,waiting,"
		    "wait_p50_s,wait_p90_s,service_avg_s\n");
	else
		printf("%s — %s\n\n%-3s %-36s %6s %6s %7s %10s %6s %8s %8s %8s\n", site->name, day, "",
		    "service", "issued", "served", "no-show", "not served", "open", "wait p50",
		    "wait p90", "service");
	for (i = 0; i < n; i++) {
		if (csv)
			printf("%s,%c,\"%s\",%d,%d,%d,%d,%d,%d,%d,%d,%d\n", day, r[i].service, r[i].name,
			    r[i].issued, r[i].served, r[i].no_show, r[i].not_served, r[i].cancelled,
			    r[i].waiting, r[i].wait_p50_s, r[i].wait_p90_s, r[i].service_avg_s);
		else
			printf("%-3c %-36.36s %6d %6d %7d %10d %6d %6dm%02d %6dm%02d %6dm%02d\n",
			    r[i].service, r[i].name, r[i].issued, r[i].served, r[i].no_show,
			    r[i].not_served, r[i].waiting, r[i].wait_p50_s / 60, r[i].wait_p50_s % 60,
			    r[i].wait_p90_s / 60, r[i].wait_p90_s % 60, r[i].service_avg_s / 60,
			    r[i].service_avg_s % 60);
	}
	return 0;
}

#define HOURLY_CSV_HEAD "day,service,hour,issued,served,no_show,not_served,attestations," \
    "refused_duplicates,wait_p50_s,wait_p90_s,service_avg_s"

/* The rows of the hourly CSV, each after a cell `site` unless NULL. */
static void
hourly_rows(const char *site, const char *day, const struct stat_row *rows, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		char hour[16] = "all";
		if (rows[i].hour >= 0)
			snprintf(hour, sizeof hour, "%02d", rows[i].hour);
		if (site)
			printf("%s,", site);
		printf("%s,%c,%s,%d,%d,%d,%d,%d,%d,%d,%d,%d\n", day, rows[i].service, hour,
		    rows[i].issued, rows[i].served, rows[i].no_show, rows[i].not_served,
		    rows[i].attestations, rows[i].refused_duplicates, rows[i].wait_p50_s,
		    rows[i].wait_p90_s, rows[i].service_avg_s);
	}
}

/* A CSV built in memory, to standard output: 0, or 1 when it ran out of memory. */
static int
print_buf(struct buf *b)
{
	int failed = b->failed;

	if (failed)
		fprintf(stderr, "kiosk admin: out of memory\n");
	else
		fputs(buf_str(b), stdout);
	buf_free(b);
	return failed;
}

/* The report's options: [--all-sites] [YYYY-MM-DD], in either order. 0, or
 * 2 for a usage error (said). */
static int
report_args(struct admin *ad, const char *verb, int argc, char **argv, char day[11],
    int *all_sites)
{
	int i;

	*all_sites = 0;
	queue_local_day(ad->now, day);
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--all-sites")) {
			*all_sites = 1;
		} else if (!queue_valid_day(argv[i])) {
			fprintf(stderr, "kiosk admin report %s: '%s' is not a date (YYYY-MM-DD)\n",
			    verb, argv[i]);
			return 2;
		} else {
			snprintf(day, 11, "%s", argv[i]);
		}
	}
	return 0;
}

/*
 * --all-sites (issue #11): every site of the database, a first column
 * `site`: each site's rows (its id), then the sites together (`all`: the
 * hourly counts added up and the waits' percentiles over every wait; per
 * channel, counts added up, the mean wait weighted by the calls and the
 * percentiles empty). A site this server cannot read is named on stderr.
 */
static int
report_all_sites(struct admin *ad, const char *day, int channels)
{
	struct desk_figures fg;
	struct buf b = BUF_INIT;
	int i;

	if (desk_figures(ad->desk, day, ad->now, NULL, &fg, ad->err, sizeof ad->err) != DK_OK)
		return failed(ad);
	for (i = 0; i < fg.n; i++)
		if (fg.sites[i].site.skipped[0])
			fprintf(stderr, "kiosk admin: the site%s%s in schema \"%s\" was skipped: %s\n",
			    fg.sites[i].site.id[0] ? " " : "", fg.sites[i].site.id,
			    fg.sites[i].site.schema, fg.sites[i].site.skipped);
	if (!channels) {
		printf("site," HOURLY_CSV_HEAD "\n");
		for (i = 0; i < fg.n; i++)
			if (!fg.sites[i].site.skipped[0])
				hourly_rows(fg.sites[i].site.id, day, fg.sites[i].rows,
				    fg.sites[i].nrows);
		hourly_rows("all", day, fg.all.rows, fg.all.nrows);
		desk_figures_free(&fg);
		return 0;
	}
	buf_puts(&b, "site," DESK_CHANNELS_CSV_HEAD "\n");
	for (i = 0; i < fg.n; i++)
		if (!fg.sites[i].site.skipped[0])
			desk_channels_csv_rows(&b, fg.sites[i].site.id, day, fg.sites[i].ch,
			    fg.sites[i].nch);
	desk_channels_csv_rows(&b, "all", day, fg.all.ch, fg.all.nch);
	desk_figures_free(&fg);
	return print_buf(&b);
}

static int
report_hourly(struct admin *ad, int argc, char **argv)
{
	static struct stat_row rows[SITE_MAX_SERVICES * 25];
	char day[11];
	int n, all_sites, rc;

	if (site_tz(ad) == NULL)
		return 1;
	if ((rc = report_args(ad, "--csv", argc, argv, day, &all_sites)) != 0)
		return rc;
	if (all_sites)
		return report_all_sites(ad, day, 0);
	if ((n = desk_stats(ad->desk, day, rows, (int)(sizeof rows / sizeof rows[0]), ad->err,
	    sizeof ad->err)) < 0)
		return failed(ad);
	printf(HOURLY_CSV_HEAD "\n");
	hourly_rows(NULL, day, rows, n);
	return 0;
}

/* The figures per service and channel as CSV (desk_channels_csv). */
static int
report_channels(struct admin *ad, int argc, char **argv)
{
	struct channel_row ch[SITE_MAX_SERVICES];
	struct buf b = BUF_INIT;
	char day[11];
	int n, all_sites, rc;

	if (site_tz(ad) == NULL)
		return 1;
	if ((rc = report_args(ad, "--channels", argc, argv, day, &all_sites)) != 0)
		return rc;
	if (all_sites)
		return report_all_sites(ad, day, 1);
	if ((n = desk_channels(ad->desk, day, ad->now, ch, SITE_MAX_SERVICES, ad->err,
	    sizeof ad->err)) < 0)
		return failed(ad);
	desk_channels_csv(&b, day, ch, n);
	return print_buf(&b);
}

/* -- the verbs: argv holds what follows the verb ---------------------------------- */

/* init's arguments: the site file, loaded (ad->site), and the option. 0,
 * 2 for a usage error, 1 for a site file refused. Runs before the database
 * is opened, so a bad file leaves even a new database file uncreated. */
static int
init_args(struct admin *ad, int argc, char **argv)
{
	const char *path = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--site") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--drop-open-tickets"))
			ad->drop_open = 1;
		else
			path = NULL, i = argc;
	}
	if (path == NULL) {
		fprintf(stderr, "usage: kiosk admin --db FILE init --site SITE.ini "
		    "[--drop-open-tickets]\n");
		return 2;
	}
	if ((ad->site = malloc(sizeof *ad->site)) == NULL ||
	    site_load(path, ad->site, ad->err, sizeof ad->err) != 0) {
		if (ad->site == NULL)
			snprintf(ad->err, sizeof ad->err, "out of memory");
		return failed(ad);
	}
	return 0;
}

/* The site was loaded by init_args, and the run lock is held (cmd_admin). */
static int
do_init(struct admin *ad, int argc, char **argv)
{
	const struct site *old = desk_site(ad->desk), *site = ad->site;
	char why[400];
	int n;

	(void)argc;
	(void)argv;
	if (old != NULL) {
		/* "today" is the stored site's day */
		setenv("TZ", old->tz, 1);
		tzset();
	}
	if ((n = desk_site_drops(ad->desk, site, ad->now, why, sizeof why)) < 0) {
		snprintf(ad->err, sizeof ad->err, "%s", why);
		return failed(ad);
	}
	if (n > 0 && !ad->drop_open) {
		fprintf(stderr, "kiosk admin: the new site drops %s: no counter could call them.\n"
		    "Serve or cancel them first, or run init again with --drop-open-tickets (they "
		    "are then closed as not served at the end of the day).\n", why);
		return 1;
	}
	if (n > 0)
		fprintf(stderr, "kiosk admin: --drop-open-tickets: %s; they close as not served "
		    "at the end of the day\n", why);
	if (desk_apply_site(ad->desk, &ad->who, site, ad->now, ad->err, sizeof ad->err) != DK_OK)
		return failed(ad);
	printf("site '%s' (%s): %d services, %d counters written to %s\n", site->id, site->name,
	    site->nservices, site->ncounters, ad->db);
	return 0;
}

static int
do_keygen(struct admin *ad, int argc, char **argv)
{
	const struct site *site = site_tz(ad);
	int force = argc > 0 && !strcmp(argv[0], "--force");

	if (site == NULL)
		return 1;
	if ((force ? signkey_replace : signkey_generate)(ad->keyfile, site->id, ad->err,
	    sizeof ad->err))
		return failed(ad);
	printf("secret signing key written to %s (mode 0600); keep it on the server only.\n"
	    "publish the public key: kiosk admin --db %s pubkey\n", ad->keyfile, ad->db);
	return 0;
}

static int
do_pubkey(struct admin *ad, int argc, char **argv)
{
	unsigned char sk[64], pk[32];
	char site_id[32], line[SIGNKEY_LINE_MAX];

	(void)argc;
	(void)argv;
	if (signkey_load_secret(ad->keyfile, sk, site_id, sizeof site_id, ad->err,
	    sizeof ad->err) != 0)
		return failed(ad);
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	sodium_memzero(sk, sizeof sk);
	signkey_format_public(pk, site_id, line, sizeof line);
	/* A comment line (verifiers skip '#' lines): `kiosk verify` takes
	 * "today" on the site's clock, not the checking machine's. */
	if (desk_site(ad->desk) != NULL)
		printf("# timezone %s\n", desk_site(ad->desk)->tz);
	fputs(line, stdout);
	return 0;
}

static int
do_device(struct admin *ad, int argc, char **argv)
{
	char key[80];

	if (argc < 2 || strcmp(argv[0], "add") != 0)
		return -1;
	if (desk_device_add(ad->desk, &ad->who, argv[1], ad->now, key, ad->err,
	    sizeof ad->err) != DK_OK)
		return failed(ad);
	printf("%s\n", key);
	return 0;
}

static int
do_user(struct admin *ad, int argc, char **argv)
{
	char pw[256], secret[80];
	int rc;

	if (argc >= 4 && !strcmp(argv[0], "add") && !strcmp(argv[2], "--role")) {
		if (read_password(pw, sizeof pw) != 0) {
			fprintf(stderr, "kiosk admin: give the password on standard input\n");
			return 1;
		}
		rc = desk_user_add(ad->desk, &ad->who, argv[1], argv[3], pw, ad->now, ad->err,
		    sizeof ad->err);
		sodium_memzero(pw, sizeof pw);
		if (rc != DK_OK)
			return failed(ad);
		printf("user '%s' (%s) saved\n", argv[1], argv[3]);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[0], "token")) {
		if (desk_token_new(ad->desk, &ad->who, argv[1], ad->now, secret, ad->err,
		    sizeof ad->err) != DK_OK)
			return failed(ad);
		printf("%s\n", secret);
		return 0;
	}
	return -1;
}

static int
do_backup(struct admin *ad, int argc, char **argv)
{
	if (argc < 1)
		return -1;
	if (desk_backup(ad->desk, argv[0], ad->err, sizeof ad->err) != DK_OK)
		return failed(ad);
	printf("backup written to %s\n", argv[0]);
	return 0;
}

static int
do_report(struct admin *ad, int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "day"))
		return report(ad, argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "--csv"))
		return report_hourly(ad, argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "--channels"))
		return report_channels(ad, argc - 1, argv + 1);
	return -1;
}

static int
do_audit(struct admin *ad, int argc, char **argv)
{
	int entries;

	if (argc < 1 || strcmp(argv[0], "verify") != 0)
		return -1;
	if (desk_audit_verify(ad->desk, &entries, ad->err, sizeof ad->err) != DK_OK) {
		printf("audit log TAMPERED: %s\n", ad->err);
		return 3;
	}
	printf("audit log intact: %d entries\n", entries);
	return 0;
}

/* `appointments import FILE [--service A]`: the file read by the io layer
 * in the site's time zone, then stored by the desk in one transaction. */
static int
do_appointments(struct admin *ad, int argc, char **argv)
{
	struct appt_in *list = NULL;
	struct desk_appt_counts c;
	const char *file, *ext;
	char service = 0;
	int n, rc;

	if (argc < 2 || strcmp(argv[0], "import") != 0)
		return -1;
	file = argv[1];
	if (argc == 4 && !strcmp(argv[2], "--service") && strlen(argv[3]) == 1 &&
	    argv[3][0] >= 'A' && argv[3][0] <= 'Z')
		service = argv[3][0];
	else if (argc != 2) {
		fprintf(stderr, "usage: kiosk admin --db FILE appointments import FILE.csv|FILE.ics "
		    "[--service A]\n");
		return 2;
	}
	if (site_tz(ad) == NULL)
		return 1;
	ext = strrchr(file, '.');
	if (ext && !strcasecmp(ext, ".csv")) {
		if (service) {
			fprintf(stderr, "kiosk admin: --service is for iCalendar files: a CSV file "
			    "names each appointment's service\n");
			return 2;
		}
		n = appt_csv_read(file, &list, ad->err, sizeof ad->err);
	} else if (ext && !strcasecmp(ext, ".ics")) {
		n = appt_ics_read(file, service, &list, ad->err, sizeof ad->err);
	} else {
		fprintf(stderr, "kiosk admin: %s: expected a .csv or an .ics file\n", file);
		return 2;
	}
	if (n < 0)
		return failed(ad);
	rc = desk_appt_put(ad->desk, &ad->who, ext[1] == 'c' || ext[1] == 'C' ? "csv" : "ics", list,
	    n, ad->now, NULL, NULL, &c, ad->err, sizeof ad->err);
	if (list)
		sodium_memzero(list, (size_t)n * sizeof *list);   /* document numbers */
	free(list);
	if (rc != DK_OK) {
		fprintf(stderr, "kiosk admin: %s: nothing imported: %s\n", file, ad->err);
		return 1;
	}
	printf("%s: %d appointments read: %d stored (%d new, %d changed), %d unchanged, "
	    "%d cancelled", file, n, c.created + c.updated, c.created, c.updated, c.unchanged,
	    c.cancelled);
	if (c.older)
		printf(", %d older than the stored version (ignored)", c.older);
	printf("\n");
	return 0;
}

/* The site file into path, whole or not at all (a temporary file renamed). */
static int
export_to(struct admin *ad, const struct site *s, const char *path)
{
	char tmp[PATH_MAX + 8];
	FILE *f;
	int rc, fd = -1, secret = s->appt.webhook_secret[0] != '\0';

	/* A site with a webhook secret: the file holds it, readable by its
	 * owner only (as the site file it came from should be). */
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp ||
	    (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, secret ? 0600 : 0666)) < 0 ||
	    (secret && fchmod(fd, 0600) != 0) || !(f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		fprintf(stderr, "kiosk admin: cannot write %s\n", tmp);
		return 1;
	}
	fprintf(f, "; site exported from %s by 'kiosk admin site export'\n", ad->db);
	rc = site_write(f, s, ad->err, sizeof ad->err);
	if (fsync(fileno(f)) != 0 && rc == 0)
		rc = -1, snprintf(ad->err, sizeof ad->err, "cannot write %.400s", tmp);
	if (fclose(f) != 0 && rc == 0)
		rc = -1, snprintf(ad->err, sizeof ad->err, "cannot write %.400s", tmp);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1, snprintf(ad->err, sizeof ad->err, "cannot rename %.200s to %.200s", tmp, path);
	if (rc != 0) {
		unlink(tmp);
		return failed(ad);
	}
	fprintf(stderr, "site written to %s\n", path);
	return 0;
}

static int
do_site(struct admin *ad, int argc, char **argv)
{
	const struct site *s;

	if (argc < 1 || strcmp(argv[0], "export") != 0 || (argc != 1 &&
	    (argc != 3 || strcmp(argv[1], "--out") != 0)))
		return -1;
	if ((s = site_tz(ad)) == NULL)
		return 1;
	if (argc == 3)
		return export_to(ad, s, argv[2]);
	printf("; site exported from %s by 'kiosk admin site export'\n", ad->db);
	return site_write(stdout, s, ad->err, sizeof ad->err) ? failed(ad) : 0;
}

static int
do_retention(struct admin *ad, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (site_tz(ad) == NULL)
		return 1;
	return desk_retention(ad->desk, ad->now, ad->err, sizeof ad->err) != DK_OK ? failed(ad) : 0;
}

/* kiosk admin migrate --from FILE.db --to CONNINFO: the file's history into
 * a new PostgreSQL database, then its audit chain checked there. */
static int
do_migrate(int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	char err[600];
	struct store *st;
	struct desk *d;
	long rows;
	int i, tables, entries;

	for (i = 0; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--from"))
			from = argv[i + 1];
		else if (!strcmp(argv[i], "--to"))
			to = argv[i + 1];
		else
			break;
	}
	if (from == NULL || to == NULL || i != argc) {
		fprintf(stderr, "usage: kiosk admin migrate --from FILE.db --to CONNINFO\n");
		return 2;
	}
	if (store_copy(from, to, &tables, &rows, err, sizeof err) != ST_OK) {
		fprintf(stderr, "kiosk admin migrate: %s; nothing was kept\n", err);
		return 1;
	}
	printf("%d tables, %ld rows copied from %s\n", tables, rows, from);
	if ((st = store_open(to, err, sizeof err)) == NULL ||
	    (d = desk_open(st, NULL, err, sizeof err)) == NULL) {
		fprintf(stderr, "kiosk admin migrate: %s\n", err);
		store_close(st);
		return 1;
	}
	i = desk_audit_verify(d, &entries, err, sizeof err);
	desk_close(d);
	store_close(st);
	if (i != DK_OK) {
		printf("audit log TAMPERED after the move: %s\n", err);
		return 1;
	}
	printf("audit log intact after the move: %d entries\n", entries);
	return 0;
}

int
cmd_admin(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct admin *, int, char **);   /* -1: incomplete */
	} verbs[] = {
		{ "init", do_init }, { "keygen", do_keygen }, { "pubkey", do_pubkey },
		{ "device", do_device }, { "user", do_user }, { "backup", do_backup },
		{ "report", do_report }, { "audit", do_audit }, { "retention", do_retention },
		{ "site", do_site }, { "appointments", do_appointments },
	};
	struct admin ad;
	struct store *st = NULL;
	struct runlock *lock = NULL;
	char keybuf[PATH_MAX];
	const char *verb;
	size_t k;
	int i = 1, rc = -1, busy;

	memset(&ad, 0, sizeof ad);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (i + 1 < argc && !strcmp(argv[i], "--db")) {
			ad.db = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--key")) {
			ad.keyfile = argv[++i];
		} else {
			fprintf(stderr, "kiosk admin: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	/* migrate names its own two databases. */
	if (ad.db == NULL && i < argc && !strcmp(argv[i], "migrate"))
		return do_migrate(argc - i - 1, argv + i + 1);
	if (ad.db == NULL || i >= argc) {
		usage(stderr);
		return 2;
	}
	verb = argv[i++];
	if (ad.keyfile == NULL && store_is_pg(ad.db)) {
		fprintf(stderr, "kiosk admin: with a PostgreSQL database, name the site's signing "
		    "key with --key FILE\n");
		return 2;
	}
	if (ad.keyfile == NULL) {
		snprintf(keybuf, sizeof keybuf, "%s.key", ad.db);
		ad.keyfile = keybuf;
	}
	ad.now = (int64_t)time(NULL);
	ad.who.name = getenv("USER") ? getenv("USER") : "admin";
	/* init replaces the site: check the file first, and never under a
	 * running server (it would go on issuing for a service just dropped) */
	if (!strcmp(verb, "init")) {
		if ((rc = init_args(&ad, argc - i, argv + i)) != 0)
			goto out;
		/* PostgreSQL: several servers share the database; the operator
		 * stops them before replacing the site. */
		if (!store_is_pg(ad.db) && (lock = runlock_take(ad.db, RUNLOCK_EXCLUSIVE, &busy,
		    ad.err, sizeof ad.err)) == NULL) {
			rc = failed(&ad);
			goto out;
		}
	}
	if ((st = store_open(ad.db, ad.err, sizeof ad.err)) == NULL ||
	    (ad.desk = desk_open(st, NULL, ad.err, sizeof ad.err)) == NULL) {
		rc = failed(&ad);
		goto out;
	}
	for (k = 0; k < sizeof verbs / sizeof verbs[0]; k++)
		if (!strcmp(verb, verbs[k].name))
			rc = verbs[k].fn(&ad, argc - i, argv + i);
	if (rc < 0) {
		fprintf(stderr, "kiosk admin: unknown or incomplete verb '%s'\n", verb);
		usage(stderr);
		rc = 2;
	}
out:
	desk_close(ad.desk);
	store_close(st);
	runlock_release(lock);
	free(ad.site);
	return rc;
}
