/*
 * admin: `kiosk admin --db FILE VERB ...`, the set-up and reporting command
 * line. It talks to the database directly (SQLite's lock makes that safe
 * while the server runs) and prints secrets once, to stdout.
 */
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmds.h"
#include "core/log.h"
#include "core/queue.h"
#include "core/sign.h"
#include "core/site.h"
#include "store/store.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: kiosk admin --db FILE [--key KEYFILE] VERB ...\n"
	    "\n"
	    "  init --site SITE.ini         create the database, or update it from the site file\n"
	    "  keygen [--force]             create the site's signing key (KEYFILE, default FILE.key)\n"
	    "  pubkey                       print the public key, for verifiers ('kiosk verify')\n"
	    "  device add NAME              register a kiosk; prints its device key once\n"
	    "  user add LOGIN --role R      add or update a staff account (agent, manager, admin);\n"
	    "                               the password is read from standard input\n"
	    "  user token LOGIN             print a bearer token for scripts\n"
	    "  backup DEST                  online backup of the database into DEST\n"
	    "  report day [YYYY-MM-DD] [--csv]  the day's figures per service\n"
	    "  report --csv [YYYY-MM-DD]    open figures per service and hour, as CSV\n"
	    "  audit verify                 check the audit log's hash chain\n"
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

static int
load_site_tz(struct store *st, struct site *site)
{
	char err[300];
	if (store_load_site(st, site, err, sizeof err) != 0) {
		fprintf(stderr, "kiosk admin: %s\n", err);
		return -1;
	}
	setenv("TZ", site->tz, 1);
	tzset();
	return 0;
}

