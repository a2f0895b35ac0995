/*
 * Neighbour discovery (RFC 4861), the part a host needs: IPv6 addresses
 * to Ethernet addresses, through the neighbour cache (net/neighbour.c:
 * waiting packets, retries, a reachable time of 30 s); its solicitations
 * go to the target's solicited-node group. Solicitations for our
 * addresses are answered with an advertisement, and what a solicitation
 * or advertisement says about its sender fills the cache.
 * Router discovery and redirects are not done: routes are configured.
 */
#include "inet.h"
#include "ipv6.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "neighbour.h"

#define ND_OPT_SOURCE_LL  1
#define ND_OPT_TARGET_LL  2
#define NA_FLAG_ROUTER	  0x80
#define NA_FLAG_SOLICITED 0x40
#define NA_FLAG_OVERRIDE  0x20

struct nd_msg {
	struct icmp6hdr_k icmph; /* un.data32: NA flags in its first byte */
	struct in6_addr target;
	u8 opt[];
};

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

static void ndisc_solicit(struct neighbour *n)
{
	struct in6_addr src, group, target;

	memcpy(&target, n->key, 16);
	if (!ipv6_dev_get_saddr(n->dev, &target, &src))
		return;
	in6_solicited_node(&target, &group);
	ndisc_send(n->dev, NDISC_NEIGHBOUR_SOLICITATION, &src, &group, &target, 0);
}

static const struct neigh_ops nd_ops = {
	.proto = ETH_P_IPV6,
	.keylen = 16,
	.reachable_ns = 30 * NSEC_PER_SEC,
	.solicit = ndisc_solicit,
};

void ndisc_output(struct sk_buff *skb, struct net_device *dev, const struct in6_addr *nexthop)
{
	static const u8 zero[ETH_ALEN];

	if (dev->type == ARPHRD_LOOPBACK) {
		eth_xmit(skb, dev, zero, ETH_P_IPV6);
		return;
	}
	if (in6_multicast(nexthop)) {
		u8 m[ETH_ALEN] = {0x33, 0x33};

		memcpy(&m[2], &nexthop->s6_addr[12], 4);
		eth_xmit(skb, dev, m, ETH_P_IPV6);
		return;
	}
	neigh_resolve_output(&nd_ops, skb, dev, nexthop);
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
			neigh_update(&nd_ops, dev, &ip6h->saddr, ll, true);
		ndisc_send(dev, NDISC_NEIGHBOUR_ADVERTISEMENT, &m->target, &ip6h->saddr, &m->target,
			   NA_FLAG_SOLICITED | NA_FLAG_OVERRIDE);
	} else if (m->icmph.type == NDISC_NEIGHBOUR_ADVERTISEMENT) {
		ll = find_lladdr(m->opt, optlen, ND_OPT_TARGET_LL);
		if (ll && !(ll[0] & 1))
			neigh_update(&nd_ops, dev, &m->target, ll, false);
	}
}
