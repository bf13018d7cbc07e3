// SPDX-License-Identifier: GPL-2.0-only
/*
 * rawudp: send hand-made IPv4/IPv6 UDP datagrams from the QEMU lab guest.
 *
 * Builds the IP and UDP headers itself (IPPROTO_RAW, header included), so a
 * test can pick any source address, any payload bytes and a UDP length field
 * that disagrees with the datagram, a UDP header cut short: things no ordinary
 * socket can send.
 * Linked statically; the guest has no compiler and few libraries.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "insn.h"
#include "lab_tool.h"

#define RAWUDP_MAX_PAYLOAD 65000
#define RAWUDP_IP4_HDR 20
#define RAWUDP_IP6_HDR 40
#define RAWUDP_UDP_HDR 8
#define RAWUDP_FRAG_HDR 8 /* IPv6 fragment extension header */

struct rawudp_opts {
	int family;
	uint8_t proto; /* IPPROTO_UDP or IPPROTO_UDPLITE */
	int first_fragment; /* send as the first fragment of a larger datagram */
	int bad_checksum; /* send a wrong UDP checksum */
	const char *src;
	const char *dst;
	uint16_t dport;
	uint16_t sport;
	long udp_len; /* -1: the true length */
	long cut; /* -1, or the bytes of the UDP header sent (0..7), and nothing after them */
	unsigned long count;
	const char *text;
	const char *hex;
	const char *file;
	const char *insn_label; /* the sending is this instruction-count phase */
};

static void rawudp_usage(FILE *out)
{
	fputs("usage: rawudp [-6] [-U] [-F] [-B] -s SRC -d DST [-p DPORT] [-P SPORT] [-l UDPLEN] [-T LEN]\n"
	      "              [-n COUNT] [-I LABEL] (-m TEXT | -x HEX | -f FILE)\n"
	      "Send raw UDP datagrams (IPv4, or IPv6 with -6) with a chosen source address.\n"
	      "  -U         UDP-Lite (the length field is then the checksum coverage)\n"
	      "  -F         send as the first fragment of a larger datagram (IPv4: MF flag;\n"
	      "             IPv6: a fragment header, offset 0, M flag)\n"
	      "  -B         a wrong UDP checksum\n"
	      "  -s SRC     source address          -d DST     destination address\n"
	      "  -p DPORT   destination port (9)    -P SPORT   source port (40000)\n"
	      "  -l UDPLEN  value of the UDP length field (default: the true length)\n"
	      "  -T LEN     send only the first LEN (0-7) bytes of the UDP header, no payload\n"
	      "  -n COUNT   send everything COUNT times (default 1)\n"
	      "  -I LABEL   the sending (not the program's start and exit) is the phase LABEL of\n"
	      "             the lab's instruction counts (tests/vm/tools/insn.h); profiled with\n"
	      "             INSN_PROFILE=1 in the environment\n"
	      "  -m TEXT    payload given as text   -x HEX     payload given as hex bytes\n"
	      "  -f FILE    one datagram per line of FILE (the newline is not sent)\n",
	      out);
}

static void rawudp_die(const char *what)
{
	fprintf(stderr, "rawudp: %s\n", what);
	exit(2);
}

static int rawudp_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes HEX into buf; returns the byte count. */
static size_t rawudp_unhex(const char *hex, uint8_t *buf)
{
	size_t n = strlen(hex), i;

	if (n % 2 || n / 2 > RAWUDP_MAX_PAYLOAD)
		rawudp_die("-x needs an even number of hex digits, at most 130000");
	for (i = 0; i < n / 2; i++) {
		int hi = rawudp_hexval(hex[2 * i]), lo = rawudp_hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			rawudp_die("-x: not a hex digit");
		buf[i] = (uint8_t)(hi << 4 | lo);
	}
	return n / 2;
}

static uint16_t rawudp_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

