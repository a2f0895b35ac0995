#!/bin/sh
# Machines on virtual LANs, with busybox as the guests' tools. Each pair
# of machines pings and moves 1 MiB of random data each way over TCP
# (httpd/wget one way, nc the other), compared by checksum, and does the
# same over IPv6 (ping -6, wget of the same file from [fd09::1]):
#   - a uml_switch (eth0=daemon), ours and Debian's, no privileges; and
#     50 MB each way through our switch dropping 5% and reordering 5%;
#   - a vde_switch (eth0=vde), no privileges;
#   - slirp NAT through a vde_switch (slirpvde): a DHCP lease, the host's
#     loopback web server from the guest, and a forwarded host port to
#     the guest's web server, no privileges;
#   - mcast, and a pcap capture of a veth, as root in a network namespace
#     of our own.
# Prints PASS/FAIL lines like the other suites.
SUITE=lan
. "$(dirname "$0")/suite.sh"
img=$B/rootfs.cpio.gz
run=

# expect NAME FILE PATTERN: passes if the extended regexp is in FILE.
expect() {
	if grep -Eq "$3" "$2"; then
		pass "$1"
	else
		fail "$1" "no /$3/ in: $(tr -d '\r' <"$2" | grep -v '^\[' | tail -15)"
	fi
}

# The two ends of a LAN test: A (10.0.9.1) serves 1 MiB over httpd and
# takes 1 MiB from nc on port 5001; B (10.0.9.2) pings A, fetches A's file
# and sends its own. Each prints the checksums it sees, and waits for its
# FINs to be acknowledged before it halts (a switch may drop one).
guest_a='
mount -t proc proc /proc
ifconfig eth0 10.0.9.1 netmask 255.255.255.0 up
ip -6 addr add fd09::1/64 dev eth0
mkdir -p /www && dd if=/dev/urandom of=/www/a bs=1k count=1024 2>/dev/null
md5sum /www/a | sed "s/ .*//; s/^/a-has: /"
httpd -p 80 -h /www
mkfifo /tmp/f
nc -l -p 5001 <>/tmp/f >/tmp/fromb &
i=0; while ! netstat -tln | grep -q ":80 " && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
echo lan-ready-$((40 + 2))
wait $!
md5sum /tmp/fromb | sed "s/ .*//; s/^/a-got: /"
'"$fin_linger"'
poweroff -f'
guest_b='
mount -t proc proc /proc
ifconfig eth0 10.0.9.2 netmask 255.255.255.0 up
ip -6 addr add fd09::2/64 dev eth0
ping -c 2 10.0.9.1 | grep received | sed "s/^/lan-ping: /"
wget -q -O /tmp/froma http://10.0.9.1/a && md5sum /tmp/froma | sed "s/ .*//; s/^/b-got: /"
ping -6 -c 2 fd09::1 | grep received | sed "s/^/lan-ping6: /"
wget -q -O /tmp/froma6 "http://[fd09::1]/a" && md5sum /tmp/froma6 | sed "s/ .*//; s/^/b-got6: /"
dd if=/dev/urandom of=/tmp/b bs=1k count=1024 2>/dev/null
md5sum /tmp/b | sed "s/ .*//; s/^/b-has: /"
nc 10.0.9.1 5001 </tmp/b
'"$fin_linger"'
poweroff -f'

