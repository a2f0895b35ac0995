#!/bin/sh
# The management console: the socket and pid file, commands and their
# replies, cad running init's ctrlaltdel action, halt cleaning up, a live
# umid refused, a stale one reused. Prints PASS/FAIL lines.
#   sh tests/e2e/mconsole.sh          with Debian's uml_mconsole as the client,
#                                     plus clients that misbehave (mcprobe)
#   sh tests/e2e/mconsole.sh ours     with our tools/uml_mconsole, plus its
#                                     interactive mode and local commands
client=${1:-debian}
if [ "$client" = ours ]; then
	SUITE=mconsole-ours
	MC=build/tools-san/uml_mconsole
else
	SUITE=mconsole
	MC=uml_mconsole
fi
. "$(dirname "$0")/suite.sh"
if [ "$client" = debian ] && ! command -v uml_mconsole >/dev/null 2>&1; then
	echo "SKIP: e2e/mconsole: uml-utilities (uml_mconsole) not installed"
	exit 0
fi
dir="$tmp/uml"
sock="$dir/mc1/mconsole"

# Starts an instance in the background; its pid is left in $pid.
start() { # umid logfile
	$LINUX mem=64M umid="$1" uml_dir="$dir" ubda=$B/disk.img </dev/null >"$2" 2>&1 &
	pid=$!
}
# uml_mconsole warns on stderr while it looks for the socket: ignore that.
mc() {
	$MC "$@" 2>/dev/null
}
wait_sock() {
	i=0
	while [ ! -S "$1" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 1
}

start mc1 "$tmp/mc1.out"
wait_sock "$sock"
if [ -S "$sock" ] && [ "$(cat "$dir/mc1/pid")" = "$pid" ]; then
	pass socket-and-pid-file
else
	fail socket-and-pid-file "no socket or pid file under $dir/mc1"
fi
out=$(mc "$sock" version)
case $out in
"OK Linux "*" 6.1.0-um "*x86_64) pass version ;;
*) fail version "$out" ;;
esac
out=$(mc "$sock" help)
echo "$out" | grep -q "cad" && pass help || fail help "$out"
out=$(mc "$sock" proc meminfo)
echo "$out" | grep -q "MemTotal: *65536 kB" && pass proc-meminfo || fail proc-meminfo "$out"
# proc stays inside procfs: not through "..", nor the root and fd links.
o1=$(mc "$sock" proc ../etc/passwd)
o2=$(mc "$sock" proc 1/root/etc/passwd)
o3=$(timeout 10 $MC "$sock" proc 1/root/dev/zero 2>/dev/null | head -c 100)
if [ "$o1" = "ERR Failed to open file" ] && [ "$o2" = "$o1" ] && [ "$o3" = "$o1" ]; then
	pass proc-only-procfs
else
	fail proc-only-procfs "[$o1] [$o2] [$o3]"
fi
mc "$sock" log from-the-host-side >/dev/null
sleep 0.5
grep -q "from-the-host-side" "$tmp/mc1.out" && pass log || fail log "not in the kernel log"
if mc "$sock" frobnicate >"$tmp/bad"; then
	fail unknown-command "exit status 0: $(cat "$tmp/bad")"
else
	grep -q "ERR Unknown command" "$tmp/bad" && pass unknown-command ||
		fail unknown-command "$(cat "$tmp/bad")"
fi

# Introspection: ps, mem, files, stack, sysrq t and m.
out=$(mc "$sock" ps)
echo "$out" | grep -q "^ *1 *0 S .*init$" && echo "$out" | grep -q " sh$" && pass ps || fail ps "$out"
out=$(mc "$sock" mem)
echo "$out" | grep -q "65536K total" && echo "$out" | grep -q "init *rss" && pass mem || fail mem "$out"
out=$(mc "$sock" files 1)
echo "$out" | grep -q "0 /dev/console" && pass files || fail files "$out"
out=$(mc "$sock" stack 1)
echo "$out" | grep -q "in system call" && echo "$out" | grep -q "user rip" && pass stack ||
	fail stack "$out"
