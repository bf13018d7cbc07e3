// SPDX-License-Identifier: GPL-2.0-only
/*
 * xt_pknock: port knocking and SPA (Single Packet Authorization) match.
 *
 * Compatible with xtables-addons' pknock match (revision 1): same module
 * name, match data, parameters, /proc/net/xt_pknock/<name> format and
 * connector message, see xt_pknock(8). This file keeps the tables; every
 * decision about a packet (knock order, time limits, SPA HMAC, replay) is
 * made by xa_pknock_packet() in xa_shim.ko.
 *
 * Beyond upstream: IPv6, wall-clock SPA minutes with a replay cache, a
 * bounded peer table per rule name (peer_limit) with this eviction policy:
 * when full, the peer that has made only its first knock and made it
 * longest ago is dropped; peers further in a sequence, allowed, or
 * remembering an SPA minute are never evicted (if only such peers are left
 * the new peer is refused). A flood of spoofed first knocks thus recycles
 * only first-knock entries, and a client that gets past its first knock
 * cannot be pushed out.
 *
 * Locking:
 * - rules_mutex serialises checkentry/destroy (rule creation, reference
 *   counts, removal); packets find rules under RCU and a rule is freed only
 *   after a grace period;
 * - rule->lock (taken with BHs off) protects the rule's peers, counters
 *   and its max_time/autoclose; the GC timer, packets and /proc take it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/connector.h>
#include <linux/ctype.h>
#include <linux/in.h>
#include <linux/init.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/proc_fs.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/timer.h>
#include <linux/udp.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>

#include "xa_compat.h"
#include "xa_shim.h"
#include "xt_pknock.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Xtables: port knocking and SPA match (IPv4, IPv6)");
MODULE_ALIAS("ipt_pknock");
MODULE_ALIAS("ip6t_pknock");

/* Upstream's parameters, names and defaults. */
static unsigned int rule_hashsize = 8;
module_param(rule_hashsize, uint, 0444);
MODULE_PARM_DESC(rule_hashsize, "Buckets in rule hash table (default: 8)");
static unsigned int peer_hashsize = 16;
module_param(peer_hashsize, uint, 0444);
MODULE_PARM_DESC(peer_hashsize, "Buckets in peer hash table (default: 16)");
#define PKNOCK_MIN_GC_MSECS 65000
static unsigned int gc_expir_time = PKNOCK_MIN_GC_MSECS;
module_param(gc_expir_time, uint, 0444);
MODULE_PARM_DESC(gc_expir_time, "Time until garbage collection after valid knock packet (default: 65000 msec, also the minimum)");
static int nl_multicast_group = -1;
module_param(nl_multicast_group, int, 0444);
MODULE_PARM_DESC(nl_multicast_group, "Netlink multicast group number for pknock messages (connector; <= 0: none)");

/* Beyond upstream. */
static unsigned int peer_limit = 4096;
module_param(peer_limit, uint, 0444);
MODULE_PARM_DESC(peer_limit, "Most peers tracked per rule name (default: 4096); when full, the oldest first-knock-only peer is evicted");

/* Largest table sizes accepted at load time. */
#define PKNOCK_MAX_BUCKETS 65536

struct pknock_peer {
	struct hlist_node node;   /* in rule->peers[] */
	struct list_head fresh;   /* in rule->fresh while evictable, else empty */
	union nf_inet_addr addr;  /* IPv4 in addr.ip, rest zero */
	u8 family;                /* NFPROTO_IPV4 or NFPROTO_IPV6 */
	u8 proto;                 /* protocol of the first packet */
	struct xa_pknock_peer state;
};

struct pknock_rule {
	struct hlist_node node;   /* in rule_table[], RCU */
	char name[XT_PKNOCK_MAX_BUF_LEN + 1];
	unsigned int name_len;
	unsigned int refs;        /* rules using the name; rules_mutex */
	spinlock_t lock;
	struct hlist_head *peers; /* peer_hashsize buckets */
	struct list_head fresh;   /* evictable peers, oldest first */
	unsigned int peer_count;
	u32 max_time;             /* --time of the knock rule (seconds) */
	u32 autoclose;            /* --autoclose of the knock rule (minutes) */
	unsigned long evicted;    /* peers dropped to make room */
	unsigned long refused;    /* new peers refused: table full */
	bool dying;               /* no more GC re-arming */
	struct timer_list gc;
	struct proc_dir_entry *proc;
	struct rcu_head rcu;
};

