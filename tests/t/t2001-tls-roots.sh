#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The hardening guide's virtual roots: the five TLS-required ones answer on
# HTTPS and refuse plain HTTP with 403 "SSL is required"; the others are
# reachable on HTTP. The TLS policy refuses old protocols and ciphers.
. "$(dirname "$0")/lib.sh"

D="$T/data"
init_data "$D" || { fail "init"; exit 1; }
start_server "$D" || { fail "server starts"; exit 1; }
pass "server starts (ready https=$HTTPS_PORT http=$HTTP_PORT)"
expect "HTTP port is the HTTPS port minus one" "$HTTP_PORT" $((HTTPS_PORT - 1))

soap='<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>'
for root in ClientWebService/client.asmx SimpleAuthWebService/SimpleAuth.asmx \
	ServerSyncWebService/ServerSyncWebService.asmx DssAuthWebService/DssAuthWebService.asmx \
	ApiRemoting30/api/v1/updates; do
	name=${root%%/*}
	code=$(oc "$D" -o "$T/body" -w '%{http_code}' -X POST -H 'Content-Type: text/xml' \
		-H 'SOAPAction: "urn:test"' --data "$soap" "$(https_url "/$root")")
	check "$name reachable on HTTPS (not 403/404: $code)" test "$code" != 403 -a "$code" != 404
	if [ "$name" != ApiRemoting30 ]; then
		expect_match "$name answers a SOAP 1.1 fault" "$(cat "$T/body")" \
			'<soap:Fault><faultcode>soap:(Client|Server)</faultcode>.*<ErrorCode>(InvalidParameters|InternalServerError)</ErrorCode>'
	fi
	code=$(oc "$D" -o "$T/body" -w '%{http_code}' -X POST --data "$soap" "$(http_url "/$root")")
	expect "$name on plain HTTP is 403" "$code" 403
	expect_match "$name 403 says SSL is required" "$(cat "$T/body")" "SSL is required"
	code=$(oc "$D" -o /dev/null -w '%{http_code}' "http://$FQDN:$HTTPS_PORT/$root" 2>/dev/null)
	check "$name: plain HTTP on the HTTPS port gets no HTTP answer" test "$code" = 000
done
expect_match "refusals are logged" "$(cat "$SERVER_LOG")" "refused plain HTTP request to TLS-required root /ClientWebService"

lower=$(oc "$D" -o /dev/null -w '%{http_code}' "$(http_url /clientwebservice/CLIENT.ASMX)")
expect "virtual roots match case-insensitively (403 on HTTP)" "$lower" 403
code=$(oc "$D" -o /dev/null -w '%{http_code}' -X POST --data "$soap" "$(http_url /ReportingWebService/ReportingWebService.asmx)")
expect "ReportingWebService answers on HTTP (fault, not 403)" "$code" 500
code=$(oc "$D" -o /dev/null -w '%{http_code}' -X POST --data "$soap" "$(https_url /ReportingWebService/ReportingWebService.asmx)")
expect "ReportingWebService answers on HTTPS too" "$code" 500
for root in Inventory SelfUpdate; do
	code=$(oc "$D" -o /dev/null -w '%{http_code}' "$(http_url "/$root/x")")
	expect "$root is not TLS-required (404: nothing published)" "$code" 404
done
code=$(oc "$D" -o /dev/null -w '%{http_code}' "$(https_url /nosuchroot)")
expect "unknown root is 404" "$code" 404
code=$(oc "$D" -o /dev/null -w '%{http_code}' "$(https_url /ClientWebService/client.asmx)")
expect "GET on a SOAP service is 405" "$code" 405

# TLS policy.
tls() { openssl s_client -connect "127.0.0.1:$HTTPS_PORT" -servername "$FQDN" -CAfile "$D/tls/ca.pem" "$@" </dev/null >"$T/tls.out" 2>&1; }
check "TLS 1.3 handshake verifies against the lab CA" tls -tls1_3 -verify_return_error
check "TLS 1.2 with ECDHE-ECDSA-AES128-GCM-SHA256" tls -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256 -verify_return_error
check "TLS 1.1 is refused" bash -c "! openssl s_client -connect 127.0.0.1:$HTTPS_PORT -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' </dev/null >/dev/null 2>&1"
check "TLS 1.2 CBC cipher is refused" bash -c "! openssl s_client -connect 127.0.0.1:$HTTPS_PORT -tls1_2 -cipher ECDHE-ECDSA-AES128-SHA256 </dev/null >/dev/null 2>&1"
check "TLS 1.2 without ECDHE (static RSA/DHE) is refused" bash -c "! openssl s_client -connect 127.0.0.1:$HTTPS_PORT -tls1_2 -cipher 'AES128-GCM-SHA256:DHE-RSA-AES128-GCM-SHA256' </dev/null >/dev/null 2>&1"
tls -tls1_2 -showcerts
expect "the complete chain is served (leaf + CA)" "$(grep -c 'BEGIN CERTIFICATE' "$T/tls.out")" 2
expect_match "no TLS compression" "$(cat "$T/tls.out")" "Compression: NONE"

expect_match "access log line has peer, port, method, path, status, bytes, duration" \
	"$(grep 'access ' "$SERVER_LOG" | tail -n 1)" \
	"access peer=127\.0\.0\.1:[0-9]+ port=$HTTPS_PORT method=GET path=\"/ClientWebService/client.asmx\" status=405 bytes=[0-9]+ ms=[0-9]+"
stop_server
expect "SIGTERM exits 0" "$STOP_STATUS" 0
expect_match "server logs that it stopped" "$(tail -n 2 "$SERVER_LOG")" "stopped"
finish
