#!/bin/sh
# shellcheck disable=SC2046,SC2086 # logged lines are split into fields on purpose (set -- $(val ...))
# A real distribution: Debian 12 (bookworm) built by tools/mkdebian.sh
# (debootstrap minbase + sysvinit-core + procps + python3, perl, gcc,
# libc6-dev, make, xz-utils) boots in ./linux to a getty on the console;
# root logs in (tests/e2e/debian_login.pty) and runs bash, coreutils,
# procps, util-linux, gzip, tar, awk, sed, grep, dpkg, apt-cache and su,
# script (pseudo-terminals: tty, window size, typed input, ^C; python3's
# pty module too when the image has it), then the programs of
# tests/e2e/debian/ from a second, read-only disk: python3 and perl
# scripts, gcc and make, a threaded stress program, tar/gzip/xz round
# trips, a .deb built, installed and removed; then ps, top and free
# against processes of known size and appetite, and df against the image
# itself; reboot comes back to a second login (runlevel 6, the kernel
# restarting in place), poweroff halts cleanly and the image is clean for
# e2fsck.
#
# The image is built once into build/debian.img (about 90 s) and kept;
# it is built again when tools/mkdebian.sh or its package list changes
# (build/debian.img.key). Needs root (debootstrap); skipped with the
# reason when the package archive cannot be reached.
SUITE=debian
. "$(dirname "$0")/suite.sh"
img=$B/debian.img

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: e2e/$SUITE: debootstrap needs root"
	exit 0
fi
key="$(sh tools/mkdebian.sh --packages) $(cksum <tools/mkdebian.sh)"
if [ ! -f "$img" ] || [ "$(cat "$img.key" 2>/dev/null)" != "$key" ]; then
	rm -f "$img.key"
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
	echo "$key" >"$img.key"
fi

# The guest's programs, on a small ext2 disk of their own (ubdb, read-only).
if ! mke2fs -q -F -t ext2 -d tests/e2e/debian "$tmp/files.img" 4M >"$tmp/mkfs.log" 2>&1; then
	fail build "mke2fs -d tests/e2e/debian: $(tail -n 2 "$tmp/mkfs.log" | tr '\n' ' ')"
	exit "$failed"
fi

log=$B/e2e/debian.log
# shellcheck disable=SC2086 # LINUX is a word list
timeout -k 5 480 "$B/e2e/ptyexpect" -l "$log.raw" -t 20 tests/e2e/debian_login.pty -- \
	$LINUX ubda="$img" ubdbr="$tmp/files.img" mem=512M rw >"$tmp/pty.out" 2>&1
rc=$?
tr -d '\r' <"$log.raw" | sed 's/\x1b\[?2004[hl]//g' >"$log"
rm -f "$log.raw"
has() { grep -qE -- "$1" "$log"; }
# The rest of the first log line that starts with PREFIX.
val() { sed -n "s/^$1 *//p" "$log" | head -n 1; }
if [ "$rc" -ne 0 ]; then
	fail login-session "the console session stopped: $(tail -n 3 "$tmp/pty.out" | tr '\n' ' ') (log: $log)"
	exit "$failed"
fi
pass boot-to-login-and-poweroff
# reboot: runlevel 6, the kernel starts again in place, a second login.
if has '^after-reboot: before-reboot-42$' && [ "$(grep -c 'Linux version' "$log")" -ge 2 ]; then
	pass reboot-and-login-again
else
	fail reboot-and-login-again "no second boot with the file written before reboot (log: $log)"
fi

why=
has '^12\.[0-9]+$' || why="no /etc/debian_version"
has '^shell=5\.' || why="$why; no bash 5"
has '^init$' || why="$why; ps does not show init as pid 1"
has '^top - .* up .* load average' || why="$why; no top header"
has '^Mem: +512 ' || why="$why; free does not show 512 MB"
has '^/dev/root +1007M ' || why="$why; df -h does not show the 1007 MiB of the 1 GiB root that can hold data"
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

# python3, perl, gcc + make, stress, tar/gzip/xz, dpkg: the exact lines.
why=
while IFS= read -r line; do
	case $line in '' | '#'*) continue ;; esac
	grep -qxF -- "$line" "$log" || why="$why; missing \"$line\""