static DEFINE_MUTEX(rules_mutex);
static struct hlist_head *rule_table;
static struct proc_dir_entry *pknock_proc_dir;
static struct proc_dir_entry *pknock_stats_entry;
static u32 pknock_hash_seed __read_mostly;

static u32 rule_bucket(const char *name, unsigned int len)
{
	return reciprocal_scale(jhash(name, len, pknock_hash_seed),
				rule_hashsize);
}

static u32 peer_bucket(const union nf_inet_addr *addr, u8 family)
{
	return reciprocal_scale(jhash2((const u32 *)addr->all, ARRAY_SIZE(addr->all),
				       pknock_hash_seed ^ family),
				peer_hashsize);
}

/* Caller holds rcu_read_lock() or rules_mutex. */
static struct pknock_rule *rule_find(const char *name, unsigned int len)
{
	struct pknock_rule *rule;

	hlist_for_each_entry_rcu(rule, &rule_table[rule_bucket(name, len)],
				 node, lockdep_is_held(&rules_mutex))
		if (rule->name_len == len && memcmp(rule->name, name, len) == 0)
			return rule;
	return NULL;
}

static const char *status_name(u32 status)
{
	switch (status) {
	case XA_PKNOCK_ST_INIT:
		return "INIT";
	case XA_PKNOCK_ST_MATCHING:
		return "MATCHING";
	case XA_PKNOCK_ST_ALLOWED:
		return "ALLOWED";
	default:
		return "UNKNOWN";
	}
}

/* Seconds from now until `when`, 0 if past. */
static unsigned long secs_until(s64 when, s64 now)
{
	return when > now ? (unsigned long)(when - now) : 0;
}

/* /proc/net/xt_pknock/<name>: upstream's line format, %pI6c for IPv6. */
static int pknock_proc_show(struct seq_file *s, void *v)
{
	struct pknock_rule *rule = s->private;
	const struct pknock_peer *peer;
	s64 now = ktime_get_real_seconds();
	unsigned int i;

	spin_lock_bh(&rule->lock);
	for (i = 0; i < peer_hashsize; i++) {
		hlist_for_each_entry(peer, &rule->peers[i], node) {
			const struct xa_pknock_peer *st = &peer->state;

			if (peer->family == NFPROTO_IPV4)
				seq_printf(s, "src=%pI4 ", &peer->addr.ip);
			else
				seq_printf(s, "src=%pI6c ", &peer->addr.in6);
			seq_printf(s, "proto=%s ",
				   peer->proto == IPPROTO_TCP ? "TCP" : "UDP");
			seq_printf(s, "status=%s ", status_name(st->status));
			seq_printf(s, "accepted_knock_count=%lu ",
				   (unsigned long)st->knocks);
			if (st->status == XA_PKNOCK_ST_MATCHING)
				seq_printf(s, "expir_time=%lu [secs] ",
					   secs_until(st->last_knock + rule->max_time, now));
			if (st->status == XA_PKNOCK_ST_ALLOWED && rule->autoclose != 0)
				seq_printf(s, "autoclose_time=%lu [secs] ",
					   secs_until(st->login + (s64)rule->autoclose * 60, now));
			seq_putc(s, '\n');
		}
	}
	spin_unlock_bh(&rule->lock);
	return 0;
}

/* /proc/net/xt_pknock_stats: one line per rule name (not an upstream file). */
static int pknock_stats_show(struct seq_file *s, void *v)
{
	struct pknock_rule *rule;
	unsigned int i;

	mutex_lock(&rules_mutex);
	for (i = 0; i < rule_hashsize; i++) {
		hlist_for_each_entry(rule, &rule_table[i], node) {
			spin_lock_bh(&rule->lock);
			seq_printf(s, "name=%s peers=%u limit=%u evicted=%lu refused=%lu\n",
				   rule->name, rule->peer_count, peer_limit,
				   rule->evicted, rule->refused);
			spin_unlock_bh(&rule->lock);
		}
	}
	mutex_unlock(&rules_mutex);
	return 0;
}

