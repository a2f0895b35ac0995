#!/bin/sh
# Disks: ubd devices, ext2 written by the guest and checked on the host
# with e2fsck and debugfs, COW files with UML's tools, durability of sync,
# read-only disks, a tar file as a raw disk. Prints PASS/FAIL lines.
SUITE=disk
. "$(dirname "$0")/suite.sh"

# boot NAME DISKARGS SCRIPT: runs SCRIPT as init (then poweroff -f).
boot() {
	name=$1 disks=$2 script=$3
	# shellcheck disable=SC2086 # disks is a word list
	timeout 120 $LINUX mem=64M quiet $disks init=/bin/sh -- -c "$script; sync; poweroff -f" \
		</dev/null >"$tmp/$name.out" 2>&1
}

fsck_clean() {
	e2fsck -fn "$1" >"$tmp/fsck.out" 2>&1
}

# The classic walkthrough: a fresh filesystem on a second disk.
cp $B/disk.img "$tmp/root.img"
truncate -s 32M "$tmp/b.img"
boot walk "ubda=$tmp/root.img ubdb=$tmp/b.img rw" \
	'ls -l /dev/ubdb; mke2fs -q /dev/ubdb; mkdir -p /mnt/b; mount -t ext2 /dev/ubdb /mnt/b;
	 ls /mnt/b; echo walkthrough-data > /mnt/b/x; umount /mnt/b; echo umount-$?'
if grep -q "98,  16" "$tmp/walk.out" && grep -q "lost+found" "$tmp/walk.out" &&
	grep -q "umount-0" "$tmp/walk.out" && fsck_clean "$tmp/b.img" &&
	[ "$(debugfs -R 'cat /x' "$tmp/b.img" 2>/dev/null)" = walkthrough-data ]; then
	pass mkfs-mount-write-umount
else
	fail mkfs-mount-write-umount "$(tail -c 400 "$tmp/walk.out") $(tail -n 3 "$tmp/fsck.out")"
fi

# A write-heavy workload on the root filesystem, then e2fsck.
cat >"$tmp/work.sh" <<'WORK'
cd /root && mkdir t && cd t
i=0; while [ $i -lt 400 ]; do echo "file $i" > f$i; i=$((i+1)); done
mkdir sub; i=0; while [ $i -lt 400 ]; do mv f$i sub/g$i; i=$((i+2)); done
i=1; while [ $i -lt 400 ]; do rm f$i; i=$((i+4)); done
tar -cf /root/bin.tar /bin /sbin /etc 2>/dev/null; mkdir x && cd x && tar -xf /root/bin.tar && cd ..
rm -rf x/etc; rm /root/bin.tar
dd if=/dev/zero of=sparse bs=1k seek=5000000 count=1 2>/dev/null
dd if=/dev/urandom of=rnd bs=1k count=2000 2>/dev/null; truncate -s 100000 rnd
echo "$(md5sum rnd | cut -d' ' -f1) $(ls | wc -l) $(ls sub | wc -l)" > /root/summary
echo appended >> /root/summary
mkdir /root/special && cd /root/special
mknod cdev c 1 3 && mknod bdev b 98 0 && mkfifo fifo
ln -s short-target fastlink
ln -s /a/very/long/target/path/that/does/not/fit/in/the/inode/block/map/at/all slowlink
echo linked > orig && ln orig hard
chmod 4751 orig && chown 123:456 orig && touch -t 202001020304.05 orig
WORK
cp $B/disk.img "$tmp/work.img"
debugfs -w -R "write $tmp/work.sh work.sh" "$tmp/work.img" >/dev/null 2>&1
boot work "ubda=$tmp/work.img rw" 'sh /work.sh; cat /root/summary'
got=$(debugfs -R "cat /root/summary" "$tmp/work.img" 2>/dev/null | head -n 1)
md5=$(debugfs -R "cat /root/t/rnd" "$tmp/work.img" 2>/dev/null | md5sum | cut -d' ' -f1)
size=$(debugfs -R "stat /root/t/sparse" "$tmp/work.img" 2>/dev/null | sed -n 's/.*Size: \([0-9]*\).*/\1/p' | head -n 1)
if fsck_clean "$tmp/work.img" && [ "$got" = "$md5 104 200" ] && [ "$size" = 5120001024 ] &&
	debugfs -R "cat /root/summary" "$tmp/work.img" 2>/dev/null | grep -q appended; then
	pass workload-fsck-clean