out=$(mc "$sock" sysrq t)
echo "$out" | grep -q "SysRq : Show State" && echo "$out" | grep -q "init" && pass sysrq-t ||
	fail sysrq-t "$out"
out=$(mc "$sock" sysrq m)
echo "$out" | grep -q "SysRq : Show Memory" && pass sysrq-m || fail sysrq-m "$out"
if mc "$sock" stack 99999 >/dev/null; then fail stack-no-such-pid "status 0"; else pass stack-no-such-pid; fi

# stop freezes the machine, its clock included; go resumes it.
mc "$sock" stop >/dev/null
t1=$(mc "$sock" proc uptime | sed -n 's/^OK \([0-9.]*\) .*/\1/p')
sleep 2
t2=$(mc "$sock" proc uptime | sed -n 's/^OK \([0-9.]*\) .*/\1/p')
again=$(mc "$sock" stop)
mc "$sock" go >/dev/null
notstopped=$(mc "$sock" go)
if [ -n "$t1" ] && [ "$t1" = "$t2" ] && [ "$again" = "ERR Already stopped" ] &&
	[ "$notstopped" = "ERR Not stopped" ]; then
	pass stop-go
else
	fail stop-go "uptime [$t1] then [$t2], [$again], [$notstopped]"
fi
sleep 1
t3=$(mc "$sock" proc uptime | sed -n 's/^OK \([0-9.]*\) .*/\1/p')
if awk -v a="$t3" -v b="$t2" 'BEGIN { exit !(a > b) }'; then pass clock-runs-after-go; else fail clock-runs-after-go "[$t2] then [$t3]"; fi

# A second instance with the same umid is refused while the first runs.
timeout 30 $LINUX mem=32M umid=mc1 uml_dir="$dir" ubda=$B/disk.img </dev/null >"$tmp/second" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && grep -q "umid mc1 is in use" "$tmp/second"; then
	pass live-umid-refused
else
	fail live-umid-refused "exit status $rc: $(tail -c 200 "$tmp/second")"
fi

# cad: init's ctrlaltdel action (reboot) runs; the machine restarts.
mc "$sock" cad >/dev/null
i=0
while [ "$(grep -c 'Linux version' "$tmp/mc1.out")" -lt 2 ] && [ $i -lt 150 ]; do
	sleep 0.1
	i=$((i + 1))
done
if grep -q "Requesting system reboot" "$tmp/mc1.out" &&
	[ "$(grep -c 'Linux version' "$tmp/mc1.out")" -ge 2 ]; then
	pass cad-runs-ctrlaltdel
else
	fail cad-runs-ctrlaltdel "$(tail -c 300 "$tmp/mc1.out")"
fi
wait_sock "$sock"

# halt: the machine stops with status 0 and its directory is gone.
mc "$sock" halt >/dev/null
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
wait "$pid"
rc=$?
if [ "$rc" -eq 0 ] && [ ! -e "$dir/mc1" ]; then
	pass halt-cleans-up
else
	fail halt-cleans-up "status $rc, $(ls -A "$dir/mc1" 2>/dev/null)"
fi

# Hot-plug: config ubdb=<file> adds /dev/ubdb; remove is refused while
# it is mounted and works after umount; config ubdb tells its file.
truncate -s 32M "$tmp/hp.img"
mkfs.ext2 -q -F "$tmp/hp.img"
$LINUX mem=64M umid=hp uml_dir="$dir" ubda=$B/disk.img init=/bin/sh -- -c \
	'mount -t proc proc /proc; mount -t tmpfs none /tmp; mkdir /tmp/m;
	 while [ ! -b /dev/ubdb ]; do sleep 0.2; done; mount -t ext2 /dev/ubdb /tmp/m && echo now-"mounted";
	 sleep 3; umount /tmp/m && echo now-"unmounted"; sleep 100' </dev/null >"$tmp/hp.out" 2>&1 &