/* Caller holds rule->lock. */
static void peer_free(struct pknock_rule *rule, struct pknock_peer *peer)
{
	hlist_del(&peer->node);
	list_del(&peer->fresh);
	rule->peer_count--;
	kfree(peer);
}

/*
 * After a packet changed `peer`: free it if it no longer matters, else file
 * it as evictable (first knock only; `renewed` moves it to the young end)
 * or not. Caller holds rule->lock.
 */
static void peer_refile(struct pknock_rule *rule, struct pknock_peer *peer,
			bool renewed, s64 now)
{
	const struct xa_pknock_peer *st = &peer->state;

	if (!xa_pknock_peer_live(st, rule->max_time, rule->autoclose, now)) {
		peer_free(rule, peer);
		return;
	}
	if (st->status == XA_PKNOCK_ST_MATCHING && st->knocks == 1) {
		if (renewed || list_empty(&peer->fresh))
			list_move_tail(&peer->fresh, &rule->fresh);
	} else {
		list_del_init(&peer->fresh);
	}
}

static void pknock_gc(struct timer_list *t)
{
	struct pknock_rule *rule = timer_container_of(rule, t, gc);
	struct pknock_peer *peer;
	struct hlist_node *next;
	s64 now = ktime_get_real_seconds();
	unsigned int i;

	spin_lock_bh(&rule->lock);
	for (i = 0; i < peer_hashsize; i++)
		hlist_for_each_entry_safe(peer, next, &rule->peers[i], node)
			if (!xa_pknock_peer_live(&peer->state, rule->max_time,
						 rule->autoclose, now))
				peer_free(rule, peer);
	if (rule->peer_count > 0 && !rule->dying)
		mod_timer(&rule->gc, jiffies + msecs_to_jiffies(gc_expir_time));
	spin_unlock_bh(&rule->lock);
}

/* Caller holds rule->lock. */
static struct pknock_peer *peer_find(struct pknock_rule *rule,
				     const union nf_inet_addr *addr, u8 family)
{
	struct pknock_peer *peer;

	hlist_for_each_entry(peer, &rule->peers[peer_bucket(addr, family)], node)
		if (peer->family == family &&
		    memcmp(&peer->addr, addr, sizeof(*addr)) == 0)
			return peer;
	return NULL;
}

/*
 * Stores a new peer, evicting the oldest first-knock-only peer when the
 * table is full. NULL if there is no room or no memory. Caller holds rule->lock.
 */
static struct pknock_peer *peer_add(struct pknock_rule *rule,
				    const union nf_inet_addr *addr, u8 family,
				    u8 proto, const struct xa_pknock_peer *state)
{
	struct pknock_peer *peer;

	if (rule->peer_count >= peer_limit) {
		if (list_empty(&rule->fresh)) {
			rule->refused++;
			pr_warn_ratelimited("rule %s: peer table full (%u), new peer refused\n",
					    rule->name, peer_limit);
			return NULL;
		}
		peer_free(rule, list_first_entry(&rule->fresh,
						 struct pknock_peer, fresh));
		rule->evicted++;
	}
	peer = kzalloc(sizeof(*peer), GFP_ATOMIC);
	if (!peer)
		return NULL;
	INIT_LIST_HEAD(&peer->fresh);
	peer->addr = *addr;
	peer->family = family;
	peer->proto = proto;
	peer->state = *state;
	hlist_add_head(&peer->node, &rule->peers[peer_bucket(addr, family)]);
	rule->peer_count++;
	if (!timer_pending(&rule->gc))
		mod_timer(&rule->gc, jiffies + msecs_to_jiffies(gc_expir_time));
	return peer;
}

/* A completed knock, to be sent after the rule's lock is dropped. */
struct pknock_note {
	bool send;
	struct xt_pknock_nl_msg6 msg;
};

static void pknock_note_prepare(struct pknock_note *note,
				const struct pknock_rule *rule,
				const struct pknock_peer *peer)
{
	if (nl_multicast_group <= 0)
		return;
	note->send = true;
	memcpy(note->msg.msg.rule_name, rule->name, rule->name_len);
	if (peer->family == NFPROTO_IPV4)
		note->msg.msg.peer_ip = peer->addr.ip;
	else
		memcpy(note->msg.peer_ip6, &peer->addr.in6, sizeof(note->msg.peer_ip6));
}

