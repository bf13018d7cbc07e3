// SPDX-License-Identifier: GPL-2.0-only
/*
 * pktprobe: TCP and UDP probes for the reply targets (TARPIT, DELUDE, ECHO,
 * CHAOS, STEAL) in the QEMU lab guest, and a capture of what comes back.
 *
 *   pktprobe connect [-6] [-w SEC] [-d DATA] [-c] ADDR PORT
 *	a kernel TCP client: prints "connected", "refused", "reset" (connected,
 *	then reset before connect() returned), "timeout" or "error ERRNO"; with
 *	-d sends DATA after connecting and prints "sent N" (what send()
 *	accepted); with -c prints every TCP segment from ADDR:PORT to this
 *	connection's port seen on lo during the exchange (see "captured
 *	packets" below)
 *   pktprobe udp [-6] [-b] [-w SEC] [-P SPORT] ADDR PORT TEXT
 *	a kernel UDP client: sends TEXT, prints "reply HEX" or "timeout"; exits
 *	0 when the reply is TEXT byte for byte (-b: SO_BROADCAST)
 *   pktprobe send [-6] [-w SEC] [-P SPORT] ADDR PORT TEXT
 *	sends TEXT with a UDP socket and prints "sent N" (the send() result)
 *   pktprobe tcp [-6] -s SRC -d DST [-P SPORT] [-p DPORT] [-f FLAGS] [-q SEQ]
 *	    [-a ACK] [-W WIN] [-m TEXT] [-B] [-F first|later] [-O] [-E] [-T LEN]
 *	    [-D DOFF] [-n COUNT] [-S SOURCES] [-w MSEC | -I LABEL]
 *	raw TCP segments (FLAGS: letters of FSRPAU), sent COUNT times from
 *	SOURCES source addresses (SRC, SRC+1, ...); -B corrupts the checksum,
 *	-F makes a first or later fragment, -O adds IPv4 options (a NOP
 *	pad), -E an IPv6 destination options header, -T cuts the TCP header to
 *	LEN bytes, -D lies in the data offset. Then captures, for MSEC ms (default
 *	500), the TCP segments from DST:DPORT to the sources and prints them.
 *	-I: the sending loop is the phase LABEL of the lab's instruction counts
 *	(tests/vm/tools/insn.h; profiled with INSN_PROFILE=1 in the environment),
 *	and nothing is captured (a benchmark counts replies by rule counters: a
 *	capture socket would be part of the phase)
 *   pktprobe capture [-6] [-u] [-s SRC] -p PORT -w MSEC
 *	prints every TCP (-u: UDP) packet from port PORT (and address SRC) seen
 *	on lo for MSEC ms
 *
 * pktprobe -i IFACE COMMAND ... captures on IFACE instead of lo.
 *
 * Captured packets are printed one a line, "tcp SRC:PORT > DST:PORT flags=FLAGS
 * seq=N ack=N win=N ttl=N len=N sum=ok|bad" (udp: "udp ... len=N sum=...
 * data=HEX"), then "replies N"; sum is checked here by an RFC 1071 sum. The
 * capture is an AF_PACKET socket on lo, opened before anything is sent.
 * Linked statically; the guest has no compiler and few libraries.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "insn.h"
#include "lab_tool.h"

#define PROBE_MAX 65536

/* Where captures listen (-i IFACE before the command). */
static const char *probe_iface = "lo";

static void probe_die(const char *what)
{
	fprintf(stderr, "pktprobe: %s\n", what);
	exit(2);
}

static void probe_usage(void)
{
	fputs("usage: pktprobe [-i IFACE] COMMAND ... (captures on IFACE, default lo)\n"
	      "       pktprobe connect [-6] [-w SEC] [-d DATA] [-c] ADDR PORT\n"
	      "       pktprobe udp [-6] [-b] [-w SEC] [-P SPORT] ADDR PORT TEXT\n"
	      "       pktprobe send [-6] [-P SPORT] ADDR PORT TEXT\n"
	      "       pktprobe tcp [-6] -s SRC -d DST [-P SPORT] [-p DPORT] [-f FLAGS] [-q SEQ] [-a ACK]\n"
	      "                [-W WIN] [-m TEXT] [-B] [-F first|later] [-O] [-E] [-T LEN] [-D DOFF]\n"
	      "                [-n COUNT] [-S SOURCES] [-w MSEC | -I LABEL]\n"
	      "       pktprobe capture [-6] [-u] [-s SRC] -p PORT -w MSEC\n"
	      "(see the comment at the top of tests/vm/tools/pktprobe.c)\n",
	      stderr);
	exit(2);
}

