#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Structured logs: with --log-format json (or [server] log_format = json)
# every line the server writes is one JSON object, access lines carry the
# request's fields, and hostile bytes in a path cannot break the format.
. "$(dirname "$0")/lib.sh"

D="$T/data"
init_data "$D" || { fail "init"; exit 1; }
start_server "$D" --log-format json || { fail "server starts"; exit 1; }
oc "$D" -o /dev/null "$(http_url /Inventory/x)"
oc "$D" -o /dev/null "$(http_url /ClientWebService/client.asmx)"
printf 'GET /Inventory/"q"\\\x01\xff\xc3\xa9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | RAW_WAIT=2 raw "$HTTP_PORT" >/dev/null 2>&1
sleep 0.2
stop_server
expect "SIGTERM exits 0" "$STOP_STATUS" 0
check "every line is one JSON object" python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8", errors="strict"):
    o = json.loads(line)
    assert isinstance(o, dict) and "time" in o and "level" in o, line
' "$SERVER_LOG"
check "the ready line is there" grep -q '"msg":"ready https=' "$SERVER_LOG"
check "an access line has every field" python3 -c '
import json, sys
hits = [json.loads(l) for l in open(sys.argv[1]) if "\"event\":\"access\"" in l]
a = [h for h in hits if h["path"] == "/ClientWebService/client.asmx"][0]
assert a["method"] == "GET" and a["status"] == 403 and a["port"] == int(sys.argv[2]), a
assert isinstance(a["bytes"], int) and isinstance(a["ms"], int) and a["peer"].startswith("127.0.0.1:"), a
' "$SERVER_LOG" "$HTTP_PORT"
check "the refusal is logged as a warning" grep -q '"level":"warn","msg":"refused plain HTTP request to TLS-required root /ClientWebService' "$SERVER_LOG"
sed -i 's/^workers = 0/log_format = json\nworkers = 0/' "$D/openwsus.conf"
start_server "$D" || { fail "server restarts"; exit 1; }
stop_server
check "log_format = json in the configuration does the same" grep -q '^{"time":"[^"]*","level":"info","msg":"ready https=' "$SERVER_LOG"
out=$("$OPENWSUS" serve --data "$D" --log-format xml 2>&1)
expect "an unknown log format is a usage error" "$?" 2
finish
