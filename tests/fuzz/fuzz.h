/*
 * fuzz: what the libFuzzer harnesses (tests/fuzz/fuzz_*.c) share. Each
 * harness is one file with LLVMFuzzerTestOneInput; `make fuzz-build`
 * compiles it with clang and -fsanitize=fuzzer,address,undefined against the
 * project's objects (docs/FUZZING.md).
 *
 * Rules every harness keeps, so that a crash found once is found again:
 *   - deterministic: no clock (time is a fixed number), no randomness that
 *     changes what the code does, state reset for every input;
 *   - leak-free: whatever an input allocates is freed before it returns;
 *   - an oracle beyond "no crash" where there is one: FUZZ_ASSERT aborts
 *     (a libFuzzer crash, with the input saved) when a property breaks.
 *
 * Everything is static inline, like tests/fixture.h.
 */
#ifndef KIOSK_FUZZ_H
#define KIOSK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A broken property: says which and aborts, so libFuzzer keeps the input. */
#define FUZZ_ASSERT(cond) do { if (!(cond)) { \
	fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, #cond); \
	abort(); } } while (0)

/* data as a NUL-terminated string the caller frees (a NUL inside stays). */
static inline char *
fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	FUZZ_ASSERT(s != NULL);
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * A file in memory holding data, for parsers that take a path: its path
 * (/proc/self/fd/N) goes into path, the descriptor is returned, to close.
 * Nothing touches the disk, and nothing is left behind.
 */
static inline int
fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t pathlen)
{
	int fd = memfd_create("fuzz", 0);
	size_t off = 0;

	FUZZ_ASSERT(fd >= 0);
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		FUZZ_ASSERT(n > 0);
		off += (size_t)n;
	}
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return fd;
}

/*
 * 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, nothing
 * above U+10FFFF). The oracle for text the programme sends out; a copy kept
 * here on purpose, so that a bug in the programme's own check cannot hide
 * the same bug in its output.
 */
static inline int
fuzz_utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, j, k;
	unsigned cp, min, c;

	while (i < n) {
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xE0) == 0xC0) {
			k = 1; cp = c & 0x1F; min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			k = 2; cp = c & 0x0F; min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			k = 3; cp = c & 0x07; min = 0x10000;
		} else {
			return 0;
		}
		if (i + k >= n)   /* the sequence runs past the end */
			return 0;
		for (j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + j] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += k + 1;
	}
	return 1;
}

#endif
