/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xt_ACCOUNT's part of the shim interface (included by xa_shim.h).
 *
 * Addresses are passed as they are in the packet and in struct ipt_acc_info
 * (network byte order, __be32 in C); slots are host-order offsets of an
 * address in the table's network, below 1 << slot_bits.
 */
#ifndef XA_SHIM_ACCOUNT_H
#define XA_SHIM_ACCOUNT_H

/* Largest table: a /8 has 1 << XA_ACCOUNT_MAX_SLOT_BITS addresses. */
#define XA_ACCOUNT_MAX_SLOT_BITS 24

/* Result of xa_account_check(). */
enum xa_account_status {
	XA_ACCOUNT_OK = 0,
	XA_ACCOUNT_E_NAME_EMPTY = 1, /* table name is empty */
	XA_ACCOUNT_E_NAME_LONG = 2,  /* no NUL within the name buffer */
	XA_ACCOUNT_E_MASK = 3,       /* netmask not contiguous */
	XA_ACCOUNT_E_TOO_BIG = 4,    /* prefix 1..7: larger than a /8 */
	XA_ACCOUNT_E_HOST_BITS = 5,  /* address has bits outside the mask */
	XA_ACCOUNT_E_ARGUMENT = 6,   /* null pointer */
	XA_ACCOUNT_E_PREFIX = 7,     /* IPv6 prefix length above 128 */
};

/*
 * Validate a rule's network and table name (the whole name buffer).
 * On XA_ACCOUNT_OK, *slot_bits is log2 of the number of slots (0 for /0 and
 * /32, else 32 - prefix, at most XA_ACCOUNT_MAX_SLOT_BITS).
 */
int xa_account_check(xa_be32 net_ip, xa_be32 net_mask, const char *name,
		     size_t name_size, uint32_t *slot_bits);

/* Bits of struct xa_account_hits' which (and of xa_account6_classify()'s result). */
#define XA_ACCOUNT_HIT_SRC 1u
#define XA_ACCOUNT_HIT_DST 2u

/*
 * A table's network in the form the per-packet path reads it: host byte
 * order, mask 0 for 0.0.0.0/0. Filled once, by xa_account_net_init(), so
 * that packets need no validation. xa_account_classify_net() indexes no
 * memory with it: whatever it holds, it yields slots the C side range-checks
 * against its allocation as it does any slot.
 */
struct xa_account_net {
	uint32_t addr, mask;
};

/*
 * Fill *net for a network (as xa_account_check() takes it); returns
 * XA_ACCOUNT_OK, or xa_account_check()'s error for the network and leaves
 * *net unchanged.
 */
int xa_account_net_init(xa_be32 net_ip, xa_be32 net_mask,
			struct xa_account_net *net);

/* xa_account_classify_net()'s result: which (bits as above) and the slots. */
struct xa_account_hits {
	uint32_t which, src_slot, dst_slot;
};

/*
 * Which counters of the table of a network xa_account_net_init() filled in a
 * packet updates: XA_ACCOUNT_HIT_SRC with src_slot, XA_ACCOUNT_HIT_DST with
 * dst_slot; a /0 table counts every packet as source of slot 0. Returned by
 * value (in registers: the per-packet path has no output to pass through
 * memory). Slots of bits not in `which` are 0.
 */
struct xa_account_hits xa_account_classify_net(struct xa_account_net net,
					       xa_be32 saddr, xa_be32 daddr);

/*
 * One address's counters; upstream's layout of them, without the address.
 * xt_ACCOUNT adds to them (acc_count()) where the shim's classification says.
 */
struct xa_account_counters {
	uint64_t src_packets, src_bytes, dst_packets, dst_bytes;
};

/*
 * The address a slot of a validated table stands for, in HOST byte order as
 * struct ipt_acc_handle_ip carries it. Returns 0 and leaves *addr for a slot
 * outside the table, else 1.
 */
int xa_account_slot_addr(xa_be32 net_ip, xa_be32 net_mask, uint32_t slot,
			 uint32_t *addr);

/*
 * IPv6 (target revision 2). Addresses are 16 bytes in network byte order.
 *
 * Validate an IPv6 rule: prefix_len 0..128, no address bits beyond it, and
 * the table name as xa_account_check() wants it.
 */
int xa_account6_check(const uint8_t net_addr[16], uint32_t prefix_len,
		      const char *name, size_t name_size);

/*
 * Which counters of a validated IPv6 table a packet updates, as
 * xa_account_classify_net(): writes the address whose source counters grow to
 * src_key (with XA_ACCOUNT_HIT_SRC) and the one whose destination counters
 * grow to dst_key (with XA_ACCOUNT_HIT_DST). ::/0 counts every packet as
 * source traffic of ::. Returns 0 for a packet outside the network, an
 * invalid network or a null pointer.
 */
unsigned int xa_account6_classify(const uint8_t net_addr[16], uint32_t prefix_len,
				  const uint8_t saddr[16], const uint8_t daddr[16],
				  uint8_t src_key[16], uint8_t dst_key[16]);

/*
 * SipHash-2-4 of an address under a per-table random key (k0, k1; the
 * array must be 8-byte aligned): the hash bucket of an IPv6 table. Keyed, so
 * that a sender cannot aim addresses at one bucket. Returns 0 for a null or
 * misaligned pointer.
 */
uint64_t xa_account6_hash(const uint64_t key[2], const uint8_t addr[16]);

#endif /* XA_SHIM_ACCOUNT_H */