static void pknock_note_send(const struct pknock_note *note, u8 family)
{
#if IS_ENABLED(CONFIG_CONNECTOR)
	size_t len = family == NFPROTO_IPV4 ? sizeof(note->msg.msg)
					    : sizeof(note->msg);
	struct cn_msg *m;

	if (!note->send)
		return;
	m = kzalloc(sizeof(*m) + len, GFP_ATOMIC);
	if (!m)
		return;
	m->len = len;
	memcpy(m + 1, &note->msg, len);
	cn_netlink_send(m, 0, nl_multicast_group, GFP_ATOMIC);
	kfree(m);
#endif
}

/* The packet fields the shim needs; false if the packet has none (fragment, other protocol). */
static bool pknock_packet_parse(const struct sk_buff *skb,
				const struct xt_action_param *par,
				union nf_inet_addr *src, u8 *proto,
				struct xa_pknock_packet *pkt, bool *hotdrop,
				u8 *payload_buf, size_t payload_buf_len)
{
	unsigned int thoff = par->thoff;
	unsigned short fragoff = par->fragoff;
	const struct udphdr *uh;
	struct udphdr _uh;
	const __be16 *ports;
	__be16 _ports[2];
	size_t len;

	memset(src, 0, sizeof(*src));
	if (xt_family(par) == NFPROTO_IPV4) {
		src->ip = ip_hdr(skb)->saddr;
		*proto = ip_hdr(skb)->protocol;
		pkt->src_len = 4;
	} else {
		/* ip6tables finds the transport header only for rules with -p. */
		int nexthdr;

		thoff = 0;
		nexthdr = ipv6_find_hdr(skb, &thoff, -1, &fragoff, NULL);
		if (nexthdr < 0)
			return false;
		src->in6 = ipv6_hdr(skb)->saddr;
		*proto = nexthdr;
		pkt->src_len = 16;
	}
	pkt->src = (const u8 *)src;
	if (fragoff != 0)
		return false;
	if (*proto != IPPROTO_TCP && *proto != IPPROTO_UDP &&
	    *proto != IPPROTO_UDPLITE)
		return false;

	ports = skb_header_pointer(skb, thoff, sizeof(_ports), _ports);
	if (!ports) {
		/* Asked to look at a packet we cannot read: drop it, as upstream. */
		*hotdrop = true;
		return false;
	}
	pkt->dport = ntohs(ports[1]);
	pkt->payload = NULL;
	pkt->payload_len = 0;
	if (*proto == IPPROTO_TCP)
		return true;

	uh = skb_header_pointer(skb, thoff, sizeof(_uh), &_uh);
	if (!uh)
		return false;
	len = skb->len - thoff;
	/* UDP's length field bounds the payload; UDP-Lite's is checksum coverage. */
	if (*proto == IPPROTO_UDP && ntohs(uh->len) >= sizeof(_uh) &&
	    ntohs(uh->len) < len)
		len = ntohs(uh->len);
	if (len < sizeof(_uh))
		return false;
	len -= sizeof(_uh);
	/*
	 * Only an exactly 65-byte payload can be an SPA packet: a longer one is
	 * passed as its first payload_buf_len (66) bytes, still the wrong length.
	 */
	len = min(len, payload_buf_len);
	if (skb_copy_bits(skb, thoff + sizeof(_uh), payload_buf, len) < 0)
		return false;
	pkt->payload = payload_buf;
	pkt->payload_len = len;
	return true;
}

