#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The administration verbs as clients of the admin API, against the real
# server: group add/list/delete, approve with a deadline, decline and undo,
# computer list/assign/unassign, report updates/status/audit, user
# list/create; --json output; a Reporter refused every write with the
# server's read-only message; http:// refused; a wrong password, a wrong CA
# and no password fail; no password option exists; proxy variables are
# ignored.
. "$(dirname "$0")/lib.sh"

DOCS=$(cd "$(dirname "$0")/../.." && pwd)/../shared/fixtures/wsus-rs/docs/fixtures/wsus-m0-wsusss/docs
D="$T/data"
BUNDLE=a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe
LEAF=266f6222-c89d-43f2-9f8a-69340271e677
PC=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9
APW='correct horse battery'
RPW='reporter password 1'

init_data "$D" || { fail "init"; exit 1; }
"$OPENWSUS" update import --data "$D" "$DOCS"/*.xml >/dev/null
expect "update import of the fixture documents" "$?" 0
# A revision whose title carries terminal controls (CSI as U+009B, DEL):
# tables must not pass them to the terminal.
ENGINE=ff36f0b5-dded-4780-8664-cd78af8b62c1
sed 's/RevisionNumber="200"/RevisionNumber="201"/; s/<upd:Title>AM Engine /<upd:Title>AM Engine \&#x9B;2J\&#x7F; /' \
	"$DOCS/$ENGINE-r200.xml" >"$T/hostile-title.xml"
"$OPENWSUS" update import --data "$D" "$T/hostile-title.xml" >/dev/null
expect "a revision with control characters in its title is imported" "$?" 0
printf '%s\n' "$APW" | "$OPENWSUS" user add --data "$D" alice --role administrators >/dev/null
expect "user add --data: an administrator" "$?" 0
printf '%s\n' "$RPW" | "$OPENWSUS" user add --data "$D" bob --role reporters >/dev/null
expect "user add --data: a reporter" "$?" 0

# A computer with reported states, as a client would leave them (the client
# protocol is tested elsewhere; here only the reports matter).
have_sqlite=0
if command -v sqlite3 >/dev/null; then
	have_sqlite=1
	sqlite3 "$D/store.db" "
		INSERT INTO computer VALUES ('$PC', 'pc1.example.test', 'Windows 11 Pro', '',
			'2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z');
		INSERT INTO computer_update_status VALUES ('$PC', '$BUNDLE', 'installed', '2026-01-02T00:00:00Z');
		INSERT INTO computer_update_status VALUES ('$PC', '$LEAF', 'needed', '2026-01-02T00:00:00Z');"
	expect "a computer with two reported states is seeded" "$?" 0
fi

start_server "$D" || { fail "server starts"; exit 1; }
SERVER="https://$FQDN:$HTTPS_PORT"
CONN=(--server "$SERVER" --ca "$D/tls/ca.pem" --resolve "$FQDN:$HTTPS_PORT:127.0.0.1")

# as USER PASSWORD VERB...: runs a verb with the password in the environment;
# stdout in $T/out, stderr in $T/err, exit status returned.
as() {
	local u=$1 p=$2
	shift 2
	OPENWSUS_PASSWORD=$p "$OPENWSUS" "$@" "${CONN[@]}" --user "$u" >"$T/out" 2>"$T/err" </dev/null
}
admin() { as alice "$APW" "$@"; }
reporter() { as bob "$RPW" "$@"; }
json_ok() {
	if command -v python3 >/dev/null && python3 -c '' 2>/dev/null; then
		python3 -c 'import json, sys; json.load(sys.stdin)' <"$1"
	else
		grep -q '^{.*}$' "$1"
	fi
}

# ---- groups ----------------------------------------------------------------
admin group add Servers
expect "group add Servers" "$?" 0
expect_match "...prints the new group's id" "$(cat "$T/out")" '^created group Servers \([0-9a-f-]{36}\)$'
admin group add "Branch Office" --parent Servers
expect "group add with a space in the name, --parent" "$?" 0
admin group add Web --parent servers --json
expect "group add --json" "$?" 0
check "...prints the server's JSON" grep -q '"name":"Web"' "$T/out"
admin group add SERVERS
expect "a duplicate group name: exit 1" "$?" 1
expect_match "...with the server's message" "$(cat "$T/err")" "refused by the server: .*HTTP 409"
admin group list
expect "group list" "$?" 0
expect_match "...a table with a header" "$(head -n 1 "$T/out")" '^NAME +ID +PARENT$'
expect_match "...parents by name" "$(grep '^Web ' "$T/out")" '^Web +[0-9a-f-]{36} +Servers$'
expect_match "...aligned columns" "$(grep '^Branch Office ' "$T/out")" '^Branch Office +[0-9a-f-]{36} +Servers$'
expect "...the built-in groups are listed" "$(grep -c -E '^(All|Unassigned) Computers ' "$T/out")" 2
admin group list --json
check "group list --json parses" json_ok "$T/out"
check "...has the items" grep -q '"items":\[.*"name":"All Computers"' "$T/out"

# ---- approvals and declines --------------------------------------------------
admin approve "$BUNDLE" --group Servers --deadline 2026-12-01T08:00:00Z
expect "approve with a deadline" "$?" 0
expect_match "...says what was approved" "$(cat "$T/out")" "approved $BUNDLE for Servers: install, deadline 2026-12-01T08:00:00Z"
admin approve "$BUNDLE" --group Web --action notapproved --no-children --json
expect "approve --action notapproved --no-children --json" "$?" 0
check "...prints the server's JSON" grep -q "\"update_id\":\"$BUNDLE\".*\"action\":\"notapproved\"" "$T/out"
admin approve "$BUNDLE" --group Servers --action uninstall
expect "uninstall of a non-removable update: exit 1" "$?" 1
expect_match "...with the server's reason" "$(cat "$T/err")" "removable"
admin approve "$BUNDLE" --group Servers --deadline tomorrow
expect "a bad deadline: exit 1" "$?" 1
admin approve "$BUNDLE" --group Servers --action sometimes
expect "an unknown --action is a usage error" "$?" 2
admin approve "$BUNDLE"
expect "approve without --group is a usage error" "$?" 2

admin decline "$LEAF"
expect "decline" "$?" 0
expect "...says so" "$(cat "$T/out")" "declined $LEAF"
admin approve "$LEAF" --group Servers
expect "approving a declined update: exit 1" "$?" 1
admin report updates --query 266f6222
expect_match "report updates shows the decline" "$(grep "^$LEAF" "$T/out")" "^$LEAF +200 +Software +- +yes "
admin decline --undo "$LEAF" --json
expect "decline --undo --json" "$?" 0
check "...prints a JSON status" grep -q "\"declined\":false" "$T/out"
admin report updates --query 266f6222 --json
check "report updates --json after the undo" grep -q '"declined":false' "$T/out"
admin decline --undo "../groups"
expect "decline --undo of a non-id is a usage error" "$?" 2

# ---- reports ------------------------------------------------------------------
admin report updates --type Software
expect "report updates --type Software" "$?" 0
expect "...six software updates" "$(tail -n 1 "$T/out")" "6 updates"
expect_match "...with approvals by group name and deadline" "$(grep "^$BUNDLE" "$T/out")" \
	"KB2267602 +no +(install Servers until 2026-12-01T08:00:00Z; notapproved Web|notapproved Web; install Servers until 2026-12-01T08:00:00Z) +Security Intelligence Update"
admin report updates --query KB2267602 --json
expect "report updates --query --json" "$?" 0
check "...parses" json_ok "$T/out"
check "...one update, with its approval" grep -q "\"total\":1,.*\"update_id\":\"$BUNDLE\".*\"deadline\":\"2026-12-01T08:00:00Z\"" "$T/out"
check "...--no-children reached the server" grep -q '"action":"notapproved","deadline":null,"apply_to_children":false' "$T/out"
admin report updates --query "$ENGINE"
expect "report updates of a title with terminal controls" "$?" 0
check "...shows them as '?'" grep -qE "^$ENGINE +201 .* AM Engine \?2J\? 1\.1\.26080\.3" "$T/out"
expect "...and never sends them to the terminal" \
	"$(LC_ALL=C grep -c -e $'\xc2\x9b' -e $'\x7f' "$T/out")" 0
admin report updates --query "$ENGINE" --json
expect "...while --json carries the title as the server has it" \
	"$(LC_ALL=C grep -c $'AM Engine \xc2\x9b2J\x7f 1' "$T/out")" 1
admin report updates --query "$(printf 'x%.0s' $(seq 1 200))"
expect "an overlong --query is a usage error" "$?" 2
admin report updates --query 'no such thing & more'
expect "a query with spaces and & is escaped" "$?" 0
expect "...and finds nothing" "$(tail -n 1 "$T/out")" "0 updates"
admin report audit
expect "report audit" "$?" 0
expect_match "...a table" "$(head -n 1 "$T/out")" '^AT +PRINCIPAL +ACTION +TARGET +DETAIL$'
for a in group.add approval.set update.decline update.undecline; do
	check "...has alice's $a" grep -qE "^[0-9TZ:-]+ +alice +$a " "$T/out"
done
admin report audit --json
check "report audit --json parses" json_ok "$T/out"
check "...has the import" grep -q '"action":"update.import"' "$T/out"
admin report status
expect "report status" "$?" 0
expect_match "...a table" "$(head -n 1 "$T/out")" '^COMPUTER +UPDATE_ID +STATE +LAST_EVENT$'
if [ "$have_sqlite" = 1 ]; then
	expect_match "...names the computer" "$(grep "$BUNDLE" "$T/out")" "^pc1.example.test +$BUNDLE +installed "
	expect "...and sums the states" "$(tail -n 1 "$T/out")" "2 states reported: needed 1, installed 1"
fi
admin report status --json
check "report status --json parses" json_ok "$T/out"
admin report nonsense
expect "an unknown report is a usage error" "$?" 2

# ---- computers ------------------------------------------------------------------
admin computer list
expect "computer list" "$?" 0
expect_match "...a table" "$(head -n 1 "$T/out")" '^COMPUTER_ID +NAME +OS +LAST_CONTACT +GROUPS$'
if [ "$have_sqlite" = 1 ]; then
	admin computer assign "$PC" --group Servers
	expect "computer assign" "$?" 0
	admin computer assign "$PC" --group "Branch Office"
	expect "computer assign to a group with a space" "$?" 0
	admin computer list
	expect_match "...the list names both groups" "$(grep "^$PC" "$T/out")" \
		"^$PC +pc1.example.test +Windows 11 Pro +2026-01-02T00:00:00Z +(Servers, Branch Office|Branch Office, Servers)$"
	admin computer unassign "$PC" --group "Branch Office" --json
	expect "computer unassign (by name, with a space) --json" "$?" 0
	check "...prints a JSON status" grep -q '"member":false' "$T/out"
	admin computer list --json
	check "computer list --json parses" json_ok "$T/out"
	check "...one group left" grep -q "\"computer_id\":\"$PC\".*\"groups\":\[\"[0-9a-f-]*\"\]" "$T/out"
fi
admin computer assign no-such-pc --group Servers
expect "assigning an unknown computer: exit 1" "$?" 1
admin computer assign "$PC"
expect "computer assign without --group is a usage error" "$?" 2

# ---- deleting groups ----------------------------------------------------------------
admin group delete "Branch Office"
expect "group delete (name with a space)" "$?" 0
admin group delete Web --json
expect "group delete --json" "$?" 0
check "...prints a JSON status" grep -q '"deleted":true' "$T/out"
admin group delete "All Computers"
expect "a built-in group cannot be deleted: exit 1" "$?" 1
expect_match "...the server says why" "$(cat "$T/err")" "built-in"
admin group delete Nowhere
expect "deleting an unknown group: exit 1" "$?" 1
admin group list
check "the deleted groups are gone" bash -c "! grep -qE '^(Web|Branch Office) ' '$T/out'"

# ---- users ----------------------------------------------------------------------------
admin user list
expect "user list" "$?" 0
expect_match "...alice with her password sign-in" "$(grep '^alice ' "$T/out")" '^alice +administrators +password '
expect_match "...bob" "$(grep '^bob ' "$T/out")" '^bob +reporters +password '
admin user list --json
check "user list --json parses" json_ok "$T/out"
check "...names both" grep -q '"name":"alice".*"name":"bob"' "$T/out"
printf 'carol password 12\n' | OPENWSUS_PASSWORD=$APW "$OPENWSUS" user create carol --role reporters \
	"${CONN[@]}" --user alice >"$T/out" 2>"$T/err"
expect "user create: admin password from OPENWSUS_PASSWORD, the new one from stdin" "$?" 0
expect "...says so" "$(cat "$T/out")" "created carol in reporters"
as carol 'carol password 12' group list
expect "...the new user logs in" "$?" 0
printf '%s\ndave password 123\n' "$APW" | env -u OPENWSUS_PASSWORD "$OPENWSUS" user create Dave \
	--role administrators "${CONN[@]}" --user alice >"$T/out" 2>"$T/err"
expect "user create: both passwords on stdin, the admin's first" "$?" 0
as dave 'dave password 123' group add Lab
expect "...the new administrator can write" "$?" 0
printf 'short\n' | OPENWSUS_PASSWORD=$APW "$OPENWSUS" user create erin --role reporters \
	"${CONN[@]}" --user alice >"$T/out" 2>"$T/err"
expect "a short new password: exit 1" "$?" 1
expect_match "...the server's reason" "$(cat "$T/err")" "refused by the server: .*12"
OPENWSUS_PASSWORD=$APW "$OPENWSUS" user create erin --role reporters "${CONN[@]}" --user alice \
	</dev/null >"$T/out" 2>"$T/err"
expect "no new password on stdin: exit 1" "$?" 1
expect_match "...says so" "$(cat "$T/err")" "no password for erin"
admin user create frank --role owners
expect "user create with an unknown role is a usage error" "$?" 2
printf 'long enough pass\n' | "$OPENWSUS" user add --data "$D" gina --role owners >/dev/null 2>&1
expect "user add --data keeps its usage errors" "$?" 2

# ---- the Reporter reads everything and writes nothing --------------------------------------
for v in "group list" "computer list" "report updates" "report status" "report audit" "user list"; do
	# shellcheck disable=SC2086
	reporter $v
	expect "reporter: $v" "$?" 0
done
reporter_write() {
	local name=$1
	shift
	printf 'eve password 123\n' | OPENWSUS_PASSWORD=$RPW "$OPENWSUS" "$@" "${CONN[@]}" --user bob \
		>"$T/out" 2>"$T/err"
	expect "reporter: $name: exit 1" "$?" 1
	expect_match "...read-only access" "$(cat "$T/err")" "read-only access \(HTTP 403"
}
reporter_write "group add" group add X
reporter_write "group delete" group delete Servers
reporter_write "approve" approve "$BUNDLE" --group Servers
reporter_write "decline" decline "$BUNDLE"
reporter_write "decline --undo" decline --undo "$LEAF"
reporter_write "computer assign" computer assign "$PC" --group Servers
reporter_write "computer unassign" computer unassign "$PC" --group Servers
reporter_write "user create" user create eve --role administrators

# ---- transport and credentials ------------------------------------------------------------
out=$(OPENWSUS_PASSWORD=$APW "$OPENWSUS" group list --server "http://$FQDN:$HTTP_PORT" --ca "$D/tls/ca.pem" \
	--user alice 2>&1 </dev/null)
expect "an http:// server is refused (usage error)" "$?" 2
expect_match "...with the hardening guide's reason" "$out" "console cannot be used safely over HTTP"
out=$(OPENWSUS_PASSWORD=$APW "$OPENWSUS" group list --server "https://alice:x@$FQDN:$HTTPS_PORT" \
	--ca "$D/tls/ca.pem" --user alice 2>&1 </dev/null)
expect "credentials in the URL are refused" "$?" 2
out=$("$OPENWSUS" group list "${CONN[@]}" --user alice --password "$APW" 2>&1 </dev/null)
expect "there is no --password option" "$?" 2
out=$("$OPENWSUS" group list "${CONN[@]}" --user alice --pass "$APW" 2>&1 </dev/null)
expect "...nor an abbreviation of one" "$?" 2
"$OPENWSUS" group list --server "$SERVER" --user alice </dev/null >/dev/null 2>&1
expect "--ca is required (no system store)" "$?" 2
"$OPENWSUS" group list "${CONN[@]}" --user alice --resolve nonsense </dev/null >/dev/null 2>&1
expect "a malformed --resolve is a usage error" "$?" 2

as alice 'wrong password 1' group list
expect "a wrong password: exit 1" "$?" 1
expect_match "...with the server's message" "$(cat "$T/err")" "wrong password.*HTTP 401"
env -u OPENWSUS_PASSWORD "$OPENWSUS" group list "${CONN[@]}" --user alice </dev/null >"$T/out" 2>"$T/err"
expect "no password at all: exit 1" "$?" 1
expect_match "...says where it is read from" "$(cat "$T/err")" "OPENWSUS_PASSWORD"
printf '%s\n' "$APW" | env -u OPENWSUS_PASSWORD "$OPENWSUS" group list "${CONN[@]}" --user alice \
	>"$T/out" 2>"$T/err"
expect "the password as one line of stdin" "$?" 0

init_data "$T/other" || fail "init a second data directory"
OPENWSUS_PASSWORD=$APW "$OPENWSUS" group list --server "$SERVER" --ca "$T/other/tls/ca.pem" \
	--resolve "$FQDN:$HTTPS_PORT:127.0.0.1" --user alice </dev/null >"$T/out" 2>"$T/err"
expect "a server not signed by --ca: exit 1" "$?" 1
expect_match "...TLS verification failed" "$(cat "$T/err")" "[Cc]ertificate|SSL"
OPENWSUS_PASSWORD=$APW "$OPENWSUS" group list --server "https://127.0.0.1:$HTTPS_PORT" --ca "$D/tls/ca.pem" \
	--user alice </dev/null >"$T/out" 2>"$T/err"
expect "a name the certificate does not cover: exit 1" "$?" 1

https_proxy=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 ALL_PROXY=http://127.0.0.1:9 \
	all_proxy=http://127.0.0.1:9 no_proxy= NO_PROXY= admin group list
expect "proxy environment variables are ignored" "$?" 0
check "...and the call went to the server" grep -q '^Servers ' "$T/out"

check "no password in the server log" bash -c "! grep -qF '$APW' '$SERVER_LOG'"

stop_server
expect "SIGTERM exits 0" "$STOP_STATUS" 0
finish
