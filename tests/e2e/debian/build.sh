#!/bin/sh
# gcc and make in the Debian guest: builds hello from two objects with
# make, runs it, runs make again (nothing to do), touches util.c and runs
# make once more (only util.o and hello are made again). Each make's output
# is printed on one line, "|" for newlines, for tests/e2e/debian.sh.
set -e
cd "$(dirname "$0")"
make clean >/dev/null
make >m1.log
./hello
make >m2.log
# ext2 keeps whole seconds: a touch in the same second as the build would
# leave util.c no newer than util.o.
sleep 1
touch util.c
make >m3.log
for m in m1 m2 m3; do
	echo "make $m: $(tr '\n' '|' <$m.log)"
done
rm -f m1.log m2.log m3.log
