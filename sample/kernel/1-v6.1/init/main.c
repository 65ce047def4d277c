// SPDX-License-Identifier: GPL-2.0
void ext4_file_write_iter(void);
void tcp_sendmsg(void);
void copy_process(void);

void start_kernel(void)
{
	copy_process();
	ext4_file_write_iter();
	tcp_sendmsg();
}
