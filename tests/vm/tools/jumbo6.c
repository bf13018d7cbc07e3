// SPDX-License-Identifier: GPL-2.0-only
/*
 * jumbo6: receive one IPv6 jumbogram (RFC 2675) carrying a UDP datagram on
 * lo, in the QEMU lab guest: payload length 0 in the IPv6 header, the real
 * length in a Jumbo Payload option of a hop-by-hop header. It is sent through
 * a packet socket on lo, as if a link had delivered it: the IPv6 output path
 * never sends a jumbogram without GSO (it caps the MTU at 65575). lo's MTU
 * must hold it (raise it first). The UDP length and checksum are 0: the
 * datagram is meant for INPUT rules, not for a socket.
 *
 *   jumbo6 SRC DST DATA_BYTES     (DATA_BYTES: 65520..69000; the packet is
 *                                  40 + 8 + 8 + DATA_BYTES bytes)
 *
 * Linked statically; the guest has no compiler.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "lab_tool.h"

#define JUMBO6_MIN_DATA 65520 /* the option's length must exceed 65535 */
/* A packet socket's skb has at most MAX_SKB_FRAGS (17) pages of data. */
#define JUMBO6_MAX_DATA 69000

/* Hop-by-hop header with the Jumbo Payload option at offset 2 (alignment 4n+2). */
struct jumbo6_hbh {
	uint8_t next, len, opt_type, opt_len;
	uint32_t jumbo_len; /* network order: everything after the IPv6 header */
};

static int jumbo6_usage(void)
{
	fputs("usage: jumbo6 SRC DST DATA_BYTES (65520..69000)\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IPV6),
		.sll_halen = ETH_ALEN, /* lo's address: all zeros */
	};
	struct ip6_hdr *ip6;
	struct jumbo6_hbh *hbh;
	struct udphdr *udp;
	unsigned long data;
	unsigned char *packet;
	size_t len;
	char *end;
	int fd;

	if (argc != 4)
		return jumbo6_usage();
	errno = 0;
	data = strtoul(argv[3], &end, 10);
	if (errno || end == argv[3] || *end || data < JUMBO6_MIN_DATA || data > JUMBO6_MAX_DATA)
		return jumbo6_usage();
	len = sizeof(*ip6) + sizeof(*hbh) + sizeof(*udp) + data;
	packet = calloc(1, len);
	if (!packet) {
		perror("jumbo6: calloc");
		return 1;
	}
	ip6 = (struct ip6_hdr *)packet;
	hbh = (struct jumbo6_hbh *)(ip6 + 1);
	udp = (struct udphdr *)(hbh + 1);
	to.sll_ifindex = (int)if_nametoindex("lo");
	if (!to.sll_ifindex) {
		perror("jumbo6: lo");
		return 1;
	}
	ip6->ip6_flow = htonl(6u << 28);
	ip6->ip6_plen = 0; /* a jumbogram */
	ip6->ip6_nxt = IPPROTO_HOPOPTS;
	ip6->ip6_hlim = 64;
	lab_addr("jumbo6", AF_INET6, argv[1], &ip6->ip6_src);
	lab_addr("jumbo6", AF_INET6, argv[2], &ip6->ip6_dst);
	hbh->next = IPPROTO_UDP;
	hbh->len = 0; /* 8 bytes */
	hbh->opt_type = 0xc2; /* Jumbo Payload */
	hbh->opt_len = 4;
	hbh->jumbo_len = htonl((uint32_t)(len - sizeof(*ip6)));
	udp->source = htons(40000);
	udp->dest = htons(9);
	memset(udp + 1, 'x', data);

	/* SOCK_DGRAM: the kernel adds lo's (Ethernet) link header. */
	fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IPV6));
	if (fd < 0) {
		perror("jumbo6: socket");
		return 1;
	}
	if (sendto(fd, packet, len, 0, (struct sockaddr *)&to, sizeof(to)) != (ssize_t)len) {
		perror("jumbo6: sendto");
		return 1;
	}
	close(fd);
	free(packet);
	return 0;
}
