#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Crash safety: kill -9 at random points of content import (20 kills, 8 MiB
# files), update import (20, of 1000 documents) and of the server during a
# publish (12). After every
# kill: the store passes SQLite's integrity and foreign-key checks and
# `openwsus reset` finds every recorded content file matching its digests
# and no damaged file anywhere under content/ (no partial file is ever
# visible). Afterwards every interrupted operation, run again, completes.
# The delays come from $RANDOM seeded with CRASH_SEED (printed) so a
# failing run can be replayed.
. "$(dirname "$0")/lib.sh"

SEED=${CRASH_SEED:-$((($$ * 7919 + $(date +%s)) % 32768))}
RANDOM=$SEED
echo "# CRASH_SEED=$SEED"
D="$T/data"
init_data "$D" || { fail "init"; exit 1; }
printf 'correct horse battery\n' | "$OPENWSUS" user add --data "$D" alice --role administrators >/dev/null
KILLS=0
BAD=0

q() { sqlite3 "$D/store.db" "$1"; }
# sound WHAT: the store and content directory after a kill.
sound() {
	local ic fk out
	ic=$(q 'PRAGMA integrity_check')
	fk=$(q 'PRAGMA foreign_key_check' | wc -l)
	out=$("$OPENWSUS" reset --data "$D" --json 2>&1)
	local st=$?
	if [ "$ic" != ok ] || [ "$fk" != 0 ] || [ $st != 0 ] ||
		! printf '%s' "$out" | grep -q '"unrecorded_damaged": 0'; then
		fail "after kill $KILLS ($1): integrity '$ic', foreign-key rows $fk, reset exit $st: $out"
		BAD=$((BAD + 1))
	fi
}
# killer PID MAXMS: kill -9 after a random delay of 0..MAXMS ms; KILLS
# counts the kills that landed before the process finished on its own.
killer() {
	local ms=$((RANDOM % ($2 + 1))) st
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	st=$?
	[ $st = 137 ] && KILLS=$((KILLS + 1))
	return 0
}

# ms COMMAND...: how long COMMAND takes here, in ms (to spread the kills
# over the whole operation on a fast or a slow, sanitized build).
ms() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000 + 1))
}
# Each phase runs until its share of kills landed mid-operation, at most
# three times that many rounds.
init_data "$T/scratch" scratch.example.test || { fail "scratch init"; exit 1; }

# ---- content import ---------------------------------------------------------
head -c 8388608 /dev/urandom >"$T/calibrate.cab"
span=$(ms "$OPENWSUS" content import --data "$T/scratch" "$T/calibrate.cab")
before=$KILLS
n=0
while [ $((KILLS - before)) -lt 20 ] && [ $n -lt 60 ]; do
	n=$((n + 1))
	head -c $((8388608 + RANDOM * 64)) /dev/urandom >"$T/f$n.cab"
	"$OPENWSUS" content import --data "$D" "$T/f$n.cab" >/dev/null 2>&1 &
	killer $! "$span"
	sound "content import $n"
