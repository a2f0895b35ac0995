#!/bin/sh
# A private machine over a shared, read-only root image: ./linux with its
# own umid and its own copy-on-write file. Run with --help for the usage.
set -u
prog=${0##*/}
here=$(cd -P "$(dirname "$0")" && pwd -P) || exit 2

usage() {
	cat <<EOF
usage: $prog [-n NAME] [-d DIR] [-m MEM] [BACKING_IMAGE] [-- ./linux options...]
       $prog merge [-n NAME] [-d DIR] NEW_IMAGE
       $prog remove [-n NAME] [-d DIR]

Boots ./linux umid=NAME ubda=DIR/root.cow,BACKING_IMAGE mem=MEM rw: the
guest writes to its own COW file only, so any number of sandboxes, of one
user or many, can run at once over one read-only BACKING_IMAGE. The COW
file is made on the first boot and records the absolute path of
BACKING_IMAGE; later boots may leave BACKING_IMAGE out. The console is
this terminal; the management console is ~/.uml/NAME/mconsole.

  -n NAME   the sandbox's name, used as the umid (default: your login name,
            or your uid when it has none, followed by -sandbox)
  -d DIR    the directory of the COW file (default ~/.uml-sandboxes/NAME)
  -m MEM    guest memory (default 128M)
  merge     writes the backing image with the sandbox's changes to the new
            file NEW_IMAGE (with uml_moo), while the sandbox is not running
  remove    deletes DIR/root.cow and DIR, while the sandbox is not running

The kernel is the linux next to tools/, or the command in \$LINUX. uml_moo
is \$UML_MOO, else uml_moo on the PATH, else build/tools/uml_moo. Errors
exit with status 2; a second machine with a running NAME or a COW file in
use is refused by the kernel, also with status 2.
EOF
}

die() {
	echo "$prog: $*" >&2
	exit 2
}

cmd=boot
case ${1:-} in
merge | remove)
	cmd=$1
	shift
	;;
esac
name='' dir='' mem=128M arg=''
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help)
		usage
		exit 0
		;;
	-n | -d | -m)
		[ $# -ge 2 ] || die "$1 needs a value (see --help)"
		case $1 in
		-n) name=$2 ;;
		-d) dir=$2 ;;
		-m) mem=$2 ;;
		esac
		shift 2
		;;
	--)
		shift
		break
		;;
	-*) die "unknown option $1 (see --help)" ;;
	*)
		[ -z "$arg" ] || die "unexpected argument $1 (see --help)"
		arg=$1
		shift
		;;
	esac
done
[ "$cmd" = boot ] || [ $# -eq 0 ] || die "$cmd takes no ./linux options"
[ -n "${HOME:-}" ] || die "HOME is not set"
if [ -z "$name" ]; then
	user=$(id -un 2>/dev/null) || user=$(id -u)
	name=$user-sandbox
fi
case $name in
"" | .* | *[!A-Za-z0-9._-]*) die "bad name '$name': use letters, digits, '.', '_' and '-'" ;;
esac
[ -n "$dir" ] || dir=$HOME/.uml-sandboxes/$name
cow=$dir/root.cow

# running: is a machine with umid $name running? (its pid file names a
# live process; the kernel removes the file when it stops)
running() {
	pid=
	[ -r "$HOME/.uml/$name/pid" ] && read -r pid <"$HOME/.uml/$name/pid" &&
		[ -n "$pid" ] && [ -d "/proc/$pid" ]
}

case $cmd in
merge)
	[ -n "$arg" ] || die "merge needs the name of the new image (see --help)"
	[ -f "$cow" ] || die "no sandbox here: $cow does not exist"
	! running || die "sandbox $name is running (pid $pid); power it off first"
	[ ! -e "$arg" ] || die "$arg exists; give the name of a new file"
	moo=${UML_MOO:-$(command -v uml_moo || echo "$here/../build/tools/uml_moo")}
	[ -x "$moo" ] || die "no uml_moo (install uml-utilities, run make tools, or set UML_MOO)"
	"$moo" "$cow" "$arg" || die "uml_moo failed"
	exit 0
	;;
remove)
	[ -z "$arg" ] || die "remove takes no image (see --help)"
	[ -d "$dir" ] || die "no sandbox here: $dir does not exist"
	! running || die "sandbox $name is running (pid $pid); power it off first"
	rm -f "$cow"
	rmdir "$dir" || die "$dir still holds other files; left in place"
	exit 0
	;;
esac

disk=$cow
if [ -n "$arg" ]; then
	[ -f "$arg" ] || [ -b "$arg" ] || die "$arg: no such image"
	[ -r "$arg" ] || die "$arg: not readable"
	# The COW file records the backing path, so it must be absolute.
	abs=$(cd -P "$(dirname "$arg")" && pwd -P)/${arg##*/} || die "$arg: cannot resolve its path"
	disk=$cow,$abs
	[ -z "$(find "$abs" -maxdepth 0 -perm /222)" ] ||
		echo "$prog: warning: $arg is writable; chmod 0444 it, since changing it spoils every COW file over it" >&2
elif [ ! -f "$cow" ]; then
	die "sandbox $name does not exist yet: give the BACKING_IMAGE (see --help)"
fi
mkdir -p "$dir" || die "cannot make $dir"
if [ -n "${LINUX:-}" ]; then
	# shellcheck disable=SC2086 # LINUX is a command with options
	exec $LINUX umid="$name" ubda="$disk" mem="$mem" rw "$@"
fi
[ -x "$here/../linux" ] || die "$here/../linux is not built (run make) and LINUX is not set"
exec "$here/../linux" umid="$name" ubda="$disk" mem="$mem" rw "$@"
