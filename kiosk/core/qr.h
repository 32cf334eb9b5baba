/*
 * qr: a QR code as our own bitmap, for the ticket and the kiosk screen.
 *
 * Pure core: libqrencode only, no I/O. The payload is a string (the signed
 * token a USB scanner types back), case kept, split into the shortest mix
 * of alphanumeric, numeric and 8-bit segments (the K1*... slip payload is
 * all alphanumeric, see sign.h). Error correction
 * is Q when that needs no bigger symbol than M, else M. The bitmap carries
 * a 4-module quiet zone on every side, so it can be blitted as is.
 */
#ifndef KIOSK_QR_H
#define KIOSK_QR_H

#include <stddef.h>
#include "core/bitmap.h"

#define QR_QUIET 4 /* quiet-zone width in modules, on each side */

/*
 * Side of the symbol in modules, quiet zone included (symbol + 2*QR_QUIET),
 * so that module_px = available_px / qr_modules(payload).
 * -1 if the payload is empty, NULL or too long for any QR version.
 */
int qr_modules(const char *payload);

/*
 * Render payload with each module module_px x module_px pixels (dark
 * modules 255 = ink, the rest paper). Returns a square bitmap of side
 * qr_modules(payload) * module_px, or NULL with err filled. module_px must
 * be >= 1; tickets use >= 3 dots so a thermal print scans.
 */
struct bitmap *qr_render(const char *payload, int module_px, char *err, size_t errlen);

#endif
