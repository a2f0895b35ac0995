#!/bin/sh
# shellcheck disable=SC2317 # the conditions are called through check
# Guest escapes: under each process engine (seccomp=off: ptrace,
# seccomp=on: seccomp), /bin/escape (tests/e2e/escape.c) makes raw system
# calls from inline code, from freshly written executable memory and by
# jumping into the stub page, aimed at a file that exists only on the host
# and at a host path that must not come to exist. Each must get the
# guest's view: the secret token never shows, the path never appears on
# the host, and the kernel carries on and powers off. Prints PASS/FAIL
# lines like the other suites.
SUITE=escape
. "$(dirname "$0")/suite.sh"
img=$B/e2e.cpio.gz

# The host-only file and the path that must stay absent; neither is in the
# guest's image, and the token is never given to the guest.
rand=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
secret=/tmp/uml-escape-$$-$rand-secret
created=/tmp/uml-escape-$$-$rand-created
token=uml-escape-token-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
trap 'rm -rf "$tmp" "$secret" "$created"' EXIT
printf '%s\n' "$token" >"$secret"
chmod 644 "$secret"

if [ ! -x ./linux ] || [ ! -f "$img" ] || [ ! -x "$B/e2e/escape" ]; then
	fail build "./linux, $img or $B/e2e/escape is not built (run make all check-build)"
	exit "$failed"
fi

# check ENGINE NAME WHY CONDITION...: PASS or FAIL with WHY and the log.
check() {
	engine=$1 name=$2 why=$3
	shift 3
	if "$@"; then
		pass "$engine-$name"
	else
		fail "$engine-$name" "$why (log: $log)"
	fi
}

has() { grep -q -- "$1" "$out"; }
# lines PATTERN: the last matching lines of the output, on one line.
lines() { grep -- "$1" "$out" | tail -n 4 | tr '\n' '|'; }
blocked_and_controlled() {
	has "^escape: $1-read: openat(AT_FDCWD, SECRET, O_RDONLY) = -ENOENT: blocked\$" &&
		has "^escape: $1-create: .*: control ok\$"
}
stub_blocked() {
	has '^escape: stub-jump: [0-9]* attempts at [0-9]* syscall instructions, 0 escaped: blocked$' &&
		! has '^escape: stub-jump.*ESCAPED'
}
no_token() { ! grep -qF -- "$token" "$out"; }
host_path_absent() { [ ! -e "$created" ]; }
engine_used() { has "Process engine: $1"; }
clean_poweroff() { [ "$rc" -eq 0 ] && has 'reboot: Power down' && ! has 'Kernel panic'; }
responsive() { has '^escape-status-[0-9]*$' && has '^after-escape-42$'; }
# A process that blocks every host signal through the stub's rt_sigreturn
# and spins must not freeze the machine: the seccomp engine kills it.
# What one guest process leaves in the stub's pages (and its registers)
# must not reach the next one its host process serves.
nothing_left() { has '^scan: clean$' && ! has '^scan: FOUND'; }
mapping_failure_contained() {
	[ "$rc" -eq 0 ] && has '^mc-status-137$' && has '^mc-after-42$' && has 'failed' &&
		! has '^map-count: all' && ! has 'Kernel panic'
}
hog_contained() { has '^hog: spinning$' && has '^hog-status-137$' && has '^hog-after-42$'; }
# Scribbling over the futex words all guest processes' host threads
# sleep on only wakes them in vain: a ping-pong beside it completes.
scribble_harmless() { has '^scribble: ping-pong ok$' && has '^scribble-status-0$'; }

