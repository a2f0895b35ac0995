# End-to-end console tests (included by the top Makefile, which defines B,
# CC, HCFLAGS and SANFLAGS).
#
#   $(B)/e2e/ptyexpect   the driver: runs a command on a pseudo-terminal
#                        and follows a script (see tests/e2e/ptyexpect.c)
#   $(B)/e2e/dns6        a one-answer DNS server (UDP over IPv6, net6.sh)
#   $(B)/e2e/fragflood   IPv6 fragments that never complete (net6.sh)
#   $(B)/e2e/mcprobe     an mconsole client that misbehaves on purpose
#                        (fuzzed datagrams, a stalled reader, a vanished one)
#   $(B)/e2e/hostile     guest-side tricks on the kernel (deep /sys trees, a
#                        CLONE_PARENT hotplug helper), in disk.img
#   $(B)/e2e/segv        a static guest program that dies of SIGSEGV
#   $(B)/e2e/sysfuzz     a static guest program making random system calls
#                        (run only inside ./linux, by tests/e2e/cli.sh)
#   $(B)/e2e/escape      a static guest program trying raw host system calls
#                        (tests/e2e/escape.sh)
#   $(B)/e2e/sysfast     a static guest program keeping system call sites
#                        busy until they are patched (tests/e2e/sysfast.sh)
#   $(B)/e2e/noseccomp   runs a command where seccomp(2) fails (cli.sh: the
#                        process engine falls back to ptrace)
#   $(B)/e2e/hostfs_ops  file operations printed one per line, run natively
#                        and from a hostfs share in the guest (hostfs.sh)
#   $(B)/e2e/ptyhog      a static guest program opening ptys from several
#                        processes until the kernel refuses (sealed.sh)
#   $(B)/e2e.cpio.gz     the busybox initramfs plus /bin/segv, /bin/sysfuzz,
#                        /bin/escape, /bin/ptyhog and /bin/sysfast
#
# tests/e2e/run.sh boots ./linux on that image once per tests/e2e/*.expect.

E2E_B := $(B)/e2e
MKINITRAMFS ?= tools/mkinitramfs.sh

e2e-build: $(E2E_B)/notify_listen $(E2E_B)/dns6 $(E2E_B)/fragflood $(E2E_B)/mcprobe $(E2E_B)/ptyexpect $(E2E_B)/segv $(E2E_B)/sysfuzz $(E2E_B)/memhog $(E2E_B)/ptyhog $(E2E_B)/hostile $(E2E_B)/escape $(E2E_B)/sysfast $(E2E_B)/noseccomp $(E2E_B)/hostfs_ops $(B)/e2e.cpio.gz $(B)/disk.img \
	$(B)/askfirst.img

check-build: e2e-build

$(E2E_B)/notify_listen: tests/e2e/notify_listen.c
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) $(SANFLAGS) -o $@ $<

$(E2E_B)/dns6: tests/e2e/dns6.c
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) $(SANFLAGS) -o $@ $<

$(E2E_B)/fragflood: tests/e2e/fragflood.c
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) $(SANFLAGS) -o $@ $<

$(E2E_B)/noseccomp: tests/e2e/noseccomp.c
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) $(SANFLAGS) -o $@ $<

$(E2E_B)/mcprobe: tests/e2e/mcprobe.c
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) $(SANFLAGS) -o $@ $<

$(E2E_B)/ptyexpect: tests/e2e/ptyexpect.c
	@mkdir -p $(dir $@)
	$(CC) $(HCFLAGS) $(SANFLAGS) -o $@ $<

$(E2E_B)/segv: tests/e2e/segv.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

$(E2E_B)/sysfuzz: tests/e2e/sysfuzz.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

$(E2E_B)/hostile: tests/e2e/hostile.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

$(E2E_B)/memhog: tests/e2e/memhog.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

$(E2E_B)/ptyhog: tests/e2e/ptyhog.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

$(E2E_B)/hostfs_ops: tests/e2e/hostfs_ops.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

$(E2E_B)/escape: tests/e2e/escape.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

$(E2E_B)/sysfast: tests/e2e/sysfast.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

$(B)/e2e.cpio.gz: $(E2E_B)/segv $(E2E_B)/sysfuzz $(E2E_B)/escape $(E2E_B)/ptyhog $(E2E_B)/sysfast $(MKINITRAMFS) $(wildcard /bin/busybox)
	sh $(MKINITRAMFS) $@ --add $(E2E_B)/segv:/bin/segv --add $(E2E_B)/sysfuzz:/bin/sysfuzz \
		--add $(E2E_B)/escape:/bin/escape --add $(E2E_B)/ptyhog:/bin/ptyhog \
		--add $(E2E_B)/sysfast:/bin/sysfast

# An ext2 image of the same userland, for booting from a ubd disk. Tests
# copy it before writing to it.
$(B)/disk.img: tools/mkdiskimage.sh $(MKINITRAMFS) $(E2E_B)/segv $(E2E_B)/memhog $(E2E_B)/hostile $(wildcard /bin/busybox)
	sh tools/mkdiskimage.sh $@ 64 --add $(E2E_B)/segv:/bin/segv --add $(E2E_B)/memhog:/bin/memhog \
		--add $(E2E_B)/hostile:/bin/hostile

# A disk whose inittab uses askfirst and shutdown actions.
$(B)/askfirst.img: tools/mkdiskimage.sh $(MKINITRAMFS) tests/e2e/askfirst.inittab $(wildcard /bin/busybox)
	sh tools/mkdiskimage.sh $@ 32 --inittab tests/e2e/askfirst.inittab

.PHONY: e2e-build

-include $(E2E_B)/ptyexpect.d
