/*
 * Neighbour discovery (RFC 4861), the part a host needs: IPv6 addresses
 * to Ethernet addresses. A packet for a neighbour not yet resolved waits
 * (at most three) while a neighbour solicitation goes to the target's
 * solicited-node group once a second, three times; then the neighbour is
 * marked failed for a while and its packets dropped. Solicitations for
 * our addresses are answered with an advertisement, and what a
 * solicitation or advertisement says about its sender fills the cache.
 * Router discovery and redirects are not done: routes are configured.
 */
#include "inet.h"
#include "ipv6.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"

#define NEIGH6_MAX	    512
#define NEIGH6_QUEUE	    3
#define NEIGH6_PROBES	    3
#define NEIGH6_REACHABLE_NS (30 * NSEC_PER_SEC)
#define ND_OPT_SOURCE_LL    1
#define ND_OPT_TARGET_LL    2
#define NA_FLAG_ROUTER	    0x80
#define NA_FLAG_SOLICITED   0x40
#define NA_FLAG_OVERRIDE    0x20

/* NUD_INCOMPLETE, NUD_REACHABLE, NUD_FAILED come from linux/neighbour.h. */

struct nd_msg {
	struct icmp6hdr_k icmph; /* un.data32: NA flags in its first byte */
	struct in6_addr target;
	u8 opt[];
};

struct neighbour6 {
	struct list_head node;
	struct net_device *dev;
	struct in6_addr ip;
	u8 mac[ETH_ALEN];
	int state, probes;
	u64 updated;
	struct sk_buff_head pending;
	struct ktimer timer;
};

static LIST_HEAD(neighbours6);
static int nneigh6;

/* Puts the Ethernet header on and hands the frame to dev. */
static void eth_out(struct sk_buff *skb, struct net_device *dev, const u8 *dest)
{
	struct ethhdr_k *eh = (struct ethhdr_k *)skb_push(skb, ETH_HLEN);

	memcpy(eh->dest, dest, ETH_ALEN);
	memcpy(eh->source, dev->addr, ETH_ALEN);
	eh->proto = htons(ETH_P_IPV6);
	skb->dev = dev;
	dev_queue_xmit(skb);
}

/* An NS or NA with one link-layer address option (ours). */
static void ndisc_send(struct net_device *dev, int type, const struct in6_addr *saddr,
		       const struct in6_addr *daddr, const struct in6_addr *target, u8 naflags)
{
	u32 len = (u32)sizeof(struct nd_msg) + 8;
	struct sk_buff *skb = alloc_skb(len, MAX_HEADER);
	struct ip6_opts o = {.hop_limit = 255};
	struct rt6_result rt;
	struct nd_msg *m;

	if (!skb)
		return;
	m = (struct nd_msg *)skb_put(skb, len);
	memset(m, 0, len);
	m->icmph.type = (u8)type;
	m->icmph.un.data32 = 0;
	((u8 *)&m->icmph.un.data32)[0] = naflags;
	m->target = *target;
	m->opt[0] = type == NDISC_NEIGHBOUR_SOLICITATION ? ND_OPT_SOURCE_LL : ND_OPT_TARGET_LL;
	m->opt[1] = 1; /* in units of 8 bytes */
	memcpy(&m->opt[2], dev->addr, ETH_ALEN);
	m->icmph.cksum = ip6_csum(saddr, daddr, IPPROTO_ICMPV6, m, len);
	memset(&rt, 0, sizeof(rt));
	rt.dev = dev;
	rt.nexthop = *daddr;
	rt.src = *saddr;
	ip6_send(skb, saddr, daddr, IPPROTO_ICMPV6, &o, &rt);
}

static void solicit(struct neighbour6 *n)
{
	struct in6_addr src, group;

	if (!ipv6_dev_get_saddr(n->dev, &n->ip, &src))
		return;
	in6_solicited_node(&n->ip, &group);
	ndisc_send(n->dev, NDISC_NEIGHBOUR_SOLICITATION, &src, &group, &n->ip, 0);
}

static void neigh_free(struct neighbour6 *n)
{
	timer_cancel(&n->timer);
	skb_queue_purge(&n->pending);
	list_del(&n->node);
	nneigh6--;
	kfree(n);
}

static void neigh_send_pending(struct neighbour6 *n)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&n->pending)))
		eth_out(skb, n->dev, n->mac);
}

static void neigh_timer(struct ktimer *t)
{
	struct neighbour6 *n = t->arg;

	if (n->state == NUD_FAILED) {
		neigh_free(n);
		return;
	}
	if (n->state != NUD_INCOMPLETE)
		return;
	if (++n->probes >= NEIGH6_PROBES) {
		n->state = NUD_FAILED;
		skb_queue_purge(&n->pending);
		timer_arm(&n->timer, ktime_ns() + 3 * NSEC_PER_SEC);
		return;
	}
	solicit(n);
	timer_arm(&n->timer, ktime_ns() + NSEC_PER_SEC);
}

static struct neighbour6 *neigh_lookup(const struct net_device *dev, const struct in6_addr *ip)
{
	struct neighbour6 *n;

	list_for_each_entry(n, &neighbours6,
			    node) if (n->dev == dev && in6_eq(&n->ip, ip)) return n;
	return NULL;
}

static struct neighbour6 *neigh_create(struct net_device *dev, const struct in6_addr *ip)
{
	struct neighbour6 *n;

