/*
 * test_appt: check-in codes are read the same way whoever gives them: a
 * booking source, the kiosk's keypad or its scanner. Case, spaces and
 * dashes do not matter, O is read as 0 and I as 1 (the keypad has neither
 * letter), and anything else than letters and digits is refused.
 */
#include <string.h>

#include "core/appt.h"
#include "testhelp.h"

static void
test_code(void)
{
	char out[APPT_CODE_MAX + 1], err[128];

	CHECK_INT(appt_code_normalise("K7P3QX", out, err, sizeof err), 0);
	CHECK_STR(out, "K7P3QX");
	CHECK_INT(appt_code_normalise(" k7p-3qx. ", out, err, sizeof err), 0);
	CHECK_STR(out, "K7P3QX");
	CHECK_INT(appt_code_normalise("BOOK-IT", out, err, sizeof err), 0);
	CHECK_STR(out, "B00K1T");
	CHECK_INT(appt_code_normalise("b00k1t", out, err, sizeof err), 0);
	CHECK_STR(out, "B00K1T");
	CHECK_INT(appt_code_normalise("AB1", out, err, sizeof err), -1);     /* too short */
	CHECK_STR(out, "");
	CHECK_INT(appt_code_normalise("", out, err, sizeof err), -1);
	CHECK_INT(appt_code_normalise(NULL, out, err, sizeof err), -1);
	CHECK_INT(appt_code_normalise("K7P3/QX", out, err, sizeof err), -1); /* not a letter */
	CHECK(strstr(err, "letters and digits") != NULL);
	CHECK_INT(appt_code_normalise("K7P3\xc3\x89QX", out, err, sizeof err), -1); /* É */
	CHECK_INT(appt_code_normalise("0123456789ABCDEFGHJKLMNPQRSTUVWX", out, err, sizeof err), 0);
	CHECK_INT(strlen(out), APPT_CODE_MAX);
	CHECK_INT(appt_code_normalise("0123456789ABCDEFGHJKLMNPQRSTUVWXY", out, err, sizeof err), -1);
	CHECK(strstr(err, "at most") != NULL);
}

int
main(void)
{
	test_code();
	return TEST_REPORT();
}
