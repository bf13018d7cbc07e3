// SPDX-License-Identifier: GPL-2.0-only
/*
 * accsockopt: issue single xt_ACCOUNT socket options with chosen arguments,
 * including wrong ones, from the QEMU lab guest, and print the outcome:
 * "ok ..." with what came back, or "error ENAME". Exit status 0 either way
 * (1 for a usage error or no socket, 2 for a bad number): the scenario
 * compares the lines.
 *
 *   accsockopt [-u] prepare NAME [flush]   handle and itemcount; the handle is NOT freed
 *   accsockopt [-u] data HANDLE BUFLEN      GET_DATA into BUFLEN bytes; prints the records' count
 *   accsockopt [-u] usage                   handles in use
 *   accsockopt [-u] names BUFLEN            table names, comma-separated
 *   accsockopt [-u] free HANDLE [LEN]       HANDLE_FREE with a LEN-byte argument
 *   accsockopt [-u] freeall
 *   accsockopt [-u] getlen OPT LEN          any get option with any length (a 4 MiB buffer)
 *
 * IPv6 tables (PREPARE_READ6 and the other options 79-82 of our module):
 *   accsockopt [-u] prepare6 NAME [flush]  handle, itemcount and uncounted; the handle is NOT freed
 *   accsockopt [-u] data6 HANDLE BUFLEN     GET_DATA6 into BUFLEN bytes
 *   accsockopt [-u] names6 BUFLEN           IPv6 table names, as names
 *   accsockopt [-u] read6 NAME [flush]      prepare6, data6 of exactly the records, free: "items N
 *                                           uncounted U", "ok", then one line per record in the
 *                                           kernel's order: "ADDRESS SRC_PACKETS SRC_BYTES
 *                                           DST_PACKETS DST_BYTES"
 *
 * -u: drop to uid/gid 65534 (no capabilities) after opening the socket.
 * Structures come from kmod-c/include/xt_ACCOUNT.h, the shared ABI header.
 */
#define _GNU_SOURCE /* strerrorname_np */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../../kmod-c/include/xt_ACCOUNT.h"
#include "lab_tool.h"

/* Room for the records of an IPv6 table of 65536 addresses (48 B each). */
#define ACCSOCKOPT_BUF (4 << 20)

static unsigned char accsockopt_buf[ACCSOCKOPT_BUF];

static int accsockopt_usage(void)
{
	fputs("usage: accsockopt [-u] prepare NAME [flush] | data HANDLE BUFLEN | usage |\n"
	      "       names BUFLEN | free HANDLE [LEN] | freeall | getlen OPT LEN |\n"
	      "       prepare6 NAME [flush] | data6 HANDLE BUFLEN | names6 BUFLEN | read6 NAME [flush]\n",
	      stderr);
	return 1;
}

/* A number argument (decimal, 0x hex or 0 octal), lab_tool.h's strict parse. */
static unsigned long accsockopt_number(const char *s)
{
	return lab_number("accsockopt", 0, s, ULONG_MAX, "number");
}

static void accsockopt_error(void)
{
	const char *name = strerrorname_np(errno);

	printf("error %s\n", name ? name : "?");
}

static int accsockopt_get(int fd, int opt, socklen_t len)
{
	if (len > ACCSOCKOPT_BUF) {
		fputs("accsockopt: length above the 4 MiB buffer\n", stderr);
		exit(1);
	}
	return getsockopt(fd, IPPROTO_IP, opt, accsockopt_buf, &len);
}

/* names / names6: GET_TABLE_NAMES(6) into len bytes, printed space-separated. */
static void accsockopt_names(int fd, int opt, socklen_t len)
{
	size_t pos = 0;

	if (accsockopt_get(fd, opt, len)) {
		accsockopt_error();
		return;
	}
	printf("ok names");
	while (pos < ACCSOCKOPT_BUF && accsockopt_buf[pos]) {
		printf(" %s", (char *)accsockopt_buf + pos);
		pos += strnlen((char *)accsockopt_buf + pos, ACCSOCKOPT_BUF - pos) + 1;
	}
	printf("\n");
}

