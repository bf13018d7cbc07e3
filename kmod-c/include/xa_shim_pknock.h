/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pknock part of the shim's C interface (included by xa_shim.h).
 *
 * The module keeps one struct xa_pknock_peer per source address and rule
 * name and calls xa_pknock_packet() for each packet, under the rule's lock;
 * every decision (knock order, time limits, SPA HMAC, replay) is the shim's.
 * Times are wall-clock seconds since the epoch (ktime_get_real_seconds()).
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
	int64_t last_knock;     /* time of the last accepted knock */
	int64_t login;          /* time the peer became ALLOWED */
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
 * Runs one packet through the rule `info` (checked by checkentry) for
 * `peer`. `autoclose` is the --autoclose (minutes) of the rule set sharing
 * the name: a --checkip rule has none of its own. Returns an
 * enum xa_pknock_event; `peer` is updated in place.
 */
int xa_pknock_packet(const struct xt_pknock_mtinfo *info, uint32_t autoclose,
		     struct xa_pknock_peer *peer,
		     const struct xa_pknock_packet *pkt, int64_t now);

/*
 * 1 while the entry still matters at `now` (sequence in progress within
 * max_time seconds, allowance not autoclosed, SPA minute still replayable),
 * 0 when the module may free it. Never fails (a NULL peer gives 0).
 */
int xa_pknock_peer_live(const struct xa_pknock_peer *peer, uint32_t max_time,
			uint32_t autoclose, int64_t now);

#endif /* XA_SHIM_PKNOCK_H */
