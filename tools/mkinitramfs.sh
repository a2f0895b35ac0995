#!/bin/sh
# Builds a gzip'd cpio (newc) initramfs holding a busybox userland.
#
#   tools/mkinitramfs.sh OUT.cpio.gz [--add SRC:DEST]... [--inittab FILE]
#
#   --add SRC:DEST   copy the host file SRC into the image as DEST (mode kept);
#                    a directory SRC is copied recursively, its contents going
#                    into the directory DEST (merged if DEST already exists).
#                    A DEST ending in "/" names a directory to put SRC into.
#   --inittab FILE   use FILE as /etc/inittab instead of the default one.
#
# The busybox binary is $BUSYBOX (default /bin/busybox from Debian's
# busybox-static; it must be statically linked). Every applet gets a
# relative symlink to /bin/busybox at the path "busybox --list-full" gives,
# and /init is a symlink to sbin/init (busybox init). No root is needed: all
# files are stored as owned by 0:0 and /dev is left empty, since the kernel
# provides device nodes through devtmpfs. Entries are sorted; with
# SOURCE_DATE_EPOCH set every timestamp is set to it as well, which makes
# the output byte-for-byte reproducible.
set -eu

BUSYBOX=${BUSYBOX:-/bin/busybox}
prog=mkinitramfs

die() {
	echo "$prog: $*" >&2
	exit 1
}

usage() {
	echo "usage: $0 OUT.cpio.gz [--add SRC:DEST]... [--inittab FILE]" >&2
	exit 2
}

out=
inittab=
nadds=0
while [ $# -gt 0 ]; do
	case $1 in
	--add)
		[ $# -ge 2 ] || usage
		nadds=$((nadds + 1))
		eval "add_$nadds=\$2"
		shift 2
		;;
	--add=*)
		nadds=$((nadds + 1))
		eval "add_$nadds=\${1#--add=}"
		shift
		;;
	--inittab)
		[ $# -ge 2 ] || usage
		inittab=$2
		shift 2
		;;
	--inittab=*)
		inittab=${1#--inittab=}
		shift
		;;
	-h | --help) usage ;;
	-*) echo "$prog: unknown option $1" >&2; usage ;;
	*)
		[ -z "$out" ] || usage
		out=$1
		shift
		;;
	esac
done
[ -n "$out" ] || usage

for t in cpio gzip find sort; do
	command -v "$t" >/dev/null 2>&1 ||
		die "$t not found (run tools/install-deps.sh)"
done
[ -f "$BUSYBOX" ] && [ -x "$BUSYBOX" ] ||
	die "$BUSYBOX not found (install busybox-static: tools/install-deps.sh)"
# A dynamically linked busybox would not run inside the kernel's bare root.
if command -v readelf >/dev/null 2>&1 &&
	LC_ALL=C readelf -l "$BUSYBOX" 2>/dev/null | grep -q 'INTERP'; then
	die "$BUSYBOX is dynamically linked; install busybox-static"
fi
[ -z "$inittab" ] || [ -f "$inittab" ] || die "inittab $inittab not found"

umask 022
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkinitramfs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
root=$tmp/root
mkdir "$root"

# --- directories and busybox -------------------------------------------
for d in bin sbin usr usr/bin usr/sbin dev proc sys tmp root etc etc/init.d \
	mnt var var/log run home; do
	mkdir -p "$root/$d"
done
chmod 1777 "$root/tmp"
chmod 0700 "$root/root"

cp "$BUSYBOX" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"

# A link at PATH (relative to the root) pointing to bin/busybox by a
# relative path: usr/bin/awk -> ../../bin/busybox.
link_applet() {
	case $1 in
	*/*) up=$(printf '%s\n' "$1" | sed -e 's|[^/]*/|../|g' -e 's|[^/]*$||') ;;
	*) up= ;;
	esac
	mkdir -p "$root/$(dirname "$1")"
	ln -s "${up}bin/busybox" "$root/$1"
}