pid=$!
wait_sock "$dir/hp/mconsole"
hsock="$dir/hp/mconsole"
added=$(mc "$hsock" config ubdb="$tmp/hp.img")
query=$(mc "$hsock" config ubdb)
wait_grep now-mounted "$tmp/hp.out"
busy=$(mc "$hsock" remove ubdb)
wait_grep now-unmounted "$tmp/hp.out"
removed=$(mc "$hsock" remove ubdb)
gone=$(mc "$hsock" proc partitions)
nodev=$(mc "$hsock" remove ubdb)
mc "$hsock" halt >/dev/null
wait "$pid"
if [ "$added" = "OK " ] && [ "$query" = "OK $tmp/hp.img" ] &&
	[ "$busy" = "ERR Device is currently open" ] && [ "$removed" = "OK " ] &&
	! echo "$gone" | grep -q ubdb && [ "$nodev" = "ERR Device doesn't exist" ]; then
	pass ubd-hotplug
else
	fail ubd-hotplug "[$added] [$query] [$busy] [$removed] [$nodev] $(tail -n 8 "$tmp/hp.out")"
fi

# Hot-plug events: with /dev a plain tmpfs filled by busybox "mdev -s"
# (through /sys) and mdev as the hotplug helper, config ubdb makes mdev
# create /dev/ubdb (block 98,16) and remove ubdb makes it delete it. The
# guest plays tricks meanwhile: the helper forks with CLONE_PARENT (its
# parent is the kernel), and a 3000-deep directory chain under ubdb's
# /sys directory must go with it.
if [ "$client" = debian ]; then
	$LINUX mem=64M umid=md uml_dir="$dir" ubda=$B/disk.img init=/bin/sh -- -c \
		'mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t tmpfs dev /dev;
		 mdev -s; ls /dev/null /dev/ubda && echo scan-"ok";
		 printf "#!/bin/sh\nexec /bin/hostile cloneparent $(which mdev) \"\$@\"\n" >/dev/hp;
		 chmod +x /dev/hp; echo /dev/hp > /proc/sys/kernel/hotplug;
		 while [ ! -b /dev/ubdb ]; do sleep 0.1; done; ls -l /dev/ubdb; echo now-"added";
		 hostile deepdir /sys/devices/virtual/block/ubdb 3000 && echo deep-"done";
		 while [ -e /dev/ubdb ]; do sleep 0.1; done; echo now-"gone"; sleep 100' \
		</dev/null >"$tmp/md.out" 2>&1 &
	pid=$!
	wait_sock "$dir/md/mconsole"
	mc "$dir/md/mconsole" config ubdb="$tmp/hp.img" >/dev/null
	wait_grep deep-done "$tmp/md.out"
	mc "$dir/md/mconsole" remove ubdb >/dev/null
	wait_grep now-gone "$tmp/md.out"
	mc "$dir/md/mconsole" halt >/dev/null
	wait "$pid"
	if grep -q scan-ok "$tmp/md.out" && grep -q "^brw.* 98, *16 .*/dev/ubdb" "$tmp/md.out" &&
		grep -q deep-done "$tmp/md.out" && grep -q now-gone "$tmp/md.out"; then
		pass mdev-hotplug
	else
		fail mdev-hotplug "$(grep -v '^\[' "$tmp/md.out" | tail -n 8)"
	fi
fi