else
	fail workload-fsck-clean "summary [$got] md5 [$md5] sparse size [$size]: $(tail -n 4 "$tmp/fsck.out")"
fi
# What the host sees of the special files, links and attributes.
sp=$(debugfs -R "ls -l /root/special" "$tmp/work.img" 2>/dev/null)
st=$(debugfs -R "stat /root/special/orig" "$tmp/work.img" 2>/dev/null)
cdev=$(debugfs -R "stat /root/special/cdev" "$tmp/work.img" 2>/dev/null)
bdev=$(debugfs -R "stat /root/special/bdev" "$tmp/work.img" 2>/dev/null)
if echo "$sp" | grep -q "20644 .*cdev" && echo "$sp" | grep -q "60644 .*bdev" &&
	echo "$sp" | grep -q "10644 .*fifo" &&
	echo "$cdev" | grep -q "Device major/minor number: 01:03" &&
	echo "$bdev" | grep -q "Device major/minor number: 98:00" &&
	[ "$(debugfs -R 'stat /root/special/slowlink' "$tmp/work.img" 2>/dev/null | grep -c 'Fast link')" = 0 ] &&
	[ "$(debugfs -R 'stat /root/special/fastlink' "$tmp/work.img" 2>/dev/null | grep -c 'Fast link dest: "short-target"')" = 1 ] &&
	echo "$st" | grep -q "Mode:  04751" && echo "$st" | grep -q "User:   123   Group:   456" &&
	echo "$st" | grep -q "Links: 2" && echo "$st" | grep -q "mtime: .*Jan  2 03:04:05 2020"; then
	pass special-files-links-attributes
else
	fail special-files-links-attributes "$sp $st"
fi

# The image is marked clean again after a clean shutdown.
if dumpe2fs -h "$tmp/work.img" 2>/dev/null | grep -q "state:.*clean$"; then
	pass clean-after-shutdown
else
	fail clean-after-shutdown "$(dumpe2fs -h "$tmp/work.img" 2>/dev/null | grep state)"
fi

# kill -9 right after a guest sync loses nothing that was synced.
cp $B/disk.img "$tmp/kill.img"
$LINUX mem=64M quiet ubda="$tmp/kill.img" rw init=/bin/sh -- -c \
	'echo durable-data > /root/synced; sync; echo synced-"now"; sleep 100' \
	</dev/null >"$tmp/kill.out" 2>&1 &
pid=$!
i=0
while ! grep -q synced-now "$tmp/kill.out" && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -9 "$pid"
wait "$pid" 2>/dev/null
if [ "$(debugfs -R 'cat /root/synced' "$tmp/kill.img" 2>/dev/null)" = durable-data ]; then
	pass kill9-after-sync
else
	fail kill9-after-sync "synced file missing after kill -9: $(tail -c 300 "$tmp/kill.out")"
fi

# COW: writes land in the COW file; the backing file is untouched; UML's
# uml_moo merges our COW file into an image e2fsck finds clean.
cp $B/disk.img "$tmp/backing.img"
before=$(md5sum <"$tmp/backing.img")
boot cow "ubda=$tmp/root.cow,$tmp/backing.img rw" 'echo via-cow > /root/cowfile'
after=$(md5sum <"$tmp/backing.img")
if [ "$before" = "$after" ] && [ -s "$tmp/root.cow" ]; then
	pass cow-backing-untouched
else
	fail cow-backing-untouched "backing changed or no COW file"
fi
if command -v uml_moo >/dev/null 2>&1; then
	uml_moo "$tmp/root.cow" "$tmp/merged.img" >/dev/null 2>&1
	if fsck_clean "$tmp/merged.img" &&
		[ "$(debugfs -R 'cat /root/cowfile' "$tmp/merged.img" 2>/dev/null)" = via-cow ]; then
		pass cow-merged-by-uml_moo
	else
		fail cow-merged-by-uml_moo "$(tail -n 3 "$tmp/fsck.out")"
	fi
