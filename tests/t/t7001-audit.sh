#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `openwsus audit`: the hardening guide's checklist on a fresh data
# directory (exact lines, exit 1 for the expected WARNs), with the server
# running (the TLS-required roots really refuse plain HTTP), and after each
# kind of damage: a readable key, a listener on all addresses, stores
# written by an older version (a remote origin, an unsigned publication, a
# change by a Reporter), idle principals, loose directory modes.
. "$(dirname "$0")/lib.sh"

D="$T/data"
init_data "$D" || { fail "init"; exit 1; }
audit() { "$OPENWSUS" audit --data "$D" "$@" >"$T/audit.out" 2>"$T/audit.err"; }
line() { grep -E "^[A-Z]{4}  .{17}  $1 " "$T/audit.out"; }
status_of() { line "$1" | cut -c1-4; }
# expect_line NAME EXACT-LINE: the output has that line exactly.
expect_line() {
	if grep -Fxq -- "$2" "$T/audit.out"; then pass "$1"; else
		fail "$1: no line '$2' in:"; cat "$T/audit.out"; fi
}
if [ "$(id -u)" = 0 ]; then ROOT=1; else ROOT=0; fi

# ---- a fresh data directory ------------------------------------------------
audit
expect "fresh init: exit 1 (WARNs, no FAIL)" "$?" 1
expect "26 checks, one line each, and a summary" "$(wc -l <"$T/audit.out")" 27
expect "no FAIL on a fresh init" "$(grep -c '^FAIL' "$T/audit.out")" 0
expect "WARN lines: server not running x3, serversync x2" "$(grep -c '^WARN' "$T/audit.out")" 5
expect_line "certificate line" \
	"PASS  SSL                ssl.certificate            $FQDN is a FQDN; tls/server.pem covers it, its key matches and it is valid now"
expect_line "TLS roots not checked without a server (exact line)" \
	"WARN  SSL                ssl.tls-roots              not checked: the server is not running (no openwsus.pid); the route table of this build requires TLS on /SimpleAuthWebService, /DssAuthWebService, /ServerSyncWebService, /ApiRemoting30 and /ClientWebService; fix: start 'openwsus serve --data $D' and run audit again"
expect_line "HTTPS port not checked without a server" \
	"WARN  SSL                ssl.https-port             not checked: the server is not running (no openwsus.pid); plain HTTP on the HTTPS port 8531 must get no HTTP answer; fix: start 'openwsus serve --data $D' and run audit again"
expect "admin API not checked without a server" "$(status_of ssl.admin-api)" WARN
expect_match "anonymous sync: PASS by construction, and says why" "$(line serversync.anonymous)" \
	'^PASS .*answers no sync requests in this version.*no anonymous access'
expect_match "sync authentication: WARN not configurable yet" "$(line serversync.auth)" \
	'^WARN .*not configurable yet'
expect_match "allow list: WARN not configurable yet, all servers allowed" "$(line serversync.allow-list)" \
	'^WARN .*not configurable yet.*all servers are allowed'
expect_match "upstream: no sync in this version" "$(line upstream.sync)" '^PASS .*does not synchronize'
if [ $ROOT = 1 ]; then
	expect_line "run as root: serve would drop to the service user" \
		"PASS  Permissions        perm.daemon-user           serve started as root binds its ports, then runs as 'openwsus' (uid $(id -u openwsus)) for good"
	expect "init as root gave the data directory to the service user" \
		"$(stat -c %U "$D")" openwsus
fi
expect_line "loopback listener passes the firewall line" \
	"PASS  Firewall           firewall.listen            the configuration listens on 127.0.0.1 (loopback), ports 8531 (HTTPS) and 8530 (HTTP)"
expect_line "SQLite is the embedded store" \
	"PASS  Remote SQL Server  database.remote            embedded store on this host (SQLite, store.db): no database server is reachable from the network"
for c in ssl.chain ssl.expiry ssl.policy signed.origin signed.publications signed.trusted-publishers \
	perm.data-dir perm.keys perm.config perm.store perm.content perm.publishing \
	groups.administrators groups.idle groups.reporters-write; do
	expect "fresh init: $c passes" "$(status_of "$c")" PASS
