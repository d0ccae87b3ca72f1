#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# openwsus init: a data directory that is secure by default, and FQDN rules.
. "$(dirname "$0")/lib.sh"

D="$T/data"
check "init succeeds" init_data "$D"
expect "data directory is 0700" "$(stat -c %a "$D")" 700
expect "openwsus.conf is 0600" "$(stat -c %a "$D/openwsus.conf")" 600
expect "cookie key is 0600" "$(stat -c %a "$D/keys/cookie.key")" 600
expect "cookie key is 32 bytes" "$(stat -c %s "$D/keys/cookie.key")" 32
expect "CA key is 0600" "$(stat -c %a "$D/tls/ca.key")" 600
expect "server key is 0600" "$(stat -c %a "$D/tls/server.key")" 600
expect "store is 0600" "$(stat -c %a "$D/store.db")" 600
verify() { openssl verify -CAfile "$D/tls/ca.pem" -purpose sslserver -verify_hostname "$FQDN" "$D/tls/server.pem" >/dev/null; }
check "server certificate chains to the lab CA" verify
expect_match "certificate names the FQDN" \
	"$(openssl x509 -in "$D/tls/server.pem" -noout -ext subjectAltName 2>/dev/null)" "DNS:$FQDN"

out=$("$OPENWSUS" init --data "$D" --fqdn "$FQDN" 2>&1)
st=$?
expect "init refuses an existing directory (exit 1)" "$st" 1
expect_match "...and says why" "$out" "already exists"

for bad in localhost wsus 127.0.0.1 ::1 -bad.example.com "a..b.com" "wsus.localhost"; do
	out=$("$OPENWSUS" init --data "$T/bad" --fqdn "$bad" 2>&1)
	st=$?
	expect "init refuses --fqdn '$bad'" "$st" 1
	check "nothing created for '$bad'" test ! -e "$T/bad"
done
out=$("$OPENWSUS" init --data "$T/bad" --fqdn localhost 2>&1)
expect_match "localhost refusal explains the FQDN rule" "$out" "fully qualified"

out=$("$OPENWSUS" init 2>&1)
expect "init without --data is a usage error" "$?" 2

chmod 0660 "$D/openwsus.conf"
out=$("$OPENWSUS" serve --data "$D" 2>&1)
expect "serve refuses a group-writable configuration" "$?" 1
expect_match "...and says so" "$out" "writable by group"
chmod 0600 "$D/openwsus.conf"
chmod 0620 "$D/tls/server.key"
out=$("$OPENWSUS" serve --data "$D" --https-port 2 2>&1)
expect "serve refuses a group-writable TLS key" "$?" 1
expect_match "...naming the key" "$out" "server.key is writable by group"
chmod 0600 "$D/tls/server.key"
finish
