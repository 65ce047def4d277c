// SPDX-License-Identifier: GPL-2.0
static long tcp_cache[64];

long *sk_alloc(void)
{
	return &tcp_cache[0];
}

void tcp_sendmsg(void)
{
	long *sk = sk_alloc();
	sk[0] += 1;
}
