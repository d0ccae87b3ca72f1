#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# MS-WUSP conformance: every request of a real Windows 11 client's scan
# (../shared/fixtures/.../wsus-m0-native/scan/000001-000010) replayed in
# order against the real server over HTTPS, with the catalog
# loaded from the fixture update documents and openwsus's own cookies
# threaded from one answer into the next request. Each answer must have the
# captured WSUS answer's structure (elements, order, namespaces). On
# purpose openwsus differs in values (cookie bytes, times) and leaves out
# GetConfig's PackageServerShare (a UNC share of the WSUS host); revision
# ids are openwsus's own, so each captured id is replaced by the id
# openwsus gave the same update before the request is sent.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FIX=$ROOT/../shared/fixtures/wsus-rs/docs/fixtures
SCAN=$FIX/wsus-m0-native/scan
SHAPE=$(dirname "$OPENWSUS")/tools/xml-shape
D="$T/data"
init_data "$D" || { fail "init"; exit 1; }
"$OPENWSUS" update import --data "$D" "$FIX"/wsus-m0-wsusss/docs/*.xml >/dev/null || fail "catalog import"
printf 'correct horse battery\n' | "$OPENWSUS" user add --data "$D" alice --role administrators >/dev/null
start_server "$D" || { fail "server starts"; exit 1; }

# call NAME SERVICE_PATH REQUEST_FILE: POSTs the request with its captured
# SOAPAction; leaves the answer in $T/NAME.xml and prints the HTTP status.
call() {
	local action
	action=$(sed -n 's/^SOAPAction: *//Ip' "$(dirname "$3")/request.headers" | tr -d '\r')
	oc "$D" -o "$T/$1.xml" -w '%{http_code}' -X POST -H 'Content-Type: text/xml; charset=utf-8' \
		-H "SOAPAction: $action" --data-binary @"$3" "$(https_url "$2")"
}
same_shape() { # NAME CAPTURED [SKIP...]
	local name=$1 captured=$2
	shift 2
	"$SHAPE" "$T/$name.xml" "$@" >"$T/$name.ours" 2>&1
	"$SHAPE" "$captured" "$@" >"$T/$name.wsus" 2>&1
	if cmp -s "$T/$name.ours" "$T/$name.wsus"; then pass "$name: same structure as WSUS's answer"
	else fail "$name: structure differs: $(diff "$T/$name.wsus" "$T/$name.ours" | head -n 6 | tr '\n' ' ')"; fi
}
CWS=/ClientWebService/client.asmx
SAS=/SimpleAuthWebService/SimpleAuth.asmx

expect "GetConfig: 200" "$(call getconfig $CWS "$SCAN/000001/request.body")" 200
same_shape getconfig "$SCAN/000001/response.body" PackageServerShare
expect_match "GetConfig: protocol 3.2, relative SimpleTargeting URL" "$(cat "$T/getconfig.xml")" \
	'<ServiceUrl>SimpleAuthWebService/SimpleAuth.asmx</ServiceUrl>.*<Name>ProtocolVersion</Name><Value>3.2</Value>'
check "the answer is text/xml; charset=utf-8" bash -c "curl -sS -D - -o /dev/null --cacert '$D/tls/ca.pem' --resolve '$FQDN:$HTTPS_PORT:127.0.0.1' -X POST -H 'SOAPAction: \"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetConfig\"' --data-binary @'$SCAN/000001/request.body' '$(https_url $CWS)' | grep -qi '^Content-Type: text/xml; charset=utf-8'"

expect "GetAuthorizationCookie: 200" "$(call authcookie $SAS "$SCAN/000002/request.body")" 200
same_shape authcookie "$SCAN/000002/response.body"
auth=$(sed -n 's/.*<CookieData>\([^<]*\)<\/CookieData>.*/\1/p' "$T/authcookie.xml")
check "an authorization cookie was issued" test -n "$auth"

# GetCookie with our authorization cookie in place of the captured one.
sed "s#<CookieData>[^<]*</CookieData>#<CookieData>$auth</CookieData>#" "$SCAN/000003/request.body" >"$T/getcookie.req"
cp "$SCAN/000003/request.headers" "$T/request.headers"
expect "GetCookie: 200" "$(call getcookie $CWS "$T/getcookie.req")" 200
same_shape getcookie "$SCAN/000003/response.body"
cookie=$(sed -n 's/.*<EncryptedData>\([^<]*\)<\/EncryptedData>.*/\1/p' "$T/getcookie.xml")
check "a client cookie was issued" test -n "$cookie"

