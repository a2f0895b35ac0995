#!/bin/sh
# Microbenchmarks side by side (bench/micro.c: system call, fork, exec,
# pipes, page faults, files on the ubd disk and on tmpfs), natively,
# inside ./linux (one column per process engine when the kernel takes
# seccomp=) and inside Debian's linux.uml when it is installed, all on
# copies of the same ext2 image. The runner adds two rows of its own:
# boot, the median wall time of 5 boots to an init that only powers off,
# and kernel-rss, the kernel process's peak RssAnon+RssFile during the
# micro run (guest memory is shared memory, RssShmem, and not counted).
# A run that fails or times out leaves its column "-"; never fails a build.
#   bench/run-micro.sh
set -u
cd "$(dirname "$0")/.." || exit 0
. bench/table.sh
limit=180
tmp=$(mktemp -d)
job=
ubddir=
shmdir=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	[ -n "$job" ] && kill "$job" 2>/dev/null
	rm -rf "$tmp" "$ubddir" "$shmdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

gcc -static -O2 -o "$tmp/micro" bench/micro.c || exit 0
cat >"$tmp/bench.sh" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
if mount -t tmpfs tmpfs /tmp; then
	/bin/micro ubd=/root tmpfs=/tmp
else
	/bin/micro ubd=/root
fi
poweroff -f
EOF
printf '#!/bin/sh\npoweroff -f\n' >"$tmp/halt.sh"
chmod +x "$tmp/bench.sh" "$tmp/halt.sh"
sh tools/mkdiskimage.sh "$tmp/base.img" 64 --add "$tmp/micro:/bin/micro" \
	--add "$tmp/bench.sh:/bench.sh" --add "$tmp/halt.sh:/halt.sh" >/dev/null || exit 0

# spawn OUT COMMAND...: starts COMMAND in the background under a time
# limit, its output in OUT; $job is the timeout process and $kpid the
# kernel itself (the shell in between execs it).
spawn() {
	out=$1
	shift
	rm -f "$tmp/pid"
	# shellcheck disable=SC2016 # $$ and $@ are the inner shell's
	timeout -k 10 "$limit" sh -c 'echo $$ >"$0"; exec "$@"' "$tmp/pid" "$@" \
		</dev/null >"$out" 2>&1 &
	job=$!
	while [ ! -s "$tmp/pid" ] && kill -0 "$job" 2>/dev/null; do
		sleep 0.01
	done
	kpid=$(cat "$tmp/pid" 2>/dev/null)
}

# peak_rss PID: samples RssAnon+RssFile of PID every 50 ms until it
# ends, then prints the largest in MB.
peak_rss() {
	peak=0
	while [ -r "/proc/$1/status" ]; do
		anon=0
		file=0
		state=
		while read -r key value _; do
			case $key in
			State:) state=$value ;;
			RssAnon:) anon=$value ;;
			RssFile:) file=$value ;;
			esac
		done 2>/dev/null <"/proc/$1/status"
		[ "$state" = Z ] && break
		[ $((anon + file)) -gt "$peak" ] && peak=$((anon + file))
		sleep 0.05
	done
	awk -v k="$peak" 'BEGIN { printf "%.1f\n", k / 1024 }'
}

# micro NAME COMMAND...: boots COMMAND (init=/bench.sh) on a fresh copy
# of the image, watching the kernel's memory; NAME.res gets the micro
# rows and kernel-rss, or nothing when the run failed or timed out.
micro() {
	name=$1
	shift
	cp "$tmp/base.img" "$tmp/run.img"
	spawn "$tmp/$name.out" "$@"
	rss=$(peak_rss "${kpid:-none}")
	wait "$job"
	rc=$?
	job=
	sed -n 's/^bench: //p' "$tmp/$name.out" | tr -d '\r' >"$tmp/$name.res"
	tr -d '\r' <"$tmp/$name.out" | grep '^micro:' | sed "s/^/run-micro: $name: /"
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "run-micro: $name: timed out after $limit s"
		: >"$tmp/$name.res"
	elif [ "$rc" != 0 ] || [ ! -s "$tmp/$name.res" ]; then
		echo "run-micro: $name: exit status $rc; the end of its output:"
		tail -5 "$tmp/$name.out" | sed 's/^/    /'
		: >"$tmp/$name.res"
	else
		echo "kernel-rss $rss MB" >>"$tmp/$name.res"
	fi
}

# boot NAME COMMAND...: appends to NAME.res the median wall time of 5
# boots of COMMAND (init=/halt.sh on boot.img); nothing if one fails.
boot() {
	name=$1
	shift
	: >"$tmp/boot.times"
	for i in 1 2 3 4 5; do
		cp "$tmp/base.img" "$tmp/boot.img"
		t0=$(date +%s%N)
		if ! timeout -k 10 60 "$@" </dev/null >"$tmp/boot.out" 2>&1; then
			echo "run-micro: $name: boot $i failed"
			return
		fi
		t1=$(date +%s%N)
		echo $((t1 - t0)) >>"$tmp/boot.times"
	done
	sort -n "$tmp/boot.times" | awk 'NR == 3 { printf "boot %.3f s\n", $1 / 1e9 }' \
		>>"$tmp/$name.res"
}

# Natively the ubd rows run in a host disk directory, the tmpfs rows
# in /dev/shm.
ubddir=$(mktemp -d /var/tmp/micro.XXXXXX 2>/dev/null || mktemp -d) || exit 0
shmdir=$(mktemp -d /dev/shm/micro.XXXXXX 2>/dev/null) || shmdir=
"$tmp/micro" ubd="$ubddir" ${shmdir:+tmpfs="$shmdir"} | sed -n 's/^bench: //p' >"$tmp/native.res"
set -- native:native

linux_run() { # NAME [OPTION]
	micro "$1" ./linux mem=128M ubda="$tmp/run.img" rw init=/bench.sh ${2:+"$2"}
	boot "$1" ./linux mem=128M ubda="$tmp/boot.img" init=/halt.sh ${2:+"$2"}
}
if ./linux --help 2>/dev/null | grep -q 'seccomp='; then
	linux_run linux seccomp=off
	linux_run linux-seccomp seccomp=on
	set -- "$@" linux:ptrace:ours linux-seccomp:seccomp:ours
	engines="ptrace, seccomp: ./linux with seccomp=off, seccomp=on"
else
	linux_run linux
	set -- "$@" linux:./linux:ours
	engines="./linux: the ptrace engine"
fi
if command -v linux.uml >/dev/null 2>&1; then
	micro uml linux.uml ubd0="$tmp/run.img" root=/dev/ubda mem=128M rw init=/bench.sh \
		con0=fd:0,fd:1 con=null
	boot uml linux.uml ubd0="$tmp/boot.img" root=/dev/ubda mem=128M rw init=/halt.sh \
		con0=fd:0,fd:1 con=null
fi
set -- "$@" uml:linux.uml:ref

echo "micro benchmarks, median of 7 rounds; guests have mem=128M; $engines"
echo "native: ubd rows in a host disk directory, tmpfs rows in /dev/shm"
bench_table "$tmp" "$@"
exit 0
