#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `openwsus reset` (as wsusutil reset): every recorded content file is
# checked against its SHA-1 and SHA-256. A missing file loses its row, a
# damaged one goes to content/.quarantine/ and loses its row, a damaged
# file no row records is quarantined too, stale temporary files of
# interrupted imports go, fresh ones stay; exit 1 when something was
# repaired, 0 when all matched. Importing the file again brings it back.
. "$(dirname "$0")/lib.sh"

D="$T/data"
init_data "$D" || { fail "init"; exit 1; }
for i in 1 2 3 4; do head -c $((100000 + i)) /dev/urandom >"$T/f$i.cab"; done
mapfile -t P < <("$OPENWSUS" content import --data "$D" "$T"/f1.cab "$T"/f2.cab "$T"/f3.cab "$T"/f4.cab)
expect "four files imported" "${#P[@]}" 4
f() { echo "$D/content${1#/Content}"; }
q() { sqlite3 "$D/store.db" "$1"; }

out=$("$OPENWSUS" reset --data "$D")
expect "all intact: exit 0" "$?" 0
expect "...and says so" "$out" "reset: 4 recorded file(s) checked: 4 match, 0 missing, 0 damaged, 0 unreadable; 0 unrecorded file(s) (0 damaged); 0 stale temporary file(s) removed"

gen=$(q "select value from meta where key = 'catalog_generation'")
rm "$(f "${P[0]}")"
# Same size, one byte changed: only the digest can tell.
printf 'X' | dd of="$(f "${P[1]}")" bs=1 seek=500 conv=notrunc status=none
# A file no row records whose bytes do not match its name.
bogus=$D/content/AB/0123456789ABCDEF0123456789ABCDEF012345AB.cab
mkdir -p "$D/content/AB" && printf 'not this\n' >"$bogus"
mkdir -p "$D/content/.tmp"
printf 'half a copy' >"$D/content/.tmp/import.old111" && touch -d '2 hours ago' "$D/content/.tmp/import.old111"
printf 'in progress' >"$D/content/.tmp/import.new222"
# What the test planted belongs to the data directory's owner, as the
# server's own files do (tests run as root; the server does not).
chown -R --reference="$D" "$D/content"

out=$("$OPENWSUS" reset --data "$D")
expect "repairs made: exit 1" "$?" 1
expect_match "the missing file is named" "$out" "^missing content/${P[0]#/Content/}: row dropped; import the file again"
expect_match "the damaged file is named" "$out" "damaged content/${P[1]#/Content/}: digest mismatch; moved to content/.quarantine/, row dropped"
expect_match "the damaged unrecorded file is named" "$out" "damaged content/AB/0123456789ABCDEF0123456789ABCDEF012345AB.cab: not recorded"
expect_match "summary" "$out" "reset: 4 recorded file\\(s\\) checked: 2 match, 1 missing, 1 damaged, 0 unreadable; 1 unrecorded file\\(s\\) \\(1 damaged\\); 1 stale temporary file\\(s\\) removed"
expect "two rows left" "$(q 'select count(*) from content_file')" 2
expect "the damaged file is no longer served from content/" "$(test -e "$(f "${P[1]}")" && echo present || echo gone)" gone
expect "...it waits in content/.quarantine/" "$(ls "$D/content/.quarantine" | wc -l)" 2
expect "the stale temporary file is gone" "$(test -e "$D/content/.tmp/import.old111" && echo present || echo gone)" gone
expect "a fresh one (an import in progress) stays" "$(test -e "$D/content/.tmp/import.new222" && echo present || echo gone)" present
expect "dropping rows started a new catalog generation" \
	"$([ "$(q "select value from meta where key = 'catalog_generation'")" -gt "$gen" ] && echo yes)" yes

out=$("$OPENWSUS" reset --data "$D" --json)
expect "second run: exit 0" "$?" 0
expect_match "JSON: clean" "$out" '"clean": true'
expect_match "JSON: two checked" "$out" '"checked": 2'

"$OPENWSUS" content import --data "$D" "$T/f1.cab" "$T/f2.cab" >/dev/null
expect "importing the files again brings them back" "$(q 'select count(*) from content_file')" 4
out=$("$OPENWSUS" reset --data "$D")
expect "...and reset is content: exit 0" "$?" 0
if [ "$(id -u)" = 0 ] && getent passwd openwsus >/dev/null; then
	expect "run by root, reset leaves everything the service user's" \
		"$(find "$D" ! -user openwsus | wc -l)" 0
fi
out=$("$OPENWSUS" reset 2>&1)
expect "no --data: usage error (exit 2)" "$?" 2
finish
