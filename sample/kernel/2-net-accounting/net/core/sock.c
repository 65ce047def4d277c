// SPDX-License-Identifier: GPL-2.0
static long tcp_cache[64];
long *skb_alloc(void);

long *sk_alloc(void)
{
	return &tcp_cache[0];
}

void tcp_sendmsg(void)
{
	long *sk = sk_alloc();
	long *skb = skb_alloc();
	sk[0] += skb[0];
	skb[1] = sk[0];
}
