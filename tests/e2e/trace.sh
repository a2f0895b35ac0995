#!/bin/sh
# strace-style tracing of guest processes from the host (README
# "Debugging"): the trace= boot option and the mconsole trace command.
#
#   boot-option   trace=cat,od logs those programs' calls with decoded
#                 arguments (paths, flags, buffers) and results (errno
#                 names), and nothing of the shell that runs them
#   mconsole      "trace 1" on a running machine traces init and the
#                 children it makes; "trace" lists it; "trace 1 off"
#                 stops, even for a call already asleep; bad requests get
#                 an error
SUITE=trace
. "$(dirname "$0")/suite.sh"
MC=build/tools/uml_mconsole
umid=trace$$

# --- boot-option ---------------------------------------------------------------
# shellcheck disable=SC2086 # LINUX is a word list
timeout -k 5 60 $LINUX mem=64M umid=$umid initrd=$B/e2e.cpio.gz quiet trace=cat,od \
	init=/bin/sh -- -c 'cat /etc/passwd /nonexist; od -c -N 5 /etc/passwd; poweroff -f' \
	</dev/null >"$tmp/boot.out" 2>&1
tr -d "\r" <"$tmp/boot.out" >"$B/e2e/trace-boot.log"
cp "$B/e2e/trace-boot.log" "$tmp/boot.out"
why=
grep -qE '\] \[pid [0-9]+\] openat\(AT_FDCWD, "/etc/passwd", O_RDONLY(\|O_LARGEFILE)?, 0\) = 3$' "$tmp/boot.out" ||
	why="no decoded openat of /etc/passwd returning 3"
grep -qE '\[pid [0-9]+\] openat\(AT_FDCWD, "/nonexist", O_RDONLY(\|O_LARGEFILE)?, 0\) = -1 ENOENT$' "$tmp/boot.out" ||
	why="$why; no openat of /nonexist failing with ENOENT"
grep -qF "write(2, \"cat: can't open '/nonexist': No such file or dir\"..., 55) = 55" "$tmp/boot.out" ||
	why="$why; no write of cat's message, cut at 48 bytes"
grep -qE '\[pid [0-9]+\] exit_group\(1\) = \?$' "$tmp/boot.out" ||
	why="$why; no exit_group(1) = ? from cat"
grep -qE '\[pid [0-9]+\] read\(3, "root:", 5\) = 5$' "$tmp/boot.out" ||
	why="$why; no read(3, \"root:\", 5) = 5 from od (the buffer shown at exit)"
grep -qE '\[pid [0-9]+\] mmap\(NULL, [0-9]+, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\) = 0x' "$tmp/boot.out" ||
	grep -qE '\[pid [0-9]+\] brk\(NULL\) = 0x[0-9a-f]+$' "$tmp/boot.out" ||
	why="$why; no pointer result in hex (brk or mmap)"
if grep -q '\[pid 1\]' "$tmp/boot.out"; then
	why="$why; init (sh, not in trace=) was traced"
fi
if [ -n "$why" ]; then
	fail boot-option "${why#; } (log: $B/e2e/trace-boot.log)"
else
	pass boot-option
fi

# --- mconsole --------------------------------------------------------------------
mkfifo "$tmp/in"
# shellcheck disable=SC2086,SC2016
$LINUX mem=64M umid=$umid uml_dir="$tmp/uml" initrd=$B/e2e.cpio.gz quiet init=/bin/sh -- \
	-c 'echo ready; read x; od -c -N 5 /etc/passwd; echo step2; read y; echo "after-off-$y"; poweroff -f' \
	<"$tmp/in" >"$tmp/mc.out" 2>&1 &
kpid=$!
exec 3>"$tmp/in"
wait_grep '^ready' "$tmp/mc.out"
# Debian's uml_mconsole where installed (the UML client), else ours.
command -v uml_mconsole >/dev/null 2>&1 && MC=uml_mconsole
mc() { $MC "$tmp/uml/$umid/mconsole" "$@" 2>&1; }
r_none=$(mc trace)
r_on=$(mc trace 1)
r_list=$(mc trace)
r_bad=$(mc trace 99999)
r_usage=$(mc trace 1 sideways)
echo go >&3
wait_grep '^step2' "$tmp/mc.out"
sleep 0.3 # sh is back in read(0) when trace off comes
r_off=$(mc trace 1 off)
echo y >&3
exec 3>&-
wait_exit "$kpid"
{
	for v in r_none r_on r_list r_bad r_usage r_off; do
		eval "echo \"$v: \$$v\""
	done
	tr -d '\r' <"$tmp/mc.out"
} >"$B/e2e/trace-mconsole.log"
tr -d '\r' <"$tmp/mc.out" >"$tmp/mc.txt"
mv "$tmp/mc.txt" "$tmp/mc.out"
why=
case $r_none in *"no process is traced"*) ;; *) why="trace with nobody traced said: $r_none" ;; esac
case $r_on in *"tracing pid 1 (sh), 1 thread"*) ;; *) why="$why; trace 1 said: $r_on" ;; esac
case $r_list in *"1 sh"*) ;; *) why="$why; trace did not list 1 sh: $r_list" ;; esac
case $r_bad in *"No such process"*) ;; *) why="$why; trace 99999 said: $r_bad" ;; esac
case $r_usage in *"usage: trace"*) ;; *) why="$why; trace 1 sideways said: $r_usage" ;; esac
case $r_off in *"stopped tracing pid 1 (sh)"*) ;; *) why="$why; trace 1 off said: $r_off" ;; esac
grep -qE '\[pid 1\] read\(0, "g' "$tmp/mc.out" || why="$why; init's read of \"go\" was not traced"
grep -qE '\[pid ([02-9]|[1-9][0-9]+)\] read\(3, "root:", 5\) = 5$' "$tmp/mc.out" ||
	why="$why; init's child od was not traced"
grep -q 'read(0, "y' "$tmp/mc.out" && why="$why; the read asleep at trace off was still logged"
grep -q '^after-off-y' "$tmp/mc.out" || why="$why; the guest did not go on after trace off"
[ "$rc" -eq 0 ] || why="$why; ./linux exited with status $rc"
if [ -n "$why" ]; then
	fail mconsole "${why#; } (log: $B/e2e/trace-mconsole.log)"
else
	pass mconsole
fi
exit "$failed"
