#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The lab CA's revocation list: lab certificates name
# http://FQDN:P-1/pki/ca.crl, the server answers it on both ports as DER
# application/pkix-crl, a client's CRL check of the lab certificate passes,
# and a missing, unreadable or nearly stale list is signed anew by the
# server (as the data directory's owner). With an administrator's own
# certificate and no lab CA key, nothing is served and configuressl leaves
# the list alone.
. "$(dirname "$0")/lib.sh"

D="$T/data"
init_data "$D" || { fail "init"; cat "$T/init.log"; exit 1; }
cdp() { openssl x509 -noout -ext crlDistributionPoints -in "$1" 2>/dev/null; }
expect_match "init: the certificate names the lab CRL on the default HTTP port" \
	"$(cdp "$D/tls/server.pem")" "URI:http://$FQDN:8530/pki/ca.crl\$"
check "init: tls/ca.crl is there" test -s "$D/tls/ca.crl"
expect "init: tls/ca.crl is 0644" "$(stat -c %a "$D/tls/ca.crl")" 644
expect "init: tls/ca.crl belongs to the data directory's owner" \
	"$(stat -c %u "$D/tls/ca.crl")" "$(stat -c %u "$D")"

start_server "$D" || { fail "server starts"; exit 1; }
URL=$(http_url /pki/ca.crl)

# get NAME URL...: body to $T/NAME.der, "code type" on stdout.
get() {
	local name=$1
	shift
	oc "$D" -o "$T/$name.der" -w '%{http_code} %{content_type}' "$@"
}
expect "GET over plain HTTP: 200 application/pkix-crl" "$(get crl "$URL")" "200 application/pkix-crl"
expect "...the bytes of tls/ca.crl" "$(cmp -s "$T/crl.der" "$D/tls/ca.crl" && echo same)" same
expect_match "...with Cache-Control: max-age=3600" \
	"$(oc "$D" -s -D - -o /dev/null "$URL" | tr -d '\r')" "Cache-Control: max-age=3600"
text=$(openssl crl -inform DER -noout -text -in "$T/crl.der" 2>&1)
expect_match "the CRL parses as DER, version 2" "$text" "Version 2"
expect_match "...has no revoked certificates" "$text" "No Revoked Certificates"
expect_match "...has a CRL number" "$text" "X509v3 CRL Number"
expect "...and is issued by the lab CA" \
	"$(openssl crl -inform DER -noout -issuer -in "$T/crl.der" | sed 's/^issuer=//')" \
	"$(openssl x509 -noout -subject -in "$D/tls/ca.pem" | sed 's/^subject=//')"
openssl crl -inform DER -in "$T/crl.der" -out "$T/crl.pem" 2>/dev/null
openssl x509 -in "$D/tls/server.pem" -out "$T/leaf.pem" 2>/dev/null
expect "openssl verify -crl_check of the lab certificate says OK" \
	"$(openssl verify -crl_check -CAfile "$D/tls/ca.pem" -CRLfile "$T/crl.pem" "$T/leaf.pem" 2>&1)" \
	"$T/leaf.pem: OK"
expect_match "...and refuses without a CRL (the check is real)" \
	"$(openssl verify -crl_check -CAfile "$D/tls/ca.pem" "$T/leaf.pem" 2>&1)" "unable to get certificate CRL"

expect "GET over HTTPS: 200 too" "$(get crl-tls "$(https_url /pki/ca.crl)")" "200 application/pkix-crl"
head=$(oc "$D" -s -I "$URL" | tr -d '\r')
expect_match "HEAD: 200" "$head" "^HTTP/1.1 200"
expect_match "...with the length of the file" "$head" "Content-Length: $(stat -c %s "$D/tls/ca.crl")"
expect "/pki/other: 404" "$(oc "$D" -o /dev/null -w '%{http_code}' "$(http_url /pki/other)")" 404
expect "/pki/ca.crl/x: 404" "$(oc "$D" -o /dev/null -w '%{http_code}' "$(http_url /pki/ca.crl/x)")" 404
expect "/pki: 404" "$(oc "$D" -o /dev/null -w '%{http_code}' "$(http_url /pki)")" 404
expect "POST: 405" "$(oc "$D" -o /dev/null -w '%{http_code}' -d x "$URL")" 405
expect_match "...with Allow: GET, HEAD" "$(oc "$D" -s -D - -o /dev/null -d x "$URL" | tr -d '\r')" \
	"Allow: GET, HEAD"

# Deleted while the server runs: the next GET signs a new one.
rm -f "$D/tls/ca.crl"
expect "after rm tls/ca.crl, GET: 200" "$(get again "$URL")" "200 application/pkix-crl"
check "...tls/ca.crl exists again" test -s "$D/tls/ca.crl"
expect "...owned by the data directory's owner" "$(stat -c %u "$D/tls/ca.crl")" "$(stat -c %u "$D")"
expect "...mode 0644" "$(stat -c %a "$D/tls/ca.crl")" 644
expect_match "...and it is a CRL of the lab CA" \
	"$(openssl verify -crl_check -CAfile "$D/tls/ca.pem" \
		-CRLfile <(openssl crl -inform DER -in "$T/again.der") "$T/leaf.pem" 2>&1)" ": OK$"
