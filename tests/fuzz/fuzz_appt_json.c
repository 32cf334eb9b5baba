/*
 * fuzz_appt_json: one appointment as a JSON body (io/appt_json.c,
 * appt_json_parse and appt_json_parse_map), which the webhook takes from a
 * booking system and POST /api/v1/appointments from staff: our own JSON or
 * RDV Service Public's payload. The input is the body; it is parsed with
 * no map and with a site's map. TZ is Europe/Paris.
 *
 * Properties: the answer is 1 (a valid record, fuzz_appt.h), 0 (ignored)
 * or -1 (a one-line, printable ASCII reason); on 0 and -1 the record is
 * left empty. A map changes nothing but the service: what parses without
 * it parses with it, to the same record but for the service, and what is
 * ignored without it is ignored with it. The same bytes are also checked
 * as a map (appt_rdvsp_map_check), whose refusal is a printable line.
 */
#include "fuzz_appt.h"
#include "io/appt_in.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	return 0;
}

static void
check(int rc, const struct appt_in *a, const char *err)
{
	FUZZ_ASSERT(rc == -1 || rc == 0 || rc == 1);
	if (rc == 1) {
		fuzz_appt_check(a);
	} else {
		FUZZ_ASSERT(a->id[0] == '\0' && a->service == 0 && a->start == 0);
		if (rc == -1)
			fuzz_appt_check_err(err);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct appt_in a, b;
	char err[400], err2[400], map_err[200];
	char *s;
	int rc, rc2;

	if (size > 64 * 1024)
		return -1;
	/* Not NUL-terminated: the parser must keep to the length it is given. */
	s = malloc(size ? size : 1);
	FUZZ_ASSERT(s != NULL);
	if (size)
		memcpy(s, data, size);
	rc = appt_json_parse(s, size, &a, err, sizeof err);
	check(rc, &a, err);
	rc2 = appt_json_parse_map(s, size, "4012=B, titre_sejour=C, 1=D", &b, err2, sizeof err2);
	check(rc2, &b, err2);
	/* A map changes the service, nothing else. */
	if (rc == 1) {
		FUZZ_ASSERT(rc2 == 1);
		b.service = a.service;
		FUZZ_ASSERT(memcmp(&a, &b, sizeof a) == 0);
	}
	if (rc == 0)
		FUZZ_ASSERT(rc2 == 0);
	free(s);

	s = fuzz_str(data, size);
	if (appt_rdvsp_map_check(s, map_err, sizeof map_err) < 0)
		fuzz_appt_check_err(map_err);
	free(s);
	return 0;
}