/* ---- checksums (RFC 1071) ---- */
static uint16_t probe_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The pseudo-header sum of a TCP/UDP packet of l4_len bytes. */
static uint32_t probe_pseudo(int family, const uint8_t *src, const uint8_t *dst, uint8_t proto,
			     size_t l4_len)
{
	size_t alen = family == AF_INET ? 4 : 16;
	uint32_t sum = lab_sum(0, src, alen);

	sum = lab_sum(sum, dst, alen);
	return sum + proto + (uint32_t)(l4_len >> 16) + (uint32_t)(l4_len & 0xffff);
}

/* ---- capture on lo ---- */
static int probe_capture_open(void)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int fd, size = 32 << 20;

	fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
	if (fd < 0) {
		perror("pktprobe: socket(AF_PACKET)");
		exit(2);
	}
	sll.sll_ifindex = (int)if_nametoindex(probe_iface);
	if (!sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("pktprobe: bind the capture to its interface");
		exit(2);
	}
	/* A flood's replies must not overflow the socket (SO_RCVBUFFORCE: root). */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return fd;
}

/* What a capture keeps: packets of proto from (src, sport) to one of the dst addresses. */
struct probe_filter {
	int family;
	uint8_t proto;
	const uint8_t *src; /* NULL: any */
	uint16_t sport;
	const uint8_t *dst; /* NULL: any */
	unsigned long dst_count; /* dst, dst+1, ...: consecutive addresses (last byte pair) */
	uint16_t dport; /* 0: any */
	int print;
};

static void probe_hex(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
}

/* Whether addr is base + k for some k < count (counting in the last 16 bits). */
static int probe_in_range(const uint8_t *addr, const uint8_t *base, unsigned long count,
			  size_t alen)
{
	unsigned long a, b;

	if (memcmp(addr, base, alen - 2) != 0)
		return 0;
	a = (unsigned long)addr[alen - 2] << 8 | addr[alen - 1];
	b = (unsigned long)base[alen - 2] << 8 | base[alen - 1];
	return a >= b && a - b < count;
}

/* Prints a captured packet if it passes f; returns whether it did. */
static int probe_show(const struct probe_filter *f, const uint8_t *pkt, size_t n)
{
	size_t alen = f->family == AF_INET ? 4 : 16, hl;
	const uint8_t *src, *dst, *l4;
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	uint8_t proto, ttl;
	size_t l4_len;
	uint16_t sport, dport;
	int ok;

	if (f->family == AF_INET) {
		if (n < 20 || pkt[0] >> 4 != 4)
			return 0;
		hl = (size_t)(pkt[0] & 15) * 4;
		if (hl < 20 || n < hl || (pkt[6] & 0x3f) || pkt[7])
			return 0; /* fragments are not replies */
		proto = pkt[9];
		ttl = pkt[8];
		src = pkt + 12;
		dst = pkt + 16;
	} else {
		if (n < 40 || pkt[0] >> 4 != 6)
			return 0;
		hl = 40;
		proto = pkt[6];
		ttl = pkt[7];
		src = pkt + 8;
		dst = pkt + 24;
	}
	l4 = pkt + hl;
	l4_len = n - hl;
	if (proto != f->proto || l4_len < (proto == IPPROTO_TCP ? 20u : 8u))
		return 0;
	sport = (uint16_t)(l4[0] << 8 | l4[1]);
	dport = (uint16_t)(l4[2] << 8 | l4[3]);
	if ((f->src && memcmp(src, f->src, alen)) || (f->sport && sport != f->sport) ||
	    (f->dst && !probe_in_range(dst, f->dst, f->dst_count, alen)) ||
	    (f->dport && dport != f->dport))
		return 0;
	if (!f->print)
		return 1;
	ok = probe_fold(lab_sum(probe_pseudo(f->family, src, dst, proto, l4_len), l4, l4_len)) ==
	     0xffff;
	inet_ntop(f->family, src, s, sizeof(s));
	inet_ntop(f->family, dst, d, sizeof(d));
	if (f->family == AF_INET && !(probe_fold(lab_sum(0, pkt, hl)) == 0xffff))
		ok = 0;
	if (proto == IPPROTO_TCP) {
		static const char names[] = "FSRPAUEC";
		char flags[9];
		int i, k = 0;

		for (i = 0; i < 8; i++)
			if (l4[13] & (1 << i))
				flags[k++] = names[i];
		flags[k] = '\0';
		printf("tcp %s:%u > %s:%u flags=%s seq=%u ack=%u win=%u ttl=%u len=%zu sum=%s\n",
		       s, sport, d, dport, flags,
		       (unsigned)l4[4] << 24 | (unsigned)l4[5] << 16 | (unsigned)l4[6] << 8 | l4[7],
		       (unsigned)l4[8] << 24 | (unsigned)l4[9] << 16 | (unsigned)l4[10] << 8 | l4[11],
		       (unsigned)(l4[14] << 8 | l4[15]), ttl, n, ok ? "ok" : "bad");
	} else {
		printf("udp %s:%u > %s:%u ttl=%u len=%zu sum=%s data=", s, sport, d, dport, ttl, n,
		       ok ? "ok" : "bad");
		probe_hex(l4 + 8, l4_len - 8);
		putchar('\n');
	}
	return 1;
}

