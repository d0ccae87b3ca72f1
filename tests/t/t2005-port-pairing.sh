#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The guide's port pairing rule with the standard ports: HTTPS on 443 means
# HTTP content on 80. Run in a network namespace of its own (unshare -n),
# where 443 and 80 are free whatever this machine runs.
. "$(dirname "$0")/lib.sh"

if ! unshare -n true 2>/dev/null; then
	fail "unshare -n is not available (needs root and util-linux)"
	exit 1
fi
D="$T/data"
init_data "$D" || { fail "init"; exit 1; }
payload="$T/p.cab"
printf 'pairing' >"$payload"
path=$("$OPENWSUS" content import --data "$D" "$payload")

unshare -n bash -c '
	ip link set lo up
	"$1" serve --data "$2" --https-port 443 >"$3/ns.log" 2>&1 &
	pid=$!
	for i in $(seq 1 100); do grep -q "ready" "$3/ns.log" && break; sleep 0.1; done
	curl -sS --max-time 10 -o "$3/content" "http://127.0.0.1:80$4"
	curl -sS --max-time 10 --cacert "$2/tls/ca.pem" --resolve "$5:443:127.0.0.1" \
		-o /dev/null -w "%{http_code}" -X POST -d x "https://$5/ClientWebService/client.asmx" >"$3/code"
	kill -TERM $pid
	wait $pid
	echo $? >"$3/exit"
' _ "$OPENWSUS" "$D" "$T" "$path" "$FQDN"
expect_match "serve --https-port 443 listens on 443 and 80" "$(cat "$T/ns.log")" "ready https=443 http=80"
expect_match "...having bound them as root, runs as the service user" "$(cat "$T/ns.log")" "running as openwsus .*root given up"
expect "content is served on port 80" "$(cat "$T/content" 2>/dev/null)" "pairing"
expect "https://NAME (port 443) reaches ClientWebService" "$(cat "$T/code" 2>/dev/null)" 500
expect "exit 0 after SIGTERM" "$(cat "$T/exit" 2>/dev/null)" 0

out=$("$OPENWSUS" serve --data "$D" --https-port 1 2>&1)
expect "an HTTPS port with no port below it is refused" "$?" 2
finish
