# SPDX-License-Identifier: MIT
# Shared helpers for integration scripts: a scratch directory removed on
# exit, a server started on ports chosen at run time, curl pinned to the
# data directory's lab CA, and PASS/FAIL reporting for tests/run.sh.
# Scripts are bash and source this file; $OPENWSUS is the binary under test.
set -u
OPENWSUS=${OPENWSUS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/openwsus}
FQDN=${FQDN:-wsus.example.test}
T=$(mktemp -d /tmp/openwsus-t.XXXXXX)
# The server, run as root, gives up root for the service user: it must be
# able to reach data directories made in here.
chmod 711 "$T"
SERVER_PID=
HTTPS_PORT=
HTTP_PORT=
FAILS=0

cleanup() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT

pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; FAILS=$((FAILS + 1)); }

# check NAME COMMAND...: PASS when the command succeeds.
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

# expect NAME GOT WANT
expect() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', want '$3'"; fi
}

# expect_match NAME TEXT REGEX
expect_match() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then pass "$1"; else fail "$1: '$2' !~ /$3/"; fi
}

port_free() {
	! ss -Htln "sport = :$1" 2>/dev/null | grep -q .
}

# init_data DIR [FQDN]: a fresh data directory.
init_data() {
	"$OPENWSUS" init --data "$1" --fqdn "${2:-$FQDN}" >"$T/init.log" 2>&1
}

# start_server DIR [serve options]: serve on a free port pair chosen now;
# sets SERVER_PID, HTTPS_PORT, HTTP_PORT and SERVER_LOG. Retries when a
# port was taken between the check and the bind.
start_server() {
	local dir=$1 try p i
	shift
	SERVER_LOG="$T/server.log"
	for try in 1 2 3 4 5 6 7 8; do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		port_free "$p" && port_free $((p - 1)) || continue
		: >"$SERVER_LOG"
		"$OPENWSUS" serve --data "$dir" --https-port "$p" "$@" >>"$SERVER_LOG" 2>&1 &
		SERVER_PID=$!
		for i in $(seq 1 100); do
			if grep -q "ready https=$p" "$SERVER_LOG"; then
				HTTPS_PORT=$p
				HTTP_PORT=$((p - 1))
				return 0
			fi
			kill -0 "$SERVER_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -TERM "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=
		grep -q "cannot listen" "$SERVER_LOG" || break
	done
	echo "server did not start:"
	cat "$SERVER_LOG"
	return 1
}

# stop_server: SIGTERM and wait; the exit status is left in STOP_STATUS.
stop_server() {
	kill -TERM "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID"
	STOP_STATUS=$?
	SERVER_PID=
}

# oc DIR curl-args...: curl pinned to DIR's lab CA, FQDN resolved to loopback.
oc() {
	local dir=$1
	shift
	curl -sS --max-time 30 --cacert "$dir/tls/ca.pem" \
		--resolve "$FQDN:$HTTPS_PORT:127.0.0.1" --resolve "$FQDN:$HTTP_PORT:127.0.0.1" "$@"
}

https_url() { echo "https://$FQDN:$HTTPS_PORT$1"; }
http_url() { echo "http://$FQDN:$HTTP_PORT$1"; }

# raw PORT: sends stdin to 127.0.0.1:PORT over plain TCP, prints the reply.
raw() {
	exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
	cat >&3
	timeout "${RAW_WAIT:-5}" cat <&3
	exec 3<&-
}

# served_serial DIR: serial of the certificate the HTTPS port presents.
served_serial() {
	openssl s_client -connect "127.0.0.1:$HTTPS_PORT" -servername "$FQDN" </dev/null 2>/dev/null |
		openssl x509 -noout -serial 2>/dev/null | sed 's/^serial=//'
}

finish() {
	[ "$FAILS" -eq 0 ]
}