static double probe_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads the capture for msec ms; returns the number of packets f kept. */
static unsigned long probe_capture(int fd, const struct probe_filter *f, long msec)
{
	static uint8_t buf[PROBE_MAX];
	double end = probe_now() + (double)msec / 1000;
	unsigned long kept = 0;
	struct sockaddr_ll from;
	socklen_t flen;
	ssize_t n;

	for (;;) {
		double left = end - probe_now();
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (left <= 0)
			break;
		if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		flen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
		/* lo shows each packet twice: leaving (outgoing) and arriving; only arrivals count. */
		if (n <= 0 || from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if (ntohs(from.sll_protocol) != (f->family == AF_INET ? ETH_P_IP : ETH_P_IPV6))
			continue;
		kept += (unsigned long)probe_show(f, buf, (size_t)n);
	}
	return kept;
}

/* ---- addresses ---- */
struct probe_addr {
	int family;
	uint8_t bytes[16];
	struct sockaddr_storage sa;
	socklen_t sa_len;
};

static void probe_addr(struct probe_addr *a, int family, const char *text, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	if (inet_pton(family, text, a->bytes) != 1)
		probe_die("bad address for this address family");
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&a->sa;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, a->bytes, 4);
		a->sa_len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->sa;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, a->bytes, 16);
		a->sa_len = sizeof(*sin6);
	}
}

/* ---- connect ---- */
static int probe_connect(int argc, char **argv, int family)
{
	const char *data = NULL;
	int show = 0, fd, c, cap, err;
	long secs = 5;
	struct probe_addr to;
	struct pollfd p;
	struct sockaddr_storage local;
	socklen_t len = sizeof(err), local_len = sizeof(local);
	uint16_t port;

	while ((c = getopt(argc, argv, "6w:d:c")) != -1) {
		switch (c) {
		case '6': family = AF_INET6; break;
		case 'w': secs = (long)lab_number("pktprobe", 0, optarg, 600, "seconds"); break;
		case 'd': data = optarg; break;
		case 'c': show = 1; break;
		default: probe_usage();
		}
	}
	if (argc - optind != 2)
		probe_usage();
	port = (uint16_t)lab_number("pktprobe", 0, argv[optind + 1], 65535, "port");
	probe_addr(&to, family, argv[optind], port);
	cap = probe_capture_open();
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		probe_die("socket(SOCK_STREAM)");
	if (connect(fd, (struct sockaddr *)&to.sa, to.sa_len) < 0 && errno != EINPROGRESS) {
		printf("error %d\n", errno);
		return 4;
	}
	/* Only this connection's segments count (a tarpitted one of an earlier client may still probe). */
	if (getsockname(fd, (struct sockaddr *)&local, &local_len) < 0)
		probe_die("getsockname");
	p.fd = fd;
	p.events = POLLOUT;
	if (poll(&p, 1, (int)secs * 1000) == 0) {
		puts("timeout");
		return 3;
	}
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err == ECONNREFUSED) {
		puts("refused");
		return 1;
	}
	if (err && err != ECONNRESET) {
		printf("error %d\n", err);
		return 4;
	}
	/* A reset in SYN-SENT refuses; ECONNRESET means established, then reset. */
	puts(err ? "reset" : "connected");
	if (data && !err) {
		ssize_t n = send(fd, data, strlen(data), 0);

		printf("sent %zd\n", n);
		fflush(stdout);
	}
	if (show) {
		/* sin_port and sin6_port are at the same place. */
		struct probe_filter f = { .family = family, .proto = IPPROTO_TCP,
					  .src = to.bytes, .sport = port,
					  .dport = ntohs(((struct sockaddr_in *)&local)->sin_port),
					  .print = 1 };

		printf("replies %lu\n", probe_capture(cap, &f, secs * 1000));
	}
	return err ? 5 : 0;
}

