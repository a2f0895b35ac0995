#!/bin/sh
# Builds an ext2 disk image holding the same busybox userland as the
# default initramfs, for booting with ./linux ubda=IMAGE.
#
#   tools/mkdiskimage.sh OUT.img [SIZE_MB] [mkinitramfs options...]
#
# The tree comes from tools/mkinitramfs.sh (same options: --add, --inittab)
# and is copied into a fresh ext2 filesystem with mke2fs -d, so no root
# privileges or loop devices are needed.
set -eu
out=${1:?usage: mkdiskimage.sh OUT.img [SIZE_MB] [--add SRC:DEST]...}
shift
size=64
case ${1:-} in
[0-9]*)
	size=$1
	shift
	;;
esac
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$here/mkinitramfs.sh" "$tmp/tree.cpio.gz" "$@"
mkdir "$tmp/root"
(cd "$tmp/root" && gzip -dc "$tmp/tree.cpio.gz" | cpio -id --quiet --no-absolute-filenames)
# /init is for initramfs boots; disks boot /sbin/init.
rm -f "$tmp/root/init"
mkdir -p "$tmp/root/lost+found"
rm -f "$out.tmp"
truncate -s "${size}M" "$out.tmp"
mke2fs -q -t ext2 -F -b 4096 -L uml-root -E root_owner=0:0 -d "$tmp/root" "$out.tmp" "${size}M"
mv "$out.tmp" "$out"
