#!/bin/sh
# Differential guest tests: every program build/guest/t_* and td_* runs natively
# (the host kernel is the reference) and inside ./linux; its stdout and exit
# status must be the same in both. Prints one line per test:
#   PASS: guest/<name>
#   FAIL: guest/<name>: <short reason>
#   SKIP: guest/<name>: <reason>   (the native run exited 77: it cannot run
#                                    here, e.g. it needs root; first line why)
# and on failure keeps both outputs and a diff in build/guest-results/<name>/.
#
# Environment:
#   GUEST_TESTS="t_fork t_pipe"   run only these tests
#   LINUX_ARGS="..."              extra kernel command-line arguments
#   LINUX="./linux seccomp=off"   the kernel command (default ./linux)
#   GUEST_SUITE=guest-ptrace      the name in PASS/FAIL lines (default guest)
#   GUEST_TIMEOUT=60              seconds allowed for one boot
#   GUEST_HOSTFS=1                the guest's /tmp (where the tests make their
#                                 scratch directories) is a hostfs mount of a
#                                 fresh host directory, so the file system
#                                 calls go through hostfs to the host's kernel
#
# Inside the guest the test runs under tests/guest/runone (the init), which
# brackets its output with "@@BEGIN" and "@@END <status>". The console turns
# "\n" into "\r\n", so "\r" is stripped; kernel log lines ("[ 0.123] ...")
# that land between the markers are dropped.
set -u
cd "$(dirname "$0")/../.."
root=$(pwd)
bindir=build/guest
initrd=build/guest.cpio.gz
suite=${GUEST_SUITE:-guest}
LINUX=${LINUX:-./linux}
results=build/$suite-results
limit=${GUEST_TIMEOUT:-60}
native_limit=30

if [ -n "${GUEST_TESTS:-}" ]; then
	tests=$GUEST_TESTS
else
	tests=
	for f in "$bindir"/t_* "$bindir"/td_*; do
		[ -f "$f" ] && [ -x "$f" ] && tests="$tests ${f##*/}"
	done
fi
if [ -z "$tests" ]; then
	echo "FAIL: guest: no test programs in $bindir (run make check-build)"
	exit 1
fi

runner=
command -v timeout >/dev/null 2>&1 && runner=timeout

