// SPDX-License-Identifier: GPL-2.0-only
/*
 * pkflood: send one small UDP datagram from each of COUNT spoofed IPv4
 * sources (BASE, BASE+1, ...) to DST:PORT, as a flood of first knocks.
 * One process for thousands of sources: a fork per datagram is far too
 * slow in the TCG guest. Linked statically, like rawudp.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "lab_tool.h"

static void pkflood_usage(void)
{
	fputs("usage: pkflood BASE COUNT DST PORT\n"
	      "Send one 1-byte UDP datagram to DST:PORT from each of the COUNT\n"
	      "IPv4 source addresses starting at BASE (raw socket, root only).\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint8_t pkt[20 + 8 + 1] = { 0 };
	unsigned long count, i;
	uint32_t base;
	uint16_t port;
	int fd;

	if (argc != 5)
		pkflood_usage();
	if (inet_pton(AF_INET, argv[1], &base) != 1 ||
	    inet_pton(AF_INET, argv[3], &to.sin_addr) != 1) {
		fputs("pkflood: bad IPv4 address\n", stderr);
		return 2;
	}
	count = lab_number("pkflood", 10, argv[2], 1UL << 24, "number");
	port = (uint16_t)lab_number("pkflood", 10, argv[4], 65535, "number");

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("pkflood: socket(SOCK_RAW, IPPROTO_RAW)");
		return 2;
	}
	pkt[0] = 0x45;
	pkt[8] = 64;                      /* TTL */
	pkt[9] = IPPROTO_UDP;
	memcpy(pkt + 16, &to.sin_addr, 4);
	pkt[20] = 40000 >> 8;             /* source port */
	pkt[21] = 40000 & 0xff;
	pkt[22] = port >> 8;
	pkt[23] = port & 0xff;
	pkt[25] = sizeof(pkt) - 20;       /* UDP length; checksum 0 = none */
	pkt[28] = 'k';
	for (i = 0; i < count; i++) {
		uint32_t src = htonl(ntohl(base) + (uint32_t)i);

		memcpy(pkt + 12, &src, 4);
		if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
			   sizeof(to)) != (ssize_t)sizeof(pkt)) {
			perror("pkflood: sendto");
			return 1;
		}
	}
	close(fd);
	return 0;
}