thread() { # REQUEST_DIR OUT: the captured request with our client cookie
	sed "s#<EncryptedData>[^<]*</EncryptedData>#<EncryptedData>$cookie</EncryptedData>#" "$1/request.body" >"$2"
	cp "$1/request.headers" "$T/request.headers"
}
thread "$SCAN/000004" "$T/register.req"
expect "RegisterComputer: 200" "$(call register $CWS "$T/register.req")" 200
same_shape register "$SCAN/000004/response.body"
oc "$D" -o "$T/computers.json" -u 'alice:correct horse battery' "$(https_url /ApiRemoting30/api/v1/computers)"
expect_match "the computer is registered with its name and OS" "$(cat "$T/computers.json")" \
	'"computer_id":"e1da06a3-5601-43c9-bac3-52d5db701494","name":"REDACTED3","os":"Windows 10 Pro"'
expect_match "...in Unassigned Computers (server-side targeting)" "$(cat "$T/computers.json")" \
	'"groups":\["b73ca6ed-5727-47f3-84de-015e03f6a88a"\]'

cp "$SCAN/000005/request.headers" "$T/request.headers"
cp "$SCAN/000005/request.body" "$T/catscan.req"
expect "StartCategoryScan: 200" "$(call catscan $CWS "$T/catscan.req")" 200
same_shape catscan "$SCAN/000005/response.body"
expect_match "the known category is preferred" "$(cat "$T/catscan.xml")" '<guid>dd78b8a1-0b20-45c1-add6-4da72e9364cf</guid>'

# Faults a client follows its recovery path on.
fault_of() { sed -n 's/.*<ErrorCode>\([^<]*\)<\/ErrorCode>.*/\1/p' "$T/$1.xml"; }
bad=$(printf '%s' "$cookie" | sed 's/^\(.\{20\}\)./\1Q/')
[ "$bad" = "$cookie" ] && bad=$(printf '%s' "$cookie" | sed 's/^\(.\{20\}\)./\1R/')
sed "s#<EncryptedData>[^<]*</EncryptedData>#<EncryptedData>$bad</EncryptedData>#" "$SCAN/000004/request.body" >"$T/tampered.req"
cp "$SCAN/000004/request.headers" "$T/request.headers"
expect "a tampered client cookie: 500" "$(call tampered $CWS "$T/tampered.req")" 500
expect "...with ErrorCode InvalidCookie" "$(fault_of tampered)" InvalidCookie
sed "s#<CookieData>[^<]*</CookieData>#<CookieData>$cookie</CookieData>#" "$SCAN/000003/request.body" >"$T/swapped.req"
cp "$SCAN/000003/request.headers" "$T/request.headers"
call swapped $CWS "$T/swapped.req" >/dev/null
expect "a client cookie used as an authorization cookie: InvalidCookie" "$(fault_of swapped)" InvalidCookie
cp "$SCAN/000003/request.headers" "$T/request.headers"
call original $CWS "$SCAN/000003/request.body" >/dev/null
expect "the captured (foreign) authorization cookie: InvalidCookie" "$(fault_of original)" InvalidCookie

# The scan: 000006-000010 in order. Revision ids are each server's own, so
# the ids the captured requests carry are replaced by the ones openwsus
# gave for the same updates; cookies are threaded from our answers.
id_of() { # GUID FILE: the revision id our answer gave the update
	tr '<' '\n' <"$2" | awk -v g="$1" 'BEGIN { IGNORECASE = 1 }
		/^ID>/ { id = substr($0, 4) } index(tolower($0), "updateid=\"" tolower(g)) { print id; exit }'
}
newcookie() { sed -n 's/.*<NewCookie><Expiration>[^<]*<\/Expiration><EncryptedData>\([^<]*\)<\/EncryptedData>.*/\1/p' "$T/$1.xml"; }
MICROSOFT=56309036-4c77-4dd9-951a-99ee9c246a94 WINDOWS=6964aab4-c5b5-43bd-a17d-ffb4346a8e1d
OOBE=dd78b8a1-0b20-45c1-add6-4da72e9364cf
thread "$SCAN/000006" "$T/sync1.req"
expect "SyncUpdates 1 (category filter, empty cache): 200" "$(call sync1 $CWS "$T/sync1.req")" 200
same_shape sync1 "$SCAN/000006/response.body"
m=$(id_of $MICROSOFT "$T/sync1.xml")
check "...offers the Microsoft company category first (no prerequisites)" test -n "$m"
expect_match "...as a non-leaf with an Evaluate deployment" "$(cat "$T/sync1.xml")" \
	'<Action>Evaluate</Action><IsAssigned>true</IsAssigned><LastChangeTime>[0-9]{4}-[0-9]{2}-[0-9]{2}</LastChangeTime>.*<IsLeaf>false</IsLeaf>'
