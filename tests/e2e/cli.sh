#!/bin/sh
# Command-line and whole-machine behaviour of ./linux that needs no
# terminal: --help/--version, errors with exit status 2, init's exit
# panicking, systemd as init explained, SIGTERM halting, reboot restarting in place, and no host
# processes left behind. Prints PASS/FAIL lines like the other suites.
SUITE=cli
. "$(dirname "$0")/suite.sh"
img=$B/rootfs.cpio.gz

# expect_rc NAME RC COMMAND...: runs it, checks the exit status.
expect_rc() {
	name=$1 want=$2
	shift 2
	timeout 60 "$@" >"$tmp/out" 2>&1 </dev/null
	got=$?
	if [ "$got" -eq "$want" ]; then
		pass "$name"
	else
		fail "$name" "exit status $got, expected $want: $(head -c 300 "$tmp/out")"
	fi
}

expect_rc help 0 $LINUX --help
for opt in mem= initrd= init= quiet loglevel= umid= con0= --version; do
	grep -q -- "$opt" "$tmp/out" || fail help-lists "--help does not list $opt"
done
expect_rc version 0 $LINUX --version
grep -q "linux" "$tmp/out" || fail version-text "no version text"
expect_rc bad-option 2 $LINUX --bogus
grep -q "unknown option '--bogus'" "$tmp/out" || fail bad-option-text "$(cat "$tmp/out")"
expect_rc bad-mem 2 $LINUX mem=1K initrd="$img"
grep -q "mem=1K" "$tmp/out" || fail bad-mem-text "$(cat "$tmp/out")"
expect_rc missing-initrd 2 $LINUX initrd=/nonexistent/initrd
grep -q "No such file" "$tmp/out" || fail missing-initrd-text "$(cat "$tmp/out")"
head -c 5000 /dev/urandom >"$tmp/junk"
expect_rc corrupt-initrd 2 $LINUX initrd="$tmp/junk"
printf '\037\213garbage' >"$tmp/badgz"
expect_rc corrupt-gzip 2 $LINUX initrd="$tmp/badgz"

# ubd: bad specifications are clear errors with status 2.
disk=$B/disk.img
expect_rc ubd-bad-name 2 $LINUX ubdz=/tmp/x
grep -q "expected ubd" "$tmp/out" || fail ubd-bad-name-text "$(cat "$tmp/out")"
expect_rc ubd-missing-file 2 $LINUX ubda=/nonexistent/disk.img
grep -q "No such file" "$tmp/out" || fail ubd-missing-file-text "$(cat "$tmp/out")"
printf 'not a cow file at all' >"$tmp/junk.cow"
truncate -s 8192 "$tmp/junk.cow"
cp "$disk" "$tmp/disk.img"
expect_rc ubd-corrupt-cow 2 $LINUX ubda="$tmp/junk.cow,$tmp/disk.img"
grep -q "not a valid COW file" "$tmp/out" || fail ubd-corrupt-cow-text "$(cat "$tmp/out")"

# A second instance is refused an image the first one has open.
$LINUX mem=32M ubda="$tmp/disk.img" init=/bin/sh -- -c 'sleep 4; poweroff -f' \
	</dev/null >"$tmp/first" 2>&1 &
first=$!
sleep 1.5
expect_rc ubd-locked 2 $LINUX mem=32M ubda="$tmp/disk.img"
grep -q "in use by another instance" "$tmp/out" || fail ubd-locked-text "$(cat "$tmp/out")"
wait "$first"

# A COW file is created when missing, with the header UML's tools write.
rm -f "$tmp/new.cow"
timeout 60 $LINUX mem=32M quiet ubda="$tmp/new.cow,$tmp/disk.img" init=/bin/sh -- -c 'poweroff -f' \
	</dev/null >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ -f "$tmp/new.cow" ]; then
	pass ubd-cow-created
else
	fail ubd-cow-created "exit status $rc: $(tail -c 300 "$tmp/out")"
fi
if command -v uml_mkcow >/dev/null 2>&1; then
	rm -f "$tmp/ref.cow"
	uml_mkcow "$tmp/ref.cow" "$(cd "$tmp" && pwd)/disk.img" >/dev/null 2>&1
	if cmp -s -n 4128 "$tmp/new.cow" "$tmp/ref.cow" &&
		[ "$(stat -c %s "$tmp/new.cow")" = "$(stat -c %s "$tmp/ref.cow")" ]; then
		pass ubd-cow-matches-uml_mkcow
	else
		fail ubd-cow-matches-uml_mkcow "header or size differs: $(cmp -n 4128 "$tmp/new.cow" "$tmp/ref.cow" 2>&1) sizes $(stat -c %s "$tmp/new.cow" "$tmp/ref.cow" | tr '\n' ' ')"
	fi
	# ... and the kernel boots from Debian's COW file as well.
	timeout 60 $LINUX mem=32M quiet ubda="$tmp/ref.cow" init=/bin/sh -- -c 'echo booted-from-cow; poweroff -f' \
		</dev/null >"$tmp/out" 2>&1
	if [ $? -eq 0 ] && grep -q booted-from-cow "$tmp/out"; then
		pass ubd-boots-uml_mkcow-file
	else
		fail ubd-boots-uml_mkcow-file "$(tail -c 300 "$tmp/out")"
	fi
