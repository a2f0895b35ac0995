#!/bin/sh
# System call site patching (arch-um/sysfast.c): /bin/sysfast
# (tests/e2e/sysfast.c) keeps sites of the four shapes the kernel patches
# busy and checks every result, under an interval timer and in a forked
# child too, then unmaps its trampolines.
#   patched      seccomp=on: the boot log says sites are patched, each of
#                the four sites starts with a jmp, one [sysfast] mapping,
#                every result right; a call that jumps into the middle of
#                the patched read site gets it its code back, and the
#                right result; unmapping the trampolines gives the sites
#                their code back
#   patch-off    seccomp=on syscall_patch=off: nothing patched, results right
#   ptrace       seccomp=off: nothing patched, results right
#   bad-option   syscall_patch=maybe is refused with a message
SUITE=sysfast
. "$(dirname "$0")/suite.sh"
img=$B/e2e.cpio.gz

if [ ! -x ./linux ] || [ ! -f "$img" ]; then
	fail build "./linux or $img is not built (run make all check-build)"
	exit "$failed"
fi

# boot NAME OPTIONS...: runs /bin/sysfast; output in $tmp/NAME.out.
boot() {
	name=$1
	shift
	timeout -k 5 60 ./linux mem=64M initrd="$img" "$@" init=/bin/sh -- \
		-c 'mount -t proc proc /proc; /bin/sysfast; poweroff -f' \
		</dev/null 2>&1 | tr -d '\r' >"$tmp/$name.out"
	cp "$tmp/$name.out" "$B/e2e/sysfast-$name.log"
}
has() { grep -q -- "$2" "$tmp/$1.out"; }
common() {
	has "$1" '^sysfast: results ok$' || echo "results wrong"
	has "$1" '^sysfast: timer ok$' || echo "results wrong under the timer"
	has "$1" '^sysfast: child ok$' || echo "the forked child saw wrong results"
	has "$1" '^sysfast: guard 0x80, results ok$' ||
		echo "entering the read site mid-way: $(grep 'guard' "$tmp/$1.out")"
	has "$1" '^sysfast: unmapped, sites 0 patched, results ok$' ||
		echo "after the unmap: $(grep 'unmapped' "$tmp/$1.out")"
}
verdict() {
	if [ -n "$2" ]; then
		fail "$1" "$(echo "$2" | tr '\n' ';') (log: $B/e2e/sysfast-$1.log)"
	else
		pass "$1"
	fi
}

boot patched seccomp=on
if has patched 'seccomp engine cannot start'; then
	echo "SKIP: e2e/$SUITE/patched: this host cannot run the seccomp engine"
else
	why=$(
		common patched
		has patched 'Process engine: seccomp.*, patched system call sites$' ||
			echo "the boot log does not say sites are patched"
		has patched 'guard: the read site is unpatched' && echo "the read site was not patched"
		for s in mov-eax mov-rax mov-r9 read; do
			has patched "^sysfast: site $s patched$" || echo "site $s not patched"
		done
		has patched '^sysfast: trampolines 1$' || echo "$(grep trampolines "$tmp/patched.out")"
	)
	verdict patched "$why"

	boot patch-off seccomp=on syscall_patch=off
	why=$(
		common patch-off
		has patch-off 'patched system call sites' && echo "the boot log says sites are patched"
		has patch-off 'unpatched' || echo "no site report"
		has patch-off ' patched$' && echo "a site was patched"
		has patch-off '^sysfast: trampolines 0$' || echo "$(grep trampolines "$tmp/patch-off.out")"
	)
	verdict patch-off "$why"
fi

boot ptrace seccomp=off
why=$(
	common ptrace
	has ptrace 'unpatched' || echo "no site report"
	has ptrace ' patched$' && echo "a site was patched"
	has ptrace '^sysfast: trampolines 0$' || echo "$(grep trampolines "$tmp/ptrace.out")"
)
verdict ptrace "$why"

./linux syscall_patch=maybe >"$tmp/bad.out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'syscall_patch=maybe: must be on or off' "$tmp/bad.out"; then
	pass bad-option
else
	fail bad-option "exit status $rc, output: $(head -c 300 "$tmp/bad.out")"
fi
exit "$failed"