/* ---- udp and send ---- */
static int probe_udp(int argc, char **argv, int family, int wait_reply)
{
	static char reply[PROBE_MAX];
	long secs = 3;
	int broadcast = 0, fd, c, one = 1;
	uint16_t sport = 0, port;
	struct probe_addr to, from;
	const char *text;
	struct pollfd p;
	ssize_t n;

	while ((c = getopt(argc, argv, "6bw:P:")) != -1) {
		switch (c) {
		case '6': family = AF_INET6; break;
		case 'b': broadcast = 1; break;
		case 'w': secs = (long)lab_number("pktprobe", 0, optarg, 600, "seconds"); break;
		case 'P': sport = (uint16_t)lab_number("pktprobe", 0, optarg, 65535, "source port"); break;
		default: probe_usage();
		}
	}
	if (argc - optind != 3)
		probe_usage();
	port = (uint16_t)lab_number("pktprobe", 0, argv[optind + 1], 65535, "port");
	probe_addr(&to, family, argv[optind], port);
	text = argv[optind + 2];
	fd = socket(family, SOCK_DGRAM, 0);
	if (fd < 0)
		probe_die("socket(SOCK_DGRAM)");
	if (broadcast)
		setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	if (sport) {
		probe_addr(&from, family, family == AF_INET ? "0.0.0.0" : "::", sport);
		if (bind(fd, (struct sockaddr *)&from.sa, from.sa_len) < 0)
			probe_die("bind the source port");
	}
	n = sendto(fd, text, strlen(text), 0, (struct sockaddr *)&to.sa, to.sa_len);
	if (!wait_reply) {
		if (n < 0)
			printf("error %d\n", errno);
		else
			printf("sent %zd\n", n);
		return n < 0 ? 1 : 0;
	}
	if (n < 0) {
		printf("error %d\n", errno);
		return 4;
	}
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, (int)secs * 1000) <= 0) {
		puts("timeout");
		return 3;
	}
	n = recv(fd, reply, sizeof(reply), 0);
	if (n < 0) {
		printf("error %d\n", errno);
		return 4;
	}
	fputs("reply ", stdout);
	probe_hex((const uint8_t *)reply, (size_t)n);
	putchar('\n');
	return (size_t)n == strlen(text) && memcmp(reply, text, (size_t)n) == 0 ? 0 : 1;
}

/* ---- raw TCP ---- */
struct probe_tcp_opts {
	int family;
	struct probe_addr src, dst;
	uint16_t sport, dport, window;
	uint32_t seq, ack;
	uint8_t flags;
	const char *text;
	int bad_sum, frag, ip_options, ext_header;
	long trunc, doff;
	unsigned long count, sources;
	long msec;
	const char *insn_label; /* the sending is this instruction-count phase; no capture */
};

static uint8_t probe_flags(const char *s)
{
	static const char names[] = "FSRPAU";
	uint8_t flags = 0;
	const char *p;

	for (; *s; s++) {
		p = strchr(names, *s);
		if (!p)
			probe_die("-f: flags are letters of FSRPAU");
		flags |= (uint8_t)(1 << (p - names));
	}
	return flags;
}

