#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Slow clients: 1,000 connections to the HTTP port and 500 to the HTTPS port,
# half silent and half sending bytes one at a time, do not stop a normal
# client from completing a whole scan (wusp-client: the Windows call
# sequence over HTTPS) and downloads; the byte-at-a-time ones are cut off
# by the head timeout (OW_HEADER_TIMEOUT_MS), the TLS ones by the handshake
# timeout. Loopback, bounded in count and time.
. "$(dirname "$0")/lib.sh"

ulimit -n 8192 2>/dev/null || ulimit -n 4096 2>/dev/null
SLOW=$(dirname "$OPENWSUS")/tools/slow-clients
CLIENT=$(dirname "$OPENWSUS")/tools/wusp-client
SCAN=$(cd "$(dirname "$0")/../.." && pwd)/../shared/fixtures/wsus-rs/docs/fixtures/wsus-m0-native/scan
D="$T/data"
init_data "$D" || { fail "init"; exit 1; }
head -c 3000000 /dev/urandom >"$T/f.cab"
path=$("$OPENWSUS" content import --data "$D" "$T/f.cab")
start_server "$D" || { fail "server starts"; exit 1; }

"$SLOW" "$HTTP_PORT" 1000 13 >"$T/slow.out" 2>&1 &
slow=$!
"$SLOW" "$HTTPS_PORT" 500 13 >"$T/slow-tls.out" 2>&1 &
slow_tls=$!
for i in $(seq 1 50); do grep -q '^opened' "$T/slow.out" && grep -q '^opened' "$T/slow-tls.out" && break; sleep 0.1; done
expect "1000 slow connections to the HTTP port are open" "$(head -n 1 "$T/slow.out")" "opened 1000"
expect "500 slow connections to the HTTPS port are open" "$(head -n 1 "$T/slow-tls.out")" "opened 500"
"$CLIENT" --url "https://$FQDN:$HTTPS_PORT" --ca "$D/tls/ca.pem" --resolve "$FQDN:$HTTPS_PORT:127.0.0.1" \
	--client-id 0f0e0d0c-1111-4222-8333-444455556666 --dns pc1.example.test scan >"$T/scan.out" 2>&1
expect "meanwhile a whole client scan completes (exit 0)" "$?" 0
expect_match "...through registration and the sync" "$(cat "$T/scan.out")" "registered"
ok=0
for i in 1 2 3 4 5; do
	code=$(oc "$D" -o "$T/cfg.xml" -w '%{http_code}' -X POST \
		-H 'SOAPAction: "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetConfig"' \
		--data-binary @"$SCAN/000001/request.body" "$(https_url /ClientWebService/client.asmx)")
	[ "$code" = 200 ] && ok=$((ok + 1))
	oc "$D" -o "$T/got" "$(http_url "$path")" && cmp -s "$T/got" "$T/f.cab" && ok=$((ok + 1))
done
expect "meanwhile a normal client's GetConfig and downloads all succeed" "$ok" 10
wait "$slow"
wait "$slow_tls"
expect_match "the slow TLS connections were cut off too" "$(tail -n 1 "$T/slow-tls.out")" \
	'closed by the server ([1-9][0-9][0-9]|500),'
expect_match "the byte-at-a-time half was cut off by the head timeout" "$(tail -n 1 "$T/slow.out")" \
	'closed by the server (5[0-9][0-9]|[6-9][0-9][0-9]|1000),'
check "the cut-offs are logged" grep -q "request not received in time" "$SERVER_LOG"
expect "the server still answers" "$(oc "$D" -o /dev/null -w '%{http_code}' "$(http_url "$path")")" 200
stop_server
expect "SIGTERM exits 0" "$STOP_STATUS" 0
finish
