// SPDX-License-Identifier: GPL-2.0-only
/*
 * udpsweep: send one IPv4 UDP datagram from each of many source addresses,
 * from the QEMU lab guest: fills accounting tables of whole networks (a /16
 * is 65536 sources) without a process per packet.
 *
 *   udpsweep [-6] -s FIRST -c COUNT [-S STRIDE] -d DST [-p DPORT] [-b PAYLOAD_BYTES] [-I LABEL]
 *
 * Source i (0 <= i < COUNT) is FIRST + i * STRIDE (host-order arithmetic,
 * wrapping). Every datagram has the same size: 28 + PAYLOAD_BYTES bytes of IP.
 * -6: IPv6 addresses; the stride steps the source's last 32 bits, and every
 * datagram is 48 + PAYLOAD_BYTES bytes (UDP checksum left 0, which IPv6
 * forbids: the datagrams are meant for INPUT rules, not for a socket).
 * -I LABEL: the sending loop (not the program's start and exit) is the phase LABEL of the
 * lab's instruction counts (tests/vm/tools/insn.h).
 * Linked statically; the guest has no compiler.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "insn.h"
#include "lab_tool.h"

#define UDPSWEEP_MAX_PAYLOAD 1400

static void udpsweep_usage(FILE *out)
{
	fputs("usage: udpsweep [-6] -s FIRST -c COUNT [-S STRIDE] -d DST [-p DPORT] [-b PAYLOAD_BYTES] [-I LABEL]\n"
	      "  sends one UDP datagram from each source FIRST + i * STRIDE, i < COUNT;\n"
	      "  -I: the sending is the instruction-count phase LABEL\n",
	      out);
}

/*
 * Sends the COUNT datagrams of PACKET (LEN bytes) to TO, with the last 32 bits of the source
 * address (at SRC_LOW in PACKET, big-endian) LOW, LOW + STRIDE, ...; with -I, the sending is
 * the phase LABEL. 0, 1 when a send failed, 2 when the phase could not start.
 */
static int udpsweep_send(int fd, unsigned char *packet, size_t len, const void *to,
			 socklen_t to_len, unsigned char *src_low, uint32_t low,
			 unsigned long count, unsigned long stride, const char *label)
{
	unsigned long i;

	if (label) {
		if (insn_label_check(label) || insn_phase_prepare())
			return 2;
		insn_mark(INSN_BEGIN, label);
	}
	for (i = 0; i < count; i++, low += (uint32_t)stride) {
		uint32_t be = htonl(low);

		memcpy(src_low, &be, sizeof(be));
		if (sendto(fd, packet, len, 0, to, to_len) != (ssize_t)len) {
			perror("udpsweep: sendto");
			return 1;
		}
	}
	if (label)
		insn_phase_end(label);
	close(fd);
	return 0;
}

/* -6: as main() does for IPv4. */
static int udpsweep6(const char *first, const char *dst, unsigned long count,
		     unsigned long stride, uint16_t dport, unsigned long payload, const char *label)
{
	unsigned char packet[sizeof(struct ip6_hdr) + sizeof(struct udphdr) + UDPSWEEP_MAX_PAYLOAD] = {0};
	struct ip6_hdr *ip6 = (struct ip6_hdr *)packet;
	struct udphdr *udp = (struct udphdr *)(ip6 + 1);
	struct sockaddr_in6 to = { .sin6_family = AF_INET6 };
	size_t len = sizeof(*ip6) + sizeof(*udp) + payload;
	uint32_t low;
	int fd;

	lab_addr("udpsweep", AF_INET6, dst, &to.sin6_addr);
	lab_addr("udpsweep", AF_INET6, first, &ip6->ip6_src);
	memcpy(&low, &ip6->ip6_src.s6_addr[12], sizeof(low));
	low = ntohl(low);
	fd = socket(AF_INET6, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("udpsweep: socket");
		return 1;
	}
	ip6->ip6_flow = htonl(6u << 28);
	ip6->ip6_plen = htons((uint16_t)(sizeof(*udp) + payload));
	ip6->ip6_nxt = IPPROTO_UDP;
	ip6->ip6_hlim = 64;
	ip6->ip6_dst = to.sin6_addr;
	udp->source = htons(40000);
	udp->dest = htons(dport);
	udp->len = ip6->ip6_plen;
	memset(udp + 1, 'x', payload);

	return udpsweep_send(fd, packet, len, &to, sizeof(to), &ip6->ip6_src.s6_addr[12], low,
			     count, stride, label);
}

int main(int argc, char **argv)
{
	unsigned char packet[sizeof(struct iphdr) + sizeof(struct udphdr) + UDPSWEEP_MAX_PAYLOAD] = {0};
	struct iphdr *ip = (struct iphdr *)packet;
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	const char *first = NULL, *dst = NULL, *label = NULL;
	unsigned long count = 0, stride = 1, payload = 1;
	uint16_t dport = 9;
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct in_addr first_addr;
	uint32_t src;
	size_t len;
	int fd, opt, v6 = 0;

	while ((opt = getopt(argc, argv, "6s:c:S:d:p:b:I:h")) != -1) {
		switch (opt) {
		case '6': v6 = 1; break;
		case 's': first = optarg; break;
		case 'c': count = lab_number("udpsweep", 0, optarg, 1UL << 24, "count"); break;
		case 'S': stride = lab_number("udpsweep", 0, optarg, UINT32_MAX, "stride"); break;
		case 'd': dst = optarg; break;
		case 'p': dport = (uint16_t)lab_number("udpsweep", 0, optarg, 65535, "port"); break;
		case 'b': payload = lab_number("udpsweep", 0, optarg, UDPSWEEP_MAX_PAYLOAD, "payload size"); break;
		case 'I': label = optarg; break;
		case 'h': udpsweep_usage(stdout); return 0;
		default: udpsweep_usage(stderr); return 2;
		}
	}
	if (!first || !dst || optind != argc) {
		udpsweep_usage(stderr);
		return 2;
	}
	if (v6)
		return udpsweep6(first, dst, count, stride, dport, payload, label);

	len = sizeof(*ip) + sizeof(*udp) + payload;
	lab_addr("udpsweep", AF_INET, dst, &to.sin_addr);
	lab_addr("udpsweep", AF_INET, first, &first_addr);
	src = ntohl(first_addr.s_addr);
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("udpsweep: socket");
		return 1;
	}
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->daddr = to.sin_addr.s_addr;
	/* The kernel fills in total length, id and header checksum; UDP checksum 0 is "none". */
	udp->source = htons(40000);
	udp->dest = htons(dport);
	udp->len = htons((uint16_t)(sizeof(*udp) + payload));
	memset(udp + 1, 'x', payload);

	return udpsweep_send(fd, packet, len, &to, sizeof(to), (unsigned char *)&ip->saddr, src,
			     count, stride, label);
}
