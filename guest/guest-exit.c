// SPDX-License-Identifier: GPL-2.0
/*
 * guest-exit CODE: end the QEMU guest with an exit status the host can read.
 *
 * QEMU's isa-debug-exit device (iobase 0xf4) makes QEMU exit with status
 * (value << 1) | 1 when a value is written to its port.  We write CODE +
 * GUEST_EXIT_BIAS, so that no guest status can look like QEMU's own error
 * exit (1); the host runner (scripts/run-guest.sh) maps it back to CODE.
 * A guest that dies any other way (panic, reboot, hang) therefore never
 * looks like a success.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>
#include <unistd.h>

#define DEBUG_EXIT_PORT 0xf4
#define GUEST_EXIT_BIAS 16

int main(int argc, char **argv)
{
	int code;

	if (argc != 2) {
		fprintf(stderr, "usage: guest-exit CODE (0-111)\n");
		return 2;
	}
	code = atoi(argv[1]);
	if (code < 0 || code > 127 - GUEST_EXIT_BIAS) {
		fprintf(stderr, "guest-exit: CODE must be 0-%d\n", 127 - GUEST_EXIT_BIAS);
		return 2;
	}
	sync();
	if (ioperm(DEBUG_EXIT_PORT, 1, 1)) {
		perror("guest-exit: ioperm");
		return 1;
	}
	outb(code + GUEST_EXIT_BIAS, DEBUG_EXIT_PORT);
	/* Not reached when QEMU has the isa-debug-exit device. */
	fprintf(stderr, "guest-exit: no isa-debug-exit device\n");
	return 1;
}
