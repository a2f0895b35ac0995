#!/bin/sh
# Networking inside one guest, with busybox as the guest's tools: lo comes
# up with ifconfig (and gets 127.0.0.1/8 as on Linux), route and netstat
# read /proc/net, ping gets its echo replies over a raw ICMP socket, httpd
# serves wget over TCP (a small page and a 2 MiB file compared byte for
# byte), nc moves data both ways, routes and addresses come and go with
# route(8) and with ip(8) over rtnetlink; as root, a TAP device in a
# namespace of our own connects the guest to the host, NICs are
# hot-plugged over mconsole, and udhcpc gets a lease from the host's
# udhcpd. Machines on LANs between them: lan.sh.
# Prints PASS/FAIL lines like the other suites.
SUITE=net
. "$(dirname "$0")/suite.sh"
img=$B/rootfs.cpio.gz

# guest NAME SCRIPT: boots with SCRIPT as the shell's commands; the
# console output lands in $tmp/NAME.
guest() {
	timeout 90 $LINUX mem=64M initrd="$img" init=/bin/sh -- -c \
		"mount -t proc proc /proc; $2; poweroff -f" </dev/null >"$tmp/$1" 2>&1
}

# expect NAME FILE PATTERN: passes if the extended regexp is in FILE.
expect() {
	if grep -Eq "$3" "$2"; then
		pass "$1"
	else
		fail "$1" "no /$3/ in: $(tr -d '\r' <"$2" | grep -v '^\[' | tail -15)"
	fi
}

guest lo '
echo "flags before: $(ifconfig lo | grep -c UP)"
ifconfig lo up
ifconfig lo
grep lo: /proc/net/dev | sed "s/^ */dev-line: /"
route -n
ping -c 2 127.0.0.1
ping -c 1 127.0.0.2 | grep -c "bytes from" | sed "s/^/other-loopback: /"
ping -c 1 -W 1 10.9.9.9 2>&1 | sed "s/^/unreachable: /"
'
o=$tmp/lo
expect lo-starts-down "$o" "flags before: 0"
expect lo-up-has-address "$o" "inet addr:127\.0\.0\.1 +Mask:255\.0\.0\.0"
expect lo-up-flags "$o" "UP LOOPBACK RUNNING +MTU:65536"
expect proc-net-dev "$o" "dev-line: lo:"
expect route-table "$o" "^Kernel IP routing table"
expect ping-loopback "$o" "2 packets transmitted, 2 packets received, 0% packet loss"
expect ping-127-0-0-2 "$o" "other-loopback: 1"
expect ping-no-route "$o" "unreachable: .*(Network is unreachable|Network unreachable)"

guest tcp '
ifconfig lo 127.0.0.1 up
mkdir -p /www
echo hello-from-httpd >/www/index.html
dd if=/dev/urandom of=/www/big bs=1k count=2048 2>/dev/null
httpd -p 127.0.0.1:8080 -h /www
wget -q -O - http://127.0.0.1:8080/index.html | sed "s/^/page: /"
wget -q -O /tmp/big http://127.0.0.1:8080/big && cmp /www/big /tmp/big && echo "big: same"
netstat -tln | grep 8080 | sed "s/^/listening: /"
grep -c " 0A " /proc/net/tcp | sed "s/^/listeners: /"
wget -q -O - http://127.0.0.1:8081/ 2>&1 | sed "s/^/closed port: /"
echo from-the-client | nc -l -p 9000 >/tmp/got &
sleep 1
echo from-the-server-side | nc 127.0.0.1 9000 | sed "s/^/nc reply: /"
wait
sed "s/^/nc got: /" /tmp/got
'
o=$tmp/tcp
expect httpd-page "$o" "page: hello-from-httpd"
expect httpd-2MiB-file "$o" "big: same"
expect netstat-listening "$o" "listening: tcp +0 +0 127\.0\.0\.1:8080 +0\.0\.0\.0:\* +LISTEN"
expect proc-net-tcp "$o" "listeners: [1-9]"
expect connection-refused "$o" "closed port: .*(refused|Connection refused)"
expect nc-to-listener "$o" "nc got: from-the-server-side"
expect nc-reply "$o" "nc reply: from-the-client"