cookie=$(newcookie sync1)
check "...and a NewCookie" test -n "$cookie"

thread "$SCAN/000007" "$T/sync2.req"
sed -i "s#<int>108226</int>#<int>$m</int>#" "$T/sync2.req"
expect "SyncUpdates 2 (Microsoft installed): 200" "$(call sync2 $CWS "$T/sync2.req")" 200
same_shape sync2 "$SCAN/000007/response.body"
wn=$(id_of $WINDOWS "$T/sync2.xml")
check "...offers the Windows product family, whose prerequisite is now met" test -n "$wn"
cookie=$(newcookie sync2)

thread "$SCAN/000008" "$T/sync3.req"
sed -i "s#<int>108226</int>#<int>$m</int>#; s#<int>108231</int>#<int>$wn</int>#" "$T/sync3.req"
expect "SyncUpdates 3 (both installed): 200" "$(call sync3 $CWS "$T/sync3.req")" 200
same_shape sync3 "$SCAN/000008/response.body"
oobe=$(id_of $OOBE "$T/sync3.xml")
check "...offers the filtered OOBE ZDP category" test -n "$oobe"
expect_match "...as a leaf (nothing in the catalog needs it)" "$(cat "$T/sync3.xml")" '<IsLeaf>true</IsLeaf>'
cookie=$(newcookie sync3)

thread "$SCAN/000009" "$T/sync4.req"
sed -i "s#<int>108226</int>#<int>$m</int>#; s#<int>108231</int>#<int>$wn</int>#" "$T/sync4.req"
expect "SyncUpdates 4 (driver pass, 70 devices): 200" "$(call sync4 $CWS "$T/sync4.req")" 200
same_shape sync4 "$SCAN/000009/response.body"
expect_match "...no updates and DriverSyncNotNeeded" "$(cat "$T/sync4.xml")" \
	'<SyncUpdatesResult><Truncated>false</Truncated>.*<DriverSyncNotNeeded>true</DriverSyncNotNeeded>'
cookie=$(newcookie sync4)

thread "$SCAN/000010" "$T/ext.req"
sed -i "s#<int>72571</int>#<int>$oobe</int>#; s#<int>108226</int>#<int>$m</int>#; s#<int>108231</int>#<int>$wn</int>#" "$T/ext.req"
expect "GetExtendedUpdateInfo (three categories, en-US and en): 200" "$(call ext $CWS "$T/ext.req")" 200
same_shape ext "$SCAN/000010/response.body"
expect_match "...Extended fragments first, then LocalizedProperties in en" "$(cat "$T/ext.xml")" \
	"<ID>$oobe</ID><Xml>&lt;ExtendedProperties .*<ID>$wn</ID><Xml>&lt;LocalizedProperties&gt;&lt;Language&gt;en&lt;"
check "...and no FileLocations (categories have no files)" bash -c "! grep -q FileLocations '$T/ext.xml'"

# RefreshCache and GetFileLocations (not in the capture): the shapes of
# MS-WUSP 2.2.2.2.5 and 2.2.2.2.7, with our cookie.
soap() { # OP BODY-INSIDE-OPERATION > file
	printf '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><%s xmlns="http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService"><cookie><Expiration>2026-10-04T16:03:35Z</Expiration><EncryptedData>%s</EncryptedData></cookie>%s</%s></s:Body></s:Envelope>' "$1" "$cookie" "$2" "$1"
}
printf 'SOAPAction: "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/RefreshCache"\r\n' >"$T/request.headers"
soap RefreshCache "<globalIDs><UpdateIdentity><UpdateID>$MICROSOFT</UpdateID><RevisionNumber>101</RevisionNumber></UpdateIdentity><UpdateIdentity><UpdateID>$MICROSOFT</UpdateID><RevisionNumber>7</RevisionNumber></UpdateIdentity><UpdateIdentity><UpdateID>0badc0de-0000-4000-8000-000000000000</UpdateID><RevisionNumber>1</RevisionNumber></UpdateIdentity></globalIDs>" >"$T/refresh.req"
expect "RefreshCache: 200" "$(call refresh $CWS "$T/refresh.req")" 200
expect_match "...maps the known revision to our revision id, with its deployment" "$(cat "$T/refresh.xml")" \
	"<RefreshCacheResult><RefreshCacheResult><RevisionID>$m</RevisionID><GlobalID><UpdateID>$MICROSOFT</UpdateID><RevisionNumber>101</RevisionNumber></GlobalID><IsLeaf>false</IsLeaf><Deployment><ID>$m</ID><Action>Evaluate</Action>"