else
	echo "SKIP: e2e/disk/cow-merged-by-uml_moo: uml-utilities not installed"
fi
# Booting the same COW file again sees what was written.
boot cow2 "ubda=$tmp/root.cow" 'cat /root/cowfile'
if grep -q via-cow "$tmp/cow2.out"; then
	pass cow-reopened
else
	fail cow-reopened "$(tail -c 300 "$tmp/cow2.out")"
fi

# A disk given with the r flag cannot be written.
cp $B/disk.img "$tmp/ro.img"
before=$(md5sum <"$tmp/ro.img")
boot ro "ubdar=$tmp/ro.img" 'mount -o remount,rw /; echo remount-$?; echo x > /root/y; echo write-$?'
if grep -q "remount-1" "$tmp/ro.out" && grep -q "write-1" "$tmp/ro.out" &&
	[ "$before" = "$(md5sum <"$tmp/ro.img")" ]; then
	pass readonly-disk
else
	fail readonly-disk "$(tail -c 300 "$tmp/ro.out")"
fi

# A tar file is a raw disk: tar -xf /dev/ubdb in the guest.
mkdir -p "$tmp/tarsrc"
echo "hello from tar" >"$tmp/tarsrc/hello.txt"
(cd "$tmp" && tar -cf hello.tar tarsrc)
boot tar "ubda=$B/disk.img ubdbr=$tmp/hello.tar" \
	'mount -t tmpfs none /tmp; cd /tmp && tar -xf /dev/ubdb && cat tarsrc/hello.txt'
if grep -q "hello from tar" "$tmp/tar.out"; then
	pass tar-as-disk
else
	fail tar-as-disk "$(tail -c 300 "$tmp/tar.out")"
fi
# Swap on a ubd disk: a working set beyond mem= survives by swapping.
truncate -s 96M "$tmp/swap.img"
# shellcheck disable=SC2016 # expanded in the guest
timeout 180 $LINUX mem=32M quiet ubda=$B/disk.img ubdb="$tmp/swap.img" init=/bin/sh -- -c \
	'mount -t proc proc /proc; mkswap /dev/ubdb >/dev/null; swapon /dev/ubdb; echo swapon-$?;
	 cat /proc/swaps; /bin/memhog 48; grep SwapTotal /proc/meminfo; swapoff /dev/ubdb;
	 echo swapoff-$?; cat /proc/swaps | wc -l; poweroff -f' </dev/null >"$tmp/swap.out" 2>&1
if grep -q "swapon-0" "$tmp/swap.out" && grep -q "/dev/ubdb *partition" "$tmp/swap.out" &&
	grep -q "memhog: ok" "$tmp/swap.out" && grep -q "SwapTotal: *98300 kB" "$tmp/swap.out" &&
	grep -q "swapoff-0" "$tmp/swap.out" && ! grep -q "Out of memory" "$tmp/swap.out"; then
	pass swap-on-ubd
else
	fail swap-on-ubd "$(tail -c 500 "$tmp/swap.out")"
fi

# The page cache honours mem=: a file larger than memory reads right,
# twice, with clean cache pages dropped to make room.
cp $B/disk.img "$tmp/big.img"
dd if=/dev/urandom of="$tmp/r40" bs=1M count=40 2>/dev/null
debugfs -w -R "write $tmp/r40 r40" "$tmp/big.img" >/dev/null 2>&1
want=$(md5sum <"$tmp/r40" | cut -d' ' -f1)
boot big "mem=32M ubda=$tmp/big.img" 'md5sum /r40; cat /r40 /r40 >/dev/null; md5sum /r40'
if [ "$(grep -c "$want" "$tmp/big.out")" = 2 ] && ! grep -q "Out of memory" "$tmp/big.out"; then
	pass file-larger-than-memory
else
	fail file-larger-than-memory "$(tail -c 300 "$tmp/big.out")"
fi

