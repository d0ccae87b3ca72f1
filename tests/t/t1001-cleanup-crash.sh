#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# cleanup survives being killed at any point. A catalog of 1000 updates x 3
# revisions (generated documents, one `update import`) whose 2000 old
# revisions each name one of 2000 imported content files; update 1 is
# approved through the admin API and its latest revision names two more
# files. decline-superseded declines what update 1 supersedes. Then
# `cleanup --batch 50` is stopped once with SIGTERM (exit 0, "interrupted")
# and SIGKILLed after random delays, up to 10 times, the store checked after
# each kill; a last run finishes. At the end the store is sound, only latest
# revisions are left, content rows and files match one to one, and the
# approved update's files are still there.
. "$(dirname "$0")/lib.sh"

N=${CLEANUP_UPDATES:-1000}     # updates; 3 revisions each
D="$T/data"
init_data "$D" || { fail "init"; exit 1; }
mkdir -p "$T/src" "$T/docs"
started=$SECONDS

# ---- content: 2 files per update for the old revisions, 2 for update 1 ----
NF=$((2 * N + 2))
for ((i = 1; i <= NF; i++)); do
	printf 'content file %d\n' "$i" >"$T/src/f$i.cab"
done
"$OPENWSUS" content import --data "$D" $(seq -f "$T/src/f%g.cab" 1 "$NF") >"$T/content.txt"
expect "content import of $NF files" "$?" 0
mapfile -t paths <"$T/content.txt"
expect "one URL path per file" "${#paths[@]}" "$NF"
SHA=("")
for p in "${paths[@]}"; do
	f=${p##*/}
	SHA+=("${f%.cab}")
done

# Base64 of the 20 bytes a 40-digit hex SHA-1 names (the Digest attribute),
# in bash arithmetic: 3 bytes -> 4 characters, the last 2 bytes -> 3 and "=".
B64=ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/
hex2b64() {
	local h=$1 out= i v
	for ((i = 0; i < 36; i += 6)); do
		v=$((16#${h:i:6}))
		out+=${B64:v>>18&63:1}${B64:v>>12&63:1}${B64:v>>6&63:1}${B64:v&63:1}
	done
	v=$((16#${h:36:4} << 8))
	B64OUT=$out${B64:v>>18&63:1}${B64:v>>12&63:1}${B64:v>>6&63:1}=
}
hex2b64 "${SHA[1]}"
expect "bash base64 of a digest matches base64(1)" "$B64OUT" \
	"$(printf '%s' "${SHA[1]}" | xxd -r -p | base64)"

uid() { printf '%08x-0000-4000-8000-%012x' "$1" "$1"; }
# file_el HEX: sets FILE_EL to an upd:File naming that SHA-1 (no subshells:
# this runs thousands of times).
file_el() {
	hex2b64 "$1"
	printf -v FILE_EL '<upd:File Digest="%s" DigestAlgorithm="SHA1" FileName="f.cab" Size="20" />' "$B64OUT"
}
DOC='<upd:Update xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update">'
DOC+='<upd:UpdateIdentity UpdateID="%08x-0000-4000-8000-%012x" RevisionNumber="%d" />'
DOC+='<upd:Properties UpdateType="Software" /><upd:Relationships><upd:SupersededUpdates>'
DOC+='<upd:UpdateIdentity UpdateID="%08x-0000-4000-8000-%012x" /></upd:SupersededUpdates>'
DOC+='</upd:Relationships>%s</upd:Update>'

# ---- documents: every revision supersedes one update; update 1's latest
# revision supersedes update 2, the others name an update not in the catalog.
for ((u = 1; u <= N; u++)); do
	for r in 1 2 3; do
		sup=$((u + 100000))
		files=
		if [ "$r" = 3 ] && [ "$u" = 1 ]; then
			sup=2
			file_el "${SHA[$((NF - 1))]}"
			files=$FILE_EL
			file_el "${SHA[$NF]}"
			files="<upd:Files>$files$FILE_EL</upd:Files>"
		elif [ "$r" != 3 ]; then
			file_el "${SHA[$((2 * (u - 1) + r))]}"
			files="<upd:Files>$FILE_EL</upd:Files>"
		fi
		printf "$DOC" "$u" "$u" "$r" "$sup" "$sup" "$files" >"$T/docs/u$u-r$r.xml"
	done
done
"$OPENWSUS" update import --data "$D" "$T/docs"/*.xml >"$T/import.txt"
expect "update import of $((3 * N)) documents" "$?" 0
q() { sqlite3 "$D/store.db" "$1"; }
expect "$((3 * N)) revisions" "$(q 'select count(*) from update_revision')" $((3 * N))
expect "$NF content rows" "$(q 'select count(*) from content_file')" "$NF"
echo "# catalog built in $((SECONDS - started)) s"

# ---- approve update 1 through the admin API ----
printf 'correct horse battery\n' | "$OPENWSUS" user add --data "$D" alice --role administrators >/dev/null
start_server "$D" || { fail "server starts"; exit 1; }
code=$(oc "$D" -o "$T/body" -w '%{http_code}' -u 'alice:correct horse battery' -X POST \
	-d "{\"update_id\":\"$(uid 1)\",\"group\":\"All Computers\",\"action\":\"install\"}" \
	"$(https_url /ApiRemoting30/api/v1/approvals)")
expect "update 1 approved for install" "$code" 201
stop_server

# ---- decline-superseded ----
out=$("$OPENWSUS" decline-superseded --data "$D" --dry-run)
expect_match "dry run names update 2, superseded by update 1" "$out" "would decline $(uid 2) .*superseded by $(uid 1)"
expect "dry run declines nothing" "$(q 'select count(*) from decline')" 0
out=$("$OPENWSUS" decline-superseded --data "$D" --json)
expect "decline-superseded exits 0" "$?" 0
expect_match "JSON: one declined, update 2" "$out" "\"count\": 1"
expect "update 2 is declined" "$(q "select declined_by from decline where update_id = '$(uid 2)'")" \
	"local:decline-superseded"
expect "the decline is audited with its reason" \
	"$(q "select count(*) from audit_log where action = 'update.decline' and detail like '%$(uid 1)%'")" 1
out=$("$OPENWSUS" decline-superseded --data "$D")
expect_match "run again: nothing more" "$out" "^0 superseded"

# ---- dry run ----
out=$("$OPENWSUS" cleanup --data "$D" --dry-run --json)
expect_match "dry run counts the old revisions" "$out" "\"revisions\": $((2 * N))"
expect_match "dry run counts the unneeded content" "$out" "\"content_files\": $((2 * N))"
expect "dry run deletes nothing" "$(q 'select count(*) from update_revision')" $((3 * N))

# store_sound LABEL: the invariants that must hold after any crash.
store_sound() {
	local bad=0 row
	[ "$(q 'pragma integrity_check')" = ok ] || { fail "$1: integrity_check"; bad=1; }
	[ -z "$(q 'pragma foreign_key_check')" ] || { fail "$1: foreign_key_check"; bad=1; }
	[ -z "$(q 'select r.revision_id from revision_relation r left join update_revision u
		using (revision_id) where u.revision_id is null limit 1')" ] ||
		{ fail "$1: relation of a deleted revision"; bad=1; }
	# A row is deleted before its file: a row without its file is never seen.
	while read -r row; do
		[ -f "$D/content/$row" ] || { fail "$1: content row $row has no file"; bad=1; break; }
	done < <(q "select substr(sha1, 39, 2) || '/' || sha1 || '.' || ext from content_file")
	[ "$bad" = 0 ]
}

# ---- SIGTERM: stops after the current batch, exit 0 ----
"$OPENWSUS" cleanup --data "$D" --batch 1 >"$T/term.txt" 2>&1 &
pid=$!
for ((i = 0; i < 200; i++)); do
	grep -q 'removed' "$T/term.txt" && break
	sleep 0.05
done
kill -TERM "$pid"
wait "$pid"
expect "SIGTERM: exit 0" "$?" 0
expect_match "SIGTERM: says so" "$(cat "$T/term.txt")" "interrupted, run again to continue"
check "SIGTERM: store sound" store_sound "after SIGTERM"

# ---- SIGKILL at random points ----
# How long one whole run takes here (on a copy), so that the delays fit
# this build's speed (ASan is slower).
cp -a "$D" "$T/calib"
t0=$(date +%s%N)
"$OPENWSUS" cleanup --data "$T/calib" --batch 50 >/dev/null 2>&1
run_ms=$((($(date +%s%N) - t0) / 1000000 + 1))
rm -rf "$T/calib"
echo "# a whole run takes ${run_ms} ms"
kills=0
for ((k = 1; k <= 10; k++)); do
	# Up to half a run: each killed run gets some way, so most of the 10
	# kills land before the work is done, in every phase.
	ms=$((1 + RANDOM % (run_ms / 2 + 1)))
	delay=$((ms / 1000)).$(printf '%03d' $((ms % 1000)))
	# (The braces keep bash's "Killed" notice out of the log.)
	{ timeout -s KILL "$delay" "$OPENWSUS" cleanup --data "$D" --batch 50 >"$T/kill$k.txt" 2>&1; } 2>/dev/null
	st=$?
	if [ "$st" = 0 ]; then
		echo "# run $k finished before its ${delay} s kill"
		break
	fi
	[ "$st" = 137 ] || { fail "run $k: exit $st, not killed"; cat "$T/kill$k.txt"; break; }
	kills=$((kills + 1))
	echo "# kill $k after ${delay} s: $(q 'select count(*) from update_revision') revisions," \
		"$(q 'select count(*) from content_file') content rows," \
		"$(q 'select count(*) from content_unlink') queued unlinks left"
	store_sound "after kill $k" || break
done
check "at least one run was killed" test "$kills" -ge 1

# ---- finish ----
out=$(timeout 300 "$OPENWSUS" cleanup --data "$D" --batch 50)
expect "the last run finishes" "$?" 0
expect_match "it prints totals" "$out" "^cleanup: [0-9]+ unused revision"
check "store sound at the end" store_sound "end"
expect "only latest revisions are left" \
	"$(q 'select count(*) from update_revision r where exists (select 1 from update_revision n
		where n.update_id = r.update_id and n.revision > r.revision)')" 0
expect "one revision per update" "$(q 'select count(*) from update_revision')" "$N"
expect "their relations only" "$(q 'select count(*) from revision_relation')" "$N"
expect "no unlink left queued" "$(q 'select count(*) from content_unlink')" 0
q "select substr(sha1, 39, 2) || '/' || sha1 || '.' || ext from content_file order by 1" >"$T/rows"
(cd "$D/content" && find . -path './[0-9A-F][0-9A-F]/*' -type f | sed 's|^\./||' | sort) >"$T/files"
expect "content rows and files match one to one" "$(diff "$T/rows" "$T/files" && echo same)" same
expect "two content files left" "$(wc -l <"$T/rows")" 2
for s in "${SHA[$((NF - 1))]}" "${SHA[$NF]}"; do
	check "approved update keeps ${s:0:8}...: row" test "$(q "select count(*) from content_file where sha1 = '$s'")" = 1
	check "approved update keeps ${s:0:8}...: file" test -f "$D/content/${s:38:2}/$s.cab"
done
check "a summary audit entry for the runs that were not killed" \
	test "$(q "select count(*) from audit_log where action = 'cleanup.run'")" -ge 2
out=$("$OPENWSUS" cleanup --data "$D" --json)
expect_match "a run after the end finds nothing" "$out" '"batches": 0'
echo "# t1001 took $((SECONDS - started)) s"
finish
