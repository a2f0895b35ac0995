#!/bin/sh
# tar, gzip and xz in the Debian guest: a tree of files with known
# contents goes through tar | gzip and tar | xz (two threads) and back;
# the checksums of what comes out must match those of what went in, and
# the printed sums of two of the inputs are checked by tests/e2e/debian.sh.
set -e
dir=$(mktemp -d)
cd "$dir"
mkdir -p src/sub/deeper
seq 1 20000 >src/numbers
yes 'a line that repeats' | head -n 5000 >src/sub/repeats
head -c 300000 /dev/zero | tr '\0' 'z' >src/sub/deeper/zeds
printf 'small\n' >src/sub/small
ln -s ../numbers src/sub/link
(cd src && find . -type f | sort | xargs sha256sum) >in.sum
tar -cf - src | gzip -9 >t.tgz
tar -cf - src | xz -6 -T2 >t.txz
gzip -t t.tgz
xz -t t.txz
mkdir gz xz
tar -C gz -xzf t.tgz
tar -C xz -xJf t.txz
(cd gz/src && find . -type f | sort | xargs sha256sum) >gz.sum
(cd xz/src && find . -type f | sort | xargs sha256sum) >xz.sum
cmp in.sum gz.sum && cmp in.sum xz.sum && echo "archive: $(wc -l <in.sum) files, sums match"
echo "archive: link $(readlink xz/src/sub/link)"
echo "archive: sha256 numbers $(sha256sum <src/numbers | cut -c1-16)" \
	"zeds $(sha256sum <src/sub/deeper/zeds | cut -c1-16)"
cd /
rm -rf "$dir"
