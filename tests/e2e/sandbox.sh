#!/bin/sh
# Per-developer sandboxes (tools/sandbox.sh): three machines running at
# once over one read-only ext2 image, each with its own HOME, umid, COW
# file and console; as root each runs as a different unprivileged user
# (uids 61001-61003). A running umid and a COW file in use are refused,
# and of sandboxes with one name started together only one boots.
# Afterwards the image is unchanged, and each COW file merged with uml_moo
# gives a clean filesystem holding that sandbox's file and no other's.
# Prints PASS/FAIL/SKIP lines "e2e/sandbox/<name>". Build first: make all
# check-build.
SUITE=sandbox
. "$(dirname "$0")/suite.sh"
SB=tools/sandbox.sh
MC=$PWD/$B/tools/uml_mconsole
OUR_MOO=$PWD/$B/tools/uml_moo
THEIR_MOO=/usr/bin/uml_moo
# sandbox.sh boots the same kernel command as the other suites.
export LINUX

for f in ./linux "$MC" "$OUR_MOO"; do
	if [ ! -x "$f" ]; then
		fail build "$f is not built (run make all check-build)"
		exit 1
	fi
done

# The shared image, read-only, in a directory every user may enter.
chmod 0755 "$tmp"
mkdir -m 0755 "$tmp/shared"
back=$tmp/shared/back.img
if [ -f "$B/disk.img" ]; then
	cp "$B/disk.img" "$back"
else
	sh tools/mkdiskimage.sh "$back" 16 >/dev/null
fi
chmod 0444 "$back"
sum_before=$(sha256sum <"$back")

# As root, sandbox N runs as uid 6100N (no passwd entry needed), if that
# user can run the kernel and the script from this tree.
multi=no
# shellcheck disable=SC2086 # LINUX is a command with options
if [ "$(id -u)" != 0 ]; then
	why="not root"
elif ! command -v setpriv >/dev/null 2>&1; then
	why="no setpriv"
elif ! setpriv --reuid=61001 --regid=61001 --clear-groups $LINUX --version >/dev/null 2>&1 ||
	! setpriv --reuid=61001 --regid=61001 --clear-groups "$PWD/$SB" --help >/dev/null 2>&1 ||
	! setpriv --reuid=61001 --regid=61001 --clear-groups test -x "$PWD/linux"; then
	# (sandbox.sh runs ./linux by its absolute path: every directory above
	# the tree must let others through, as a mktemp -d one does not)
	why="uid 61001 cannot run $PWD/linux or $SB (make the tree readable to others)"
else
	multi=yes
fi
for n in 1 2 3; do
	mkdir -m 0700 "$tmp/home$n"
	[ $multi = no ] || chown $((61000 + n)):$((61000 + n)) "$tmp/home$n"
done
# run_as N CMD...: CMD with HOME=$tmp/homeN, as uid 6100N when multi=yes.
run_as() {
	n_=$1
	shift
	if [ $multi = yes ]; then
		setpriv --reuid=$((61000 + n_)) --regid=$((61000 + n_)) --clear-groups \
			env HOME="$tmp/home$n_" "$@"
	else
		env HOME="$tmp/home$n_" "$@"
	fi
}
# Sandbox 1 takes the default name, the others -n sbN.
name1=$(run_as 1 sh -c 'id -un 2>/dev/null || id -u' | tail -n 1)-sandbox
name_of() { if [ "$1" = 1 ]; then echo "$name1"; else echo "sb$1"; fi; }
opt_of() { [ "$1" = 1 ] || echo "-n sb$1"; }
dir_of() { echo "$tmp/home$1/.uml-sandboxes/$(name_of "$1")"; }
umid_dir() { echo "$tmp/home$1/.uml/$(name_of "$1")"; }

# --- usage errors, before anything boots ---
: >"$tmp/shared/noread.img"
chmod 0 "$tmp/shared/noread.img"
# refused PATTERN CMD...: CMD (as user 1) must exit 2 and print PATTERN.
bad=
refused() {
	pattern=$1
	shift
	run_as 1 "$@" >"$tmp/err" 2>&1
	rc=$?
	if [ $rc != 2 ] || ! grep -q -- "$pattern" "$tmp/err"; then
		bad="$bad [$* -> $rc: $(cat "$tmp/err")]"
	fi
}
run_as 1 $SB --help >"$tmp/help" 2>&1 && grep -q "^usage: sandbox.sh" "$tmp/help" ||
	bad="[--help: $(head -n 2 "$tmp/help")]"
