/*
 * qr: see qr.h. Pure core: libqrencode and libc only, no I/O.
 *
 * Modes: libqrencode splits the payload into numeric, alphanumeric and
 * 8-bit segments, whichever is shortest (case kept). The slip payload
 * (sign.h) uses only A-Z, 0-9, '-' and '*', so it is encoded in the compact
 * alphanumeric mode (version 6-7 instead of 9); any other byte goes in
 * 8-bit segments and comes back exactly.
 *
 * Level choice: Q recovers more of a faded or creased thermal print than
 * M, but it needs more room. We take Q only when it gives the same symbol
 * size as M, so the choice never shrinks the modules on a narrow slip.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "core/log.h"
#include "core/qr.h"

/* Encode payload at the chosen level; NULL if it cannot be encoded. */
static QRcode *
qr_encode(const char *payload)
{
	QRcode *m, *q;

	if (payload == NULL || payload[0] == '\0')
		return NULL;
	if ((m = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) == NULL)
		return NULL;
	q = QRcode_encodeString(payload, 0, QR_ECLEVEL_Q, QR_MODE_8, 1);
	if (q != NULL && q->width == m->width) {
		QRcode_free(m);
		return q;
	}
	QRcode_free(q);
	return m;
}

int
qr_modules(const char *payload)
{
	QRcode *c;
	int n;

	if ((c = qr_encode(payload)) == NULL)
		return -1;
	n = c->width + 2 * QR_QUIET;
	QRcode_free(c);
	return n;
}

struct bitmap *
qr_render(const char *payload, int module_px, char *err, size_t errlen)
{
	struct bitmap *b;
	QRcode *c;
	int side, mx, my;

	if (payload == NULL || payload[0] == '\0') {
		errf(err, errlen, "QR: empty payload");
		return NULL;
	}
	if (module_px < 1 || module_px > 64) {
		errf(err, errlen, "QR: module size %d px out of range", module_px);
		return NULL;
	}
	errno = 0;
	if ((c = qr_encode(payload)) == NULL) {
		errf(err, errlen, "QR: cannot encode a %zu-byte payload%s", strlen(payload),
		    errno == ERANGE ? " (too long for any QR version)" : "");
		return NULL;
	}
	side = (c->width + 2 * QR_QUIET) * module_px;
	if ((b = bitmap_new(side, side)) == NULL) {
		QRcode_free(c);
		errf(err, errlen, "QR: out of memory for a %dx%d bitmap", side, side);
		return NULL;
	}
	for (my = 0; my < c->width; my++) {
		for (mx = 0; mx < c->width; mx++) {
			struct rect r;
			if (!(c->data[my * c->width + mx] & 1)) /* bit 0: dark module */
				continue;
			r.x = (mx + QR_QUIET) * module_px;
			r.y = (my + QR_QUIET) * module_px;
			r.w = r.h = module_px;
			bitmap_fill(b, r, 255);
		}
	}
	QRcode_free(c);
	return b;
}
