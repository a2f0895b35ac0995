#!/bin/sh
# A sealed guest (README "Security"): what a hostile guest can make the
# host do stays inside its machine.
#
#   host-children   every host process of the guest runs with no_new_privs
#                   and (seccomp engine) its seccomp filter, holding no fd
#                   but the guest memory file and one pipe
#   fork-bomb       a fork bomb inside mem=64M: the kernel's host processes
#                   stay within threads-max, the mconsole answers, programs
#                   run again once it is killed; under a lowered threads-max
#                   it meets EAGAIN
#   memory-hog      a program wanting more than mem=64M fails inside, and
#                   the kernel's host memory stays near mem=
#   no-orphans      after kill -9 of ./linux, none of its host processes
#                   lives on (a fork bomb running at the time)
#   pty-hog         processes opening ptys in a loop meet ENOSPC at a limit
#                   mem=64M can afford (and at a lowered pty/max), the
#                   machine stays responsive and a pty works afterwards
SUITE=sealed
. "$(dirname "$0")/suite.sh"
MC=build/tools/uml_mconsole
umid=sealed$$

# The host processes whose parent is pid $1, one per line.
children_of() {
	for s in /proc/[0-9]*/stat; do
		# pid (comm) state ppid ...: comm may hold spaces, so cut after ')'.
		{ read -r line <"$s"; } 2>/dev/null || continue
		rest=${line##*) }
		set -- "$1" $rest
		[ "$3" = "$1" ] && echo "${s#/proc/}" | cut -d/ -f1
		set -- "$1"
	done
}

# boot NAME SHELL-TEXT: starts ./linux in the background (pid in $kpid,
# console in $tmp/NAME.out, mconsole socket under $tmp/uml).
boot() {
	: >"$tmp/$1.out" # exists before anyone waits on it
	# shellcheck disable=SC2086
	$LINUX mem=64M umid=$umid uml_dir="$tmp/uml" initrd=$B/e2e.cpio.gz quiet init=/bin/sh -- \
		-c "mount -t proc proc /proc; $2" </dev/null >"$tmp/$1.out" 2>&1 &
	kpid=$!
}
mc() { $MC "$tmp/uml/$umid/mconsole" "$@" 2>&1; }
# Asks the running guest for its version (into $ver: is the mconsole
# still answering?), then halts it and waits for ./linux to exit.
stop_guest() {
	ver=$(mc version)
	mc halt >/dev/null
	wait_exit "$kpid"
}

# --- host-children ---------------------------------------------------------------
boot kids 'sleep 30 & sleep 30 & echo ready; sleep 30'
wait_grep '^ready' "$tmp/kids.out"
sleep 0.5
why=
n=0
for c in $(children_of "$kpid"); do
	st=/proc/$c/status
	[ -r "$st" ] || continue
	grep -q '^NoNewPrivs:[[:space:]]*1$' "$st" || why="$why; host child $c lacks no_new_privs"
	case $LINUX in
	*seccomp=off*) ;;
	*) grep -q '^Seccomp:[[:space:]]*2$' "$st" || why="$why; host child $c has no seccomp filter" ;;
	esac
	# Allowed: the guest memory file (seccomp: the memory thread maps it)
	# and the pipe the memory thread confirms requests on.
	mem=0 pipe=0
	for fd in /proc/"$c"/fd/*; do
		[ -e "$fd" ] || [ -L "$fd" ] || continue
		target=$(readlink "$fd")
		case $target in
		/memfd:*) mem=$((mem + 1)) ;;
		pipe:*) pipe=$((pipe + 1)) ;;
		*) why="$why; host child $c holds $target" ;;
		esac
	done
	[ "$mem" -le 1 ] && [ "$pipe" -le 1 ] || why="$why; host child $c holds $mem memory files and $pipe pipes"
	n=$((n + 1))
done
[ "$n" -ge 3 ] || why="$why; only $n host children found for 3 guest processes"
mc halt >/dev/null
wait_exit "$kpid"
if [ -n "$why" ]; then
	fail host-children "${why#; }"
else
	pass host-children
fi

# --- fork-bomb -----------------------------------------------------------------------
# A default bomb (the OOM killer or threads-max stops it), then the guest
# must be able to run programs again (within 5 s of killing it); then a
# bomb under threads-max=64, which must meet EAGAIN.
# shellcheck disable=SC2016
boot bomb 'cat /proc/sys/kernel/threads-max; bomb() { bomb & bomb & wait; }
runs() { i=0; until /bin/true; do i=$((i + 1)); [ $i -ge 50 ] && return 1; sleep 0.1; done; }
(bomb 2>/dev/null &); sleep 4; echo bomb-done; sleep 3; kill -9 -1; sleep 1
runs && echo recovered
echo 64 >/proc/sys/kernel/threads-max; (bomb &); sleep 2; kill -9 -1; sleep 1
runs && echo recovered-again; while :; do sleep 1; done'
wait_grep '^bomb-done' "$tmp/bomb.out"
peak=0
for i in 1 2 3 4 5; do
	n=$(children_of "$kpid" | wc -l)
	[ "$n" -gt "$peak" ] && peak=$n
	sleep 0.3
done
t0=$(date +%s)
ver=$(timeout 20 $MC "$tmp/uml/$umid/mconsole" version 2>&1)
t1=$(date +%s)
wait_grep '^recovered-again' "$tmp/bomb.out"
mc halt >/dev/null
wait_exit "$kpid"
tr -d '\r' <"$tmp/bomb.out" | grep -v 'Out of memory: Killed' >"$B/e2e/sealed-bomb.log"
cp "$B/e2e/sealed-bomb.log" "$tmp/bomb.out"
limit=$(grep -m1 -E '^[0-9]+$' "$tmp/bomb.out")
why=
[ "$limit" = 512 ] || why="threads-max in mem=64M is '$limit', not 512"
[ "$peak" -gt 20 ] || why="$why; only $peak host processes: the bomb did not run"
[ "$peak" -le 520 ] || why="$why; $peak host processes, more than threads-max allows"
case $ver in *OK*) ;; *) why="$why; mconsole version did not answer: $ver" ;; esac
[ $((t1 - t0)) -le 10 ] || why="$why; mconsole took $((t1 - t0)) s to answer"
grep -q '^recovered' "$tmp/bomb.out" || why="$why; no program ran after the bomb was killed"
grep -q "can't fork: Resource temporarily unavailable" "$tmp/bomb.out" ||
	why="$why; the bomb under threads-max=64 never met EAGAIN"
grep -q '^recovered-again' "$tmp/bomb.out" || why="$why; no program ran after the second bomb"
grep -q 'Kernel panic' "$tmp/bomb.out" && why="$why; the kernel panicked"
[ "$rc" -eq 0 ] || why="$why; ./linux did not halt cleanly (status $rc)"
if [ -n "$why" ]; then
	fail fork-bomb "${why#; } (log: $B/e2e/sealed-bomb.log)"
else
	pass fork-bomb
fi

# --- memory-hog ------------------------------------------------------------------------
boot hog '/bin/memhog 200; echo "hog-status=$?"; echo hog-end; sleep 100'
i=0
rss_max=0
while ! grep -q '^hog-end' "$tmp/hog.out" && [ $i -lt 300 ] && kill -0 "$kpid" 2>/dev/null; do
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$kpid/status" 2>/dev/null)
	[ -n "$rss" ] && [ "$rss" -gt "$rss_max" ] && rss_max=$rss
	sleep 0.1
	i=$((i + 1))
done
stop_guest
cp "$tmp/hog.out" "$B/e2e/sealed-hog.log"
why=
grep -q '^hog-end' "$tmp/hog.out" || why="the guest shell did not outlive the hog"
grep -q '^memhog: ok' "$tmp/hog.out" && why="$why; 200 MiB fit in mem=64M?"
# mem= (65536 kB) plus the kernel's own few MB.
[ "$rss_max" -le 90000 ] || why="$why; the kernel's host RSS reached $rss_max kB"
case $ver in *OK*) ;; *) why="$why; mconsole version did not answer: $ver" ;; esac
if [ -n "$why" ]; then
	fail memory-hog "${why#; } (log: $B/e2e/sealed-hog.log)"
else
	pass memory-hog
fi

# --- pty-hog -----------------------------------------------------------------------------
boot ptys 'mkdir -p /dev/pts; mount -t devpts devpts /dev/pts; /bin/ptyhog 8
echo 10 >/proc/sys/kernel/pty/max; /bin/ptyhog 2; echo pty-end; sleep 100'
i=0
while ! grep -q '^pty-end' "$tmp/ptys.out" && [ $i -lt 600 ] && kill -0 "$kpid" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
stop_guest
tr -d '\r' <"$tmp/ptys.out" >"$B/e2e/sealed-ptys.log"
why=
first=$(grep -m1 '^ptyhog: opened' "$B/e2e/sealed-ptys.log")
n=$(echo "$first" | sed -n 's/^ptyhog: opened \([0-9]*\), refused with ENOSPC, nr \([0-9]*\)$/\1 \2/p')
# shellcheck disable=SC2086 # two numbers, split on purpose
set -- $n
if [ $# -ne 2 ] || [ "$1" != "$2" ] || [ "$1" -lt 64 ] || [ "$1" -gt 4096 ]; then
	why="the hog did not stop at a limit with ENOSPC: '$first'"
fi
grep -q '^ptyhog: opened 10, refused with ENOSPC, nr 10$' "$B/e2e/sealed-ptys.log" ||
	why="$why; pty/max=10 was not the limit"
[ "$(grep -c '^ptyhog: after release: nr 0, a new pty works$' "$B/e2e/sealed-ptys.log")" -eq 2 ] ||
	why="$why; a pty did not work after the hog let go"
case $ver in *OK*) ;; *) why="$why; mconsole version did not answer: $ver" ;; esac
grep -q 'Kernel panic' "$B/e2e/sealed-ptys.log" && why="$why; the kernel panicked"
if [ -n "$why" ]; then
	fail pty-hog "${why#; } (log: $B/e2e/sealed-ptys.log)"
else
	pass pty-hog
fi

# --- no-orphans ----------------------------------------------------------------------------
# init must outlive the bomb: a sleep that cannot fork is tried again.
boot orphans 'bomb() { bomb & bomb & wait; }; (bomb 2>/dev/null &); sleep 2; echo bombing; while :; do sleep 1; done'
wait_grep '^bombing' "$tmp/orphans.out"
kids=$(children_of "$kpid")
kill -9 "$kpid"
wait "$kpid" 2>/dev/null
tr -d '\r' <"$tmp/orphans.out" | grep -v 'Out of memory: Killed' >"$B/e2e/sealed-orphans.log"
# Each dies of its parent-death signal; give them up to 10 s. A zombie
# (dead, waiting for the host's init to reap it) counts as gone.
i=0
while :; do
	left=
	for c in $kids; do
		{ read -r line <"/proc/$c/stat"; } 2>/dev/null || continue
		state=${line##*) }
		[ "${state%% *}" = Z ] || left="$left $c"
	done
	[ -z "$left" ] || [ $i -ge 100 ] && break
	sleep 0.1
	i=$((i + 1))
done
if [ -z "$kids" ]; then
	fail no-orphans "no host children seen before the kill (log: $B/e2e/sealed-orphans.log)"
elif [ -n "$left" ]; then
	fail no-orphans "host processes outlived kill -9 of ./linux:$left"
else
	pass no-orphans
fi
exit "$failed"
