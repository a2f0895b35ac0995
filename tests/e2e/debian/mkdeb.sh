#!/bin/sh
# dpkg in the Debian guest: builds a tiny package with dpkg-deb --build (a
# control file, a postinst and a program under /opt), installs it with
# dpkg -i, shows dpkg -s, the installed file and its output, and removes it
# with dpkg -r. tests/e2e/debian.sh checks what it prints.
set -e
dir=$(mktemp -d)
pkg=$dir/e2e-hello
mkdir -p "$pkg/DEBIAN" "$pkg/opt/e2e-hello/bin"
cat >"$pkg/DEBIAN/control" <<'CONTROL'
Package: e2e-hello
Version: 1.2-3
Section: misc
Priority: optional
Architecture: all
Maintainer: e2e test <root@localhost>
Description: a package built inside the guest by tests/e2e/debian.sh
 It installs one shell script, /opt/e2e-hello/bin/e2e-hello.
CONTROL
printf '#!/bin/sh\necho "e2e-hello says hi"\n' >"$pkg/opt/e2e-hello/bin/e2e-hello"
chmod 0755 "$pkg/opt/e2e-hello/bin/e2e-hello"
printf '#!/bin/sh\necho "e2e-hello postinst: $1"\n' >"$pkg/DEBIAN/postinst"
chmod 0755 "$pkg/DEBIAN/postinst"
dpkg-deb --root-owner-group --build "$pkg" "$dir/e2e-hello.deb" >/dev/null
echo "deb: $(dpkg-deb -f "$dir/e2e-hello.deb" Package) $(dpkg-deb -f "$dir/e2e-hello.deb" Version)"
dpkg -i "$dir/e2e-hello.deb" >"$dir/install.log"
grep postinst "$dir/install.log"
dpkg -s e2e-hello | grep -E '^(Status|Version):' | sed 's/^/deb-s: /'
echo "deb-L: $(dpkg -L e2e-hello | grep bin/)"
echo "deb-file: $(stat -c '%A %U' /opt/e2e-hello/bin/e2e-hello)"
echo "deb-run: $(/opt/e2e-hello/bin/e2e-hello)"
dpkg -r e2e-hello >/dev/null
echo "deb-removed: $(dpkg -s e2e-hello >/dev/null 2>&1 && echo installed || echo not-installed)" \
	"$(test -e /opt/e2e-hello && echo present || echo gone)"
rm -rf "$dir"
