#!/bin/sh
# IPv6, with busybox as the guest's tools: inside one guest, ::1 comes up
# with lo, ping -6 answers, ip -6 and ifconfig add and remove addresses
# and routes, and httpd on [::] serves wget over IPv6 and IPv4 alike; as
# root, a TAP device in a network namespace of our own connects the guest
# to the host: neighbour discovery, pings both ways (to a static and to
# the link-local address, and with 3000 and 5000 bytes: fragments both
# ways), TCP both ways (httpd/wget, a 2 MiB file each
# way compared by checksum, nc), a default route through the host, and
# UDP both ways (the guest's nslookup asking tests/e2e/dns6 on the host).
# Machines on LANs talk IPv6 in lan.sh too. Prints PASS/FAIL lines.
SUITE=net6
. "$(dirname "$0")/suite.sh"
img=$B/rootfs.cpio.gz

# expect NAME FILE PATTERN: passes if the extended regexp is in FILE.
expect() {
	if grep -Eq "$3" "$2"; then
		pass "$1"
	else
		fail "$1" "no /$3/ in: $(tr -d '\r' <"$2" | grep -v '^\[' | tail -15)"
	fi
}

o=$tmp/lo
timeout 90 $LINUX mem=64M initrd="$img" init=/bin/sh -- -c '
mount -t proc proc /proc
ifconfig lo up
ifconfig lo | grep inet6 | sed "s/^ */ifconfig: /"
ping -6 -c 2 ::1 | grep received | sed "s/^/ping6: /"
ip -6 addr add fd00::5/64 dev lo && ip -6 addr show dev lo | grep fd00 | sed "s/^ */ip-addr: /"
ping -6 -c 1 fd00::5 | grep received | sed "s/^/ping6 added: /"
ip -6 route add fd01::/64 dev lo && ip -6 route | grep fd01 | sed "s/^/ip-route: /"
ip -6 route del fd01::/64 dev lo && ip -6 route | grep -c fd01 | sed "s/^/after route del: /"
ifconfig lo add fd00::7/64 && grep -c ^fd000000000000000000000000000007 /proc/net/if_inet6 | sed "s/^/ifconfig add: /"
ifconfig lo del fd00::7/64 && grep -c ^fd000000000000000000000000000007 /proc/net/if_inet6 | sed "s/^/ifconfig del: /"
mkdir -p /www && echo hello-over-v6 >/www/index.html
httpd -p 8080 -h /www
i=0; while ! netstat -tln | grep -q ":8080 " && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
netstat -tln | grep 8080 | sed "s/^/listening: /"
wget -q -O - "http://[::1]:8080/index.html" | sed "s/^/page6: /"
wget -q -O - http://127.0.0.1:8080/index.html | sed "s/^/page4: /"
wget -q -O - "http://[::1]:8081/" 2>&1 | sed "s/^/closed port: /"
poweroff -f' </dev/null >"$o" 2>&1
expect lo-has-v6-loopback "$o" "ifconfig: inet6 addr: ::1/128 Scope:Host"
expect ping6-loopback "$o" "ping6: 2 packets transmitted, 2 packets received"
expect ip6-addr-add "$o" "ip-addr: inet6 fd00::5/64 scope global"
expect ping6-added-address "$o" "ping6 added: 1 packets transmitted, 1 packets received"
expect ip6-route-add "$o" "ip-route: fd01::/64 dev lo"
expect ip6-route-del "$o" "after route del: 0"
expect ifconfig-add "$o" "ifconfig add: 1"
expect ifconfig-del "$o" "ifconfig del: 0"
expect netstat-listening-v6 "$o" "listening: tcp +0 +0 :::8080 +:::\* +LISTEN"
expect httpd-over-v6 "$o" "page6: hello-over-v6"
expect httpd-v6-socket-takes-v4 "$o" "page4: hello-over-v6"
expect tcp6-connection-refused "$o" "closed port: .*(refused|Connection refused)"

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null 2>&1; then
	echo "SKIP: e2e/net6/tuntap: needs root and ip(8) to make a tap device in a namespace"
	exit "$failed"
fi
ns=umlnet6$$
if ! ip netns add "$ns" 2>/dev/null; then
	echo "SKIP: e2e/net6/tuntap: cannot create a network namespace"
	exit "$failed"