# lan_pair NAME SPEC_A SPEC_B: boots A with eth0=SPEC_A, then B with
# eth0=SPEC_B (under $run, a command prefix), and checks what they saw.
lan_pair() {
	$run timeout 90 $LINUX mem=32M initrd="$img" "eth0=$2" init=/bin/sh -- -c "$guest_a" \
		</dev/null >"$tmp/$1.a" 2>&1 &
	ga=$!
	wait_grep lan-ready-42 "$tmp/$1.a"
	$run timeout 90 $LINUX mem=32M initrd="$img" "eth0=$3" init=/bin/sh -- -c "$guest_b" \
		</dev/null >"$tmp/$1.b" 2>&1
	wait "$ga"
	# Kept whole for a failure's post-mortem.
	cp "$tmp/$1.a" "$B/e2e/lan-$1-a.log"
	cp "$tmp/$1.b" "$B/e2e/lan-$1-b.log"
	expect "$1-ping" "$tmp/$1.b" "lan-ping: 2 packets transmitted, 2 packets received"
	a_has=$(sed -n 's/^a-has: //p' "$tmp/$1.a" | tr -d '\r')
	b_has=$(sed -n 's/^b-has: //p' "$tmp/$1.b" | tr -d '\r')
	expect "$1-tcp-a-to-b" "$tmp/$1.b" "b-got: ${a_has:-no-sum}"
	expect "$1-tcp-b-to-a" "$tmp/$1.a" "a-got: ${b_has:-no-sum}"
	expect "$1-ping6" "$tmp/$1.b" "lan-ping6: 2 packets transmitted, 2 packets received"
	expect "$1-tcp6-a-to-b" "$tmp/$1.b" "b-got6: ${a_has:-no-sum}"
}