else
	echo "SKIP: e2e/cli/ubd-cow-matches-uml_mkcow: uml-utilities not installed"
fi

# init exits: the kernel panics and exits non-zero, as Linux panics.
timeout 60 $LINUX mem=32M quiet initrd="$img" init=/bin/true </dev/null >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -q "Kernel panic" "$tmp/out"; then
	pass init-exit-panics
else
	fail init-exit-panics "exit status $rc: $(tail -c 300 "$tmp/out")"
fi

# systemd as init: one clear line says it is not supported and what to use
# (here "systemd" is busybox under that name, which exits at once).
if sh tools/mkinitramfs.sh "$tmp/sd.cpio.gz" --add /bin/busybox:/lib/systemd/systemd \
	>"$tmp/mk.log" 2>&1; then
	timeout 60 $LINUX mem=32M initrd="$tmp/sd.cpio.gz" init=/lib/systemd/systemd </dev/null \
		>"$tmp/out" 2>&1
	if grep -q 'init: systemd is not supported.*sysvinit-core' "$tmp/out"; then
		pass systemd-init-explained
	else
		fail systemd-init-explained "$(tail -c 400 "$tmp/out")"
	fi
else
	fail systemd-init-explained "mkinitramfs failed: $(tail -c 300 "$tmp/mk.log")"
fi

# A command as init, its output on the console, poweroff -f: status 0.
timeout 60 $LINUX mem=32M quiet initrd="$img" init=/bin/sh -- -c 'echo from-init-$((6*7)); poweroff -f' \
	</dev/null >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q "from-init-42" "$tmp/out"; then
	pass init-args-and-poweroff
else
	fail init-args-and-poweroff "exit status $rc: $(tail -c 300 "$tmp/out")"
fi

# Out of memory: the biggest process is killed, the kernel carries on.
timeout 60 $LINUX mem=32M quiet initrd="$img" init=/bin/sh -- -c \
	'dd if=/dev/zero bs=30M count=2 >/dev/null; echo dd-status-$?; echo still-alive; poweroff -f' \
	</dev/null >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q "Out of memory: Killed process [0-9]* (dd)" "$tmp/out" &&
	grep -q "dd-status-137" "$tmp/out" && grep -q "still-alive" "$tmp/out"; then
	pass oom-kills-the-hog
else
	fail oom-kills-the-hog "exit status $rc: $(tail -c 400 "$tmp/out")"
fi

# The host sees at most mem= plus a small fixed overhead: guest memory is
# the physmem file, the kernel's own private memory stays small, and guest
# host processes hold no private memory at all.
$LINUX mem=32M quiet initrd="$img" init=/bin/sh -- -c \
	'dd if=/dev/zero bs=30M count=2 >/dev/null; sleep 3; poweroff -f' </dev/null >"$tmp/out" 2>&1 &
pid=$!
sleep 2
kanon=$(awk '/^RssAnon:/ {print $2}' /proc/$pid/status 2>/dev/null)
kshm=$(awk '/^RssShmem:/ {print $2}' /proc/$pid/status 2>/dev/null)
canon=0
for c in $(pgrep -P "$pid"); do
	a=$(awk '/^RssAnon:/ {print $2}' /proc/$c/status 2>/dev/null)
	[ -n "$a" ] && [ "$a" -gt "$canon" ] && canon=$a
done
wait "$pid"
if [ -n "$kanon" ] && [ "$kanon" -lt 8192 ] && [ "${kshm:-0}" -le 32768 ] && [ "$canon" -lt 1024 ]; then
	pass host-memory-bounded
else
	fail host-memory-bounded "kernel RssAnon ${kanon:-?} kB, RssShmem ${kshm:-?} kB, largest guest process RssAnon $canon kB"
fi

# Every guest address space is a clean host process: nothing mapped but
# windows of the physmem file (and the host's fixed [vsyscall] page), no
# host vDSO, stack or kernel image, and no host fd but the physmem one
# and, with the seccomp engine, the write end of the pipe on which its
# memory thread confirms requests.
$LINUX mem=32M quiet initrd="$img" init=/bin/sh -- -c 'sleep 3; poweroff -f' \
	</dev/null >"$tmp/out" 2>&1 &
