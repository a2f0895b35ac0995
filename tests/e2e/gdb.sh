#!/bin/sh
# gdb as the kernel debugger (README "Debugging"): host gdb with the
# repository's .gdbinit and tools/gdb/linux-gdb.py.
#
#   boot-break   gdb boots ./linux, a conditional breakpoint in the openat
#                handler hits once, when the guest opens a known path; the
#                lx-* helpers show the path, the task, its files and the
#                path's memory area; a breakpoint in a driver (/dev/null's
#                write) shows the call and the file; the guest then runs
#                to a clean poweroff
#   attach       gdb attaches by pid to a running ./linux, lists its tasks
#                and detaches; the guest goes on and powers off cleanly
# GDB_SUITE names the suite in PASS/FAIL lines (tests/run-all.sh runs it
# again on the DEBUG=1 kernel as gdb-debug).
SUITE=${GDB_SUITE:-gdb}
. "$(dirname "$0")/suite.sh"
kbin=${LINUX%% *}

if ! command -v gdb >/dev/null 2>&1; then
	echo "FAIL: e2e/$SUITE: gdb is not installed (tools/install-deps.sh installs it)"
	exit 1
fi
GDB="gdb -q -nx -batch -x .gdbinit"
umid=gdbtest$$

# --- boot-break --------------------------------------------------------------
cat >"$tmp/break.gdb" <<'EOF'
break sys_openat if $_streq($lx_str(path), "/etc/passwd")
run
echo ==lx-str\n
lx-str path
echo ==bt\n
bt 3
echo ==lx-ps\n
lx-ps
echo ==lx-task\n
lx-task
echo ==lx-addr\n
lx-addr path
echo ==lx-maps\n
lx-maps
echo ==lx-dmesg\n
lx-dmesg
echo ==driver\n
break null_write
continue
bt 8
lx-files
delete
echo ==continue\n
continue
EOF
# shellcheck disable=SC2086 # GDB and LINUX are word lists
timeout -k 5 120 $GDB -x "$tmp/break.gdb" --args $LINUX mem=64M umid=$umid \
	initrd=$B/e2e.cpio.gz quiet init=/bin/sh -- \
	-c 'cat /etc/hostname 2>/dev/null; cat /etc/passwd; echo to-null >/dev/null; poweroff -f' \
	</dev/null >"$tmp/break.out" 2>&1
cp "$tmp/break.out" "$B/e2e/gdb-break.log"
section() { sed -n "/^==$1\$/,/^==/p" "$tmp/break.out"; }
hits=$(grep -c '^Thread 1 "linux" hit Breakpoint 1, sys_openat' "$tmp/break.out")
if [ "$hits" -ne 1 ]; then
	fail boot-break "the breakpoint hit $hits times, not once (log: $B/e2e/gdb-break.log)"
elif ! section lx-str | grep -qx '"/etc/passwd"'; then
	fail boot-break "lx-str path did not print \"/etc/passwd\" (log: $B/e2e/gdb-break.log)"
elif ! section bt | grep -q 'syscall_dispatch'; then
	fail boot-break "bt does not reach syscall_dispatch (log: $B/e2e/gdb-break.log)"
elif ! section lx-ps | grep -qE '^ > +[0-9]+ +[0-9]+ +1 R cat'; then
	fail boot-break "lx-ps does not mark cat, child of init, as current (log: $B/e2e/gdb-break.log)"
elif ! section lx-task | grep -q 'in system call 257 (openat)' ||
	! section lx-task | grep -qE '^ +1 rw .*/dev/console'; then
	fail boot-break "lx-task does not show the openat call and fd 1 on /dev/console (log: $B/e2e/gdb-break.log)"
elif ! section lx-addr | grep -qE 'area .* rw-p \[stack\]' ||
	! section lx-addr | grep -q 'pte .*present'; then
	fail boot-break "lx-addr does not place the path in the present stack (log: $B/e2e/gdb-break.log)"
elif ! section lx-maps | grep -qE 'r-xp /bin/busybox'; then
	fail boot-break "lx-maps does not show busybox's text (log: $B/e2e/gdb-break.log)"
elif ! section driver | grep -q 'hit Breakpoint 2, null_write' || ! section driver | grep -q 'syscall_dispatch' ||
	! section driver | grep -qE '^ +1 w.* /dev/null'; then
	fail boot-break "a breakpoint in the /dev/null driver did not show the write and the file (log: $B/e2e/gdb-break.log)"
elif ! section lx-dmesg | grep -q 'Linux version'; then
	fail boot-break "lx-dmesg does not print the boot log (log: $B/e2e/gdb-break.log)"
elif ! grep -q '^root:' "$tmp/break.out" || ! grep -q 'exited normally' "$tmp/break.out"; then
	fail boot-break "after continue the guest did not print /etc/passwd and power off (log: $B/e2e/gdb-break.log)"
else
	pass boot-break
fi

# --- attach --------------------------------------------------------------------
mkfifo "$tmp/in"
# shellcheck disable=SC2086
$LINUX mem=64M umid=$umid uml_dir="$tmp/uml" initrd=$B/e2e.cpio.gz quiet \
	init=/bin/sh -- -c 'echo ready; read x; echo "got-$x"; poweroff -f' \
	<"$tmp/in" >"$tmp/attach.console" 2>&1 &
kpid=$!
exec 3>"$tmp/in"
wait_grep ready "$tmp/attach.console"
# shellcheck disable=SC2086
timeout -k 5 60 $GDB -p "$kpid" -ex lx-ps -ex 'lx-task 1' -ex detach "$kbin" \
	</dev/null >"$tmp/attach.out" 2>&1
echo go >&3
exec 3>&-
wait_exit "$kpid"
cat "$tmp/attach.out" "$tmp/attach.console" >"$B/e2e/gdb-attach.log"
if ! grep -qE '^   +1 +1 +0 S sh ' "$tmp/attach.out"; then
	fail attach "lx-ps after attaching does not list init (sh) asleep (log: $B/e2e/gdb-attach.log)"
elif ! grep -qE '^ +0 rw .*/dev/console' "$tmp/attach.out"; then
	fail attach "lx-task 1 does not list fd 0 on the console (log: $B/e2e/gdb-attach.log)"
elif ! grep -q '^got-go' "$tmp/attach.console" || [ "$rc" -ne 0 ]; then
	fail attach "after detaching the guest did not read its input and power off (status $rc; log: $B/e2e/gdb-attach.log)"
else
	pass attach
fi
exit "$failed"
