/*
 * appt: see appt.h.
 */
#include <stdio.h>

#include "core/appt.h"

int
appt_code_normalise(const char *in, char out[APPT_CODE_MAX + 1], char *err, size_t errlen)
{
	size_t n = 0;
	const char *p;

	out[0] = '\0';
	for (p = in ? in : ""; *p; p++) {
		char c = *p;

		if (c == ' ' || c == '\t' || c == '-' || c == '.')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c == 'O')
			c = '0';
		else if (c == 'I')
			c = '1';
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
			snprintf(err, errlen, "a check-in code holds only letters and digits");
			out[0] = '\0';
			return -1;
		}
		if (n == APPT_CODE_MAX) {
			snprintf(err, errlen, "a check-in code has at most %d characters",
			    APPT_CODE_MAX);
			out[0] = '\0';
			return -1;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	if (n < APPT_CODE_MIN) {
		snprintf(err, errlen, "a check-in code has at least %d characters", APPT_CODE_MIN);
		out[0] = '\0';
		return -1;
	}
	return 0;
}
