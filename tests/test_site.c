/*
 * test_site: the strict site file (issue 14, item 4). Every bad file is
 * written to a temporary directory and must be refused with "FILE:LINE:"
 * and the reason: a section twice, a key twice, a line longer than inih
 * reads whole (its tail would be read as a setting), a NUL or another
 * control character, invalid UTF-8 (Latin-1, an overlong form). A BOM and
 * CRLF line ends are accepted. Then `kiosk admin init` (cmd_admin, as the
 * command line runs it) with a bad file leaves the database as it was.
 * Last, site_write (`kiosk admin site export`, issue 16): every field of a
 * full site comes back the same through site_load, the metrics token as
 * its hash; a name a site file cannot hold is refused, not written.
 */
#include <unistd.h>

#include "cmd/cmds.h"
#include "fixture.h"

static char dir[512];

#define GOOD \
	"[site]\n" \
	"id = t\n" \
	"name = Test\n" \
	"timezone = Europe/Paris\n" \
	"\n" \
	"[service A]\n" \
	"name = Premier titre\n" \
	"capacity = 10\n" \
	"\n" \
	"[service B]\n" \
	"name = Renouvellement\n" \
	"capacity = 20\n" \
	"\n" \
	"[counter 1]\n" \
	"services = A B\n"

/* Write n bytes (NULs included) as dir/name; its path into path. */
static void
write_raw(const char *name, const char *b, size_t n, char *path, size_t len)
{
	FILE *f;

	fixture_path(path, len, dir, name);
	REQUIRE((f = fopen(path, "wb")) != NULL);
	REQUIRE(fwrite(b, 1, n, f) == n);
	REQUIRE(fclose(f) == 0);
}

