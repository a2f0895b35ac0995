#!/bin/sh
# Debian's strace, unmodified, inside the guest: it runs on the kernel's
# ptrace (kernel/ptrace.c). The image is the busybox initramfs plus
# /usr/bin/strace and the libraries ldd names for it.
#
#   follow-forks   strace -f of a shell running cat and a failing ls: the
#                  fork, the exec, decoded calls, both exit codes
#   attach         strace -p of a sleeping process, to its exit report
SUITE=guest_strace
. "$(dirname "$0")/suite.sh"

if ! [ -x /usr/bin/strace ]; then
	echo "FAIL: e2e/$SUITE: /usr/bin/strace is missing (tools/install-deps.sh installs it)"
	exit 1
fi
adds="--add /usr/bin/strace:/usr/bin/strace"
for lib in $(ldd /usr/bin/strace | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
	adds="$adds --add $(readlink -f "$lib"):$lib"
done
# shellcheck disable=SC2086 # adds is a word list
if ! sh tools/mkinitramfs.sh "$tmp/strace.cpio.gz" $adds >"$tmp/mk.log" 2>&1; then
	echo "FAIL: e2e/$SUITE: could not build the image: $(tail -n 3 "$tmp/mk.log")"
	exit 1
fi

boot() { # boot NAME GUEST-SHELL-TEXT: the console output in $tmp/NAME.out
	# shellcheck disable=SC2086
	timeout -k 5 60 $LINUX mem=128M initrd="$tmp/strace.cpio.gz" quiet init=/bin/sh -- \
		-c "mount -t proc proc /proc; $2; poweroff -f" </dev/null 2>&1 | tr -d '\r' >"$tmp/$1.out"
	cp "$tmp/$1.out" "$B/e2e/guest_strace-$1.log"
}

# --- follow-forks ---------------------------------------------------------------
boot forks 'strace -f -o /tmp/log sh -c "cat /etc/hostname; ls /nonexist; true"; echo "strace-status=$?"; cat /tmp/log'
o=$tmp/forks.out
why=
grep -q '^strace-status=0$' "$o" || why="strace did not exit 0"
grep -qE '^[0-9]+ +execve\("/bin/sh", \["sh", "-c", ' "$o" || why="$why; no execve of sh"
grep -qE '^[0-9]+ +(clone|fork|vfork)\(.*\) = [0-9]+$' "$o" || why="$why; no fork with the child's pid"
grep -qE '^[0-9]+ +execve\(".*", \["cat", "/etc/hostname"\], .*\) = 0$' "$o" ||
	why="$why; the forked child's exec of cat was not followed"
grep -qE '^[0-9]+ +openat\(AT_FDCWD, "/etc/hostname", O_RDONLY\) = 3$' "$o" ||
	why="$why; no decoded openat of /etc/hostname"
grep -qE '^[0-9]+ +newfstatat\(AT_FDCWD, "/nonexist", .*= -1 ENOENT \(No such file or directory\)$' "$o" ||
	why="$why; no failing stat of /nonexist"
grep -qE '^[0-9]+ +\+\+\+ exited with 1 \+\+\+$' "$o" || why="$why; no exit report of ls (1)"
[ "$(grep -cE '^[0-9]+ +\+\+\+ exited with 0 \+\+\+$' "$o")" -ge 2 ] ||
	why="$why; no exit reports (0) of cat and sh"
if [ -n "$why" ]; then
	fail follow-forks "${why#; } (log: $B/e2e/guest_strace-forks.log)"
else
	pass follow-forks
fi

# --- attach ---------------------------------------------------------------------
boot attach 'sleep 1 & strace -p $! 2>&1; echo "strace-status=$?"; wait $!; echo "sleep-status=$?"'
o=$tmp/attach.out
why=
grep -qE '^strace: Process [0-9]+ attached$' "$o" || why="strace -p did not attach"
grep -qE '^(restart_syscall|clock_nanosleep|nanosleep)\(' "$o" || why="$why; the sleeping call was not shown"
grep -q '^+++ exited with 0 +++$' "$o" || why="$why; no exit report of the traced non-child"
grep -q '^strace-status=0$' "$o" || why="$why; strace did not exit 0"
grep -q '^sleep-status=0$' "$o" || why="$why; the parent did not reap sleep with status 0"
if [ -n "$why" ]; then
	fail attach "${why#; } (log: $B/e2e/guest_strace-attach.log)"
else
	pass attach
fi
exit "$failed"