/* Builds one segment from source number k into pkt; returns its length. */
static size_t probe_tcp_build(const struct probe_tcp_opts *o, unsigned long k, uint8_t *pkt,
			      uint8_t *src)
{
	size_t alen = o->family == AF_INET ? 4 : 16;
	size_t iphl = o->family == AF_INET ? (o->ip_options ? 24 : 20) : 40;
	size_t exthl = o->family == AF_INET6 ? (o->frag ? 8 : 0) + (o->ext_header ? 8 : 0) : 0;
	size_t datalen = o->text ? strlen(o->text) : 0;
	size_t doff = o->doff >= 0 ? (size_t)o->doff : 5;
	size_t tcplen = 20 + datalen, sent_len;
	uint8_t *ip = pkt, *ext = pkt + iphl, *t = pkt + iphl + exthl;
	unsigned long last;
	uint16_t sum;

	memcpy(src, o->src.bytes, alen);
	last = ((unsigned long)src[alen - 2] << 8 | src[alen - 1]) + k;
	src[alen - 2] = (uint8_t)(last >> 8);
	src[alen - 1] = (uint8_t)last;
	memset(pkt, 0, iphl + exthl + 20);
	t[0] = (uint8_t)(o->sport >> 8);
	t[1] = (uint8_t)o->sport;
	t[2] = (uint8_t)(o->dport >> 8);
	t[3] = (uint8_t)o->dport;
	t[4] = (uint8_t)(o->seq >> 24);
	t[5] = (uint8_t)(o->seq >> 16);
	t[6] = (uint8_t)(o->seq >> 8);
	t[7] = (uint8_t)o->seq;
	t[8] = (uint8_t)(o->ack >> 24);
	t[9] = (uint8_t)(o->ack >> 16);
	t[10] = (uint8_t)(o->ack >> 8);
	t[11] = (uint8_t)o->ack;
	t[12] = (uint8_t)(doff << 4);
	t[13] = o->flags;
	t[14] = (uint8_t)(o->window >> 8);
	t[15] = (uint8_t)o->window;
	if (datalen)
		memcpy(t + 20, o->text, datalen);
	sum = (uint16_t)~probe_fold(lab_sum(probe_pseudo(o->family, src, o->dst.bytes,
							    IPPROTO_TCP, tcplen), t, tcplen));
	if (o->bad_sum)
		sum ^= 0x0101;
	t[16] = (uint8_t)(sum >> 8);
	t[17] = (uint8_t)sum;
	sent_len = o->trunc >= 0 ? (size_t)o->trunc : tcplen;
	if (o->family == AF_INET) {
		ip[0] = (uint8_t)(0x40 | iphl / 4);
		if (o->frag == 1)
			ip[6] = 0x20; /* MF, offset 0 */
		else if (o->frag == 2)
			ip[7] = 0x10; /* offset 16 * 8 bytes */
		ip[8] = 64;
		ip[9] = IPPROTO_TCP;
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, o->dst.bytes, 4);
		if (o->ip_options)
			memset(ip + 20, 1, 4); /* four NOPs */
		/* The kernel fills in total length, id and header checksum. */
	} else {
		uint8_t next = IPPROTO_TCP;

		if (o->frag) {
			ext[exthl - 8] = next; /* the fragment header comes last */
			ext[exthl - 5] = o->frag == 2 ? 0x80 : 0x01; /* offset 16, or 0 with M */
			ext[exthl - 1] = 1;                          /* identification */
			next = 44;
		}
		if (o->ext_header) {
			ext[0] = next; /* destination options, 8 bytes of PadN */
			ext[2] = 1;
			ext[3] = 4;
			next = 60;
		}
		ip[0] = 0x60;
		ip[4] = (uint8_t)((exthl + sent_len) >> 8);
		ip[5] = (uint8_t)(exthl + sent_len);
		ip[6] = next;
		ip[7] = 64;
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, o->dst.bytes, 16);
	}
	return iphl + exthl + sent_len;
}