guest route '
ifconfig lo 127.0.0.1 up
route add -net 10.20.0.0 netmask 255.255.0.0 dev lo && echo "add: ok"
route -n | grep "^10\.20\.0\.0" | sed "s/^/route: /"
route del -net 10.20.0.0 netmask 255.255.0.0 dev lo && echo "del: ok"
route -n | grep -c "^10\.20" | sed "s/^/after del: /"
ip link | sed "s/^/ip-link: /"
ip addr add 10.1.2.3/24 dev lo && ip -4 addr show dev lo | sed "s/^/ip-addr: /"
ip route add 10.5.0.0/16 via 127.0.0.1 dev lo && ip route | sed "s/^/ip-route: /"
ip route del 10.5.0.0/16 && ip route | grep -c 10.5 | sed "s/^/ip-route after del: /"
ip addr del 10.1.2.3/24 dev lo && ip -4 addr | grep -c 10.1.2.3 | sed "s/^/ip-addr after del: /"
ping -c 1 10.1.2.3 >/dev/null 2>&1; echo "ping deleted address: $?"
ip link set lo down && ip link show lo | sed "s/^/ip-link down: /"
'
o=$tmp/route
expect route-add "$o" "add: ok"
expect route-listed "$o" "route: 10\.20\.0\.0 +0\.0\.0\.0 +255\.255\.0\.0 +U +0 +0 +0 +lo"
expect route-del "$o" "del: ok"
expect route-gone "$o" "after del: 0"
expect ip-link-dump "$o" "ip-link: 1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536"
expect ip-addr-add "$o" "ip-addr: +inet 10\.1\.2\.3/24 scope global lo"
expect ip-addr-keeps-loopback "$o" "ip-addr: +inet 127\.0\.0\.1/8 scope host lo"
expect ip-route-add "$o" "ip-route: 10\.5\.0\.0/16 via 127\.0\.0\.1 dev lo"
expect ip-route-del "$o" "ip-route after del: 0"
expect ip-addr-del "$o" "ip-addr after del: 0"
expect ip-addr-del-unreachable "$o" "ping deleted address: 1"
expect ip-link-set-down "$o" "ip-link down: 1: lo: <LOOPBACK> mtu"

# A host TAP device in a network namespace of our own (root only): the
# guest's eth0 reaches the host end (ARP, ICMP both ways, TCP both ways
# with real checksums), and a default route through the host.
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null 2>&1; then
	echo "SKIP: e2e/net/tuntap: needs root and ip(8) to make a tap device in a namespace"
	exit "$failed"
fi
ns=umlnet$$
if ! ip netns add "$ns" 2>/dev/null; then
	echo "SKIP: e2e/net/tuntap: cannot create a network namespace"
	exit "$failed"
