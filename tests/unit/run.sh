#!/bin/sh
# Runs every host unit test binary in build/unit/ and relays its
# "PASS: unit/..." / "FAIL: unit/..." / "SKIP: unit/..." lines. A binary
# that exits non-zero (a crash, a sanitizer report, a timeout) without
# printing a FAIL line of its own still gets one, naming the cause as well
# as its output shows it. Exits non-zero if anything failed.
set -u
cd "$(dirname "$0")/../.."
dir=build/unit
limit=300
tmp=${TMPDIR:-/tmp}/unit-run.$$
trap 'rm -f "$tmp"' EXIT
trap 'exit 130' INT TERM

runner=
command -v timeout >/dev/null 2>&1 && runner="timeout $limit"

found=0
failed=0
for bin in "$dir"/test_*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	found=1
	name=${bin##*/}
	name=${name#test_}
	$runner "$bin" >"$tmp" 2>&1 </dev/null
	rc=$?
	grep -E '^(PASS|FAIL|SKIP): ' "$tmp"
	grep -q '^FAIL: ' "$tmp" && failed=1
	if [ "$rc" -ne 0 ] && ! grep -q '^FAIL: ' "$tmp"; then
		# Prefer the sanitizer's one-line summary when there is one.
		why=$(grep -E 'SUMMARY:|runtime error:' "$tmp" | head -n 2 | tr '\n' ' ')
		[ -n "$why" ] || why=$(grep -v -E '^(PASS|SKIP): ' "$tmp" |
			grep -v '^[[:space:]]*$' | tail -n 3 | tr '\n' ' ')
		[ "$rc" -eq 124 ] && why="timed out after ${limit}s $why"
		echo "FAIL: unit/$name: exited with status $rc: $why"
		failed=1
	elif [ "$rc" -eq 0 ] && ! grep -q -E '^(PASS|FAIL|SKIP): ' "$tmp"; then
		echo "FAIL: unit/$name: printed no result"
		failed=1
	fi
done
if [ "$found" -eq 0 ]; then
	echo "FAIL: unit: no test binaries in $dir (run make check-build)"
	failed=1
fi
exit "$failed"