struct rawudp_sender {
	int fd;
	int family;
	struct sockaddr_storage to;
	socklen_t to_len;
	uint8_t src[16];
	uint8_t dst[16];
	const struct rawudp_opts *o;
	uint8_t pkt[RAWUDP_IP6_HDR + RAWUDP_FRAG_HDR + RAWUDP_UDP_HDR + RAWUDP_MAX_PAYLOAD];
	unsigned long sent;
};

static void rawudp_open(struct rawudp_sender *s, const struct rawudp_opts *o)
{
	size_t alen = o->family == AF_INET ? 4 : 16;

	memset(s, 0, sizeof(*s));
	s->o = o;
	s->family = o->family;
	if (inet_pton(o->family, o->src, s->src) != 1)
		rawudp_die("bad source address for this address family");
	if (inet_pton(o->family, o->dst, s->dst) != 1)
		rawudp_die("bad destination address for this address family");
	if (o->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&s->to;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, s->dst, alen);
		s->to_len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&s->to;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, s->dst, alen);
		s->to_len = sizeof(*sin6);
	}
	/* IPPROTO_RAW implies "header included" for both families. */
	s->fd = socket(o->family, SOCK_RAW, IPPROTO_RAW);
	if (s->fd < 0) {
		perror("rawudp: socket(SOCK_RAW, IPPROTO_RAW)");
		exit(2);
	}
}

static void rawudp_send(struct rawudp_sender *s, const uint8_t *payload, size_t len)
{
	const struct rawudp_opts *o = s->o;
	size_t iphl = s->family == AF_INET ? RAWUDP_IP4_HDR : RAWUDP_IP6_HDR;
	size_t exthl = s->family == AF_INET6 && o->first_fragment ? RAWUDP_FRAG_HDR : 0;
	size_t udp_true = RAWUDP_UDP_HDR + len;
	size_t udp_sent = o->cut >= 0 ? (size_t)o->cut : udp_true;
	uint16_t udp_field = o->udp_len >= 0 ? (uint16_t)o->udp_len : (uint16_t)udp_true;
	uint8_t *ip = s->pkt, *udp = s->pkt + iphl + exthl;
	uint32_t sum;
	uint16_t csum;

	memset(s->pkt, 0, iphl + exthl + RAWUDP_UDP_HDR);
	if (s->family == AF_INET) {
		ip[0] = 0x45;
		ip[6] = o->first_fragment ? 0x20 : 0; /* MF, offset 0 */
		ip[8] = 64;             /* TTL */
		ip[9] = o->proto;
		memcpy(ip + 12, s->src, 4);
		memcpy(ip + 16, s->dst, 4);
		/* The kernel fills in total length, id and header checksum. */
	} else {
		ip[0] = 0x60;
		ip[4] = (uint8_t)((exthl + udp_sent) >> 8);
		ip[5] = (uint8_t)(exthl + udp_sent);
		ip[6] = exthl ? 44 : o->proto; /* 44: fragment header */
		ip[7] = 64;             /* hop limit */
		memcpy(ip + 8, s->src, 16);
		memcpy(ip + 24, s->dst, 16);
		if (exthl) {
			uint8_t *frag = ip + RAWUDP_IP6_HDR;

			frag[0] = o->proto;
			frag[3] = 1;            /* offset 0, M: more fragments follow */
			frag[7] = (uint8_t)(s->sent + 1); /* identification */
		}
	}
	udp[0] = (uint8_t)(o->sport >> 8);
	udp[1] = (uint8_t)o->sport;
	udp[2] = (uint8_t)(o->dport >> 8);
	udp[3] = (uint8_t)o->dport;
	udp[4] = (uint8_t)(udp_field >> 8);
	udp[5] = (uint8_t)udp_field;
	memcpy(udp + RAWUDP_UDP_HDR, payload, len);

	/* Checksum over the bytes actually sent, so only the length field is wrong
	 * (UDP-Lite: full coverage assumed; no test socket checks it anyway). */
	sum = lab_sum(0, s->src, s->family == AF_INET ? 4 : 16);
	sum = lab_sum(sum, s->dst, s->family == AF_INET ? 4 : 16);
	sum += o->proto + (uint32_t)udp_field;
	sum = lab_sum(sum, udp, udp_true);
	csum = rawudp_fold(sum);
	if (csum == 0)
		csum = 0xffff;
	if (o->bad_checksum)
		csum ^= 0x0101;
	udp[6] = (uint8_t)(csum >> 8);
	udp[7] = (uint8_t)csum;

	if (sendto(s->fd, s->pkt, iphl + exthl + udp_sent, 0, (struct sockaddr *)&s->to, s->to_len) < 0) {
		perror("rawudp: sendto");
		exit(1);
	}
	s->sent++;
}