/* PREPARE_READ6(_FLUSH) of name: 0 and *h filled, or -1 with errno. */
static int accsockopt_prepare6(int fd, const char *name, int flush,
			       struct xt_acc_handle6_sockopt *h)
{
	*h = (struct xt_acc_handle6_sockopt){0};
	/* Up to the full 32 bytes: an unterminated name on purpose. */
	memcpy(h->name, name, strnlen(name, sizeof(h->name)));
	memcpy(accsockopt_buf, h, sizeof(*h));
	if (accsockopt_get(fd, flush ? IPT_SO_GET_ACCOUNT_PREPARE_READ6_FLUSH
				     : IPT_SO_GET_ACCOUNT_PREPARE_READ6, sizeof(*h)))
		return -1;
	memcpy(h, accsockopt_buf, sizeof(*h));
	return 0;
}

/* GET_DATA6 of handle into len bytes; prints "ok" and its first count records, or the error. */
static void accsockopt_data6(int fd, uint32_t handle, socklen_t len, size_t count)
{
	struct ipt_acc_handle_sockopt h = {.handle_nr = handle};
	char addr[INET6_ADDRSTRLEN];
	size_t i;

	memcpy(accsockopt_buf, &h, sizeof(h));
	if (accsockopt_get(fd, IPT_SO_GET_ACCOUNT_GET_DATA6, len)) {
		accsockopt_error();
		return;
	}
	printf("ok\n");
	for (i = 0; i < count && (i + 1) * sizeof(struct xt_acc_handle_ip6) <= len; i++) {
		struct xt_acc_handle_ip6 r;

		memcpy(&r, accsockopt_buf + i * sizeof(r), sizeof(r));
		inet_ntop(AF_INET6, r.ip, addr, sizeof(addr));
		printf("%s %llu %llu %llu %llu\n", addr, (unsigned long long)r.src_packets,
		       (unsigned long long)r.src_bytes, (unsigned long long)r.dst_packets,
		       (unsigned long long)r.dst_bytes);
	}
}

