/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libxt_ACCOUNT_cl: read the per-IP counters of the ACCOUNT target's kernel
 * tables (xt_ACCOUNT) and manage their read handles.
 *
 * The API and ABI of upstream xtables-addons' library (soname
 * libxt_ACCOUNT_cl.so.1, version "1.3"): the same functions, the same
 * struct ipt_ACCOUNT_context layout, the same error strings, so programs built
 * against upstream's library run unchanged with this one.
 *
 * Typical use: ipt_ACCOUNT_init(), then ipt_ACCOUNT_read_entries() and
 * ipt_ACCOUNT_get_next_entry() until NULL, repeatedly; ipt_ACCOUNT_deinit() at
 * the end. Every function returning int returns -1 on failure and sets
 * ctx->error_str to a static message. The context is not thread-safe.
 *
 * IPv6 tables (an extension, see below): ipt_ACCOUNT_get_table_names6(),
 * ipt_ACCOUNT_read_entries6() and ipt_ACCOUNT_get_next_entry6().
 */
#ifndef LIBXT_ACCOUNT_CL_H
#define LIBXT_ACCOUNT_CL_H

#include <xt_ACCOUNT.h>

#define LIBXT_ACCOUNT_VERSION "1.3"

/* The initial data buffer; the buffer never shrinks below it. */
#define IPT_ACCOUNT_MIN_BUFSIZE 4096

struct ipt_ACCOUNT_context {
	int sockfd;				/* raw AF_INET socket, -1 when closed */
	struct ipt_acc_handle_sockopt handle;	/* handle_nr (uint32_t)-1: none held */
	unsigned int data_size;			/* bytes allocated at data */
	unsigned int pos;			/* iterator position in data */
	void *data;				/* records or table names */
	char *error_str;			/* last error, static text */
};

#ifdef __cplusplus
extern "C" {
#endif

/* Opens the kernel socket (needs CAP_NET_ADMIN) and the data buffer. */
int ipt_ACCOUNT_init(struct ipt_ACCOUNT_context *ctx);
/* Frees the buffer and any kernel handle, closes the socket. */
void ipt_ACCOUNT_deinit(struct ipt_ACCOUNT_context *ctx);

/* Releases the kernel handle (if any) and empties the iterator. */
void ipt_ACCOUNT_free_entries(struct ipt_ACCOUNT_context *ctx);
/*
 * Reads a snapshot of TABLE (name up to 31 bytes); zeroes its counters in the
 * same step unless dont_flush. Records come from ipt_ACCOUNT_get_next_entry.
 */
int ipt_ACCOUNT_read_entries(struct ipt_ACCOUNT_context *ctx,
			     const char *table, char dont_flush);
/* The next record of the last read, NULL after the last one. */
struct ipt_acc_handle_ip *ipt_ACCOUNT_get_next_entry(struct ipt_ACCOUNT_context *ctx);

/* The number of kernel read handles in use, or -1. */
int ipt_ACCOUNT_get_handle_usage(struct ipt_ACCOUNT_context *ctx);
/* Frees every kernel read handle (of every process). */
int ipt_ACCOUNT_free_all_handles(struct ipt_ACCOUNT_context *ctx);
/* Reads the table names; iterate with ipt_ACCOUNT_get_next_name. */
int ipt_ACCOUNT_get_table_names(struct ipt_ACCOUNT_context *ctx);
/* The next table name, NULL after the last one. */
const char *ipt_ACCOUNT_get_next_name(struct ipt_ACCOUNT_context *ctx);

/*
 * IPv6: extensions of xtables-addons-rs (upstream's library and module have
 * none). They need our xt_ACCOUNT; with upstream's module they fail with
 * error_str "Can't get IPv6 tables from kernel: xt_ACCOUNT module has no IPv6
 * support" (errno ENOPROTOOPT). IPv6 tables have their own names list and
 * reads; the handle functions above serve both families. The context is the
 * same struct: the buffer holds whatever the last read or names call put
 * there, so iterate IPv6 records only with ipt_ACCOUNT_get_next_entry6 and
 * IPv4 ones only with ipt_ACCOUNT_get_next_entry.
 */
#define LIBXT_ACCOUNT_HAS_IPV6 1

/*
 * As ipt_ACCOUNT_read_entries, for the IPv6 table TABLE. On success,
 * ctx->handle.itemcount is the number of records and, unless uncounted is
 * NULL, *uncounted the packets the table could not count since its creation or
 * last flush because it was full (module parameter ip6_max_addresses).
 * Records come from ipt_ACCOUNT_get_next_entry6.
 */
int ipt_ACCOUNT_read_entries6(struct ipt_ACCOUNT_context *ctx,
			      const char *table, char dont_flush,
			      uint64_t *uncounted);
/* The next record of the last IPv6 read, NULL after the last one. */
struct xt_acc_handle_ip6 *ipt_ACCOUNT_get_next_entry6(struct ipt_ACCOUNT_context *ctx);
/* Reads the IPv6 table names; iterate with ipt_ACCOUNT_get_next_name. */
int ipt_ACCOUNT_get_table_names6(struct ipt_ACCOUNT_context *ctx);

#ifdef __cplusplus
}
#endif

#endif /* LIBXT_ACCOUNT_CL_H */