static int probe_tcp(int argc, char **argv, int family)
{
	static uint8_t pkt[PROBE_MAX];
	struct probe_tcp_opts o = { .family = family, .sport = 40000, .dport = 80,
				    .window = 1024, .seq = 1000, .flags = 0x02, .trunc = -1,
				    .doff = -1, .count = 1, .sources = 1, .msec = 500 };
	const char *src = NULL, *dst = NULL;
	uint8_t from[16];
	unsigned long i, k;
	int fd, c, cap, one = 1;

	while ((c = getopt(argc, argv, "6s:d:P:p:f:q:a:W:m:BF:OET:D:n:S:w:I:")) != -1) {
		switch (c) {
		case '6': o.family = AF_INET6; break;
		case 's': src = optarg; break;
		case 'd': dst = optarg; break;
		case 'P': o.sport = (uint16_t)lab_number("pktprobe", 0, optarg, 65535, "source port"); break;
		case 'p': o.dport = (uint16_t)lab_number("pktprobe", 0, optarg, 65535, "port"); break;
		case 'f': o.flags = probe_flags(optarg); break;
		case 'q': o.seq = (uint32_t)lab_number("pktprobe", 0, optarg, 0xffffffff, "seq"); break;
		case 'a': o.ack = (uint32_t)lab_number("pktprobe", 0, optarg, 0xffffffff, "ack"); break;
		case 'W': o.window = (uint16_t)lab_number("pktprobe", 0, optarg, 65535, "window"); break;
		case 'm': o.text = optarg; break;
		case 'B': o.bad_sum = 1; break;
		case 'F': o.frag = strcmp(optarg, "later") == 0 ? 2 : 1; break;
		case 'O': o.ip_options = 1; break;
		case 'E': o.ext_header = 1; break;
		case 'T': o.trunc = (long)lab_number("pktprobe", 0, optarg, 20, "TCP header length"); break;
		case 'D': o.doff = (long)lab_number("pktprobe", 0, optarg, 15, "data offset"); break;
		case 'n': o.count = lab_number("pktprobe", 0, optarg, 10000000, "count"); break;
		case 'S': o.sources = lab_number("pktprobe", 0, optarg, 65536, "sources"); break;
		case 'w': o.msec = (long)lab_number("pktprobe", 0, optarg, 600000, "milliseconds"); break;
		case 'I': o.insn_label = optarg; break;
		default: probe_usage();
		}
	}
	if (!src || !dst || optind != argc)
		probe_usage();
	if (o.insn_label && insn_label_check(o.insn_label))
		return 2;
	if (o.text && strlen(o.text) > 1400)
		probe_die("-m: at most 1400 bytes");
	probe_addr(&o.src, o.family, src, o.sport);
	probe_addr(&o.dst, o.family, dst, o.dport);
	cap = o.insn_label ? -1 : probe_capture_open();
	fd = socket(o.family, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0)
		probe_die("socket(SOCK_RAW, IPPROTO_RAW)");
	/* Broadcast destinations are among the hostile cases. */
	setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	if (o.insn_label) {
		if (insn_phase_prepare())
			return 2;
		insn_phase_begin(o.insn_label);
	}
	for (i = 0; i < o.count; i++) {
		k = i % o.sources;
		size_t n = probe_tcp_build(&o, k, pkt, from);

		if (sendto(fd, pkt, n, 0, (struct sockaddr *)&o.dst.sa, o.dst.sa_len) < 0) {
			perror("pktprobe: sendto");
			return 4;
		}
	}
	if (o.insn_label) {
		insn_phase_end(o.insn_label);
		return 0;
	}
	{
		struct probe_filter f = { .family = o.family, .proto = IPPROTO_TCP,
					  .src = o.dst.bytes, .sport = o.dport,
					  .dst = o.src.bytes, .dst_count = o.sources,
					  .dport = o.sport, .print = o.count <= 20 };

		printf("replies %lu\n", probe_capture(cap, &f, o.msec));
	}
	return 0;
}

static int probe_capture_cmd(int argc, char **argv, int family)
{
	long msec = 1000;
	uint16_t port = 0;
	const char *src = NULL;
	struct probe_addr from;
	int c, cap;
	struct probe_filter f = { .family = family, .print = 1 };

	while ((c = getopt(argc, argv, "6p:w:us:")) != -1) {
		switch (c) {
		case '6': family = AF_INET6; break;
		case 'p': port = (uint16_t)lab_number("pktprobe", 0, optarg, 65535, "port"); break;
		case 'w': msec = (long)lab_number("pktprobe", 0, optarg, 600000, "milliseconds"); break;
		case 'u': f.proto = IPPROTO_UDP; break;
		case 's': src = optarg; break;
		default: probe_usage();
		}
	}
	if (!port || optind != argc)
		probe_usage();
	f.family = family;
	if (src) {
		probe_addr(&from, family, src, port);
		f.src = from.bytes;
	}
	f.sport = port;
	if (!f.proto)
		f.proto = IPPROTO_TCP;
	cap = probe_capture_open();
	printf("replies %lu\n", probe_capture(cap, &f, msec));
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc >= 3 && strcmp(argv[1], "-i") == 0) {
		probe_iface = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 2)
		probe_usage();
	cmd = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	argv++;
	argc--;
	if (strcmp(cmd, "connect") == 0)
		return probe_connect(argc, argv, AF_INET);
	if (strcmp(cmd, "udp") == 0)
		return probe_udp(argc, argv, AF_INET, 1);
	if (strcmp(cmd, "send") == 0)
		return probe_udp(argc, argv, AF_INET, 0);
	if (strcmp(cmd, "tcp") == 0)
		return probe_tcp(argc, argv, AF_INET);
	if (strcmp(cmd, "capture") == 0)
		return probe_capture_cmd(argc, argv, AF_INET);
	probe_usage();
	return 2;
}