expect "...and only it (another revision, an unknown update: left out)" "$(grep -o '<RevisionID>' "$T/refresh.xml" | wc -l)" 1
head -c 5000 /dev/urandom >"$T/file.cab"
sha=$("$OPENWSUS" content import --data "$D" "$T/file.cab" | grep -o '[0-9A-F]\{40\}' | head -n 1)
check "a content file is imported" test -n "$sha"
b64=$(printf '%s' "$sha" | xxd -r -p | base64)
printf 'SOAPAction: "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetFileLocations"\r\n' >"$T/request.headers"
soap GetFileLocations "<fileDigests><base64Binary>$b64</base64Binary><base64Binary>AAAAAAAAAAAAAAAAAAAAAAAAAAA=</base64Binary></fileDigests>" >"$T/locations.req"
expect "GetFileLocations: 200" "$(call locations $CWS "$T/locations.req")" 200
# Fixed strings: base64 holds '+', a regular expression operator.
check "...the held file's URL: http://FQDN:(P-1)/Content/XX/SHA1.ext, nothing for the unknown one" \
	grep -qF "<FileLocations><FileLocation><FileDigest>$b64</FileDigest><Url>http://$FQDN:$HTTP_PORT/Content/${sha:38:2}/$sha.cab</Url></FileLocation></FileLocations><NewCookie>" "$T/locations.xml"
soap GetFileLocations "<fileDigests><base64Binary>AAAA</base64Binary></fileDigests>" >"$T/shortdigest.req"
call shortdigest $CWS "$T/shortdigest.req" >/dev/null
expect "a digest that is not 20 bytes: InvalidParameters" "$(fault_of shortdigest)" InvalidParameters
printf 'SOAPAction: "http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetTimestamps"\r\n' >"$T/request.headers"
soap GetTimestamps "" >"$T/timestamps.req"
call timestamps $CWS "$T/timestamps.req" >/dev/null
expect "GetTimestamps (not in MS-WUSP): refused with InvalidParameters" "$(fault_of timestamps)" InvalidParameters

cp "$SCAN/000007/request.headers" "$T/request.headers"
sed "s#<int>$m</int>#<int>$m</int><int>999999</int>#" "$T/sync2.req" >"$T/oos.req"
call oos $CWS "$T/oos.req" >/dev/null
expect_match "a cached id the server does not know: OutOfScopeRevisionIDs" "$(cat "$T/oos.xml")" \
	'<OutOfScopeRevisionIDs><int>999999</int></OutOfScopeRevisionIDs>'
ids=$(seq 1 401 | sed 's#.*#<int>&</int>#' | tr -d '\n')
sed "s#<int>$m</int>#$ids#" "$T/sync2.req" >"$T/toomany.req"
call toomany $CWS "$T/toomany.req" >/dev/null
expect "401 installed non-leaf ids: InvalidParameters, as WSUS answers" "$(fault_of toomany)" InvalidParameters
expect_match "...naming the list" "$(cat "$T/toomany.xml")" 'InstalledNonLeafUpdateIDs has more ids'
sed "s#<int>$m</int>#$(seq 1 400 | sed 's#.*#<int>&</int>#' | tr -d '\n')#" "$T/sync2.req" >"$T/enough.req"
expect "400 are accepted" "$(call enough $CWS "$T/enough.req")" 200
cp "$SCAN/000001/request.headers" "$T/request.headers"
printf '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>&a;</s:Body></s:Envelope>' >"$T/doctype.req"
call doctype $CWS "$T/doctype.req" >/dev/null
expect "a DOCTYPE body: InvalidParameters" "$(fault_of doctype)" InvalidParameters
printf 'not xml at all' >"$T/junk.req"
call junk $CWS "$T/junk.req" >/dev/null
expect "a body that is not XML: InvalidParameters" "$(fault_of junk)" InvalidParameters
call wrongsvc $SAS "$SCAN/000001/request.body" >/dev/null
expect "GetConfig sent to SimpleAuth: InvalidParameters" "$(fault_of wrongsvc)" InvalidParameters

# A new server identity turns old cookies into ServerChanged.
stop_server
sqlite3 "$D/store.db" "update meta set value = '00000000-0000-4000-8000-000000000000' where key = 'server_id'"
start_server "$D" || { fail "server restarts"; exit 1; }
thread "$SCAN/000004" "$T/register2.req"
call changed $CWS "$T/register2.req" >/dev/null
expect "a cookie from before the identity change: ServerChanged" "$(fault_of changed)" ServerChanged
stop_server
expect "SIGTERM exits 0" "$STOP_STATUS" 0
finish