# SysRq: h, w, s reply; e and i kill every process but init (which reaps
# its sleep and says how it died); u remounts the disk read-only; b and
# the reboot command restart the machine (pid and socket kept).
if [ "$client" = debian ]; then
	cp $B/disk.img "$tmp/sq.img"
	$LINUX mem=64M umid=sq uml_dir="$dir" ubda="$tmp/sq.img" rw init=/bin/sh -- -c \
		'mount -t proc proc /proc; touch /probe && echo writable;
		 while true; do sleep 1000 & wait $!; echo reaped-$?;
		 touch /probe 2>/dev/null || echo now-"readonly"; done' </dev/null >"$tmp/sq.out" 2>&1 &
	pid=$!
	ssock="$dir/sq/mconsole"
	wait_sock "$ssock"
	# Waits for a line in the guest's output.
	wait_out() {
		wait_grep "$1" "$tmp/sq.out"
	}
	wait_grep writable "$tmp/sq.out"
	h=$(mc "$ssock" sysrq h)
	w=$(mc "$ssock" sysrq w)
	s=$(mc "$ssock" sysrq s)
	mc "$ssock" sysrq e >/dev/null
	wait_grep reaped-143 "$tmp/sq.out"
	mc "$ssock" sysrq u >/dev/null
	mc "$ssock" sysrq i >/dev/null
	wait_grep reaped-137 "$tmp/sq.out"
	wait_grep now-readonly "$tmp/sq.out"
	boots() { grep -c "Linux version" "$tmp/sq.out"; }
	mc "$ssock" sysrq b >/dev/null
	i=0
	while [ "$(boots)" -lt 2 ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	wait_sock "$ssock"
	mc "$ssock" reboot >/dev/null
	i=0
	while [ "$(boots)" -lt 3 ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	wait_sock "$ssock"
	samepid=$(cat "$dir/sq/pid")
	mc "$ssock" halt >/dev/null
	wait "$pid"
	if case $h in "OK SysRq : HELP"*) true ;; *) false ;; esac &&
		case $w in "OK SysRq : Show Blocked State"*) true ;; *) false ;; esac &&
		case $s in *"Emergency Sync complete"*) true ;; *) false ;; esac; then
		pass sysrq-h-w-s
	else
		fail sysrq-h-w-s "[$h] [$w] [$s]"
	fi
	if grep -q reaped-143 "$tmp/sq.out" && grep -q reaped-137 "$tmp/sq.out"; then
		pass sysrq-e-i
	else
		fail sysrq-e-i "$(grep reaped "$tmp/sq.out")"
	fi
	grep -q now-readonly "$tmp/sq.out" && pass sysrq-u || fail sysrq-u "still writable"
	if [ "$(boots)" -eq 3 ] && [ "$samepid" = "$pid" ]; then
		pass sysrq-b-and-reboot
	else
		fail sysrq-b-and-reboot "$(boots) boots, pid file [$samepid] for $pid"
	fi
fi

# config mem: 40 MiB cannot be had at mem=32M; after config mem=+64M the
# guest sees 96M and gets them. Shrinking and nonsense are refused.
if [ "$client" = debian ]; then
	$LINUX mem=32M umid=gm uml_dir="$dir" ubda=$B/disk.img init=/bin/sh -- -c \
		'mount -t proc proc /proc; memhog 40; echo first-"done";
		 while ! grep -q "MemTotal: *98304 kB" /proc/meminfo; do sleep 0.1; done;
		 memhog 40; echo second-"done"; sleep 100' </dev/null >"$tmp/gm.out" 2>&1 &
	pid=$!
	gsock="$dir/gm/mconsole"
	wait_sock "$gsock"
	wait_grep first-done "$tmp/gm.out"
	before=$(mc "$gsock" config mem)
	shrink=$(mc "$gsock" config mem=16M)
	bad=$(mc "$gsock" config mem=lots)
	grow=$(mc "$gsock" config mem=+64M)
	after=$(mc "$gsock" config mem)
	wait_grep second-done "$tmp/gm.out"
	mc "$gsock" halt >/dev/null
	wait "$pid"
	if [ "$before" = "OK 32M" ] && [ "$grow" = "OK " ] && [ "$after" = "OK 96M" ] &&
		[ "$shrink" = "ERR mem: memory can be added, not removed" ] &&
		case $bad in "ERR mem: expected"*) true ;; *) false ;; esac &&
		grep -B1 first-done "$tmp/gm.out" | grep -q "memhog: malloc failed" &&
		grep -B1 second-done "$tmp/gm.out" | grep -q "memhog: ok"; then
		pass config-mem-grows
	else
		fail config-mem-grows "[$before] [$shrink] [$bad] [$grow] [$after] $(grep memhog "$tmp/gm.out")"
	fi
fi

