/*
 * site: the lookups of site.h. Pure core: libc only. Parsing the site file
 * is io/site_file.c's (inih).
 */
#include <stdio.h>
#include <string.h>

#include "core/site.h"

int
site_parse_hhmm(const char *s)
{
	int h, m;
	char tail;

	if (sscanf(s, "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 || h > 24 ||
	    m < 0 || m > 59 || (h == 24 && m != 0) || strlen(s) != 5)
		return -1;
	return h * 60 + m;
}

int
site_binds_all_sites(const struct site *s)
{
	int i;

	for (i = 0; i < s->nservices; i++)
		if (s->services[i].bind_holder == SITE_BIND_ALL_SITES)
			return 1;
	return 0;
}

const struct site_service *
site_service(const struct site *s, char code)
{
	int i;
	for (i = 0; i < s->nservices; i++)
		if (s->services[i].code == code)
			return &s->services[i];
	return NULL;
}

const struct site_counter *
site_counter(const struct site *s, int n)
{
	int i;
	for (i = 0; i < s->ncounters; i++)
		if (s->counters[i].n == n)
			return &s->counters[i];
	return NULL;
}
