/*
 * The mconsole wire format, shared by the kernel (mconsole/) and our
 * client (tools/uml_mconsole.c). Little-endian, as UML's; the table is in
 * ../shared/design/REFERENCE.md. Only UAPI types, so both sides can use it.
 */
#ifndef MCONSOLE_PROTO_H
#define MCONSOLE_PROTO_H

#include <linux/types.h>

#define MC_MAGIC 0xcafebabe
#define MC_VERSION 2
#define MC_DATA 512 /* command text and reply payload, NUL included */

/* A request: clients always send all 524 bytes. */
struct mc_request {
	__u32 magic, version, len;
	char data[MC_DATA];
} __attribute__((packed));

/* One reply packet: 12 + len bytes; more=1 when more packets follow. */
struct mc_reply {
	__u32 err, more, len;
	char data[MC_DATA];
} __attribute__((packed));

/* Notification datagrams (mconsole=notify:<path>). */
struct mc_notify {
	__u32 magic, version, type, len;
	char data[MC_DATA];
} __attribute__((packed));

#define MC_NOTIFY_SOCKET 0
#define MC_NOTIFY_PANIC 1
#define MC_NOTIFY_HANG 2
#define MC_NOTIFY_USER 3

#endif