done
expect_match "summary line" "$(tail -n 1 "$T/audit.out")" \
	"^26 checks: 21 pass, 5 warn, 0 fail$"

# --json: the same items, parseable.
audit --json
expect "--json: same exit status" "$?" 1
check "--json parses" python3 -c 'import json, sys; d = json.load(sys.stdin); assert len(d["items"]) == 26 and d["exit"] == 1' <"$T/audit.out"
check "--json: items carry practice, check, status, reason, fix" \
	grep -q '"practice": "SSL",' "$T/audit.out"
check "--json: the TLS-roots item is a WARN" \
	bash -c "grep -A2 '\"check\": \"ssl.tls-roots\"' '$T/audit.out' | grep -q '\"status\": \"WARN\"'"
check "--json: counts and exit" grep -q '"exit": 1' "$T/audit.out"

# ---- with the server running ------------------------------------------------
start_server "$D" || { fail "server starts"; exit 1; }
audit
st=$?
expect_match "running: the TLS roots really refuse plain HTTP" "$(line ssl.tls-roots)" \
	"^PASS .*the running server \\(pid $SERVER_PID\\) refused plain HTTP on 127.0.0.1 port $HTTP_PORT with 403 \"SSL is required\" for /SimpleAuthWebService, /DssAuthWebService, /ServerSyncWebService, /ApiRemoting30 and /ClientWebService$"
expect_match "running: the HTTPS port gives plain HTTP no HTTP answer" "$(line ssl.https-port)" \
	"^PASS .*HTTPS port $HTTPS_PORT \\(127.0.0.1\\) got no HTTP answer"
expect_match "running: the admin API is refused over HTTP" "$(line ssl.admin-api)" \
	"^PASS .*GET /ApiRemoting30/api/v1/openapi.json over plain HTTP \\(127.0.0.1 port $HTTP_PORT\\) got 403"
expect_match "running: the firewall line shows the running ports" "$(line firewall.listen)" \
	"^PASS .*the running server listens on 127.0.0.1 \\(loopback\\), ports $HTTPS_PORT \\(HTTPS\\) and $HTTP_PORT \\(HTTP\\)$"
if [ $ROOT = 1 ]; then
	expect_match "started as root: the running server is not root" "$(line perm.daemon-user)" \
		"^PASS .*the running server runs as uid $(id -u openwsus), not root"
fi
expect "running: exit 1 (serversync WARNs remain)" "$st" 1
expect_match "the probes are in the server's log" "$(cat "$SERVER_LOG")" \
	"refused plain HTTP request to TLS-required root /DssAuthWebService"
stop_server

# A stale pid file is not a running server.
echo 999999 >"$D/openwsus.pid"
audit
expect_match "stale pid file: not checked, and says so" "$(line ssl.tls-roots)" \
	'^WARN .*not checked: the server is not running \(pid 999999 in openwsus.pid is not an openwsus serve\)'
rm -f "$D/openwsus.pid"

# ---- permissions ---------------------------------------------------------------
chmod 0644 "$D/tls/server.key"
audit
expect "a key readable by others: exit 2" "$?" 2
expect_line "...and the keys line FAILs naming it" \
	"FAIL  Permissions        perm.keys                  tls/server.key is mode 0644; fix: chmod 600 each key and chown it to the user that runs openwsus"
chmod 0600 "$D/tls/server.key"

chmod 0755 "$D"
audit
expect "a data directory open to others: exit 2" "$?" 2
expect_match "...perm.data-dir FAILs with the mode" "$(line perm.data-dir)" "^FAIL .*$D is mode 0755"
chmod 0700 "$D"

chmod o+w "$D/content"
audit
expect "content writable by others: exit 2" "$?" 2
expect_match "...perm.content FAILs with the mode" "$(line perm.content)" \
	'^FAIL .*1 entry in content/ writable by group or others.*: content is mode 0757'
