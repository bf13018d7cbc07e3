/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xa_rangedb.ko: the address-range databases of the geoip and asn matches,
 * per network namespace, read by the kernel itself from upstream's files.
 *
 * A rule names up to 31 keys (country codes, AS numbers) of one family. The
 * rule's set is the union of its keys' files, DIR/KEY.iv4 or .iv6, read when
 * the first rule naming those keys is added, in the adding process's context
 * (its mount namespace and credentials), validated and laid out by the shim,
 * shared by every rule of the namespace naming the same keys, freed with the
 * last of them. Nothing about the database travels in the rule: no pointer,
 * user or kernel; the packet path finds the set by the rule's keys.
 *
 * "reload" written to /proc/net/NAME reads every set of the namespace again
 * and replaces them all (RCU) when every file is valid, none when one is not:
 * a new database takes effect without removing rules.
 *
 * Locking: xa_rangedb_net.lock (mutex) serialises set creation, reference
 * counts, reloads and /proc reads of a namespace; packets look sets up under
 * RCU (the netfilter hooks' read side) without a lock.
 */
#ifndef XA_RANGEDB_H
#define XA_RANGEDB_H

#include <linux/mutex.h>
#include <linux/netfilter/x_tables.h>
#include <linux/skbuff.h>
#include <linux/types.h>
#include <net/net_namespace.h>

/* Most keys of one rule (a geoip rule of revision 2). */
#define XA_RANGEDB_MAX_KEYS 31
#define XA_RANGEDB_BUCKETS 64

/* One kind of database: what a match module describes about its files. */
struct xa_rangedb_kind {
	const char *name;	/* "xt_geoip": /proc/net/NAME, log prefix */
	const char *dir;	/* "/usr/share/xt_geoip" */
	/* Writes a key's file name (without suffix) into buf; returns its length. */
	int (*key_name)(u32 key, char *buf, size_t size);
	/* Whether a key can name a file (a country code, a non-zero number). */
	bool (*key_valid)(u32 key);
	unsigned int net_id;	/* the module's pernet_operations id */
};

/* Both matches' flags (XT_GEOIP_*, XT_ASN_* have these values). */
enum {
	XA_RANGEDB_SRC = 1 << 0,
	XA_RANGEDB_DST = 1 << 1,
	XA_RANGEDB_INV = 1 << 2,
};

/* What a rule asks, taken from its struct (whatever its layout and revision). */
struct xa_rangedb_rule {
	u8 flags;
	u8 count; /* at most the rule's own maximum, XA_RANGEDB_MAX_KEYS */
	u32 keys[XA_RANGEDB_MAX_KEYS];
};

/*
 * checkentry of a rule whose struct holds up to max keys: flags (source or
 * destination, maybe inverted), count 1..max, every key valid and named once;
 * then xa_rangedb_get(). Returns 0 or a negative errno, the reason logged.
 */
int xa_rangedb_rule_check(const struct xa_rangedb_kind *kind,
			  const struct xt_mtchk_param *par,
			  const struct xa_rangedb_rule *rule, unsigned int max);

/* The match: the rule's address of the packet in its set, inverted as asked. */
bool xa_rangedb_rule_match(const struct xa_rangedb_kind *kind, const struct sk_buff *skb,
			   const struct xt_action_param *par,
			   const struct xa_rangedb_rule *rule);

/* destroy: the reference of xa_rangedb_rule_check(). */
void xa_rangedb_rule_put(const struct xa_rangedb_kind *kind,
			 const struct xt_mtdtor_param *par,
			 const struct xa_rangedb_rule *rule);

/* A namespace's sets of one kind: the pernet storage of the match module. */
struct xa_rangedb_net {
	struct mutex lock;
	struct hlist_head sets[XA_RANGEDB_BUCKETS];
};

/* pernet init and exit of a match module (it owns the pernet_operations). */
int xa_rangedb_net_init(const struct xa_rangedb_kind *kind, struct net *net);
void xa_rangedb_net_exit(const struct xa_rangedb_kind *kind, struct net *net);

/*
 * checkentry: takes a reference on the set of `keys` (family NFPROTO_IPV4 or
 * NFPROTO_IPV6), reading it from the files when it is new. Returns 0 or a
 * negative errno (the reason logged, naming the file).
 */
int xa_rangedb_get(const struct xa_rangedb_kind *kind, struct net *net,
		   u8 family, const u32 *keys, unsigned int count);

/* destroy: drops the reference xa_rangedb_get() took. */
void xa_rangedb_put(const struct xa_rangedb_kind *kind, struct net *net,
		    u8 family, const u32 *keys, unsigned int count);

/*
 * The packet path: whether addr (network order, 4 or 16 bytes by family) is
 * in the set of `keys`. Caller in an RCU read-side section.
 */
bool xa_rangedb_match(const struct xa_rangedb_kind *kind, const struct net *net,
		      u8 family, const u32 *keys, unsigned int count,
		      const void *addr);

/*
 * The lifetime of a match module on one kind of database (xt_geoip, xt_asn), as the
 * kernel's module_driver() does for drivers: its per-namespace storage (the sets,
 * /proc/net/NAME) registered before its matches and unregistered after them, unwound
 * on failure. Defines PREFIX_net_init, PREFIX_net_exit, PREFIX_net_ops,
 * PREFIX_mt_init and PREFIX_mt_exit for KIND (a struct xa_rangedb_kind) and REG
 * (the module's array of struct xt_match).
 */
#define XA_RANGEDB_MATCH_MODULE(prefix, kind, reg)                              \
	static int __net_init prefix##_net_init(struct net *net)               \
	{                                                                      \
		return xa_rangedb_net_init(&(kind), net);                      \
	}                                                                      \
	static void __net_exit prefix##_net_exit(struct net *net)              \
	{                                                                      \
		xa_rangedb_net_exit(&(kind), net);                             \
	}                                                                      \
	static struct pernet_operations prefix##_net_ops = {                   \
		.init = prefix##_net_init,                                     \
		.exit = prefix##_net_exit,                                     \
		.id = &(kind).net_id,                                          \
		.size = sizeof(struct xa_rangedb_net),                         \
	};                                                                     \
	static int __init prefix##_mt_init(void)                               \
	{                                                                      \
		int ret = register_pernet_subsys(&prefix##_net_ops);           \
                                                                               \
		if (ret)                                                       \
			return ret;                                            \
		ret = xt_register_matches(reg, ARRAY_SIZE(reg));               \
		if (ret)                                                       \
			unregister_pernet_subsys(&prefix##_net_ops);           \
		return ret;                                                    \
	}                                                                      \
	static void __exit prefix##_mt_exit(void)                              \
	{                                                                      \
		xt_unregister_matches(reg, ARRAY_SIZE(reg));                   \
		unregister_pernet_subsys(&prefix##_net_ops);                   \
	}                                                                      \
	module_init(prefix##_mt_init);                                         \
	module_exit(prefix##_mt_exit)

#endif /* XA_RANGEDB_H */
