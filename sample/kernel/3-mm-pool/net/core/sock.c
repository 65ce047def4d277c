// SPDX-License-Identifier: GPL-2.0
static long tcp_cache[64];
long *skb_alloc(void);
long *alloc_buffer_page(void);

long *sk_alloc(void)
{
	return &tcp_cache[0];
}

static long sk_page_frag(long *sk)
{
	long *page = alloc_buffer_page();
	return page[0] + sk[0];
}

void tcp_sendmsg(void)
{
	long *sk = sk_alloc();
	long *skb = skb_alloc();
	sk[0] += skb[0] + sk_page_frag(sk);
	skb[1] = sk[0];
}