expect_match "the server logged the signing" "$(cat "$SERVER_LOG")" "signed the lab CRL"

# An unreadable file is replaced the same way.
printf 'not a CRL' >"$D/tls/ca.crl"
get junk "$URL" >/dev/null
check "a file that is not a CRL is replaced by one" \
	openssl crl -inform DER -noout -in "$T/junk.der"

# A valid list with one day left (made with openssl ca) is renewed for 30.
mkdir "$T/ca" && : >"$T/ca/index.txt" && echo 01 >"$T/ca/crlnumber"
cat >"$T/ca/ca.cnf" <<EOF
[ca]
default_ca = lab
[lab]
database = $T/ca/index.txt
crlnumber = $T/ca/crlnumber
default_md = sha256
EOF
if openssl ca -config "$T/ca/ca.cnf" -gencrl -crldays 1 -cert "$D/tls/ca.pem" \
	-keyfile "$D/tls/ca.key" -out "$T/short.pem" >/dev/null 2>&1; then
	openssl crl -in "$T/short.pem" -outform DER -out "$D/tls/ca.crl"
	get renewed "$URL" >/dev/null
	next=$(openssl crl -inform DER -noout -nextupdate -in "$T/renewed.der" | sed 's/^nextUpdate=//')
	days=$(( ($(date -d "$next" +%s) - $(date +%s)) / 86400 ))
	expect_match "a list with 1 day left is served re-signed for 30 days" "$days" "^(29|30)\$"
	expect_match "...with a CRL number of its own" \
		"$(openssl crl -inform DER -noout -crlnumber -in "$T/renewed.der")" "crlNumber=0x[0-9A-F]{6,}"
else
	fail "openssl ca made a short CRL"
fi

# configuressl without --cert, with --port: the URL follows the new pair
# and the list is signed again.
cp "$D/tls/ca.crl" "$T/before.crl"
sleep 1 # the CRL number is the Unix time
"$OPENWSUS" configuressl --data "$D" "$FQDN" --port "$HTTPS_PORT" >"$T/cs.out" 2>&1
expect "configuressl with the lab CA: exit 0" "$?" 0
cert=$(sed -n 's/^cert = //p' "$D/openwsus.conf")
expect_match "...the new certificate names the CRL on port $HTTP_PORT" "$(cdp "$cert")" \
	"URI:http://$FQDN:$HTTP_PORT/pki/ca.crl\$"
differs() { ! cmp -s "$1" "$2"; }
check "...and tls/ca.crl was signed again" differs "$T/before.crl" "$D/tls/ca.crl"
# The URL in the certificate is the one served.
url=$(cdp "$cert" | sed -n 's/^ *URI://p')
expect "a client following the certificate's URL gets the CRL" \
	"$(oc "$D" -o /dev/null -w '%{http_code}' "$url")" 200
stop_server
expect "SIGTERM exits 0" "$STOP_STATUS" 0

# HTTPS on 443: the content port is 80, which a URL does not spell.
D443="$T/d443"
init_data "$D443" || { fail "init d443"; exit 1; }
"$OPENWSUS" configuressl --data "$D443" "$FQDN" --port 443 >"$T/cs443.out" 2>&1
expect "configuressl --port 443: exit 0" "$?" 0
expect_match "...the certificate names http://$FQDN/pki/ca.crl" \
	"$(cdp "$(sed -n 's/^cert = //p' "$D443/openwsus.conf")")" "URI:http://$FQDN/pki/ca.crl\$"

# An administrator's own certificate: configuressl leaves the list alone,
# and without the lab CA key the server serves none.
D2="$T/own"
init_data "$D2" || { fail "init own"; exit 1; }
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
	-subj "/CN=$FQDN" -addext "subjectAltName=DNS:$FQDN" \
	-keyout "$T/own.key" -out "$T/own.pem" >/dev/null 2>&1
cp "$D2/tls/ca.crl" "$T/own-before.crl"
sleep 1
"$OPENWSUS" configuressl --data "$D2" "$FQDN" --cert "$T/own.pem" --key "$T/own.key" \
	>"$T/cs-own.out" 2>&1
expect "configuressl --cert/--key: exit 0" "$?" 0
check "...tls/ca.crl is unchanged" cmp -s "$T/own-before.crl" "$D2/tls/ca.crl"
expect "...the installed certificate names no CRL of ours" \
	"$(cdp "$(sed -n 's/^cert = //p' "$D2/openwsus.conf")")" ""
rm -f "$D2/tls/ca.key"
start_server "$D2" || { fail "server starts with its own certificate"; exit 1; }
expect "no lab CA key: /pki/ca.crl is 404" \
	"$(curl -sS --max-time 30 --resolve "$FQDN:$HTTP_PORT:127.0.0.1" -o /dev/null \
		-w '%{http_code}' "$(http_url /pki/ca.crl)")" 404
check "...and no list was signed" cmp -s "$T/own-before.crl" "$D2/tls/ca.crl"
stop_server
expect "SIGTERM exits 0" "$STOP_STATUS" 0
finish
