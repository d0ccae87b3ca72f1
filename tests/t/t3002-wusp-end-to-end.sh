#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# End to end over MS-WUSP, with real processes only: a signed installer is
# published, approved for one computer group with a deadline, a client in
# that group scans (wusp-client: the Windows call sequence over HTTPS),
# gets the Install deployment and the file's URL, fetches the file from the
# content port in Range pieces, checks its digests, reports the install,
# and the admin report shows it installed. A client in another group gets
# the same update to evaluate only; declining the update takes it out of
# both clients' scope at the next scan.
. "$(dirname "$0")/lib.sh"

CLIENT=${WUSP_CLIENT:-$(dirname "$OPENWSUS")/tools/wusp-client}
D="$T/data"
init_data "$D" || { fail "init"; exit 1; }
APW='correct horse battery'
printf '%s\n' "$APW" | "$OPENWSUS" user add --data "$D" alice --role administrators >/dev/null
(
	cd "$T" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 5 -subj '/CN=Publisher CA' \
		-keyout ca.key -out ca.pem -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/O=Example/CN=Example Publisher' \
		-keyout pub.key -out pub.csr &&
	printf 'extendedKeyUsage=codeSigning\n' >cs.ext &&
	openssl x509 -req -in pub.csr -CA ca.pem -CAkey ca.key -days 4 -extfile cs.ext -out pub.pem
) >/dev/null 2>&1 || { fail "openssl made the test PKI"; exit 1; }
cp "$T/ca.pem" "$D/trusted-publishers/example-ca.pem"
head -c 3000000 /dev/urandom >"$T/setup.exe"
start_server "$D" || { fail "server starts"; exit 1; }

SERVER="https://$FQDN:$HTTPS_PORT"
CONN=(--server "$SERVER" --ca "$D/tls/ca.pem" --resolve "$FQDN:$HTTPS_PORT:127.0.0.1" --user alice)
admin() { OPENWSUS_PASSWORD=$APW "$OPENWSUS" "$@" "${CONN[@]}" </dev/null; }
client() { # ID ARGS...
	local id=$1
	shift
	"$CLIENT" --url "$SERVER" --ca "$D/tls/ca.pem" --resolve "$FQDN:$HTTPS_PORT:127.0.0.1" \
		--client-id "$id" --dns "$id.example.test" "$@"
}
PC1=0f0e0d0c-1111-4222-8333-444455556666 PC2=0f0e0d0c-aaaa-4bbb-8ccc-ddddeeeeffff

id=$(admin publish --file "$T/setup.exe" --title "Example tool 1.0" --description "Installs it" \
	--args "/quiet" --sign-cert "$T/pub.pem" --sign-key "$T/pub.key" 2>"$T/pub.err")
expect "a signed installer is published" "$?" 0
admin group add "Ring 1" >/dev/null
expect "group Ring 1 is made" "$?" 0

# First contact registers both computers (in Unassigned Computers).
client $PC1 scan >"$T/scan0" 2>"$T/scan0.err"
expect "a first scan of computer 1 completes" "$?" 0
expect_match "...registered, with the published update offered to evaluate" "$(cat "$T/scan0")" \
	"update [0-9]+ Evaluate leaf $id [0-9]+"
client $PC2 scan >"$T/scan0b" 2>&1
expect "a first scan of computer 2 completes" "$?" 0
admin computer assign $PC1 --group "Ring 1" >/dev/null
expect "computer 1 is put in Ring 1" "$?" 0
admin approve "$id" --group "Ring 1" --deadline 2031-01-02T03:04:05Z >/dev/null
expect "the update is approved for Ring 1 with a deadline" "$?" 0

client $PC1 scan >"$T/scan1" 2>"$T/scan1.err"
expect "computer 1 scans again" "$?" 0
expect_match "...and now gets the Install deployment with its deadline" "$(cat "$T/scan1")" \
	"update [0-9]+ Install leaf $id [0-9]+ 2031-01-02T03:04:05Z"
check "...the extended and localized fragments" bash -c \
	"grep -Eq '^ext [0-9]+ extended [0-9]+$' '$T/scan1' && grep -Eq '^ext [0-9]+ localized [0-9]+$' '$T/scan1'"
sha1=$(sha1sum "$T/setup.exe" | cut -c1-40 | tr a-f A-F)
url=$(sed -n "s#^file $sha1 ##p" "$T/scan1")
expect_match "...and the file's URL in the grammar real clients use" "$url" \
	"^http://$FQDN:$HTTP_PORT/Content/${sha1:38:2}/$sha1\\.exe\$"