# The notify socket: SOCKET at boot, USER_NOTIFY for /proc/mconsole,
# PANIC when the kernel panics.
$B/e2e/notify_listen "$tmp/notify" 3 >"$tmp/notify.out" 2>&1 &
lpid=$!
i=0
while ! grep -q listening "$tmp/notify.out" && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
timeout 60 $LINUX mem=32M quiet umid=nt uml_dir="$dir" mconsole=notify:"$tmp/notify" \
	ubda=$B/disk.img init=/bin/sh -- -c \
	'mount -t proc proc /proc; echo hello-notify > /proc/mconsole; exit 3' \
	</dev/null >"$tmp/nt.out" 2>&1
wait "$lpid"
if grep -q "notify magic=ok type=0 data=$dir/nt/mconsole" "$tmp/notify.out" &&
	grep -q "notify magic=ok type=3 data=hello-notify" "$tmp/notify.out" &&
	grep -q "notify magic=ok type=1 data=Attempted to kill init" "$tmp/notify.out"; then
	pass notify-socket
else
	fail notify-socket "$(cat "$tmp/notify.out")"
fi
# A panic (that one) and SIGTERM also remove the socket and pid file.
start mt "$tmp/mt.out"
wait_sock "$dir/mt/mconsole"
kill -TERM "$pid"
wait "$pid"
if [ ! -e "$dir/nt" ] && [ ! -e "$dir/mt" ]; then
	pass panic-and-sigterm-clean-up
else
	fail panic-and-sigterm-clean-up "left: $(ls -A "$dir")"
fi

# Clients that misbehave (not a matter of which client we test with).
if [ "$client" = debian ]; then
# The guest prints a tick every 0.2 s and keeps a
# process whose command line is about 60 kB (over 100 reply packets).
$LINUX mem=64M umid=mb uml_dir="$dir" ubda=$B/disk.img init=/bin/sh -- -c \
	'mount -t proc proc /proc; sh -c "sleep 1000; :" $(seq 1 12000) & echo bigpid=$!;
	 while true; do echo tick; sleep 0.2; done' </dev/null >"$tmp/mb.out" 2>&1 &
pid=$!
msock="$dir/mb/mconsole"
wait_sock "$msock"
wait_grep "^bigpid=" "$tmp/mb.out"
big=$(sed -n 's/^bigpid=\([0-9]*\).*/\1/p' "$tmp/mb.out")
{ printf 'sh\0-c\0sleep 1000; :\0'; seq 1 12000 | tr '\n' '\0'; } >"$tmp/cmdline.want"

# A reader that stalls for 3 s gets every byte, and the guest runs on
# meanwhile (UML drops packets here, and a blocking send would freeze it).
$B/e2e/mcprobe slow "$msock" 3000 2 proc "$big/cmdline" >"$tmp/cmdline.got" 2>"$tmp/slow.err" &
ppid=$!
sleep 0.5
t0=$(grep -c tick "$tmp/mb.out")
sleep 2
t1=$(grep -c tick "$tmp/mb.out")
wait "$ppid"
rc=$?
if [ "$rc" -eq 0 ] && [ -n "$big" ] && cmp -s "$tmp/cmdline.want" "$tmp/cmdline.got" &&
	[ $((t1 - t0)) -ge 4 ]; then
	pass slow-client-gets-every-packet
else
	fail slow-client-gets-every-packet "rc $rc, pid [$big], $(wc -c <"$tmp/cmdline.got") of \
$(wc -c <"$tmp/cmdline.want") bytes, $((t1 - t0)) ticks while stalled, $(cat "$tmp/slow.err")"
fi

# A client that leaves without reading does not hold up the next one.
$B/e2e/mcprobe vanish "$msock" proc "$big/cmdline" 2>/dev/null
out=$(timeout 20 "$B/e2e/mcprobe" slow "$msock" 0 0 version 2>/dev/null)
case $out in
"Linux "*) pass vanished-client ;;
*) fail vanished-client "[$out]" ;;
esac

# Malformed and hostile datagrams: the kernel answers what it can and
# still answers "version" afterwards; the guest is still ticking.
for seed in 1 2 3; do
	if ! $B/e2e/mcprobe fuzz "$msock" $seed 150 >"$tmp/fuzz.out" 2>&1; then
		break
	fi