refused "unknown option -q" $SB -q "$back"
refused "needs a value" $SB "$back" -m
refused "$tmp/none.img: no such image" $SB "$tmp/none.img"
refused "bad name '../x'" $SB -n ../x "$back"
refused "sandbox fresh does not exist yet" $SB -n fresh
refused "no sandbox here" $SB remove -n fresh
refused "no sandbox here" $SB merge -n fresh "$tmp/x.img"
# Only a user who cannot read the file sees it refused (not root).
run_as 1 test -r "$tmp/shared/noread.img" ||
	refused "noread.img: not readable" $SB "$tmp/shared/noread.img"
if [ -z "$bad" ] && [ ! -e "$tmp/home1/.uml-sandboxes/fresh" ]; then
	pass usage-errors
else
	fail usage-errors "$bad"
fi

# --- one name started several times at once ---
# Six sandboxes named "race", each on its own COW file so that only the
# umid can keep them apart, start together (their consoles are fifos the
# host opens at once): one boots, the others are refused, and the winner
# keeps its socket until it reads its line and powers off. A lost race
# shows in about one round in ten, hence 30 rounds.
why1=''
for k in 1 2 3 4 5 6; do
	mkfifo "$tmp/race-in$k"
done
r=1
while [ $r -le 30 ]; do
	for k in 1 2 3 4 5 6; do
		# Made here: the job opens it only once its fifo opens.
		: >"$tmp/race$k"
		run_as 1 timeout -k 5 30 $SB -n race -d "$tmp/home1/race$k" -m 32M "$back" -- quiet \
			init=/bin/sh -- -c 'echo race-$((0+1)); read go; poweroff -f' \
			<"$tmp/race-in$k" >"$tmp/race$k" 2>&1 &
	done
	exec 3>"$tmp/race-in1" 4>"$tmp/race-in2" 5>"$tmp/race-in3" 6>"$tmp/race-in4" \
		7>"$tmp/race-in5" 8>"$tmp/race-in6"
	i=0
	while [ "$(cat "$tmp"/race[1-6] | grep -c "^race-1\|umid race is in use")" -lt 6 ] &&
		[ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sock=no
	[ -S "$tmp/home1/.uml/race/mconsole" ] && sock=yes
	for fd in 3 4 5 6 7 8; do
		(echo go >&"$fd") 2>/dev/null
	done
	exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&-
	wait
	won=$(cat "$tmp"/race[1-6] | grep -c "^race-1")
	lost=$(cat "$tmp"/race[1-6] | grep -c "umid race is in use by a running instance")
	if [ "$won $lost $sock" != "1 5 yes" ]; then
		why1="$why1 [round $r: $won booted, $lost refused, the socket there: $sock]"
	fi
	r=$((r + 1))
done
[ -z "$why1" ] && pass same-name-at-once || fail same-name-at-once "$why1"

# --- three sandboxes at once ---
# Each guest writes /sb-N, syncs, says ready-N, and waits for a line on its
# console (a fifo) before it powers off.
for n in 1 2 3; do
	mkfifo "$tmp/in$n"
	: >"$tmp/out$n"
	# shellcheck disable=SC2046 # opt_of gives words
	run_as $n timeout -k 5 60 $SB $(opt_of $n) -m 32M "$back" -- quiet init=/bin/sh -- -c \
		"echo 'sandbox $n' > /sb-$n && sync && echo ready-\$((0+$n)); read go; poweroff -f" \
		<"$tmp/in$n" >"$tmp/out$n" 2>&1 &
	echo $! >"$tmp/job$n"
done
exec 3>"$tmp/in1" 4>"$tmp/in2" 5>"$tmp/in3"
for n in 1 2 3; do
	wait_grep "^ready-$n" "$tmp/out$n"
done

# All three are up now and wait: their sockets and pid files exist at once.
why3='' kpids=''
for n in 1 2 3; do
	d=$(umid_dir $n)
	kpid=$(cat "$d/pid" 2>/dev/null)
	if ! grep -q "^ready-$n" "$tmp/out$n"; then
		why3="$why3 [sandbox $n not ready: $(tail -c 300 "$tmp/out$n")]"
	elif [ ! -S "$d/mconsole" ] || [ -z "$kpid" ] || [ ! -d "/proc/$kpid" ]; then
		why3="$why3 [sandbox $n: no live $d/mconsole and pid]"
	else
		# Each socket reaches its own machine, booted on its own COW file.
		line=$("$MC" "$d/mconsole" config ubda 2>&1)
		[ "$line" = "OK $(dir_of $n)/root.cow,$back" ] ||
			why3="$why3 [sandbox $n: config ubda says: $line]"
		for m in 1 2 3; do
			[ $m = $n ] || ! grep -q "ready-$m" "$tmp/out$n" ||
				why3="$why3 [console $n shows sandbox $m]"
		done
	fi
	echo "$kpid" >"$tmp/kpid$n"
	kpids="$kpids $kpid"
done
if [ -z "$why3" ] && [ "$(echo "$kpids" | tr ' ' '\n' | grep . | sort -u | wc -l)" = 3 ]; then
	pass three-at-once
else
	fail three-at-once "pids [$kpids]$why3"
fi

# Each umid directory is its own user's, private; as root, each kernel
# runs as its own unprivileged user.
why4=
for n in 1 2 3; do
	uid=$(run_as $n id -u)
	got=$(stat -c '%u %a' "$(umid_dir $n)" 2>&1) cow=$(stat -c %u "$(dir_of $n)/root.cow" 2>&1)
	[ "$got $cow" = "$uid 700 $uid" ] || why4="$why4 [sandbox $n: $got, want uid $uid]"
	kpid=$(cat "$tmp/kpid$n")
	[ -z "$kpid" ] || [ "$(stat -c %u "/proc/$kpid" 2>&1)" = "$uid" ] ||
		why4="$why4 [sandbox $n: kernel pid $kpid is not uid $uid's]"
done
[ -z "$why4" ] && pass own-umid-dirs || fail own-umid-dirs "$why4"
if [ $multi = yes ]; then
	if [ -z "$why4" ] && [ "$(run_as 1 id -u) $(run_as 2 id -u) $(run_as 3 id -u)" = "61001 61002 61003" ]; then
		pass different-users
	else
		fail different-users "$why4"
	fi
else
	echo "SKIP: e2e/sandbox/different-users: $why"
fi

# A second machine with a running sandbox's umid is refused before it
# touches a disk, and the running one keeps its socket and pid file.
run_as 1 timeout 30 $SB -d "$tmp/home1/second" -m 32M "$back" -- quiet init=/bin/sh -- -c \
	'echo second-ran; poweroff -f' </dev/null >"$tmp/dup.out" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q "umid $name1 is in use by a running instance" "$tmp/dup.out" &&
	! grep -q second-ran "$tmp/dup.out" && [ ! -e "$tmp/home1/second/root.cow" ] &&
	[ "$(cat "$(umid_dir 1)/pid" 2>&1)" = "$(cat "$tmp/kpid1")" ] && [ -S "$(umid_dir 1)/mconsole" ]; then
	pass same-umid-refused
else
	fail same-umid-refused "status $rc: $(tail -c 300 "$tmp/dup.out")"
fi

# Another umid on a COW file in use, named alone (as a reboot of the
# sandbox does) or with its backing image: the kernel's host lock refuses
# it, and its umid directory goes away again.
why2=
for with in "" "$back"; do
	# shellcheck disable=SC2086 # with is empty or one word
	run_as 1 timeout 30 $SB -n other -d "$(dir_of 1)" -m 32M $with -- quiet init=/bin/sh -- -c \
		'echo second-ran; poweroff -f' </dev/null >"$tmp/lock.out" 2>&1
	rc=$?
	if [ $rc != 2 ] || ! grep -q "$(dir_of 1)/root.cow is in use by another instance (locked)" "$tmp/lock.out" ||
		grep -q second-ran "$tmp/lock.out" || [ -e "$tmp/home1/.uml/other" ]; then
		why2="$why2 [backing [$with]: status $rc: $(tail -c 300 "$tmp/lock.out")]"
	fi
done
[ -z "$why2" ] && pass shared-cow-refused || fail shared-cow-refused "$why2"

# A running sandbox is neither removed nor merged.
run_as 2 $SB remove -n sb2 >"$tmp/rm.out" 2>&1
rc=$?
run_as 2 $SB merge -n sb2 "$tmp/home2/early.img" >>"$tmp/rm.out" 2>&1
rc2=$?
if [ $rc = 2 ] && [ $rc2 = 2 ] && [ "$(grep -c "sandbox sb2 is running (pid $(cat "$tmp/kpid2"))" "$tmp/rm.out")" = 2 ] &&
	[ -f "$(dir_of 2)/root.cow" ] && [ ! -e "$tmp/home2/early.img" ]; then
	pass running-kept
else
	fail running-kept "status $rc/$rc2: $(cat "$tmp/rm.out")"
fi

# Let them go, and they power off cleanly.
for fd in 3 4 5; do
	# A subshell, so that a guest already gone costs no SIGPIPE here.
	(echo go >&"$fd") 2>/dev/null
done
why5=
for n in 1 2 3; do
	wait "$(cat "$tmp/job$n")"
	rc=$?
	[ $rc = 0 ] || why5="$why5 [sandbox $n: status $rc: $(tail -c 200 "$tmp/out$n")]"
	[ ! -e "$(umid_dir $n)" ] || why5="$why5 [$(umid_dir $n) left behind]"
done
exec 3>&- 4>&- 5>&-
[ -z "$why5" ] && pass clean-poweroff || fail clean-poweroff "$why5"

if [ "$(sha256sum <"$back")" = "$sum_before" ] && [ "$(stat -c %a "$back")" = 444 ]; then
	pass backing-unchanged
else
	fail backing-unchanged "$(ls -l "$back")"
fi

# Each COW file, merged by its user with our uml_moo (and by Debian's, to
# compare), gives a clean ext2 image with its own file and no other's.
why6='' why7='' merged=0
for n in 1 2 3; do
	img=$tmp/home$n/merged.img
	# shellcheck disable=SC2046 # opt_of gives words
	if ! run_as $n env UML_MOO="$OUR_MOO" $SB merge $(opt_of $n) "$img" >"$tmp/moo.out" 2>&1; then
		why6="$why6 [sandbox $n: merge failed: $(tail -c 200 "$tmp/moo.out")]"
		continue
	fi
	merged=$((merged + 1))
	e2fsck -fn "$img" >"$tmp/fsck.out" 2>&1 ||
		why6="$why6 [sandbox $n: e2fsck: $(tail -n 3 "$tmp/fsck.out")]"
	for m in 1 2 3; do
		got=$(debugfs -R "cat /sb-$m" "$img" 2>/dev/null)
		if [ $m = $n ]; then
			[ "$got" = "sandbox $n" ] || why6="$why6 [sandbox $n: /sb-$n holds [$got]]"
		else
			debugfs -R "stat /sb-$m" "$img" 2>&1 | grep -q "File not found" ||
				why6="$why6 [sandbox $n: has sandbox $m's /sb-$m]"
		fi
	done
	if [ -x "$THEIR_MOO" ]; then
		"$THEIR_MOO" "$(dir_of $n)/root.cow" "$tmp/theirs$n.img" >/dev/null 2>&1
		cmp -s "$img" "$tmp/theirs$n.img" || why7="$why7 [sandbox $n: Debian's uml_moo merges differently]"
	fi
done
for m in 1 2 3; do
	debugfs -R "stat /sb-$m" "$back" 2>&1 | grep -q "File not found" || why6="$why6 [the backing image has /sb-$m]"
done
[ -z "$why6" ] && pass merged-own-data-only || fail merged-own-data-only "$why6"
if [ ! -x "$THEIR_MOO" ]; then
	echo "SKIP: e2e/sandbox/debian-uml_moo-same: uml-utilities not installed"
elif [ -z "$why7" ] && [ $merged = 3 ]; then
	pass debian-uml_moo-same
else
	fail debian-uml_moo-same "$merged of 3 merged by ours;$why7"
fi

# Removing a stopped sandbox deletes its COW file and directory only.
why8=
for n in 1 2 3; do
	# shellcheck disable=SC2046 # opt_of gives words
	run_as $n $SB remove $(opt_of $n) >"$tmp/rm.out" 2>&1 || why8="$why8 [$(cat "$tmp/rm.out")]"
	[ ! -e "$(dir_of $n)" ] || why8="$why8 [$(dir_of $n) is still there]"
	[ -f "$tmp/home$n/merged.img" ] || why8="$why8 [merged.img of sandbox $n went too]"
done
[ -z "$why8" ] && pass remove || fail remove "$why8"
exit "$failed"
