/*
 * printer_usblp: the Linux usblp backend (/dev/usb/lpN, or a udev symlink
 * such as /dev/ticketprinter). usblp's write() blocks while the printer is
 * busy or out of paper, so the device is opened O_NONBLOCK and every write
 * waits in poll(POLLOUT) with a deadline. Status (DLE EOT) is read back only
 * when the profile says the printer is bidirectional; no answer within
 * reply_ms is "unknown", never "offline". Open errors become sentences a
 * technician can act on. Platform module; all static but printer_usblp_ops.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/str.h"
#include "printer/printer.h"

struct usbdev {
	struct printer_fd d; /* the device, O_NONBLOCK (first: see printer_fd) */
	char path[512];      /* for messages */
};

static int
usb_open(const struct printer_spec *spec, int bidirectional, int64_t deadline,
    void **dev, char *err, size_t errlen)
{
	struct usbdev *u;
	int flags = O_NONBLOCK | O_CLOEXEC | O_NOCTTY;

	(void)deadline; /* open() of a device node does not wait */
	flags |= bidirectional ? O_RDWR : O_WRONLY;
	u = calloc(1, sizeof *u);
	if (u == NULL)
		return errf(err, errlen, "out of memory");
	u->d.fd = open(spec->path, flags);
	if (u->d.fd < 0) {
		int e = errno;
		free(u);
		switch (e) {
		case ENOENT:
			return errf(err, errlen, "printer not connected: %s does not exist "
			    "(check the USB cable and power)", spec->path);
		case EACCES:
		case EPERM:
			return errf(err, errlen, "permission denied on %s: add the kiosk user to group lp",
			    spec->path);
		case EBUSY:
			return errf(err, errlen, "%s is busy: another program (CUPS?) has the printer open",
			    spec->path);
		case ENODEV:
		case ENXIO:
			return errf(err, errlen, "printer not connected: %s has no device behind it "
			    "(unplugged or switched off)", spec->path);
		default:
			return errf(err, errlen, "cannot open printer %s: %s", spec->path, strerror(e));
		}
	}
	u->d.bidirectional = bidirectional;
	u->d.reply_ms = spec->reply_ms;
	str_copy(u->path, sizeof u->path, spec->path);
	*dev = u;
	return 0;
}

static int
usb_write(void *dev, const uint8_t *data, size_t len, int64_t deadline, int stall_ms,
    size_t *sent, char *err, size_t errlen)
{
	struct usbdev *u = dev;
	char why[160];
	int e;

	if (printer_fd_write(u->d.fd, 0, data, len, deadline, stall_ms, sent, why, sizeof why) == 0)
		return 0;
	e = errno;
	if (e == ENODEV || e == EIO || e == ENXIO)
		errf(err, errlen, "printer %s was unplugged or switched off (%s)", u->path, why);
	else if (e == ETIMEDOUT)
		errf(err, errlen, "%s; it may be out of paper or offline", why);
	else
		errf(err, errlen, "%s", why);
	errno = e;
	return -1;
}

const struct printer_ops printer_usblp_ops = {
	.scheme = "usb",
	.open = usb_open,
	.write = usb_write,
	.status = printer_fd_status,
	.close = printer_fd_close,
};
