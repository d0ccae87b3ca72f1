#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Named limits (src/base/limits.h) seen from a client: oversized heads (431)
# and bodies (413), request smuggling (400), a slow head (408), keep-alive
# and pipelining, the connection cap, and SIGTERM finishing in-flight work.
. "$(dirname "$0")/lib.sh"

D="$T/data"
init_data "$D" || { fail "init"; exit 1; }
head -c 8000000 /dev/urandom >"$T/big.cab"
big=$("$OPENWSUS" content import --data "$D" "$T/big.cab")
sed -i 's/^max_connections = .*/max_connections = 4/' "$D/openwsus.conf"
start_server "$D" || { fail "server starts"; exit 1; }

long=$(head -c 17000 /dev/zero | tr '\0' a)
code=$(oc "$D" -o /dev/null -w '%{http_code}' -H "X-Long: $long" "$(http_url /Inventory/x)")
expect "a 17 KB header is 431" "$code" 431
hdrs=()
for i in $(seq 1 70); do hdrs+=(-H "X-H$i: v"); done
code=$(oc "$D" -o /dev/null -w '%{http_code}' "${hdrs[@]}" "$(http_url /Inventory/x)")
expect "70 header fields is 431" "$code" 431
code=$(oc "$D" -o /dev/null -w '%{http_code}' -H "X-Ok: ${long:0:8000}" "$(http_url /Inventory/x)")
expect "an 8 KB header is accepted" "$code" 404

head -c 5000000 /dev/zero >"$T/5m"
code=$(oc "$D" -o "$T/body" -w '%{http_code}' -X POST -H 'Content-Type: text/xml' \
	--data-binary @"$T/5m" "$(https_url /ClientWebService/client.asmx)")
expect "a 5 MB SOAP body is 413" "$code" 413
code=$(oc "$D" -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: text/xml' -H 'Expect:' \
	-H 'Transfer-Encoding: chunked' --data-binary @"$T/5m" "$(https_url /ClientWebService/client.asmx)")
expect "a 5 MB chunked body is 413" "$code" 413

reply=$(printf 'POST /ReportingWebService/ReportingWebService.asmx HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /Content/x HTTP/1.1\r\nHost: x\r\n\r\n' |
	RAW_WAIT=3 raw "$HTTP_PORT")
expect "Content-Length with Transfer-Encoding (smuggling) is 400" "$(head -n 1 <<<"$reply" | cut -d' ' -f2)" 400
expect "...and nothing after it is answered" "$(grep -c '^HTTP/1.1' <<<"$reply")" 1

# Pipelining: two requests in one write, two answers in order.
reply=$(printf 'GET /Inventory/a HTTP/1.1\r\nHost: x\r\n\r\nGET %s HTTP/1.1\r\nHost: x\r\nRange: bytes=0-3\r\nConnection: close\r\n\r\n' "$big" |
	RAW_WAIT=3 raw "$HTTP_PORT" | tr -d '\0' | grep -a '^HTTP/1.1' | cut -d' ' -f2 | tr '\n' ' ')
expect "pipelined requests are answered in order" "$reply" "404 206 "

# Keep-alive: curl reuses one connection for two requests.
n=$(oc "$D" -o /dev/null -o /dev/null -w '%{num_connects}\n' "$(http_url /Inventory/a)" "$(http_url /Inventory/b)" | tr '\n' ' ')
expect "keep-alive: the second request reuses the connection" "$n" "1 0 "

# A slow head (slowloris) is cut off by OW_HEADER_TIMEOUT_MS with 408.
reply=$( (printf 'GET /Inventory/x HTTP/1.1\r\nHost: x\r\n'; sleep 12) | RAW_WAIT=20 raw "$HTTP_PORT" | head -n 1)
expect_match "an unfinished head gets 408" "$reply" "HTTP/1.1 408"

# The connection cap (max_connections = 4): held connections, then one more.
for i in 1 2 3 4; do
	exec {fd}<>"/dev/tcp/127.0.0.1/$HTTP_PORT"
	held+=("$fd")
done
sleep 0.3
code=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "$(http_url /Inventory/x)" --resolve "$FQDN:$HTTP_PORT:127.0.0.1" 2>/dev/null)
expect "a connection over max_connections is closed at once" "$code" 000
expect_match "...and logged" "$(cat "$SERVER_LOG")" "connection limit \\(4\\) reached"
for fd in "${held[@]}"; do exec {fd}<&-; done
sleep 0.5
code=$(oc "$D" -o /dev/null -w '%{http_code}' "$(http_url /Inventory/x)")
expect "after they close, connections are accepted again" "$code" 404

# SIGTERM while a slow download is in flight: it completes, then exit 0.
oc "$D" --limit-rate 4M -o "$T/got" "$(http_url "$big")" &
dl=$!
sleep 0.5
kill -TERM "$SERVER_PID"
wait "$dl"
expect "the in-flight download finished after SIGTERM" "$?" 0
check "...byte-exact" cmp -s "$T/got" "$T/big.cab"
wait "$SERVER_PID"
expect "the server exited 0" "$?" 0
SERVER_PID=
code=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/Inventory/x" 2>/dev/null)
expect "nothing listens after exit" "$code" 000
finish
