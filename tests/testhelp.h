/*
 * testhelp: the whole test framework, after redis' testhelp.h.
 * CHECK records a failure and goes on; REQUIRE stops the test binary.
 * TEST_REPORT prints "N passed, N failed" and gives the exit code.
 */
#ifndef KIOSK_TESTHELP_H
#define KIOSK_TESTHELP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int th_pass, th_fail;

#define CHECK(cond) do { \
	if (cond) th_pass++; \
	else { th_fail++; fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *th_a = (a), *th_b = (b); \
	if (th_a && th_b && strcmp(th_a, th_b) == 0) th_pass++; \
	else { th_fail++; fprintf(stderr, "FAIL %s:%d: %s == \"%s\", expected \"%s\"\n", \
	    __FILE__, __LINE__, #a, th_a ? th_a : "(null)", th_b ? th_b : "(null)"); } \
} while (0)

#define CHECK_INT(a, b) do { \
	long long th_a = (long long)(a), th_b = (long long)(b); \
	if (th_a == th_b) th_pass++; \
	else { th_fail++; fprintf(stderr, "FAIL %s:%d: %s == %lld, expected %lld\n", \
	    __FILE__, __LINE__, #a, th_a, th_b); } \
} while (0)

#define REQUIRE(cond) do { \
	if (cond) th_pass++; \
	else { fprintf(stderr, "FATAL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	    printf("%d passed, %d failed\n", th_pass, th_fail + 1); exit(1); } \
} while (0)

#define TEST_REPORT() \
	(printf("%s: %d passed, %d failed\n", __FILE__, th_pass, th_fail), th_fail ? 1 : 0)

#endif
