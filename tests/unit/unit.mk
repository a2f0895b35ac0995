# Host unit tests of freestanding kernel modules (included by the top
# Makefile, which defines B, CC, HCFLAGS and SANFLAGS).
#
# Each tests/unit/test_NAME.c becomes $(B)/unit/test_NAME, linked with the
# kernel modules it needs, all built with ASan and UBSan. The modules are
# compiled with tests/unit/krename.h forced in, so that our memcpy, strlen,
# snprintf... become k_memcpy... and do not clash with the C library or
# the sanitizer runtime. tests/unit/run.sh runs them.

UNIT_B := $(B)/unit
UNIT_CFLAGS := $(HCFLAGS) $(SANFLAGS) -iquote include -iquote arch-um -iquote tests/unit
UNIT_MOD_CFLAGS := $(UNIT_CFLAGS) -include tests/unit/krename.h

# The kernel modules each test links with.
UNIT_MODS_test_string := kernel/string.c
UNIT_MODS_test_vsprintf := kernel/vsprintf.c kernel/string.c
UNIT_MODS_test_cpio := fs/cpio.c kernel/string.c
UNIT_MODS_test_cmdline := kernel/cmdline.c kernel/vsprintf.c kernel/string.c
UNIT_MODS_test_cow := drivers/block/cow.c kernel/string.c
UNIT_MODS_test_seccomp_filter := arch-um/seccomp_filter.c

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BINS := $(addprefix $(UNIT_B)/,$(UNIT_TESTS))

unit-tests: $(UNIT_BINS)

check-build: unit-tests

# A kernel module built for the host: $(UNIT_B)/mod/kernel/string.o ...
$(UNIT_B)/mod/%.o: %.c tests/unit/krename.h
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_MOD_CFLAGS) -c -o $@ $<

$(UNIT_B)/obj/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -c -o $@ $<

# One link rule per test, with the modules listed above.
define UNIT_LINK_RULE
$(UNIT_B)/$(1): $(UNIT_B)/obj/$(1).o $(patsubst %.c,$(UNIT_B)/mod/%.o,$(UNIT_MODS_$(1)))
	$$(CC) $$(SANFLAGS) -o $$@ $$^
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call UNIT_LINK_RULE,$(t))))

.PHONY: unit-tests

-include $(wildcard $(UNIT_B)/mod/*/*.d $(UNIT_B)/obj/*.d)
