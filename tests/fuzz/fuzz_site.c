/*
 * fuzz_site: the site file (kiosk/io/site_file.c, site_load), the one file
 * an administrator writes by hand and `kiosk admin init` / `kiosk serve`
 * read. The input is the whole file, handed over as an in-memory file.
 *
 * Properties: a file that loads gives a site the rest of the programme can
 * trust: ids, names and counts within their bounds, every counter serving
 * only services defined in the file, all text NUL-terminated. A file that
 * is refused gives a one-line reason naming the file.
 */
#include <ctype.h>

#include "core/site.h"
#include "core/str.h"
#include "fuzz.h"

static void
check_site(const struct site *s)
{
	int i, j;

	FUZZ_ASSERT(memchr(s->id, '\0', sizeof s->id) && s->id[0]);
	FUZZ_ASSERT(memchr(s->name, '\0', sizeof s->name) && s->name[0]);
	FUZZ_ASSERT(memchr(s->tz, '\0', sizeof s->tz) && s->tz[0]);
	FUZZ_ASSERT(s->nservices >= 1 && s->nservices <= SITE_MAX_SERVICES);
	FUZZ_ASSERT(s->ncounters >= 1 && s->ncounters <= SITE_MAX_COUNTERS);
	for (i = 0; i < s->nservices; i++) {
		const struct site_service *sv = &s->services[i];
		FUZZ_ASSERT(isupper((unsigned char)sv->code));
		FUZZ_ASSERT(site_service(s, sv->code) == sv);
		FUZZ_ASSERT(sv->capacity >= 0 && sv->priority_reserve <= sv->capacity);
		FUZZ_ASSERT(sv->nnames >= 0 && sv->nnames <= SITE_MAX_NAMES);
		FUZZ_ASSERT(memchr(sv->name, '\0', sizeof sv->name) && sv->name[0]);
	}
	for (i = 0; i < s->ncounters; i++) {
		const struct site_counter *c = &s->counters[i];
		FUZZ_ASSERT(c->n >= 1 && c->n <= 99);
		FUZZ_ASSERT(memchr(c->services, '\0', sizeof c->services) && c->services[0]);
		for (j = 0; c->services[j]; j++)
			FUZZ_ASSERT(site_service(s, c->services[j]) != NULL);
	}
	for (i = 0; i < 7; i++)
		FUZZ_ASSERT((s->hours[i].open_min == -1 && s->hours[i].close_min == -1) ||
		    (s->hours[i].open_min >= 0 && s->hours[i].open_min < s->hours[i].close_min &&
		    s->hours[i].close_min <= 24 * 60));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct site s;     /* large: keep it off the stack */
	char path[64], err[400] = "";
	int fd, rc;

	if (size > 64 * 1024)
		return -1;        /* site files are a few kilobytes; not worth the time */
	fd = fuzz_memfile(data, size, path, sizeof path);
	rc = site_load(path, &s, err, sizeof err);
	close(fd);
	if (rc == 0) {
		check_site(&s);
	} else {
		FUZZ_ASSERT(rc == -1);
		FUZZ_ASSERT(strncmp(err, path, strlen(path)) == 0);
		FUZZ_ASSERT(strchr(err, '\n') == NULL);
	}
	return 0;
}
