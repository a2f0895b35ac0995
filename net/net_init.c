/* Brings the network stack up: the device core and the loopback device. */
#include "netdevice.h"

void netdev_core_init(void);
void loopback_init(void);

void net_init(void)
{
	netdev_core_init();
	loopback_init();
}