done <tests/e2e/debian_output.txt
if [ -n "$why" ]; then
	fail debian-programs "${why#; } (log: $log)"
else
	pass debian-programs
fi

# ps aux: the two sleeps, with their pid, user, terminal, state, command.
why=
bg=$(val bg-pid:)
nb=$(val nobody-pid:)
awk -v pid="$bg" '$1 == "ps-sleep:" && $3 == pid && $2 == "root" && $8 ~ /^(tty0|console)$/ &&
	$9 == "S" && $12 == "sleep" && $13 == "1234" { f = 1 } END { exit !f }' "$log" ||
	why="$why; ps aux does not show root's sleep 1234 (pid ${bg:-?}) in state S on the console"
awk -v pid="$nb" '$1 == "ps-sleep:" && $3 == pid && $2 == "nobody" && $8 == "?" && $9 == "S" &&
	$12 == "sleep" && $13 == "1235" { f = 1 } END { exit !f }' "$log" ||
	why="$why; ps aux does not show nobody's sleep 1235 (pid ${nb:-?}) in state S, without a terminal"
# A process that touched 64 MiB: RSS and RssAnon from 64 MiB up to
# 64 MiB + what its libc needs (about 1 MiB).
set -- $(val mem-ps:)
[ "$#" -ge 5 ] && [ "$1" -ge 65536 ] && [ "$1" -le 69632 ] && [ "$2" = S ] && [ "$3" = root ] &&
	[ "$4 $5 $6" = "./hog mem 64" ] || why="$why; ps -o rss,stat,user,args of hog mem 64: $*"
vmrss=$(sed -n 's/^mem-status: VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' "$log")
anon=$(sed -n 's/^mem-status: RssAnon:[[:space:]]*\([0-9]*\) kB$/\1/p' "$log")
[ -n "$vmrss" ] && [ "$vmrss" -eq "${1:-0}" ] || why="$why; VmRSS ($vmrss kB) is not ps's RSS ($1)"
[ -n "$anon" ] && [ "$anon" -ge 65536 ] && [ "$anon" -le 66560 ] ||
	why="$why; RssAnon of hog mem 64 is $anon kB"
# A process spinning, in top's second frame (half a second of samples):
# the machine mostly busy in user mode, the hog running and most of it.
us=$(sed -n 's/^top: %Cpu(s): *\([0-9.]*\) us,.*/\1/p' "$log")
awk -v us="${us:-0}" 'BEGIN { exit !(us >= 50) }' ||
	why="$why; top's %Cpu(s) shows ${us:-no} us, not mostly user time"
awk '$1 == "top:" && $NF == "hog" && $9 == "R" && $10 >= 50 { f = 1 } END { exit !f }' "$log" ||
	why="$why; top does not show hog running with most of the CPU"
# The same process, stopped after 3.5 s of CPU time by its own clock.
set -- $(val cpu-ps:)
[ "$#" -ge 5 ] && [ "$1" = S ] && [ "$2" = 00:00:03 ] && [ "$5 $6" = "cpu 3" ] &&
	awk -v p="$3" 'BEGIN { exit !(p > 0 && p <= 100) }' ||
	why="$why; ps -o stat,time,pcpu,args of hog cpu 3 after 3.5 s of CPU: $*"
# free -k: total is mem= (nothing held back); a 64 MiB tmpfs file is
# "shared" and "used" (it cannot be reclaimed), and gone again after rm.
set -- $(val free-before: | sed 's/^Mem: *//') $(val free-tmpfs: | sed 's/^Mem: *//') \
	$(val free-after: | sed 's/^Mem: *//')
if [ "$#" -ne 18 ]; then
	why="$why; free -k lines missing"
else
	[ "$1" -eq 524288 ] || why="$why; free's total is $1 kB, not mem=512M"
	used=$(($8 - $2)) shared=$((${10} - $4)) back=$((${14} - $2))
	[ "$used" -ge 61440 ] && [ "$used" -le 69632 ] ||
		why="$why; a 64 MiB tmpfs file changed free's used by $used kB"
	[ "$shared" -ge 65536 ] && [ "$shared" -le 66560 ] ||
		why="$why; a 64 MiB tmpfs file changed free's shared by $shared kB"
	[ "$back" -ge -4096 ] && [ "$back" -le 4096 ] ||
		why="$why; used is $back kB off after removing the file"
