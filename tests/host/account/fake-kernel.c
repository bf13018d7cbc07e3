// SPDX-License-Identifier: GPL-2.0-only
/*
 * fake-kernel.so: an LD_PRELOAD stand-in for xt_ACCOUNT's sockopts, for the host, whose
 * kernel cannot load the module. It answers the ACCOUNT getsockopts and setsockopts (levels
 * IPPROTO_IP, 71..82) with fixed tables and passes every other call to libc, so iptaccount and
 * the library run their real code paths against known records, with either kind of module:
 *
 *   FAKE_ACCOUNT=upstream  upstream's module: IPv4 table net4; 79..82 answer ENOPROTOOPT
 *   FAKE_ACCOUNT=rs        ours: also IPv6 tables net6 (3 records, 3 uncounted) and all6 (::/0)
 *   FAKE_ACCOUNT_LOG=FILE  appends each ACCOUNT sockopt number to FILE (which read was asked)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <xt_ACCOUNT.h>

enum { NET4 = 1, NET6, ALL6 };

static int fake_has_ipv6(void)
{
	const char *mode = getenv("FAKE_ACCOUNT");

	return mode && strcmp(mode, "rs") == 0;
}

static void fake_log(int opt)
{
	const char *path = getenv("FAKE_ACCOUNT_LOG");
	FILE *f;

	if (!path || !(f = fopen(path, "a")))
		return;
	fprintf(f, "%d\n", opt);
	fclose(f);
}

static int fake_fail(int err)
{
	errno = err;
	return -1;
}

/* Copies LEN bytes of SRC out, as the kernel does: -ENOMEM when the buffer is too small. */
static int fake_out(void *buf, socklen_t *len, const void *src, size_t n)
{
	if (*len < n)
		return fake_fail(ENOMEM);
	memcpy(buf, src, n);
	*len = n;
	return 0;
}

static void fake_record6(struct xt_acc_handle_ip6 *r, const char *ip, uint64_t n)
{
	inet_pton(AF_INET6, ip, r->ip);
	r->src_packets = n;
	r->src_bytes = n * 104;
	r->dst_packets = n + 1;
	r->dst_bytes = (n + 1) * 104;
}

static int fake_account(int opt, void *buf, socklen_t *len)
{
	static const char names4[] = "net4\0", names6[] = "net6\0all6\0";
	struct ipt_acc_handle_sockopt *h = buf;
	struct xt_acc_handle6_sockopt *h6 = buf;

	fake_log(opt);
	if (opt >= IPT_SO_GET_ACCOUNT_PREPARE_READ6 && !fake_has_ipv6())
		return fake_fail(ENOPROTOOPT);
	switch (opt) {
	case IPT_SO_GET_ACCOUNT_PREPARE_READ:
	case IPT_SO_GET_ACCOUNT_PREPARE_READ_FLUSH:
		if (*len < sizeof(*h) || strcmp(h->name, "net4") != 0)
			return fake_fail(EINVAL);
		h->handle_nr = NET4;
		h->itemcount = 2;
		return 0;
	case IPT_SO_GET_ACCOUNT_PREPARE_READ6:
	case IPT_SO_GET_ACCOUNT_PREPARE_READ6_FLUSH:
		if (*len != sizeof(*h6))
			return fake_fail(EINVAL);
		if (strcmp(h6->name, "net6") == 0) {
			h6->handle_nr = NET6;
			h6->itemcount = 3;
			h6->uncounted = 3;
		} else if (strcmp(h6->name, "all6") == 0) {
			h6->handle_nr = ALL6;
			h6->itemcount = 1;
			h6->uncounted = 0;
		} else {
			return fake_fail(EINVAL);
		}
		return 0;
	case IPT_SO_GET_ACCOUNT_GET_DATA: {
		struct ipt_acc_handle_ip r[2] = {
			/* Host byte order, as upstream's kernel writes it. */
			{ .ip = 0x0a000001, .src_packets = 1, .src_bytes = 84, .dst_packets = 2, .dst_bytes = 168 },
			{ .ip = 0x0a000102, .src_packets = 3, .src_bytes = 252, .dst_packets = 0, .dst_bytes = 0 },
		};

		if (*len < sizeof(*h) || h->handle_nr != NET4)
			return fake_fail(EINVAL);
		return fake_out(buf, len, r, sizeof(r));
	}
	case IPT_SO_GET_ACCOUNT_GET_DATA6: {
		struct xt_acc_handle_ip6 r[3];

		if (*len < sizeof(*h) || (h->handle_nr != NET6 && h->handle_nr != ALL6))
			return fake_fail(EINVAL);
		if (h->handle_nr == ALL6) {
			fake_record6(&r[0], "::", 9);
			return fake_out(buf, len, r, sizeof(r[0]));
		}
		fake_record6(&r[0], "2001:db8::1", 1);
		fake_record6(&r[1], "2001:db8::a:0:0:1", 2);
		fake_record6(&r[2], "2001:db8:0:1::", 3);
		return fake_out(buf, len, r, sizeof(r));
	}
	case IPT_SO_GET_ACCOUNT_GET_HANDLE_USAGE:
		if (*len < sizeof(*h))
			return fake_fail(EINVAL);
		h->itemcount = 0;
		return 0;
	case IPT_SO_GET_ACCOUNT_GET_TABLE_NAMES:
		return fake_out(buf, len, names4, sizeof(names4));
	case IPT_SO_GET_ACCOUNT_GET_TABLE_NAMES6:
		return fake_out(buf, len, names6, sizeof(names6));
	}
	return fake_fail(ENOPROTOOPT);
}

static int is_account(int level, int opt)
{
	return level == IPPROTO_IP && opt > SO_ACCOUNT_BASE_CTL && opt <= IPT_SO_GET_ACCOUNT_MAX6;
}

int getsockopt(int fd, int level, int opt, void *buf, socklen_t *len)
{
	static int (*real)(int, int, int, void *, socklen_t *);

	if (is_account(level, opt))
		return fake_account(opt, buf, len);
	if (!real)
		real = (int (*)(int, int, int, void *, socklen_t *))dlsym(RTLD_NEXT, "getsockopt");
	return real(fd, level, opt, buf, len);
}

int setsockopt(int fd, int level, int opt, const void *buf, socklen_t len)
{
	static int (*real)(int, int, int, const void *, socklen_t);

	if (is_account(level, opt)) {
		fake_log(opt);
		return 0;
	}
	if (!real)
		real = (int (*)(int, int, int, const void *, socklen_t))dlsym(RTLD_NEXT, "setsockopt");
	return real(fd, level, opt, buf, len);
}