/* Sends each line of the file (without its newline). */
static void rawudp_send_file(struct rawudp_sender *s, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	rewind(f);
	while ((n = getline(&line, &cap, f)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			n--;
		if ((size_t)n > RAWUDP_MAX_PAYLOAD)
			rawudp_die("a line of -f FILE is longer than 65000 bytes");
		rawudp_send(s, (const uint8_t *)line, (size_t)n);
	}
	free(line);
	if (ferror(f))
		rawudp_die("cannot read -f FILE");
}

int main(int argc, char **argv)
{
	static struct rawudp_sender sender;
	static uint8_t payload[RAWUDP_MAX_PAYLOAD];
	struct rawudp_opts o = { .family = AF_INET, .proto = IPPROTO_UDP, .dport = 9,
				 .sport = 40000, .udp_len = -1, .cut = -1, .count = 1 };
	size_t len = 0;
	FILE *f = NULL;
	unsigned long i;
	int c, sources = 0;

	while ((c = getopt(argc, argv, "6UFBs:d:p:P:l:T:n:I:m:x:f:h")) != -1) {
		switch (c) {
		case '6': o.family = AF_INET6; break;
		case 'U': o.proto = IPPROTO_UDPLITE; break;
		case 'F': o.first_fragment = 1; break;
		case 'B': o.bad_checksum = 1; break;
		case 's': o.src = optarg; break;
		case 'd': o.dst = optarg; break;
		case 'p': o.dport = (uint16_t)lab_number("rawudp", 10, optarg, 65535, "port"); break;
		case 'P': o.sport = (uint16_t)lab_number("rawudp", 10, optarg, 65535, "port"); break;
		case 'l': o.udp_len = (long)lab_number("rawudp", 10, optarg, 65535, "UDP length"); break;
		case 'T': o.cut = (long)lab_number("rawudp", 10, optarg, RAWUDP_UDP_HDR - 1, "UDP header length"); break;
		case 'n': o.count = lab_number("rawudp", 10, optarg, 100000000, "count"); break;
		case 'I': o.insn_label = optarg; break;
		case 'm': o.text = optarg; sources++; break;
		case 'x': o.hex = optarg; sources++; break;
		case 'f': o.file = optarg; sources++; break;
		case 'h': rawudp_usage(stdout); return 0;
		default: rawudp_usage(stderr); return 2;
		}
	}
	if (optind != argc || !o.src || !o.dst || sources != 1) {
		rawudp_usage(stderr);
		return 2;
	}
	if (o.text) {
		len = strlen(o.text);
		if (len > RAWUDP_MAX_PAYLOAD)
			rawudp_die("-m TEXT is longer than 65000 bytes");
		memcpy(payload, o.text, len);
	} else if (o.hex) {
		len = rawudp_unhex(o.hex, payload);
	} else {
		f = fopen(o.file, "r");
		if (!f) {
			perror(o.file);
			return 2;
		}
	}
	rawudp_open(&sender, &o);
	if (o.insn_label) {
		if (insn_label_check(o.insn_label) || insn_phase_prepare())
			return 2;
		insn_phase_begin(o.insn_label);
	}
	for (i = 0; i < o.count; i++) {
		if (f)
			rawudp_send_file(&sender, f);
		else
			rawudp_send(&sender, payload, len);
	}
	if (o.insn_label)
		insn_phase_end(o.insn_label);
	if (f)
		fclose(f);
	close(sender.fd);
	return 0;
}