applets=$("$BUSYBOX" --list-full) || die "$BUSYBOX --list-full failed"
[ -n "$applets" ] || die "$BUSYBOX --list-full printed nothing"
while IFS= read -r a; do
	a=${a#/}
	[ -n "$a" ] || continue
	[ -e "$root/$a" ] || [ -L "$root/$a" ] || link_applet "$a"
done <<EOF
$applets
EOF
[ -L "$root/sbin/init" ] || die "busybox has no init applet"
ln -s sbin/init "$root/init"

# --- /etc ----------------------------------------------------------------
if [ -n "$inittab" ]; then
	cp "$inittab" "$root/etc/inittab"
	chmod 0644 "$root/etc/inittab"
else
	# con0 is /dev/tty0, as in UML; a shell there gets a controlling tty
	# (job control works), which /dev/console would not give it.
	cat >"$root/etc/inittab" <<'EOF'
::sysinit:/etc/init.d/rcS
tty0::respawn:-/bin/sh
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/umount -a -r
EOF
fi

cat >"$root/etc/init.d/rcS" <<'EOF'
#!/bin/sh
# Run once by init at boot (the ::sysinit line of /etc/inittab).
PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH

mount -t proc proc /proc 2>/dev/null
mount -t sysfs sysfs /sys 2>/dev/null

# The kernel may have mounted devtmpfs on /dev already.
if ! grep -q '^[^ ]* /dev ' /proc/mounts 2>/dev/null ||
	[ -z "$(ls -A /dev 2>/dev/null)" ]; then
	mount -t devtmpfs devtmpfs /dev 2>/dev/null
fi
mkdir -p /dev/pts /dev/shm 2>/dev/null
mount -t devpts devpts /dev/pts 2>/dev/null
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd 2>/dev/null
[ -e /dev/stdin ] || ln -s /proc/self/fd/0 /dev/stdin 2>/dev/null
[ -e /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout 2>/dev/null
[ -e /dev/stderr ] || ln -s /proc/self/fd/2 /dev/stderr 2>/dev/null

if [ -s /etc/hostname ]; then
	hostname -F /etc/hostname 2>/dev/null || hostname uml 2>/dev/null
else
	hostname uml 2>/dev/null
fi
ifconfig lo 127.0.0.1 up 2>/dev/null
:
EOF
chmod 0755 "$root/etc/init.d/rcS"

cat >"$root/etc/profile" <<'EOF'
# Read by login shells (init starts "-/bin/sh").
PATH=/sbin:/bin:/usr/sbin:/usr/bin
if [ "$(id -u 2>/dev/null)" = 0 ]; then
	PS1='\w # '
else
	PS1='\w $ '
fi
export PATH PS1
EOF

printf '%s\n' 'root::0:0:root:/root:/bin/sh' \
	'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$root/etc/passwd"
printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$root/etc/group"
echo uml >"$root/etc/hostname"
ln -s /proc/mounts "$root/etc/mtab"

# --- --add ---------------------------------------------------------------
i=0
while [ "$i" -lt "$nadds" ]; do
	i=$((i + 1))
	eval "spec=\$add_$i"
	case $spec in
	*:*) ;;
	*) die "--add $spec: expected SRC:DEST" ;;
	esac
	src=${spec%:*}
	dest=${spec##*:}
	[ -n "$src" ] && [ -n "$dest" ] || die "--add $spec: expected SRC:DEST"
	[ -e "$src" ] || die "--add $spec: $src does not exist"
	case $dest in
	/*) ;;
	*) dest=/$dest ;;
	esac
	case $dest in
	*/../* | */.. ) die "--add $spec: DEST must not contain .." ;;
	esac
	if [ -d "$src" ]; then
		t=$root${dest%/}
		if [ -L "$t" ] || { [ -e "$t" ] && [ ! -d "$t" ]; }; then
			rm -f "$t"
		fi
		mkdir -p "$t"
		cp -pR "$src/." "$t/"
	else
		case $dest in
		*/) t=$root$dest$(basename "$src") ;;
		*) t=$root$dest ;;
		esac
		# Never write through an applet symlink into bin/busybox.
		if [ -L "$t" ] || { [ -e "$t" ] && [ ! -d "$t" ]; }; then
			rm -f "$t"
		elif [ -d "$t" ]; then
			t=$t/$(basename "$src")
			rm -f "$t"
		fi
		mkdir -p "$(dirname "$t")"
		cp -pH "$src" "$t"
	fi
done

# --- archive ---------------------------------------------------------------
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
	find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
fi
repro=
cpio --help 2>/dev/null | grep -q -- '--reproducible' && repro=--reproducible

case $out in
*/*) mkdir -p "$(dirname "$out")" ;;
esac
(cd "$root" && find . -mindepth 1) | sed 's|^\./||' | LC_ALL=C sort >"$tmp/list"
# No pipe into gzip: "set -e" would not notice cpio failing.
(cd "$root" && cpio -o -H newc --owner=0:0 --quiet $repro <"$tmp/list" >"$tmp/img.cpio")
gzip -9 -n <"$tmp/img.cpio" >"$tmp/img.cpio.gz"
part=$out.part.$$
trap 'rm -rf "$tmp" "$part"' EXIT
cp "$tmp/img.cpio.gz" "$part"
mv -f "$part" "$out"