static bool pknock_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_pknock_mtinfo *info = par->matchinfo;
	u8 payload[XT_PKNOCK_SPA_PAYLOAD_LEN + 1];
	struct xa_pknock_packet pkt = {};
	struct pknock_note note = {};
	struct pknock_rule *rule;
	struct pknock_peer *peer;
	union nf_inet_addr src;
	int event = XA_PKNOCK_EV_NONE;
	s64 now;
	u8 proto;
	u8 family = xt_family(par);

	if (!pknock_packet_parse(skb, par, &src, &proto, &pkt, &par->hotdrop,
				 payload, sizeof(payload)))
		return false;

	now = ktime_get_real_seconds();
	rcu_read_lock();
	rule = rule_find(info->rule_name, info->rule_name_len);
	if (!rule)
		goto out_rcu;

	spin_lock_bh(&rule->lock);
	peer = peer_find(rule, &src, family);
	if (peer) {
		event = xa_pknock_packet(info, rule->autoclose, &peer->state,
					 &pkt, now);
		if (event == XA_PKNOCK_EV_OPENED)
			pknock_note_prepare(&note, rule, peer);
		peer_refile(rule, peer, event == XA_PKNOCK_EV_PROGRESS, now);
	} else if (!(info->option & XT_PKNOCK_CHECKIP)) {
		struct xa_pknock_peer state = { .status = XA_PKNOCK_ST_INIT };

		event = xa_pknock_packet(info, rule->autoclose, &state, &pkt, now);
		if (event == XA_PKNOCK_EV_PROGRESS || event == XA_PKNOCK_EV_OPENED) {
			peer = peer_add(rule, &src, family, proto, &state);
			if (peer && event == XA_PKNOCK_EV_OPENED)
				pknock_note_prepare(&note, rule, peer);
			if (peer)
				peer_refile(rule, peer, true, now);
		}
	}
	spin_unlock_bh(&rule->lock);
	if (event == XA_PKNOCK_EV_ARGUMENT)
		pr_err_ratelimited("rule %s: shim refused the rule data (bug)\n",
				   rule->name);
out_rcu:
	rcu_read_unlock();
	pknock_note_send(&note, family);
	return event == XA_PKNOCK_EV_PASS;
}

/* A rule name is a /proc file name: 1-31 printable bytes, no '/', no leading dot. */
static bool rule_name_valid(const struct xt_pknock_mtinfo *info)
{
	unsigned int i;

	if (info->rule_name_len == 0 ||
	    info->rule_name_len > XT_PKNOCK_MAX_BUF_LEN ||
	    info->rule_name[0] == '.' ||
	    info->rule_name[info->rule_name_len] != '\0')
		return false;
	for (i = 0; i < info->rule_name_len; i++)
		if (!isprint(info->rule_name[i]) || info->rule_name[i] == '/')
			return false;
	return true;
}

/* Why checkentry refuses `info`, NULL if it is acceptable. Upstream's wording where it has one. */
static const char *pknock_refusal(const struct xt_pknock_mtinfo *info)
{
	u8 opt = info->option;
	unsigned int i;

	if (opt & ~(XT_PKNOCK_KNOCKPORT | XT_PKNOCK_TIME | XT_PKNOCK_NAME |
		    XT_PKNOCK_STRICT | XT_PKNOCK_CHECKIP | XT_PKNOCK_OPENSECRET |
		    XT_PKNOCK_CLOSESECRET | XT_PKNOCK_AUTOCLOSE))
		return "unknown option bits (newer iptables plugin?)";
	if (!(opt & XT_PKNOCK_NAME))
		return "You must specify --name option.";
	if (!rule_name_valid(info))
		return "--name must be 1-31 printable characters without '/' or a leading '.'";
	if (opt & XT_PKNOCK_OPENSECRET && info->ports_count != 1)
		return "--opensecret must have just one knock port";
	if (opt & XT_PKNOCK_KNOCKPORT) {
		if (opt & XT_PKNOCK_CHECKIP)
			return "Can't specify --knockports with --checkip.";
		if (opt & XT_PKNOCK_OPENSECRET && !(opt & XT_PKNOCK_CLOSESECRET))
			return "--opensecret must go with --closesecret.";
		if (opt & XT_PKNOCK_CLOSESECRET && !(opt & XT_PKNOCK_OPENSECRET))
			return "--closesecret must go with --opensecret.";
		if (info->ports_count == 0 || info->ports_count > XT_PKNOCK_MAX_PORTS)
			return "--knockports needs 1 to 15 ports";
		for (i = 0; i < info->ports_count; i++)
			if (info->port[i] == 0)
				return "--knockports: port 0 cannot be knocked";
	} else if (!(opt & XT_PKNOCK_CHECKIP)) {
		return "specify --knockports or --checkip";
	}
	if (opt & XT_PKNOCK_CHECKIP) {
		if (opt & (XT_PKNOCK_OPENSECRET | XT_PKNOCK_CLOSESECRET))
			return "Can't specify --opensecret and --closesecret with --checkip.";
		if (opt & XT_PKNOCK_TIME)
			return "Can't specify --time with --checkip.";
		if (opt & XT_PKNOCK_AUTOCLOSE)
			return "Can't specify --autoclose with --checkip.";
	} else if (!(opt & (XT_PKNOCK_OPENSECRET | XT_PKNOCK_TIME))) {
		return "you must specify --time.";
	}
	if (opt & XT_PKNOCK_OPENSECRET) {
		if (info->open_secret_len == 0 ||
		    info->open_secret_len > XT_PKNOCK_MAX_PASSWD_LEN ||
		    info->close_secret_len == 0 ||
		    info->close_secret_len > XT_PKNOCK_MAX_PASSWD_LEN)
			return "--opensecret and --closesecret must be 1-31 bytes";
		if (info->open_secret_len == info->close_secret_len &&
		    memcmp(info->open_secret, info->close_secret,
			   info->open_secret_len) == 0)
			return "opensecret & closesecret cannot be equal.";
	}
	return NULL;
}

