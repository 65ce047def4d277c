// SPDX-License-Identifier: GPL-2.0
long *ext4_alloc_inode(void);
long *alloc_buffer_page(void);
void ext4_fc_commit(void);

static int ext4_write_begin(long *inode)
{
	long *page = alloc_buffer_page();
	return (int)(inode[0] + page[0]);
}

void ext4_file_write_iter(void)
{
	long *inode = ext4_alloc_inode();
	ext4_write_begin(inode);
	ext4_fc_commit();
}
