# Guest tests (included by the top Makefile, which defines B and CC).
#
# Each tests/guest/t_NAME.c becomes a static program $(B)/guest/t_NAME and
# each tests/guest/td_NAME.c a dynamically linked one (the image then gets
# the host's ld.so, libc and libm, the libraries they use); all of them and
# tests/guest/runone are packed into $(B)/guest.cpio.gz under /tests. tests/guest/run.sh runs every program natively and inside
# ./linux and compares the two outputs (see the comment at its top).

GUEST_B := $(B)/guest
GUEST_CFLAGS := -static -O2 -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -pthread
GUEST_SRC := $(sort $(wildcard tests/guest/t_*.c tests/guest/td_*.c))
GUEST_BINS := $(patsubst tests/guest/%.c,$(GUEST_B)/%,$(GUEST_SRC))
GUEST_LIBDIR := /lib/$(shell $(CC) -print-multiarch)
GUEST_LIBS := --add /lib64/ld-linux-x86-64.so.2:/lib64/ld-linux-x86-64.so.2 \
	--add $(GUEST_LIBDIR)/libc.so.6:$(GUEST_LIBDIR)/libc.so.6 \
	--add $(GUEST_LIBDIR)/libm.so.6:$(GUEST_LIBDIR)/libm.so.6
MKINITRAMFS ?= tools/mkinitramfs.sh

guest-tests: $(GUEST_BINS) $(B)/guest.cpio.gz

check-build: guest-tests

$(GUEST_B)/t_%: tests/guest/t_%.c tests/guest/tg.h
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -o $@ $<

$(GUEST_B)/td_%: tests/guest/td_%.c
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -static,$(GUEST_CFLAGS)) -o $@ $< -ldl

$(B)/guest.cpio.gz: $(GUEST_BINS) tests/guest/runone $(wildcard $(MKINITRAMFS)) $(wildcard /bin/busybox)
	@chmod +x tests/guest/runone
	sh $(MKINITRAMFS) $@ --add $(GUEST_B):/tests --add tests/guest/runone:/tests/runone $(GUEST_LIBS)

.PHONY: guest-tests
