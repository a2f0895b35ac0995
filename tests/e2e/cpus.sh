#!/bin/sh
# Where the kernel and the guest run on the host (host/cpus.c), read from
# /proc while a guest shell sleeps:
#   split     seccomp=on, two CPUs or more allowed: the boot log names the
#             host CPU the kernel thread keeps; that thread may run only
#             there, its helper threads anywhere it was allowed, and every
#             guest process everywhere else
#   one-cpu   seccomp=on under taskset to one CPU: nothing to split, no
#             such line, guest processes on that CPU
#   ptrace    seccomp=off: no split, the kernel thread keeps every CPU
SUITE=cpus
. "$(dirname "$0")/suite.sh"
img=$B/e2e.cpio.gz

if [ ! -x ./linux ] || [ ! -f "$img" ]; then
	fail build "./linux or $img is not built (run make all check-build)"
	exit "$failed"
fi

# cpus LIST: the CPU numbers of a Cpus_allowed_list ("0-2,5"), sorted, one line.
cpus() {
	echo "$1" | awk -F, '{
		for (i = 1; i <= NF; i++) {
			n = split($i, r, "-")
			hi = n == 2 ? r[2] : r[1]
			for (c = r[1]; c <= hi; c++)
				printf "%d\n", c
		}
	}' | sort -n | tr '\n' ' '
}
allowed() { cpus "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "$1" 2>/dev/null)"; }
without() { # without LIST CPU
	for c in $1; do [ "$c" != "$2" ] && printf '%s ' "$c"; done
}

# boot NAME [taskset CPU] OPTIONS...: boots a guest that says "sleeping"
# and sleeps 3 s; sets $kpid and leaves the console in $tmp/NAME.out.
boot() {
	name=$1
	shift
	rm -f "$tmp/pid"
	# shellcheck disable=SC2016 # $$ and $@ are the inner shell's
	timeout -k 5 60 sh -c 'echo $$ >"$0"; exec "$@"' "$tmp/pid" "$@" mem=64M \
		initrd="$img" init=/bin/sh -- -c 'echo sleeping; sleep 3; poweroff -f' \
		</dev/null >"$tmp/$name.out" 2>&1 &
	job=$!
	wait_grep '^sleeping' "$tmp/$name.out"
	kpid=$(cat "$tmp/pid" 2>/dev/null)
}
finish() {
	wait "$job"
	cp "$tmp/$1.out" "$B/e2e/cpus-$1.log"
}
# guests_on LIST: says which guest processes (the kernel's children) may
# run elsewhere than on the CPUs of LIST (as cpus prints it), or that
# there are none.
guests_on() {
	n=0
	for g in $(grep -l "^PPid:[[:space:]]*$kpid\$" /proc/[0-9]*/status 2>/dev/null | cut -d/ -f3); do
		n=$((n + 1))
		[ "$(allowed "/proc/$g/status")" = "$1" ] ||
			echo "guest process $g allowed on '$(allowed "/proc/$g/status")', not '$1'"
	done
	[ "$n" -gt 0 ] || echo "no guest processes found"
}

mine=$(allowed /proc/$$/status)
# shellcheck disable=SC2086 # one word per CPU
set -- $mine
if [ $# -lt 2 ]; then
	echo "SKIP: e2e/$SUITE/split: this shell may use one host CPU ($mine)"
else
	boot split ./linux seccomp=on
	why=$(
		grep -q '^sleeping' "$tmp/split.out" || echo "the guest did not start"
		kcpu=$(sed -n 's/.*engine: the kernel thread keeps host CPU \([0-9]*\), guest threads the others.*/\1/p' "$tmp/split.out" | tr -d '\r')
		if grep -q 'seccomp engine cannot start' "$tmp/split.out"; then
			echo "SKIP"
		elif [ -z "$kcpu" ]; then
			echo "no boot line names the kernel's CPU"
		else
			[ "$(allowed "/proc/$kpid/status")" = "$kcpu " ] ||
				echo "kernel thread allowed on '$(allowed "/proc/$kpid/status")', not CPU $kcpu alone"
			helpers=0
			for t in /proc/"$kpid"/task/*; do
				[ "${t##*/}" = "$kpid" ] && continue
				helpers=$((helpers + 1))
				[ "$(allowed "$t/status")" = "$mine" ] ||
					echo "helper thread ${t##*/} allowed on '$(allowed "$t/status")', not '$mine'"
			done
			[ "$helpers" -gt 0 ] || echo "no helper threads"
			guests_on "$(without "$mine" "$kcpu")"
		fi
	)
	finish split
	case $why in
	SKIP) echo "SKIP: e2e/$SUITE/split: this host cannot run the seccomp engine" ;;
	'') pass split ;;
	*) fail split "$(echo "$why" | tr '\n' ';') (log: $B/e2e/cpus-split.log)" ;;
	esac
fi

one=${mine%% *}
if ! command -v taskset >/dev/null 2>&1; then
	echo "SKIP: e2e/$SUITE/one-cpu: no taskset on this host"
else
	boot one-cpu taskset -c "$one" ./linux seccomp=on
	why=$(
		grep -q '^sleeping' "$tmp/one-cpu.out" || echo "the guest did not start"
		grep -q 'kernel thread keeps host CPU' "$tmp/one-cpu.out" && echo "split one CPU"
		guests_on "$one "
	)
	finish one-cpu
	if [ -z "$why" ]; then pass one-cpu; else fail one-cpu "$(echo "$why" | tr '\n' ';')"; fi
fi

boot ptrace ./linux seccomp=off
why=$(
	grep -q '^sleeping' "$tmp/ptrace.out" || echo "the guest did not start"
	grep -q 'kernel thread keeps host CPU' "$tmp/ptrace.out" && echo "the ptrace engine split CPUs"
	[ "$(allowed "/proc/$kpid/status")" = "$mine" ] ||
		echo "kernel thread allowed on '$(allowed "/proc/$kpid/status")', not '$mine'"
)
finish ptrace
if [ -z "$why" ]; then pass ptrace; else fail ptrace "$(echo "$why" | tr '\n' ';')"; fi
exit "$failed"
