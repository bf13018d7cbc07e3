// SPDX-License-Identifier: GPL-2.0-only
/*
 * abi-client6: a program built against libxt_ACCOUNT_cl.h that uses the IPv6 extensions, as a
 * third-party user would. It prints what a caller sees: return values, errno, error strings,
 * records and the uncounted packets.
 *
 *   abi-client6 [TABLE...]   the IPv6 table names, then each table read without flushing
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libxt_ACCOUNT_cl.h>

#ifndef LIBXT_ACCOUNT_HAS_IPV6
#error "libxt_ACCOUNT_cl.h does not announce the IPv6 extensions"
#endif

_Static_assert(sizeof(struct xt_acc_handle_ip6) == 48, "IPv6 record size");
_Static_assert(sizeof(struct xt_acc_handle6_sockopt) == 48, "IPv6 handle size");

static void report(const char *what, int rc, const struct ipt_ACCOUNT_context *ctx)
{
	if (rc < 0)
		printf("%s %d: %s (errno %s)\n", what, rc, ctx->error_str, strerror(errno));
	else
		printf("%s %d: ok\n", what, rc);
}

int main(int argc, char **argv)
{
	struct ipt_ACCOUNT_context ctx;
	struct xt_acc_handle_ip6 *e;
	char ip[INET6_ADDRSTRLEN];
	uint64_t uncounted;
	const char *name;
	int i, rc;

	rc = ipt_ACCOUNT_init(&ctx);
	report("init", rc, &ctx);
	if (rc)
		return 1;
	rc = ipt_ACCOUNT_get_table_names6(&ctx);
	report("table names6", rc, &ctx);
	if (rc == 0)
		while ((name = ipt_ACCOUNT_get_next_name(&ctx)) != NULL)
			printf("  name %s\n", name);
	for (i = 1; i < argc; i++) {
		uncounted = 12345;
		rc = ipt_ACCOUNT_read_entries6(&ctx, argv[i], 1, &uncounted);
		report(argv[i], rc, &ctx);
		printf("  itemcount %u, uncounted %llu\n", ctx.handle.itemcount,
		       (unsigned long long)uncounted);
		while ((e = ipt_ACCOUNT_get_next_entry6(&ctx)) != NULL)
			printf("  %s %llu %llu %llu %llu\n", inet_ntop(AF_INET6, e->ip, ip, sizeof(ip)),
			       (unsigned long long)e->src_packets, (unsigned long long)e->src_bytes,
			       (unsigned long long)e->dst_packets, (unsigned long long)e->dst_bytes);
		/* Without the counter: allowed. */
		rc = ipt_ACCOUNT_read_entries6(&ctx, argv[i], 1, NULL);
		report("  again, uncounted NULL", rc, &ctx);
		ipt_ACCOUNT_free_entries(&ctx);
	}
	ipt_ACCOUNT_deinit(&ctx);
	return 0;
}