/* The file must be refused at `line`, with `what` in the reason. */
static void
refused(const char *name, const char *b, size_t n, int line, const char *what)
{
	char path[600], want[700], err[600] = "";
	struct site s;

	write_raw(name, b, n, path, sizeof path);
	CHECK_INT(site_load(path, &s, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:%d: ", path, line);
	if (strncmp(err, want, strlen(want)) != 0 || strstr(err, what) == NULL) {
		fprintf(stderr, "FAIL %s: expected \"%s...%s...\", got \"%s\"\n", name, want, what, err);
		CHECK(0);
	} else {
		CHECK(1);
	}
}

static void
accepted(const char *name, const char *b, size_t n)
{
	char path[600], err[600] = "";
	struct site s;

	write_raw(name, b, n, path, sizeof path);
	if (site_load(path, &s, err, sizeof err) != 0)
		fprintf(stderr, "%s: %s\n", name, err);
	CHECK_INT(s.nservices, 2);
	CHECK_INT(site_service(&s, 'A')->capacity, 10);
}

#define TEXT(lit) lit, sizeof(lit) - 1

static void
test_good(void)
{
	accepted("good.ini", TEXT(GOOD));
	accepted("bom.ini", TEXT("\xef\xbb\xbf" GOOD));
	/* CRLF line ends, tabs, and UTF-8 names */
	accepted("crlf.ini", TEXT("[site]\r\nid = t\r\nname =\tPr\xc3\xa9" "fecture\r\n"
	    "timezone = Europe/Paris\r\n[service A]\r\nname = \xe2\x82\xac\r\ncapacity = 10\r\n"
	    "[service B]\r\nname = B\r\ncapacity = 1\r\n[counter 1]\r\nservices = A\r\n"));
}

static void
test_duplicates(void)
{
	/* a second [service A] used to replace the first's capacity silently */
	refused("dup-service.ini", TEXT(GOOD "\n[service A]\ncapacity = 99\n"), 17,
	    "[service A] appears twice (first at line 6)");
	/* [counter 01] is counter 1 */
	refused("dup-counter.ini", TEXT(GOOD "[counter 01]\nservices = A\n"), 16,
	    "[counter 1] appears twice (first at line 14)");
	refused("dup-site.ini", TEXT(GOOD "[site]\nname = Autre\n"), 16, "[site] appears twice");
	refused("dup-key.ini", TEXT("[site]\nid = t\nname = A\nname = B\n"), 4,
	    "'name' is set twice in [site]");
	refused("bind.ini", TEXT(GOOD "[service C]\nname = C\ncapacity = 1\nbind_holder = maybe\n"),
	    19, "bind_holder: expected yes, no or all_sites");
	refused("dup-capacity.ini", TEXT(GOOD "[service C]\nname = C\ncapacity = 1\ncapacity = 7\n"),
	    19, "'capacity' is set twice in [service C]");
}

static void
test_long_line(void)
{
	char b[1024];
	int n;

	/* a comment whose bytes past inih's buffer read "capacity = 7" */
	n = snprintf(b, sizeof b, "[site]\nid = t\nname = T\ntimezone = Europe/Paris\n"
	    "[service A]\nname = A\ncapacity = 10\n; %.*s capacity = 7\n[service B]\nname = B\n"
	    "capacity = 1\n[counter 1]\nservices = A\n", 196,
	    "..................................................................................."
	    "..................................................................................."
	    "...................................................................................");
	refused("long-comment.ini", b, (size_t)n, 8, "longer than 199 bytes");
	/* 199 bytes is the longest line read whole */
	n = snprintf(b, sizeof b, "; %197s\n%s", "x", GOOD);
	accepted("longest.ini", b, (size_t)n);
	n = snprintf(b, sizeof b, "%s; %198s\n", GOOD, "x");
	refused("too-long.ini", b, (size_t)n, 16, "longer than 199 bytes");
}

static void
test_bytes(void)
{
	/* a NUL cut "Premier titre" short */
	refused("nul.ini", TEXT("[site]\nid = t\nname = Pre\0mier\ntimezone = Europe/Paris\n"), 3,
	    "a NUL");
	refused("ctrl.ini", TEXT(GOOD "; bell \x07 here\n"), 16, "control character 0x07");
	refused("esc.ini", TEXT("[site]\nname = \x1b[31mred\n"), 2, "control character 0x1b");
	refused("del.ini", TEXT("[site]\nname = a\x7f\n"), 2, "control character 0x7f");
	refused("lone-cr.ini", TEXT("[site]\nname = a\rcapacity = 7\n"), 2, "carriage return");
	/* Latin-1 "Préfecture", and "é" as an overlong 3-byte form */
	refused("latin1.ini", TEXT("[site]\nid = t\nname = Pr\xe9" "fecture\n"), 3,
	    "not valid UTF-8");
	refused("overlong.ini", TEXT("[site]\nid = t\nname = Pr\xe0\x83\xa9\n"), 3,
	    "not valid UTF-8");
	refused("surrogate.ini", TEXT("[site]\nname = \xed\xa0\x80\n"), 2, "not valid UTF-8");
	/* a BOM anywhere but the start is U+FEFF, valid; a BOM cut short is not */
	refused("half-bom.ini", TEXT("\xef\xbb[site]\n"), 1, "not valid UTF-8");
}

/* `kiosk admin init` with a bad file: exits non-zero, database unchanged. */
static void
test_init_unchanged(void)
{
	char db[600], good[600], bad[600], fresh[600], arg_db[700];
	const char *sum = "SELECT (SELECT COUNT(*) FROM audit) * 1000000 + "
	    "(SELECT COUNT(*) FROM services) * 10000 + (SELECT TOTAL(capacity) FROM services)";
	long long before;
	char *argv[8];

	fixture_path(db, sizeof db, dir, "q.db");
	write_raw("init-good.ini", TEXT(GOOD), good, sizeof good);
	write_raw("init-bad.ini", TEXT(GOOD "\n[service A]\ncapacity = 99\n"), bad, sizeof bad);
	argv[0] = "admin";
	argv[1] = "--db";
	argv[2] = db;
	argv[3] = "init";
	argv[4] = "--site";
	argv[5] = good;
	argv[6] = NULL;
	REQUIRE(cmd_admin(6, argv) == 0);
	before = fixture_sql1(db, sum);
	CHECK_INT(before, 1 * 1000000 + 2 * 10000 + 30);
	argv[5] = bad;
	CHECK(cmd_admin(6, argv) != 0);
	CHECK_INT(fixture_sql1(db, sum), before);
	/* and on a new database, a bad file creates no file at all */
	fixture_path(fresh, sizeof fresh, dir, "fresh.db");
	snprintf(arg_db, sizeof arg_db, "%s", fresh);
	argv[2] = arg_db;
	CHECK(cmd_admin(6, argv) != 0);
	CHECK(access(fresh, F_OK) != 0);
}

#define FULL \
	"[site]\nid = prefecture-93\nname = Pr\xc3\xa9" "fecture \xe2\x80\x94 Bobigny\n" \
	"timezone = Europe/Paris\nmon = 08:30-16:00\ntue = 08:30-12:00\nwed = closed\n" \
	"thu = 09:00-17:45\nfri = 08:30-15:00\nsat = 00:00-24:00\n" \
	"max_recalls = 4\npriority_streak = 2\nreprint_limit = 1\ndefault_service_min = 7\n" \
	"tls_cert = /etc/kiosk/cert.pem\ntls_key = /etc/kiosk/key.pem\n" \
	"metrics = token\nmetrics_token = 0123456789abcdef-secret\n" \
	"[service C]\nname = Retrait; guichet\nname.en = Pick-up\nname.fa-AF = \xd8\xaa\n" \
	"capacity = 150\npriority_reserve = 10\nbind_holder = all_sites\n" \
	"[service A]\nname = Premier titre\ncapacity = 0\nbind_holder = yes\n" \
	"[counter 12]\nname = Point num\xc3\xa9rique\nservices = C A\n" \
	"[counter 2]\nservices = A\n" \
	"[alerts]\nburst_per_minute = 0\nholder_refusals = 5\noutside_hours = 9\n" \
	"reprints_per_hour = 1\npaper_ratio = 200\n" \
	"[privacy]\nevents_months = 24\nholder_days = 3\n"

static void
test_write(void)
{
	char path[600], back[600], err[600] = "";
	struct site a, b;
	FILE *f;

	write_raw("full.ini", TEXT(FULL), path, sizeof path);
	REQUIRE(site_load(path, &a, err, sizeof err) == 0);
	fixture_path(back, sizeof back, dir, "back.ini");
	REQUIRE((f = fopen(back, "w")) != NULL);
	CHECK_INT(site_write(f, &a, err, sizeof err), 0);
	REQUIRE(fclose(f) == 0);
	memset(&b, 0x55, sizeof b);
	if (site_load(back, &b, err, sizeof err) != 0)
		fprintf(stderr, "the export does not load: %s\n", err);
	/* Field by field, then the whole struct (site_load zeroes it first). */
	CHECK_STR(b.name, a.name);
	CHECK_INT(b.hours[3].open_min, -1);
	CHECK_INT(b.hours[6].close_min, 24 * 60);
	CHECK_INT(b.default_service_s, 7 * 60);
	CHECK_INT(b.metrics, SITE_METRICS_TOKEN);
	CHECK_STR(b.metrics_token_hash, a.metrics_token_hash);
	CHECK_STR(site_service(&b, 'C')->names[1].lang, "fa-AF");
	CHECK_STR(site_counter(&b, 12)->services, "CA");
	CHECK_INT(b.privacy.holder_days, 3);
	/* all_sites comes back as all_sites, yes as yes (issue #11). */
	CHECK_INT(site_service(&b, 'C')->bind_holder, SITE_BIND_ALL_SITES);
	CHECK_INT(site_service(&b, 'A')->bind_holder, 1);
	CHECK(memcmp(&a, &b, sizeof a) == 0);

	/* A counter name a site file cannot hold: refused, nothing written. */
	snprintf(a.counters[0].name, sizeof a.counters[0].name, "Guichet ;1");
	REQUIRE((f = fopen(back, "w")) != NULL);
	CHECK_INT(site_write(f, &a, err, sizeof err), -1);
	CHECK(strstr(err, "'Guichet ;1'") != NULL);
	CHECK(ftell(f) == 0);
	fclose(f);
	/* The hash alone, malformed: refused with its line. */
	refused("hash.ini", TEXT("[site]\nid = t\nname = T\ntimezone = UTC\nmetrics = token\n"
	    "metrics_token_hash = 12ab\n[service A]\nname = A\ncapacity = 1\n"
	    "[counter 1]\nservices = A\n"), 6, "64 lowercase hex");
}

int
main(void)
{
	fixture_tmpdir(dir, sizeof dir, "test_site");
	test_good();
	test_duplicates();
	test_long_line();
	test_bytes();
	test_init_unchanged();
	test_write();
	fixture_rmdir(dir);
	return TEST_REPORT();
}
