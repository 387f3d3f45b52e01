#!/usr/bin/env bash
# End-to-end test of the .deb under a real systemd (Debian 12, systemd 252), driven as a user
# would: a minbase Debian root file system (cached) is booted with systemd-nspawn, the package
# is installed with dpkg -i, and systemctl, a producer in group ingestd, kill -9, a stopped
# process and dpkg --purge are put to it. The container is powered off at the end, also on failure.
#
# Usage: deploy/e2e/run.sh dist/ingestd_<version>_<arch>.deb     (as root)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
deb=$(realpath "$1")
cache=${INGESTD_E2E_CACHE:-/var/tmp/ingestd-e2e}
work=$(mktemp -d /var/tmp/ingestd-e2e-run.XXXXXX)
rootfs=$work/rootfs
passed=0
failed=0

log() { printf '%s\n' "$*"; }
pass() { passed=$((passed + 1)); log "PASS: $*"; }
fail() { failed=$((failed + 1)); log "FAIL: $*"; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

ensure_tools() {
    local missing=()
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    command -v systemd-nspawn >/dev/null || missing+=(systemd-container)
    command -v jq >/dev/null || missing+=(jq)
    if [ ${#missing[@]} -gt 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    # prometheus_client's parser reads the metrics file (PyPI, for the test only).
    if [ ! -x "$cache/venv/bin/python" ] || ! "$cache/venv/bin/python" -c 'import prometheus_client' 2>/dev/null; then
        mkdir -p "$cache"
        python3 -m venv "$cache/venv" && "$cache/venv/bin/pip" install -q prometheus_client || { log "cannot install prometheus_client"; exit 1; }
    fi
}

# A minbase Debian 12 with systemd and the package's dependencies, made once (about 80 s) and
# copied for each run; the cached copy is named after the package list, so a new dependency makes
# a new one.
rootfs_packages=systemd,systemd-sysv,dbus,libsystemd0,libxml2,passwd,acl
rootfs_tar="rootfs-$(printf '%s' "$rootfs_packages" | sha1sum | cut -c1-12).tar"
prepare_rootfs() {
    if [ ! -f "$cache/$rootfs_tar" ]; then
        log "Building the Debian 12 root file system (once; cached in $cache)..."
        mkdir -p "$cache"
        rm -rf "$cache/rootfs-build"
        debootstrap --variant=minbase --include="$rootfs_packages" \
            bookworm "$cache/rootfs-build" >"$cache/debootstrap.log" 2>&1 || { tail -20 "$cache/debootstrap.log"; exit 1; }
        tar -C "$cache/rootfs-build" -cf "$cache/$rootfs_tar.part" . && mv "$cache/$rootfs_tar.part" "$cache/$rootfs_tar"
        rm -rf "$cache/rootfs-build"
    fi
    mkdir -p "$rootfs"
    tar -C "$rootfs" -xf "$cache/$rootfs_tar"
    echo ingestd-e2e >"$rootfs/etc/hostname"
    # Not /tmp: the container's systemd mounts a fresh tmpfs there.
    mkdir -p "$rootfs/opt/e2e/seeds"
    # node_exporter's textfile directory, as Debian's prometheus-node-exporter makes it.
    mkdir -p "$rootfs/var/lib/prometheus/node-exporter"
    cp "$deb" "$rootfs/opt/e2e/ingestd.deb"
    cp "$repo"/seeds/*.txt "$rootfs/opt/e2e/seeds/"
    make_pages "$rootfs/opt/e2e/pages"
    chmod -R a+rX "$rootfs/opt/e2e"
}

# Two web pages: seed 004 inside a news site's page (UTF-8), and an English page in Windows-1252,
# which libxml2 converts through iconv inside the service's sandbox.
make_pages() {
    mkdir -p "$1"
    local seed title
    seed=$(ls "$repo"/seeds/004_*.txt)
    title=$(head -1 "$seed")
    {
        printf '<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>%s | البيان</title>' "$title"
        printf '<meta property="og:site_name" content="البيان"></head><body><nav><a href="/">الرئيسية</a> <a href="/world">عربي ودولي</a></nav>'
        printf '<article><h1>%s</h1>' "$title"
        sed '1d; /^[[:space:]]*$/d; s|.*|<p>&</p>|' "$seed"
        printf '</article><footer><p>جميع الحقوق محفوظة</p></footer></body></html>\n'
    } >"$1/004.html"
    printf '%s' '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><title>Café talks between the two sides go on through the night - Example News</title></head><body><div class="story"><p>“The talks went on all night,” said the mediator, who asked not to be named because the meetings were private.</p><p>Both sides agreed to meet again next week in the same café near the old town square.</p></div></body></html>' \
        | iconv -f UTF-8 -t WINDOWS-1252 >"$1/cafe-talks"
}

boot() {
    systemd-nspawn -D "$rootfs" --register=no --keep-unit --boot >"$work/console.log" 2>&1 &
    nspawn=$!
    # The container's PID 1 is nspawn's child once it has become systemd.
    for _ in $(seq 1 300); do
        container=$(pgrep -P "$nspawn" -x systemd | head -1)
        [ -n "$container" ] && break
        sleep 0.1
    done
    [ -n "${container:-}" ] || { log "the container did not start"; cat "$work/console.log"; exit 1; }
    local state
    state=$(timeout 60 nsenter -t "$container" -a systemctl is-system-running --wait 2>/dev/null)
    log "container systemd is $state (pid $container on the host)"
}

# A PostgreSQL for the fleet on the host's loopback, which the container shares; Debian's server
# (make deps installs it), run as the postgres user with password authentication.
pg_password='e2e fleet ☂ password'
start_postgres() {
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    # Not under $work, which only root may enter.
    pg_dir=$(mktemp -d /var/tmp/ingestd-e2e-postgres.XXXXXX)
    printf '%s\n' "$pg_password" >"$pg_dir/password" && chown -R postgres: "$pg_dir"
    pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U ingestd --auth=scram-sha-256 --pwfile="$pg_dir/password" \
        -E UTF8 --locale=C >/dev/null &&
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
        -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1" start >/dev/null &&
    PGPASSWORD=$pg_password "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U ingestd fleet
}
fleet_sql() { PGPASSWORD=$pg_password "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U ingestd -d fleet -At -c "$1"; }

poweroff() {
    if [ -n "${pg_dir:-}" ]; then
        runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1
        rm -rf "$pg_dir"
    fi
    if [ -n "${container:-}" ]; then
        nsenter -t "$container" -a systemctl poweroff >/dev/null 2>&1 || true
        for _ in $(seq 1 100); do kill -0 "$nspawn" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$nspawn" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap poweroff EXIT

inside() { nsenter -t "$container" -a "$@"; }
show() { inside systemctl show -P "$1" ingestd.service; }
journal_lines() { inside cat /var/lib/ingestd/journal.jsonl 2>/dev/null | wc -l; }
wait_for() { # wait_for SECONDS COMMAND...: true once the command succeeds
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do [ $SECONDS -ge $deadline ] && return 1; sleep 0.2; done
}
journal_has() { [ "$(journal_lines)" -ge "$1" ]; }
active() { [ "$(show ActiveState)" = active ]; }
main_pid_is_not() { local pid; pid=$(show MainPID); [ "$pid" != 0 ] && [ "$pid" != "$1" ] && active; }
as_producer() { inside runuser -u producer -- "$@"; }

ensure_tools
prepare_rootfs
boot

# Install: the maintainer scripts create the user and directories, enable and start the service.
check "dpkg -i installs the package" inside dpkg -i /opt/e2e/ingestd.deb
# The README's set-up for the metrics file: the service's user may write the textfile directory.
check "setfacl lets ingestd write node_exporter's textfile directory" inside setfacl -m u:ingestd:rwx /var/lib/prometheus/node-exporter
check "systemctl start ingestd returns 0" inside systemctl start ingestd
check "the unit is active (READY=1 reached)" active
check "the unit is enabled" inside systemctl is-enabled --quiet ingestd
check "the inbox is setgid and group-writable" test "$(inside stat -c '%A %G' /var/spool/ingestd/inbox)" = "drwxrwsr-x ingestd"

# A producer in group ingestd drops the seeds and can read the journal.
inside useradd --create-home producer
inside usermod -aG ingestd producer
check "a producer in group ingestd can drop files" as_producer sh -c 'cp /opt/e2e/seeds/*.txt /var/spool/ingestd/inbox/'
check "the five seeds are journaled" wait_for 20 journal_has 5
check "the producer can tail the journal" sh -c "nsenter -t $container -a runuser -u producer -- tail -n 5 /var/lib/ingestd/journal.jsonl >/dev/null"
check "all five are articles" test "$(inside cat /var/lib/ingestd/journal.jsonl | jq -r .event | sort | uniq -c | tr -s ' ')" = " 5 article"
check "StatusText shows the counts" wait_for 5 sh -c "systemctl --version >/dev/null; [ \"\$(nsenter -t $container -a systemctl show -P StatusText ingestd)\" = '5 articles, 0 duplicates, 0 rejected, 0 waiting' ]"
log "StatusText: $(show StatusText)"

# Reload (SIGHUP) keeps it active.
check "systemctl reload returns 0" inside systemctl reload ingestd
check "active after reload" active
check "the reload reopened the journal (SIGHUP)" sh -c "nsenter -t $container -a journalctl -u ingestd -o cat | grep -q 'Reopened the journal'"

# kill -9 of the main process: systemd restarts it and no file is lost or doubled.
old=$(show MainPID)
restarts=$(show NRestarts)
for i in $(seq 1 40); do as_producer sh -c "cp /opt/e2e/seeds/00$((i % 5))_*.txt /var/spool/ingestd/inbox/k$i.txt"; done
inside sh -c "kill -9 $old"
for i in $(seq 41 60); do as_producer sh -c "cp /opt/e2e/seeds/00$((i % 5))_*.txt /var/spool/ingestd/inbox/k$i.txt"; done
check "restarted after kill -9" wait_for 30 main_pid_is_not "$old"
check "NRestarts went up" test "$(show NRestarts)" -gt "$restarts"
check "all 65 files journaled after the kill" wait_for 30 journal_has 65
check "exactly one record per file" test "$(inside cat /var/lib/ingestd/journal.jsonl | jq -r .file | sort | uniq -d | wc -l)" = 0
check "ingestd verify accepts the journal" inside ingestd verify --journal /var/lib/ingestd/journal.jsonl

# Web pages: the article read out of the page, the same id as the text file it holds.
record_of() { inside cat /var/lib/ingestd/journal.jsonl | jq -c "select(.file == \"$1\")"; }
check "a producer can drop web pages" as_producer sh -c 'cp /opt/e2e/pages/004.html /opt/e2e/pages/cafe-talks /var/spool/ingestd/inbox/'
check "both pages are journaled" wait_for 20 journal_has 67
check "the page holding seed 004 is a duplicate of it" test "$(record_of 004.html | jq -r .event)" = duplicate
check "the Windows-1252 page without an extension is an article" test "$(record_of cafe-talks | jq -r .event)" = article
cafe_body=$(record_of cafe-talks | jq -r .body)
check "its text was converted from Windows-1252" grep -q '“The talks went on all night,” said' <<<"$cafe_body"
check "ingestd parse prints a page's record" sh -c "nsenter -t $container -a ingestd parse /opt/e2e/pages/cafe-talks | jq -e '.title == \"Café talks between the two sides go on through the night\"' >/dev/null"

# A stopped (SIGSTOP) daemon misses its watchdog pings and is killed and restarted.
inside mkdir -p /etc/systemd/system/ingestd.service.d
printf '[Service]\nWatchdogSec=2s\n' >"$rootfs/etc/systemd/system/ingestd.service.d/watchdog.conf"
inside systemctl daemon-reload
inside systemctl restart ingestd
old=$(show MainPID)
inside sh -c "kill -STOP $old"
check "the watchdog kills a stopped daemon and systemd restarts it" wait_for 30 main_pid_is_not "$old"
check "systemd logged the watchdog timeout" sh -c "nsenter -t $container -a journalctl -u ingestd -o cat | grep -qi 'watchdog timeout'"
rm "$rootfs/etc/systemd/system/ingestd.service.d/watchdog.conf"
inside systemctl daemon-reload
inside systemctl restart ingestd

# The sandbox, measured by systemd itself.
exposure=$(inside systemd-analyze security ingestd.service 2>/dev/null | sed -n 's/.*Overall exposure level for ingestd.service: \([0-9.]*\).*/\1/p')
log "systemd-analyze security ingestd: exposure $exposure"
check "exposure level is at most 1.0" awk -v e="${exposure:-99}" 'BEGIN { exit !(e <= 1.0) }'
check "no error in the service's log" sh -c "! nsenter -t $container -a journalctl -u ingestd --no-pager -p err -q | grep -v 'watchdog\|Watchdog\|SIGABRT\|core' | grep -q ."

# Operating it: the metrics file, and logs in the journal with priorities and fields.
metrics_match() { # metrics_match FIRST_LINE: the counters against the journal's lines from FIRST_LINE on
    "$cache/venv/bin/python" - "$rootfs/var/lib/prometheus/node-exporter/ingestd.prom" "$rootfs/var/lib/ingestd/journal.jsonl" "$1" <<'PY'
import json, sys
from prometheus_client.parser import text_string_to_metric_families
samples = {}
for family in text_string_to_metric_families(open(sys.argv[1]).read()):
    for sample in family.samples:
        samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
lines = open(sys.argv[2]).read().splitlines()
since_start = [json.loads(line) for line in lines[int(sys.argv[3]) - 1:]]
everything = [json.loads(line) for line in lines]
for event in ("article", "duplicate", "rejected"):
    assert samples[("ingestd_records_total", (("event", event),))] == sum(r["event"] == event for r in since_start), event
    assert samples[("ingestd_journal_records", (("event", event),))] == sum(r["event"] == event for r in everything), event
assert samples[("ingestd_bytes_total", ())] == sum(r.get("bytes", 0) for r in since_start)
assert samples[("ingestd_last_seq", ())] == everything[-1]["seq"]
assert samples[("ingestd_waiting_files", ())] == 0
assert samples[("ingestd_journal_fdatasync_seconds_count", ())] >= 1
PY
}
inside systemctl restart ingestd
first=$(( $(journal_lines) + 1 ))
for i in 1 2 3; do as_producer sh -c "cp /opt/e2e/seeds/00${i}_*.txt /var/spool/ingestd/inbox/m$i.txt"; done
as_producer sh -c 'printf "\000\001\002" > /var/spool/ingestd/inbox/photo.png'
check "the files after the restart are journaled" wait_for 20 journal_has $((first + 3))
check "the metrics file parses with prometheus_client and its counts match the journal" wait_for 10 metrics_match "$first"
check "the metrics file is readable by others (node_exporter's user)" test "$(inside stat -c %a /var/lib/prometheus/node-exporter/ingestd.prom)" = 644
journal_json() { inside journalctl -u ingestd --no-pager -o json "$@"; }
check "journalctl INGESTD_FILE= finds the warning about the rejected file" \
    wait_for 10 sh -c "nsenter -t $container -a journalctl -u ingestd --no-pager -p warning -o cat INGESTD_FILE=photo.png | grep -q 'A file was rejected'"
photo=$(journal_json INGESTD_FILE=photo.png | tail -1)
check "its priority is warning and it carries the record's seq and where it was logged" \
    test "$(jq -r '[.PRIORITY, .INGESTD_SEQ, (.CODE_FILE | test("IngestLoop"))] | join(" ")' <<<"$photo")" = "4 $(record_of photo.png | jq .seq) true"
inside chmod 000 /var/lib/ingestd/journal.jsonl
inside systemctl reload ingestd
check "a journal that cannot be reopened shows in journalctl -p err" \
    wait_for 10 sh -c "nsenter -t $container -a journalctl -u ingestd --no-pager -p err -o cat | grep -q 'Could not reopen the journal'"
check "with its errno (EACCES) in ERRNO" \
    sh -c "nsenter -t $container -a journalctl -u ingestd --no-pager -p err -o json | jq -r 'select(.MESSAGE | startswith(\"Could not reopen\")) | .ERRNO' | grep -qx 13"
check "informational messages are not errors" sh -c "! nsenter -t $container -a journalctl -u ingestd --no-pager -p err -o cat | grep -q 'ingestd started'"
inside chmod 640 /var/lib/ingestd/journal.jsonl
inside systemctl reload ingestd
check "ingestd stats counts the journal" sh -c "nsenter -t $container -a ingestd stats --journal /var/lib/ingestd/journal.jsonl --json | jq -e \".records == $(journal_lines)\" >/dev/null"

# The fleet: ingestd-ship.service ships the journal to PostgreSQL, the password a credential.
check "a PostgreSQL for the fleet starts on the host's loopback" start_postgres
mkdir -p "$rootfs/etc/ingestd"
printf 'INGESTD_DATABASE=postgres://ingestd@127.0.0.1:%s/fleet\nINGESTD_HOST=e2e-host\n' "$pg_port" >"$rootfs/etc/ingestd/ship.env"
printf '%s\n' "$pg_password" >"$rootfs/etc/ingestd/db-password" && chmod 0600 "$rootfs/etc/ingestd/db-password"
check "systemctl start ingestd-ship returns 0 (READY=1)" inside systemctl start ingestd-ship
shipped_all() { [ "$(fleet_sql "SELECT count(*) FROM ingestd_records WHERE host = 'e2e-host'")" = "$(journal_lines)" ]; }
check "every journal record is shipped, once" wait_for 30 shipped_all
check "no (host, seq) twice" test "$(fleet_sql "SELECT count(*) - count(DISTINCT seq) FROM ingestd_records")" = 0
check "its status shows no lag" wait_for 5 sh -c "nsenter -t $container -a systemctl show -P StatusText ingestd-ship | grep -q 'lag 0 records'"
ship_metric() { awk -v name="$1" '$1 == name { print $2 + 0 }' "$rootfs/var/lib/prometheus/node-exporter/ingestd-ship.prom" 2>/dev/null; }
last_seq() { inside tail -n 1 /var/lib/ingestd/journal.jsonl | jq .seq; }
ship_metrics_caught_up() { [ "$(ship_metric ingestd_ship_lag_records)" = 0 ] && [ "$(ship_metric ingestd_ship_shipped_seq)" = "$(last_seq)" ]; }
check "its metrics file says the same: lag 0, the last seq shipped" wait_for 10 ship_metrics_caught_up
as_producer sh -c 'cp /opt/e2e/seeds/004_*.txt /var/spool/ingestd/inbox/late.txt'
late_is_duplicate() { [ "$(fleet_sql "SELECT fleet_event FROM ingestd_records WHERE record->>'file' = 'late.txt'")" = duplicate ]; }
check "a file dropped later is shipped too, as a fleet duplicate of its seed" wait_for 30 late_is_duplicate
consumed() { PGPASSWORD=$pg_password inside ingestd consume --database "postgres://ingestd@127.0.0.1:$pg_port/fleet" | wc -l; }
check "ingestd consume prints every shipped record" test "$(consumed)" = "$(journal_lines)"
check "systemctl stop ingestd-ship returns 0" inside systemctl stop ingestd-ship
check "the shipper stopped with Result=success" test "$(inside systemctl show -P Result ingestd-ship)" = success
# Rotated journals: two rotations while the shipper is stopped, as logrotate makes them
# (delaycompress: journal.jsonl.1 plain, journal.jsonl.2.gz compressed); it ships them all.
journaled() { inside grep -q "\"file\":\"$1\"" /var/lib/ingestd/journal.jsonl; }
drop_and_wait() { as_producer sh -c "cp /opt/e2e/seeds/00$1_*.txt /var/spool/ingestd/inbox/$2" && wait_for 30 journaled "$2"; }
rotate() { inside sh -c 'cd /var/lib/ingestd && if [ -e journal.jsonl.1 ]; then mv journal.jsonl.1 journal.jsonl.2 && gzip journal.jsonl.2; fi && mv journal.jsonl journal.jsonl.1' && inside systemctl reload ingestd; }
drop_then_rotate() { drop_and_wait "$1" "$2" && rotate; }
check "a record journaled, then the journal rotated" drop_then_rotate 0 rotated-a.txt
check "another, then a second rotation compresses the first" drop_then_rotate 1 rotated-b.txt
check "a third in the new journal" drop_and_wait 2 rotated-c.txt
check "journal.jsonl.2.gz is there" inside test -s /var/lib/ingestd/journal.jsonl.2.gz
all_records() { inside sh -c 'cd /var/lib/ingestd && { zcat journal.jsonl.2.gz; cat journal.jsonl.1 journal.jsonl; }' | wc -l; }
check "systemctl start ingestd-ship returns 0 again" inside systemctl start ingestd-ship
shipped_rotated() { [ "$(fleet_sql "SELECT count(*) FROM ingestd_records WHERE host = 'e2e-host'")" = "$(all_records)" ]; }
check "the records of journal.jsonl.2.gz, journal.jsonl.1 and journal.jsonl are all shipped, once" wait_for 30 shipped_rotated
check "rotated-a.txt, from the compressed journal, among them" test "$(fleet_sql "SELECT count(*) FROM ingestd_records WHERE record->>'file' = 'rotated-a.txt'")" = 1
check "no (host, seq) twice after the rotations" test "$(fleet_sql "SELECT count(*) - count(DISTINCT seq) FROM ingestd_records")" = 0
check "systemctl stop ingestd-ship returns 0 again" inside systemctl stop ingestd-ship

# Stop, remove (data kept), purge (data gone).
check "systemctl stop returns 0" inside systemctl stop ingestd
check "stopped with Result=success" test "$(show Result)" = success
check "dpkg -r removes the package" inside dpkg -r ingestd
check "remove keeps the journal" inside test -s /var/lib/ingestd/journal.jsonl
check "dpkg --purge purges it" inside dpkg --purge ingestd
check "purge deletes the journal and the spool" inside sh -c '! test -e /var/lib/ingestd && ! test -e /var/spool/ingestd'
check "purge leaves no unit behind" inside sh -c '! test -e /lib/systemd/system/ingestd.service'

if [ $failed -gt 0 ]; then
    log "--- journalctl -u ingestd (last 40 lines) ---"
    inside journalctl -u ingestd --no-pager -n 40 || true
fi
log "$passed passed, $failed failed"
[ $failed -eq 0 ]
