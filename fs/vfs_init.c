/* Brings up the filesystems and the device nodes, in order. */
#include "fs.h"

void mem_devices_init(void);
void tty_devices_init(void);
void pty_init(void);
void console_start(void);
void ext2_init(void);
void hostfs_init(void);

void vfs_init(void)
{
	tmpfs_init();
	devtmpfs_init();
	procfs_init();
	sysfs_init();
	devpts_init();
	ext2_init();
	hostfs_init();
	mem_devices_init();
	tty_devices_init();
	pty_init();
	console_start();
}
