#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The hostile inputs a reviewer would try, as a table: each gets a clear
# 4xx or SOAP fault, the server keeps serving, and the store is unchanged.
. "$(dirname "$0")/lib.sh"

FIX=$(cd "$(dirname "$0")/../.." && pwd)/../shared/fixtures/wsus-rs/docs/fixtures
D="$T/data"
init_data "$D" || { fail "init"; exit 1; }
"$OPENWSUS" update import --data "$D" "$FIX"/wsus-m0-wsusss/docs/*.xml >/dev/null
printf 'correct horse battery\n' | "$OPENWSUS" user add --data "$D" alice --role administrators >/dev/null
start_server "$D" || { fail "server starts"; exit 1; }
state() {
	sqlite3 "$D/store.db" "select count(*) from update_revision; select count(*) from computer_group;
		select count(*) from approval; select count(*) from decline; select count(*) from computer;
		select count(*) from publication; select count(*) from audit_log; select count(*) from content_file;
		select count(*) from revision_relation; select count(*) from principal;" | tr '\n' ' '
}
before=$(state)

# ---- the HTTP layer, raw bytes on the plain port ------------------------------
rawrow() { # NAME EXPECTED_STATUS_REGEX PRINTF_FORMAT
	local got
	got=$(printf "$3" | RAW_WAIT=3 raw "$HTTP_PORT" 2>/dev/null | head -n 1 | tr -d '\r' | cut -d' ' -f2)
	if printf '%s' "$got" | grep -Eq "^($2)\$"; then pass "$1 -> $got"; else fail "$1: got '$got', want $2"; fi
}
long=$(head -c 17000 /dev/zero | tr '\0' a)
rawrow "oversized header" 431 "GET / HTTP/1.1\r\nX: $long\r\n\r\n"
rawrow "Content-Length with Transfer-Encoding" 400 'POST /ReportingWebService/x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'
rawrow "two different Content-Lengths" 400 'POST /ReportingWebService/x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd'
rawrow "negative Content-Length" 400 'POST /ReportingWebService/x HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n'
rawrow "Content-Length past 2^64" 400 'POST /ReportingWebService/x HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n'
rawrow "Content-Length over the body limit" 413 'POST /ReportingWebService/x HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n'
rawrow "chunk size that is not hex" 400 'POST /ReportingWebService/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n'
rawrow "chunk size past 2^64" 400 'POST /ReportingWebService/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n'
rawrow "chunked body over the limit" 413 "POST /ReportingWebService/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n500000\r\n$(head -c 70000 /dev/zero | tr '\0' a)"
rawrow "NUL in a header value" 400 'GET / HTTP/1.1\r\nHost: x\0y\r\n\r\n'
rawrow "space in a header name" 400 'GET / HTTP/1.1\r\nBad Name: x\r\n\r\n'
rawrow "garbage request line" '400|501' '\x16\x03\x01\x02\x00\x01\x00\r\n\r\n'
rawrow "HTTP/2 preface on HTTP/1.1" '400|501|505' 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'
rawrow "unknown method" '400|501' 'BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n'
rawrow "absolute-form target" 400 'GET http://evil.example/Content/x HTTP/1.1\r\nHost: x\r\n\r\n'
rawrow "invalid UTF-8 in the path" '400|404' 'GET /Content/\xff\xfe/\xc0\xaf HTTP/1.1\r\nHost: x\r\n\r\n'
rawrow "traversal in a content path" '400|404' 'GET /Content/../../openwsus.conf HTTP/1.1\r\nHost: x\r\n\r\n'
rawrow "encoded traversal in a content path" '400|404' 'GET /Content/%%2e%%2e/%%2e%%2e/openwsus.conf HTTP/1.1\r\nHost: x\r\n\r\n'
rawrow "backslash traversal in a content path" '400|404' 'GET /Content/..\\..\\openwsus.conf HTTP/1.1\r\nHost: x\r\n\r\n'
rawrow "unsupported Expect" 417 'POST /ReportingWebService/x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nExpect: 200-ok\r\n\r\nx'

# ---- the admin API (valid credentials, hostile bodies and paths) ----------------
API=$(https_url /ApiRemoting30/api/v1)
A=(-u 'alice:correct horse battery')
apirow() { # NAME EXPECTED_REGEX curl-args...
	local name=$1 want=$2 got
	shift 2
	got=$(oc "$D" -o "$T/body" -w '%{http_code}' "${A[@]}" "$@")
	if printf '%s' "$got" | grep -Eq "^($want)\$"; then pass "api: $name -> $got"; else fail "api: $name: got $got, want $want ($(head -c 200 "$T/body"))"; fi
}
deep=$(printf '[%.0s' $(seq 1 5000))
apirow "duplicate JSON keys" 400 -X POST -d '{"name":"A","name":"B"}' "$API/groups"
apirow "JSON that is not an object" 400 -X POST -d '[1,2,3]' "$API/groups"
apirow "deeply nested JSON" 400 -X POST -d "$deep" "$API/groups"
apirow "invalid UTF-8 in JSON" 400 -X POST --data-binary $'{"name":"\xff\xfe"}' "$API/groups"
apirow "NUL escape in a JSON name" 400 -X POST -d '{"name":"a\u0000b"}' "$API/groups"
apirow "control character in a group name" 400 -X POST -d '{"name":"a\u0007b"}' "$API/groups"
apirow "huge number where a boolean goes" 400 -X POST -d '{"update_id":"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe","group":"All Computers","action":"install","apply_to_children":1e999}' "$API/approvals"
apirow "wrong type for a string" 400 -X POST -d '{"name":12}' "$API/groups"
apirow "update id that is not a GUID" 400 -X POST -d '{"update_id":"../../etc","group":"All Computers","action":"install"}' "$API/approvals"
apirow "deadline far in the past syntax" 400 -X POST -d '{"update_id":"a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe","group":"All Computers","action":"install","deadline":"99999-01-01"}' "$API/approvals"
apirow "traversal in an upload id" '400|404' -X PUT --data-binary x "$API/uploads/..%2F..%2Fopenwsus.conf?offset=0"
apirow "traversal segment" 404 --path-as-is "$API/../../openwsus.conf"
apirow "percent in a path segment" 404 "$API/groups/%2e%2e"
apirow "huge offset" 400 -X PUT --data-binary x "$API/uploads/11111111-2222-4333-8444-555555555555?offset=99999999999999999999999"
apirow "huge limit" 400 "$API/updates?limit=99999999999999999999"
apirow "malformed query escape" 400 "$API/updates?q=%zz"

# ---- the SOAP services ----------------------------------------------------------
soaprow() { # NAME EXPECTED_ERRORCODE BODY
	local code
	printf '%s' "$3" >"$T/soap.req"
	oc "$D" -o "$T/soap.out" -w '' -X POST -H 'Content-Type: text/xml' \
		-H 'SOAPAction: "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetConfig"' \
		--data-binary @"$T/soap.req" "$(https_url /ClientWebService/client.asmx)"
	code=$(sed -n 's/.*<ErrorCode>\([^<]*\)<\/ErrorCode>.*/\1/p' "$T/soap.out")
	expect "soap: $1" "$code" "$2"
}
ENV='<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
END='</s:Body></s:Envelope>'
soaprow "DOCTYPE with entities" InvalidParameters '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'"$ENV&b;$END"
soaprow "external entity" InvalidParameters '<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>'"$ENV&x;$END"
soaprow "nesting 200 deep" InvalidParameters "$ENV$(printf '<a>%.0s' $(seq 1 200))$(printf '</a>%.0s' $(seq 1 200))$END"
soaprow "invalid UTF-8" InvalidParameters "$ENV<GetConfig xmlns=\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService\"><protocolVersion>$(printf '\xff\xfe')</protocolVersion></GetConfig>$END"
soaprow "unknown operation" InvalidParameters "$ENV<DropTables xmlns=\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService\"/>$END"
soaprow "SOAPAction that disagrees with the body" InvalidParameters "$ENV<GetCookie xmlns=\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService\"/>$END"
soaprow "huge revision id" InvalidParameters "$ENV<GetExtendedUpdateInfo xmlns=\"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService\"><cookie><Expiration>2026-01-01T00:00:00Z</Expiration><EncryptedData>AAAA</EncryptedData></cookie><revisionIDs><int>99999999999999999999</int></revisionIDs><infoTypes><XmlUpdateFragmentType>Core</XmlUpdateFragmentType></infoTypes></GetExtendedUpdateInfo>$END"
code=$(oc "$D" -o /dev/null -w '%{http_code}' -X POST -H 'Expect:' --data-binary @<(head -c 5000000 /dev/zero) "$(https_url /ClientWebService/client.asmx)")
expect "soap: a 5 MB body is 413" "$code" 413

expect "the server still answers" "$(oc "$D" -o /dev/null -w '%{http_code}' "${A[@]}" "$API/groups")" 200
expect "the store is unchanged by all of it" "$(state)" "$before"
check "the server is alive" kill -0 "$SERVER_PID"
stop_server
expect "SIGTERM exits 0" "$STOP_STATUS" 0
finish
