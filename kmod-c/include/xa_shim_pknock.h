/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pknock part of the shim's C interface (included by xa_shim.h).
 *
 * The module keeps one struct xa_pknock_peer per source address and rule
 * name. For each packet it has xa_pknock_locate() find the fields the rule
 * needs, calls xa_pknock_spa_check() without any lock
 * (the SPA HMACs depend on the rule and the packet only), then
 * xa_pknock_packet() under the rule's lock with that verdict; every
 * decision (knock order, time limits, SPA HMAC, replay) is the shim's.
 *
 * Two clocks: `wall` is wall-clock seconds since the epoch
 * (ktime_get_real_seconds()), for the SPA minutes only; `now` and every
 * time stored in a peer are monotonic seconds (ktime_get_boottime_seconds()),
 * so setting the wall clock back never extends an allowance.
 */
#ifndef XA_SHIM_PKNOCK_H
#define XA_SHIM_PKNOCK_H

#include "xt_pknock.h"

/* Peer status, numbered as upstream's enum status (/proc shows the name). */
enum xa_pknock_status {
	XA_PKNOCK_ST_INIT = 1,
	XA_PKNOCK_ST_MATCHING = 2,
	XA_PKNOCK_ST_ALLOWED = 3,
};

/* What the module stores per peer; zero it, then set status = INIT, for a new one. */
struct xa_pknock_peer {
	int64_t last_knock;     /* time of the last accepted knock (monotonic) */
	int64_t login;          /* time the peer became ALLOWED (monotonic) */
	uint32_t status;        /* enum xa_pknock_status */
	uint32_t knocks;        /* accepted_knock_count */
	uint32_t open_minute;   /* last SPA open minute accepted, 0 = none */
	uint32_t close_minute;  /* last SPA close minute accepted, 0 = none */
};

/* The packet as the match sees it. */
struct xa_pknock_packet {
	const uint8_t *src;     /* source address, network order */
	size_t src_len;         /* 4 (IPv4) or 16 (IPv6) */
	const uint8_t *payload; /* UDP / UDP-Lite payload, NULL for TCP */
	size_t payload_len;
	uint16_t dport;         /* host order */
};

/* Result of xa_pknock_locate(). */
enum xa_pknock_loc {
	XA_PKNOCK_LOC_OK = 0,
	XA_PKNOCK_LOC_IGNORE = 1,     /* not TCP/UDP/UDP-Lite, later fragment, bad headers: no match */
	XA_PKNOCK_LOC_UNREADABLE = 2, /* ports beyond the packet's end: hotdrop */
	XA_PKNOCK_LOC_ARGUMENT = 3,   /* bad pointer, family or rule data */
};

/* The fields of a packet the rule looks at (xa_pknock_locate()). */
struct xa_pknock_fields {
	uint8_t src[16];      /* source address, network order */
	uint32_t src_len;     /* 4 or 16 */
	uint32_t payload_off; /* the payload, from the network header, */
	uint32_t payload_len; /* XT_PKNOCK_SPA_PAYLOAD_LEN, or 0: nothing to read */
	uint16_t dport;       /* host order */
	uint8_t proto;        /* IPPROTO_TCP, _UDP or _UDPLITE */
	uint8_t may_start;    /* 1 if the packet can start a peer the rule does not know */
};

/*
 * Locates the fields of the `family` packet whose first bytes from the
 * network header are pkt[0..pkt_len) (xa_skb_head(), xa_skb.h) and which
 * has l3_len bytes, and says which the rule `info` needs: a payload only
 * when it is SPA-sized for an --opensecret rule (read it with
 * skb_header_pointer() at skb_network_offset() + payload_off). IP headers,
 * IPv6 extension headers and fragments: shim/src/packet.rs. Returns an
 * enum xa_pknock_loc; *out is written only on XA_PKNOCK_LOC_OK.
 */
int xa_pknock_locate(const struct xt_pknock_mtinfo *info, int family,
		     const uint8_t *pkt, size_t pkt_len, size_t l3_len,
		     struct xa_pknock_fields *out);

/*
 * What xa_pknock_spa_check() found: the wall-clock minute the payload
 * authenticates under the open secret (sent to the rule's port) and under
 * the close secret; 0 = none.
 */
struct xa_pknock_spa {
	uint32_t open_minute;
	uint32_t close_minute;
};

/* Result of xa_pknock_packet(); only XA_PKNOCK_EV_PASS makes the match true. */
enum xa_pknock_event {
	XA_PKNOCK_EV_NONE = 0,       /* not a knock for this peer, unchanged */
	XA_PKNOCK_EV_PROGRESS = 1,   /* knock accepted, sequence not complete */
	XA_PKNOCK_EV_OPENED = 2,     /* peer became ALLOWED: notify userspace */
	XA_PKNOCK_EV_RESET = 3,      /* wrong knock (strict) or too slow */
	XA_PKNOCK_EV_CLOSED = 4,     /* SPA close accepted */
	XA_PKNOCK_EV_PASS = 5,       /* peer is ALLOWED: match */
	XA_PKNOCK_EV_EXPIRED = 6,    /* autoclose time passed */
	XA_PKNOCK_EV_SPA_LENGTH = 7, /* SPA payload not 65 bytes */
	XA_PKNOCK_EV_SPA_DIGEST = 8, /* SPA HMAC wrong (secret, source or minute) */
	XA_PKNOCK_EV_SPA_REPLAY = 9, /* SPA minute already used */
	XA_PKNOCK_EV_ARGUMENT = 10,  /* bad pointer, address length or rule data */
};

/*
 * Verifies the SPA HMACs of `pkt` for the rule `info` at wall-clock time
 * `wall` and writes the verdict to *spa (all zero for a rule without
 * secrets, TCP, or a payload not XT_PKNOCK_SPA_PAYLOAD_LEN bytes long: no
 * hashing then). Touches no peer: call it before taking the rule's lock.
 * Returns XA_PKNOCK_EV_NONE, or XA_PKNOCK_EV_ARGUMENT for bad arguments.
 */
int xa_pknock_spa_check(const struct xt_pknock_mtinfo *info,
			const struct xa_pknock_packet *pkt, int64_t wall,
			struct xa_pknock_spa *spa);

/*
 * Runs one packet through the rule `info` (checked by checkentry) for
 * `peer`, with its xa_pknock_spa_check() verdict `spa`, at monotonic time
 * `now`. `autoclose` is the --autoclose (minutes) of the rule set sharing
 * the name: a --checkip rule has none of its own. Returns an
 * enum xa_pknock_event; `peer` is updated in place.
 */
int xa_pknock_packet(const struct xt_pknock_mtinfo *info, uint32_t autoclose,
		     struct xa_pknock_peer *peer,
		     const struct xa_pknock_packet *pkt,
		     const struct xa_pknock_spa *spa, int64_t now);

/*
 * 1 while the entry still matters at monotonic time `now` (sequence in
 * progress within max_time seconds, allowance not autoclosed) or wall-clock
 * time `wall` (SPA minute still replayable), 0 when the module may free it.
 * Never fails (a NULL peer gives 0).
 */
int xa_pknock_peer_live(const struct xa_pknock_peer *peer, uint32_t max_time,
			uint32_t autoclose, int64_t now, int64_t wall);

#endif /* XA_SHIM_PKNOCK_H */
