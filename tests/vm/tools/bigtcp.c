// SPDX-License-Identifier: GPL-2.0-only
/*
 * bigtcp: enable BIG TCP on a device of the QEMU lab guest, as
 *   ip link set DEV gso_max_size SIZE gro_max_size SIZE \
 *           gso_ipv4_max_size SIZE gro_ipv4_max_size SIZE
 * does with an iproute2 newer than the guest has, and print what the kernel
 * then reports, "-" for an attribute it does not have (the IPv4 ones before
 * 6.3: no IPv4 packet is over 64 KiB there):
 *
 *   bigtcp DEV SIZE  ->  "gso_max_size A gro_max_size B gso_ipv4_max_size C gro_ipv4_max_size D"
 *
 * Exit status 0 when the kernel took the request, 1 on an error (printed).
 * Linked statically; the guest has no compiler.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* From Linux 6.3's if_link.h; the build host's headers may predate them. */
#define BIGTCP_IFLA_GSO_IPV4_MAX_SIZE 63
#define BIGTCP_IFLA_GRO_IPV4_MAX_SIZE 64

/* The attributes set and reported, in the order printed. */
static const struct {
	unsigned short type;
	const char *name;
} bigtcp_attrs[] = {
	{ IFLA_GSO_MAX_SIZE, "gso_max_size" },
	{ IFLA_GRO_MAX_SIZE, "gro_max_size" },
	{ BIGTCP_IFLA_GSO_IPV4_MAX_SIZE, "gso_ipv4_max_size" },
	{ BIGTCP_IFLA_GRO_IPV4_MAX_SIZE, "gro_ipv4_max_size" },
};
#define BIGTCP_NATTRS (sizeof(bigtcp_attrs) / sizeof(bigtcp_attrs[0]))

struct bigtcp_req {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char attrs[64];
};

static char bigtcp_buf[65536];

/* Appends a u32 attribute to req. */
static void bigtcp_put_u32(struct bigtcp_req *req, unsigned short type, uint32_t value)
{
	struct rtattr *rta = (struct rtattr *)((char *)req + NLMSG_ALIGN(req->nh.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(sizeof(value));
	memcpy(RTA_DATA(rta), &value, sizeof(value));
	req->nh.nlmsg_len = NLMSG_ALIGN(req->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Sends req and returns the length of the reply in bigtcp_buf, or -1 (printed). */
static int bigtcp_talk(int fd, struct bigtcp_req *req)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)bigtcp_buf;
	ssize_t n;

	if (send(fd, req, req->nh.nlmsg_len, 0) < 0) {
		perror("bigtcp: send");
		return -1;
	}
	n = recv(fd, bigtcp_buf, sizeof(bigtcp_buf), 0);
	if (n < 0) {
		perror("bigtcp: recv");
		return -1;
	}
	if (!NLMSG_OK(nh, n)) {
		fputs("bigtcp: short netlink reply\n", stderr);
		return -1;
	}
	if (nh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *err = NLMSG_DATA(nh);

		if (err->error) {
			fprintf(stderr, "bigtcp: %s\n", strerror(-err->error));
			return -1;
		}
	}
	return (int)n;
}

int main(int argc, char **argv)
{
	long value[BIGTCP_NATTRS] = { -1, -1, -1, -1 };
	struct bigtcp_req req;
	unsigned long size;
	struct rtattr *rta;
	unsigned int ifindex;
	int fd, n, len;
	size_t i;

	if (argc != 3) {
		fputs("usage: bigtcp DEV SIZE\n", stderr);
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	size = strtoul(argv[2], NULL, 0);
	if (!ifindex || !size || size > UINT32_MAX) {
		fprintf(stderr, "bigtcp: bad device or size: %s %s\n", argv[1], argv[2]);
		return 2;
	}
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (fd < 0) {
		perror("bigtcp: socket");
		return 1;
	}

	/* Kernels without an attribute ignore it here; the read back tells. */
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
	req.nh.nlmsg_type = RTM_NEWLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.ifi.ifi_index = (int)ifindex;
	for (i = 0; i < BIGTCP_NATTRS; i++)
		bigtcp_put_u32(&req, bigtcp_attrs[i].type, (uint32_t)size);
	if (bigtcp_talk(fd, &req) < 0)
		return 1;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
	req.nh.nlmsg_type = RTM_GETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.ifi.ifi_index = (int)ifindex;
	n = bigtcp_talk(fd, &req);
	if (n < 0)
		return 1;
	if (((struct nlmsghdr *)bigtcp_buf)->nlmsg_type != RTM_NEWLINK) {
		fputs("bigtcp: no link in the reply\n", stderr);
		return 1;
	}
	len = (int)((struct nlmsghdr *)bigtcp_buf)->nlmsg_len -
	      (int)NLMSG_LENGTH(sizeof(struct ifinfomsg));
	for (rta = IFLA_RTA(NLMSG_DATA(bigtcp_buf)); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		uint32_t v;

		if (RTA_PAYLOAD(rta) != sizeof(v))
			continue;
		memcpy(&v, RTA_DATA(rta), sizeof(v));
		for (i = 0; i < BIGTCP_NATTRS; i++)
			if (rta->rta_type == bigtcp_attrs[i].type)
				value[i] = v;
	}
	close(fd);
	for (i = 0; i < BIGTCP_NATTRS; i++) {
		if (value[i] < 0)
			printf("%s%s -", i ? " " : "", bigtcp_attrs[i].name);
		else
			printf("%s%s %ld", i ? " " : "", bigtcp_attrs[i].name, value[i]);
	}
	putchar('\n');
	return 0;
}