fi
httpd_pid= udhcpd_pid=
trap 'kill $httpd_pid $udhcpd_pid 2>/dev/null; ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"' EXIT
nsx() { ip netns exec "$ns" "$@"; }
nsx ip link set lo up
nsx ip tuntap add dev tap0 mode tap
nsx ip addr add 10.0.7.1/24 dev tap0
nsx ip addr add 10.0.8.1/32 dev lo
nsx ip link set tap0 up
mkdir -p "$tmp/www"
echo hello-from-the-host >"$tmp/www/index.html"
head -c 1048576 /dev/urandom >"$tmp/www/big"
ip netns exec "$ns" busybox httpd -f -p 10.0.7.1:8080 -h "$tmp/www" </dev/null >/dev/null 2>&1 &
httpd_pid=$!
big_sum=$(md5sum <"$tmp/www/big" | cut -d' ' -f1)
o=$tmp/tap
umid=nettest$$
nsx timeout 90 $LINUX mem=64M umid="$umid" initrd="$img" eth0=tuntap,tap0,fe:fd:0a:00:07:02 init=/bin/sh -- -c "
mount -t proc proc /proc
ifconfig eth0 10.0.7.2 netmask 255.255.255.0 up
ifconfig eth0 | grep HWaddr | sed 's/^/mac: /'
ping -c 2 10.0.7.1 | grep 'packets received' | sed 's/^/ping host: /'
ping -c 1 -s 3000 10.0.7.1 | grep 'packets received' | sed 's/^/fragmented ping: /'
wget -q -O - http://10.0.7.1:8080/index.html | sed 's/^/host page: /'
wget -q -O /tmp/big http://10.0.7.1:8080/big && md5sum /tmp/big | sed 's/^/host big: /'
route add default gw 10.0.7.1 && ping -c 1 10.0.8.1 | grep 'packets received' | sed 's/^/via gateway: /'
grep -c eth0 /proc/net/arp | sed 's/^/arp entries: /'
arp -s 10.0.7.9 fe:fd:00:00:00:09 && arp -n | grep 10.0.7.9 | sed 's/^/arp static: /'
grep 10.0.7.9 /proc/net/arp | sed 's/^/proc arp: /'
arp -d 10.0.7.9 && grep -c 10.0.7.9 /proc/net/arp | sed 's/^/arp after delete: /'
mkdir -p /www && echo hello-from-the-guest >/www/index.html && httpd -p 80 -h /www
# httpd listens in the child it forks: wait until it does
i=0; while ! netstat -tln | grep -q ':80 ' && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done
echo guest-ready-\$((40 + 2)) # not the text of the command line the boot log shows
i=0; while ! grep -q eth1 /proc/net/dev && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done
ifconfig eth1 | grep HWaddr | sed 's/^/hot-plugged: /'
i=0; while grep -q eth1 /proc/net/dev && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done
grep -c eth1 /proc/net/dev | sed 's/^/eth1 lines after remove: /'
sleep 1
poweroff -f" </dev/null >"$o" 2>&1 &
guest=$!
wait_grep guest-ready-42 "$o"
nsx busybox ping -c 1 -W 2 10.0.7.2 >"$tmp/hostping" 2>&1
# (busybox wget -T crashes on this host: timeout(1) bounds it instead)
nsx timeout 10 busybox wget -q -O - http://10.0.7.2/index.html >"$tmp/hostwget" 2>&1
# NIC hot-plug through mconsole, with the command line's syntax; the tap
# is created by the kernel (we are root) and its host end gets gate_ip.
# (in the namespace: the client's reply address is abstract, and those
# are per network namespace)
mc() { nsx build/tools-san/uml_mconsole "$umid" "$@" 2>/dev/null; }
mc config eth1=tuntap,tap1,,10.0.9.1 >"$tmp/mc-add"
wait_grep "hot-plugged:" "$o"
nsx ip addr show tap1 >"$tmp/tap1" 2>&1
mc config eth1 >"$tmp/mc-query"
mc remove eth0 >"$tmp/mc-busy"
mc remove eth1 >"$tmp/mc-remove"
wait_grep "eth1 lines after remove" "$o"
nsx ip link show tap1 >"$tmp/tap1-after" 2>&1 && echo still-there >>"$tmp/tap1-after"
wait "$guest"
expect tap-mac-from-command-line "$o" "mac: eth0 .*HWaddr FE:FD:0A:00:07:02"
expect tap-guest-pings-host "$o" "ping host: 2 packets transmitted, 2 packets received"
expect tap-fragments-both-ways "$o" "fragmented ping: 1 packets transmitted, 1 packets received"
expect tap-guest-fetches-page "$o" "host page: hello-from-the-host"
expect tap-guest-fetches-1MiB "$o" "host big: $big_sum"
expect tap-default-route "$o" "via gateway: 1 packets transmitted, 1 packets received"
expect tap-arp-table "$o" "arp entries: [1-9]"
expect tap-arp-static "$o" "arp static: \? \(10\.0\.7\.9\) at fe:fd:00:00:00:09 \[ether\] PERM on eth0"
expect tap-arp-static-proc "$o" "proc arp: 10\.0\.7\.9 +0x1 +0x6 +fe:fd:00:00:00:09 +\* +eth0"
expect tap-arp-delete "$o" "arp after delete: 0"
expect tap-host-pings-guest "$tmp/hostping" "1 packets transmitted, 1 packets received"
expect tap-host-fetches-guest-page "$tmp/hostwget" "hello-from-the-guest"
expect nic-hotplug-config "$tmp/mc-add" "^OK"
expect nic-hotplug-appears "$o" "hot-plugged: eth1 "
expect nic-hotplug-gate-ip "$tmp/tap1" "inet 10\.0\.9\.1/"
expect nic-hotplug-query "$tmp/mc-query" "OK tuntap,tap1,,10\.0\.9\.1"
expect nic-remove-busy "$tmp/mc-busy" "ERR Device is currently open"
expect nic-remove "$tmp/mc-remove" "^OK"
expect nic-removed-in-guest "$o" "eth1 lines after remove: 0"
if grep -q still-there "$tmp/tap1-after"; then
	fail nic-remove-closes-tap "tap1 is still on the host"
else
	pass nic-remove-closes-tap
fi

