#!/bin/sh
# Runs the end-to-end console tests.
#
#   tests/e2e/run.sh            every tests/e2e/*.expect
#   tests/e2e/run.sh NAME...    only tests/e2e/NAME.expect ...
#
# Each NAME.expect is a ptyexpect script (its language is described at the
# top of tests/e2e/ptyexpect.c) driving, on a fresh pseudo-terminal,
#   ./linux mem=64M initrd=build/e2e.cpio.gz
# or, when the script's first line is "#! cmd: COMMAND ARG...", that
# command (split into words like a shell command line; each "./linux "
# in it becomes $LINUX, default ./linux). A test gets 120 s
# in all (E2E_TIMEOUT=SECONDS changes that). Prints "PASS: e2e/NAME" or
# "FAIL: e2e/NAME: WHY (log: build/e2e/NAME.log)" followed by the end of
# the output; the log has everything the command printed. Exits non-zero
# if anything failed. Build first: make check-build.
set -u
cd "$(dirname "$0")/../.."
B=build
dir=tests/e2e
drv=$B/e2e/ptyexpect
limit=${E2E_TIMEOUT:-120}
# LINUX: the kernel command with options every boot gets (make check-ptrace).
LINUX=${LINUX:-./linux}
default_cmd="$LINUX mem=64M initrd=$B/e2e.cpio.gz"
trap 'exit 130' INT TERM

runner=
command -v timeout >/dev/null 2>&1 && runner="timeout -k 10 $limit"

only=$*
if [ $# -gt 0 ]; then
	scripts=
	for n in "$@"; do
		scripts="$scripts $dir/${n%.expect}.expect"
	done
else
	scripts=$(ls "$dir"/*.expect 2>/dev/null | LC_ALL=C sort)
fi
if [ -z "$scripts" ]; then
	echo "FAIL: e2e: no tests/e2e/*.expect scripts"
	exit 1
fi

failed=0
for script in $scripts; do
	name=${script##*/}
	name=${name%.expect}
	log=$B/e2e/$name.log
	report=$B/e2e/$name.report
	if [ ! -f "$script" ]; then
		echo "FAIL: e2e/$name: $script does not exist"
		failed=1
		continue
	fi
	if [ ! -x "$drv" ]; then
		echo "FAIL: e2e/$name: $drv is not built (run make check-build)"
		failed=1
		continue
	fi
	first=$(head -n 1 "$script")
	case $first in
	"#! cmd:"*)
		cmd=${first#"#! cmd:"}
		# Every "./linux " in it becomes "$LINUX ".
		rest=$cmd
		cmd=
		while :; do
			case $rest in
			*"./linux "*)
				cmd="$cmd${rest%%./linux *}$LINUX "
				rest=${rest#*./linux }
				;;
			*) break ;;
			esac
		done
		cmd="$cmd$rest"
		;;
	*)
		cmd=$default_cmd
		if [ ! -x ./linux ] || [ ! -f "$B/e2e.cpio.gz" ]; then
			echo "FAIL: e2e/$name: ./linux or $B/e2e.cpio.gz is not built (run make all check-build)"
			failed=1
			continue
		fi
		;;
	esac

	mkdir -p "$B/e2e"
	: >"$log"
	eval "set -- $cmd"
	# shellcheck disable=SC2086 # $runner is a word list
	$runner "$drv" -l "$log" "$script" -- "$@" </dev/null >"$report" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "PASS: e2e/$name"
		continue
	fi
	failed=1
	case $rc in
	124 | 137)
		why="timed out after ${limit}s"
		step=$(sed -n 's/^ptyexpect: the step was: //p' "$report" | head -n 1)
		[ -z "$step" ] || why="$why, during: $step"
		printf '\n\n=== run.sh: killed after %ss\n' "$limit" >>"$log"
		;;
	*)
		why=$(grep -m 1 '^ptyexpect: ' "$report" | sed -e 's/^ptyexpect: //' \
			-e "s|^$script:\\([0-9]*\\): |line \\1: |")
		[ -n "$why" ] || why="ptyexpect exited with status $rc: $(tail -n 1 "$report")"
		;;
	esac
	echo "FAIL: e2e/$name: $why (log: $log)"
	# The end of the output, to see what went wrong without the log.
	sed -n '/^--- last /,$p' "$report" | tail -n 25 | sed 's/^/    | /'
done
# Without names, the command-line checks run too.
if [ -z "$only" ]; then
	sh "$dir/cli.sh" || failed=1
	sh "$dir/disk.sh" || failed=1
	sh "$dir/mconsole.sh" || failed=1
	sh "$dir/mconsole.sh" ours || failed=1
	sh "$dir/cow_tools.sh" || failed=1
	sh "$dir/sandbox.sh" || failed=1
	sh "$dir/net.sh" || failed=1
	sh "$dir/net6.sh" || failed=1
	sh "$dir/lan.sh" || failed=1
	sh "$dir/escape.sh" || failed=1
	sh "$dir/sysfast.sh" || failed=1
	sh "$dir/cpus.sh" || failed=1
	sh "$dir/gdb.sh" || failed=1
	sh "$dir/trace.sh" || failed=1
	sh "$dir/guest_strace.sh" || failed=1
	sh "$dir/sealed.sh" || failed=1
	sh "$dir/hostfs.sh" || failed=1
	sh "$dir/debian.sh" || failed=1
fi
exit "$failed"
