#!/bin/sh
# hostfs: a host directory shared with hostfs=<dir> and mounted in the
# guest with mount -t hostfs. What the guest sees of host files (content,
# size, mode, times, owner), what the host sees of guest writes, the same
# file operations run natively and in the guest (tests/e2e/hostfs_ops.c,
# which also runs from the share: exec through hostfs), host changes seen
# by the guest, escapes that must fail and leave everything outside the
# share untouched and unread, mounts refused without hostfs=, host
# permissions as an unprivileged host user, and booting with the root on
# hostfs. Prints PASS/FAIL lines like the other suites.
SUITE=hostfs
. "$(dirname "$0")/suite.sh"
img=$B/e2e.cpio.gz
ops=$(pwd)/$B/e2e/hostfs_ops

if [ ! -x ./linux ] || [ ! -f "$img" ] || [ ! -x "$ops" ]; then
	fail build "./linux, $img or $ops is not built (run make all check-build)"
	exit "$failed"
fi

# boot NAME OPTIONS SCRIPT: runs SCRIPT as init on the busybox initramfs;
# the console (kernel log included) goes to $tmp/NAME.raw as it comes, and
# at the end to $tmp/NAME.out without "\r".
boot() {
	name=$1 opts=$2 script=$3
	# shellcheck disable=SC2086 # opts is a word list
	timeout 120 $LINUX mem=64M quiet initrd=$img $opts init=/bin/sh -- -c \
		"mkdir -p /proc /host /x; mount -t proc proc /proc; $script; poweroff -f" \
		</dev/null >"$tmp/$name.raw" 2>&1
	tr -d '\r' <"$tmp/$name.raw" >"$tmp/$name.out"
}
# val NAME KEY: the value of "@KEY=..." the guest printed.
val() { sed -n "s/^@$2=//p" "$tmp/$1.out" | head -n 1; }
# Host-side views, in the guest's format (UTC, as the guest has no TZ).
hstat() { TZ=UTC stat -c "$1" "$2"; }

# The share, and beside it the place the guest must never reach.
h=$tmp/h
share=$h/share
outside=$h/outside
mkdir -p "$share/sub" "$outside"
secret=hostfs-secret-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
printf '%s\n' "$secret" >"$outside/secret"
printf 'host-data-123\n' >"$share/hostfile"
chmod 0640 "$share/hostfile"
touch -d '2021-02-03 04:05:06.123456789' "$share/hostfile"
printf 'private\n' >"$share/private"
chmod 0600 "$share/private"
ln -s "$outside/secret" "$share/abs_link"
ln -s ../outside/secret "$share/rel_link"
ln -s /etc/passwd "$share/passwd_link"
ln -s ../outside "$share/out_dir"
ln -s /proc/self/root "$share/proc_root"
ln -s chain2 "$share/chain1"
ln -s "$outside" "$share/chain2"
cp "$ops" "$share/hostfs_ops"
mkdir "$share/ops" "$tmp/native"
root=false
[ "$(id -u)" = 0 ] && root=true
if $root; then
	mknod "$share/null" c 1 3
	mknod "$share/zero" c 1 5
fi
# An old atime: any read of the secret would move it (relatime).
touch -a -d '2000-01-01 00:00:00' "$outside/secret"
# Everything outside the share, with modes, sizes and times.
# (Directory atimes move when find itself lists them.)
snapshot() {
	find "$h" -path "$share" -prune -o -type f -printf '%p %m %s %T@ %A@\n' \
		-o -printf '%p %m %s %T@\n' | sort
}
snapshot >"$tmp/before"

# The native run of the same operations: the reference.
(cd "$tmp/native" && "$ops" "$tmp/native" >"$tmp/native.ops" 2>&1)

# shellcheck disable=SC2016 # expanded by the guest's shell
boot main "hostfs=$share" '
	mount -t hostfs none /host; echo "@mount=$?"
	echo "@stat=$(stat -c "%s %a %y" /host/hostfile)"
	echo "@cat=$(cat /host/hostfile)"
	echo "@ls=$(ls -ln /host/hostfile)"
	echo "@lsdev=$(ls -ln /host/null 2>/dev/null)"
	umask 027; echo guest-wrote > /host/written; echo second > /host/owned
	mkdir /host/newdir && echo x > /host/newdir/f && mv /host/newdir/f /host/newdir/g
	touch /host/gone && rm /host/gone; ln -s target-name /host/glink; chmod 0751 /host/newdir
	echo more >> /host/private
	chown 123:456 /host/written; echo "@chown=$?"
	touch /host/suid; chmod 4755 /host/suid; echo > /host/sgid; chmod 2755 /host/sgid
	mkdir /host/sgiddir; chmod 2775 /host/sgiddir
	/host/hostfs_ops /host/ops > /host/guest.ops 2>&1; echo "@ops=$?"
	mkdir /host/many
	echo "@hold1=$(/host/hostfs_ops --hold /host/many 700 | tr "\n" " ")"
	echo "@hold2=$(/host/hostfs_ops --hold /host/many 700 | tr "\n" " ")"
	echo "@df=$(stat -f -c %t /host)"
	grep " /host " /proc/mounts | sed "s/^/@mounts=/"
	cat /host/../outside/secret /host/../../outside/secret /host/../h/outside/secret
	cat /host/abs_link /host/rel_link /host/out_dir/secret /host/chain1/secret
	cat /host/proc_root/../outside/secret /host/proc_root'"$outside"'/secret
	ls /host/proc_root/ | tr "\n" " " | sed "s/^/@procroot=/"; echo
	echo "@readlink=$(readlink /host/abs_link)"
	echo "@passwd=$(md5sum < /host/passwd_link)"; echo "@gpasswd=$(md5sum < /etc/passwd)"
	ln -s / /host/toroot
	mount -t hostfs none /x -o /toroot; echo "@m_toroot=$?"
	mount -t hostfs none /x -o /toroot/etc; echo "@m_toroot_etc=$?"
	mount -t hostfs none /x -o /../..; echo "@m_dotdot=$?"
	mount -t hostfs none /x -o ../outside; echo "@m_rel=$?"
	mount -t hostfs none /x -o /out_dir; echo "@m_link=$?"
	mount -t hostfs none /x -o /chain1; echo "@m_chain=$?"
	mount -t hostfs none /x -o /sub; echo "@m_sub=$?"; umount /x
	mkdir /host/movedir; echo m > /host/movedir/m; mv /host/movedir /movedir; echo "@mv=$?"
	echo "@moved=$(cat /movedir/m)"
	ln /etc/passwd /host/hard; echo "@hardlink=$?"
	ln /host/abs_link /host/hl; echo "@hl=$(readlink /host/hl)"
	cat /host/null; echo "@devopen=$?"
	mount -o remount,rw /host; head -c 1 /host/zero; echo "@devopen2=$?"
	echo done-main'
out=$tmp/main.out

if [ "$(val main mount)" = 0 ] && grep -q done-main "$out"; then
	pass mount
else
	fail mount "mount or script failed: $(tail -c 600 "$out")"
fi
if [ "$(val main stat)" = "$(hstat '%s %a %y' "$share/hostfile")" ] &&
	[ "$(val main cat)" = host-data-123 ]; then
	pass host-file-size-mode-mtime-content
else
	fail host-file-size-mode-mtime-content "guest [$(val main stat)] [$(val main cat)], host [$(hstat '%s %a %y' "$share/hostfile")]"
fi
# ls -ln: type and mode, links, owner, group, size as the host has them.
gls=$(val main ls | awk '{print $1, $2, $3, $4, $5}')
hls=$(ls -ln "$share/hostfile" | awk '{print $1, $2, $3, $4, $5}')
if [ -n "$gls" ] && [ "$gls" = "$hls" ]; then
	pass ls-l
else
	fail ls-l "guest [$gls] host [$hls]"
fi
if [ "$(cat "$share/written")" = guest-wrote ] && [ "$(stat -c %a "$share/owned")" = 640 ] &&
	[ "$(stat -c %u:%g "$share/owned")" = "$(id -u):$(id -g)" ] &&
	[ "$(cat "$share/owned")" = second ]; then
	pass guest-write-bytes-mode-owner
else
	fail guest-write-bytes-mode-owner "written [$(cat "$share/written" 2>&1)] owned $(stat -c '%a %u:%g' "$share/owned" 2>&1)"
fi
if [ "$(stat -c %a "$share/newdir" 2>&1)" = 751 ] && [ "$(cat "$share/newdir/g" 2>&1)" = x ] &&
	[ ! -e "$share/newdir/f" ] && [ ! -e "$share/gone" ] &&
	[ "$(readlink "$share/glink")" = target-name ]; then
	pass mkdir-rename-unlink-symlink-chmod
else
	fail mkdir-rename-unlink-symlink-chmod "$(ls -lR "$share/newdir" "$share/glink" 2>&1 | tr '\n' ' ')"
fi
# Set-ID bits reach the host only where they cannot make a root program.
if $root; then
	want_suid=755 want_sgid=755
else
	want_suid=4755 want_sgid=2755
fi
if [ "$(stat -c %a "$share/suid")" = "$want_suid" ] && [ "$(stat -c %a "$share/sgid")" = "$want_sgid" ] &&
	[ "$(stat -c %a "$share/sgiddir")" = 2775 ]; then
	pass setid-bits-safe
else
	fail setid-bits-safe "host modes: suid $(stat -c %a "$share/suid") sgid $(stat -c %a "$share/sgid") sgiddir $(stat -c %a "$share/sgiddir"), wanted $want_suid $want_sgid 2775"
fi
if [ "$(stat -c %a "$share/private")" = 600 ] &&
	[ "$(cat "$share/private")" = "$(printf 'private\nmore')" ]; then
	pass mode-0600-kept
else
	fail mode-0600-kept "$(stat -c %a "$share/private") [$(cat "$share/private")]"
fi
# chown passes through: the host decides (as root it may).
if $root; then
	want_chown="0 123:456"
else
	want_chown="1 $(id -u):$(id -g)"
fi
if [ "$(val main chown) $(stat -c %u:%g "$share/written")" = "$want_chown" ]; then
	pass chown-passes-through
else
	fail chown-passes-through "guest status $(val main chown), host owner $(stat -c %u:%g "$share/written"), expected $want_chown"
fi
if [ "$(val main ops)" = 0 ] && [ -s "$tmp/native.ops" ] &&
	diff "$tmp/native.ops" "$share/guest.ops" >"$tmp/ops.diff"; then
	pass file-ops-same-as-native
else
	fail file-ops-same-as-native "status $(val main ops): $(head -c 800 "$tmp/ops.diff")"
fi
# What the operations left on the host: the same files, modes and bytes.
tree() { (cd "$1" && find . -printf '%p %y %m %s %l\n' -type f -exec md5sum {} + | sort); }
if tree "$tmp/native" >"$tmp/native.tree" && tree "$share/ops" >"$tmp/guest.tree" &&
	diff "$tmp/native.tree" "$tmp/guest.tree" >"$tmp/tree.diff"; then
	pass file-ops-host-side-same-as-native
else
	fail file-ops-host-side-same-as-native "$(head -c 600 "$tmp/tree.diff")"
fi
# Host descriptors are bounded, and given back when files close.
hold1=$(val main hold1)
held=$(echo "$hold1" | sed -n 's/^held \([0-9]*\) of 700: Too many open files in system reopen: ok $/\1/p')
if [ -n "$held" ] && [ "$held" -gt 400 ] && [ "$held" -le 512 ] && [ "$(val main hold2)" = "$hold1" ]; then
	pass host-fds-bounded
else
	fail host-fds-bounded "first [$hold1] second [$(val main hold2)]"
fi
if [ "$(val main df)" = c0ffee ] && val main mounts | grep -q '^none /host hostfs rw,nodev'; then
	pass statfs-and-mounts
else
	fail statfs-and-mounts "f_type [$(val main df)] mounts [$(val main mounts)]"
fi

# Escapes: nothing outside the share was shown, read, made or changed.
if ! grep -qF -- "$secret" "$out" && snapshot | cmp -s - "$tmp/before"; then
	pass escape-outside-untouched-unread
else
	fail escape-outside-untouched-unread "secret shown or outside changed: $(snapshot | diff "$tmp/before" - | head -n 5)"
fi
if [ "$(val main readlink)" = "$outside/secret" ] && [ -n "$(val main passwd)" ] &&
	[ "$(val main passwd)" = "$(val main gpasswd)" ] &&
	val main procroot | grep -q 'proc' && ! val main procroot | grep -q 'outside'; then
	pass escape-links-resolve-in-guest
else
	fail escape-links-resolve-in-guest "readlink [$(val main readlink)] passwd [$(val main passwd)] vs [$(val main gpasswd)] procroot [$(val main procroot)]"
fi
if [ "$(val main m_toroot)" != 0 ] && [ "$(val main m_toroot_etc)" != 0 ] &&
	[ "$(val main m_dotdot)" != 0 ] && [ "$(val main m_rel)" != 0 ] &&
	[ "$(val main m_link)" != 0 ] && [ "$(val main m_chain)" != 0 ] &&
	[ "$(val main m_sub)" = 0 ] && grep -q 'hostfs: /toroot leads outside the shared directory' "$out" &&
	grep -q 'hostfs: /\.\./\.\. leads outside' "$out"; then
	pass escape-mount-options
else
	fail escape-mount-options "$(grep '^@m_' "$out" | tr '\n' ' ')"
fi
if [ "$(val main mv)" = 0 ] && [ "$(val main moved)" = m ] && [ ! -e "$share/movedir" ] &&
	[ "$(val main hardlink)" != 0 ] && [ ! -e "$share/hard" ] &&
	[ "$(val main hl)" = "$outside/secret" ]; then
	pass escape-rename-and-link-out
else
	fail escape-rename-and-link-out "mv $(val main mv) [$(val main moved)] hardlink $(val main hardlink) hl [$(val main hl)]"
fi
if $root; then
	if [ "$(val main devopen)" != 0 ] && grep -q "can't open '/host/null': Permission denied" "$out" &&
		[ "$(val main devopen2)" != 0 ] && grep -q "/host/zero: Permission denied" "$out" &&
		val main lsdev | grep -q '^c.* 1, *3 '; then
		pass host-device-node-not-opened
	else
		fail host-device-node-not-opened "status $(val main devopen) $(val main devopen2), ls [$(val main lsdev)]"
	fi
fi

