#!/usr/bin/env bash
# Installs ingestd on a systemd host without dpkg: the same files the .deb installs, the user and
# directories, then enables and starts the service. Run as root from a checkout after
# `make deb` (which builds the binary), or give the binary: deploy/install.sh [path/to/ingestd]
# Uninstall: systemctl disable --now ingestd, then remove the files listed below.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-$(swift build -c release --static-swift-stdlib --show-bin-path 2>/dev/null)/ingestd}
[ -x "$binary" ] || { echo "install.sh: no binary at $binary; run 'make deb' first or pass its path." >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root." >&2; exit 1; }

install -D -m 0755 "$binary" /usr/bin/ingestd
install -D -m 0644 systemd/ingestd.service /etc/systemd/system/ingestd.service
install -D -m 0644 systemd/ingestd.sysusers /etc/sysusers.d/ingestd.conf
install -D -m 0644 systemd/ingestd.tmpfiles /etc/tmpfiles.d/ingestd.conf
install -D -m 0644 deploy/logrotate/ingestd /etc/logrotate.d/ingestd
install -D -m 0644 deploy/ingestd.8 /usr/local/share/man/man8/ingestd.8
install -d /usr/share/bash-completion/completions
/usr/bin/ingestd --generate-completion-script bash > /usr/share/bash-completion/completions/ingestd

systemd-sysusers /etc/sysusers.d/ingestd.conf
systemd-tmpfiles --create /etc/tmpfiles.d/ingestd.conf
systemctl daemon-reload
systemctl enable --now ingestd.service
systemctl --no-pager status ingestd.service | head -5
