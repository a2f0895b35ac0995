# shellcheck shell=sh disable=SC2034 # B and failed are read by the suites
# Shared preamble of the shell e2e suites (cli, disk, mconsole, cow_tools).
# Source it with SUITE set: SUITE=name . "$(dirname "$0")/suite.sh"
# It moves to the repository root, sets B=build and LINUX, makes a private $tmp that
# is removed on exit, defines wait_grep (below), and pass NAME and fail NAME WHY, which print
# "PASS: e2e/$SUITE/NAME" / "FAIL: e2e/$SUITE/NAME: WHY" and remember a
# failure in $failed; each suite ends with: exit "$failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
B=build
# The kernel command, with the options every boot gets: make check-ptrace
# runs the suites with LINUX="./linux seccomp=off".
LINUX=${LINUX:-./linux}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
pass() { echo "PASS: e2e/$SUITE/$1"; }
# wait_grep PATTERN FILE: waits up to 10 s for PATTERN to appear in FILE.
wait_grep() {
	i=0
	while ! grep -q "$1" "$2" && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
# wait_exit PID: waits up to 10 s for a background ./linux to exit, kills
# it if it did not, and leaves its exit status in $rc.
wait_exit() {
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$1" 2>/dev/null
	wait "$1"
	rc=$?
}
# Guest shell text for just before poweroff -f: waits (up to 10 s) until
# every FIN this machine sent is acknowledged, so that a peer does not wait
# for ever on a lost FIN that a halted machine can no longer resend.
# shellcheck disable=SC2016 # expanded by the guest's shell
fin_linger='i=0; while netstat -tn 2>/dev/null | grep -qE "FIN_WAIT1|LAST_ACK|CLOSING" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done'
fail() {
	echo "FAIL: e2e/$SUITE/$1: $2"
	failed=1
}
