#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Admin API principals from client certificates: with [tls] client_ca set,
# a certificate that verifies and whose subject is mapped to a principal
# authenticates without a password; an unmapped subject or a certificate
# from another CA does not; Windows clients without a certificate are
# unaffected.
. "$(dirname "$0")/lib.sh"

D="$T/data"
init_data "$D" || { fail "init"; exit 1; }
(
	cd "$T" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 5 -subj '/CN=Ops client CA' \
		-keyout cca.key -out cca.pem -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign &&
	for who in ops reader stranger; do
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/O=Example/CN=$who" \
			-keyout $who.key -out $who.csr &&
		openssl x509 -req -in $who.csr -CA cca.pem -CAkey cca.key -days 4 -out $who.pem || exit 1
	done &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 5 -subj '/O=Example/CN=ops' \
		-keyout forged.key -out forged.pem
) >/dev/null 2>&1 || { fail "openssl made the test PKI"; exit 1; }
cp "$T/cca.pem" "$D/tls/client-ca.pem"
sed -i 's|^ca_key = tls/ca.key|&\nclient_ca = tls/client-ca.pem|' "$D/openwsus.conf"
"$OPENWSUS" user add --data "$D" ops --role administrators --cert-subject 'CN=ops,O=Example' >/dev/null
expect "user add maps a certificate subject (no password asked)" "$?" 0
"$OPENWSUS" user add --data "$D" reader --role reporters --cert-subject 'CN=reader,O=Example' >/dev/null

start_server "$D" || { fail "server starts"; exit 1; }
API=$(https_url /ApiRemoting30/api/v1)
as() { local who=$1; shift; oc "$D" -o "$T/body" -w '%{http_code}' --cert "$T/$who.pem" --key "$T/$who.key" "$@"; }

expect "a mapped administrator certificate reads" "$(as ops "$API/groups")" 200
expect "...and writes" "$(as ops -X POST -d '{"name":"Kiosks"}' "$API/groups")" 201
expect "a mapped reporter certificate reads" "$(as reader "$API/updates")" 200
expect "...and may not write" "$(as reader -X POST -d '{"name":"X"}' "$API/groups")" 403
expect "a verified but unmapped certificate gets 401" "$(as stranger "$API/groups")" 401
expect "a self-made certificate with a mapped subject gets 401" "$(as forged "$API/groups")" 401
expect "no certificate and no password: 401" "$(oc "$D" -o /dev/null -w '%{http_code}' "$API/groups")" 401
oc "$D" -o "$T/body" --cert "$T/ops.pem" --key "$T/ops.key" "$API/audit"
expect_match "the audit trail names the certificate's principal" "$(cat "$T/body")" '"principal":"ops","action":"group.add"'
soap='<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>'
expect "a client without a certificate still reaches ClientWebService" \
	"$(oc "$D" -o /dev/null -w '%{http_code}' -X POST --data "$soap" "$(https_url /ClientWebService/client.asmx)")" 500
stop_server
expect "SIGTERM exits 0" "$STOP_STATUS" 0
finish
