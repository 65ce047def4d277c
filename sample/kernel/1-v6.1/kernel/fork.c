// SPDX-License-Identifier: GPL-2.0
long *prepare_creds(void);
long *kmem_cache_alloc_task(void);

void copy_process(void)
{
	long *cred = prepare_creds();
	long *task = kmem_cache_alloc_task();
	task[0] = cred[0];
}