static void rule_config(struct pknock_rule *rule,
			const struct xt_pknock_mtinfo *info)
{
	/* The knock rule of a name sets the timing /proc, GC and --checkip use. */
	if (!(info->option & XT_PKNOCK_KNOCKPORT))
		return;
	spin_lock_bh(&rule->lock);
	if (info->option & XT_PKNOCK_TIME)
		rule->max_time = info->max_time;
	rule->autoclose = info->autoclose_time;
	spin_unlock_bh(&rule->lock);
}

/* Caller holds rules_mutex. */
static int rule_create(const struct xt_pknock_mtinfo *info)
{
	struct pknock_rule *rule;
	unsigned int i;

	rule = kzalloc(sizeof(*rule), GFP_KERNEL);
	if (!rule)
		return -ENOMEM;
	rule->peers = kcalloc(peer_hashsize, sizeof(*rule->peers), GFP_KERNEL);
	if (!rule->peers)
		goto err_rule;
	for (i = 0; i < peer_hashsize; i++)
		INIT_HLIST_HEAD(&rule->peers[i]);
	memcpy(rule->name, info->rule_name, info->rule_name_len);
	rule->name_len = info->rule_name_len;
	rule->refs = 1;
	spin_lock_init(&rule->lock);
	INIT_LIST_HEAD(&rule->fresh);
	timer_setup(&rule->gc, pknock_gc, 0);
	rule_config(rule, info);

	rule->proc = proc_create_single_data(rule->name, 0444, pknock_proc_dir,
					     pknock_proc_show, rule);
	if (!rule->proc) {
		pr_err_ratelimited("rule %s: cannot create /proc/net/xt_pknock/%s\n",
				   rule->name, rule->name);
		goto err_peers;
	}
	hlist_add_head_rcu(&rule->node,
			   &rule_table[rule_bucket(rule->name, rule->name_len)]);
	return 0;

err_peers:
	kfree(rule->peers);
err_rule:
	kfree(rule);
	return -ENOMEM;
}

static int pknock_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_pknock_mtinfo *info = par->matchinfo;
	const char *why = pknock_refusal(info);
	struct pknock_rule *rule;
	int ret = 0;

	if (why) {
		pr_err_ratelimited("%s\n", why);
		return -EINVAL;
	}
	mutex_lock(&rules_mutex);
	rule = rule_find(info->rule_name, info->rule_name_len);
	if (rule) {
		rule->refs++;
		rule_config(rule, info);
	} else {
		ret = rule_create(info);
	}
	mutex_unlock(&rules_mutex);
	if (ret == -ENOMEM)
		pr_err_ratelimited("rule %s: out of memory\n", info->rule_name);
	return ret;
}

static void rule_free(struct pknock_rule *rule)
{
	struct pknock_peer *peer;
	struct hlist_node *next;
	unsigned int i;

	for (i = 0; i < peer_hashsize; i++)
		hlist_for_each_entry_safe(peer, next, &rule->peers[i], node)
			kfree(peer);
	kfree(rule->peers);
	kfree(rule);
}

