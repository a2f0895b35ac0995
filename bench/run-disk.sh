#!/bin/sh
# Disk benchmarks side by side: the same static program on the same ext2
# image, natively (on a copy of the image's tree in a host directory),
# inside ./linux and inside Debian's linux.uml when it is installed.
# Prints a table of results and ratios; never fails a build.
#   bench/run-disk.sh [MiB]
set -u
cd "$(dirname "$0")/.." || exit 0
. bench/table.sh
mib=${1:-32}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

gcc -static -O2 -o "$tmp/fsbench" bench/fsbench.c || exit 0
printf '#!/bin/sh\nmount -t proc proc /proc\n/bin/fsbench /root %s\npoweroff -f\n' "$mib" >"$tmp/bench.sh"
chmod +x "$tmp/bench.sh"
sh tools/mkdiskimage.sh "$tmp/base.img" 256 --add "$tmp/fsbench:/bin/fsbench" \
	--add "$tmp/bench.sh:/bench.sh" >/dev/null || exit 0

run() { # name command...
	name=$1
	shift
	cp "$tmp/base.img" "$tmp/run.img"
	timeout 300 "$@" </dev/null >"$tmp/$name.out" 2>&1
	sed -n 's/^bench: //p' "$tmp/$name.out" | tr -d '\r' >"$tmp/$name.res"
}

mkdir -p "$tmp/native"
"$tmp/fsbench" "$tmp/native" "$mib" | sed -n 's/^bench: //p' >"$tmp/native.res"
run linux ./linux mem=128M ubda="$tmp/run.img" rw init=/bench.sh
if command -v linux.uml >/dev/null 2>&1; then
	run uml linux.uml ubd0="$tmp/run.img" root=/dev/ubda mem=128M rw init=/bench.sh \
		con0=fd:0,fd:1 con=null
fi

bench_table "$tmp" native:native linux:./linux:ours uml:linux.uml:ref
