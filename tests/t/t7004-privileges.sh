#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Least privilege: serve started as root binds, then runs as the service
# user for good (all ids, no capabilities, no supplementary root group);
# refuses a data directory that is not the service user's, a missing user
# and root as the service user; maintenance verbs run by root create files
# the service user owns, while still reading inputs only root can read; the
# service manager hears READY/RELOADING/STOPPING (sd_notify). The systemd
# unit in contrib/ passes systemd's own checks.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "t7004: needs root (CI runs as root); nothing checked"
	exit 0
fi
if ! getent passwd openwsus >/dev/null; then
	fail "the service user openwsus does not exist: run 'make deps'"
	exit 1
fi
SU=$(id -u openwsus)
SG=$(id -g openwsus)
D="$T/data"
init_data "$D" || { fail "init"; cat "$T/init.log"; exit 1; }
expect "init as root: the data directory is the service user's" "$(stat -c %u:%a "$D")" "$SU:700"
expect "init as root: every file in it too" \
	"$(find "$D" ! -uid "$SU" | wc -l)" 0
expect "init as root: keys stay 0600" "$(stat -c %a "$D/tls/server.key" "$D/keys/cookie.key" | sort -u)" 600

# Inputs only root can read, imported by root: read as root, stored as the
# service user's.
mkdir -m 700 "$T/private"
printf 'privileged input\n' >"$T/private/tool.exe"
path=$("$OPENWSUS" content import --data "$D" "$T/private/tool.exe")
expect_match "content import reads a root-only input" "$path" '^/Content/[0-9A-F]{2}/[0-9A-F]{40}\.exe$'
expect "the content file and its directory are the service user's" \
	"$(stat -c %u "$D/content${path#/Content}" "$(dirname "$D/content${path#/Content}")" | sort -u)" "$SU"
printf 'long-enough-secret\n' | "$OPENWSUS" user add --data "$D" admin --role administrators >/dev/null
expect "user add as root: exit 0" "$?" 0
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
	-subj "/CN=$FQDN" -addext "subjectAltName=DNS:$FQDN" \
	-keyout "$T/private/own.key" -out "$T/private/own.pem" 2>/dev/null
"$OPENWSUS" configuressl --data "$D" "$FQDN" --cert "$T/private/own.pem" --key "$T/private/own.key" \
	>"$T/ssl.out" 2>&1
expect "configuressl reads a root-only key: exit 0" "$?" 0
expect "...and what it wrote is the service user's" "$(find "$D" ! -uid "$SU" | wc -l)" 0

# ---- serve ------------------------------------------------------------------
NOTIFY="$T/notify.sock"
python3 - "$NOTIFY" >"$T/notify.log" 2>&1 <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)   # as systemd's own socket: the server writes after its drop
s.settimeout(60)
try:
    while True:
        msg = s.recv(4096).decode()
        print(msg, flush=True)
        if msg == "STOPPING=1":
            break
except socket.timeout:
    pass
PY
LISTENER=$!
for i in $(seq 1 50); do [ -S "$NOTIFY" ] && break; sleep 0.1; done
NOTIFY_SOCKET="$NOTIFY" start_server "$D" || { fail "serve as root"; exit 1; }
status=/proc/$SERVER_PID/status
expect "Uid: real, effective, saved, fs are the service user's" \
	"$(awk '/^Uid:/ {print $2, $3, $4, $5}' "$status")" "$SU $SU $SU $SU"
expect "Gid: all four are the service group" "$(awk '/^Gid:/ {print $2, $3, $4, $5}' "$status")" "$SG $SG $SG $SG"
expect "supplementary groups: only the service group" "$(awk '/^Groups:/ {print $2 $3}' "$status")" "$SG"
expect "no capabilities left (effective, permitted)" \
	"$(awk '/^CapEff:|^CapPrm:/ {print $2}' "$status" | sort -u)" 0000000000000000
