#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/tools/wusp-client, the MS-WUSP client later tests drive the server
# with: strict arguments (exit 2 with a message naming the bad one), a
# transport failure (exit 4), a server certificate from another CA (exit
# 4), and against the real server the handshake lines of scan and report.
# The server does not answer SyncUpdates or ReportEventBatch yet: until it
# does, the run ends with exit 3 and a "fault OP ..." line; once it does,
# with exit 0. Both are accepted, the handshake lines are not negotiable.
. "$(dirname "$0")/lib.sh"

CLIENT=${WUSP_CLIENT:-$(dirname "$OPENWSUS")/tools/wusp-client}
ID=0b6a4c1e-2f61-4b8e-9d3c-5a7e1f20c001
UPD=0c6e5b4a-3d2f-4e1a-8b9c-7d6e5f4a3b2c
D="$T/data"
init_data "$D" || { fail "init"; exit 1; }
CA="$D/tls/ca.pem"

# wc NAME ARGS...: runs the client; stdout, stderr and status in
# $T/NAME.out, $T/NAME.err and RC.
wc() {
	local name=$1
	shift
	"$CLIENT" "$@" >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
}

# Usage errors: exit 2 and a message naming the argument.
usage_case() { # NAME REGEX ARGS...
	local name=$1 re=$2
	shift 2
	wc usage "$@"
	expect "$name: exit 2" "$RC" 2
	expect_match "$name: the message names it" "$(head -n 1 "$T/usage.err")" "$re"
	expect "$name: nothing on stdout" "$(cat "$T/usage.out")" ""
}
URL=https://$FQDN:8531
usage_case "no arguments" '--url is required'
usage_case "no --url" '--url is required' --ca "$CA" --client-id "$ID" scan
usage_case "an http:// url" "--url must be https://NAME:PORT, not 'http://" \
	--url "http://$FQDN:8530" --ca "$CA" --client-id "$ID" scan
usage_case "a url without port" '--url must be https://NAME:PORT' --url "https://$FQDN" --ca "$CA" \
	--client-id "$ID" scan
usage_case "a url with a path" '--url must be https://NAME:PORT' --url "$URL/ClientWebService" \
	--ca "$CA" --client-id "$ID" scan
usage_case "a url with credentials" '--url must be https://NAME:PORT' \
	--url "https://u:p@$FQDN:8531" --ca "$CA" --client-id "$ID" scan
usage_case "a missing --ca file" "--ca '$T/none.pem' cannot be read" --url "$URL" --ca "$T/none.pem" \
	--client-id "$ID" scan
usage_case "no --client-id" '--client-id is required' --url "$URL" --ca "$CA" scan
usage_case "a client id with a blank" "--client-id must be .*, not 'bad id'" --url "$URL" --ca "$CA" \
	--client-id 'bad id' scan
usage_case "a client id of 64 characters" '--client-id must be 1\.\.63' --url "$URL" --ca "$CA" \
	--client-id "$(printf 'a%.0s' $(seq 64))" scan
usage_case "a group with a control character" '--group must be printable' --url "$URL" --ca "$CA" \
	--client-id "$ID" --group "$(printf 'a\tb')" scan
usage_case "a bad --resolve" '--resolve must be NAME:PORT:ADDR' --url "$URL" --ca "$CA" \
	--resolve "$FQDN:x:127.0.0.1" --client-id "$ID" scan
usage_case "an unknown option" "unknown option '--proxy'" --proxy x --url "$URL" --ca "$CA" \
	--client-id "$ID" scan
usage_case "no COMMAND" 'no COMMAND' --url "$URL" --ca "$CA" --client-id "$ID"
usage_case "an unknown COMMAND" "unknown COMMAND 'install'" --url "$URL" --ca "$CA" --client-id "$ID" install
usage_case "report without events" 'report takes 1\.\.' --url "$URL" --ca "$CA" --client-id "$ID" report
for ev in "183:not-a-guid:1:0" "183:$UPD:1" "183:$UPD:1:0:9" "x:$UPD:1:0" "40000:$UPD:1:0" \
	"183:$UPD:-1:0" "183:$UPD:1:0x123456789" "183:$UPD:1:0xg1" "183:$UPD:1:4294967295"; do
	usage_case "the event $ev" "EVENT must be .*, not '$ev'" --url "$URL" --ca "$CA" --client-id "$ID" \
		report "183:$UPD:1:0x80240022" "$ev"
