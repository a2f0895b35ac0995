#!/bin/sh
# COW files: our tools/uml_mkcow and tools/uml_moo against Debian's
# (uml-utilities). Headers must be byte-identical, and merges of COW files
# written by either tool must give the same images, with both tools, into
# a new file, in place (-d) and with another backing path (-b). Bad input
# must be refused with a clear message. Prints PASS/FAIL/SKIP lines
# "e2e/cow/<name>"; exits non-zero if anything failed. Build first:
# make tools.
SUITE=cow
. "$(dirname "$0")/suite.sh"
MKCOW=$PWD/$B/tools-san/uml_mkcow
MOO=$PWD/$B/tools-san/uml_moo
THEIR_MKCOW=/usr/bin/uml_mkcow
THEIR_MOO=/usr/bin/uml_moo
skip() { echo "SKIP: e2e/cow/$1: uml-utilities not installed"; }
have_theirs() { [ -x "$THEIR_MKCOW" ] && [ -x "$THEIR_MOO" ]; }

if [ ! -x "$MKCOW" ] || [ ! -x "$MOO" ]; then
	fail build "$MKCOW or $MOO is not built (run make tools)"
	exit 1
fi

# The layout of a v3 COW over a 10 MiB file (REFERENCE.md): bitmap at
# 0x2000, data at 0x3000.
SIZE=10485760
BITMAP=8192
DATA=12288
SECTORS="0 1 7 8 100 2047 20479"

# A file to merge: random data, an mtime in the past.
head -c $SIZE /dev/urandom >"$tmp/back.img"
touch -d @1577934245 "$tmp/back.img"
for s in $SECTORS; do
	head -c 512 /dev/urandom >"$tmp/sector.$s"
done
# The merged image expected: the backing file with those sectors replaced.
cp "$tmp/back.img" "$tmp/expected.img"
for s in $SECTORS; do
	dd if="$tmp/sector.$s" of="$tmp/expected.img" bs=512 seek="$s" conv=notrunc 2>/dev/null
done

# put_sectors COW: writes the test sectors into COW by hand (bitmap bit and
# data), as UML would.
put_sectors() {
	for s in $SECTORS; do
		off=$((BITMAP + s / 8))
		v=$(od -An -tu1 -j "$off" -N1 "$1" | tr -d ' ')
		v=$((v | (1 << (s % 8))))
		# shellcheck disable=SC2059 # the format is the octal escape
		printf "\\$(printf %o "$v")" |
			dd of="$1" bs=1 seek="$off" conv=notrunc 2>/dev/null
		dd if="$tmp/sector.$s" of="$1" bs=512 seek=$((DATA / 512 + s)) conv=notrunc 2>/dev/null
	done
}

size_of() { wc -c <"$1" | tr -d ' '; }

# --- our uml_mkcow ---
if ! "$MKCOW" "$tmp/ours.cow" "$tmp/back.img" 2>"$tmp/err"; then
	fail mkcow "uml_mkcow failed: $(cat "$tmp/err")"
elif [ "$(size_of "$tmp/ours.cow")" != $((DATA + SIZE)) ]; then
	fail mkcow "size $(size_of "$tmp/ours.cow"), expected $((DATA + SIZE))"
elif [ "$(du -k "$tmp/ours.cow" | cut -f1)" -gt 1024 ]; then
	fail mkcow "the COW file is not sparse ($(du -k "$tmp/ours.cow" | cut -f1) KiB used)"
else
	pass mkcow
fi

if "$MKCOW" "$tmp/ours.cow" "$tmp/back.img" 2>"$tmp/err"; then
	fail mkcow-keeps-existing "overwrote an existing COW file without -f"
elif ! grep -q "ours.cow" "$tmp/err"; then
	fail mkcow-keeps-existing "no clear message: $(cat "$tmp/err")"
elif ! "$MKCOW" -f "$tmp/ours.cow" "$tmp/back.img" 2>"$tmp/err"; then
	fail mkcow-keeps-existing "-f failed: $(cat "$tmp/err")"
else
	pass mkcow-keeps-existing
fi

if have_theirs; then
	"$THEIR_MKCOW" "$tmp/theirs.cow" "$tmp/back.img" >/dev/null 2>&1
	if ! cmp -n 4128 "$tmp/ours.cow" "$tmp/theirs.cow" >"$tmp/err" 2>&1; then
		fail mkcow-same-header "header differs from Debian's: $(cat "$tmp/err")"
	elif [ "$(size_of "$tmp/ours.cow")" != "$(size_of "$tmp/theirs.cow")" ]; then
		fail mkcow-same-header "size $(size_of "$tmp/ours.cow"), Debian's $(size_of "$tmp/theirs.cow")"
	elif ! cmp -s "$tmp/ours.cow" "$tmp/theirs.cow"; then
		fail mkcow-same-header "the files differ after the header"
	else
		pass mkcow-same-header
	fi
else
	skip mkcow-same-header
fi

# --- merging into a new file ---
put_sectors "$tmp/ours.cow"
if ! "$MOO" "$tmp/ours.cow" "$tmp/m-ours-ours.img" 2>"$tmp/err"; then
	fail moo "uml_moo failed: $(cat "$tmp/err")"