# A uml_switch LAN (eth0=daemon): our tools/uml_switch, and Debian's.
switch_lan() { # NAME SWITCH-COMMAND...
	name=$1
	shift
	ctl=$tmp/$name.ctl
	"$@" -unix "$ctl" </dev/null >"$tmp/$name.switch" 2>&1 &
	sw=$!
	# (Debian's switch buffers its "attached" line: wait for the socket)
	i=0
	while [ ! -S "$ctl" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	lan_pair "$name" "daemon,,unix,$ctl" "daemon,fe:fd:00:00:09:02,unix,$ctl"
	kill "$sw" 2>/dev/null
	wait "$sw" 2>/dev/null
}
switch_lan daemon-our-switch build/tools-san/uml_switch
if command -v uml_switch >/dev/null 2>&1; then
	switch_lan daemon-debian-switch uml_switch
else
	echo "SKIP: e2e/lan/daemon-debian-switch: uml-utilities (uml_switch) not installed"
fi
# 50 MB each way at once over a bad network: our switch drops 5% of the
# frames and reorders 5%. The data is seq(1)'s output (every line
# different, so a reordered or repeated segment shows), checked against
# the host's md5sum of the same. mkfifo/<> gives the receiving nc a stdin
# that never ends, so it stops at the sender's FIN.
lines=6500000 # 52.4 MB
want=$(seq 1 $lines | md5sum | cut -d' ' -f1)
ctl=$tmp/bad.ctl
build/tools/uml_switch -unix "$ctl" -loss 5 -reorder 5 -seed 7 </dev/null >"$tmp/bad.switch" 2>&1 &
sw=$!
wait_grep attached "$tmp/bad.switch"
timeout 400 $LINUX mem=64M initrd="$img" "eth0=daemon,,unix,$ctl" init=/bin/sh -- -c "
mount -t proc proc /proc
ifconfig eth0 10.0.9.1 netmask 255.255.255.0 up
mkfifo /tmp/f
seq 1 $lines | nc -l -p 5000 &
(nc -l -p 5001 <>/tmp/f | md5sum | sed 's/^/a-got: /') &
i=0; while [ \$(netstat -tln | grep -c ':500[01] ') -lt 2 ] && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done
echo bulk-ready-\$((40 + 2))
wait
$fin_linger
poweroff -f" </dev/null >"$tmp/bulk.a" 2>&1 &
ga=$!
wait_grep bulk-ready-42 "$tmp/bulk.a"
timeout 400 $LINUX mem=64M initrd="$img" "eth0=daemon,fe:fd:00:00:09:02,unix,$ctl" init=/bin/sh -- -c "
mount -t proc proc /proc
ifconfig eth0 10.0.9.2 netmask 255.255.255.0 up
mkfifo /tmp/f
seq 1 $lines | nc 10.0.9.1 5001 &
nc 10.0.9.1 5000 <>/tmp/f | md5sum | sed 's/^/b-got: /'
wait
$fin_linger
poweroff -f" </dev/null >"$tmp/bulk.b" 2>&1
wait "$ga"
kill "$sw" 2>/dev/null
wait "$sw" 2>/dev/null
expect lossy-50MB-a-to-b "$tmp/bulk.b" "b-got: $want"
expect lossy-50MB-b-to-a "$tmp/bulk.a" "a-got: $want"

if $LINUX mem=32M initrd="$img" eth0=daemon,,unix,"$tmp/none.ctl" init=/bin/true >"$tmp/noswitch" 2>&1; then
	fail daemon-no-switch "booted without a switch"
else
	expect daemon-no-switch "$tmp/noswitch" "cannot connect to the switch at"
fi

# A vde_switch LAN (eth0=vde), and slirp NAT on it.
if ! command -v vde_switch >/dev/null 2>&1; then
	echo "SKIP: e2e/lan/vde: vde2 (vde_switch) not installed"
else
	vde_switch -s "$tmp/vde" -d -p "$tmp/vde.pid" </dev/null >"$tmp/vde.log" 2>&1
	lan_pair vde "vde,$tmp/vde" "vde,$tmp/vde,fe:fd:00:00:09:02,,,,guest-b"
	if $LINUX mem=32M initrd="$img" eth0=vde,"$tmp/novde" init=/bin/true >"$tmp/novde" 2>&1; then
		fail vde-no-switch "booted without a switch"
	else
		expect vde-no-switch "$tmp/novde" "vde: cannot connect to $tmp/novde"
	fi
	if ! command -v slirpvde >/dev/null 2>&1; then
		echo "SKIP: e2e/lan/slirp: vde2 (slirpvde) not installed"
	else
		# slirp: DHCP on 10.0.2.0/24, the host's loopback is 10.0.2.2,
		# and host port $fwd leads to the guest's port 80.
		fwd=$((30000 + $$ % 20000))
		web=$((fwd + 1))
		slirpvde -s "$tmp/vde" -D -d -L "$fwd:10.0.2.15:80" </dev/null >"$tmp/slirp.log" 2>&1
		mkdir -p "$tmp/www"
		echo hello-through-nat >"$tmp/www/index.html"
		busybox httpd -f -p "127.0.0.1:$web" -h "$tmp/www" </dev/null >/dev/null 2>&1 &
		web_pid=$!
		timeout 90 $LINUX mem=32M initrd="$img" "eth0=vde,$tmp/vde" init=/bin/sh -- -c "
mount -t proc proc /proc
printf '#!/bin/sh\n[ \"\$1\" = bound ] && ifconfig \$interface \$ip netmask \$subnet up && route add default gw \$router && echo \"lease: \$ip router \$router\"\nexit 0\n' >/tmp/d.sh
chmod +x /tmp/d.sh
ifconfig eth0 up
udhcpc -i eth0 -n -q -t 5 -T 1 -s /tmp/d.sh 2>&1 | grep lease
wget -q -O - http://10.0.2.2:$web/index.html | sed 's/^/nat page: /'
mkdir -p /www && echo hello-from-behind-nat >/www/index.html && httpd -p 80 -h /www
i=0; while ! netstat -tln | grep -q ':80 ' && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done
echo slirp-ready-\$((40 + 2))
sleep 5
poweroff -f" </dev/null >"$tmp/slirp" 2>&1 &
		g=$!
		wait_grep slirp-ready-42 "$tmp/slirp"
		timeout 10 busybox wget -q -O - "http://127.0.0.1:$fwd/index.html" >"$tmp/slirp-fwd" 2>&1
		wait "$g"
		kill "$web_pid" 2>/dev/null
		expect slirp-dhcp-lease "$tmp/slirp" "lease: 10\.0\.2\.15 router 10\.0\.2\.2"
		expect slirp-nat-to-host "$tmp/slirp" "nat page: hello-through-nat"
		expect slirp-port-forward "$tmp/slirp-fwd" "hello-from-behind-nat"
	fi
	kill "$(cat "$tmp/vde.pid")" 2>/dev/null
	pkill -f "slirpvde -s $tmp/vde" 2>/dev/null
fi

# mcast and pcap need a namespace of our own (root only).
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null 2>&1; then
	echo "SKIP: e2e/lan/mcast, pcap: need root and ip(8) to make a network namespace"
	exit "$failed"
fi
ns=umllan$$
if ! ip netns add "$ns" 2>/dev/null; then
	echo "SKIP: e2e/lan/mcast, pcap: cannot create a network namespace"
	exit "$failed"
fi
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"' EXIT
nsx() { ip netns exec "$ns" "$@"; }
run=nsx

# The mcast transport: no tap, no privileges needed by the kernel; the
# namespace gives lo a multicast route.
nsx ip link set lo up
nsx ip link set lo multicast on
nsx ip route add 224.0.0.0/4 dev lo
port=$((20000 + $$ % 10000))
lan_pair mcast "mcast,,239.192.168.1,$port,1" "mcast,fe:fd:00:00:09:02,239.192.168.1,$port,1"

# The pcap transport: the guest receives what a host veth sees, chosen by
# a filter; what it sends never leaves (receive-only, as in UML). Its
# MAC is the veth's, so unicasts to the veth are for the guest too.
nsx ip link add va type veth peer name vb
nsx ip addr add 10.0.6.1/24 dev va
nsx ip link set va up
nsx ip link set vb up
mac=$(nsx cat /sys/class/net/vb/address)
nsx ip neigh add 10.0.6.2 lladdr "$mac" dev va
o=$tmp/pcap
nsx timeout 60 $LINUX mem=32M initrd="$img" "eth0=pcap,vb,icmp,promisc,optimize,$mac" init=/bin/sh -- -c '
mount -t proc proc /proc
ifconfig eth0 10.0.6.2 netmask 255.255.255.0 up
echo pcap-ready-$((40 + 2))
ping -c 1 -W 1 10.0.6.1 >/dev/null
sleep 4
grep eth0: /proc/net/dev | sed "s/^ */pcap-dev: /"
poweroff -f' </dev/null >"$o" 2>&1 &
g=$!
wait_grep pcap-ready-42 "$o"
# 3 UDP datagrams the filter drops, 3 pings it lets through.
for i in 1 2 3; do
	nsx bash -c "echo not-icmp >/dev/udp/10.0.6.2/7777" 2>/dev/null
done
nsx busybox ping -c 3 -i 0.2 -W 1 10.0.6.2 >/dev/null 2>&1
wait "$g"
# /proc/net/dev fields: rx bytes, packets, errs, drop, ..., tx bytes, packets, errs.
expect pcap-receives-filtered "$o" "pcap-dev: eth0: +[0-9]+ +3 +0 +0 +0 +0 +0 +0 +[0-9]+ +[0-9]+ +[1-9]"
if $LINUX mem=32M initrd="$img" "eth0=pcap,nosuchif0" init=/bin/true >"$tmp/nopcap" 2>&1; then
	fail pcap-bad-interface "booted without the interface"
else
	expect pcap-bad-interface "$tmp/nopcap" "pcap: (cannot capture on )?nosuchif0"
fi
if nsx $LINUX mem=32M initrd="$img" "eth0=pcap,vb,bad filter words" init=/bin/true >"$tmp/badfilter" 2>&1; then
	fail pcap-bad-filter "booted with a bad filter"
else
	expect pcap-bad-filter "$tmp/badfilter" "pcap: bad filter 'bad filter words'"
fi

exit "$failed"
