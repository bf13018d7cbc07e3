// SPDX-License-Identifier: GPL-2.0-only
/*
 * abi-client: a program built against libxt_ACCOUNT_cl.h as a third-party user would, linked
 * against upstream's libxt_ACCOUNT_cl.so.1 and run with either library (LD_LIBRARY_PATH).
 * It calls every function and prints what a caller sees, including fields it reads straight
 * from the context, so any difference in layout, return values or error strings between the
 * two libraries shows in the output.
 *
 *   abi-client [TABLE...]   read each table (without flushing), then the names and usage
 */
#include <stddef.h>
#include <stdio.h>
#include <libxt_ACCOUNT_cl.h>

/* The layout of upstream's x86-64 library (from its machine code). */
_Static_assert(offsetof(struct ipt_ACCOUNT_context, handle) == 4, "handle");
_Static_assert(offsetof(struct ipt_ACCOUNT_context, data_size) == 0x2c, "data_size");
_Static_assert(offsetof(struct ipt_ACCOUNT_context, pos) == 0x30, "pos");
_Static_assert(offsetof(struct ipt_ACCOUNT_context, data) == 0x38, "data");
_Static_assert(offsetof(struct ipt_ACCOUNT_context, error_str) == 0x40, "error_str");
_Static_assert(sizeof(struct ipt_ACCOUNT_context) == 0x48, "context size");
_Static_assert(sizeof(struct ipt_acc_handle_ip) == 40, "record size");

static const char *err(const struct ipt_ACCOUNT_context *ctx)
{
	return ctx->error_str ? ctx->error_str : "(none)";
}

int main(int argc, char **argv)
{
	struct ipt_ACCOUNT_context ctx;
	struct ipt_acc_handle_ip *e;
	const char *name;
	int i, rc;

	printf("version %s, min buffer %d\n", LIBXT_ACCOUNT_VERSION, IPT_ACCOUNT_MIN_BUFSIZE);
	rc = ipt_ACCOUNT_init(&ctx);
	printf("init %d: %s\n", rc, rc ? err(&ctx) : "ok");
	if (rc)
		return 1;
	printf("after init: handle_nr %d, data_size %u, pos %u, data %s\n", (int)ctx.handle.handle_nr,
	       ctx.data_size, ctx.pos, ctx.data ? "set" : "NULL");
	for (i = 1; i < argc; i++) {
		ctx.error_str = NULL;
		rc = ipt_ACCOUNT_read_entries(&ctx, argv[i], 1);
		printf("read %s %d: %s, itemcount %u, handle_nr %d\n", argv[i], rc, rc ? err(&ctx) : "ok",
		       ctx.handle.itemcount, (int)ctx.handle.handle_nr);
		while ((e = ipt_ACCOUNT_get_next_entry(&ctx)) != NULL)
			printf("  %u.%u.%u.%u %llu %llu %llu %llu\n", e->ip >> 24, (e->ip >> 16) & 255,
			       (e->ip >> 8) & 255, e->ip & 255, (unsigned long long)e->src_packets,
			       (unsigned long long)e->src_bytes, (unsigned long long)e->dst_packets,
			       (unsigned long long)e->dst_bytes);
		ipt_ACCOUNT_free_entries(&ctx);
		printf("after free_entries: itemcount %u, pos %u\n", ctx.handle.itemcount, ctx.pos);
	}
	ctx.error_str = NULL;
	rc = ipt_ACCOUNT_get_table_names(&ctx);
	printf("table names %d: %s\n", rc, rc ? err(&ctx) : "ok");
	if (rc == 0)
		while ((name = ipt_ACCOUNT_get_next_name(&ctx)) != NULL)
			printf("  name %s\n", name);
	ctx.error_str = NULL;
	rc = ipt_ACCOUNT_get_handle_usage(&ctx);
	printf("handle usage %d: %s\n", rc, rc < 0 ? err(&ctx) : "ok");
	ipt_ACCOUNT_deinit(&ctx);
	printf("after deinit: sockfd %d, data %s\n", ctx.sockfd, ctx.data ? "set" : "NULL");
	return 0;
}
