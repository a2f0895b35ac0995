# Guest tests (included by the top Makefile, which defines B and CC).
#
# Each tests/guest/t_NAME.c becomes a static program $(B)/guest/t_NAME; all
# of them and tests/guest/runone are packed into $(B)/guest.cpio.gz under
# /tests. tests/guest/run.sh runs every program natively and inside
# ./linux and compares the two outputs (see the comment at its top).

GUEST_B := $(B)/guest
GUEST_CFLAGS := -static -O2 -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -pthread
GUEST_SRC := $(sort $(wildcard tests/guest/t_*.c))
GUEST_BINS := $(patsubst tests/guest/%.c,$(GUEST_B)/%,$(GUEST_SRC))
MKINITRAMFS ?= tools/mkinitramfs.sh

guest-tests: $(GUEST_BINS) $(B)/guest.cpio.gz

check-build: guest-tests

$(GUEST_B)/t_%: tests/guest/t_%.c tests/guest/tg.h
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -o $@ $<

$(B)/guest.cpio.gz: $(GUEST_BINS) tests/guest/runone $(wildcard $(MKINITRAMFS)) $(wildcard /bin/busybox)
	@chmod +x tests/guest/runone
	sh $(MKINITRAMFS) $@ --add $(GUEST_B):/tests --add tests/guest/runone:/tests/runone

.PHONY: guest-tests