expect_match "the log says so" "$(cat "$SERVER_LOG")" "running as openwsus \\(uid $SU gid $SG\\); root given up"
expect "the pid file is the service user's" "$(stat -c %u "$D/openwsus.pid")" "$SU"
code=$(curl -sS --max-time 30 --cacert "$T/private/own.pem" --resolve "$FQDN:$HTTPS_PORT:127.0.0.1" -o /dev/null -w '%{http_code}' "$(https_url /ApiRemoting30/api/v1/updates)" -u admin:long-enough-secret)
expect "after the drop the store still answers (admin API)" "$code" 200
expect "the certificate served is the one configuressl installed" "$(served_serial "$D")" \
	"$(openssl x509 -noout -serial -in "$T/private/own.pem" | sed 's/^serial=//')"
kill -HUP "$SERVER_PID"
for i in $(seq 1 50); do grep -q "reloaded TLS settings" "$SERVER_LOG" && break; sleep 0.1; done
expect_match "SIGHUP after the drop re-reads key and certificate as the service user" \
	"$(cat "$SERVER_LOG")" "reloaded TLS settings for $FQDN"
stop_server
expect "exit 0 after SIGTERM" "$STOP_STATUS" 0
wait "$LISTENER"
expect "sd_notify: READY, RELOADING, READY, STOPPING in that order" \
	"$(tr '\n' ' ' <"$T/notify.log")" "READY=1 RELOADING=1 READY=1 STOPPING=1 "
expect "nothing in the data directory became root's while serving" "$(find "$D" ! -uid "$SU" | wc -l)" 0

# ---- refusals -----------------------------------------------------------------
try_serve() {
	timeout 20 "$OPENWSUS" serve --data "$1" --https-port 2 "${@:2}" >"$T/refused.log" 2>&1
	echo $?
}
chown root: "$D"
expect "a data directory that is root's is refused" "$(try_serve "$D")" 1
expect_match "...saying whose it is and how to fix it" "$(cat "$T/refused.log")" \
	"$D belongs to uid 0, not to the service user openwsus: chown -R openwsus: $D"
chown openwsus: "$D"
expect "a service user that does not exist is refused" "$(try_serve "$D" --user no-such-user-x)" 1
expect_match "...with the command that creates it" "$(cat "$T/refused.log")" \
	"service user 'no-such-user-x' does not exist: create it with 'useradd --system"
expect "root as the service user is refused" "$(try_serve "$D" --user root)" 1
expect_match "...naming the guide's practice" "$(cat "$T/refused.log")" "is root: name an unprivileged user"

mkdir -m 700 "$T/closed"
out=$("$OPENWSUS" init --data "$T/closed/data" --fqdn "$FQDN" 2>&1)
expect "init where the service user cannot reach: exit 1" "$?" 1
expect_match "...saying why" "$out" "the service user openwsus cannot reach $T/closed/data .*put the data directory where it can"
expect "...and leaving nothing behind" "$(ls -A "$T/closed")" ""
init_data "$T/d3" || fail "init d3"
mv "$T/d3" "$T/closed/data"
expect "a data directory moved out of the service user's reach is refused" \
	"$(try_serve "$T/closed/data")" 1
expect_match "...saying why" "$(cat "$T/refused.log")" \
	"as openwsus, $T/closed/data or .* is out of reach"

# ---- the systemd unit -----------------------------------------------------------
unit="$(dirname "$0")/../../contrib/openwsus.service"
sed "s#/usr/local/bin/openwsus#$OPENWSUS#" "$unit" >"$T/openwsus.service"
if command -v systemd-analyze >/dev/null; then
	check "systemd-analyze verify accepts contrib/openwsus.service" \
		systemd-analyze verify "$T/openwsus.service"
	exposure=$(systemd-analyze security --offline=true "$T/openwsus.service" 2>/dev/null |
		sed -n 's/.*Overall exposure level for openwsus.service: \([0-9.]*\).*/\1/p')
	expect_match "systemd's exposure score is 'OK' or better (<= 3.9): $exposure" "$exposure" '^([0-2]\.[0-9]|3\.[0-9])$'
else
	fail "systemd-analyze is missing: run 'make deps'"
fi
for key in Type=notify NoNewPrivileges=yes ProtectSystem=strict ReadWritePaths=/var/lib/openwsus \
	PrivateTmp=yes "CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_SETUID CAP_SETGID"; do
	check "the unit sets $key" grep -qx -- "$key" "$unit"
done
finish
