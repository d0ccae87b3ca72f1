#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The TLS grade of the HTTPS port, judged by Debian's own scanners run
# against the real server on loopback: sslscan (protocols and every cipher
# suite accepted) and testssl (its whole default run, certificate and HTTP
# header checks included). Required: TLS 1.2 and 1.3 only, only
# forward-secret AEAD suites, no renegotiation, and no testssl finding of
# severity MEDIUM or above. testssl makes no DNS lookup (--nodns none) and
# contacts nothing beyond the port under test (no --phone-out).
. "$(dirname "$0")/lib.sh"

for tool in sslscan testssl; do
	command -v "$tool" >/dev/null || { fail "$tool is missing: run 'make deps'"; exit 1; }
done
D="$T/data"
init_data "$D" || { fail "init"; exit 1; }
start_server "$D" || { fail "server starts"; exit 1; }

# ---- sslscan ------------------------------------------------------------------
sslscan --no-colour --sni-name="$FQDN" "127.0.0.1:$HTTPS_PORT" >"$T/sslscan.txt" 2>&1
expect "sslscan ran" "$?" 0
for p in SSLv2 SSLv3 TLSv1.0 TLSv1.1; do
	expect_match "sslscan: $p disabled" "$(grep "^$p " "$T/sslscan.txt")" "disabled"
done
for p in TLSv1.2 TLSv1.3; do
	expect_match "sslscan: $p enabled" "$(grep "^$p " "$T/sslscan.txt")" "enabled"
done
expect_match "sslscan: no session renegotiation" "$(cat "$T/sslscan.txt")" "Session renegotiation not supported"
grep -E '^(Preferred|Accepted) ' "$T/sslscan.txt" | awk '{print $2, $5}' >"$T/suites.txt"
expect "sslscan: six suites accepted (3 TLS 1.3, 3 TLS 1.2)" "$(wc -l <"$T/suites.txt")" 6
weak=$(grep -Ev '^TLSv1\.3 TLS_(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA|^TLSv1\.2 ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$' \
	"$T/suites.txt")
expect "sslscan: every suite is forward-secret (ECDHE or TLS 1.3) and AEAD (GCM, ChaCha20-Poly1305)" "$weak" ""

# ---- testssl ------------------------------------------------------------------
rm -f "$T/testssl.json"
# testssl's exit status adds up return values of its checks; whether the
# scan finished is in its JSON (scanTime).
timeout 600 testssl --quiet --color 0 --warnings off --nodns none --add-ca "$D/tls/ca.pem" \
	--ip 127.0.0.1 --jsonfile "$T/testssl.json" "$FQDN:$HTTPS_PORT" >"$T/testssl.txt" 2>&1
summary=$(python3 - "$T/testssl.json" <<'PY'
import json, sys
from collections import Counter
d = json.load(open(sys.argv[1]))
c = Counter(x["severity"] for x in d)
bad = [f'{x["id"]} {x["severity"]}: {x["finding"]}' for x in d
       if x["severity"] in ("MEDIUM", "HIGH", "CRITICAL")]
print(f'{len(d)} findings: ' + ", ".join(f"{k} {c[k]}" for k in
      ("OK", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL", "WARN") if c[k]))
for b in bad:
    print("  " + b)
for x in d:
    if x["severity"] == "WARN":
        print(f'warn {x["id"]}: {x["finding"]}')
    if x["id"] == "scanTime":
        print("finished" if x["severity"] != "WARN" else "interrupted")
PY
)
echo "# testssl: $summary"
expect "testssl ran to the end" "$(printf '%s\n' "$summary" | grep -x finished)" finished
expect "testssl: 0 findings of severity MEDIUM, HIGH or CRITICAL" \
	"$(printf '%s\n' "$summary" | grep -c '^  ')" 0
expect_match "testssl: TLS 1.2 and 1.3 offered, nothing older" \
	"$(grep -E '^ (SSLv2|SSLv3|TLS 1|TLS 1.1|TLS 1.2|TLS 1.3) ' "$T/testssl.txt" | tr -s ' ' | tr '\n' '|')" \
	'SSLv2 not offered \(OK\)\| SSLv3 not offered \(OK\)\| TLS 1 not offered\| TLS 1.1 not offered\| TLS 1.2 offered \(OK\)\| TLS 1.3 offered \(OK\)'
expect_match "testssl: forward secrecy for every suite" "$(cat "$T/testssl.txt")" "PFS is offered \\(OK\\)"
stop_server
expect "server exits 0 after the scans" "$STOP_STATUS" 0
finish