for engine in ptrace seccomp; do
	case $engine in
	ptrace) opt=seccomp=off ;;
	seccomp) opt=seccomp=on ;;
	esac
	log=$B/e2e/escape-$engine.log
	out=$tmp/$engine.out
	rm -f "$created"
	mkdir -p "$B/e2e"
	# After the attempts, a forked shell must still run and the machine
	# must power off.
	timeout 300 ./linux mem=64M "$opt" initrd="$img" init=/bin/sh -- -c \
		"mkdir -p /tmp; mount -t tmpfs none /tmp; /bin/escape $secret $created;
		 echo escape-status-\$?; sh -c 'echo after-escape-\$((6*7))';
		 /bin/escape --mask-hog & hog=\$!; sleep 4; kill -9 \$hog; wait \$hog;
		 echo hog-status-\$?; sh -c 'echo hog-after-\$((6*7))';
		 /bin/escape --wake-scribble; echo scribble-status-\$?;
		 for i in 1 2 3; do /bin/escape --plant 5eca11edc0ffee42; /bin/escape --scan 5eca11edc0ffee42; done;
		 mount -t proc proc /proc; /bin/escape --probes $secret </dev/console;
		 poweroff -f" \
		</dev/null >"$log" 2>&1
	rc=$?
	tr -d '\r' <"$log" >"$out"
	if [ "$engine" = seccomp ] && [ "$rc" -eq 2 ] && has 'cannot run the seccomp engine'; then
		echo "SKIP: e2e/$SUITE/$engine: this host cannot run the seccomp engine"
		continue
	fi
	check "$engine" engine "the boot log does not name the $engine engine: $(lines 'Process engine')" \
		engine_used "$engine"
	check "$engine" inline "inline syscall not blocked: $(lines '^escape: inline')" \
		blocked_and_controlled inline
	check "$engine" mmap-rx "syscall from RX memory not blocked: $(lines '^escape: mmap-rx-')" \
		blocked_and_controlled mmap-rx
	check "$engine" mmap-rwx "syscall from RWX memory not blocked: $(lines '^escape: mmap-rwx-')" \
		blocked_and_controlled mmap-rwx
	check "$engine" stub-jump "a jump into the stub escaped or did not finish: $(lines '^escape: stub')" \
		stub_blocked
	check "$engine" all-blocked "no 'escape: ALL BLOCKED': $(lines '^escape: ')" \
		has '^escape: ALL BLOCKED$'
	check "$engine" secret-not-leaked "the host-only token appeared in the guest's output" no_token
	check "$engine" host-path-absent "$created exists on the host: $(head -c 100 "$created" 2>/dev/null)" \
		host_path_absent
	check "$engine" no-crash "exit status $rc, no clean poweroff or a panic: $(tail -n 4 "$out" | tr '\n' '|')" \
		clean_poweroff
	check "$engine" mask-hog "a guest blocking host signals froze the machine: $(lines '^hog')" \
		hog_contained
	[ "$engine" = seccomp ] &&
		check "$engine" mask-hog-killed "the kernel did not kill the hog: $(lines 'engine: host')" \
			has 'blocked the interrupt signal: killed'
	check "$engine" wake-scribble "scribbling over the wake page broke a ping-pong: $(lines '^scribble')" \
		scribble_harmless
	[ "$engine" = seccomp ] &&
		check "$engine" wake-scribble-wrote "the scribbler did not write the wake page: $(lines '^scribble')" \
			has '^scribble: wrote the wake page$'
	check "$engine" no-leak-between-processes "a process found what an earlier one planted: $(lines '^scan')" \
		nothing_left
	check "$engine" probes "a path, device or ioctl probe reached the host: $(lines '^probe')" \
		has '^probe: ALL CONTAINED$'
	check "$engine" responsive "the guest did not carry on after the attempts: $(tail -n 4 "$out" | tr '\n' '|')" \
		responsive

	# More host mappings than the host allows one process (65530 by
	# default): the kernel kills the process whose host mappings fail
	# (operations after the failed one never ran) and goes on.
	limit=$(cat /proc/sys/vm/max_map_count 2>/dev/null || echo 65530)
	pages=$((limit + 4000))
	if [ "$pages" -gt 200000 ]; then
		echo "SKIP: e2e/$SUITE/$engine-host-map-limit: vm.max_map_count is $limit (too much memory to reach)"
		continue
	fi
	timeout 300 $LINUX mem=$(((pages / 256 + 96)))M "$opt" initrd="$img" init=/bin/sh -- -c \
		"/bin/escape --map-count $pages; echo mc-status-\$?; sh -c 'echo mc-after-\$((6*7))'; poweroff -f" \
		</dev/null >"$log.mc" 2>&1
	rc=$?
	tr -d '\r' <"$log.mc" >"$out"
	check "$engine" host-map-limit "exit status $rc: $(grep -E '^map-count|^mc-|failed' "$out" | tr '\n' '|')" \
		mapping_failure_contained
done
exit "$failed"