int main(int argc, char **argv)
{
	struct xt_acc_handle6_sockopt h6;
	struct ipt_acc_handle_sockopt h = {0};
	int fd, arg = 1;
	const char *cmd;

	/* The raw socket needs CAP_NET_RAW: opened before -u drops every capability. */
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("accsockopt: socket");
		return 1;
	}
	if (arg < argc && strcmp(argv[arg], "-u") == 0) {
		if (setgid(65534) || setuid(65534)) {
			perror("accsockopt: dropping privileges");
			return 1;
		}
		arg++;
	}
	if (arg >= argc)
		return accsockopt_usage();
	cmd = argv[arg++];

	if (strcmp(cmd, "prepare") == 0 && (argc - arg == 1 || argc - arg == 2)) {
		int opt = argc - arg == 2 ? IPT_SO_GET_ACCOUNT_PREPARE_READ_FLUSH
					  : IPT_SO_GET_ACCOUNT_PREPARE_READ;
		/* Up to the full 32 bytes: an unterminated name on purpose. */
		memcpy(h.name, argv[arg], strnlen(argv[arg], sizeof(h.name)));
		memcpy(accsockopt_buf, &h, sizeof(h));
		if (accsockopt_get(fd, opt, sizeof(h)))
			accsockopt_error();
		else {
			memcpy(&h, accsockopt_buf, sizeof(h));
			printf("ok handle %u items %u\n", h.handle_nr, h.itemcount);
		}
	} else if (strcmp(cmd, "data") == 0 && argc - arg == 2) {
		unsigned long len = accsockopt_number(argv[arg + 1]);

		h.handle_nr = (uint32_t)accsockopt_number(argv[arg]);
		memcpy(accsockopt_buf, &h, sizeof(h));
		if (accsockopt_get(fd, IPT_SO_GET_ACCOUNT_GET_DATA, (socklen_t)len))
			accsockopt_error();
		else
			printf("ok\n");
	} else if (strcmp(cmd, "usage") == 0 && argc == arg) {
		if (accsockopt_get(fd, IPT_SO_GET_ACCOUNT_GET_HANDLE_USAGE, sizeof(h)))
			accsockopt_error();
		else {
			memcpy(&h, accsockopt_buf, sizeof(h));
			printf("ok usage %u\n", h.itemcount);
		}
	} else if (strcmp(cmd, "names") == 0 && argc - arg == 1) {
		accsockopt_names(fd, IPT_SO_GET_ACCOUNT_GET_TABLE_NAMES,
				 (socklen_t)accsockopt_number(argv[arg]));
	} else if (strcmp(cmd, "names6") == 0 && argc - arg == 1) {
		accsockopt_names(fd, IPT_SO_GET_ACCOUNT_GET_TABLE_NAMES6,
				 (socklen_t)accsockopt_number(argv[arg]));
	} else if (strcmp(cmd, "prepare6") == 0 && (argc - arg == 1 || argc - arg == 2)) {
		if (accsockopt_prepare6(fd, argv[arg], argc - arg == 2, &h6))
			accsockopt_error();
		else
			printf("ok handle %u items %u uncounted %llu\n", h6.handle_nr, h6.itemcount,
			       (unsigned long long)h6.uncounted);
	} else if (strcmp(cmd, "data6") == 0 && argc - arg == 2) {
		accsockopt_data6(fd, (uint32_t)accsockopt_number(argv[arg]),
				 (socklen_t)accsockopt_number(argv[arg + 1]), 0);
	} else if (strcmp(cmd, "read6") == 0 && (argc - arg == 1 || argc - arg == 2)) {
		if (accsockopt_prepare6(fd, argv[arg], argc - arg == 2, &h6)) {
			accsockopt_error();
		} else {
			struct ipt_acc_handle_sockopt h4 = {.handle_nr = h6.handle_nr};
			size_t len = (size_t)h6.itemcount * sizeof(struct xt_acc_handle_ip6);

			printf("items %u uncounted %llu\n", h6.itemcount,
			       (unsigned long long)h6.uncounted);
			/* The handle struct must fit even for an empty table. */
			accsockopt_data6(fd, h6.handle_nr,
					 len < sizeof(h4) ? sizeof(h4) : (socklen_t)len, h6.itemcount);
			if (setsockopt(fd, IPPROTO_IP, IPT_SO_SET_ACCOUNT_HANDLE_FREE, &h4, sizeof(h4)))
				accsockopt_error();
		}
	} else if (strcmp(cmd, "free") == 0 && (argc - arg == 1 || argc - arg == 2)) {
		socklen_t len = argc - arg == 2 ? (socklen_t)accsockopt_number(argv[arg + 1]) : sizeof(h);

		h.handle_nr = (uint32_t)accsockopt_number(argv[arg]);
		memcpy(accsockopt_buf, &h, sizeof(h));
		if (len > ACCSOCKOPT_BUF)
			return accsockopt_usage();
		if (setsockopt(fd, IPPROTO_IP, IPT_SO_SET_ACCOUNT_HANDLE_FREE, accsockopt_buf, len))
			accsockopt_error();
		else
			printf("ok\n");
	} else if (strcmp(cmd, "freeall") == 0 && argc == arg) {
		if (setsockopt(fd, IPPROTO_IP, IPT_SO_SET_ACCOUNT_HANDLE_FREE_ALL, NULL, 0))
			accsockopt_error();
		else
			printf("ok\n");
	} else if (strcmp(cmd, "getlen") == 0 && argc - arg == 2) {
		socklen_t len = (socklen_t)accsockopt_number(argv[arg + 1]);

		/* Passed straight through: the kernel must refuse what the buffer cannot hold. */
		if (getsockopt(fd, IPPROTO_IP, (int)accsockopt_number(argv[arg]), accsockopt_buf, &len))
			accsockopt_error();
		else
			printf("ok\n");
	} else {
		return accsockopt_usage();
	}
	close(fd);
	return 0;
}
