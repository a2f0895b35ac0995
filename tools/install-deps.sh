#!/bin/sh
# Makes sure the Debian packages needed to build and test the kernel are
# installed.
#
#   sh tools/install-deps.sh
#
# Prints nothing and exits 0 when everything is already there. Otherwise,
# as root, it runs "apt-get update" once and installs the missing packages
# without recommends; as another user it names the missing packages, prints
# the command to run and exits 1. Never reads stdin, so it is safe in CI.
set -u

# build: gcc make libc6-dev linux-libc-dev zlib1g-dev libreadline-dev
#        libvdeplug-dev libpcap-dev (network transports)
# initramfs and images: busybox-static cpio gzip e2fsprogs
# comparison and test tools: uml-utilities procps vde2 (vde_switch,
#        slirpvde) iproute2 (ip, tc) bash (/dev/udp)
# debugging: gdb (with Python: .gdbinit, tools/gdb, tests/e2e/gdb.sh),
#        strace (run inside the guest by tests/e2e/guest_strace.sh)
# distributions: debootstrap (tools/mkdebian.sh, tests/e2e/debian.sh)
PACKAGES="gcc make libc6-dev linux-libc-dev zlib1g-dev busybox-static cpio gzip
e2fsprogs libreadline-dev libvdeplug-dev libpcap-dev uml-utilities procps vde2
iproute2 bash gdb strace debootstrap"

export DEBIAN_FRONTEND=noninteractive

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "install-deps: dpkg-query not found (not a Debian system?)." >&2
	echo "install-deps: make sure these packages or their equivalents are installed:" >&2
	echo "   " $PACKAGES >&2
	exit 0
fi

# Prints the packages of the list that are not installed.
missing_packages() {
	for p in $PACKAGES; do
		st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) || st=
		case $st in
		*" installed"*) ;;
		*) printf '%s ' "$p" ;;
		esac
	done
}

missing=$(missing_packages)
missing=${missing% }
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing Debian packages: $missing"
	echo "install-deps: install them with:"
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing"
	exit 1
fi

echo "install-deps: installing missing packages: $missing"
APT_OPTS="-y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold"
if ! apt-get -q update </dev/null; then
	echo "install-deps: warning: apt-get update failed; trying the local package lists" >&2
fi
# shellcheck disable=SC2086 # the option and package lists are meant to split
if ! apt-get install $APT_OPTS $missing </dev/null; then
	# One unavailable package makes apt refuse the whole set: retry one by
	# one so that the others still get installed.
	echo "install-deps: retrying the packages one at a time" >&2
	for p in $missing; do
		apt-get install $APT_OPTS "$p" </dev/null ||
			echo "install-deps: could not install $p" >&2
	done
fi

still=$(missing_packages)
still=${still% }
if [ -n "$still" ]; then
	echo "install-deps: still missing after apt-get install: $still" >&2
	exit 1
fi
exit 0
