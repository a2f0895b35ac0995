# Top-level build for the user-mode kernel.
#
#   make            build ./linux, the tools and the default busybox initramfs
#   make run        install missing dependencies (as root), build, boot
#   make check      build and run every test; last line "N passed, M failed"
#   make check-quick  unit and guest tests only (the inner loop)
#   make check-ptrace the whole suite with the ptrace process engine
#   make DEBUG=1    -O0 -g3 build with the undefined-behaviour sanitizer
#                   (trapping) in the kernel; plain make goes back to -O2
#   make gdb [ARGS="./linux options"]  boot under gdb with .gdbinit's helpers
#   make gdb-attach [PID=n | UMID=name]  attach gdb to a running ./linux
#   make bench      micro, disk and network benchmarks: native, ./linux (each
#                   process engine) and linux.uml side by side
#
# Kernel code (everything outside host/, tools/, tests/, bench/) is compiled
# with -nostdinc against a directory that exposes only the Linux UAPI
# headers, so a libc include there fails to build. check-boundary says so in
# plain words as well.

B := build
CC ?= gcc

ifeq ($(DEBUG),1)
OPT := -O0 -g3
# The kernel has no sanitizer runtime (it calls no libc): undefined behaviour
# traps (SIGILL at the faulting line, which gdb shows). No alignment check:
# list_for_each_entry forms an entry pointer from the bare list head too.
KSAN := -fsanitize=undefined -fno-sanitize=alignment -fsanitize-undefined-trap-on-error
else
OPT := -O2 -g
KSAN :=
endif

WARN := -Wall -Wextra -Werror -Wno-unused-parameter
UAPI := $(B)/uapi
KCFLAGS := $(OPT) $(KSAN) $(WARN) -std=gnu11 -nostdinc -isystem $(UAPI) -iquote include -iquote arch-um -iquote $(B)/gen \
	-ffreestanding -fno-stack-protector -fno-omit-frame-pointer \
	-fno-strict-aliasing -fno-common -MMD -MP
HCFLAGS := $(OPT) $(WARN) -std=gnu11 -D_GNU_SOURCE -iquote include \
	-fno-omit-frame-pointer -MMD -MP
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all

KDIRS := arch-um kernel mm fs drivers net mconsole
KSRC := $(shell find $(KDIRS) -name '*.c' -o -name '*.S' 2>/dev/null | sort)
HSRC := $(shell find host -name '*.c' | sort)
KOBJ := $(patsubst %,$(B)/k/%.o,$(basename $(KSRC)))
HOBJ := $(patsubst %,$(B)/h/%.o,$(basename $(HSRC)))

# KBIN: where the kernel binary goes (make debug-kernel puts a second one
# under $(B)/debug).
KBIN ?= linux
all: $(KBIN) tools initramfs

# The boundary check runs before any kernel object is compiled, so a
# forbidden include is reported in words first.
$(KOBJ): | check-boundary

# Objects depend on the flags they were built with: switching between
# make and make DEBUG=1 rebuilds everything.
$(B)/flags.stamp: FORCE
	@mkdir -p $(B)
	@echo '$(KCFLAGS) | $(HCFLAGS)' >$@.new; \
	if cmp -s $@ $@.new; then rm $@.new; else mv $@.new $@; fi

$(KBIN): $(KOBJ) $(HOBJ)
	@echo "  LD      $@"
	@$(CC) -o $@ $(KOBJ) $(HOBJ) -lz -lvdeplug -lpthread

$(UAPI)/.stamp:
	@mkdir -p $(UAPI)
	@ln -sfn /usr/include/linux $(UAPI)/linux
	@ln -sfn /usr/include/asm-generic $(UAPI)/asm-generic
	@ln -sfn /usr/include/$(shell $(CC) -print-multiarch)/asm $(UAPI)/asm
	@touch $@

$(B)/gen/syscall_names.h: /usr/include/$(shell $(CC) -print-multiarch)/asm/unistd_64.h
	@mkdir -p $(dir $@)
	sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9]*\)$$/[\2] = "\1",/p' $< >$@

$(B)/k/kernel/syscall.o: $(B)/gen/syscall_names.h

# errno names for system call tracing (kernel/strace.c).
$(B)/gen/errno_names.h: /usr/include/asm-generic/errno-base.h /usr/include/asm-generic/errno.h
	@mkdir -p $(dir $@)
	cat $^ | sed -n 's/^#define[ \t]*\(E[A-Z0-9]*\)[ \t]*\([0-9][0-9]*\).*/[\2] = "\1",/p' >$@

$(B)/k/kernel/strace.o: $(B)/gen/errno_names.h

$(B)/k/%.o: %.c $(UAPI)/.stamp $(B)/flags.stamp
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KCFLAGS) -c -o $@ $<

$(B)/k/%.o: %.S $(UAPI)/.stamp $(B)/flags.stamp
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(KCFLAGS) -c -o $@ $<

$(B)/h/%.o: %.c $(B)/flags.stamp
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(CC) $(HCFLAGS) -c -o $@ $<

# The host boundary, in words: only host/, tools/, tests/ and bench/ may
# include system headers; kernel code may include Linux UAPI headers only.
check-boundary:
	@bad=$$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' $(KSRC) /dev/null \
		$$(find include -name '*.h') | grep -vE '<(linux|asm|asm-generic)/' ); \
	if [ -n "$$bad" ]; then echo "host boundary violated (kernel code includes a system header):"; \
		echo "$$bad"; exit 1; fi

-include tools/tools.mk
-include tests/unit/unit.mk
-include tests/guest/guest.mk
-include tests/e2e/e2e.mk

deps:
	@sh tools/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	./linux mem=128M initrd=$(B)/rootfs.cpio.gz

check: deps
	@$(MAKE) --no-print-directory all check-build debug-kernel
	@sh tests/run-all.sh all

check-quick:
	@$(MAKE) --no-print-directory all check-build
	@sh tests/run-all.sh quick

# The whole suite with the ptrace engine (make check runs its guest tests
# under both engines and everything else under the default).
check-ptrace: deps
	@$(MAKE) --no-print-directory all check-build
	@LINUX="./linux seccomp=off" sh tests/run-all.sh all

# Benchmarks are not tests: they print numbers and never fail the build.
bench: all
	@sh bench/run-micro.sh
	@sh bench/run-disk.sh
	@sh bench/run-net.sh

# A DEBUG=1 kernel beside the normal one, for make check's debug suite.
debug-kernel:
	@$(MAKE) --no-print-directory DEBUG=1 B=$(B)/debug KBIN=$(B)/debug/linux $(B)/debug/linux

# gdb on the kernel, with .gdbinit (signals, lx-* helpers) trusted.
ARGS ?= mem=128M initrd=$(B)/rootfs.cpio.gz
GDB := gdb -q -iex 'add-auto-load-safe-path $(CURDIR)/.gdbinit'
gdb: all
	$(GDB) --args ./linux $(ARGS)

UMID ?=
gdb-attach:
	@pid='$(PID)'; \
	if [ -z "$$pid" ] && [ -n '$(UMID)' ]; then pid=$$(cat "$$HOME/.uml/$(UMID)/pid") || exit 2; fi; \
	if [ -z "$$pid" ]; then echo "make gdb-attach: give PID=<pid of ./linux> or UMID=<name>"; exit 2; fi; \
	$(GDB) -p "$$pid" ./linux

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(B) linux

.PHONY: FORCE gdb gdb-attach debug-kernel all deps run check check-quick check-ptrace check-build check-boundary format clean tools initramfs bench

-include $(KOBJ:.o=.d) $(HOBJ:.o=.d)

FORCE:
