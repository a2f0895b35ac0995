#!/bin/sh
# Network benchmark side by side: host-to-guest TCP throughput and
# round-trip latency over a TAP device, for ./linux and for Debian's
# linux.uml (when installed) on the same tap, the same image and the same
# static program (bench/netbench.c); "native" is the same program over
# the host's loopback. The -busy rows measure the same while another
# process of the guest (natively: of the host) spins on the CPU: then a
# frame must interrupt a running guest to be seen at once. Needs root (it
# makes a network namespace and a tap); says so and exits 0 otherwise.
# Never fails a build.
#   bench/run-net.sh [MiB] [ROUNDS]
set -u
cd "$(dirname "$0")/.." || exit 0
. bench/table.sh
mib=${1:-256}
rounds=${2:-5000}
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null 2>&1; then
	echo "run-net: skipped: needs root and ip(8) for a tap in a network namespace"
	exit 0
fi
tmp=$(mktemp -d)
ns=umlbench$$
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"' EXIT
gcc -static -O2 -o "$tmp/netbench" bench/netbench.c || exit 0
printf '#!/bin/sh\nmount -t proc proc /proc\nifconfig eth0 10.0.5.2 netmask 255.255.255.0 up\n/bin/netbench server 5000 2\npoweroff -f\n' >"$tmp/net.sh"
printf '#!/bin/sh\nmount -t proc proc /proc\nifconfig eth0 10.0.5.2 netmask 255.255.255.0 up\n(while :; do :; done) &\n/bin/netbench server 5000 2\npoweroff -f\n' >"$tmp/net-busy.sh"
chmod +x "$tmp/net.sh" "$tmp/net-busy.sh"
sh tools/mkdiskimage.sh "$tmp/base.img" 64 --add "$tmp/netbench:/bin/netbench" \
	--add "$tmp/net.sh:/net.sh" --add "$tmp/net-busy.sh:/net-busy.sh" >/dev/null || exit 0
ip netns add "$ns" || exit 0
nsx() { ip netns exec "$ns" "$@"; }
nsx ip link set lo up
nsx ip tuntap add dev tap0 mode tap
nsx ip addr add 10.0.5.1/24 dev tap0
nsx ip link set tap0 up

# run NAME COMMAND...: boots COMMAND in the namespace, waits for the
# guest's server, runs the client against it.
run() {
	name=$1
	shift
	cp "$tmp/base.img" "$tmp/run.img"
	nsx timeout 300 "$@" </dev/null >"$tmp/$name.out" 2>&1 &
	g=$!
	i=0
	while ! grep -q "netbench: listening" "$tmp/$name.out" && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	nsx "$tmp/netbench" client 10.0.5.2 5000 "$mib" "$rounds" >"$tmp/$name.res" 2>&1
	wait "$g"
	sed -i -n 's/^bench: //p' "$tmp/$name.res"
}

# native [SUFFIX]: the same over the host's loopback.
native() {
	nsx "$tmp/netbench" server 5000 2 >/dev/null &
	srv=$!
	sleep 0.3
	nsx "$tmp/netbench" client 127.0.0.1 5000 "$mib" "$rounds" |
		sed -n "s/^bench: \([^ ]*\)/\1${1:-}/p" >>"$tmp/native.res"
	wait "$srv"
}
# busy NAME: appends NAME-busy.res to NAME.res, its names with -busy.
busy() {
	sed 's/^\([^ ]*\)/\1-busy/' "$tmp/$1-busy.res" >>"$tmp/$1.res"
}

: >"$tmp/native.res"
native
sh -c 'while :; do :; done' &
hog=$!
native -busy
kill "$hog"
run linux ./linux mem=128M ubda="$tmp/run.img" eth0=tuntap,tap0 init=/net.sh
run linux-busy ./linux mem=128M ubda="$tmp/run.img" eth0=tuntap,tap0 init=/net-busy.sh
busy linux
if command -v linux.uml >/dev/null 2>&1; then
	for init in net net-busy; do
		name=uml${init#net}
		run "$name" linux.uml ubd0="$tmp/run.img" root=/dev/ubda mem=128M eth0=tuntap,tap0 \
			init="/$init.sh" con0=fd:0,fd:1 con=null
	done
	busy uml
fi

echo "host to guest over a tap, $mib MiB and $rounds round trips (native: host loopback)"
bench_table "$tmp" native:native linux:./linux:ours uml:linux.uml:ref
