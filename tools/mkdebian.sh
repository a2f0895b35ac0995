#!/bin/sh
# Builds a Debian 12 (bookworm) root filesystem image that boots in ./linux
# to a login prompt on the console:
#
#   tools/mkdebian.sh OUT.img [SIZE_MB]
#   tools/mkdebian.sh --packages     (prints the package list and exits)
#   ./linux ubda=OUT.img mem=512M rw
#
# debootstrap --variant=minbase, plus sysvinit-core (init), procps (ps,
# top, free) and a development set: python3, perl, gcc, libc6-dev, make
# and xz-utils (about 500 MB in all). $PACKAGES replaces this whole list
# and $INCLUDE adds to it (both comma-separated; PACKAGES=sysvinit-core,
# procps gives the bare system that boots). Root's password is
# $ROOT_PASSWORD (default "root"); the hostname is "debian"; /etc/fstab
# mounts /dev/ubda as / and /proc; a getty runs on the console instead of
# tty1-6. The tree goes into an ext2 image with mke2fs -d (default 1024
# MB). $MIRROR overrides the archive (default
# http://deb.debian.org/debian). Needs root (debootstrap chroots),
# debootstrap and e2fsprogs. Exit status: 0 built, 1 failed (the reason on
# stderr), 2 a usage error.
set -eu
usage() {
	echo "usage: tools/mkdebian.sh OUT.img [SIZE_MB]" >&2
	exit 2
}
[ $# -ge 1 ] && [ $# -le 2 ] || usage
packages=${PACKAGES-sysvinit-core,procps,python3,perl,gcc,libc6-dev,make,xz-utils}
include=$packages${INCLUDE:+,$INCLUDE}
include=${include#,}
case $1 in
-h | --help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
--packages) echo "$include"; exit 0 ;;
esac
out=$1
size=${2:-1024}
case $size in *[!0-9]* | '') usage ;; esac
mirror=${MIRROR:-http://deb.debian.org/debian}
password=${ROOT_PASSWORD:-root}

fail() {
	echo "mkdebian: $*" >&2
	exit 1
}
[ "$(id -u)" -eq 0 ] || fail "debootstrap needs root"
command -v debootstrap >/dev/null 2>&1 || fail "debootstrap is not installed (apt-get install debootstrap)"
command -v mke2fs >/dev/null 2>&1 || fail "mke2fs is not installed (apt-get install e2fsprogs)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
if ! debootstrap --variant=minbase ${include:+--include="$include"} bookworm "$root" "$mirror" \
	>"$tmp/debootstrap.log" 2>&1; then
	tail -n 5 "$tmp/debootstrap.log" >&2
	fail "debootstrap failed (log above)"
fi

echo "root:$password" | chroot "$root" chpasswd || fail "chpasswd failed"
echo debian >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tdebian\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
	>"$root/etc/hosts"
printf '# <file system> <mount point> <type> <options> <dump> <pass>\n/dev/ubda / ext2 defaults 0 1\nproc /proc proc defaults 0 0\n' \
	>"$root/etc/fstab"
# One getty, on the console (./linux's con0); the tty1-6 ones have no
# terminal to open.
sed -i -e 's|^1:2345:respawn:.*|c:2345:respawn:/sbin/getty -L 38400 console vt100|' \
	-e 's|^\([2-6]\):23:respawn:|#\1:23:respawn:|' "$root/etc/inittab"
grep -q '^c:2345:respawn:/sbin/getty -L 38400 console' "$root/etc/inittab" ||
	fail "no getty line to replace in /etc/inittab"
# The package cache is not needed to boot.
rm -rf "$root"/var/cache/apt/archives/*.deb

rm -f "$out.tmp"
mke2fs -q -F -t ext2 -L debian -d "$root" "$out.tmp" "${size}M" || fail "mke2fs failed"
mv "$out.tmp" "$out"
echo "mkdebian: $out is ready: ./linux ubda=$out mem=512M rw (root password: $password)"