# DHCP: busybox udhcpd on the host end, udhcpc in the guest (AF_PACKET).
printf 'start 10.0.7.100\nend 10.0.7.110\ninterface tap0\nlease_file %s\noption subnet 255.255.255.0\noption router 10.0.7.1\n' \
	"$tmp/leases" >"$tmp/udhcpd.conf"
touch "$tmp/leases"
ip netns exec "$ns" busybox udhcpd -f "$tmp/udhcpd.conf" </dev/null >/dev/null 2>&1 &
udhcpd_pid=$!
o=$tmp/dhcp
nsx timeout 60 $LINUX mem=64M initrd="$img" eth0=tuntap,tap0 init=/bin/sh -- -c '
mount -t proc proc /proc
printf "#!/bin/sh\n[ \"\$1\" = bound ] && ifconfig \$interface \$ip netmask \$subnet up && echo \"lease: \$ip router \$router\"\nexit 0\n" >/tmp/d.sh
chmod +x /tmp/d.sh
ifconfig eth0 up
udhcpc -i eth0 -n -q -t 5 -T 1 -s /tmp/d.sh 2>&1 | grep lease
ifconfig eth0 | grep "inet addr" | sed "s/^/dhcp-ifconfig: /"
ping -c 1 10.0.7.1 | grep received | sed "s/^/dhcp-ping: /"
poweroff -f' </dev/null >"$o" 2>&1
kill "$udhcpd_pid" 2>/dev/null
expect dhcp-lease "$o" "lease: 10\.0\.7\.1[01][0-9] router 10\.0\.7\.1"
expect dhcp-address-configured "$o" "dhcp-ifconfig: +inet addr:10\.0\.7\.1[01][0-9] +Bcast:10\.0\.7\.255 +Mask:255\.255\.255\.0"
expect dhcp-then-ping "$o" "dhcp-ping: 1 packets transmitted, 1 packets received"

# 50 MB each way at once between the host and the guest over the tap,
# checked by md5sum (seq(1)'s output: every line differs); then again
# through our uml_switch between the tap (-tap) and the guest, dropping 5%
# of the frames and reordering 5%; and through tc netem loss and
# reordering on the tap when the host kernel has netem.
lines=6500000 # 52.4 MB
want=$(seq 1 $lines | md5sum | cut -d' ' -f1)
tap_bulk() { # NAME [ETH0-SPEC]
	eth0=${2:-tuntap,tap0}
	mkfifo "$tmp/$1.fifo"
	seq 1 $lines | nsx busybox nc -l -p 5000 >/dev/null 2>&1 &
	sender=$!
	(nsx busybox nc -l -p 5001 <>"$tmp/$1.fifo" | md5sum >"$tmp/$1.host") &
	receiver=$!
	nsx timeout 400 $LINUX mem=64M initrd="$img" "eth0=$eth0" init=/bin/sh -- -c "
mount -t proc proc /proc
ifconfig eth0 10.0.7.2 netmask 255.255.255.0 up
mkfifo /tmp/f
seq 1 $lines | nc 10.0.7.1 5001 &
nc 10.0.7.1 5000 <>/tmp/f | md5sum | sed 's/^/guest-got: /'
wait
$fin_linger
poweroff -f" </dev/null >"$tmp/$1" 2>&1
	kill "$sender" 2>/dev/null
	wait "$receiver"
	expect "$1-host-to-guest" "$tmp/$1" "guest-got: $want"
	expect "$1-guest-to-host" "$tmp/$1.host" "^$want"
}
tap_bulk tap-50MB
# (ip netns exec, not nsx: $! must be the switch itself, to be killed)
ip netns exec "$ns" build/tools-san/uml_switch -unix "$tmp/lossy.ctl" -tap tap0 -loss 5 -reorder 5 \
	-seed 3 </dev/null >"$tmp/lossy.switch" 2>&1 &
lossy_sw=$!
wait_grep attached "$tmp/lossy.switch"
tap_bulk tap-lossy-switch-50MB "daemon,,unix,$tmp/lossy.ctl"
kill "$lossy_sw" 2>/dev/null
wait "$lossy_sw" 2>/dev/null
if nsx tc qdisc add dev tap0 root netem loss 5% delay 1ms reorder 25% 50% 2>"$tmp/netem"; then
	tap_bulk tap-netem-50MB
	nsx tc qdisc del dev tap0 root
else
	echo "SKIP: e2e/net/tap-netem-50MB: this host kernel has no netem ($(cat "$tmp/netem")); tap-lossy-switch-50MB above moves the same through 5% loss and reordering"
fi

exit "$failed"
