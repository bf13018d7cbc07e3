// SPDX-License-Identifier: GPL-2.0-only
/*
 * xa_shim.ko's self-test of the pknock exports: xa_pknock_spa_check() and
 * xa_pknock_packet() through a knock and an SPA sequence,
 * xa_pknock_peer_live().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "xa_shim.h"
#include "xa_shim_selftest.h"

/*
 * pknock: a peer at 192.0.2.7 at XA_SELFTEST_NOW runs through an SPA rule
 * and a strict two-port knock rule. The SPA payloads are the hex
 * HMAC-SHA256(secret, source address || minute as little-endian u32) and a
 * newline, regenerated with
 *   python3 -c 'import hmac, struct; print(hmac.new(b"open",
 *     bytes([192, 0, 2, 7]) + struct.pack("<I", 1700000000 // 60),
 *     "sha256").hexdigest())'
 * (and b"close" for the close payload).
 */
#define XA_SELFTEST_NOW 1700000000LL
/* The monotonic clock meanwhile (seconds since boot): unrelated to the wall clock. */
#define XA_SELFTEST_BOOT 1000LL
#define XA_SELFTEST_SPA_PORT 2000

static const u8 xa_selftest_peer_ip[4] __initconst = { 192, 0, 2, 7 };

static const char xa_selftest_spa_open[] __initconst =
	"121086c2a64f39f8e4a9d2e47783c3e026208cbc98ecd5f80744ae8ba2dfb920\n";
static const char xa_selftest_spa_close[] __initconst =
	"3f9e9e4f75dbfe6468ca05aea8e6596387719defeb3980c9e1ea1d60dbcfe785\n";

static const struct xt_pknock_mtinfo xa_selftest_spa_rule __initconst = {
	.rule_name = "selftest",
	.rule_name_len = 8,
	.open_secret = "open",
	.open_secret_len = 4,
	.close_secret = "close",
	.close_secret_len = 5,
	.option = XT_PKNOCK_KNOCKPORT | XT_PKNOCK_NAME | XT_PKNOCK_OPENSECRET |
		  XT_PKNOCK_CLOSESECRET,
	.ports_count = 1,
	.port = { XA_SELFTEST_SPA_PORT },
};

static const struct xt_pknock_mtinfo xa_selftest_knock_rule __initconst = {
	.rule_name = "selftest",
	.rule_name_len = 8,
	.option = XT_PKNOCK_KNOCKPORT | XT_PKNOCK_NAME | XT_PKNOCK_STRICT,
	.ports_count = 2,
	.port = { 1000, 2000 },
};

/* One packet of a sequence and what it must do to the peer. */
struct xa_selftest_knock {
	u16 dport;
	const char *payload; /* an SPA payload, NULL for TCP */
	bool forged;         /* payload with one HMAC digit changed */
	int event;
	u32 status;          /* the peer's status afterwards */
};

/*
 * A forged open is refused; the open opens; a forged close is ordinary
 * traffic of an allowed peer; the close closes; the open's minute is spent.
 */
static const struct xa_selftest_knock xa_selftest_spa_steps[] __initconst = {
	{ XA_SELFTEST_SPA_PORT, xa_selftest_spa_open, true,
	  XA_PKNOCK_EV_SPA_DIGEST, XA_PKNOCK_ST_INIT },
	{ XA_SELFTEST_SPA_PORT, xa_selftest_spa_open, false,
	  XA_PKNOCK_EV_OPENED, XA_PKNOCK_ST_ALLOWED },
	{ XA_SELFTEST_SPA_PORT, xa_selftest_spa_close, true,
	  XA_PKNOCK_EV_PASS, XA_PKNOCK_ST_ALLOWED },
	{ XA_SELFTEST_SPA_PORT, xa_selftest_spa_close, false,
	  XA_PKNOCK_EV_CLOSED, XA_PKNOCK_ST_INIT },
	{ XA_SELFTEST_SPA_PORT, xa_selftest_spa_open, false,
	  XA_PKNOCK_EV_SPA_REPLAY, XA_PKNOCK_ST_INIT },
};

/* Strict: a wrong port restarts the sequence. */
static const struct xa_selftest_knock xa_selftest_knock_steps[] __initconst = {
	{ 1000, NULL, false, XA_PKNOCK_EV_PROGRESS, XA_PKNOCK_ST_MATCHING },
	{ 3000, NULL, false, XA_PKNOCK_EV_RESET, XA_PKNOCK_ST_INIT },
	{ 1000, NULL, false, XA_PKNOCK_EV_PROGRESS, XA_PKNOCK_ST_MATCHING },
	{ 2000, NULL, false, XA_PKNOCK_EV_OPENED, XA_PKNOCK_ST_ALLOWED },
	{ 3000, NULL, false, XA_PKNOCK_EV_PASS, XA_PKNOCK_ST_ALLOWED },
};

/* Runs steps[0..n) for a new peer, leaving the peer's final state in *peer. */
static bool __init xa_selftest_knocks(const char *what,
				      const struct xt_pknock_mtinfo *rule,
				      const struct xa_selftest_knock *steps,
				      size_t n, struct xa_pknock_peer *peer)
{
	char forged[XT_PKNOCK_SPA_PAYLOAD_LEN];
	struct xa_pknock_spa spa;
	struct xa_pknock_packet pkt = {
		.src = xa_selftest_peer_ip,
		.src_len = sizeof(xa_selftest_peer_ip),
	};
	size_t i;
	int event;

	memset(peer, 0, sizeof(*peer));
	peer->status = XA_PKNOCK_ST_INIT;
	for (i = 0; i < n; i++) {
		pkt.dport = steps[i].dport;
		pkt.payload = (const u8 *)steps[i].payload;
		pkt.payload_len = steps[i].payload ? XT_PKNOCK_SPA_PAYLOAD_LEN : 0;
		if (steps[i].forged) {
			xa_selftest_forge(forged, steps[i].payload,
					  XT_PKNOCK_SPA_PAYLOAD_LEN,
					  XT_PKNOCK_SPA_HEX_LEN - 1);
			pkt.payload = (const u8 *)forged;
		}
		event = xa_pknock_spa_check(rule, &pkt, XA_SELFTEST_NOW, &spa);
		if (event == XA_PKNOCK_EV_NONE)
			event = xa_pknock_packet(rule, 0, peer, &pkt, &spa,
						 XA_SELFTEST_BOOT);
		if (event != steps[i].event || peer->status != steps[i].status) {
			pr_err("self-test failed: pknock %s, packet %zu: event %d, status %u\n",
			       what, i + 1, event, peer->status);
			return false;
		}
	}
	return true;
}

bool __init xa_selftest_pknock(void)
{
	struct xa_pknock_peer peer;

	if (!xa_selftest_knocks("knock", &xa_selftest_knock_rule,
				xa_selftest_knock_steps,
				ARRAY_SIZE(xa_selftest_knock_steps), &peer) ||
	    !xa_selftest_knocks("SPA", &xa_selftest_spa_rule,
				xa_selftest_spa_steps,
				ARRAY_SIZE(xa_selftest_spa_steps), &peer))
		return false;
	/* A closed SPA peer is kept while its minute could be replayed. */
	if (xa_pknock_peer_live(&peer, 0, 0, XA_SELFTEST_BOOT,
				XA_SELFTEST_NOW) != 1 ||
	    xa_pknock_peer_live(&peer, 0, 0, XA_SELFTEST_BOOT,
				XA_SELFTEST_NOW + 120) != 0) {
		pr_err("self-test failed: pknock peer lifetime\n");
		return false;
	}
	return true;
}
