/* The management console's kernel-side entry points (mconsole/mconsole.c). */
#ifndef MCONSOLE_H
#define MCONSOLE_H

#include "mconsole_proto.h"
#include "types.h"

/* Creates the socket at boot; -EEXIST (with err) if the umid is taken. */
int mconsole_init(const char *uml_dir, const char *umid, char *err, size_t elen);
int mconsole_notify_init(const char *path);
/* Starts serving requests (once init exists). */
void mconsole_start(void);
/* Sends a notification datagram (MC_NOTIFY_*) if a notify socket is set. */
void mconsole_notify(int type, const char *data, size_t len);
extern bool cad_enabled;

#endif
