#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The admin API against the real server: the catalog imported from the
# shared fixtures, an Administrator who creates groups, approves with a
# deadline and declines, a Reporter who reads everything and is refused
# every write, 401 without credentials, 403 on HTTP, throttled guessing,
# and the audit trail of every change.
. "$(dirname "$0")/lib.sh"

DOCS=$(cd "$(dirname "$0")/../.." && pwd)/../shared/fixtures/wsus-rs/docs/fixtures/wsus-m0-wsusss/docs
HOSTILE=$(cd "$(dirname "$0")/../.." && pwd)/../shared/fixtures/wsus-rs/crates/wsus-protocol/tests/fixtures
D="$T/data"
init_data "$D" || { fail "init"; exit 1; }
BUNDLE=a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe
LEAF=266f6222-c89d-43f2-9f8a-69340271e677

out=$("$OPENWSUS" update import --data "$D" "$DOCS"/*.xml)
expect "update import of every fixture document succeeds" "$?" 0
expect "nine revisions imported" "$(grep -c '^imported ' <<<"$out")" 9
out=$("$OPENWSUS" update import --data "$D" "$DOCS/$BUNDLE-r200.xml")
expect_match "importing again changes nothing" "$out" "^unchanged $BUNDLE r200"

# Hostile and malformed documents are refused and change nothing.
cp "$D/store.db" "$T/before.db"
printf '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>' >"$T/laughs.xml"
printf '%s' "$(printf '<a>%.0s' $(seq 1 200))" >"$T/deep.xml"
head -c 100000 /dev/zero | tr '\0' A | sed 's/^/<upd:Update xmlns:upd="http:\/\/schemas.microsoft.com\/msus\/2002\/12\/Update" x="/; s/$/"\/>/' >"$T/hugeattr.xml"
printf '<upd:Update xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update"><upd:UpdateIdentity UpdateID="not-a-guid" RevisionNumber="1"/></upd:Update>' >"$T/badid.xml"
sed 's/FileName="AM_Delta.exe"/FileName="AM_Delta.exe" OriginUri="\\\\fileserver\\share\\AM_Delta.exe"/' \
	"$DOCS/$LEAF-r200.xml" | sed 's/RevisionNumber="200"/RevisionNumber="201"/' >"$T/remote-origin.xml"
for f in "$HOSTILE/dtd_external_entity.xml" "$HOSTILE/malformed_unclosed.xml" "$T/laughs.xml" \
	"$T/deep.xml" "$T/hugeattr.xml" "$T/badid.xml" "$T/remote-origin.xml"; do
	out=$("$OPENWSUS" update import --data "$D" "$f" 2>&1)
	st=$?
	expect "refused: $(basename "$f") (exit 1)" "$st" 1
	check "...with a reason: ${out:0:140}" test -n "$out"
done
expect_match "DOCTYPE refusal says so" "$("$OPENWSUS" update import --data "$D" "$T/laughs.xml" 2>&1)" "DOCTYPE"
expect_match "remote origin refusal quotes the guide's reason" \
	"$("$OPENWSUS" update import --data "$D" "$T/remote-origin.xml" 2>&1)" "remote origin.*(unsigned|signature)"
check "the store is byte-identical after the refusals" cmp -s "$D/store.db" "$T/before.db"

printf 'correct horse battery\n' | "$OPENWSUS" user add --data "$D" alice --role administrators >/dev/null
expect "user add (administrator, password on stdin)" "$?" 0
printf 'reporter password 1\n' | "$OPENWSUS" user add --data "$D" bob --role reporters >/dev/null
expect "user add (reporter)" "$?" 0
out=$(printf 'short\n' | "$OPENWSUS" user add --data "$D" carol --role administrators 2>&1)
expect "a short password is refused" "$?" 1
out=$(printf 'long enough pass\n' | "$OPENWSUS" user add --data "$D" dave --role owners 2>&1)
expect "an unknown role is a usage error" "$?" 2
expect "passwords are stored as argon2id hashes" \
	"$(sqlite3 "$D/store.db" 'select count(*) from principal where password_hash like '"'"'$argon2id$%'"'"'')" 2

start_server "$D" || { fail "server starts"; exit 1; }
API=$(https_url /ApiRemoting30/api/v1)
A=(-u 'alice:correct horse battery')
R=(-u 'bob:reporter password 1')
api() { oc "$D" -o "$T/body" -w '%{http_code}' "$@"; }

expect "openapi.json is served" "$(api "$API/openapi.json")" 200
check "openapi.json describes the approvals resource" grep -q '"/approvals"' "$T/body"
expect "no credentials: 401" "$(api "$API/updates")" 401
check "401 carries WWW-Authenticate" bash -c "curl -sS -D - -o /dev/null --cacert '$D/tls/ca.pem' --resolve '$FQDN:$HTTPS_PORT:127.0.0.1' '$API/updates' | grep -qi '^WWW-Authenticate: Basic'"
expect "plain HTTP: 403" "$(oc "$D" -o /dev/null -w '%{http_code}' "${A[@]}" "$(http_url /ApiRemoting30/api/v1/updates)")" 403

expect "administrator lists updates" "$(api "${A[@]}" "$API/updates?type=Software")" 200
expect_match "six software updates, latest revisions" "$(cat "$T/body")" '"total":6'
expect "one update with its relations" "$(api "${A[@]}" "$API/updates/$BUNDLE")" 200
body=$(cat "$T/body")
expect "bundle: 10 supersedes relations" "$(grep -o '"kind":"supersedes"' <<<"$body" | wc -l)" 10
expect_match "bundle: bundles the leaf $LEAF" "$body" "\"kind\":\"bundled\",\"update_id\":\"$LEAF\""
expect_match "bundle: a category prerequisite group" "$body" '"kind":"prerequisite","update_id":"8c3fcc84-7410-4a95-8b89-a166a0190486","revision":-1,"group":[0-9],"is_category":true'
expect "search by KB" "$(api "${A[@]}" "$API/updates?q=KB2267602")" 200
expect_match "...finds the bundle" "$(cat "$T/body")" "\"total\":1,.*$BUNDLE"

expect "create group Servers" "$(api "${A[@]}" -X POST -d '{"name":"Servers"}' "$API/groups")" 201
expect "create nested group Web under Servers" "$(api "${A[@]}" -X POST -d '{"name":"Web","parent":"servers"}' "$API/groups")" 201
expect "duplicate name (any case) is 409" "$(api "${A[@]}" -X POST -d '{"name":"SERVERS"}' "$API/groups")" 409
expect "duplicate JSON keys are refused" "$(api "${A[@]}" -X POST -d '{"name":"A","name":"B"}' "$API/groups")" 400
expect "malformed JSON is 400" "$(api "${A[@]}" -X POST -d '{"name":' "$API/groups")" 400
expect "approve with a deadline" "$(api "${A[@]}" -X POST -d "{\"update_id\":\"$BUNDLE\",\"group\":\"Servers\",\"action\":\"install\",\"deadline\":\"2026-12-01T08:00:00Z\"}" "$API/approvals")" 201
api "${A[@]}" "$API/approvals?update_id=$BUNDLE" >/dev/null
expect_match "the approval is listed with its deadline" "$(cat "$T/body")" '"action":"install","deadline":"2026-12-01T08:00:00Z"'
expect "uninstall of a non-removable update is refused" "$(api "${A[@]}" -X POST -d "{\"update_id\":\"$BUNDLE\",\"group\":\"Web\",\"action\":\"uninstall\"}" "$API/approvals")" 400
expect_match "...saying why" "$(cat "$T/body")" "removable"
expect "a category cannot be approved" "$(api "${A[@]}" -X POST -d '{"update_id":"56309036-4c77-4dd9-951a-99ee9c246a94","group":"Servers","action":"install"}' "$API/approvals")" 400
expect "a bad deadline is refused" "$(api "${A[@]}" -X POST -d "{\"update_id\":\"$BUNDLE\",\"group\":\"Web\",\"action\":\"install\",\"deadline\":\"tomorrow\"}" "$API/approvals")" 400
expect "an unknown group is 404" "$(api "${A[@]}" -X POST -d "{\"update_id\":\"$BUNDLE\",\"group\":\"Nope\",\"action\":\"install\"}" "$API/approvals")" 404
expect "a deadline that is not a string is refused" "$(api "${A[@]}" -X POST -d "{\"update_id\":\"$BUNDLE\",\"group\":\"Web\",\"action\":\"install\",\"deadline\":5}" "$API/approvals")" 400
check "...with one JSON error body, nothing after it" python3 -c "import json,sys; d=json.load(open('$T/body')); sys.exit(d.get('error') != 'invalid')"
api "${A[@]}" "$API/approvals?update_id=$BUNDLE" >/dev/null
check "...and no approval for Web was made" bash -c "! grep -q '\"group\":\"Web\"' '$T/body'"
expect "decline the leaf" "$(api "${A[@]}" -X POST -d "{\"update_id\":\"$LEAF\"}" "$API/declines")" 201
expect "approving a declined update is refused" "$(api "${A[@]}" -X POST -d "{\"update_id\":\"$LEAF\",\"group\":\"Servers\",\"action\":\"install\"}" "$API/approvals")" 400
api "${A[@]}" "$API/updates/$LEAF" >/dev/null
expect_match "the update shows as declined" "$(cat "$T/body")" '"declined":true'
expect "built-in groups cannot be deleted" "$(api "${A[@]}" -X DELETE "$API/groups/All%20Computers")" 404
expect "All Computers by id cannot be deleted" "$(api "${A[@]}" -X DELETE "$API/groups/a0a08746-4dbe-4a37-9adf-9e7652c0b421")" 409
expect "a group with children cannot be deleted" "$(api "${A[@]}" -X DELETE "$API/groups/Servers")" 409
expect "a leaf group can be deleted" "$(api "${A[@]}" -X DELETE "$API/groups/Web")" 204

# The Reporter reads everything and writes nothing.
for path in updates "updates/$BUNDLE" groups computers approvals declines reports/status users audit; do
	expect "reporter reads $path" "$(api "${R[@]}" "$API/$path")" 200
done
expect "reporter: POST groups is 403" "$(api "${R[@]}" -X POST -d '{"name":"X"}' "$API/groups")" 403
expect "reporter: POST approvals is 403" "$(api "${R[@]}" -X POST -d "{\"update_id\":\"$BUNDLE\",\"group\":\"Servers\",\"action\":\"install\"}" "$API/approvals")" 403
expect "reporter: POST declines is 403" "$(api "${R[@]}" -X POST -d "{\"update_id\":\"$BUNDLE\"}" "$API/declines")" 403
expect "reporter: DELETE declines is 403" "$(api "${R[@]}" -X DELETE "$API/declines/$LEAF")" 403
expect "reporter: DELETE groups is 403" "$(api "${R[@]}" -X DELETE "$API/groups/Servers")" 403
expect "reporter: POST users is 403" "$(api "${R[@]}" -X POST -d '{"name":"eve","role":"administrators","password":"0123456789abc"}' "$API/users")" 403
expect "reporter: PUT is 403" "$(api "${R[@]}" -X PUT -d '{}' "$API/groups")" 403
expect_match "refused writes are logged" "$(cat "$SERVER_LOG")" "reporter bob may not POST"

# The administrator adds a user through the API; it can log in.
expect "administrator adds a reporter" "$(api "${A[@]}" -X POST -d '{"name":"carol","role":"reporters","password":"carol password 12"}' "$API/users")" 201
expect "the new user logs in" "$(api -u 'carol:carol password 12' "$API/groups")" 200
expect "a Kerberos name that is not a string is refused" "$(api "${A[@]}" -X POST -d '{"name":"dave","role":"reporters","password":"dave password 12","kerberos":5}' "$API/users")" 400
api "${A[@]}" "$API/users" >/dev/null
check "...and no principal dave was made" bash -c "! grep -q '\"dave\"' '$T/body'"

# The audit trail has each change, with who did it.
api "${R[@]}" "$API/audit" >/dev/null
body=$(cat "$T/body")
for a in '"principal":"alice","action":"group.add"' '"principal":"alice","action":"approval.set"' \
	'"principal":"alice","action":"update.decline"' '"principal":"alice","action":"group.delete"' \
	'"principal":"alice","action":"user.add","target":"carol"' '"action":"update.import"'; do
	check "audit trail: $a" grep -qF "$a" <<<"$body"
done
# Guessing is throttled: after the free attempts, 429 with Retry-After.
codes=""
for i in 1 2 3 4 5 6 7; do codes="$codes $(api -u "alice:wrong$i" "$API/groups")"; done
expect "five failures are 401, then 429" "$codes" " 401 401 401 401 401 401 429"
check "429 carries Retry-After" bash -c "curl -sS -D - -o /dev/null -u alice:x --cacert '$D/tls/ca.pem' --resolve '$FQDN:$HTTPS_PORT:127.0.0.1' '$API/groups' | grep -qi '^Retry-After: [0-9]'"
expect_match "failed logins are logged" "$(cat "$SERVER_LOG")" "failed login for 'alice'"
expect "...and kept in the audit trail (auth.fail, who, from where), one per failure, none per 429" \
	"$(sqlite3 "$D/store.db" "select principal, target, count(*) from audit_log where action = 'auth.fail' group by 1, 2")" \
	"alice|127.0.0.1|6"

stop_server
expect "SIGTERM exits 0" "$STOP_STATUS" 0
finish