chmod o-w "$D/content"
printf 'demo installer\n' >"$T/demo.exe"
path=$("$OPENWSUS" content import --data "$D" "$T/demo.exe")
path=content${path#/Content}
chmod 0666 "$D/$path"
audit
expect_match "a content file writable by others FAILs, named" "$(line perm.content)" \
	"^FAIL .*1 entry in content/ writable by group or others.*: $path \\(mode 0666, uid $(stat -c %u "$D")\\)"
chmod 0644 "$D/$path"
audit
expect_match "...fixed: content passes and counts its entries" "$(line perm.content)" \
	'^PASS .*content/ and its 3 entries are writable by their owner only'

chmod g+w "$D/trusted-publishers"
audit
expect_match "a group-writable trusted-publishers store FAILs" "$(line perm.publishing)" \
	'^FAIL .*trusted-publishers is mode 0720'
chmod g-w "$D/trusted-publishers"

chmod 0640 "$D/openwsus.conf"
audit
expect_match "a group-readable configuration is a WARN" "$(line perm.config)" \
	'^WARN .*openwsus.conf is readable by group or others \(mode 0640\)'
chmod 0660 "$D/openwsus.conf"
audit
expect "a group-writable configuration: exit 2" "$?" 2
expect "...is the only line, a FAIL, and the summary" "$(wc -l <"$T/audit.out")" 2
expect_match "...saying why" "$(line perm.config)" '^FAIL .*writable by group or others'
chmod 0600 "$D/openwsus.conf"

chmod 0644 "$D/store.db"
audit
expect_match "a store readable by others FAILs" "$(line perm.store)" '^FAIL .*store.db is mode 0644'
chmod 0600 "$D/store.db"

# ---- firewall ----------------------------------------------------------------------
sed -i 's/^listen = .*/listen = 0.0.0.0/' "$D/openwsus.conf"
audit
expect "listen = 0.0.0.0: exit 1" "$?" 1
expect_line "a listener on all addresses is a WARN naming the guide's firewall practice" \
	"WARN  Firewall           firewall.listen            the configuration listens on 0.0.0.0 (every IPv4 address of this host), ports 8531 (HTTPS) and 8530 (HTTP); fix: hardening guide, Firewall: keep the server behind a firewall that lets only clients and downstream servers reach ports 8531 and 8530, or listen on specific addresses ([server] listen)"
sed -i 's/^listen = .*/listen = 127.0.0.1/' "$D/openwsus.conf"

# ---- Remote SQL Server ------------------------------------------------------------------
cp "$D/openwsus.conf" "$T/conf.bak"
sed -i 's/^listen = .*/listen = 0.0.0.0/; s|^url = .*|url = postgresql://wsus:s3cret@203.0.113.9/wsus?sslmode=require|' "$D/openwsus.conf"
audit
expect "internet-facing with a public database: exit 2" "$?" 2
expect_match "...the database line FAILs: public host, no verify-full" "$(line database.remote)" \
	'^FAIL .*internet-facing.*203.0.113.9 is a public address.*without sslmode=verify-full'
expect_match "...store-backed lines say the store cannot be opened" "$(line signed.origin)" \
	'^FAIL .*not checked: the store cannot be opened'
check "...and the database password is never printed" bash -c "! grep -q s3cret '$T/audit.out'"
sed -i 's|^url = .*|url = postgresql://%2Fvar%2Frun%2Fpostgresql/wsus|' "$D/openwsus.conf"
audit
expect_match "a Unix-socket database passes" "$(line database.remote)" '^PASS .*PostgreSQL store on a Unix socket'
cp "$T/conf.bak" "$D/openwsus.conf"

# ---- signed content: stores written by an older version -----------------------------------
# An import with a remote origin is refused (t5001), so write the row directly.
U=11111111-2222-3333-4444-555555555555
sqlite3 "$D/store.db" "INSERT INTO update_revision (update_id, revision, type, doc, doc_sha256, imported_at)
	VALUES ('$U', 100, 'Software', X'3c782f3e', '$(printf '%064d' 0)', '2020-01-01T00:00:00Z');
	INSERT INTO revision_file (revision_id, sha1, size, name, origin)
	VALUES (last_insert_rowid(), '$(printf '%040d' 0)', 10, 'setup.msi', '\\\\fileserver\\share\\setup.msi');"
audit
expect "a remote origin in the store: exit 2" "$?" 2
expect_match "...the origin line FAILs naming the update and the origin" "$(line signed.origin)" \
	"^FAIL .*1 update file\\(s\\) with a remote origin.*$U r100 setup.msi from '.\\\\fileserver.share.setup.msi'"
sqlite3 "$D/store.db" "DELETE FROM update_revision WHERE update_id = '$U'"
audit
expect "...gone again: origin passes" "$(status_of signed.origin)" PASS

sqlite3 "$D/store.db" "INSERT INTO publication VALUES ('$U', 100, '', X'', 'alice', '2020-01-01T00:00:00Z')"
audit
expect "an unsigned publication: exit 2" "$?" 2
expect_match "...the publications line FAILs naming it" "$(line signed.publications)" \
	"^FAIL .*1 local publication\\(s\\) without a publisher signature: $U r100 \\(by alice"
expect_match "...and publications with an empty trusted-publishers store FAIL" \
	"$(line signed.trusted-publishers)" '^FAIL .*1 local publication\(s\) but the trusted-publishers store \(trusted-publishers/\) is empty'
cp "$D/tls/ca.pem" "$D/trusted-publishers/publisher.pem"
audit
expect_match "a publisher certificate makes the store non-empty" "$(line signed.trusted-publishers)" \
	'^PASS .*1 publisher certificate\(s\) in trusted-publishers/; 1 local publication'
sqlite3 "$D/store.db" "DELETE FROM publication"
rm -f "$D/trusted-publishers/publisher.pem"

# ---- security groups ----------------------------------------------------------------------
printf 'correct horse battery\n' | "$OPENWSUS" user add --data "$D" alice --role administrators >/dev/null
printf 'reporter password 1\n' | "$OPENWSUS" user add --data "$D" bob --role reporters >/dev/null
printf 'another admin pass\n' | "$OPENWSUS" user add --data "$D" carol --role administrators >/dev/null
audit
expect_match "administrators are counted and named" "$(line groups.administrators)" \
	'^PASS .*2 WSUS Administrator\(s\): alice, carol'
expect "new principals are not idle" "$(status_of groups.idle)" PASS
sqlite3 "$D/store.db" "UPDATE principal SET last_used = '2020-03-01T10:00:00Z' WHERE name = 'alice';
	UPDATE principal SET created_at = '2020-01-01T00:00:00Z', last_used = NULL WHERE name = 'bob';
	UPDATE principal SET last_used = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-10 days') WHERE name = 'carol'"
audit
expect "idle principals: exit 1" "$?" 1
expect_line "...a WARN naming the administrator and the reporter" \
	"WARN  Security groups    groups.idle                2 principal(s) not used for 90 days: alice (administrators, last used 2020-03-01T10:00:00Z), bob (reporters, never used, created 2020-01-01T00:00:00Z); fix: remove the principals nobody uses (this version has no 'user delete' yet)"

sqlite3 "$D/store.db" "INSERT INTO audit_log (at, principal, action, target) VALUES ('2020-02-02T00:00:00Z', 'bob', 'approval.set', '$U')"
audit
expect "a change by a Reporter: exit 2" "$?" 2
expect_match "...reporters-write FAILs naming it" "$(line groups.reporters-write)" \
	"^FAIL .*1 change\\(s\\) made by WSUS Reporters.*bob approval.set $U at 2020-02-02T00:00:00Z"

# ---- usage ---------------------------------------------------------------------------------
"$OPENWSUS" audit >/dev/null 2>&1
expect "no --data: usage error 2" "$?" 2
"$OPENWSUS" audit --data "$T/nope" >"$T/audit.out" 2>&1
expect "a missing data directory: exit 2" "$?" 2
expect_match "...one FAIL line saying why" "$(head -n 1 "$T/audit.out")" '^FAIL  Configuration .*config.load .*init'

finish