pid=$!
sleep 1.5
kids=$(pgrep -P "$pid")
bad=
for c in $kids; do
	other=$(grep -v -e '/memfd:physmem' -e '\[vsyscall\]' /proc/$c/maps 2>/dev/null | head -n 2)
	[ -z "$other" ] || bad="$bad; pid $c maps: $other"
	for fd in /proc/$c/fd/*; do
		[ -e "$fd" ] || continue
		link=$(readlink "$fd")
		flags=$(awk '/^flags:/ {print $2}' "/proc/$c/fdinfo/${fd##*/}")
		case $link in
		/memfd:physmem*) ;;
		pipe:*) [ $((0$flags & 3)) -eq 1 ] || bad="$bad; pid $c fd ${fd##*/} is a readable pipe" ;;
		*) bad="$bad; pid $c has fd ${fd##*/} ($link)" ;;
		esac
	done
	n=$(ls /proc/$c/fd 2>/dev/null | wc -l)
	[ "$n" -ge 1 ] && [ "$n" -le 2 ] || bad="$bad; pid $c has $n fds"
done
wait "$pid"
if [ -n "$kids" ] && [ -z "$bad" ]; then
	pass guest-processes-isolated
else
	fail guest-processes-isolated "children [$kids]$bad"
fi

# Preemption: a guest busy loop does not starve the rest of the machine.
timeout 60 $LINUX mem=32M quiet initrd="$img" init=/bin/sh -- -c \
	'while :; do :; done & sleep 1; echo responsive; kill $!; poweroff -f' \
	</dev/null >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q "responsive" "$tmp/out"; then
	pass busy-loop-preempted
else
	fail busy-loop-preempted "exit status $rc: $(tail -c 300 "$tmp/out")"
fi

# The process engine: seccomp where the host allows it, else ptrace with
# a line in the boot log; seccomp=on where it cannot run is an error.
timeout 60 ./linux mem=32M initrd="$img" init=/bin/true </dev/null >"$tmp/out" 2>&1
if grep -q "Process engine: seccomp" "$tmp/out"; then
	pass engine-default-seccomp
elif grep -q "seccomp engine cannot start" "$tmp/out"; then
	echo "SKIP: e2e/$SUITE/engine-default-seccomp: this host cannot run the seccomp engine"
else
	fail engine-default-seccomp "$(grep -i engine "$tmp/out" | head -n 2 | tr '\n' '|')"
fi
timeout 60 $B/e2e/noseccomp ./linux mem=32M initrd="$img" init=/bin/sh -- -c \
	'echo fallback-$((6*7)); poweroff -f' </dev/null >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q "seccomp engine cannot start" "$tmp/out" &&
	grep -q "Process engine: ptrace" "$tmp/out" && grep -q "fallback-42" "$tmp/out"; then
	pass engine-auto-falls-back-to-ptrace
else
	fail engine-auto-falls-back-to-ptrace "status $rc: $(tail -c 300 "$tmp/out")"
fi
expect_rc engine-seccomp-on-refused 2 $B/e2e/noseccomp ./linux mem=32M seccomp=on initrd="$img"
expect_rc engine-bad-value 2 $LINUX seccomp=maybe initrd="$img"

# A hostile guest making random system calls cannot bring the kernel down.
for seed in 1 2 3; do
	timeout 120 $LINUX mem=64M quiet initrd=$B/e2e.cpio.gz init=/bin/sh -- -c \
		"mount -t proc proc /proc; /bin/sysfuzz 5000 $seed; echo fuzz-done-\$?; poweroff -f" \
		</dev/null >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q "fuzz-done-0" "$tmp/out" && ! grep -q "Kernel panic" "$tmp/out"; then
		pass "random-syscalls-seed-$seed"
	else
		fail "random-syscalls-seed-$seed" "exit status $rc: $(tail -c 400 "$tmp/out")"
	fi
done

# SIGTERM to ./linux halts the machine: status 0, no guest left behind.
$LINUX mem=32M quiet initrd="$img" init=/bin/sh -- -c 'sleep 1000' </dev/null >"$tmp/out" 2>&1 &
pid=$!
sleep 2
kids=$(pgrep -P "$pid" | tr '\n' ' ')
kill -TERM "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$pid" 2>/dev/null; then
	kill -KILL "$pid"
	fail sigterm-halts "still running 10 s after SIGTERM"
else
	wait "$pid"
	rc=$?
	left=
	for k in $kids; do
		kill -0 "$k" 2>/dev/null && left="$left $k"
	done
	if [ "$rc" -eq 0 ] && [ -z "$left" ] && [ -n "$kids" ]; then
		pass sigterm-halts
	else
		fail sigterm-halts "status $rc, guest host processes [$kids], left [$left]"
	fi
fi

# reboot restarts the machine in place: the banner appears twice.
timeout 20 $LINUX mem=32M initrd="$img" init=/bin/sh -- -c 'sleep 1; reboot -f' </dev/null >"$tmp/out" 2>&1
n=$(grep -c "Linux version" "$tmp/out")
if [ "$n" -ge 2 ]; then
	pass reboot-restarts
else
	fail reboot-restarts "booted $n time(s): $(tail -c 300 "$tmp/out")"
fi
exit "$failed"
