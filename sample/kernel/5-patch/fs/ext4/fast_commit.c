// SPDX-License-Identifier: GPL-2.0
long *prepare_creds(void);

void ext4_fc_commit(void)
{
	long *cred = prepare_creds();
	cred[2] = cred[0];
}
