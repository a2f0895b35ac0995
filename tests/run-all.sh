#!/bin/sh
# Runs the test suites and prints the summary line.
#   tests/run-all.sh all     unit, guest and e2e tests, and the guest and
#                            gdb tests again on the DEBUG=1 kernel
#   tests/run-all.sh quick   unit and guest tests
# LINUX="./linux seccomp=off" runs every boot with those options (make
# check-ptrace: the whole suite under the ptrace engine).
# Every suite prints one line per test: "PASS: <name>", "FAIL: <name>: <why>"
# or "SKIP: <name>: <why>". The last line of this script's output is
# "N passed, M failed" and its exit status is non-zero if anything failed.
set -u
cd "$(dirname "$0")/.."
mode=${1:-all}
# The guest tests run under both process engines: guest with the default
# (seccomp where the host allows it, or what LINUX says), guest-ptrace
# with seccomp=off; guest-hostfs runs the ones that make scratch files
# with the guest's /tmp on hostfs.
suites="unit guest guest-ptrace guest-hostfs"
[ "$mode" = all ] && suites="$suites e2e debug"
log=build/test-results.txt
: >"$log"
for s in $suites; do
	echo "== $s tests"
	if [ "$s" = guest-ptrace ]; then
		LINUX="${LINUX:-./linux} seccomp=off" GUEST_SUITE=guest-ptrace \
			sh tests/guest/run.sh 2>&1 | tee -a "$log"
	elif [ "$s" = guest-hostfs ]; then
		GUEST_HOSTFS=1 GUEST_SUITE=guest-hostfs \
			GUEST_TESTS="t_exec t_fork t_misc t_mm t_pipe t_unix t_vfs" \
			sh tests/guest/run.sh 2>&1 | tee -a "$log"
	elif [ "$s" = debug ]; then
		# The DEBUG=1 kernel (make debug-kernel: -O0, undefined behaviour
		# traps) runs the guest tests and the gdb session.
		if [ -x build/debug/linux ]; then
			{
				LINUX=build/debug/linux GUEST_SUITE=guest-debug sh tests/guest/run.sh
				LINUX=build/debug/linux GDB_SUITE=gdb-debug sh tests/e2e/gdb.sh
			} 2>&1 | tee -a "$log"
		else
			echo "FAIL: debug: build/debug/linux is missing (make debug-kernel)" | tee -a "$log"
		fi
	elif [ -x "tests/$s/run.sh" ] || [ -f "tests/$s/run.sh" ]; then
		sh "tests/$s/run.sh" 2>&1 | tee -a "$log"
	else
		echo "FAIL: $s: tests/$s/run.sh is missing" | tee -a "$log"
	fi
done
pass=$(grep -c '^PASS: ' "$log")
fail=$(grep -c '^FAIL: ' "$log")
skip=$(grep -c '^SKIP: ' "$log")
if [ "$fail" -gt 0 ]; then
	echo "== failures:"
	grep '^FAIL: ' "$log"
fi
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
