#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's first command ends in tools/demo.sh: a demo data directory,
# a demo update published through the admin API, the server on
# 127.0.0.1:8531/8530. Run in a network namespace of its own so those fixed
# ports cannot collide with anything on this machine.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if ! unshare -n true 2>/dev/null; then
	fail "unshare -n is not available (needs root and util-linux)"
	exit 1
fi
unshare -n bash -c '
	ip link set lo up
	cd "$1"
	OPENWSUS_DEMO="$2/demo" BIN="$3" sh tools/demo.sh >"$2/demo.out" 2>&1 &
	pid=$!
	for i in $(seq 1 150); do grep -q "^openwsus demo:" "$2/demo.out" && break; sleep 0.1; done
	id=$(sed -n "s/.*demo update \([0-9a-f-]*\)$/\1/p" "$2/demo.out")
	curl -sS --max-time 10 --cacert "$2/demo/tls/ca.pem" --resolve wsus.openwsus.test:8531:127.0.0.1 \
		-u "demo-admin:$(cat "$2/demo/demo-admin.password")" \
		"https://wsus.openwsus.test:8531/ApiRemoting30/api/v1/updates/$id" >"$2/update.json"
	url=$(sed -n "s/.*its file *curl -s \(http[^ ]*\).*/\1/p" "$2/demo.out")
	curl -sS --max-time 10 -o "$2/file" "$url"
	kill -TERM $pid
	wait $pid
	echo $? >"$2/exit"
' _ "$ROOT" "$T" "$OPENWSUS"
expect_match "the demo prints its update id" "$(cat "$T/demo.out")" "demo update [0-9a-f]{8}-"
expect_match "the demo update is in the catalog" "$(cat "$T/update.json")" '"title":"openwsus demo tool 1.0"'
expect "its file is served on port 8530" "$(cat "$T/file" 2>/dev/null)" "openwsus demo installer payload"
expect_match "it was published signed by the demo publisher" "$(cat "$T/demo.out")" "signed by CN=demo publisher"
expect "the demo stops cleanly on SIGTERM" "$(cat "$T/exit" 2>/dev/null)" 0
expect "the demo password file is 0600" "$(stat -c %a "$T/demo/demo-admin.password")" 600
finish
