/*
 * fuzz_appt_csv: the appointments CSV file (io/appt_csv.c, appt_csv_read),
 * which `kiosk admin appointments import FILE.csv` reads from whatever a
 * booking module or a spreadsheet exported. The input is the whole file,
 * as an in-memory file. TZ is Europe/Paris, so local times cross its
 * daylight-saving changes.
 *
 * Properties: every record read is valid (fuzz_appt.h) and the ids are all
 * different; a refusal returns no records and one line of printable ASCII
 * "FILE:LINE: problem" naming the file.
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

static int
cmp_id(const void *a, const void *b)
{
	return strcmp(((const struct appt_in *)a)->id, ((const struct appt_in *)b)->id);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct appt_in *v = (struct appt_in *)&v;
	char path[64], err[400] = "";
	int fd, n, i;

	if (size > 256 * 1024)
		return -1;
	fd = fuzz_memfile(data, size, path, sizeof path);
	n = appt_csv_read(path, &v, err, sizeof err);
	close(fd);
	if (n < 0) {
		FUZZ_ASSERT(n == -1);
		FUZZ_ASSERT(v == NULL);
		FUZZ_ASSERT(strncmp(err, path, strlen(path)) == 0 && err[strlen(path)] == ':');
		fuzz_appt_check_err(err);
		return 0;
	}
	FUZZ_ASSERT((n == 0) == (v == NULL));
	for (i = 0; i < n; i++)
		fuzz_appt_check(&v[i]);
	if (n > 1) {
		qsort(v, (size_t)n, sizeof *v, cmp_id);
		for (i = 1; i < n; i++)
			FUZZ_ASSERT(strcmp(v[i - 1].id, v[i].id) != 0);
	}
	free(v);
	return 0;
}
