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
# they do not clash with the C library the tools use. Every tool is built
# twice: $(B)/tools/ for users, $(B)/tools-san/ with ASan and UBSan for
# the tests (make check).
TOOL_NAMES := uml_mkcow uml_moo uml_mconsole uml_switch
TOOL_CFLAGS := $(HCFLAGS) -Wall -Wextra -Werror -iquote include
TOOL_LIBS_uml_mconsole := -lreadline
TOOL_MODS_uml_mkcow := drivers/block/cow kernel/string
TOOL_MODS_uml_moo := drivers/block/cow kernel/string

# $(call tool_rules,<dir>,<extra flags>)
define tool_rules
$(1)/mod/%.o: %.c tests/unit/krename.h
	@mkdir -p $$(dir $$@)
	@echo "  HOSTCC  $$<"
	@$$(CC) $$(TOOL_CFLAGS) $(2) -include tests/unit/krename.h -c -o $$@ $$<

$(1)/obj/%.o: tools/%.c
	@mkdir -p $$(dir $$@)
	@echo "  HOSTCC  $$<"
	@$$(CC) $$(TOOL_CFLAGS) $(2) -c -o $$@ $$<

$(foreach t,$(TOOL_NAMES),
$(1)/$(t): $(1)/obj/$(t).o $(patsubst %,$(1)/mod/%.o,$(TOOL_MODS_$(t)))
	@echo "  LD      $$@"
	@$$(CC) $(2) -o $$@ $$^ $$(TOOL_LIBS_$(t))
)

-include $$(wildcard $(1)/obj/*.d $(1)/mod/*/*.d $(1)/mod/*/*/*.d)
endef

TOOLS_B := $(B)/tools
TOOLS_SAN_B := $(B)/tools-san
$(eval $(call tool_rules,$(TOOLS_B),))
$(eval $(call tool_rules,$(TOOLS_SAN_B),$(SANFLAGS)))

tools: $(addprefix $(TOOLS_B)/,$(TOOL_NAMES))

check-build: $(addprefix $(TOOLS_SAN_B)/,$(TOOL_NAMES))

.PHONY: initramfs tools