	if (nneigh6 >= NEIGH6_MAX) {
		list_for_each_entry(n, &neighbours6, node) if (n->state != NUD_INCOMPLETE)
		{
			neigh_free(n);
			break;
		}
		if (nneigh6 >= NEIGH6_MAX)
			return NULL;
	}
	n = kzalloc(sizeof(*n));
	if (!n)
		return NULL;
	n->dev = dev;
	n->ip = *ip;
	n->state = NUD_INCOMPLETE;
	skb_queue_init(&n->pending);
	n->timer.fn = neigh_timer;
	n->timer.arg = n;
	list_add_tail(&n->node, &neighbours6);
	nneigh6++;
	return n;
}

void ndisc_output(struct sk_buff *skb, struct net_device *dev, const struct in6_addr *nexthop)
{
	static const u8 zero[ETH_ALEN];
	struct neighbour6 *n;

	if (dev->type == ARPHRD_LOOPBACK) {
		eth_out(skb, dev, zero);
		return;
	}
	if (in6_multicast(nexthop)) {
		u8 m[ETH_ALEN] = {0x33, 0x33};

		memcpy(&m[2], &nexthop->s6_addr[12], 4);
		eth_out(skb, dev, m);
		return;
	}
	n = neigh_lookup(dev, nexthop);
	if (n && n->state == NUD_REACHABLE && ktime_ns() - n->updated < NEIGH6_REACHABLE_NS) {
		eth_out(skb, dev, n->mac);
		return;
	}
	if (!n)
		n = neigh_create(dev, nexthop);
	if (!n || n->state == NUD_FAILED) {
		dev->stats.tx_dropped++;
		kfree_skb(skb);
		return;
	}
	if (n->pending.qlen >= NEIGH6_QUEUE)
		kfree_skb(skb_dequeue(&n->pending));
	skb_queue_tail(&n->pending, skb);
	if (n->state == NUD_REACHABLE || !n->timer.armed) {
		/* New, or not heard from for a while: ask (again). */
		n->state = NUD_INCOMPLETE;
		n->probes = 0;
		solicit(n);
		timer_arm(&n->timer, ktime_ns() + NSEC_PER_SEC);
	}
}

/* The link-layer address option of type want, or NULL. */
static const u8 *find_lladdr(const u8 *opt, u32 len, int want)
{
	while (len >= 8) {
		u32 olen = (u32)opt[1] * 8;

		if (!olen || olen > len)
			return NULL;
		if (opt[0] == want && olen >= 8)
			return opt + 2;
		opt += olen;
		len -= olen;
	}
	return NULL;
}

static void learn(struct net_device *dev, const struct in6_addr *ip, const u8 *mac, bool create)
{
	struct neighbour6 *n = neigh_lookup(dev, ip);

	if (!n && create)
		n = neigh_create(dev, ip);
	if (!n)
		return;
	memcpy(n->mac, mac, ETH_ALEN);
	n->state = NUD_REACHABLE;
	n->updated = ktime_ns();
	timer_cancel(&n->timer);
	neigh_send_pending(n);
}

void ndisc_rcv(struct sk_buff *skb)
{
	struct ipv6hdr_k *ip6h = (struct ipv6hdr_k *)skb_network_header(skb);
	struct nd_msg *m = (struct nd_msg *)skb->data;
	struct net_device *dev = skb->dev;
	u32 optlen;
	const u8 *ll;

	/* RFC 4861 7.1.1: only from the link itself. */
	if (ip6h->hop_limit != 255 || m->icmph.code != 0 || skb->len < sizeof(*m) ||
	    in6_multicast(&m->target) || dev->type != ARPHRD_ETHER)
		return;
	optlen = skb->len - (u32)sizeof(*m);
	if (m->icmph.type == NDISC_NEIGHBOUR_SOLICITATION) {
		bool dad = in6_any(&ip6h->saddr);
		struct in6_addr dst;

		if (!ipv6_chk_addr(&m->target, dev))
			return;
		ll = find_lladdr(m->opt, optlen, ND_OPT_SOURCE_LL);
		if (dad) {
			/* Someone checks whether our address is taken: it is. */
			memset(&dst, 0, sizeof(dst));
			dst.s6_addr[0] = 0xff;
			dst.s6_addr[1] = 0x02;
			dst.s6_addr[15] = 1;
			ndisc_send(dev, NDISC_NEIGHBOUR_ADVERTISEMENT, &m->target, &dst, &m->target,
				   NA_FLAG_OVERRIDE);
			return;
		}
		if (ll)
			learn(dev, &ip6h->saddr, ll, true);
		ndisc_send(dev, NDISC_NEIGHBOUR_ADVERTISEMENT, &m->target, &ip6h->saddr, &m->target,
			   NA_FLAG_SOLICITED | NA_FLAG_OVERRIDE);
	} else if (m->icmph.type == NDISC_NEIGHBOUR_ADVERTISEMENT) {
		ll = find_lladdr(m->opt, optlen, ND_OPT_TARGET_LL);
		if (ll && !(ll[0] & 1))
			learn(dev, &m->target, ll, false);
	}
}

void ndisc_dev_gone(struct net_device *dev)
{
	struct neighbour6 *n, *t;

	list_for_each_entry_safe(n, t, &neighbours6, node) if (n->dev == dev) neigh_free(n);
}