static void pknock_mt_destroy(const struct xt_mtdtor_param *par)
{
	const struct xt_pknock_mtinfo *info = par->matchinfo;
	struct pknock_rule *rule;

	mutex_lock(&rules_mutex);
	rule = rule_find(info->rule_name, info->rule_name_len);
	if (!rule || --rule->refs > 0) {
		mutex_unlock(&rules_mutex);
		return;
	}
	hlist_del_rcu(&rule->node);
	mutex_unlock(&rules_mutex);

	/* Waits for readers of the file; then no packet can still see the rule. */
	proc_remove(rule->proc);
	synchronize_rcu();
	spin_lock_bh(&rule->lock);
	rule->dying = true;
	spin_unlock_bh(&rule->lock);
	timer_delete_sync(&rule->gc);
	rule_free(rule);
}

static struct xt_match pknock_mt_reg[] __read_mostly = {
	{
		.name       = "pknock",
		.revision   = 1,
		.family     = NFPROTO_IPV4,
		.matchsize  = sizeof(struct xt_pknock_mtinfo),
		.match      = pknock_mt,
		.checkentry = pknock_mt_check,
		.destroy    = pknock_mt_destroy,
		.me         = THIS_MODULE,
	},
	{
		.name       = "pknock",
		.revision   = 1,
		.family     = NFPROTO_IPV6,
		.matchsize  = sizeof(struct xt_pknock_mtinfo),
		.match      = pknock_mt,
		.checkentry = pknock_mt_check,
		.destroy    = pknock_mt_destroy,
		.me         = THIS_MODULE,
	},
};

static int __init pknock_params_check(void)
{
	if (rule_hashsize == 0 || rule_hashsize > PKNOCK_MAX_BUCKETS) {
		pr_err("rule_hashsize must be 1-%u\n", PKNOCK_MAX_BUCKETS);
		return -EINVAL;
	}
	if (peer_hashsize == 0 || peer_hashsize > PKNOCK_MAX_BUCKETS) {
		pr_err("peer_hashsize must be 1-%u\n", PKNOCK_MAX_BUCKETS);
		return -EINVAL;
	}
	if (peer_limit == 0) {
		pr_err("peer_limit must be at least 1\n");
		return -EINVAL;
	}
	if (!IS_ENABLED(CONFIG_CONNECTOR) && nl_multicast_group > 0)
		pr_warn("kernel without CONFIG_CONNECTOR: nl_multicast_group ignored\n");
	/* As upstream: GC must not run before a peer's minute has passed. */
	if (gc_expir_time < PKNOCK_MIN_GC_MSECS)
		gc_expir_time = PKNOCK_MIN_GC_MSECS;
	return 0;
}

static int __init pknock_mt_init(void)
{
	unsigned int i;
	int ret;

	ret = pknock_params_check();
	if (ret)
		return ret;
	rule_table = kcalloc(rule_hashsize, sizeof(*rule_table), GFP_KERNEL);
	if (!rule_table)
		return -ENOMEM;
	for (i = 0; i < rule_hashsize; i++)
		INIT_HLIST_HEAD(&rule_table[i]);
	get_random_bytes(&pknock_hash_seed, sizeof(pknock_hash_seed));

	ret = -ENOMEM;
	pknock_proc_dir = proc_mkdir("xt_pknock", init_net.proc_net);
	if (!pknock_proc_dir) {
		pr_err("cannot create /proc/net/xt_pknock\n");
		goto err_table;
	}
	pknock_stats_entry = proc_create_single("xt_pknock_stats", 0444,
						init_net.proc_net,
						pknock_stats_show);
	if (!pknock_stats_entry) {
		pr_err("cannot create /proc/net/xt_pknock_stats\n");
		goto err_dir;
	}
	ret = xt_register_matches(pknock_mt_reg, ARRAY_SIZE(pknock_mt_reg));
	if (ret)
		goto err_stats;
	return 0;

err_stats:
	proc_remove(pknock_stats_entry);
err_dir:
	proc_remove(pknock_proc_dir);
err_table:
	kfree(rule_table);
	return ret;
}

static void __exit pknock_mt_exit(void)
{
	/* No rule can remain: each holds a module reference. */
	xt_unregister_matches(pknock_mt_reg, ARRAY_SIZE(pknock_mt_reg));
	proc_remove(pknock_stats_entry);
	proc_remove(pknock_proc_dir);
	kfree(rule_table);
}

module_init(pknock_mt_init);
module_exit(pknock_mt_exit);