fi
if [ -n "$why" ]; then
	fail ps-top-free "${why#; } (log: $log)"
else
	pass ps-top-free
fi

if e2fsck -fn "$img" >"$tmp/fsck.out" 2>&1; then
	pass image-clean
else
	fail image-clean "e2fsck -fn: $(tail -n 3 "$tmp/fsck.out" | tr '\n' ' ')"
fi

# statfs and df of / against the image, read by dumpe2fs after poweroff.
why=
set -- $(val statfs:)
dumpe2fs "$img" >"$tmp/dump" 2>/dev/null
# Blocks that cannot hold data: before the first group, each superblock
# copy, group descriptors and their reserve, bitmaps, inode tables.
over=$(awk '
	function span(s) { split(s, r, "-"); return r[2] == "" ? 1 : r[2] - r[1] + 1 }
	/^First block:/ { n += $3 }
	/superblock at/ { n++ }
	match($0, /Group descriptors at [0-9-]+/) { n += span(substr($0, RSTART + 21, RLENGTH - 21)) }
	/Reserved GDT blocks at/ { n += span($5) }
	/^  Block bitmap at/ { n++ }
	/^  Inode bitmap at/ { n++ }
	/^  Inode table at/ { n += span($4) }
	END { print n + 0 }' "$tmp/dump")
field() { sed -n "s/^$1: *//p" "$tmp/dump"; }
blocks=$(($(field 'Block count') - over))
if [ "$#" -ne 6 ]; then
	why="statfs line missing"
else
	[ "$1" -eq "$blocks" ] || why="$why; f_blocks $1, the image has $blocks data blocks ($over of overhead)"
	# Shutdown writes a few blocks and inodes (wtmp, the random seed).
	d=$(($(field 'Free blocks') - $2))
	[ "$d" -ge -16 ] && [ "$d" -le 16 ] || why="$why; f_bfree $2, the image has $(field 'Free blocks')"
	[ "$(($2 - $3))" -eq "$(field 'Reserved block count')" ] || why="$why; f_bavail $3 is not f_bfree less the reserve"
	[ "$4" -eq "$(field 'Inode count')" ] || why="$why; f_files $4, the image has $(field 'Inode count')"
	d=$(($(field 'Free inodes') - $5))
	[ "$d" -ge -8 ] && [ "$d" -le 8 ] || why="$why; f_ffree $5, the image has $(field 'Free inodes')"
	# f_fsid: the UUID's two halves (little-endian) xored, printed by
	# stat -f as val[0] then val[1], in hex without leading zeros.
	u=$(field 'Filesystem UUID' | tr -d -)
	le() { echo "$1" | sed 's/\(..\)/\1 /g' | awk '{ for (i = NF; i > 0; i--) printf "%s", $i }'; }
	a=$(le "$(echo "$u" | cut -c1-16)") b=$(le "$(echo "$u" | cut -c17-32)")
	lo=$(printf '%08x' $((0x$(echo "$a" | cut -c9-16) ^ 0x$(echo "$b" | cut -c9-16))))
	hi=$(printf '%08x' $((0x$(echo "$a" | cut -c1-8) ^ 0x$(echo "$b" | cut -c1-8))))
	fsid=$(echo "$lo$hi" | sed 's/^0*//')
	[ "$6" = "${fsid:-0}" ] || why="$why; f_fsid $6, from the UUID $lo$hi"
	dfl=$(val df:)
	set -- "$1" "$2" "$3" $dfl
	[ "$#" -eq 9 ] && [ "$5" -eq $(($1 * 4)) ] && [ "$6" -eq $((($1 - $2) * 4)) ] &&
		[ "$7" -eq $(($3 * 4)) ] || why="$why; df -k / ($dfl) does not agree with statfs"
fi
if [ -n "$why" ]; then
	fail df "${why#; } (log: $log)"
else
	pass df
fi
exit "$failed"