fi
httpd_pid= dns_pid=
trap 'kill $httpd_pid $dns_pid 2>/dev/null; ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"' EXIT
nsx() { ip netns exec "$ns" "$@"; }
nsx ip link set lo up
nsx ip addr add fd43::1/128 dev lo
nsx ip tuntap add dev tap0 mode tap
# No duplicate address detection on the host end: its addresses are
# usable at once.
nsx sysctl -qw net.ipv6.conf.tap0.accept_dad=0
nsx ip addr add fd42::1/64 dev tap0 nodad
nsx ip link set tap0 up
mkdir -p "$tmp/www"
echo hello-from-the-v6-host >"$tmp/www/index.html"
head -c 2097152 /dev/urandom >"$tmp/www/big"
big_sum=$(md5sum <"$tmp/www/big" | cut -d' ' -f1)
# (ip netns exec, not nsx: $! must be the server itself, to be killed)
ip netns exec "$ns" busybox httpd -f -p "[fd42::1]:8080" -h "$tmp/www" </dev/null >/dev/null 2>&1 &
httpd_pid=$!
ip netns exec "$ns" build/e2e/dns6 fd42::1 53 2 >"$tmp/dns" 2>&1 &
dns_pid=$!
wait_grep listening "$tmp/dns"
o=$tmp/tap
# The guest's link-local address follows from its MAC (EUI-64).
ll=fe80::fcfd:aff:fe00:702
nsx timeout 90 $LINUX mem=64M initrd="$img" eth0=tuntap,tap0,fe:fd:0a:00:07:02 init=/bin/sh -- -c "
mount -t proc proc /proc
ifconfig eth0 up
ip -6 addr add fd42::2/64 dev eth0
ip -6 addr show dev eth0 | grep inet6 | sed 's/^ */addr: /'
ping -6 -c 2 fd42::1 | grep received | sed 's/^/ping host: /'
ping -6 -c 1 -s 3000 fd42::1 | grep received | sed 's/^/fragmented ping: /'
wget -q -O - 'http://[fd42::1]:8080/index.html' | sed 's/^/host page: /'
wget -q -O /tmp/big 'http://[fd42::1]:8080/big' && md5sum /tmp/big | sed 's/^/host big: /'
ip -6 route add default via fd42::1 && ping -6 -c 1 fd43::1 | grep received | sed 's/^/via gateway: /'
ip -6 route | sed 's/^/route: /'
nslookup example.test fd42::1 2>&1 | grep -A2 example.test | sed 's/^/dns: /'
mkdir -p /www && echo hello-from-the-v6-guest >/www/index.html
dd if=/dev/urandom of=/www/big bs=1k count=2048 2>/dev/null
md5sum /www/big | sed 's/ .*//; s/^/guest-big: /'
httpd -p 80 -h /www
mkfifo /tmp/f
nc -l -p 7000 <>/tmp/f >/tmp/nc &
i=0; while ! netstat -tln | grep -q ':80 ' && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done
echo guest-ready-\$((40 + 2))
wait \$!
sed 's/^/nc got: /' /tmp/nc
$fin_linger
poweroff -f" </dev/null >"$o" 2>&1 &
guest=$!
wait_grep guest-ready-42 "$o"
nsx busybox ping -6 -c 1 -W 2 fd42::2 >"$tmp/ping-global" 2>&1
nsx busybox ping -6 -c 1 -W 2 "$ll%tap0" >"$tmp/ping-ll" 2>&1
nsx busybox ping -6 -c 1 -W 2 -s 5000 fd42::2 >"$tmp/ping-big" 2>&1
# 300 datagrams' first fragments that never complete (more than the 64
# queues and 4 MiB reassembly holds): a datagram after them still goes.
nsx build/e2e/fragflood tap0 fe:fd:0a:00:07:02 fd42::1 fd42::2 300 >"$tmp/flood" 2>&1
nsx busybox ping -6 -c 1 -W 2 -s 5000 fd42::2 >"$tmp/ping-after-flood" 2>&1
nsx timeout 10 busybox wget -q -O - "http://[fd42::2]/index.html" >"$tmp/hostwget" 2>&1
nsx timeout 20 busybox wget -q -O "$tmp/guestbig" "http://[fd42::2]/big" 2>&1
md5sum <"$tmp/guestbig" | sed 's/ .*//; s/^/host-got: /' >"$tmp/hostbig"
echo bye-over-v6 | nsx timeout 10 busybox nc fd42::2 7000 >/dev/null 2>&1
wait "$guest"
kill "$httpd_pid" "$dns_pid" 2>/dev/null
expect tap6-link-local "$o" "addr: inet6 $ll/64 scope link"
expect tap6-static-address "$o" "addr: inet6 fd42::2/64 scope global"
expect tap6-guest-pings-host "$o" "ping host: 2 packets transmitted, 2 packets received"
expect tap6-host-pings-guest "$tmp/ping-global" "1 packets transmitted, 1 packets received"
expect tap6-host-pings-link-local "$tmp/ping-ll" "1 packets transmitted, 1 packets received"
expect tap6-fragments-out-and-in "$o" "fragmented ping: 1 packets transmitted, 1 packets received"
expect tap6-fragments-in-and-out "$tmp/ping-big" "1 packets transmitted, 1 packets received"
expect tap6-fragment-flood-sent "$tmp/flood" "fragflood: sent 300"
expect tap6-fragments-after-flood "$tmp/ping-after-flood" "1 packets transmitted, 1 packets received"
expect tap6-guest-fetches-page "$o" "host page: hello-from-the-v6-host"
expect tap6-guest-fetches-2MiB "$o" "host big: $big_sum"
expect tap6-host-fetches-page "$tmp/hostwget" "hello-from-the-v6-guest"
guest_big=$(sed -n 's/^guest-big: //p' "$o" | tr -d '\r')
expect tap6-host-fetches-2MiB "$tmp/hostbig" "host-got: ${guest_big:-no-sum}"
expect tap6-default-route "$o" "via gateway: 1 packets transmitted, 1 packets received"
expect tap6-route-listed "$o" "route: default via fd42::1 dev eth0"
expect tap6-udp-dns-query "$tmp/dns" "query type (1|28) from fd42::2"
expect tap6-udp-dns-answer "$o" "dns: Address: fd99::1234"
expect tap6-nc-host-to-guest "$o" "nc got: bye-over-v6"
exit "$failed"