done
t0=$(grep -c tick "$tmp/mb.out")
sleep 1
t1=$(grep -c tick "$tmp/mb.out")
if grep -q "still answering" "$tmp/fuzz.out" && [ "$t1" -gt "$t0" ] && kill -0 "$pid"; then
	pass malformed-datagrams
else
	fail malformed-datagrams "seed $seed: $(cat "$tmp/fuzz.out"), ticks $t0 -> $t1, $(tail -n 5 "$tmp/mb.out")"
fi
# stop freezes the guest's processes too: no tick while stopped.
mc "$msock" stop >/dev/null
sleep 0.3
t0=$(grep -c tick "$tmp/mb.out")
sleep 1.5
t1=$(grep -c tick "$tmp/mb.out")
mc "$msock" go >/dev/null
sleep 1
t2=$(grep -c tick "$tmp/mb.out")
if [ "$t1" -eq "$t0" ] && [ "$t2" -gt "$t1" ]; then
	pass stop-freezes-processes
else
	fail stop-freezes-processes "ticks $t0 -> $t1 while stopped, $t2 after go"
fi
mc "$msock" halt >/dev/null
wait "$pid"
fi

# A directory left by a killed instance is reused.
start mc2 "$tmp/mc2.out"
wait_sock "$dir/mc2/mconsole"
kill -9 "$pid"
wait "$pid" 2>/dev/null
start mc2 "$tmp/mc2b.out"
wait_sock "$dir/mc2/mconsole"
out=$(mc "$dir/mc2/mconsole" version)
case $out in
"OK Linux "*) pass stale-umid-reused ;;
*) fail stale-umid-reused "$out $(tail -c 200 "$tmp/mc2b.out")" ;;
esac
if [ "$client" = debian ]; then
	mc "$dir/mc2/mconsole" halt >/dev/null
	wait "$pid"
	exit "$failed"
fi

# Our client read interactively: a prompt per command, remote and local
# help, log -f, switch (refused for an unknown machine, done for a known
# one), mconsole-version, an error, and nothing after quit.
m2="$dir/mc2/mconsole"
printf 'one line for the log\nanother-logged-line\n' >"$tmp/logf"
printf '%s\n' version help "log -f $tmp/logf" "switch nosuch" "switch $m2" \
	mconsole-version bogus quit version | $MC "$m2" >"$tmp/inter.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ "$(grep -c "^($m2) " "$tmp/inter.out")" -eq 8 ] &&
	[ "$(grep -c "^OK Linux " "$tmp/inter.out")" -eq 1 ] &&
	grep -q "^Additional local mconsole commands:" "$tmp/inter.out" &&
	grep -q "no machine 'nosuch'" "$tmp/inter.out" &&
	grep -q "^Switched to '$m2'" "$tmp/inter.out" &&
	grep -q "^uml_mconsole client version 2" "$tmp/inter.out" &&
	grep -q "^ERR Unknown command" "$tmp/inter.out" &&
	grep -q "one line for the log" "$tmp/mc2b.out" && grep -q "another-logged-line" "$tmp/mc2b.out"; then
	pass interactive
else
	fail interactive "status $rc: $(cat "$tmp/inter.out")"
fi
# Errors: an unknown machine, no arguments.
if ! $MC nosuch-machine version >/dev/null 2>"$tmp/err1" && grep -q "no machine" "$tmp/err1" &&
	! $MC >/dev/null 2>"$tmp/err2" && grep -q "^Usage:" "$tmp/err2"; then
	pass client-errors
else
	fail client-errors "$(cat "$tmp/err1" "$tmp/err2")"
fi
# int: SIGINT to the machine (through its pid file), which halts cleanly.
$MC "$m2" int
wait "$pid"
rc=$?
if [ $rc -eq 0 ] && [ ! -e "$dir/mc2" ]; then
	pass int-halts
else
	fail int-halts "status $rc, $(ls -A "$dir/mc2" 2>/dev/null) $(tail -n 3 "$tmp/mc2b.out")"
fi
exit "$failed"
