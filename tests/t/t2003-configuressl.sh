#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# configuressl as wsusutil's: a FQDN the certificate covers, a matching key,
# valid now; a running server picks up the new certificate on SIGHUP without
# dropping an established connection.
. "$(dirname "$0")/lib.sh"

D="$T/data"
init_data "$D" || { fail "init"; exit 1; }

# An outside CA and certificates made with the openssl tool.
mkca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
		-subj "/CN=test outside CA" -keyout "$T/ext-ca.key" -out "$T/ext-ca.pem" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign >/dev/null 2>&1
}
mkcert() { # NAME SAN OUT
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1" \
		-keyout "$T/$3.key" -out "$T/$3.csr" >/dev/null 2>&1 &&
	openssl x509 -req -in "$T/$3.csr" -CA "$T/ext-ca.pem" -CAkey "$T/ext-ca.key" -days 20 \
		-extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$2") \
		-out "$T/$3.pem" >/dev/null 2>&1
}
mkca && mkcert "$FQDN" "DNS:$FQDN" good && mkcert other.example.test DNS:other.example.test other &&
	mkcert "$FQDN" "DNS:$FQDN" second || { fail "openssl made test certificates"; exit 1; }

cs() { "$OPENWSUS" configuressl --data "$D" "$@" >"$T/cs.out" 2>&1; }
for bad in localhost 10.1.2.3 ::1 wsus; do
	cs "$bad"
	expect "configuressl refuses '$bad'" "$?" 1
done
expect_match "the refusal explains the FQDN rule" "$(cat "$T/cs.out")" "FQDN|fully qualified"
cs "$FQDN" --cert "$T/other.pem" --key "$T/other.key"
expect "refuses a certificate that does not cover the name" "$?" 1
expect_match "...naming the name" "$(cat "$T/cs.out")" "does not cover $FQDN"
cs "$FQDN" --cert "$T/good.pem" --key "$T/second.key"
expect "refuses a key that does not match" "$?" 1
expect_match "...saying so" "$(cat "$T/cs.out")" "does not match"
cs "$FQDN" --cert "$T/good.pem"
expect "--cert without --key is a usage error" "$?" 2
expect_match "config unchanged after refusals" "$(grep '^cert' "$D/openwsus.conf")" "tls/server.pem"

start_server "$D" || { fail "server starts"; exit 1; }
serial0=$(served_serial)
check "the lab certificate is served" test -n "$serial0"

# An established keep-alive connection, used before and after the reload.
coproc S { openssl s_client -quiet -connect "127.0.0.1:$HTTPS_PORT" -servername "$FQDN" \
	-CAfile "$D/tls/ca.pem" -verify_return_error 2>/dev/null; }
req=$'GET /Inventory/x HTTP/1.1\r\nHost: '"$FQDN"$'\r\n\r\n'
printf '%s' "$req" >&"${S[1]}"
read -r -t 10 line <&"${S[0]}"
expect_match "request on the held connection" "$line" "HTTP/1.1 404"

cs "$FQDN" --cert "$T/good.pem" --key "$T/good.key"
expect "configuressl accepts a covering certificate and matching key" "$?" 0
expect_match "...and re-initializes the running server" "$(cat "$T/cs.out")" "re-initialized the running server \\(pid $SERVER_PID\\)"
expect "the copied key is 0600" "$(stat -c %a "$(sed -n 's/^key = //p' "$D/openwsus.conf")")" 600
want=$(openssl x509 -in "$T/good.pem" -noout -serial | sed 's/^serial=//')
got=
for i in $(seq 1 50); do
	got=$(served_serial)
	[ "$got" = "$want" ] && break
	sleep 0.1
done
expect "after SIGHUP the new certificate's serial is served" "$got" "$want"
code=$(curl -sS --max-time 10 --cacert "$T/ext-ca.pem" --resolve "$FQDN:$HTTPS_PORT:127.0.0.1" \
	-o /dev/null -w '%{http_code}' "https://$FQDN:$HTTPS_PORT/Inventory/x")
expect "clients trusting the new CA connect" "$code" 404

# The connection made before the reload still works.
while read -r -t 1 line <&"${S[0]}"; do :; done
printf '%s' "$req" >&"${S[1]}"
read -r -t 10 line <&"${S[0]}"
expect_match "the established connection survived the reload" "$line" "HTTP/1.1 404"
kill "$S_PID" 2>/dev/null

# Without --cert: a new certificate from the lab CA; the old files go.
old=$(sed -n 's/^cert = //p' "$D/openwsus.conf")
cs "$FQDN"
expect "configuressl without --cert issues from the lab CA" "$?" 0
new=$(sed -n 's/^cert = //p' "$D/openwsus.conf")
check "the configuration points at the new certificate" test "$new" != "$old"
check "the previous copied certificate was removed" test ! -e "$old"
for i in $(seq 1 50); do
	got=$(served_serial)
	[ "$got" != "$want" ] && break
	sleep 0.1
done
expect "the lab-issued serial is served" "$got" "$(openssl x509 -in "$new" -noout -serial | sed 's/^serial=//')"

# A bad reload keeps the current certificate.
cp "$D/openwsus.conf" "$T/conf.bak"
sed -i "s#^key = .*#key = $T/other.key#" "$D/openwsus.conf"
kill -HUP "$SERVER_PID"
sleep 0.5
expect_match "a reload with a mismatched key is refused and logged" "$(cat "$SERVER_LOG")" "reload refused"
expect "the server keeps serving the previous certificate" "$(served_serial)" "$got"
cp "$T/conf.bak" "$D/openwsus.conf"

cs "$FQDN" --port 9443
expect "--port sets the HTTPS port" "$(sed -n 's/^https_port = //p' "$D/openwsus.conf")" 9443
check "the server is still alive" kill -0 "$SERVER_PID"
stop_server
expect "SIGTERM exits 0" "$STOP_STATUS" 0
finish