# A race: while the host keeps exchanging a directory of the share with a
# symbolic link to a directory outside it, the guest creates, writes, reads
# and lists through that name. The host must never follow the link for it.
mkdir "$share/race" "$outside/victim"
ln -s "$outside/victim" "$share/race_swap"
printf '%s\n' "$secret" >"$outside/victim/x"
printf 'inside\n' >"$share/race/x"
touch -a -d '2000-01-01 00:00:00' "$outside/victim/x"
victim_before=$(ls -la --time-style=full-iso "$outside/victim"; stat -c '%x %y' "$outside/victim/x")
(cd "$share" && "$ops" --swap race race_swap 6000) >"$tmp/swap.out" 2>&1 &
spid=$!
# shellcheck disable=SC2016 # expanded by the guest's shell
boot race "hostfs=$share" '
	mount -t hostfs none /host; i=0
	while [ $i -lt 600 ]; do
		echo $i > /host/race/f$i; cat /host/race/x; mkdir /host/race/d$i
		ls /host/race/ > /dev/null; mv /host/race/f$i /host/race/g$i; i=$((i + 1))
	done 2>/dev/null
	i=0; while [ ! -e /host/swap_done ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
	echo "@race=$(ls /host/race/ | wc -l)"' &
bpid=$!
# The count is taken once the swaps have stopped and race is the directory
# again: while they run, race is a link half the time.
wait "$spid"
touch "$share/swap_done"
wait "$bpid"
rm -f "$share/swap_done"
victim_after=$(ls -la --time-style=full-iso "$outside/victim"; stat -c '%x %y' "$outside/victim/x")
if [ "$victim_before" = "$victim_after" ] && ! grep -qF -- "$secret" "$tmp/race.out" &&
	grep -q '^swaps: [1-9]' "$tmp/swap.out" && [ "$(val race race)" -gt 1 ]; then
	pass escape-swap-race
else
	fail escape-swap-race "$(cat "$tmp/swap.out") guest [$(val race race)], outside: $(ls "$outside/victim" | tr '\n' ' ' | head -c 300)"
fi

# Without hostfs= there is nothing to mount, and the log says what to do.
boot noshare "" 'mount -t hostfs none /host; echo "@mount=$?"'
if [ "$(val noshare mount)" != 0 ] &&
	grep -q 'hostfs: no host directory is shared.*hostfs=<dir>' "$tmp/noshare.out"; then
	pass refused-without-hostfs-option
else
	fail refused-without-hostfs-option "$(tail -c 400 "$tmp/noshare.out")"
fi

# An option after the directory other than setid is an error at boot.
# shellcheck disable=SC2086
$LINUX mem=64M initrd=$B/e2e.cpio.gz "hostfs=$share,append" </dev/null >"$tmp/badopt.out" 2>&1
brc=$?
if [ "$brc" = 2 ] && grep -q 'the only option after the directory is setid' "$tmp/badopt.out"; then
	pass bad-share-option-refused
else
	fail bad-share-option-refused "status $brc: $(tail -c 300 "$tmp/badopt.out")"
fi

# Host changes behind the guest's back show at the next open or stat.
printf 'aaaa\n' >"$share/chg"
printf 'one\n' >"$share/repl"
rm -f "$share/flag"
# shellcheck disable=SC2016 # expanded by the guest's shell
boot change "hostfs=$share" '
	mount -t hostfs none /host
	exec 3< /host/chg; echo "@v1=$(tr "\n" _ < /host/chg) $(cat /host/repl) $(stat -c %s /host/chg)"
	echo ready-for-host
	i=0; while [ ! -e /host/flag ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	echo "@v2=$(tr "\n" _ < /host/chg) $(cat /host/repl) $(stat -c %s /host/chg) $(ls /host/flag)"' &
bpid=$!
wait_grep ready-for-host "$tmp/change.raw"
printf 'bbbb\n' >"$share/chg"
printf 'two\n' >"$share/repl.new"
mv "$share/repl.new" "$share/repl"
printf 'bigger\n' >>"$share/chg"
touch "$share/flag"
wait "$bpid"
if [ "$(val change v1)" = "aaaa_ one 5" ] &&
	[ "$(val change v2)" = "bbbb_bigger_ two 12 /host/flag" ]; then
	pass host-changes-seen
else
	fail host-changes-seen "v1 [$(val change v1)] v2 [$(val change v2)]"
fi

# As an unprivileged host user the host's permissions decide, and its
# errno is what the guest gets.
if $root && command -v setpriv >/dev/null 2>&1; then
	nshare=$tmp/nshare
	mkdir -p "$nshare/open" "$tmp/uml"
	chmod 0755 "$tmp" "$nshare"
	chmod 0777 "$nshare/open" "$tmp/uml"
	printf 'root-only\n' >"$nshare/rootfile"
	chmod 0600 "$nshare/rootfile"
	printf 'readable\n' >"$nshare/readable"
	chmod 0644 "$nshare/readable"
	# shellcheck disable=SC2016 # expanded by the guest's shell
	script='mount -t hostfs none /host
		cat /host/rootfile; echo "@read=$?"
		echo x >> /host/readable; echo "@append=$?"
		echo "@cat=$(cat /host/readable)"
		echo mine > /host/open/mine; echo "@create=$?"
		chown 0:0 /host/open/mine; echo "@chown=$?"'
	# shellcheck disable=SC2086 # LINUX is a word list
	timeout 120 setpriv --reuid=65534 --regid=65534 --clear-groups \
		$LINUX mem=64M quiet initrd="$img" uml_dir="$tmp/uml" hostfs="$nshare" init=/bin/sh -- -c \
		"mkdir -p /host; $script; poweroff -f" </dev/null 2>&1 | tr -d '\r' >"$tmp/unpriv.out"
	if [ "$(val unpriv read)" != 0 ] && grep -q "can't open '/host/rootfile': Permission denied" "$tmp/unpriv.out" &&
		[ "$(val unpriv append)" != 0 ] && [ "$(val unpriv cat)" = readable ] &&
		[ "$(val unpriv create)" = 0 ] && [ "$(stat -c %u "$nshare/open/mine")" = 65534 ] &&
		[ "$(val unpriv chown)" != 0 ] && grep -q 'Operation not permitted' "$tmp/unpriv.out" &&
		[ "$(cat "$nshare/readable")" = readable ]; then
		pass unprivileged-host-permissions
	else
		fail unprivileged-host-permissions "$(grep -e '^@' -e denied -e permitted "$tmp/unpriv.out" | tr '\n' ' ' | head -c 600)"
	fi
fi

# The root on hostfs: the busybox image unpacked into a host directory.
rootdir=$tmp/rootdir
mkdir "$rootdir"
if (cd "$rootdir" && gzip -dc | cpio -id --quiet) <"$img" 2>"$tmp/cpio.err" && [ -x "$rootdir/bin/busybox" ]; then
	# shellcheck disable=SC2016,SC2086 # expanded by the guest's shell; LINUX is a word list
	timeout 120 $LINUX mem=64M quiet root=/dev/root rootfstype=hostfs rootflags="$rootdir" \
		hostfs="$rootdir" rw init=/bin/sh -- -c 'mount -t proc proc /proc
		grep " / " /proc/mounts | sed "s/^/@root=/"
		umask 022; echo hello-from-guest-root > /root/made; chmod 0604 /root/made
		echo "@bin=$(ls /bin | wc -l)"; sync; poweroff -f' </dev/null 2>&1 |
		tr -d '\r' >"$tmp/rootfs.out"
	if val rootfs root | grep -q '^/dev/root / hostfs rw' &&
		[ "$(val rootfs bin)" = "$(ls "$rootdir/bin" | wc -l)" ] &&
		[ "$(cat "$rootdir/root/made" 2>&1)" = hello-from-guest-root ] &&
		[ "$(stat -c %a "$rootdir/root/made")" = 604 ]; then
		pass root-on-hostfs
	else
		fail root-on-hostfs "$(tail -c 500 "$tmp/rootfs.out")"
	fi
	# Read-only unless rw; rootflags must lie inside hostfs= when both are given.
	# shellcheck disable=SC2086 # LINUX is a word list
	timeout 120 $LINUX mem=64M quiet rootfstype=hostfs rootflags="$rootdir" init=/bin/sh -- -c \
		'echo x > /root/ro-test; echo "@ro=$?"; poweroff -f' </dev/null 2>&1 |
		tr -d '\r' >"$tmp/rootro.out"
	$LINUX rootfstype=hostfs rootflags="$rootdir" hostfs="$share" >"$tmp/outside.out" 2>&1
	outside_rc=$?
	if [ "$(val rootro ro)" != 0 ] && grep -q 'Read-only file system' "$tmp/rootro.out" &&
		[ ! -e "$rootdir/root/ro-test" ] && [ "$outside_rc" = 2 ] &&
		grep -q 'is not inside hostfs=' "$tmp/outside.out"; then
		pass root-on-hostfs-readonly-and-confined
	else
		fail root-on-hostfs-readonly-and-confined "ro [$(val rootro ro)] rc $outside_rc: $(cat "$tmp/outside.out")"
	fi
else
	fail root-on-hostfs "cannot unpack $img: $(cat "$tmp/cpio.err")"
fi
exit "$failed"