client $PC2 scan >"$T/scan2" 2>&1
expect "computer 2 (Unassigned) scans" "$?" 0
expect_match "...and gets the update to evaluate only" "$(cat "$T/scan2")" "update [0-9]+ Evaluate leaf $id [0-9]+"
check "...with no file to fetch" bash -c "! grep -q '^file ' '$T/scan2'"

# The download, as BITS and Delivery Optimization do it: Range pieces.
size=$(stat -c %s "$T/setup.exe")
: >"$T/got.exe"
for start in $(seq 0 1000000 $((size - 1))); do
	end=$((start + 999999))
	[ $end -ge $size ] && end=$((size - 1))
	oc "$D" -r "$start-$end" "$url" >>"$T/got.exe" || break
done
expect "the file arrives whole in Range pieces" "$(stat -c %s "$T/got.exe")" "$size"
expect "...with the SHA-1 the metadata names" "$(sha1sum "$T/got.exe" | cut -c1-40 | tr a-f A-F)" "$sha1"
check "...over plain HTTP on the content port only" bash -c \
	"[ \"\$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --resolve $FQDN:$HTTP_PORT:127.0.0.1 http://$FQDN:$HTTP_PORT/ClientWebService/client.asmx)\" = 403 ]"

client $PC1 report "162:$id:1:0" "183:$id:1:0" >"$T/report" 2>"$T/report.err"
expect "computer 1 reports download and install" "$?" 0
expect_match "...accepted" "$(cat "$T/report")" '^reported 2$'
client $PC2 report "147:00000000-0000-0000-0000-000000000000:0:0" "999:$id:1:0x80240022" >"$T/report2" 2>&1
expect "an unknown event id is accepted, not dropped" "$?" 0
admin report status >"$T/status"
expect "the admin report lists states" "$?" 0
expect_match "...computer 1 installed the update" "$(grep "^$PC1" "$T/status")" "$id +installed"
check "...computer 2 has no state for it (evaluate, no install event)" bash -c "! grep -q '^$PC2 .*installed' '$T/status'"
if command -v sqlite3 >/dev/null; then
	expect "...and every event is kept, the unknown one too" \
		"$(sqlite3 "$D/store.db" "select count(*) from client_event where event_id in (147, 162, 183, 999)")" 4
fi

# A repeated scan with the cache it has: nothing new, nothing changed.
client $PC1 scan >"$T/scan3" 2>&1
expect "a third scan completes" "$?" 0

admin decline "$id" >/dev/null
expect "the update is declined" "$?" 0
client $PC1 scan >"$T/scan4" 2>&1
expect "after the decline computer 1 scans" "$?" 0
check "...and is no longer offered the update" bash -c "! grep -q ' $id ' '$T/scan4'"
stop_server
expect "SIGTERM exits 0" "$STOP_STATUS" 0

# Client-side targeting: the groups a client names decide, and a group it
# stops naming is left.
sed -i 's/^targeting = server$/targeting = client/' "$D/openwsus.conf"
start_server "$D" || { fail "server restarts with client-side targeting"; exit 1; }
SERVER="https://$FQDN:$HTTPS_PORT"
CONN=(--server "$SERVER" --ca "$D/tls/ca.pem" --resolve "$FQDN:$HTTPS_PORT:127.0.0.1" --user alice)
admin group add "Ring 2" >/dev/null
client $PC2 --group "Ring 2" scan >/dev/null 2>&1
expect "a client naming Ring 2 scans" "$?" 0
groups_of() { admin computer list --json | tr '{' '\n' | grep "\"$1\"" | grep -o '"groups":\[[^]]*\]'; }
expect_match "...is in Ring 2 only" "$(OPENWSUS_PASSWORD=$APW groups_of $PC2)" '^"groups":\["[0-9a-f-]{36}"\]$'
before=$(OPENWSUS_PASSWORD=$APW groups_of $PC2)
client $PC2 --group "Ring 1" scan >/dev/null 2>&1
after=$(OPENWSUS_PASSWORD=$APW groups_of $PC2)
check "...and after naming Ring 1 instead, in Ring 1 only" test "$before" != "$after" -a -n "$after"
expect_match "...one group" "$after" '^"groups":\["[0-9a-f-]{36}"\]$'
ring1=$(admin group list --json | tr '{' '\n' | grep '"Ring 1"' | grep -o '[0-9a-f]\{8\}-[0-9a-f-]\{27\}' | head -n 1)
expect "...and that group is Ring 1" "$after" "\"groups\":[\"$ring1\"]"
client $PC2 --group "No Such Group" scan >/dev/null 2>&1
expect "naming only unknown groups: Unassigned Computers only" "$(OPENWSUS_PASSWORD=$APW groups_of $PC2)" \
	'"groups":["b73ca6ed-5727-47f3-84de-015e03f6a88a"]'
stop_server
expect "SIGTERM exits 0" "$STOP_STATUS" 0
finish
