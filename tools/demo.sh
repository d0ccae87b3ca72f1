#!/bin/sh
# SPDX-License-Identifier: MIT
# `make run`: a demo data directory (SQLite store, lab CA, certificate for
# wsus.openwsus.test) in ./demo, one demo file published on the content
# port, and the server in the foreground on 127.0.0.1:8531 (HTTPS) and
# 127.0.0.1:8530 (HTTP). Ctrl-C stops it; the directory is kept.
set -eu
BIN=${BIN:-build/openwsus}
DIR=${OPENWSUS_DEMO:-demo}
NAME=${OPENWSUS_FQDN:-wsus.openwsus.test}
[ -f "$DIR/openwsus.conf" ] || "$BIN" init --data "$DIR" --fqdn "$NAME"
NAME=$(sed -n 's/^fqdn = //p' "$DIR/openwsus.conf")
payload="$DIR/demo-update.cab"
[ -f "$payload" ] || printf 'openwsus demo update payload\n' >"$payload"
path=$("$BIN" content import --data "$DIR" "$payload")
cat <<EOT

openwsus demo: data in $DIR, server name $NAME
  demo file     curl -s http://127.0.0.1:8530$path
  a range       curl -s -r 0-6 http://127.0.0.1:8530$path
  TLS-required  curl -s -o /dev/null -w '%{http_code}\n' http://127.0.0.1:8530/ClientWebService/client.asmx   (403)
  over HTTPS    curl -s --cacert $DIR/tls/ca.pem --resolve $NAME:8531:127.0.0.1 \\
                  -X POST -d '<x/>' https://$NAME:8531/ClientWebService/client.asmx
  trust         clients import $DIR/tls/ca.pem (the lab CA) into their trusted roots

EOT
exec "$BIN" serve --data "$DIR"