done

# A closed port: a transport error, exit 4 with curl's message.
closed=
for try in $(seq 1 20); do
	p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
	if port_free "$p"; then closed=$p; break; fi
done
wc closed --url "https://$FQDN:$closed" --ca "$CA" --resolve "$FQDN:$closed:127.0.0.1" \
	--client-id "$ID" scan
expect "a closed port: exit 4" "$RC" 4
expect_match "...with the transport's message" "$(cat "$T/closed.err")" '^wusp-client: GetConfig: .*(refused|connect)'
expect "...and nothing on stdout" "$(cat "$T/closed.out")" ""

printf 'correct horse battery\n' | "$OPENWSUS" user add --data "$D" alice --role administrators >/dev/null
start_server "$D" || { fail "server starts"; exit 1; }
SRV=(--url "https://$FQDN:$HTTPS_PORT" --ca "$CA" --resolve "$FQDN:$HTTPS_PORT:127.0.0.1")

# Another lab CA than the one that issued the server's certificate.
init_data "$T/other" || fail "second init"
wc otherca --url "https://$FQDN:$HTTPS_PORT" --ca "$T/other/tls/ca.pem" \
	--resolve "$FQDN:$HTTPS_PORT:127.0.0.1" --client-id "$ID" scan
expect "a certificate from another CA: exit 4" "$RC" 4
expect_match "...said as a certificate problem" "$(cat "$T/otherca.err")" '[Cc]ertificate|SSL'

# scan: the handshake, then SyncUpdates (a fault until the server has it).
wc scan "${SRV[@]}" --client-id "$ID" --dns client1.example.test --group 'Ring 1' scan
expect "scan: config line" "$(sed -n 1p "$T/scan.out")" "config protocol 3.2"
expect "scan: cookie line" "$(sed -n 2p "$T/scan.out")" "cookie ok"
expect "scan: registered line" "$(sed -n 3p "$T/scan.out")" "registered"
case $RC in
0)
	pass "scan: exit 0"
	expect_match "scan: a first sync page" "$(sed -n 4p "$T/scan.out")" '^sync 1 [0-9]+ [0-9]+ (true|false)$'
	expect_match "scan: the driver pass" "$(cat "$T/scan.out")" 'driver_sync_not_needed (true|false)'
	bad_lines=$(grep -Ev '^(config|cookie|registered|sync|update|changed|driver_sync_not_needed|ext|file) ' \
		"$T/scan.out" | grep -Ev '^(cookie ok|registered)$')
	expect "scan: every line is a known fact" "$bad_lines" ""
	;;
3)
	pass "scan: exit 3 (the server has no SyncUpdates yet)"
	expect_match "scan: the fault names SyncUpdates" "$(cat "$T/scan.err")" '^fault SyncUpdates [A-Za-z]+ '
	;;
*) fail "scan: exit $RC: $(cat "$T/scan.err")" ;;
esac
oc "$D" -o "$T/computers.json" -u 'alice:correct horse battery' "$(https_url /ApiRemoting30/api/v1/computers)"
expect_match "the client is registered under its id and DNS name" "$(cat "$T/computers.json")" \
	"\"computer_id\":\"$ID\",\"name\":\"client1.example.test\""

# report: the handshake, then ReportEventBatch (a fault until it is served).
wc report "${SRV[@]}" --client-id "$ID" report "183:$UPD:1:0" "184:$UPD:1:0x80240022"
expect "report: handshake lines" "$(head -n 3 "$T/report.out" | tr '\n' ' ')" \
	"config protocol 3.2 cookie ok registered "
case $RC in
0) expect "report: two events reported" "$(sed -n 4p "$T/report.out")" "reported 2" ;;
3) expect_match "report: the fault names ReportEventBatch" "$(cat "$T/report.err")" \
	'^fault ReportEventBatch [A-Za-z]+ ' ;;
*) fail "report: exit $RC: $(cat "$T/report.err")" ;;
esac

stop_server
expect "SIGTERM exits 0" "$STOP_STATUS" 0
finish
