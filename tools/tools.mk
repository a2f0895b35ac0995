# Host tools (included by the top Makefile, which defines B and CC).
#
#   make initramfs   $(B)/rootfs.cpio.gz, the default busybox userland
#                    (tools/mkinitramfs.sh; see the comment at its top)
#   make tools       the host-side helper programs

MKINITRAMFS ?= tools/mkinitramfs.sh
# Debian's busybox-static; the image is rebuilt when it is upgraded.
INITRAMFS_BUSYBOX := $(wildcard /bin/busybox)

initramfs: $(B)/rootfs.cpio.gz

$(B)/rootfs.cpio.gz: $(MKINITRAMFS) $(INITRAMFS_BUSYBOX)
	@mkdir -p $(dir $@)
	sh $(MKINITRAMFS) $@

# Host helper programs. The COW tools compile in the kernel's pure COW
# module (drivers/block/cow.c) with the host's libc, as the unit tests do
# (tests/unit/krename.h keeps our memcpy... apart from the library's).
TOOLS_B := $(B)/tools
TOOL_CFLAGS := $(HCFLAGS) -Wall -Wextra -Werror -iquote include -include tests/unit/krename.h
TOOL_PROGS := $(TOOLS_B)/uml_mkcow $(TOOLS_B)/uml_moo

tools: $(TOOL_PROGS)

$(TOOLS_B)/obj/%.o: %.c tests/unit/krename.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(CC) $(TOOL_CFLAGS) -c -o $@ $<

$(TOOLS_B)/%: $(TOOLS_B)/obj/tools/%.o $(TOOLS_B)/obj/drivers/block/cow.o $(TOOLS_B)/obj/kernel/string.o
	@echo "  LD      $@"
	@$(CC) -o $@ $^

-include $(wildcard $(TOOLS_B)/obj/*/*.d $(TOOLS_B)/obj/*/*/*.d)

.PHONY: initramfs tools