# A host block device as backing (a loop device, when we may make one).
cp $B/disk.img "$tmp/loop.img"
loopdev=$(losetup -f --show "$tmp/loop.img" 2>/dev/null)
if [ -n "$loopdev" ] && [ -b "$loopdev" ]; then
	boot loop "ubda=$loopdev rw" 'echo on-a-block-device > /root/bd'
	losetup -d "$loopdev"
	if [ "$(debugfs -R 'cat /root/bd' "$tmp/loop.img" 2>/dev/null)" = on-a-block-device ] &&
		fsck_clean "$tmp/loop.img"; then
		pass host-block-device
	else
		fail host-block-device "$(tail -c 300 "$tmp/loop.out")"
	fi
else
	echo "SKIP: e2e/disk/host-block-device: cannot set up a loop device (needs root)"
fi

# One read-only backing file shared by two running instances, each with
# its own COW file; the s flag opens the image O_SYNC; c skips locking.
cp $B/disk.img "$tmp/shared.img"
$LINUX mem=32M quiet ubda="$tmp/a.cow,$tmp/shared.img" rw init=/bin/sh -- -c \
	'echo from-a > /root/who; sync; sleep 3; poweroff -f' </dev/null >"$tmp/a.out" 2>&1 &
apid=$!
$LINUX mem=32M quiet ubdas="$tmp/b.cow,$tmp/shared.img" rw init=/bin/sh -- -c \
	'echo from-b > /root/who; sync; sleep 3; poweroff -f' </dev/null >"$tmp/b.out" 2>&1 &