done
echo "# content import: $((KILLS - before)) kills landed in $n rounds (span $span ms)"
"$OPENWSUS" content import --data "$D" "$T"/f*.cab >"$T/imported.txt"
expect "content import of the $n files, run again, completes" "$?" 0
expect "all $n are recorded" "$(q 'select count(*) from content_file')" "$n"
for p in $(cat "$T/imported.txt"); do
	[ "$(sha1sum <"$D/content${p#/Content}" | cut -c1-40 | tr a-f A-F)" = "$(basename "${p%.*}")" ] ||
		fail "content file $p does not match its name"
done

# ---- update import -----------------------------------------------------------
# Every round imports revision N of 1000 updates: all of it is new work.
DOC='<upd:Update xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update">'
DOC+='<upd:UpdateIdentity UpdateID="%08x-0000-4000-8000-%012x" RevisionNumber="%d" />'
DOC+='<upd:Properties UpdateType="Software" /><upd:LocalizedPropertiesCollection>'
DOC+='<upd:LocalizedProperties><upd:Language>en</upd:Language><upd:Title>Crash test %d</upd:Title>'
DOC+='</upd:LocalizedProperties></upd:LocalizedPropertiesCollection></upd:Update>'
docs() {
	rm -rf "$T/docs"
	mkdir "$T/docs"
	for u in $(seq 1 1000); do
		printf "$DOC" "$u" "$u" "$1" "$u" >"$T/docs/u$u.xml"
	done
}
docs 1
span=$(ms "$OPENWSUS" update import --data "$T/scratch" "$T/docs"/*.xml)
before=$KILLS
n=0
while [ $((KILLS - before)) -lt 20 ] && [ $n -lt 60 ]; do
	n=$((n + 1))
	docs "$n"
	"$OPENWSUS" update import --data "$D" "$T/docs"/*.xml >/dev/null 2>&1 &
	killer $! "$span"
	sound "update import $n"
done
echo "# update import: $((KILLS - before)) kills landed in $n rounds (span $span ms)"
"$OPENWSUS" update import --data "$D" "$T/docs"/*.xml >/dev/null
expect "update import of 1000 documents, run again, completes" "$?" 0
expect "revision $n of all 1000 updates is there" \
	"$(q "select count(distinct update_id) from update_revision where revision = $n")" 1000
expect "no revision twice" \
	"$(q 'select count(*) from (select 1 from update_revision group by update_id, revision having count(*) > 1)')" 0

# ---- the server killed during publishes --------------------------------------
(
	cd "$T" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 5 -subj '/CN=Publisher CA' \
		-keyout ca.key -out ca.pem -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/O=Example/CN=Example Publisher' \
		-keyout pub.key -out pub.csr &&
	printf 'extendedKeyUsage=codeSigning\n' >cs.ext &&
	openssl x509 -req -in pub.csr -CA ca.pem -CAkey ca.key -days 4 -extfile cs.ext -out pub.pem
) >/dev/null 2>&1 || { fail "openssl made the publisher PKI"; exit 1; }
cp "$T/ca.pem" "$D/trusted-publishers/example-ca.pem"
pub() {
	OPENWSUS_PASSWORD='correct horse battery' "$OPENWSUS" publish --server "https://$FQDN:$HTTPS_PORT" \
		--ca "$D/tls/ca.pem" --resolve "$FQDN:$HTTPS_PORT:127.0.0.1" --user alice \
		--file "$1" --title "Crash tool $2" --args "/quiet" \
		--sign-cert "$T/pub.pem" --sign-key "$T/pub.key"
}
head -c 3145728 /dev/urandom >"$T/setup0.exe"
start_server "$D" || { fail "server starts"; exit 1; }
span=$(ms pub "$T/setup0.exe" 0)
stop_server
published=0
before=$KILLS
n=0
while [ $((n - published)) -lt 12 ] && [ $n -lt 36 ]; do
	n=$((n + 1))
	head -c $((3145728 + RANDOM * 16)) /dev/urandom >"$T/setup$n.exe"
	start_server "$D" || { fail "server starts after kill $KILLS"; break; }
	pub "$T/setup$n.exe" "$n" >/dev/null 2>&1 &
	client=$!
	killer "$SERVER_PID" "$span"
	SERVER_PID=
	wait "$client" 2>/dev/null && published=$((published + 1))
	sound "publish $n"
done
KILLS=$((before + n - published)) # the server always dies; count cut-off publishes
echo "# publish: $((n - published)) of $n publishes cut off by the kill (span $span ms)"
start_server "$D" || fail "server starts after the publish kills"
before=$(q 'select count(*) from update_revision')
id=$(pub "$T/setup1.exe" final 2>&1)
expect "a publish after the kills completes" "$?" 0
expect "...and adds one revision" "$(q 'select count(*) from update_revision')" $((before + 1))
stop_server
sound "final"

expect "at least 52 kills landed mid-operation ($KILLS)" "$([ $KILLS -ge 52 ] && echo yes)" yes
expect "every state after a kill was sound (seed $SEED)" "$BAD" 0
out=$("$OPENWSUS" reset --data "$D")
expect "reset at the end: exit 0" "$?" 0
expect_match "...everything recorded matches" "$out" "^reset: [0-9]+ recorded file\\(s\\) checked: [0-9]+ match, 0 missing, 0 damaged, 0 unreadable"
finish
