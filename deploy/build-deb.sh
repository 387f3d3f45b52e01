#!/usr/bin/env bash
# Builds dist/ingestd_<version>_<arch>.deb with dpkg-deb: a release binary with the Swift runtime
# and Foundation linked in statically (at run time it needs libc, libsystemd0, libxml2, and the C++
# runtime libraries libstdc++6 and libgcc-s1 that every Debian system has), the systemd unit,
# sysusers.d and tmpfiles.d files, the man page, shell completions and the docs.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/.*static let version = "\(.*\)".*/\1/p' Sources/ingestd/Ingestd.swift)
arch=$(dpkg --print-architecture)
swift build -c release --static-swift-stdlib
binary="$(swift build -c release --static-swift-stdlib --show-bin-path)/ingestd"

# The shared libraries the binary needs must all be covered by Depends below.
allowed="libc.so.6 libm.so.6 ld-linux-x86-64.so.2 libsystemd.so.0 libxml2.so.2 libstdc++.so.6 libgcc_s.so.1"
for needed in $(objdump -p "$binary" | awk '/NEEDED/ {print $2}'); do
    case " $allowed " in
        *" $needed "*) ;;
        *) echo "build-deb.sh: the binary needs $needed, which Depends does not cover." >&2; exit 1 ;;
    esac
done

root="dist/build/ingestd_${version}_${arch}"
rm -rf "$root"
install -D -m 0755 "$binary" "$root/usr/bin/ingestd"
strip --strip-unneeded "$root/usr/bin/ingestd"
install -D -m 0644 systemd/ingestd.service "$root/lib/systemd/system/ingestd.service"
install -D -m 0644 systemd/ingestd-ship.service "$root/lib/systemd/system/ingestd-ship.service"
install -D -m 0644 systemd/ingestd.sysusers "$root/usr/lib/sysusers.d/ingestd.conf"
install -D -m 0644 systemd/ingestd.tmpfiles "$root/usr/lib/tmpfiles.d/ingestd.conf"
install -D -m 0644 deploy/logrotate/ingestd "$root/etc/logrotate.d/ingestd"
install -d "$root/usr/share/man/man8"
gzip -9n < deploy/ingestd.8 > "$root/usr/share/man/man8/ingestd.8.gz"
install -d "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
    "$root/usr/share/fish/vendor_completions.d"
"$binary" --generate-completion-script bash > "$root/usr/share/bash-completion/completions/ingestd"
"$binary" --generate-completion-script zsh > "$root/usr/share/zsh/vendor-completions/_ingestd"
"$binary" --generate-completion-script fish > "$root/usr/share/fish/vendor_completions.d/ingestd.fish"
install -D -m 0644 README.md "$root/usr/share/doc/ingestd/README.md"
install -D -m 0644 deploy/debian/copyright "$root/usr/share/doc/ingestd/copyright"

install -d "$root/DEBIAN"
install -m 0755 deploy/debian/postinst deploy/debian/prerm deploy/debian/postrm "$root/DEBIAN/"
echo "/etc/logrotate.d/ingestd" > "$root/DEBIAN/conffiles"
cat > "$root/DEBIAN/control" <<CONTROL
Package: ingestd
Version: ${version}
Architecture: ${arch}
Maintainer: ingestd maintainers <maintainers@ingestd.invalid>
Depends: libc6 (>= 2.36), libsystemd0, libxml2 (>= 2.9.14), libstdc++6, libgcc-s1
Recommends: systemd, jq
Section: admin
Priority: optional
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Description: inbox daemon that journals news articles, with duplicate detection
 ingestd watches an inbox directory, parses each news article dropped into it
 (UTF-8, UTF-16 or Windows-1256 text, JSON, or a web page, whose article is
 read out of the menus and boxes around it), removes duplicates by a hash of
 the canonical text (Arabic diacritics, hamza forms and digits normalised), and
 appends one JSON line per file to an append-only journal. Every file gets
 exactly one record, also across crashes. It runs as a hardened systemd
 service that reports readiness, status and watchdog pings.
CONTROL

mkdir -p dist
deb="dist/ingestd_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