static int
report(struct store *st, int argc, char **argv)
{
	struct day_report r[SITE_MAX_SERVICES];
	struct site site;
	char day[11], err[300];
	int i, n, csv = 0;
	const char *date = NULL;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--csv"))
			csv = 1;
		else if (strlen(argv[i]) == 10 && argv[i][4] == '-' && argv[i][7] == '-')
			date = argv[i];
		else {
			fprintf(stderr, "kiosk admin report day: '%s' is not a date (YYYY-MM-DD)\n", argv[i]);
			return 2;
		}
	}
	if (load_site_tz(st, &site))
		return 1;
	queue_local_day((int64_t)time(NULL), day);
	if (date)
		snprintf(day, sizeof day, "%s", date);
	if ((n = store_report_day(st, day, r, SITE_MAX_SERVICES, err, sizeof err)) < 0) {
		fprintf(stderr, "kiosk admin: %s\n", err);
		return 1;
	}
	if (csv)
		printf("day,service,name,issued,served,no_show,not_served,cancelled,waiting,"
		    "wait_p50_s,wait_p90_s,service_avg_s\n");
	else
		printf("%s — %s\n\n%-3s %-36s %6s %6s %7s %10s %6s %8s %8s %8s\n", site.name, day, "",
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

static int
report_hourly(struct store *st, int argc, char **argv)
{
	static struct stat_row rows[SITE_MAX_SERVICES * 25];
	struct site site;
	char day[11], err[300];
	int i, n;

	if (load_site_tz(st, &site))
		return 1;
	queue_local_day((int64_t)time(NULL), day);
	if (argc > 0) {
		if (strlen(argv[0]) != 10 || argv[0][4] != '-' || argv[0][7] != '-') {
			fprintf(stderr, "kiosk admin report --csv: '%s' is not a date (YYYY-MM-DD)\n", argv[0]);
			return 2;
		}
		snprintf(day, sizeof day, "%s", argv[0]);
	}
	if ((n = store_stats(st, day, rows, (int)(sizeof rows / sizeof rows[0]), err, sizeof err)) < 0) {
		fprintf(stderr, "kiosk admin: %s\n", err);
		return 1;
	}
	printf("day,service,hour,issued,served,no_show,not_served,attestations,refused_duplicates,"
	    "wait_p50_s,wait_p90_s,service_avg_s\n");
	for (i = 0; i < n; i++) {
		char hour[16] = "all";
		if (rows[i].hour >= 0)
			snprintf(hour, sizeof hour, "%02d", rows[i].hour);
		printf("%s,%c,%s,%d,%d,%d,%d,%d,%d,%d,%d,%d\n", day, rows[i].service, hour,
		    rows[i].issued, rows[i].served, rows[i].no_show, rows[i].not_served,
		    rows[i].attestations, rows[i].refused_duplicates, rows[i].wait_p50_s,
		    rows[i].wait_p90_s, rows[i].service_avg_s);
	}
	return 0;
}

int
cmd_admin(int argc, char **argv)
{
	const char *db = NULL, *keyfile = NULL, *verb;
	char keybuf[PATH_MAX], err[512];
	struct store *st = NULL;
	int i = 1, rc = 1;
	int64_t now = (int64_t)time(NULL);

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (i + 1 < argc && !strcmp(argv[i], "--db")) {
			db = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--key")) {
			keyfile = argv[++i];
		} else {
			fprintf(stderr, "kiosk admin: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (db == NULL || i >= argc) {
		usage(stderr);
		return 2;
	}
	verb = argv[i++];
	if (keyfile == NULL) {
		snprintf(keybuf, sizeof keybuf, "%s.key", db);
		keyfile = keybuf;
	}
	if (sodium_init() < 0)
		fatalx("libsodium failed to initialise");
	if ((st = store_open(db, err, sizeof err)) == NULL) {
		fprintf(stderr, "kiosk admin: %s\n", err);
		return 1;
	}

	if (!strcmp(verb, "init")) {
		struct site site;
		if (i + 1 >= argc || strcmp(argv[i], "--site") != 0) {
			fprintf(stderr, "usage: kiosk admin --db FILE init --site SITE.ini\n");
			rc = 2;
		} else if (site_load(argv[i + 1], &site, err, sizeof err) != 0 ||
		    store_apply_site(st, &site, getenv("USER") ? getenv("USER") : "admin", now, err,
		    sizeof err) != 0) {
			fprintf(stderr, "kiosk admin: %s\n", err);
		} else {
			printf("site '%s' (%s): %d services, %d counters written to %s\n", site.id,
			    site.name, site.nservices, site.ncounters, db);
			rc = 0;
		}
	} else if (!strcmp(verb, "keygen")) {
		struct site site;
		int force = i < argc && !strcmp(argv[i], "--force");
		if (load_site_tz(st, &site) == 0) {
			if ((force ? signkey_replace : signkey_generate)(keyfile, site.id, err, sizeof err))
				fprintf(stderr, "kiosk admin: %s\n", err);
			else {
				printf("secret signing key written to %s (mode 0600); keep it on the server "
				    "only.\npublish the public key: kiosk admin --db %s pubkey\n", keyfile, db);
				rc = 0;
			}
		}
	} else if (!strcmp(verb, "pubkey")) {
		unsigned char sk[64], pk[32];
		char site_id[32], line[SIGNKEY_LINE_MAX];
		if (signkey_load_secret(keyfile, sk, site_id, sizeof site_id, err, sizeof err) != 0) {
			fprintf(stderr, "kiosk admin: %s\n", err);
		} else {
			crypto_sign_ed25519_sk_to_pk(pk, sk);
			sodium_memzero(sk, sizeof sk);
			signkey_format_public(pk, site_id, line, sizeof line);
			fputs(line, stdout);
			rc = 0;
		}
	} else if (!strcmp(verb, "device") && i + 1 < argc && !strcmp(argv[i], "add")) {
		char key[80];
		if (store_device_add(st, argv[i + 1], now, key, err, sizeof err) != 0)
			fprintf(stderr, "kiosk admin: %s\n", err);
		else {
			printf("%s\n", key);
			rc = 0;
		}
	} else if (!strcmp(verb, "user") && i + 3 < argc && !strcmp(argv[i], "add") &&
	    !strcmp(argv[i + 2], "--role")) {
		char pw[256];
		if (read_password(pw, sizeof pw) != 0)
			fprintf(stderr, "kiosk admin: give the password on standard input\n");
		else if (store_user_add(st, argv[i + 1], argv[i + 3], pw, now, err, sizeof err) != 0)
			fprintf(stderr, "kiosk admin: %s\n", err);
		else {
			printf("user '%s' (%s) saved\n", argv[i + 1], argv[i + 3]);
			rc = 0;
		}
		sodium_memzero(pw, sizeof pw);
	} else if (!strcmp(verb, "user") && i + 1 < argc && !strcmp(argv[i], "token")) {
		char secret[80];
		if (store_cred_new(st, "token", argv[i + 1], now, 0, secret, NULL, err, sizeof err) != 0)
			fprintf(stderr, "kiosk admin: %s\n", err);
		else {
			printf("%s\n", secret);
			rc = 0;
		}
	} else if (!strcmp(verb, "backup") && i < argc) {
		if (store_backup(st, argv[i], err, sizeof err) != 0)
			fprintf(stderr, "kiosk admin: %s\n", err);
		else {
			printf("backup written to %s\n", argv[i]);
			rc = 0;
		}
	} else if (!strcmp(verb, "report") && i < argc && !strcmp(argv[i], "day")) {
		rc = report(st, argc - i - 1, argv + i + 1);
	} else if (!strcmp(verb, "report") && i < argc && !strcmp(argv[i], "--csv")) {
		rc = report_hourly(st, argc - i - 1, argv + i + 1);
	} else if (!strcmp(verb, "audit") && i < argc && !strcmp(argv[i], "verify")) {
		int entries;
		if (store_audit_verify(st, &entries, err, sizeof err) != 0) {
			printf("audit log TAMPERED: %s\n", err);
			rc = 3;
		} else {
			printf("audit log intact: %d entries\n", entries);
			rc = 0;
		}
	} else if (!strcmp(verb, "retention")) {
		struct site site;
		if (load_site_tz(st, &site) == 0) {
			if (store_retention(st, &site, now, err, sizeof err) != 0)
				fprintf(stderr, "kiosk admin: %s\n", err);
			else
				rc = 0;
		}
	} else {
		fprintf(stderr, "kiosk admin: unknown or incomplete verb '%s'\n", verb);
		usage(stderr);
		rc = 2;
	}
	store_close(st);
	return rc;
}
