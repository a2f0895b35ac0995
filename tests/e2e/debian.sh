#!/bin/sh
# A real distribution: Debian 12 (bookworm) built by tools/mkdebian.sh
# (debootstrap minbase + sysvinit-core + procps) boots in ./linux to a
# getty on the console; root logs in and runs bash, coreutils, procps (ps,
# top, free), util-linux (lsblk, findmnt), df, gzip, tar, awk, sed, grep,
# dpkg, apt-cache and su, and script (pseudo-terminals: tty, window size,
# typed input, ^C; python3's pty module too when the image has python3);
# poweroff halts cleanly and the image is clean for e2fsck.
#
# The image is built once into build/debian.img (about 40 s) and kept;
# a newer tools/mkdebian.sh rebuilds it. Needs root (debootstrap);
# skipped with the reason when the package archive cannot be reached.
SUITE=debian
. "$(dirname "$0")/suite.sh"
img=$B/debian.img

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: e2e/$SUITE: debootstrap needs root"
	exit 0
fi
if [ ! -f "$img" ] || [ tools/mkdebian.sh -nt "$img" ]; then
	if ! sh tools/mkdebian.sh "$img.new" >"$tmp/mk.log" 2>&1; then
		if grep -qiE "Failed getting release file|Temporary failure resolving|Could not resolve|Couldn't download|Network is unreachable|Connection (refused|timed out)" \
			"$tmp/mk.log"; then
			echo "SKIP: e2e/$SUITE: debootstrap cannot reach the package archive: $(tail -n 2 "$tmp/mk.log" | tr '\n' ' ')"
			exit 0
		fi
		fail build "tools/mkdebian.sh failed: $(tail -n 4 "$tmp/mk.log" | tr '\n' ' ')"
		exit "$failed"
	fi
	mv "$img.new" "$img"
fi

log=$B/e2e/debian.log
# shellcheck disable=SC2086 # LINUX is a word list
timeout -k 5 240 "$B/e2e/ptyexpect" -l "$log.raw" -t 20 tests/e2e/debian_login.pty -- \
	$LINUX ubda="$img" mem=512M rw >"$tmp/pty.out" 2>&1
rc=$?
tr -d '\r' <"$log.raw" | sed 's/\x1b\[?2004[hl]//g' >"$log"
rm -f "$log.raw"
has() { grep -qE -- "$1" "$log"; }
if [ "$rc" -ne 0 ]; then
	fail login-session "the console session stopped: $(tail -n 3 "$tmp/pty.out" | tr '\n' ' ') (log: $log)"
	exit "$failed"
fi
pass boot-to-login-and-poweroff
why=
has '^12\.[0-9]+$' || why="no /etc/debian_version"
has '^shell=5\.' || why="$why; no bash 5"
has '^init$' || why="$why; ps does not show init as pid 1"
has '^top - .* up .* load average' || why="$why; no top header"
has '^Mem: +512 ' || why="$why; free does not show 512 MB"
has '^/dev/root +1\.0G' || why="$why; df does not show the 1 GB root"
has '^ubda +98:0 +disk$' || why="$why; lsblk does not list ubda 98:0"
has '^/ +ext2$' || why="$why; findmnt does not show / as ext2"
has '^hello$' || why="$why; gzip round trip failed"
has '^D$' || why="$why; awk | sed | grep failed"
has '^hostname$' || why="$why; tar failed"
has '^ii  bash' || why="$why; dpkg does not list bash as installed"
has '^uid=65534\(nobody\)' || why="$why; su to nobody failed"
has '^-rwxr-xr-x$' || why="$why; ls -l failed"
has '^ +Installed: 5\.' || why="$why; apt-cache does not show bash installed"
has '^/dev/pts/[0-9]+$' || why="$why; tty under script is not /dev/pts/N"
has '^24 80$' || why="$why; stty size under script is not the console's 24 80"
has '^pty-hello$' || why="$why; no output through script's pty"
has '^pts/[0-9]+$' || why="$why; ps does not show the pts as the controlling tty"
has '^script=0$' || why="$why; script failed"
has '^got typed$' || why="$why; input typed into script did not reach its shell"
has 'intr=[0-9]+$' || why="$why; script with ^C did not return"
! has '^not-killed$' || why="$why; ^C under script did not interrupt the job"
if ! has '^python3-absent$'; then
	has '^py-ok$' || why="$why; python3 pty.spawn output missing"
	has '^py=0$' || why="$why; python3 pty.spawn failed"
fi
has 'reboot: Power down' || why="$why; no clean power down"
if [ -n "$why" ]; then
	fail programs "${why#; } (log: $log)"
else
	pass programs
fi
if e2fsck -fn "$img" >"$tmp/fsck.out" 2>&1; then
	pass image-clean
else
	fail image-clean "e2fsck -fn: $(tail -n 3 "$tmp/fsck.out" | tr '\n' ' ')"
fi
exit "$failed"
