#!/bin/sh
# SPDX-License-Identifier: MIT
# `make run`: a demo data directory in ./demo (SQLite store, lab CA, a
# certificate for wsus.openwsus.test), a demo administrator, a demo
# publisher trusted by the server, and one demo update published through
# the admin API; then the server stays in the foreground on 127.0.0.1:8531
# (HTTPS) and 127.0.0.1:8530 (HTTP). Ctrl-C stops it; the directory is kept
# and reused by the next `make run`. Keys and passwords are made here, at
# run time, inside the demo directory (0700).
set -eu
BIN=${BIN:-build/openwsus}
DIR=${OPENWSUS_DEMO:-demo}
NAME=${OPENWSUS_FQDN:-wsus.openwsus.test}
# Run as root, the server gives up root for the user openwsus, which must be
# able to reach the data: a checkout under /root is closed to it.
if [ "$(id -u)" = 0 ] && [ -z "${OPENWSUS_DEMO:-}" ] && getent passwd openwsus >/dev/null &&
	! runuser -u openwsus -- test -x "$(pwd)"; then
	DIR=/var/lib/openwsus-demo
fi
[ -f "$DIR/openwsus.conf" ] || "$BIN" init --data "$DIR" --fqdn "$NAME"
NAME=$(sed -n 's/^fqdn = //p' "$DIR/openwsus.conf")
PUB="$DIR/demo-publisher"
if [ ! -f "$DIR/demo-admin.password" ]; then
	mkdir -p "$PUB" && chmod 700 "$PUB"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
		-subj "/CN=openwsus demo publisher CA" -keyout "$PUB/ca.key" -out "$PUB/ca.pem" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/O=openwsus demo/CN=demo publisher" -keyout "$PUB/publisher.key" -out "$PUB/publisher.csr" 2>/dev/null
	printf 'extendedKeyUsage=codeSigning\n' >"$PUB/cs.ext"
	openssl x509 -req -in "$PUB/publisher.csr" -CA "$PUB/ca.pem" -CAkey "$PUB/ca.key" -days 3650 \
		-extfile "$PUB/cs.ext" -out "$PUB/publisher.pem" 2>/dev/null
	cp "$PUB/ca.pem" "$DIR/trusted-publishers/demo-publisher-ca.pem"
	umask 077
	openssl rand -base64 18 >"$DIR/demo-admin.password"
	"$BIN" user add --data "$DIR" demo-admin --role administrators <"$DIR/demo-admin.password"
fi
payload="$DIR/demo-tool-setup.exe"
[ -f "$payload" ] || printf 'openwsus demo installer payload\n' >"$payload"
# What this script writes belongs to the data directory's owner, as the rest.
own() { if [ "$(id -u)" = 0 ]; then chown -R --reference="$DIR" "$DIR"; fi; }
own

"$BIN" serve --data "$DIR" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid; exit 0' INT TERM
i=0
until curl -s -o /dev/null --cacert "$DIR/tls/ca.pem" --resolve "$NAME:8531:127.0.0.1" \
	"https://$NAME:8531/ApiRemoting30/api/v1/openapi.json"; do
	i=$((i + 1))
	[ $i -lt 100 ] && kill -0 $pid 2>/dev/null || { echo "openwsus demo: the server did not start" >&2; exit 1; }
	sleep 0.1
done
if [ ! -s "$DIR/demo-update.id" ]; then
	OPENWSUS_PASSWORD=$(cat "$DIR/demo-admin.password") "$BIN" publish \
		--server "https://$NAME:8531" --ca "$DIR/tls/ca.pem" --resolve "$NAME:8531:127.0.0.1" \
		--user demo-admin --file "$payload" --title "openwsus demo tool 1.0" \
		--description "A demo update published by make run" --args "/quiet" \
		--sign-cert "$PUB/publisher.pem" --sign-key "$PUB/publisher.key" >"$DIR/demo-update.id"
	own
fi
id=$(cat "$DIR/demo-update.id")
sha=$(sha1sum "$payload" | cut -c1-40 | tr a-f A-F)
cat <<EOT

openwsus demo: data in $DIR, server name $NAME, demo update $id
  admin login   demo-admin, password in $DIR/demo-admin.password
  the update    curl -s --cacert $DIR/tls/ca.pem --resolve $NAME:8531:127.0.0.1 \\
                  -u demo-admin:\$(cat $DIR/demo-admin.password) https://$NAME:8531/ApiRemoting30/api/v1/updates/$id
  its file      curl -s http://127.0.0.1:8530/Content/$(echo "$sha" | cut -c39-40)/$sha.exe
  TLS-required  curl -s -o /dev/null -w '%{http_code}\\n' http://127.0.0.1:8530/ClientWebService/client.asmx   (403)
  trust         clients import $DIR/tls/ca.pem (the lab CA) into their trusted roots

EOT
wait $pid
