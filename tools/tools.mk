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
# module (drivers/block/cow.c) built for the host like the unit tests'
# modules: tests/unit/krename.h turns its memcpy... into k_memcpy..., so
# they do not clash with the C library the tools use.
TOOLS_B := $(B)/tools
TOOL_CFLAGS := $(HCFLAGS) -Wall -Wextra -Werror -iquote include
TOOL_MODS := $(TOOLS_B)/mod/drivers/block/cow.o $(TOOLS_B)/mod/kernel/string.o

tools: $(TOOLS_B)/uml_mkcow $(TOOLS_B)/uml_moo

$(TOOLS_B)/mod/%.o: %.c tests/unit/krename.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(CC) $(TOOL_CFLAGS) -include tests/unit/krename.h -c -o $@ $<

$(TOOLS_B)/obj/%.o: tools/%.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(CC) $(TOOL_CFLAGS) -c -o $@ $<

$(TOOLS_B)/uml_mkcow: $(TOOLS_B)/obj/uml_mkcow.o $(TOOL_MODS)
	@echo "  LD      $@"
	@$(CC) -o $@ $^

$(TOOLS_B)/uml_moo: $(TOOLS_B)/obj/uml_moo.o $(TOOL_MODS)
	@echo "  LD      $@"
	@$(CC) -o $@ $^

-include $(wildcard $(TOOLS_B)/obj/*.d $(TOOLS_B)/mod/*/*.d $(TOOLS_B)/mod/*/*/*.d)

.PHONY: initramfs tools