work=$(mktemp -d "${TMPDIR:-/tmp}/guest-run.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

mkdir -p "$results"
failed=0
noboot=

# The text between the markers of a raw console log, "\r" and kernel log
# lines removed. Writes the body to $2 and prints the exit status (or
# "nobegin" / "noend").
extract() {
	tr -d '\r' <"$1" | awk -v body="$2" '
		BEGIN { state = 0; printf "" >body }
		state == 0 && /^@@BEGIN$/ { state = 1; next }
		state == 1 {
			i = index($0, "@@END ")
			if (i > 0 && substr($0, i) ~ /^@@END -?[0-9]+$/) {
				if (i > 1)
					print substr($0, 1, i - 1) >body
				st = substr($0, i + 6)
				state = 2
				next
			}
			if ($0 ~ /^\[ *[0-9]+\.[0-9]+\] /)
				next
			print >body
		}
		END {
			if (state == 0) print "nobegin"
			else if (state == 1) print "noend"
			else print st
		}'
}

# The stderr section runone prints after the end marker.
extract_stderr() {
	tr -d '\r' <"$1" | awk '
		/^@@STDERR$/ { on = 1; next }
		/^@@STDERR-END$/ { on = 0; next }
		on { print }'
}

fail() {
	echo "FAIL: $suite/$1: $2"
	failed=1
}

save() {
	t=$1
	d="$results/$t"
	rm -rf "$d"
	mkdir -p "$d"
	cp "$work/$t.native.out" "$d/native.out" 2>/dev/null
	cp "$work/$t.native.err" "$d/native.err" 2>/dev/null
	cp "$work/$t.guest.out" "$d/guest.out" 2>/dev/null
	cp "$work/$t.guest.raw" "$d/guest.raw" 2>/dev/null
	extract_stderr "$work/$t.guest.raw" >"$d/guest.err" 2>/dev/null
	diff -u "$d/native.out" "$d/guest.out" >"$d/diff" 2>/dev/null
	echo "native exit $2, guest exit $3" >"$d/status"
}

for t in $tests; do
	bin="$bindir/$t"
	if [ ! -x "$bin" ]; then
		fail "$t" "no such test program $bin"
		continue
	fi

	# Native run, in a scratch cwd, stdin from /dev/null.
	mkdir -p "$work/cwd-$t"
	(cd "$work/cwd-$t" && $runner ${runner:+$native_limit} "$root/$bin" \
		</dev/null >"$work/$t.native.out" 2>"$work/$t.native.err")
	nrc=$?
	# Status 77: the test cannot run natively here (it needs root, say);
	# its first line says why. The guest would run it as root, so there
	# would be nothing to compare with.
	if [ "$nrc" -eq 77 ]; then
		echo "SKIP: $suite/$t: $(head -n 1 "$work/$t.native.out")"
		continue
	fi

	if [ ! -x ./linux ]; then
		: >"$work/$t.guest.out"
		: >"$work/$t.guest.raw"
		save "$t" "$nrc" "none"
		fail "$t" "./linux is missing (run make)"
		continue
	fi
	if [ ! -f "$initrd" ]; then
		: >"$work/$t.guest.out"
		: >"$work/$t.guest.raw"
		save "$t" "$nrc" "none"
		fail "$t" "$initrd is missing (run make check-build)"
		continue
	fi

	# Once the kernel failed to reach init, do not wait for it again and again.
	if [ -n "$noboot" ]; then
		: >"$work/$t.guest.out"
		: >"$work/$t.guest.raw"
		fail "$t" "not run: the kernel did not reach init in $suite/$noboot"
		continue
	fi

	# Guest run.
	hostfs_args=
	if [ -n "${GUEST_HOSTFS:-}" ]; then
		mkdir -p "$work/share-$t"
		hostfs_args="hostfs=$work/share-$t,setid TG_TMP=hostfs"
	fi
	# shellcheck disable=SC2086 # LINUX_ARGS and hostfs_args are split on purpose
	$runner ${runner:+-k 5 $limit} $LINUX mem=64M quiet initrd="$initrd" init=/tests/runone \
		${LINUX_ARGS:-} $hostfs_args -- "$t" </dev/null >"$work/$t.guest.raw" 2>&1
	krc=$?
	grc=$(extract "$work/$t.guest.raw" "$work/$t.guest.out")
	[ "$grc" = nobegin ] && noboot=$t

	if [ "$nrc" -ne 0 ]; then
		save "$t" "$nrc" "$grc"
		why=$(grep -E 'FAIL|FATAL' "$work/$t.native.out" | head -n 1)
		fail "$t" "native run failed with status $nrc (a test bug or an unusual host) ${why}"
		continue
	fi
	case $grc in
	nobegin)
		save "$t" "$nrc" "none"
		if [ "$krc" -eq 124 ] || [ "$krc" -eq 137 ]; then
			fail "$t" "timed out after ${limit}s before init started (no @@BEGIN)"
		else
			last=$(tr -d '\r' <"$work/$t.guest.raw" | grep -v '^[[:space:]]*$' | tail -n 1 | cut -c1-120)
			fail "$t" "kernel exited with $krc before init started (no @@BEGIN): $last"
		fi
		continue
		;;
	noend)
		save "$t" "$nrc" "none"
		last=$(tail -n 1 "$work/$t.guest.out" | cut -c1-100)
		if [ "$krc" -eq 124 ] || [ "$krc" -eq 137 ]; then
			fail "$t" "timed out after ${limit}s (no @@END); last line: $last"
		else
			fail "$t" "kernel exited with $krc during the test (no @@END); last line: $last"
		fi
		continue
		;;
	esac
	if ! cmp -s "$work/$t.native.out" "$work/$t.guest.out"; then
		save "$t" "$nrc" "$grc"
		# The first native and guest lines of the first differing hunk.
		first=$(diff "$work/$t.native.out" "$work/$t.guest.out" | awk '
			/^[0-9]/ { if (++h > 1) exit; next }
			/^< / && n == "" { n = substr($0, 3, 90) }
			/^> / && g == "" { g = substr($0, 3, 90) }
			END { printf "native [%s] guest [%s] ", n, g }')
		extra=
		[ "$grc" != "$nrc" ] && extra=", exit status native $nrc guest $grc"
		fail "$t" "output differs$extra: $first(see $results/$t/diff)"
		continue
	fi
	if [ "$grc" != "$nrc" ]; then
		save "$t" "$nrc" "$grc"
		fail "$t" "exit status differs: native $nrc, guest $grc"
		continue
	fi
	rm -rf "${results:?}/$t"
	echo "PASS: $suite/$t"
done
exit "$failed"