bpid=$!
sleep 1.5
syncflag=no
for f in /proc/$bpid/fdinfo/*; do
	fl=$(awk '/^flags:/ {print $2}' "$f" 2>/dev/null)
	[ -n "$fl" ] && [ $((0$fl & 04010000)) -eq $((04010000)) ] && syncflag=yes
done
wait "$apid"
arc=$?
wait "$bpid"
brc=$?
uml_moo "$tmp/a.cow" "$tmp/a.img" >/dev/null 2>&1
uml_moo "$tmp/b.cow" "$tmp/b.img" >/dev/null 2>&1
if [ "$arc" -eq 0 ] && [ "$brc" -eq 0 ] &&
	[ "$(debugfs -R 'cat /root/who' "$tmp/a.img" 2>/dev/null)" = from-a ] &&
	[ "$(debugfs -R 'cat /root/who' "$tmp/b.img" 2>/dev/null)" = from-b ]; then
	pass shared-backing-two-instances
else
	fail shared-backing-two-instances "status $arc/$brc: $(tail -c 200 "$tmp/b.out")"
fi
[ "$syncflag" = yes ] && pass s-flag-opens-sync || fail s-flag-opens-sync "no O_SYNC host fd"
cp $B/disk.img "$tmp/nolock.img"
$LINUX mem=32M quiet ubdac="$tmp/nolock.img" init=/bin/sh -- -c 'sleep 2; poweroff -f' \
	</dev/null >/dev/null 2>&1 &
cpid=$!
sleep 1
timeout 30 $LINUX mem=32M quiet ubdac="$tmp/nolock.img" init=/bin/sh -- -c 'echo second-ran; poweroff -f' \
	</dev/null >"$tmp/c.out" 2>&1
wait "$cpid"
grep -q second-ran "$tmp/c.out" && pass c-flag-no-locking || fail c-flag-no-locking "$(tail -c 200 "$tmp/c.out")"

# The d flag: a COW file is used as plain data, not as an overlay.
cowkb=$(($(stat -c %s "$tmp/a.cow") / 1024))
boot dflag "ubda=$B/disk.img ubdbd=$tmp/a.cow" 'mount -t proc proc /proc; cat /proc/partitions'
if grep -q " $cowkb ubdb" "$tmp/dflag.out"; then
	pass d-flag-no-cow-detection
else
	fail d-flag-no-cow-detection "expected ubdb of $cowkb KiB: $(grep ubdb "$tmp/dflag.out")"
fi

# /proc/diskstats counts what a disk did: 1 MiB read from ubdb is 2048
# sectors more in its reads, and a written, synced file adds writes.
truncate -s 8M "$tmp/st.img"
boot stats "ubda=$B/disk.img ubdb=$tmp/st.img" \
	'mount -t proc proc /proc; grep " ubdb " /proc/diskstats | sed "s/^/before: /";
	 dd if=/dev/ubdb of=/dev/null bs=64k count=16 2>/dev/null;
	 dd if=/dev/zero of=/dev/ubdb bs=64k count=4 conv=fsync 2>/dev/null;
	 grep " ubdb " /proc/diskstats | sed "s/^/after: /"'
# shellcheck disable=SC2046 # the fields of one line
set -- $(sed -n 's/^before: //p' "$tmp/stats.out") x
b_rd=${4:-} b_rs=${6:-} b_wr=${8:-} b_ws=${10:-}
# shellcheck disable=SC2046
set -- $(sed -n 's/^after: //p' "$tmp/stats.out") x
a_rd=${4:-} a_rs=${6:-} a_wr=${8:-} a_ws=${10:-}
if [ -n "$b_rs" ] && [ -n "$a_ws" ] && [ "$a_rd" -gt "$b_rd" ] && [ $((a_rs - b_rs)) -ge 2048 ] &&
	[ "$a_wr" -gt "$b_wr" ] && [ $((a_ws - b_ws)) -ge 512 ]; then
	pass diskstats-counts-io
else
	fail diskstats-counts-io "$(grep -E '^(before|after):' "$tmp/stats.out")"
fi

# ext3 with an empty journal mounts (as ext2) read-write and stays clean.
truncate -s 32M "$tmp/e3.img"
mkfs.ext3 -q -F "$tmp/e3.img"
boot ext3 "ubda=$B/disk.img ubdb=$tmp/e3.img" \
	'mount -t tmpfs none /tmp; mkdir /tmp/e; mount -t ext3 /dev/ubdb /tmp/e; echo mount-$?;
	 echo on-ext3 > /tmp/e/f; umount /tmp/e'
if grep -q "mount-0" "$tmp/ext3.out" && fsck_clean "$tmp/e3.img" &&
	[ "$(debugfs -R 'cat /f' "$tmp/e3.img" 2>/dev/null)" = on-ext3 ]; then
	pass ext3-as-ext2
else
	fail ext3-as-ext2 "$(tail -c 300 "$tmp/ext3.out") $(tail -n 3 "$tmp/fsck.out")"
fi

# MBR partitions appear as ubdb1, ubdb2 (98:17, 98:18) and are usable.
le32() {
	printf "\\$(printf %03o $(($1 & 255)))\\$(printf %03o $((($1 >> 8) & 255)))"
	printf "\\$(printf %03o $((($1 >> 16) & 255)))\\$(printf %03o $((($1 >> 24) & 255)))"
}
truncate -s 64M "$tmp/part.img"
{
	printf '\000\000\000\000\203\000\000\000'
	le32 2048
	le32 30000
	printf '\000\000\000\000\203\000\000\000'
	le32 40960
	le32 40000
} >"$tmp/ptab.bin"
dd if="$tmp/ptab.bin" of="$tmp/part.img" bs=1 seek=446 conv=notrunc 2>/dev/null
printf '\125\252' | dd of="$tmp/part.img" bs=1 seek=510 conv=notrunc 2>/dev/null
boot part "ubda=$B/disk.img ubdb=$tmp/part.img" \
	'mount -t proc proc /proc; cat /proc/partitions; mke2fs -q /dev/ubdb2 >/dev/null;
	 mount -t tmpfs none /tmp; mkdir /tmp/p; mount -t ext2 /dev/ubdb2 /tmp/p;
	 echo in-partition > /tmp/p/f; umount /tmp/p'
dd if="$tmp/part.img" of="$tmp/p2.img" bs=512 skip=40960 count=40000 2>/dev/null
if grep -q "98 *17 *15000 ubdb1" "$tmp/part.out" && grep -q "98 *18 *20000 ubdb2" "$tmp/part.out" &&
	fsck_clean "$tmp/p2.img" &&
	[ "$(debugfs -R 'cat /f' "$tmp/p2.img" 2>/dev/null)" = in-partition ]; then
	pass mbr-partitions
else
	fail mbr-partitions "$(tail -c 400 "$tmp/part.out")"
fi

# Hashed (htree) directories are read, and lose their index when changed.
mkdir -p "$tmp/ht/d"
i=0
while [ $i -lt 500 ]; do
	: >"$tmp/ht/d/a-rather-long-file-name-number-$i"
	i=$((i + 1))
done
truncate -s 16M "$tmp/ht.img"
mke2fs -q -t ext2 -F -b 1024 -d "$tmp/ht" "$tmp/ht.img"
e2fsck -fyD "$tmp/ht.img" >/dev/null 2>&1
indexed=$(debugfs -R "stat /d" "$tmp/ht.img" 2>/dev/null | grep -c "Flags: 0x1000")
boot htree "ubda=$B/disk.img ubdb=$tmp/ht.img" \
	'mount -t tmpfs none /tmp; mkdir /tmp/h; mount -t ext2 /dev/ubdb /tmp/h;
	 ls /tmp/h/d | wc -l; ls /tmp/h/d/a-rather-long-file-name-number-377;
	 rm /tmp/h/d/a-rather-long-file-name-number-1*; touch /tmp/h/d/new; ls /tmp/h/d | wc -l;
	 umount /tmp/h'
if [ "$indexed" = 1 ] && grep -q "^500" "$tmp/htree.out" &&
	grep -q "number-377" "$tmp/htree.out" && grep -q "^390" "$tmp/htree.out" &&
	fsck_clean "$tmp/ht.img"; then
	pass htree-directories
else
	fail htree-directories "indexed [$indexed] $(tail -c 300 "$tmp/htree.out") $(tail -n 2 "$tmp/fsck.out")"
fi

# ext4 images mount read-only (extents, 64bit descriptors) and read right.
mkdir -p "$tmp/e4/sub"
seq 1 50000 >"$tmp/e4/sub/seq.txt"
dd if=/dev/urandom of="$tmp/e4/rnd" bs=1M count=3 2>/dev/null
truncate -s 64M "$tmp/e4.img"
mkfs.ext4 -q -F -d "$tmp/e4" "$tmp/e4.img"
want=$(md5sum <"$tmp/e4/rnd" | cut -d' ' -f1)
boot ext4 "ubda=$B/disk.img ubdb=$tmp/e4.img" \
	'mount -t proc proc /proc; mount -t tmpfs none /tmp; mkdir /tmp/e; mount -t ext4 /dev/ubdb /tmp/e;
	 wc -l /tmp/e/sub/seq.txt; md5sum /tmp/e/rnd; touch /tmp/e/x; echo touch-$?'
if grep -q "50000 /tmp/e/sub/seq.txt" "$tmp/ext4.out" && grep -q "$want" "$tmp/ext4.out" &&
	grep -q "touch-1" "$tmp/ext4.out"; then
	pass ext4-read-only
else
	fail ext4-read-only "$(tail -c 400 "$tmp/ext4.out")"
fi

# Images we must not mount are refused, with the reason.
cp $B/disk.img "$tmp/recover.img"
debugfs -w -R "feature needs_recovery" "$tmp/recover.img" >/dev/null 2>&1
boot recover "ubda=$B/disk.img ubdb=$tmp/recover.img" \
	'mount -t tmpfs none /tmp; mkdir /tmp/r; mount -t ext2 /dev/ubdb /tmp/r; echo mount-$?'
if grep -q "needs journal recovery" "$tmp/recover.out" && ! grep -q "mount-0" "$tmp/recover.out"; then
	pass needs-recovery-refused
else
	fail needs-recovery-refused "$(tail -c 300 "$tmp/recover.out")"
fi
cp $B/disk.img "$tmp/short.img"
truncate -s 20M "$tmp/short.img"
boot short "ubda=$B/disk.img ubdb=$tmp/short.img" \
	'mount -t tmpfs none /tmp; mkdir /tmp/s; mount -t ext2 /dev/ubdb /tmp/s; echo mount-$?'
if grep -q "truncated image" "$tmp/short.out" && ! grep -q "mount-0" "$tmp/short.out"; then
	pass truncated-image-refused
else
	fail truncated-image-refused "$(tail -c 300 "$tmp/short.out")"
fi
exit "$failed"