elif ! cmp -s "$tmp/m-ours-ours.img" "$tmp/expected.img"; then
	fail moo "merged image differs from the expected one: $(cmp "$tmp/m-ours-ours.img" "$tmp/expected.img" 2>&1)"
else
	pass moo
fi

if have_theirs; then
	put_sectors "$tmp/theirs.cow"
	"$THEIR_MOO" "$tmp/ours.cow" "$tmp/m-ours-theirs.img" >"$tmp/err" 2>&1
	"$MOO" "$tmp/theirs.cow" "$tmp/m-theirs-ours.img" 2>>"$tmp/err"
	"$THEIR_MOO" "$tmp/theirs.cow" "$tmp/m-theirs-theirs.img" >>"$tmp/err" 2>&1
	if ! cmp -s "$tmp/m-ours-theirs.img" "$tmp/m-ours-ours.img"; then
		fail moo-our-cow-their-tool "Debian's uml_moo merges our COW differently: $(cat "$tmp/err")"
	else
		pass moo-our-cow-their-tool
	fi
	if ! cmp -s "$tmp/m-theirs-ours.img" "$tmp/m-theirs-theirs.img" ||
		! cmp -s "$tmp/m-theirs-ours.img" "$tmp/expected.img"; then
		fail moo-their-cow-our-tool "our uml_moo merges Debian's COW differently: $(cat "$tmp/err")"
	else
		pass moo-their-cow-our-tool
	fi
else
	skip moo-our-cow-their-tool
	skip moo-their-cow-our-tool
fi

# --- -b: the backing file under another name ---
cp -p "$tmp/back.img" "$tmp/moved.img"
if ! "$MOO" -b "$tmp/moved.img" "$tmp/ours.cow" "$tmp/m-b.img" 2>"$tmp/err"; then
	fail moo-b "uml_moo -b failed: $(cat "$tmp/err")"
elif ! cmp -s "$tmp/m-b.img" "$tmp/expected.img"; then
	fail moo-b "merged image differs from the expected one"
elif have_theirs && ! { "$THEIR_MOO" -b "$tmp/moved.img" "$tmp/ours.cow" "$tmp/m-b2.img" >/dev/null 2>&1 &&
	cmp -s "$tmp/m-b.img" "$tmp/m-b2.img"; }; then
	fail moo-b "Debian's uml_moo -b gives another image"
else
	pass moo-b
fi

# --- -d: in place, into the backing file ---
# indisk NAME MKCOW MOO: a COW made by MKCOW over a copy of the backing
# file, merged in place by MOO; the copy must become the expected image.
indisk() {
	mkdir -p "$tmp/$1"
	cp -p "$tmp/back.img" "$tmp/$1/back.img"
	"$2" "$tmp/$1/c.cow" "$tmp/$1/back.img" >/dev/null 2>&1
	put_sectors "$tmp/$1/c.cow"
	if ! "$3" -d "$tmp/$1/c.cow" >"$tmp/err" 2>&1; then
		fail "$1" "uml_moo -d failed: $(cat "$tmp/err")"
	elif ! cmp -s "$tmp/$1/back.img" "$tmp/expected.img"; then
		fail "$1" "the backing file is not the merged image: $(cmp "$tmp/$1/back.img" "$tmp/expected.img" 2>&1)"
	else
		pass "$1"
	fi
}
indisk moo-d "$MKCOW" "$MOO"
if have_theirs; then
	indisk moo-d-their-cow-our-tool "$THEIR_MKCOW" "$MOO"
	indisk moo-d-our-cow-their-tool "$MKCOW" "$THEIR_MOO"
else
	skip moo-d-their-cow-our-tool
	skip moo-d-our-cow-their-tool
fi

# --- refusals ---
# refuses NAME PATTERN CMD...: CMD must fail and print PATTERN.
refuses() {
	name=$1 pattern=$2
	shift 2
	if "$@" >"$tmp/err" 2>&1; then
		fail "$name" "accepted: $*"
	elif ! grep -q -- "$pattern" "$tmp/err"; then
		fail "$name" "message does not say \"$pattern\": $(cat "$tmp/err")"
	else
		pass "$name"
	fi
}
cp -p "$tmp/back.img" "$tmp/newer.img"
touch -d @1609556645 "$tmp/newer.img"
refuses moo-mtime-mismatch "mtime mismatch (1577934245 vs 1609556645)" \
	"$MOO" -b "$tmp/newer.img" "$tmp/ours.cow" "$tmp/x.img"
head -c 4096 "$tmp/back.img" >"$tmp/short.img"
touch -d @1577934245 "$tmp/short.img"
refuses moo-size-mismatch "size mismatch (10485760 vs 4096)" \
	"$MOO" -b "$tmp/short.img" "$tmp/ours.cow" "$tmp/x.img"
head -c 8192 /dev/urandom >"$tmp/garbage.cow"
refuses moo-corrupt-cow "not a valid COW file" "$MOO" "$tmp/garbage.cow" "$tmp/x.img"
head -c 5000 "$tmp/ours.cow" >"$tmp/cut.cow"
refuses moo-truncated-cow "truncated" "$MOO" "$tmp/cut.cow" "$tmp/x.img"
refuses moo-usage "usage" "$MOO" "$tmp/ours.cow"
refuses mkcow-no-backing "$tmp/none.img" "$MKCOW" "$tmp/y.cow" "$tmp/none.img"

exit "$failed"
